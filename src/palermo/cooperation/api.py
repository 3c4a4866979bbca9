"""The cooperation API: the caller's requests (the log) and the completeness check.

A request the caller may not see answers 404 like one that does not exist. Reads are logged."""

import datetime as dt
from typing import Any

from django.db.models import Q
from ninja import Body, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from palermo.core.api_auth import WRITE
from palermo.platform.access import SIGNED_IN, allow, declare_api
from palermo.platform.api import ErrorOut, Pagination, RowId
from palermo.platform.audit import record_reads
from palermo.platform.policies import restrict
from palermo.platform.views import get_visible_or_404

from . import context, rules, services
from .models import Direction, Request, Status

router = Router(tags=["cooperation"])

#: Signed in by token or session: requests are never public.
SIGNED = WRITE


class RequestOut(Schema):
    id: int
    reference: str
    title: str
    direction: str
    kind: str
    status: str
    authority: str
    keeping_state: str
    counterpart_authority: str | None
    requesting_state: str
    requested_state: str
    counterpart_state: str
    language: str
    finalised: dt.datetime | None
    sent_on: dt.date | None
    received_on: dt.date | None
    acknowledged_on: dt.date | None
    closed_on: dt.date | None
    deadline: dt.date | None
    refusal_grounds: list[str]
    is_demo: bool


class EventOut(Schema):
    on: dt.date
    status: str
    note: str
    recorded_by: str | None


class DocumentOut(Schema):
    title: str
    way: str
    on: dt.date
    has_file: bool


class RelatedOut(Schema):
    id: int
    reference: str
    title: str
    status: str


class FindingOut(Schema):
    code: str
    severity: str
    field: str
    message: str
    source: str
    article: str | None
    paragraph: str | None
    acknowledged: str | None


class ReportOut(Schema):
    finalisable: bool
    blocking: list[str]
    findings: list[FindingOut]


class CheckOut(ReportOut):
    requested_state: str


class RequestDetailOut(RequestOut):
    content: dict[str, Any]
    events: list[EventOut]
    documents: list[DocumentOut]
    related: list[RelatedOut]
    report: ReportOut | None


class StatisticsOut(Schema):
    code: str
    name: str
    total: int
    open: int
    executed: int
    refused: int
    withdrawn: int
    median_days_to_execution: float | None
    refusals_by_ground: dict[str, int]


class RequestFilters(Schema):
    direction: str | None = None
    status: str | None = None
    #: The counterpart State (ISO 3166 alpha-3).
    state: str | None = None


class LoggedPagination(Pagination):
    """The log's pages: the requests on the page are the ones read, and logged as such."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        items = list(page["items"])
        record_reads(request.auth, items, model=Request)
        page["items"] = [request_out(item) for item in items]
        return page


def _requests():
    return Request.objects.select_related(
        "authority__participant", "counterpart_authority", "requesting_state", "requested_state"
    )


def request_out(item: Request) -> dict:
    return {
        "id": item.pk,
        "reference": item.reference,
        "title": item.title,
        "direction": item.direction,
        "kind": item.kind,
        "status": item.status,
        "authority": item.authority.authority,
        "keeping_state": item.authority.participant.code,
        "counterpart_authority": (
            item.counterpart_authority.authority if item.counterpart_authority_id else None
        ),
        "requesting_state": item.requesting_state.code,
        "requested_state": item.requested_state.code,
        "counterpart_state": item.counterpart_state.code,
        "language": item.language,
        "finalised": item.finalised,
        "sent_on": item.sent_on,
        "received_on": item.received_on,
        "acknowledged_on": item.acknowledged_on,
        "closed_on": item.closed_on,
        "deadline": item.deadline,
        "refusal_grounds": list(item.refusal_grounds or []),
        "is_demo": item.is_demo,
    }


@router.get("/requests", response={200: list[RequestOut], 422: ErrorOut}, auth=SIGNED)
@paginate(LoggedPagination, page_size=50)
def list_requests(request, filters: Query[RequestFilters]):
    """The requests the caller may see, newest first; filtered by direction (outgoing,
    incoming), status and counterpart State (ISO 3166 alpha-3)."""
    rows = restrict(_requests(), request.auth)
    if filters.direction:
        if filters.direction not in Direction.values:
            raise HttpError(422, f"direction: one of {', '.join(Direction.values)}.")
        rows = rows.filter(direction=filters.direction)
    if filters.status:
        if filters.status not in Status.values:
            raise HttpError(422, f"status: one of {', '.join(Status.values)}.")
        rows = rows.filter(status=filters.status)
    if filters.state:
        code = filters.state.upper()
        rows = rows.filter(
            Q(direction=Direction.OUTGOING, requested_state__code=code)
            | Q(direction=Direction.INCOMING, requesting_state__code=code)
        )
    return rows.order_by("-created", "-pk")


@router.get("/requests/{request_id}", response={200: RequestDetailOut, 404: ErrorOut}, auth=SIGNED)
def get_request(request, request_id: RowId):
    """One request with its events, documents, related requests (those the caller may see)
    and the completeness rules' report on its content."""
    item = get_visible_or_404(_requests(), request.auth, pk=request_id)
    try:
        report = services.check(item, user=request.auth).as_dict()
    except (rules.RequestError, context.UnknownState):
        report = None
    related = restrict(item.related.all(), request.auth).order_by("reference")
    return {
        **request_out(item),
        "content": item.content or {},
        "events": [
            {
                "on": event.on,
                "status": event.status,
                "note": event.note,
                "recorded_by": event.created_by.username if event.created_by_id else None,
            }
            for event in item.events.select_related("created_by").order_by("on", "created", "pk")
        ],
        "documents": [
            {"title": doc.title, "way": doc.way, "on": doc.on, "has_file": bool(doc.file)}
            for doc in item.documents.all()
        ],
        "related": [
            {"id": r.pk, "reference": r.reference, "title": r.title, "status": r.status}
            for r in related
        ],
        "report": report,
    }


