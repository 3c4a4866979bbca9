"""Treaties API: the same data and rules as the pages, for scripts."""

import datetime as dt
from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema
from ninja import Status as Reply
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from ninja.pagination import paginate

from palermo.core.api import ParticipantCode
from palermo.core.api_auth import READ, WRITE
from palermo.core.models import Participant
from palermo.core.permissions import require
from palermo.platform.access import PUBLIC, allow, declare_api
from palermo.platform.api import ErrorOut, Pagination, RowId
from palermo.platform.pages import cached_response, register_cached_page
from palermo.platform.policies import restrict

from . import services
from .choices import ActionKind, Status
from .models import Article, Declaration, Instrument, TreatyAction
from .module import TREATY_DATA
from .queries import NO_ACTION, TreatyResults, get_engine, status_rows

router = Router(tags=["treaties"])


def public_read(name: str, sample: str):
    """A public read computed from the treaty data: its response is kept per data version
    (``platform.pages.cached_response``; ``sample`` is an address the tests call it by)."""
    return decorate_view(cached_response(TREATY_DATA, register_cached_page(name, sample)))


InstrumentCode = Path[
    str,
    {
        "description": "An instrument's code (list: /api/treaties/instruments).",
        "example": "UNTOC",
    },
]
ArticleNumber = Path[str, {"description": "The article's number as in the text.", "example": "18"}]


class InstrumentOut(Schema):
    code: str
    short_title: str
    title: str
    parent: str | None
    depositary_number: str
    adopted: date | None
    entry_into_force: date | None
    entry_into_force_derived: date | None
    entry_into_force_source: str
    discrepancy: str | None
    actions_complete: bool
    actions_complete_until: date | None
    signature_opens: date | None
    signature_closes: date | None
    articles: int


class ArticleOut(Schema):
    instrument: str
    number: str
    title: str
    chapter: str
    text: str


class CountsOut(Schema):
    instrument: str
    on: date
    parties: int
    contracting: int
    signatories: int
    denounced: int
    partial_data: bool


class StatusRowOut(Schema):
    code: str
    name: str
    region: str
    group: str
    status: str
    in_force_from: date | None


class ActionOut(Schema):
    id: int
    participant: str
    instrument: str
    kind: str
    date: dt.date
    source: str
    source_text: str
    source_url: str
    source_note: str


class InstrumentFactsIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "official_entry_into_force": "2003-09-29",
                    "entry_into_force_source": "https://treaties.un.org/",
                    "actions_complete": False,
                }
            ]
        }
    }

    official_entry_into_force: dt.date | None = None
    entry_into_force_source: str = ""
    actions_complete: bool = False
    #: Left out: unchanged.
    actions_complete_until: dt.date | None = None


class ActionIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "participant": "ARG",
                    "instrument": "TIP",
                    "kind": "ratification",
                    "date": "2002-11-19",
                    "source": "Depositary notification (example)",
                }
            ]
        }
    }

    participant: str
    instrument: str
    kind: ActionKind
    date: dt.date
    source: str
    source_text: str = ""
    source_url: str = ""
    source_note: str = ""


class DeclarationOut(Schema):
    id: int
    participant: str
    instrument: str
    kind: str
    subject: str
    article: str | None
    date: dt.date | None
    text: str
    takes_convention_as_legal_basis: bool | None
    authority: str
    authority_address: str
    languages: list[str]
    source: str
    is_demo: bool


class DeclarationIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "participant": "ARG",
                    "instrument": "UNTOC",
                    "kind": "notification",
                    "subject": "central_authority",
                    "article": "18",
                    "authority": "Ministry of Foreign Affairs (example)",
                    "languages": ["es", "en"],
                }
            ]
        }
    }

    participant: str
    instrument: str
    kind: str
    subject: str
    article: str | None = None
    date: dt.date | None = None
    text: str = ""
    takes_convention_as_legal_basis: bool | None = None
    authority: str = ""
    authority_address: str = ""
    languages: list[str] = []
    source: str = ""


class StatusQuery(Schema):
    instrument: str = "UNTOC"
    on: date | None = None
    region: str = ""
    group: str = ""
    status: Status | None = None
    q: str = ""


def _instrument(code: str, qs=None) -> Instrument:
    qs = Instrument.objects.select_related("parent") if qs is None else qs
    instrument = qs.filter(code=code.upper()).first()
    if instrument is None:
        known = ", ".join(Instrument.objects.order_by("order").values_list("code", flat=True))
        raise HttpError(404, f"No instrument with the code “{code}”; known codes: {known}.")
    return instrument


