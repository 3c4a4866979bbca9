"""The Directory's API: the same entries, fields and rules as the pages. Contact persons and
direct lines are absent from the JSON, and from the OpenAPI document served, for a caller who
is not a registered authority (practitioner) or the Secretariat."""

import datetime as dt

from django.core.exceptions import ValidationError
from ninja import Query, Router, Schema
from ninja import Status as Reply
from ninja.errors import HttpError
from ninja.pagination import paginate

from palermo.core.api_auth import READ, WRITE
from palermo.core.models import Participant
from palermo.platform.access import PUBLIC, allow, declare_api
from palermo.platform.api import ErrorOut, Pagination, RowId
from palermo.platform.policies import policy_for, restrict
from palermo.platform.schemas import PolicySchema
from palermo.platform.views import get_visible_or_404

from . import services
from .models import Area, Authority
from .queries import disagreements

router = Router(tags=["directory"])


class AreaOut(Schema):
    code: str
    name: str
    instrument: str
    article: str
    declaration_subject: str


class EntryOut(PolicySchema):
    policy_model = Authority

    id: int
    participant: str
    participant_name: str
    area: str
    authority: str
    unit: str
    address: str
    contact_persons: str = ""
    phone: str
    direct_lines: str = ""
    email: str
    hours: str
    time_zone: str
    languages: list[str]
    channels: list[str]
    urgent_procedure: str
    requirements: str
    convention_legal_basis: bool | None
    last_confirmed: dt.date | None
    stale: bool
    is_demo: bool
    notes: str


class DisagreementOut(Schema):
    field: str
    entry: str
    declared: str
    declaration_id: int


class EntryDetailOut(EntryOut):
    disagreements: list[DisagreementOut]
    #: The stable addresses of the Library laws linked to the entry that the caller may see.
    laws: list[str]


class EntryIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "participant": "ARG",
                    "area": "extradition",
                    "authority": "Example authority (fictional)",
                    "languages": ["es"],
                    "channels": ["central_authority"],
                }
            ]
        }
    }

    participant: str
    area: str
    authority: str
    unit: str = ""
    address: str = ""
    contact_persons: str = ""
    phone: str = ""
    direct_lines: str = ""
    email: str = ""
    hours: str = ""
    time_zone: str = ""
    languages: list[str] = []
    channels: list[str] = []
    urgent_procedure: str = ""
    requirements: str = ""
    convention_legal_basis: bool | None = None
    last_confirmed: dt.date | None = None
    notes: str = ""


class EntryFilters(Schema):
    participant: str = ""
    area: str = ""
    stale: bool | None = None
    q: str = ""


def entry_out(e: Authority) -> dict:
    return {
        "id": e.pk,
        "participant": e.participant.code,
        "participant_name": e.participant.name,
        "area": e.area.code,
        "authority": e.authority,
        "unit": e.unit,
        "address": e.address,
        "contact_persons": e.contact_persons,
        "phone": e.phone,
        "direct_lines": e.direct_lines,
        "email": e.email,
        "hours": e.hours,
        "time_zone": e.time_zone,
        "languages": list(e.languages),
        "channels": list(e.channels),
        "urgent_procedure": e.urgent_procedure,
        "requirements": e.requirements,
        "convention_legal_basis": e.convention_legal_basis,
        "last_confirmed": e.last_confirmed,
        "stale": e.is_stale(),
        "is_demo": e.is_demo,
        "notes": e.notes,
    }


def _detail(e: Authority, user) -> dict:
    return {
        **entry_out(e),
        "laws": [
            law.get_absolute_url() for law in restrict(e.laws.select_related("participant"), user)
        ],
        "disagreements": [
            {
                "field": d.field,
                "entry": d.entry,
                "declared": d.declared,
                "declaration_id": d.declaration.pk,
            }
            for d in disagreements(e)
        ],
    }


@router.get("/areas", response=list[AreaOut], auth=READ)
def list_areas(request):
    """The areas of cooperation, with the article that asks States for an authority."""
    return [
        {
            "code": a.code,
            "name": a.name,
            "instrument": a.instrument,
            "article": a.article,
            "declaration_subject": a.declaration_subject,
        }
        for a in Area.objects.all()
    ]


@router.get("/entries", response=list[EntryOut], auth=READ)
@paginate(Pagination, page_size=50)
def list_entries(request, filters: Query[EntryFilters]):
    """Entries, filtered by State (ISO 3166 alpha-3), area code, stale (not confirmed for 12
    months) and words in the authority's name or unit."""
    qs = Authority.objects.with_related()
    if filters.participant:
        qs = qs.filter(participant__code=filters.participant.upper())
    if filters.area:
        qs = qs.filter(area__code=filters.area)
    if filters.stale is True:
        qs = qs.stale()
    elif filters.stale is False:
        qs = qs.fresh()
    if filters.q:
        from django.db.models import Q

        qs = qs.filter(Q(authority__icontains=filters.q) | Q(unit__icontains=filters.q))
    return [entry_out(e) for e in restrict(qs, request.auth)]


