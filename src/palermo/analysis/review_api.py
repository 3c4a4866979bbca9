"""The review API: candidate pairs, decisions, merged entities.

The same services as the review page (``candidates.candidates_of``, ``decisions``): members
read, editors and owners decide (a viewer gets 403), anyone else gets 404 as if the
investigation did not exist. Every decision is one audited change with who and why.
"""

import datetime as dt

from ninja import Query, Router, Schema
from ninja import Status as Reply
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import Field

from palermo.core.api_auth import WRITE
from palermo.platform.access import allow, declare_api
from palermo.platform.api import ErrorOut, Pagination, RowId
from palermo.platform.views import get_visible_or_404

from . import decisions
from .candidates import candidates_of
from .models import Decision, Entity, Investigation
from .resolution import ResolutionError

router = Router(tags=["analysis"])


class SourceOut(Schema):
    file: str
    row: int | None


class SideOut(Schema):
    #: The entity's number, as the decisions take it.
    entity_id: int
    #: Its FollowTheMoney id.
    id: str
    caption: str
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str]]
    sources: list[SourceOut]


class VerdictOut(Schema):
    verdict: str
    reason: str
    made_by: str
    made: dt.datetime


class PairOut(Schema):
    left: SideOut
    right: SideOut
    match_probability: float
    match_weight: float
    evidence_for: list[str]
    evidence_against: list[str]
    #: The decision in force on this pair, if any.
    decision: VerdictOut | None
    #: Same entity through other accepted pairs (A = B, B = C: A = C), without a decision here.
    implied_same: bool
    #: An accept not applied because it would merge two entities rejected as different.
    conflict: str | None


class CandidateFilters(Schema):
    min_probability: float = Field(0.5, ge=0, le=1, description="Lowest match probability.")
    status: str | None = Field(
        None, description="open (not decided), accept or reject; all pairs when absent."
    )


class DecisionIn(Schema):
    left: int = Field(..., ge=1, description="The number (entity_id) of one entity.")
    right: int = Field(..., ge=1, description="The number (entity_id) of the other.")
    verdict: str = Field(..., description="accept, reject or withdraw.")
    reason: str = Field(..., description="Why: kept with the decision and in the audit trail.")
    score: float | None = Field(None, ge=0, le=1, description="The pair's score when decided.")


class DecisionOut(Schema):
    id: int
    left: int
    right: int
    left_caption: str
    right_caption: str
    verdict: str
    score: float | None
    reason: str
    made_by: str
    made: dt.datetime


class MergedStatementOut(Schema):
    entity_id: int
    prop: str
    value: str
    original_value: str
    source: str
    source_file: str
    source_row: int | None


class MergedOut(Schema):
    caption: str
    members: list[int]
    properties: dict[str, list[str]]
    statements: list[MergedStatementOut]


def _decision_out(d: Decision) -> dict:
    return {
        "id": d.pk,
        "left": d.left_id,
        "right": d.right_id,
        "left_caption": d.left.caption,
        "right_caption": d.right.caption,
        "verdict": d.verdict,
        "score": d.score,
        "reason": d.reason,
        "made_by": d.made_by.username,
        "made": d.made,
    }


def _investigation(request, investigation_id):
    return get_visible_or_404(Investigation.objects.all(), request.auth, pk=investigation_id)


@router.get(
    "/investigations/{investigation_id}/candidates",
    response={200: list[PairOut], 404: ErrorOut, 422: ErrorOut},
    auth=WRITE,
)
@paginate(Pagination, page_size=20)
def list_candidates(request, investigation_id: RowId, filters: Query[CandidateFilters]):
    """Candidate duplicates, highest score first, each side with its properties and source
    rows, the evidence for and against (with weights) and the decision in force."""
    if filters.status not in (None, "open", "accept", "reject"):
        raise HttpError(422, "status is open, accept or reject.")
    investigation = _investigation(request, investigation_id)
    try:
        found = candidates_of(investigation, request.auth, min_probability=filters.min_probability)
    except ResolutionError as exc:
        raise HttpError(422, str(exc)) from None
    state = decisions.state_of(investigation, request.auth)
    named = {side["id"] for p in found["pairs"] for side in (p["left"], p["right"])}
    entities = {
        e.ftm_id: e
        for e in Entity.objects.filter(investigation=investigation, ftm_id__in=sorted(named))
    }
    out = []
    for pair in found["pairs"]:
        left, right = entities.get(pair["left"]["id"]), entities.get(pair["right"]["id"])
        if left is None or right is None:
            continue
        verdict = state.verdict(left.pk, right.pk)
        implied = not verdict and state.same(left.pk, right.pk)
        current = verdict.verdict if verdict else ("accept" if implied else "open")
        if filters.status and current != filters.status:
            continue
        conflict = state.conflict_for(left.pk, right.pk)
        out.append(
            {
                **pair,
                "left": {**pair["left"], "entity_id": left.pk, "properties": left.properties},
                "right": {**pair["right"], "entity_id": right.pk, "properties": right.properties},
                "decision": {
                    "verdict": verdict.verdict,
                    "reason": verdict.reason,
                    "made_by": verdict.made_by.username,
                    "made": verdict.made,
                }
                if verdict
                else None,
                "implied_same": implied,
                "conflict": conflict.text if conflict else None,
            }
        )
    return out