def _participant(code: str) -> Participant:
    participant = Participant.objects.filter(code=code.upper()).first()
    if participant is None:
        raise HttpError(
            404,
            f"No participant with the code “{code}”; use the ISO 3166 alpha-3 code, e.g. ARG "
            "(list: /api/participants).",
        )
    return participant


def _instrument_out(i: Instrument, engine) -> dict:
    discrepancy = next((d.message for d in engine.discrepancies if d.instrument == i.code), None)
    return {
        "code": i.code,
        "short_title": i.short_title,
        "title": i.title,
        "parent": i.parent.code if i.parent else None,
        "depositary_number": i.depositary_number,
        "adopted": i.adopted,
        "entry_into_force": engine.entry_into_force(i.code),
        "entry_into_force_derived": engine.derived_entry_into_force(i.code),
        "entry_into_force_source": i.entry_into_force_source,
        "discrepancy": discrepancy,
        "actions_complete": i.actions_complete,
        "actions_complete_until": i.actions_complete_until,
        "signature_opens": i.signature_opens,
        "signature_closes": i.signature_closes,
        "articles": i.article_count,
    }


@router.get("/instruments", response=list[InstrumentOut], auth=READ)
def list_instruments(request):
    from django.db.models import Count

    engine = get_engine()
    qs = Instrument.objects.select_related("parent").annotate(article_count=Count("articles"))
    return [_instrument_out(i, engine) for i in qs.order_by("order")]


@router.get("/instruments/{code}", response=InstrumentOut, auth=READ)
def get_instrument(request, code: InstrumentCode):
    from django.db.models import Count

    qs = Instrument.objects.select_related("parent").annotate(article_count=Count("articles"))
    return _instrument_out(_instrument(code, qs), get_engine())


@router.put("/instruments/{code}/facts", response=InstrumentOut, auth=WRITE)
def update_instrument_facts(request, code: InstrumentCode, payload: InstrumentFactsIn):
    """Secretariat: the official entry-into-force date with its source, and whether every
    participant's actions are recorded."""
    instrument = _instrument(code)
    # actions_complete_until only when the request gives it; the other facts always.
    given = _FACTS | ({"actions_complete_until"} & payload.model_fields_set)
    services.update_instrument_facts(
        acting_user=request.auth, instrument=instrument, **payload.dict(include=given)
    )
    return get_instrument(request, code)


_FACTS = {"official_entry_into_force", "entry_into_force_source", "actions_complete"}


def _article_out(a: Article) -> dict:
    return {
        "instrument": a.instrument.code,
        "number": a.number,
        "title": a.title,
        "chapter": a.chapter,
        "text": a.text,
    }


@router.get("/instruments/{code}/articles", response=list[ArticleOut], auth=READ)
@paginate(Pagination, page_size=50)
def list_articles(request, code: InstrumentCode, q: str = ""):
    """Articles in order; ``q`` keeps those whose title or text contains the words."""
    instrument = _instrument(code)
    qs = Article.objects.filter(instrument=instrument).select_related("instrument")
    if q:
        from django.db.models import Q

        qs = qs.filter(Q(text__icontains=q) | Q(title__icontains=q))
    return [_article_out(a) for a in qs.order_by("position")]


@router.get("/instruments/{code}/articles/{number}", response=ArticleOut, auth=READ)
def get_article(request, code: InstrumentCode, number: ArticleNumber):
    return _article_out(
        get_object_or_404(
            Article.objects.select_related("instrument"),
            instrument__code=code.upper(),
            number=number,
        )
    )


def _partial(instrument: Instrument, on: date) -> bool:
    """Are actions up to ``on`` possibly missing (the tables are complete to a date)?"""
    until = instrument.actions_complete_until
    return not (instrument.actions_complete or (until is not None and on <= until))


@router.get("/counts", response={200: CountsOut, 404: ErrorOut}, auth=READ)
@public_read("treaties.counts-api", "/api/treaties/counts?instrument=UNTOC&on=2010-07-13")
def counts(request, instrument: str = "UNTOC", on: date | None = None):
    """How many parties, contracting States and signatories an instrument has on a date."""
    inst = _instrument(instrument)
    on = on or date.today()
    c = TreatyResults().counts(inst.code, on)
    return {
        "instrument": inst.code,
        "on": on,
        "parties": c.parties,
        "contracting": c.contracting,
        "signatories": c.signatories,
        "denounced": c.denounced,
        "partial_data": _partial(inst, on),
    }


