"""Core API: participants, regions, the acting user, jobs and imports."""

import uuid

from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from .api_auth import READ, WRITE
from .imports import IMPORTERS, start_import
from .jobs import job_state
from .models import Job, Participant, Region, RegionalGroup

router = Router(tags=["core"])


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


@router.get("/participants", response=list[ParticipantOut], auth=READ)
@paginate(PageNumberPagination, page_size=50)
def list_participants(request, q: str = "", region: str = "", group: str = ""):
    """States and regional organizations, with M49 regions and UN regional groups."""
    qs = Participant.objects.with_regions().search(q)
    if region:
        qs = qs.filter(region__code=region) | qs.filter(subregion__code=region)
    if group:
        qs = qs.filter(regional_group__code=group)
    return qs.order_by("name")


@router.get("/participants/{code}", response=ParticipantOut, auth=READ)
def get_participant(request, code: str):
    return get_object_or_404(Participant.objects.with_regions(), code=code.upper())


@router.get("/regions", response=list[RegionOut], auth=READ)
@paginate(PageNumberPagination, page_size=100)
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
    return {"id": job.pk, "kind": job.kind, "label": job.label, "result": job.result, **state}


@router.get("/jobs/{job_id}", response=JobOut, auth=WRITE)
def get_job(request, job_id: uuid.UUID):
    """A background job's progress and, once finished, its result (an import's report)."""
    return _job_out(get_object_or_404(Job.objects.visible_to(request.auth), pk=job_id))


@router.post("/imports", response={202: JobOut}, auth=WRITE)
def create_import(
    request, importer: Form[str], file: File[UploadedFile], dry_run: Form[bool] = False
):
    """Start an import in the background; poll ``/api/jobs/{id}`` for progress and the report.

    ``importer`` is one of the names listed by ``GET /api/importers``."""
    user = request.auth
    if importer not in IMPORTERS:
        from ninja.errors import HttpError

        raise HttpError(
            422, f"Unknown importer “{importer}”; choose one of: {', '.join(sorted(IMPORTERS))}."
        )
    job = start_import(importer, file, acting_user=user, dry_run=dry_run)
    job.refresh_from_db()
    return Status(202, _job_out(job))


@router.get("/importers", response=list[dict], auth=READ)
def list_importers(request):
    return [
        {"name": k, "label": str(v.label), "formats": list(v.formats)}
        for k, v in sorted(IMPORTERS.items())
    ]
