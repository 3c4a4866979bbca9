"""The Assistance API: programmes, activities, needs (a State's own; the Secretariat's all),
the figures of the dashboards, and the need's lifecycle through the same services and rules as
the pages (a refused write answers 403, a need one may not see 404, a broken rule 422)."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Query, Router, Schema
from ninja import Status as Reply
from ninja.errors import HttpError
from ninja.pagination import paginate

from palermo.core.api_auth import READ, WRITE
from palermo.core.models import Participant
from palermo.platform.access import PUBLIC, allow, declare_api
from palermo.platform.api import ErrorOut, Pagination, RowId
from palermo.platform.policies import policy_for, restrict
from palermo.platform.views import get_visible_or_404

from . import figures, services
from .choices import NeedStatus
from .models import Activity, AssistanceType, Need, PriorityArea, Programme

router = Router(tags=["assistance"])


class ProgrammeOut(Schema):
    id: int
    code: str
    title: str
    kind: str
    status: str
    start: dt.date | None
    end: dt.date | None
    published: bool
    is_demo: bool


class ActivityOut(Schema):
    id: int
    code: str
    title: str
    origin: str
    type: str | None
    status: str
    start: dt.date | None
    end: dt.date | None
    beneficiaries: list[str]
    priority_areas: list[str]
    programme: int | None
    published: bool
    is_demo: bool
    source: str


class NeedOut(Schema):
    id: int
    participant: str
    title: str
    description: str
    type: str | None
    priority: str
    origin: str
    status: str
    priority_areas: list[str]
    activities: list[int]
    created: dt.datetime


class NeedIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [{"participant": "ARG", "title": "Training of judges (fictional)"}]
        }
    }

    participant: str
    title: str
    description: str = ""
    type: str | None = None
    priority: str = "medium"
    priority_areas: list[str] = []
    note: str = ""


class StatusIn(Schema):
    status: str
    note: str = ""


class LinkIn(Schema):
    activity: int
    note: str = ""


class ActivityFilters(Schema):
    participant: str = ""
    region: str = ""
    priority_area: str = ""
    type: str = ""
    status: str = ""
    origin: str = ""


class FigureFilters(Schema):
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    region: str | None = None
    priority_area: str | None = None
    participant: str | None = None


def programme_out(p: Programme) -> dict:
    return {
        "id": p.pk,
        "code": p.code,
        "title": p.title,
        "kind": p.kind,
        "status": p.status,
        "start": p.start,
        "end": p.end,
        "published": p.published,
        "is_demo": p.demo,
    }


def activity_out(a: Activity) -> dict:
    return {
        "id": a.pk,
        "code": a.code,
        "title": a.title,
        "origin": a.origin,
        "type": a.type.code if a.type_id else None,
        "status": a.status,
        "start": a.start,
        "end": a.end,
        "beneficiaries": [p.code for p in a.beneficiaries.all()],
        "priority_areas": [pa.code for pa in a.priority_areas.all()],
        "programme": a.programme_id,
        "published": a.published,
        "is_demo": a.demo,
        "source": a.source_reference if a.source else "",
    }


def need_out(n: Need) -> dict:
    return {
        "id": n.pk,
        "participant": n.participant.code,
        "title": n.title,
        "description": n.description,
        "type": n.type.code if n.type_id else None,
        "priority": n.priority,
        "origin": n.origin,
        "status": n.status,
        "priority_areas": [pa.code for pa in n.priority_areas.all()],
        "activities": [link.activity_id for link in n.links.all()],
        "created": n.created,
    }


def _activities():
    return Activity.objects.select_related("type").prefetch_related(
        "beneficiaries", "priority_areas"
    )


def _needs():
    return Need.objects.select_related("participant", "type").prefetch_related(
        "priority_areas", "links"
    )


def _unprocessable(exc: ValidationError):
    raise HttpError(422, "; ".join(exc.messages)) from None


@router.get("/programmes", response=list[ProgrammeOut], auth=READ)
@paginate(Pagination, page_size=50)
def list_programmes(request):
    """The programmes the caller may see (published ones for the public)."""
    return [programme_out(p) for p in restrict(Programme.objects.all(), request.auth)]


@router.get("/programmes/{programme_id}", response={200: ProgrammeOut, 404: ErrorOut}, auth=READ)
def get_programme(request, programme_id: RowId):
    return programme_out(get_visible_or_404(Programme.objects.all(), request.auth, pk=programme_id))


@router.get("/activities", response=list[ActivityOut], auth=READ)
@paginate(Pagination, page_size=50)
def list_activities(request, filters: Query[ActivityFilters]):
    """Activities, filtered by beneficiary State (ISO alpha-3), M49 region, priority area
    ("PA2"), type code, status and origin (palermo, partner, historical)."""
    qs = _activities()
    if filters.participant:
        qs = qs.filter(beneficiaries__code=filters.participant.upper())
    if filters.region:
        qs = qs.filter(beneficiaries__region_id=filters.region)
    if filters.priority_area:
        qs = qs.filter(priority_areas__code=filters.priority_area)
    if filters.type:
        qs = qs.filter(type__code=filters.type)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.origin:
        qs = qs.filter(origin=filters.origin)
    return [activity_out(a) for a in restrict(qs, request.auth).distinct()]


@router.get("/activities/{activity_id}", response={200: ActivityOut, 404: ErrorOut}, auth=READ)
def get_activity(request, activity_id: RowId):
    return activity_out(get_visible_or_404(_activities(), request.auth, pk=activity_id))


def _figure_filters(f: FigureFilters) -> figures.Filters:
    participant = None
    if f.participant:
        participant = Participant.objects.filter(code=f.participant.upper()).first()
        if participant is None:
            raise HttpError(422, f"No State with the code “{f.participant}”.")
    return figures.Filters(
        period=figures.Period(f.date_from, f.date_to),
        region=f.region,
        priority_area=f.priority_area,
        participant=participant,
    )


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@router.get("/figures/summary", response=dict, auth=READ)
def figures_summary(request, filters: Query[FigureFilters]):
    """The headline figures over what the caller may see; money in US dollars (as strings),
    with the rates used (currency, period, units per dollar)."""
    data = figures.summary(request.auth, _figure_filters(filters))
    data["rates"] = [
        {"currency": r.currency, "period": r.period, "per_usd": str(r.per_usd), "label": r.label}
        for r in data["rates"]
    ]
    return _plain(data)


@router.get("/figures/breakdown/{dimension}", response={200: list[dict], 422: ErrorOut}, auth=READ)
def figures_breakdown(request, dimension: str, filters: Query[FigureFilters]):
    """Rows of one dimension: priority_area, region, state, year or type."""
    try:
        rows = figures.breakdown(request.auth, dimension, _figure_filters(filters))
    except ValueError as exc:
        raise HttpError(422, str(exc)) from None
    return _plain(rows)


def _may_see_needs(user):
    if not policy_for(Need).allows(user, "view"):
        raise PermissionDenied("Only a State's focal points and experts, and the Secretariat.")


@router.get("/needs", response={200: list[NeedOut], 403: ErrorOut}, auth=WRITE)
@paginate(Pagination, page_size=50)
def list_needs(request, status: str = "", participant: str = ""):
    """Needs: a State's focal points and experts see their own, the Secretariat all."""
    _may_see_needs(request.auth)
    qs = _needs()
    if status:
        qs = qs.filter(status=status)
    if participant:
        qs = qs.filter(participant__code=participant.upper())
    return [need_out(n) for n in restrict(qs, request.auth)]


