"""Core API: participants, regions, the acting user, jobs, imports and user management."""

import json
import uuid
from datetime import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import File, Form, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from palermo.platform import jobs
from palermo.platform.access import PUBLIC, SECRETARIAT, allow, declare_api
from palermo.platform.api import ErrorOut, Pagination, RowId
from palermo.platform.imports import IMPORTERS, size_error, start_import
from palermo.platform.jobs import job_state
from palermo.platform.policies import restrict
from palermo.platform.schemas import PolicySchema
from palermo.platform.search import search_all
from palermo.platform.views import get_visible_or_404

from . import services
from .api_auth import READ, WRITE
from .models import Job, Participant, Region, RegionalGroup, RoleAssignment, User
from .permissions import require
from .samples import first_role, focal_points_import, focal_points_job, observer
from .tables import UserFilter, users_with_roles

router = Router(tags=["core"])

ParticipantCode = Path[
    str,
    {
        "description": "A State's ISO 3166 alpha-3 code, or a regional organization's code "
        "(list: /api/participants).",
        "example": "ARG",
    },
]


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_id: str | None = None


class ParticipantOut(Schema):
    code: str
    m49_code: str
    kind: str
    name: str
    names: dict[str, str]
    region: str | None
    subregion: str | None
    regional_group: str | None
    un_member: bool

    @staticmethod
    def resolve_names(obj):
        return {
            lang: getattr(obj, f"name_{lang}") or obj.name
            for lang in ("ar", "zh", "en", "fr", "ru", "es")
            if lang != "en"
        } | {"en": obj.name}

    @staticmethod
    def resolve_region(obj):
        return obj.region.name if obj.region else None

    @staticmethod
    def resolve_subregion(obj):
        return obj.subregion.name if obj.subregion else None

    @staticmethod
    def resolve_regional_group(obj):
        return obj.regional_group.name if obj.regional_group else None


class MeOut(Schema):
    username: str | None
    authenticated: bool
    roles: list[dict]


class JobOut(Schema):
    id: uuid.UUID
    kind: str
    label: str
    status: str
    done: int
    total: int
    percent: int
    message: str
    result: dict | None
    #: Estimated from the rate since counting began; null until there is enough to go on.
    seconds_left: int | None = None
    attempts: int = 0
    max_attempts: int = 1
    started: datetime | None = None
    #: The worker's last sign of life while running.
    heartbeat: datetime | None = None
    finished: datetime | None = None


@router.get("/participants", response=list[ParticipantOut], auth=READ)
@paginate(Pagination, page_size=50)
def list_participants(request, q: str = "", region: str = "", group: str = ""):
    """States and regional organizations, with M49 regions and UN regional groups."""
    qs = Participant.objects.with_regions().search(q).in_region(region)
    if group:
        qs = qs.filter(regional_group__code=group)
    return restrict(qs, request.auth).order_by("name")


@router.get("/participants/{code}", response=ParticipantOut, auth=READ)
def get_participant(request, code: ParticipantCode):
    return get_object_or_404(Participant.objects.with_regions(), code=code.upper())


@router.get("/regions", response=list[RegionOut], auth=READ)
@paginate(Pagination, page_size=100)
def list_regions(request):
    return Region.objects.order_by("code")


@router.get("/regional-groups", response=list[dict], auth=READ)
def list_groups(request):
    return [{"code": g.code, "name": g.name} for g in RegionalGroup.objects.all()]


@router.get("/me", response=MeOut, auth=READ)
def me(request):
    user = request.auth
    if not user.is_authenticated:
        return {"username": None, "authenticated": False, "roles": []}
    return {
        "username": user.username,
        "authenticated": True,
        "roles": [
            {"role": a.role, "state": a.participant.code if a.participant else None}
            for a in user.cached_roles()
        ],
    }


def _job_out(job: Job) -> dict:
    state = job_state(job)
    return {
        "id": job.pk,
        "kind": job.kind,
        "label": job.label,
        "result": job.result,
        "started": job.started,
        "heartbeat": job.heartbeat,
        "finished": job.finished,
        **state,
    }


@router.get("/jobs/{job_id}", response=JobOut, auth=WRITE)
def get_job(request, job_id: uuid.UUID):
    """A background job's progress and, once finished, its result (an import's report)."""
    return _job_out(get_visible_or_404(Job.objects.all(), request.auth, pk=job_id))


@router.post("/jobs/{job_id}/cancel", response={200: JobOut, 409: ErrorOut}, auth=WRITE)
def cancel_job(request, job_id: uuid.UUID):
    """Cancel a job (its starter and the Secretariat): a queued job never runs (``cancelled``);
    a running one stops at its next step (``cancelling``, then ``cancelled``), and what an
    import had written is undone. A job that has ended is a 409."""
    job = get_visible_or_404(Job.objects.all(), request.auth, pk=job_id)
    try:
        job = jobs.cancel_job(job, acting_user=request.auth)
    except jobs.NotCancellable as exc:
        return Status(409, {"detail": str(exc)})
    return _job_out(job)