@router.post("/check", response={200: CheckOut, 422: ErrorOut}, auth=SIGNED)
def check_request(request, payload: Body[dict[str, Any]], on: dt.date | None = None):
    """The completeness rules on a request described as JSON (the fields of
    ``palermo cooperation check``), against the requested State as the caller may see it in
    Treaties and the Directory. ``finalisable`` is false while a finding blocks it."""
    try:
        described = rules.read_request(payload)
    except rules.RequestError as exc:
        raise HttpError(422, str(exc)) from None
    if not described.requested_state:
        raise HttpError(422, "requested_state: name the requested State (its code).")
    try:
        requested = context.requested(described.requested_state, described.kind, request.auth, on)
    except context.UnknownState:
        raise HttpError(
            422, f"requested_state: no State with the code {described.requested_state!r}."
        ) from None
    return {"requested_state": requested.code, **rules.check(described, requested).as_dict()}


@router.get("/statistics", response={200: list[StatisticsOut], 422: ErrorOut}, auth=SIGNED)
def statistics(request, direction: str | None = None):
    """Per counterpart State, over the requests the caller may see: volume, open, executed,
    refused, withdrawn, the median days from sending (or receipt) to execution, and refusals
    by ground of article 18(21)."""
    if direction and direction not in Direction.values:
        raise HttpError(422, f"direction: one of {', '.join(Direction.values)}.")
    return services.counterpart_stats(request.auth, direction=direction or None)


def _sample():
    """A request kept by an authority of the sample State (Argentina)."""
    from palermo.core.models import Participant
    from palermo.directory.models import Area, Authority

    keeper = Authority.objects.filter(participant__code="ARG", area__code="mla").first()
    if keeper is None:
        keeper = Authority.objects.create(
            participant=Participant.objects.get(code="ARG"),
            area=Area.objects.get(code="mla"),
            authority="Matrix authority (fictional)",
            is_demo=True,
        )
    item = Request.objects.create(
        reference="MATRIX-1",
        title="Matrix request (fictional)",
        authority=keeper,
        requesting_state=keeper.participant,
        requested_state=Participant.objects.get(code="BRA"),
        content={"kind": "mla", "requesting_state": "ARG", "requested_state": "BRA"},
        is_demo=True,
    )
    return {"request_id": item.pk}


declare_api(
    "/api/cooperation",
    {
        "GET /requests": SIGNED_IN,
        "GET /requests/{request_id}": allow("practitioner", sample=_sample, hidden=True),
        "POST /check": allow(
            *SIGNED_IN.allow,
            method="POST",
            data={"kind": "mla", "requesting_state": "ARG", "requested_state": "BRA"},
        ),
        "GET /statistics": SIGNED_IN,
    },
)


# The catalogue's operations live in their own module, under the same prefix
# (/api/cooperation); it declares its operations' access.
from . import catalogue_api  # noqa: E402

router.add_router("", catalogue_api.router)