@router.get("/timeline", response={200: list[CountsOut], 404: ErrorOut}, auth=READ)
@public_read("treaties.timeline-api", "/api/treaties/timeline?instrument=TIP")
def timeline(request, instrument: str = "UNTOC"):
    """Counts on every date on which they change (a step function)."""
    inst = _instrument(instrument)
    return [
        {
            "instrument": inst.code,
            "on": d,
            "parties": c.parties,
            "contracting": c.contracting,
            "signatories": c.signatories,
            "denounced": c.denounced,
            "partial_data": _partial(inst, d),
        }
        for d, c in TreatyResults().timeline(inst.code)
    ]


@router.get("/status", response={200: list[StatusRowOut], 404: ErrorOut}, auth=READ)
@public_read("treaties.status-api", "/api/treaties/status?instrument=UNTOC&on=2010-07-13&page=2")
@paginate(Pagination, page_size=50)
def status(request, filters: Query[StatusQuery]):
    """Every participant's status towards one instrument on a date (default today)."""
    inst = _instrument(filters.instrument)
    qs = Participant.objects.search(filters.q).in_region(filters.region).order_by("name")
    if filters.group:
        qs = qs.filter(regional_group__code=filters.group)
    on = filters.on or date.today()
    results = TreatyResults()
    if filters.status:
        rows = status_rows(inst, on, qs, results)
        return [r for r in rows if r["status"] == filters.status]
    return StatusPage(inst, on, qs, results)


class StatusPage:
    """Rows computed only for the page the paginator slices out (counted in SQL)."""

    def __init__(self, instrument, on, queryset, results):
        self.instrument, self.on, self.queryset = instrument, on, queryset
        self.results = results

    def __len__(self):
        return self.queryset.count()

    def __getitem__(self, window: slice):
        return status_rows(self.instrument, self.on, self.queryset[window], self.results)


@router.get("/participants/{code}", response=dict, auth=READ)
def participant_profile(request, code: ParticipantCode, on: date | None = None):
    """One participant across all instruments: status on a date, dates, refusals."""
    participant = _participant(code)
    on = on or date.today()
    results = TreatyResults()
    histories = {h.instrument: h for h in results.engine().history(participant.code)}
    result = []
    for inst in Instrument.objects.order_by("order"):
        history = histories.get(inst.code)
        result.append(
            {
                "instrument": inst.code,
                "status": results.status(participant.code, inst.code, on),
                "signature": history.signature if history else None,
                "consent": {"kind": history.consent.kind.value, "date": history.consent.date}
                if history and history.consent
                else None,
                "in_force_from": history.in_force if history else None,
            }
        )
    return {"code": participant.code, "name": participant.name, "on": on, "instruments": result}


@router.get("/map", response={200: dict, 404: ErrorOut}, auth=READ)
@public_read("treaties.map-api", "/api/treaties/map?instrument=UNTOC&on=2010-07-13")
def map_values(request, instrument: str = "UNTOC", on: date | None = None):
    """Status by UN M49 code, for drawing a map."""
    inst = _instrument(instrument)
    on = on or date.today()
    statuses = TreatyResults().statuses(inst.code, on)
    values = {}
    for code, m49 in Participant.objects.exclude(m49_code="").values_list("code", "m49_code"):
        s = statuses.get(code, NO_ACTION)[0]
        if s != Status.NONE:
            values[m49] = s
    return {"instrument": inst.code, "on": on, "values": values}


def _action_out(a: TreatyAction) -> dict:
    return {
        "id": a.pk,
        "participant": a.participant.code,
        "instrument": a.instrument.code,
        "kind": a.kind,
        "date": a.date,
        "source": a.source,
        "source_text": a.source_text,
        "source_url": a.source_url,
        "source_note": a.source_note,
    }


@router.get("/actions", response=list[ActionOut], auth=READ)
@paginate(Pagination, page_size=100)
def list_actions(request, instrument: str = "", participant: str = ""):
    qs = TreatyAction.objects.select_related("participant", "instrument").order_by("date", "pk")
    if instrument:
        qs = qs.filter(instrument__code=instrument.upper())
    if participant:
        qs = qs.filter(participant__code=participant.upper())
    return [_action_out(a) for a in restrict(qs, request.auth)]


@router.post("/actions", response={201: ActionOut, 404: ErrorOut}, auth=WRITE)
def create_action(request, payload: ActionIn):
    """Record an action; refused with 422 and the reason if the final clauses forbid it."""
    require(request.auth, "treaties.add_treatyaction")
    action = services.record_action(
        acting_user=request.auth,
        participant=_participant(payload.participant),
        instrument=_instrument(payload.instrument),
        kind=payload.kind.value,
        date=payload.date,
        source=payload.source,
        source_text=payload.source_text,
        source_url=payload.source_url,
        source_note=payload.source_note,
    )
    return Reply(201, _action_out(action))