MappingParam = Form[
    str,
    {
        "description": "Optional: the id of a saved column mapping of this importer, or a "
        "mapping as JSON (docs/user/imports.md).",
        "example": "",
    },
]
ImporterName = Form[
    str, {"description": "One of the names listed by /api/importers.", "example": "treaty-actions"}
]


@router.post("/imports", response={202: JobOut}, auth=WRITE)
def create_import(
    request,
    importer: ImporterName,
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
    mapping: MappingParam = "",
):
    """Start an import in the background; poll ``/api/jobs/{id}`` for progress and the report
    (``result.import_id`` then names the import: ``GET /api/imports/{id}``).

    ``importer`` is one of the names listed by ``GET /api/importers``. The file is refused
    (422) past the one size limit of every surface (``PALERMO_IMPORT_MAX_MB``)."""
    from ninja.errors import HttpError

    user = request.auth
    if importer not in IMPORTERS:
        raise HttpError(
            422, f"Unknown importer “{importer}”; choose one of: {', '.join(sorted(IMPORTERS))}."
        )
    problem = size_error(file.size)
    if problem:
        raise HttpError(422, f"file: {problem}.")
    job = start_import(
        importer,
        file,
        acting_user=user,
        dry_run=dry_run,
        mapping=_mapping_param(mapping, importer, user),
    )
    job.refresh_from_db()
    return Status(202, _job_out(job))


def _mapping_param(value: str, importer: str, user):
    """A saved mapping's id, or a mapping written as JSON; checked before the job starts."""
    from ninja.errors import HttpError

    from palermo.platform.mapping import Mapping, MappingSpecError
    from palermo.platform.models import ColumnMapping

    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        saved = restrict(ColumnMapping.objects.filter(importer=importer), user).filter(pk=value)
        found = saved.first()
        if found is None:
            raise HttpError(422, f"mapping: no saved mapping {value} of importer {importer}.")
        return found
    try:
        spec = json.loads(value)
        mapping = Mapping.from_dict(spec)
    except (ValueError, MappingSpecError) as exc:  # MappingSpecError lists every problem
        raise HttpError(422, f"mapping: {exc}") from exc
    fields = IMPORTERS[importer].target_fields()
    unknown = [f.field for f in mapping.fields if f.field not in fields]
    if unknown:
        raise HttpError(
            422, f"mapping: “{unknown[0]}” is not a field of {importer}: {', '.join(fields)}."
        )
    return spec


class ImportOut(Schema):
    id: uuid.UUID
    importer: str
    file_name: str
    file_size: int
    sha256: str
    status: str
    dry_run: bool
    rows: int
    created_count: int
    updated_count: int
    unchanged_count: int
    error_count: int
    created: datetime
    finished: datetime | None
    #: The report: ``errors`` (the first 1,000), ``error_total``, ``errors_by_field`` …
    report: dict | None


@router.get("/imports/{import_id}", response=ImportOut, auth=WRITE)
def get_import(request, import_id: uuid.UUID):
    """One import (its starter's and the Secretariat's): file, counts and report."""
    from palermo.platform.models import ImportRun

    return get_visible_or_404(ImportRun.objects.all(), request.auth, pk=import_id)


@router.get("/importers", response=list[dict], auth=READ)
def list_importers(request):
    return [
        {"name": k, "label": str(v.label), "formats": list(v.formats)}
        for k, v in sorted(IMPORTERS.items())
    ]


class RoleOut(Schema):
    id: int
    role: str
    label: str
    state: str | None

    @staticmethod
    def resolve_label(obj):
        return str(obj.get_role_display())

    @staticmethod
    def resolve_state(obj):
        return obj.participant.code if obj.participant else None


class UserOut(PolicySchema):
    policy_model = User

    id: int
    username: str
    first_name: str
    last_name: str
    email: str = ""  # the Secretariat's only (User's policy): absent for anyone else
    is_active: bool
    last_login: datetime | None
    roles: list[RoleOut]

    @staticmethod
    def resolve_roles(obj):
        return list(obj.role_assignments.all())


class UserQuery(Schema):
    q: str = ""
    role: str = ""
    state: str = ""
    active: bool | None = None


class RoleIn(Schema):
    model_config = {"json_schema_extra": {"examples": [{"role": "focal_point", "state": "ARG"}]}}

    role: str
    state: str | None = None


@router.get("/users", response=list[UserOut], auth=WRITE)
@paginate(Pagination, page_size=50)
def list_users(request, filters: Query[UserQuery]):
    """Users and their roles (Secretariat). ``role`` is a role code (``focal_point``…),
    ``state`` an ISO 3166 alpha-3 code, ``q`` searches user name, name and e-mail."""
    require(request.auth, "core.manage_users")
    params = {
        "q": filters.q,
        "role": filters.role,
        "state": filters.state.upper(),
        "active": "" if filters.active is None else str(filters.active).lower(),
    }
    filterset = UserFilter(params, queryset=restrict(users_with_roles(), request.auth))
    if not filterset.is_valid():
        raise ValidationError(
            {
                field: [e["message"] for e in errors]
                for field, errors in filterset.errors.get_json_data().items()
            }
        )
    return filterset.qs


