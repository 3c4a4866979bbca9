"""The Library's API: every record the caller may see in the Library format, the bulk export,
search with facets, the vocabularies, and the contribution workflow.

Reads are public for published records; a draft is answered only to its State's contributors
and the Secretariat (anyone else gets 404, as if it did not exist). Writes go through the same
services as the pages.
"""

from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404, StreamingHttpResponse
from ninja import Path, Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate
from pydantic import BaseModel, ConfigDict, Field

from palermo.core.api_auth import READ, WRITE
from palermo.core.models import Participant
from palermo.platform.access import PUBLIC, allow, declare_api
from palermo.platform.api import MAX_PAGE, MAX_PAGE_SIZE, ErrorOut, Pagination
from palermo.platform.policies import policy_for, restrict

from . import exports, queries, serializers, services
from .choices import RecordKind, RecordStatus
from .models import CrimeType, CrossCuttingIssue, PublishedVersion

router = Router(tags=["library"])

StateCode = Path[str, {"description": "The State's ISO 3166 alpha-3 code.", "example": "ARG"}]
KindPath = Path[RecordKind, {"description": "The kind of record.", "example": "legislation"}]
NumberPath = Path[
    str,
    {
        "description": "The record's number for its State (its stable address's last part).",
        "example": "law-1",
        "pattern": r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$",
    },
]


class RecordOut(BaseModel):
    """A record in the Library format (docs/user/library.md); the keys after ``published_at``
    depend on the kind."""

    model_config = ConfigDict(extra="allow")

    kind: RecordKind
    state: str
    number: str
    status: RecordStatus
    version: int
    url: str
    published_at: str | None = None
    source_url: str = ""
    licence: str = ""
    is_demo: bool = False


class RecordIn(BaseModel):
    """A record in the Library format: ``kind``, ``state``, ``number`` and the keys of its
    kind (docs/user/library.md). ``status`` other than draft: the Secretariat only."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "kind": "bibliography",
                    "state": "ARG",
                    "number": "api-example-1",
                    "title": "An example publication",
                    "language": "en",
                    "authors": ["A. Author"],
                    "year": 2020,
                }
            ]
        },
    )

    kind: RecordKind
    state: str = Field(max_length=3)
    number: str = Field(max_length=60)


class VersionOut(Schema):
    version: int
    published_at: str
    data: dict


class TermOut(Schema):
    code: str
    name: str
    names: dict
    position: int
    source: str
    iccs_code: str | None = None


class NoteIn(Schema):
    note: str = Field(max_length=10000)


class RecordFilters(Schema):
    kind: RecordKind | None = None
    state: str = Field("", max_length=3, description="State code, e.g. ARG.")
    region: str = Field("", max_length=3, description="M49 region or sub-region code, e.g. 419.")
    crime_type: str = Field("", max_length=60, description="Crime type code.")
    article: str = Field("", max_length=30, description="An article: UNTOC-6 (or “UNTOC 6”).")
    issue: str = Field("", max_length=60, description="Cross-cutting issue code.")
    year: int | None = Field(None, ge=1000, le=9999)
    language: str = Field("", max_length=3, description="ISO 639-1 code of the original.")
    status: RecordStatus | None = Field(
        None, description="Only who may see unpublished records gets any other than published."
    )
    q: str = Field("", max_length=200, description="Words in the titles and texts.")

    def as_filters(self) -> dict:
        data = self.dict(exclude={"kind"})
        return {k: (v.value if hasattr(v, "value") else v) for k, v in data.items() if v}


class SearchFilters(Schema):
    q: str = Field("", max_length=200)
    kind: Literal["legislation", "provisions", "cases", "bibliography", "strategies"] | None = None
    state: str = Field("", max_length=3)
    region: str = Field("", max_length=3)
    crime_type: str = Field("", max_length=60)
    article: str = Field("", max_length=30, description="e.g. UNTOC-6")
    issue: str = Field("", max_length=60)
    year: str = Field("", max_length=4)
    language: str = Field("", max_length=3)
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


class ResultOut(Schema):
    title: str
    url: str
    kind: str
    language: str
    snippet: str
    snippet_html: str
    score: float


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class FacetOut(Schema):
    name: str
    label: str
    values: list[FacetValueOut]


class SearchOut(Schema):
    """A page of results, paginated like every list (``items``, ``count``)."""

    query: str
    count: int
    count_exact: bool
    page: int
    pages: int
    items: list[ResultOut]
    facets: list[FacetOut]


class RecordList:
    """Every kind's matching records as one sequence, sliced per page in SQL."""

    def __init__(self, querysets):
        self.querysets = querysets
        self._counts = None

    def counts(self) -> list[int]:
        if self._counts is None:
            self._counts = [qs.count() for qs in self.querysets]
        return self._counts

    def __len__(self):
        return sum(self.counts())

    def __getitem__(self, window: slice):
        start, stop = window.start or 0, window.stop
        out = []
        for qs, count in zip(self.querysets, self.counts(), strict=True):
            if stop is not None and stop <= 0:
                break
            if start < count:
                end = count if stop is None else min(stop, count)
                out += [
                    serializers.serialize_record(r)
                    for r in serializers.for_serializing(qs)[start:end]
                ]
            start, stop = max(0, start - count), None if stop is None else stop - count
        return out


