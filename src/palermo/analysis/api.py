"""The analysis API: the caller's investigations, and one investigation with its entity counts.

Signed-in callers only (a token or the session); an investigation of which the caller is not a
member answers 404 like one that does not exist, the Secretariat included. Reads are logged.
"""

import datetime as dt

from django.db.models import Count
from ninja import Router, Schema
from ninja.pagination import paginate

from palermo.core.api_auth import WRITE
from palermo.platform.access import SIGNED_IN, allow, declare_api
from palermo.platform.api import ErrorOut, Pagination, RowId
from palermo.platform.audit import record_reads
from palermo.platform.policies import restrict
from palermo.platform.views import get_visible_or_404

from . import services
from .models import Entity, Investigation

router = Router(tags=["analysis"])

#: Signed in by token or session; no anonymous reads (a GET carries no CSRF check).
SIGNED = WRITE


class InvestigationOut(Schema):
    id: int
    title: str
    description: str
    created: dt.datetime
    is_demo: bool


class MemberOut(Schema):
    username: str
    role: str


class InvestigationDetailOut(InvestigationOut):
    members: list[MemberOut]
    #: Entities by FollowTheMoney schema.
    entities: dict[str, int]


@router.get("/investigations", response=list[InvestigationOut], auth=SIGNED)
@paginate(Pagination, page_size=50)
def list_investigations(request):
    """The investigations the caller is a member of."""
    rows = list(restrict(Investigation.objects.all(), request.auth))
    record_reads(request.auth, rows, model=Investigation)
    return rows


@router.get(
    "/investigations/{investigation_id}",
    response={200: InvestigationDetailOut, 404: ErrorOut},
    auth=SIGNED,
)
def get_investigation(request, investigation_id: RowId):
    """One investigation: its members and how many entities of each schema it holds."""
    investigation = get_visible_or_404(
        Investigation.objects.all(), request.auth, pk=investigation_id
    )
    counts = (
        Entity.objects.filter(investigation=investigation)
        .values("schema")
        .annotate(n=Count("pk"))
        .order_by("schema")
    )
    return {
        "id": investigation.pk,
        "title": investigation.title,
        "description": investigation.description,
        "created": investigation.created,
        "is_demo": investigation.is_demo,
        "members": [
            {"username": user.username, "role": role}
            for user, role in services.members(investigation)
        ],
        "entities": {row["schema"]: row["n"] for row in counts},
    }


def _sample():
    from .urls import _investigation

    investigation, _entity = _investigation()
    return {"investigation_id": investigation.pk}


declare_api(
    "/api/analysis",
    {
        "GET /investigations": SIGNED_IN,
        "GET /investigations/{investigation_id}": allow("analyst", sample=_sample, hidden=True),
    },
)


# The link chart's operations and the review of pairs live in their own modules, under the same
# prefix (/api/analysis); each declares its operations' access.
from . import chart_api, review_api  # noqa: E402

router.add_router("", chart_api.router)
router.add_router("", review_api.router)