@router.get("/needs/{need_id}", response={200: NeedOut, 404: ErrorOut}, auth=WRITE)
def get_need(request, need_id: RowId):
    return need_out(get_visible_or_404(_needs(), request.auth, pk=need_id))


@router.post(
    "/needs", response={201: NeedOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}, auth=WRITE
)
def create_need(request, payload: NeedIn):
    """A State's focal point or expert records a need of their State; the Secretariat any."""
    participant = Participant.objects.filter(code=payload.participant.upper()).first()
    if participant is None:
        raise HttpError(404, f"No State with the code “{payload.participant}”.")
    kind = None
    if payload.type:
        kind = AssistanceType.objects.filter(code=payload.type).first()
        if kind is None:
            raise HttpError(404, f"No type of assistance “{payload.type}”.")
    areas = list(PriorityArea.objects.filter(code__in=payload.priority_areas))
    try:
        need = services.record_need(
            acting_user=request.auth,
            participant=participant,
            title=payload.title,
            description=payload.description,
            type=kind,
            priority=payload.priority,
            priority_areas=areas,
            note=payload.note,
        )
    except ValidationError as exc:
        _unprocessable(exc)
    return Reply(201, need_out(_needs().get(pk=need.pk)))


@router.post(
    "/needs/{need_id}/status",
    response={200: NeedOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=WRITE,
)
def set_need_status(request, need_id: RowId, payload: StatusIn):
    """Move the need along its lifecycle (open, planned, being_met, met, withdrawn)."""
    need = get_visible_or_404(Need.objects.all(), request.auth, pk=need_id)
    if payload.status not in NeedStatus.values:
        raise HttpError(422, f"Status is one of {', '.join(NeedStatus.values)}.")
    try:
        services.set_status(need, payload.status, acting_user=request.auth, note=payload.note)
    except ValidationError as exc:
        _unprocessable(exc)
    return need_out(_needs().get(pk=need.pk))


@router.post(
    "/needs/{need_id}/links",
    response={200: NeedOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=WRITE,
)
def link_need(request, need_id: RowId, payload: LinkIn):
    """Say that an activity addresses the need (an open need becomes planned)."""
    need = get_visible_or_404(Need.objects.all(), request.auth, pk=need_id)
    activity = get_visible_or_404(Activity.objects.all(), request.auth, pk=payload.activity)
    try:
        services.link_activity(need, activity, acting_user=request.auth, note=payload.note)
    except ValidationError as exc:
        _unprocessable(exc)
    return need_out(_needs().get(pk=need.pk))


def _need():
    from .views import _sample_need

    return {"need_id": _sample_need()["pk"]}


def _programme():
    from .views import _sample_programme

    return {"programme_id": _sample_programme()["pk"]}


def _activity():
    from .views import _sample_activity

    return {"activity_id": _sample_activity()["pk"]}


NEED_ROLES = ("secretariat", "focal-point", "expert", "focal-point@other", "expert@other")
OWN = ("secretariat", "focal-point", "expert")
declare_api(
    "/api/assistance",
    {
        "GET /programmes": PUBLIC,
        "GET /programmes/{programme_id}": allow(*PUBLIC.allow, sample=_programme),
        "GET /activities": PUBLIC,
        "GET /activities/{activity_id}": allow(*PUBLIC.allow, sample=_activity),
        "GET /figures/summary": PUBLIC,
        "GET /figures/breakdown/{dimension}": allow(
            *PUBLIC.allow, sample=lambda: {"dimension": "region"}
        ),
        "GET /needs": allow(*NEED_ROLES),
        "GET /needs/{need_id}": allow(*OWN, sample=_need, hidden=True),
        "POST /needs": allow(*OWN, data={"participant": "ARG", "title": "Matrix need (fictional)"}),
        "POST /needs/{need_id}/status": allow(
            *OWN, sample=_need, hidden=True, data={"status": "open"}
        ),
        "POST /needs/{need_id}/links": allow(
            *OWN, sample=_need, hidden=True, data=lambda: {"activity": _activity()["activity_id"]}
        ),
    },
)