def _querysets(user, filters: RecordFilters, *, default_published: bool):
    values = filters.as_filters()
    if default_published and "status" not in values:
        values["status"] = RecordStatus.PUBLISHED
    kinds = [filters.kind.value] if filters.kind else list(RecordKind.values)
    return [
        queries.filter_records(queries.records(user, kind), kind, values).order_by(
            "participant__code", "number", "pk"
        )
        for kind in kinds
    ]


@router.get("/records", response=list[RecordOut], auth=READ)
@paginate(Pagination, page_size=20)
def list_records(request, filters: Query[RecordFilters]):
    """Records the caller may see, in the Library format, kind by kind (legislation, cases,
    bibliography, strategies), each by State and number. Every filter is optional; without
    ``status``, all the statuses the caller may see."""
    return RecordList(_querysets(request.auth, filters, default_published=False))


def _record(request, state, kind, number, action="view"):
    return queries.get_record(request.auth, state, kind.value, number, action)


def _out(record) -> dict:
    model = type(record)
    return serializers.serialize_record(
        serializers.for_serializing(model.objects.filter(pk=record.pk)).get()
    )


@router.get("/records/{state}/{kind}/{number}", response={200: RecordOut, 404: ErrorOut}, auth=READ)
def get_record(request, state: StateCode, kind: KindPath, number: NumberPath):
    """One record with all its parts (provisions; a case's sections)."""
    return _out(_record(request, state, kind, number))


@router.get(
    "/records/{state}/{kind}/{number}/versions",
    response={200: list[VersionOut], 404: ErrorOut},
    auth=READ,
)
def record_versions(request, state: StateCode, kind: KindPath, number: NumberPath):
    """Every published version of the record, newest first, as it was published."""
    record = _record(request, state, kind, number)
    versions = restrict(
        PublishedVersion.objects.filter(kind=kind.value, record_id=record.pk), request.auth
    ).order_by("-version")
    return [
        {"version": v.version, "published_at": v.published_at.isoformat(), "data": v.data}
        for v in versions
    ]