@router.get("/users/{user_id}", response=UserOut, auth=WRITE)
def get_user(request, user_id: RowId):
    require(request.auth, "core.manage_users")
    return get_visible_or_404(users_with_roles(), request.auth, pk=user_id)


@router.post("/users/{user_id}/roles", response={201: RoleOut}, auth=WRITE)
def add_role(request, user_id: RowId, payload: RoleIn):
    """Give the user a role; ``state`` (ISO alpha-3) for focal points, experts and
    practitioners, none for the Secretariat."""
    require(request.auth, "core.manage_users")
    user = get_object_or_404(User, pk=user_id)
    participant = None
    if payload.state:
        participant = Participant.objects.filter(code=payload.state.upper()).first()
        if participant is None:
            raise ValidationError(
                {"state": [f"No State has the code “{payload.state}” (ISO 3166 alpha-3)."]}
            )
    assignment = services.assign_role(
        acting_user=request.auth, user=user, role=payload.role, participant=participant
    )
    return Status(201, assignment)


@router.delete("/users/{user_id}/roles/{assignment_id}", response={204: None}, auth=WRITE)
def delete_role(request, user_id: RowId, assignment_id: RowId):
    require(request.auth, "core.manage_users")
    assignment = get_object_or_404(
        RoleAssignment.objects.select_related("user", "participant"),
        pk=assignment_id,
        user_id=user_id,
    )
    services.remove_role(acting_user=request.auth, assignment=assignment)
    return Status(204, None)


class SearchResultOut(Schema):
    title: str
    url: str
    #: Plain text around the first match.
    snippet: str
    #: The same, HTML-escaped, with the matching words in <mark>.
    snippet_html: str = ""
    #: The provider (kind of record), its language, and its relevance (higher is better).
    provider: str = ""
    language: str = ""
    score: float = 0.0


class SearchGroupOut(Schema):
    key: str
    label: str
    #: The group's matches; when ``total_exact`` is false, the search stopped counting (it
    #: reads and ranks at most 10,000 matches): more than this matched.
    total: int
    total_exact: bool = True
    results: list[SearchResultOut]


@router.get("/search", response=list[SearchGroupOut], auth=READ)
def site_search(request, q: str, limit: int = 10, kind: str = "", language: str = ""):
    """Search every module at once, ranked; each group holds at most ``limit`` results, and
    only what the caller may see (anonymous callers see public data only). ``q`` takes words
    (all required), "a phrase", prefix*, OR, NOT or -word; ``kind`` keeps one group (a
    provider key) and ``language`` one language (en, fr …). A query that matches more than
    10,000 records is ranked and counted over the first 10,000 found: ``total_exact`` is then
    false."""
    filters = {"kind": kind, "language": language}
    return search_all(q, request.auth, limit=max(1, min(limit, 100)), filters=filters)


# Who may call each operation (tests/test_permission_matrix.py checks every role against this).
def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = (
        b"instrument,participant,signature_date,deposit_date,action_type\n"
        b"United Nations Convention against Transnational Organized Crime,Chile,"
        b"2000-12-13,,\n"
    )
    return {
        "importer": "treaty-actions",
        "dry_run": "true",
        "file": SimpleUploadedFile("actions.csv", content, content_type="text/csv"),
    }


declare_api(
    "/api",
    {
        "GET /participants": PUBLIC,
        "GET /participants/{code}": allow(*PUBLIC.allow, sample=lambda: {"code": "ARG"}),
        "GET /regions": PUBLIC,
        "GET /regional-groups": PUBLIC,
        "GET /me": PUBLIC,
        "GET /jobs/{job_id}": allow(
            "secretariat", "focal-point", sample=focal_points_job("job_id"), hidden=True
        ),
        "POST /jobs/{job_id}/cancel": allow(
            "secretariat", "focal-point", sample=focal_points_job("job_id"), hidden=True
        ),
        "POST /imports": allow("secretariat", data=_upload, multipart=True),
        "GET /imports/{import_id}": allow(
            "secretariat", "focal-point", sample=focal_points_import("import_id"), hidden=True
        ),
        "GET /importers": PUBLIC,
        "GET /users": SECRETARIAT,
        "GET /users/{user_id}": allow("secretariat", sample=observer("user_id")),
        "POST /users/{user_id}/roles": allow(
            "secretariat", sample=observer("user_id"), data={"role": "analyst"}
        ),
        "DELETE /users/{user_id}/roles/{assignment_id}": allow(
            "secretariat",
            sample=observer("user_id", assignment_id=first_role),
        ),
        "GET /search": allow(*PUBLIC.allow, query={"q": "Argentina"}),
    },
)