@router.get("/entries/{entry_id}", response={200: EntryDetailOut, 404: ErrorOut}, auth=READ)
def get_entry(request, entry_id: RowId):
    """One entry, with where it disagrees with the State's Treaties declarations."""
    return _detail(
        get_visible_or_404(Authority.objects.with_related(), request.auth, pk=entry_id),
        request.auth,
    )


def _apply(entry: Authority, payload: EntryIn, user) -> Authority:
    participant = Participant.objects.filter(code=payload.participant.upper()).first()
    if participant is None:
        raise HttpError(
            404, f"No State with the code “{payload.participant}”; use ISO 3166 alpha-3, e.g. ARG."
        )
    area = Area.objects.filter(code=payload.area).first()
    if area is None:
        known = ", ".join(Area.objects.values_list("code", flat=True))
        raise HttpError(404, f"No area “{payload.area}”; known areas: {known}.")
    hidden = policy_for(Authority).hidden_fields(user)
    data = payload.dict(exclude={"participant", "area", *hidden})
    entry.participant, entry.area = participant, area
    for name, value in data.items():
        setattr(entry, name, value)
    return entry


def _save(request, entry):
    try:
        return services.save_entry(acting_user=request.auth, entry=entry)
    except ValidationError as exc:
        raise HttpError(422, "; ".join(exc.messages)) from None


@router.post("/entries", response={201: EntryDetailOut, 404: ErrorOut, 422: ErrorOut}, auth=WRITE)
def create_entry(request, payload: EntryIn):
    """The Secretariat for any State; a State's focal point for their own."""
    entry = _save(request, _apply(Authority(), payload, request.auth))
    return Reply(201, _detail(entry, request.auth))


@router.put(
    "/entries/{entry_id}", response={200: EntryDetailOut, 404: ErrorOut, 422: ErrorOut}, auth=WRITE
)
def update_entry(request, entry_id: RowId, payload: EntryIn):
    """Replace an entry's fields (restricted fields you may not see keep their value)."""
    entry = get_visible_or_404(Authority.objects.with_related(), request.auth, pk=entry_id)
    return _detail(_save(request, _apply(entry, payload, request.auth)), request.auth)


@router.post(
    "/entries/{entry_id}/confirm", response={200: EntryDetailOut, 404: ErrorOut}, auth=WRITE
)
def confirm_entry(request, entry_id: RowId):
    """The State confirms the entry as correct today (it is no longer flagged)."""
    entry = get_visible_or_404(Authority.objects.with_related(), request.auth, pk=entry_id)
    return _detail(services.confirm_entry(acting_user=request.auth, entry=entry), request.auth)


@router.delete(
    "/entries/{entry_id}", response={204: None, 404: ErrorOut, 422: ErrorOut}, auth=WRITE
)
def delete_entry(request, entry_id: RowId):
    """Secretariat only; refused (422) while requests for cooperation refer to the entry."""
    entry = get_visible_or_404(Authority.objects.all(), request.auth, pk=entry_id)
    try:
        services.delete_entry(acting_user=request.auth, entry=entry)
    except ValidationError as exc:
        raise HttpError(422, "; ".join(exc.messages)) from None
    return Reply(204, None)


def _entry():
    return {"entry_id": Authority.objects.filter(participant__code="ARG").order_by("pk").first().pk}


def _deletable_entry():
    """An entry no request for cooperation refers to (those are refused, 422)."""
    entry = (
        Authority.objects.filter(
            participant__code="ARG", kept_requests=None, counterpart_requests=None
        )
        .order_by("pk")
        .first()
    )
    return {"entry_id": entry.pk}


def _new_entry():
    return {
        "participant": "ARG",
        "area": "prevention",
        "authority": "Permission matrix authority (fictional)",
        "languages": ["es"],
    }


def _replace_entry():
    entry = Authority.objects.filter(participant__code="ARG").order_by("pk").first()
    return {**entry_out(entry), "participant": "ARG", "area": entry.area.code}


ENTRY = allow(*PUBLIC.allow, sample=_entry)
declare_api(
    "/api/directory",
    {
        "GET /areas": PUBLIC,
        "GET /entries": PUBLIC,
        "GET /entries/{entry_id}": ENTRY,
        "POST /entries": allow("secretariat", "focal-point", data=_new_entry),
        "PUT /entries/{entry_id}": allow(
            "secretariat", "focal-point", sample=_entry, data=_replace_entry
        ),
        "POST /entries/{entry_id}/confirm": allow("secretariat", "focal-point", sample=_entry),
        "DELETE /entries/{entry_id}": allow("secretariat", sample=_deletable_entry),
    },
)