@router.post(
    "/investigations/{investigation_id}/decisions",
    response={201: DecisionOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=WRITE,
)
def create_decision(request, investigation_id: RowId, payload: DecisionIn):
    """Accept (the same entity), reject (not the same) or withdraw (undo the decision in
    force) a pair; editors and owners only. The reason is required."""
    investigation = _investigation(request, investigation_id)
    sides = {
        e.pk: e
        for e in Entity.objects.filter(
            investigation=investigation, pk__in=[payload.left, payload.right]
        )
    }
    for name in ("left", "right"):
        if getattr(payload, name) not in sides:
            raise HttpError(
                404, f"{name}: no entity {getattr(payload, name)} in this investigation."
            )
    decision = decisions.decide(
        investigation,
        sides[payload.left],
        sides[payload.right],
        verdict=payload.verdict,
        reason=payload.reason,
        score=payload.score,
        acting_user=request.auth,
    )
    return Reply(201, _decision_out(decision))


@router.get(
    "/investigations/{investigation_id}/decisions",
    response={200: list[DecisionOut], 404: ErrorOut},
    auth=WRITE,
)
@paginate(Pagination, page_size=50)
def list_decisions(request, investigation_id: RowId):
    """Every decision on the investigation's pairs, latest first (they are never changed)."""
    investigation = _investigation(request, investigation_id)
    return [_decision_out(d) for d in decisions.history(investigation, request.auth)]


@router.get(
    "/investigations/{investigation_id}/merged/{entity_id}",
    response={200: MergedOut, 404: ErrorOut},
    auth=WRITE,
)
def get_merged(request, investigation_id: RowId, entity_id: RowId):
    """The merged entity an entity belongs to: the union of its members' properties and every
    statement, attributed to its member and its source."""
    investigation = _investigation(request, investigation_id)
    entity = get_visible_or_404(
        Entity.objects.filter(investigation=investigation), request.auth, pk=entity_id
    )
    view = decisions.merged(investigation, entity, request.auth)
    return {
        "caption": view.caption,
        "members": [m.pk for m in view.members],
        "properties": view.properties,
        "statements": [
            {
                "entity_id": s.entity_id,
                "prop": s.prop,
                "value": s.value,
                "original_value": s.original_value,
                "source": str(s.source),
                "source_file": s.source_file,
                "source_row": s.source_row,
            }
            for s in view.statements
        ],
    }


# Samples for the permission matrix --------------------------------------------------------


def _pair():
    from .review_views import _pair

    return _pair()


def _sample():
    investigation, _first, _second = _pair()
    return {"investigation_id": investigation.pk}


def _merged_sample():
    investigation, first, _second = _pair()
    return {"investigation_id": investigation.pk, "entity_id": first.pk}


_decided: dict = {}


def _decision_sample():
    investigation, first, second = _pair()
    _decided.update(left=first.pk, right=second.pk)
    return {"investigation_id": investigation.pk}


def _decision_body():
    return {**_decided, "verdict": "accept", "reason": "Matrix sample"}


declare_api(
    "/api/analysis",
    {
        "GET /investigations/{investigation_id}/candidates": allow(
            "analyst", sample=_sample, hidden=True
        ),
        "GET /investigations/{investigation_id}/decisions": allow(
            "analyst", sample=_sample, hidden=True
        ),
        "POST /investigations/{investigation_id}/decisions": allow(
            "analyst",
            sample=_decision_sample,
            method="POST",
            data=_decision_body,
            hidden=True,
        ),
        "GET /investigations/{investigation_id}/merged/{entity_id}": allow(
            "analyst", sample=_merged_sample, hidden=True
        ),
    },
)