@router.delete("/actions/{action_id}", response={204: None}, auth=WRITE)
def delete_action(request, action_id: RowId):
    require(request.auth, "treaties.delete_treatyaction")
    services.delete_action(
        acting_user=request.auth, action=get_object_or_404(TreatyAction, pk=action_id)
    )
    return Reply(204, None)


def _declaration_out(d: Declaration) -> dict:
    return {
        "id": d.pk,
        "participant": d.participant.code,
        "instrument": d.instrument.code,
        "kind": d.kind,
        "subject": d.subject,
        "article": d.article.number if d.article else None,
        "date": d.date,
        "text": d.text,
        "takes_convention_as_legal_basis": d.takes_convention_as_legal_basis,
        "authority": d.authority,
        "authority_address": d.authority_address,
        "languages": d.languages,
        "source": d.source,
        "is_demo": d.is_demo,
    }


@router.get("/declarations", response=list[DeclarationOut], auth=READ)
@paginate(Pagination, page_size=100)
def list_declarations(request, participant: str = "", subject: str = ""):
    qs = Declaration.objects.with_related()
    if participant:
        qs = qs.filter(participant__code=participant.upper())
    if subject:
        qs = qs.filter(subject=subject)
    return [_declaration_out(d) for d in restrict(qs, request.auth)]


@router.post("/declarations", response={201: DeclarationOut, 404: ErrorOut}, auth=WRITE)
def create_declaration(request, payload: DeclarationIn):
    """Secretariat for any participant; a national focal point for their own State only."""
    participant = _participant(payload.participant)
    instrument = _instrument(payload.instrument)
    article = None
    if payload.article:
        article = get_object_or_404(Article, instrument=instrument, number=payload.article)
    data = payload.dict(exclude={"participant", "instrument", "article"})
    declaration = Declaration(
        participant=participant, instrument=instrument, article=article, **data
    )
    services.save_declaration(acting_user=request.auth, declaration=declaration)
    return Reply(201, _declaration_out(declaration))


@router.delete("/declarations/{declaration_id}", response={204: None}, auth=WRITE)
def delete_declaration(request, declaration_id: RowId):
    """Secretariat only: remove a declaration recorded by mistake."""
    declaration = get_object_or_404(Declaration, pk=declaration_id)
    services.delete_declaration(acting_user=request.auth, declaration=declaration)
    return Reply(204, None)


# Who may call each operation (tests/test_permission_matrix.py checks every role against this).
def _new_signature():
    """A signature the rules accept: a State with no recorded action on the Convention."""
    state = (
        Participant.objects.filter(kind="state")
        .exclude(treaty_actions__instrument__code="UNTOC")
        .order_by("name")
        .first()
    )
    return {
        "participant": state.code,
        "instrument": "UNTOC",
        "kind": "signature",
        "date": "2000-12-13",
        "source": "permission matrix",
    }


def _action():
    return {"action_id": TreatyAction.objects.order_by("pk").first().pk}


def _declaration():
    return {"declaration_id": Declaration.objects.filter(participant__code="ARG").first().pk}


PUBLIC_UNTOC = allow(*PUBLIC.allow, sample=lambda: {"code": "UNTOC"})
declare_api(
    "/api/treaties",
    {
        "GET /instruments": PUBLIC,
        "GET /instruments/{code}": PUBLIC_UNTOC,
        "PUT /instruments/{code}/facts": allow(
            "secretariat",
            sample=lambda: {"code": "UNTOC"},
            data={
                "official_entry_into_force": "2003-09-29",
                "entry_into_force_source": "https://treaties.un.org/",
                "actions_complete": False,
            },
        ),
        "GET /instruments/{code}/articles": PUBLIC_UNTOC,
        "GET /instruments/{code}/articles/{number}": allow(
            *PUBLIC.allow, sample=lambda: {"code": "UNTOC", "number": "18"}
        ),
        "GET /counts": PUBLIC,
        "GET /timeline": PUBLIC,
        "GET /status": PUBLIC,
        "GET /participants/{code}": allow(*PUBLIC.allow, sample=lambda: {"code": "ARG"}),
        "GET /map": PUBLIC,
        "GET /actions": PUBLIC,
        "POST /actions": allow("secretariat", data=_new_signature),
        "DELETE /actions/{action_id}": allow("secretariat", sample=_action),
        "GET /declarations": PUBLIC,
        "POST /declarations": allow(
            "secretariat",
            "focal-point",
            data={
                "participant": "ARG",
                "instrument": "UNTOC",
                "kind": "declaration",
                "subject": "accepted_languages",
                "languages": ["es"],
            },
        ),
        "DELETE /declarations/{declaration_id}": allow("secretariat", sample=_declaration),
    },
)