def _stream(lines, content_type: str, filename: str):
    response = StreamingHttpResponse(lines, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.get("/export.jsonl", auth=READ, response={200: None})
def export_jsonl(request, filters: Query[RecordFilters]):
    """Every published record (or those the filters keep), one JSON object a line, streamed.
    ``status`` gives other statuses to who may see them."""
    records = _export(request, filters)
    return _stream(
        exports.jsonl_lines(records), "application/jsonl; charset=utf-8", "palermo-library.jsonl"
    )


@router.get("/export.csv", auth=READ, response={200: None})
def export_csv(request, filters: Query[RecordFilters]):
    """The same as CSV: one row per record, every key of every kind a column; lists and nested
    parts (provisions, a case's sections) as JSON text in their column."""
    records = _export(request, filters)
    return _stream(exports.csv_lines(records), "text/csv; charset=utf-8", "palermo-library.csv")


def _export(request, filters: RecordFilters):
    values = filters.as_filters()
    return exports.export_records(
        request.auth, kind=filters.kind.value if filters.kind else None, filters=values
    )


@router.get("/search", response=SearchOut, auth=READ)
def search(request, filters: Query[SearchFilters]):
    """Full-text search of the Library (laws, each provision, cases, bibliography,
    strategies): ranked results with snippets, and facet counts of what matched."""
    data = filters.dict(exclude={"q", "page", "page_size"})
    found = queries.library_search(
        filters.q, request.auth, data, filters.page, page_size=filters.page_size
    )
    return {
        "query": found.query,
        "count": found.total,
        "count_exact": found.total_exact,
        "page": found.page,
        "pages": found.pages,
        "items": [
            {
                "title": r.title,
                "url": r.url,
                "kind": r.provider,
                "language": r.language,
                "snippet": r.snippet,
                "snippet_html": r.snippet_html,
                "score": r.score,
            }
            for r in found.results
        ],
        "facets": [
            {
                "name": g.name,
                "label": g.label,
                "values": [
                    {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                    for v in g.values
                ],
            }
            for g in found.facets
        ],
    }


def _terms(model, user) -> list[dict]:
    return [
        {
            "code": t.code,
            "name": t.name,
            "names": t.names,
            "position": t.position,
            "source": t.source,
            "iccs_code": getattr(t, "iccs_code", None),
        }
        for t in restrict(model.objects.all(), user)
    ]


@router.get("/vocabularies/crime-types", response=list[TermOut], auth=READ)
def crime_types(request):
    """The crime types records are tagged with, with their names in the UN languages."""
    return _terms(CrimeType, request.auth)


@router.get("/vocabularies/issues", response=list[TermOut], auth=READ)
def issues(request):
    """The cross-cutting issues records are tagged with."""
    return _terms(CrossCuttingIssue, request.auth)


# Writes -------------------------------------------------------------------------------------


def _parse(payload: RecordIn):
    data = payload.model_dump()
    data["kind"] = payload.kind.value
    parsed = serializers.parse_record(data)
    if not parsed.ok:
        raise ValidationError(
            [f"{key}: {message}" if key else message for key, message in parsed.errors]
        )
    return parsed


def _write(request, parsed):
    try:
        return services.write_parsed(parsed, acting_user=request.auth)
    except services.RecordRefused as exc:
        raise ValidationError(
            [f"{key}: {message}" if key else message for key, message in exc.errors]
        ) from None


@router.post("/records", response={201: RecordOut, 404: ErrorOut, 409: ErrorOut}, auth=WRITE)
def create_record(request, payload: RecordIn):
    """Create a draft for a State you contribute for (the Secretariat: any State, any status)."""
    parsed = _parse(payload)
    model = type(parsed.instance)
    exists = model.objects.filter(
        participant=parsed.instance.participant, number=parsed.instance.number
    )
    if restrict(exists, request.auth).exists():
        return Reply(
            409,
            {
                "detail": (
                    f"{parsed.state_code}/{parsed.kind}/{parsed.instance.number} already exists: "
                    "change it with PUT."
                )
            },
        )
    policy_for(model).require(request.auth, "add", parsed.instance)
    if exists.exists():
        # Someone else's draft has this number: the number cannot be used, nothing revealed.
        raise ValidationError(
            {"number": ["This State already has a record of this kind with this number."]}
        )
    _outcome, record = _write(request, parsed)
    return Reply(201, _out(record))


@router.put(
    "/records/{state}/{kind}/{number}", response={200: RecordOut, 404: ErrorOut}, auth=WRITE
)
def replace_record(
    request, state: StateCode, kind: KindPath, number: NumberPath, payload: RecordIn
):
    """Replace a record with the body (same State, kind and number): provisions are matched by
    number, a case's sections replaced. The record keeps its status."""
    record = _record(request, state, kind, number)
    parsed = _parse(payload)
    if parsed.key != (kind.value, record.participant.code, record.number):
        raise ValidationError(
            "The body's kind, state and number must be the record's (the address is permanent)."
        )
    policy_for(record).require(request.auth, "change", record)
    if parsed.status is None:
        parsed.status = record.status if services.privileged(request.auth) else None
    _outcome, saved = _write(request, parsed)
    return _out(saved)


def _workflow(request, state, kind, number, step: str, **arguments):
    """A step of the workflow: 404 for a record the caller may not see or may not take the step
    on; 422 with the reason when the record's status does not allow it."""
    record = _record(request, state, kind, number)
    if services.step_allowed_by_status(record, step) and not policy_for(record).allows(
        request.auth, step, record
    ):
        raise Http404("No record you may do this to at this address.")
    getattr(services, step)(record, acting_user=request.auth, **arguments)
    return _out(record)


WORKFLOW_RESPONSES = {200: RecordOut, 404: ErrorOut}


@router.post("/records/{state}/{kind}/{number}/submit", response=WORKFLOW_RESPONSES, auth=WRITE)
def submit(request, state: StateCode, kind: KindPath, number: NumberPath):
    """A State's contributor submits a draft for validation."""
    return _workflow(request, state, kind, number, "submit")


@router.post("/records/{state}/{kind}/{number}/publish", response=WORKFLOW_RESPONSES, auth=WRITE)
def publish(request, state: StateCode, kind: KindPath, number: NumberPath):
    """The Secretariat publishes a submitted record (a new version)."""
    return _workflow(request, state, kind, number, "publish")


@router.post(
    "/records/{state}/{kind}/{number}/request-changes", response=WORKFLOW_RESPONSES, auth=WRITE
)
def request_changes(request, state: StateCode, kind: KindPath, number: NumberPath, payload: NoteIn):
    """The Secretariat sends a submitted record back, saying what to change (``note``)."""
    return _workflow(request, state, kind, number, "request_changes", note=payload.note)


@router.post("/records/{state}/{kind}/{number}/withdraw", response=WORKFLOW_RESPONSES, auth=WRITE)
def withdraw(request, state: StateCode, kind: KindPath, number: NumberPath):
    """The Secretariat takes a published record back to a draft (its versions stay)."""
    return _workflow(request, state, kind, number, "withdraw")


# Who may call each operation (tests/test_permission_matrix.py checks every role against this).


def _sample(status=RecordStatus.PUBLISHED):
    def make():
        from palermo.platform.actors import system_user

        from .models import Publication

        publication = Publication(
            participant=Participant.objects.get(code="ARG"),
            number=f"matrix-{status}",
            title="Permission matrix sample",
            language="en",
            status=status,
        )
        services.save_record(publication, acting_user=system_user())
        return {"state": "ARG", "kind": "bibliography", "number": publication.number}

    return make


def _new_record():
    return {
        "kind": "bibliography",
        "state": "ARG",
        "number": "matrix-new",
        "title": "Permission matrix sample",
        "language": "en",
    }


def _replacement():
    return {**_new_record(), "number": "matrix-draft", "title": "Changed by the matrix"}


CONTRIBUTORS = ("secretariat", "focal-point", "expert")
PUBLIC_RECORD = allow(*PUBLIC.allow, sample=_sample())
declare_api(
    "/api/library",
    {
        "GET /records": PUBLIC,
        "GET /records/{state}/{kind}/{number}": PUBLIC_RECORD,
        "GET /records/{state}/{kind}/{number}/versions": PUBLIC_RECORD,
        "GET /export.jsonl": PUBLIC,
        "GET /export.csv": PUBLIC,
        "GET /search": allow(*PUBLIC.allow, query={"q": "trafficking"}),
        "GET /vocabularies/crime-types": PUBLIC,
        "GET /vocabularies/issues": PUBLIC,
        "POST /records": allow(*CONTRIBUTORS, data=_new_record),
        "PUT /records/{state}/{kind}/{number}": allow(
            *CONTRIBUTORS, sample=_sample(RecordStatus.DRAFT), data=_replacement, hidden=True
        ),
        "POST /records/{state}/{kind}/{number}/submit": allow(
            "focal-point", "expert", sample=_sample(RecordStatus.DRAFT), hidden=True
        ),
        "POST /records/{state}/{kind}/{number}/publish": allow(
            "secretariat", sample=_sample(RecordStatus.SUBMITTED), hidden=True
        ),
        "POST /records/{state}/{kind}/{number}/request-changes": allow(
            "secretariat",
            sample=_sample(RecordStatus.SUBMITTED),
            data={"note": "Please add the source."},
            hidden=True,
        ),
        "POST /records/{state}/{kind}/{number}/withdraw": allow(
            "secretariat", sample=_sample(), hidden=True
        ),
    },
)
