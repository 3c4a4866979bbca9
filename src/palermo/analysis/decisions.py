"""The reviewer's decisions on candidate pairs, and what they make: clusters and merged entities.

- :func:`decide` records a decision (accept: the same entity; reject: not the same; withdraw:
  undo the verdict in force on that pair). Decisions are append-only: a withdrawal is a new
  decision, and the pair's verdict goes back to what it was before the verdict it withdraws
  (undecided after a single accept or reject). Each decision is one audited change naming who
  decided and why (the reason is required).
- :func:`state_of` reads every decision of an investigation once and gives the verdict in force
  per pair and the clusters the accepted pairs imply, through ``resolution.resolve`` (accepts
  are transitive: A = B and B = C make A = C; an accept that would put two rejected entities in
  one cluster is not applied and is reported as a conflict to the reviewer).
- :func:`merged` is a cluster shown as one entity: its properties are the union of its
  members', and every source statement is kept, attributed to the member and the row it came
  from. Nothing is deleted or rewritten by a merge: the clusters are computed from the
  decisions, so withdrawing one undoes what it did.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from palermo.platform.audit import audited, record_reads
from palermo.platform.policies import require, restrict

from .models import Decision, Entity, Statement
from .resolution import SCHEMATA as RESOLVABLE
from .resolution import Clusters, resolve

ACCEPT, REJECT, WITHDRAW = (
    Decision.Verdict.ACCEPT,
    Decision.Verdict.REJECT,
    Decision.Verdict.WITHDRAW,
)


def pair_key(a: int, b: int) -> tuple[int, int]:
    """A pair of entity ids in one order, whichever side was named first."""
    return (a, b) if a < b else (b, a)


def _compatible(left: Entity, right: Entity) -> bool:
    kinds = {RESOLVABLE[left.schema], RESOLVABLE[right.schema]}
    return len(kinds) == 1 or "any" in kinds


def _in_force(decisions) -> dict[tuple[int, int], Decision]:
    """The verdict in force per pair, from the decisions in the order they were made: an
    accept or reject is put on the pair's stack, a withdrawal takes the top one off."""
    stacks: dict[tuple[int, int], list[Decision]] = defaultdict(list)
    for decision in decisions:
        stack = stacks[pair_key(decision.left_id, decision.right_id)]
        if decision.verdict == WITHDRAW:
            if stack:
                stack.pop()
        else:
            stack.append(decision)
    return {key: stack[-1] for key, stack in stacks.items() if stack}


def decide(
    investigation,
    left: Entity,
    right: Entity,
    *,
    verdict: str,
    reason: str,
    acting_user,
    score: float | None = None,
) -> Decision:
    """Record a reviewer's decision on the pair (``left``, ``right``) of ``investigation``.

    Editors and owners decide; a viewer or anyone else is refused. The pair is stored in one
    order (the smaller entity id on the left), so the same pair named the other way round is
    the same pair."""
    require(acting_user, "change", investigation)
    if verdict not in Decision.Verdict.values:
        raise ValidationError(
            {
                "verdict": _("“%(verdict)s” is not a decision (%(all)s).")
                % {"verdict": verdict, "all": ", ".join(Decision.Verdict.values)}
            }
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: the reason is kept with the decision.")})
    for side, entity in (("left", left), ("right", right)):
        if entity.investigation_id != investigation.pk:
            raise ValidationError({side: _("This entity is not in this investigation.")})
        if entity.schema not in RESOLVABLE:
            raise ValidationError(
                {
                    side: _("%(entity)s is a %(schema)s; only %(all)s are resolved.")
                    % {"entity": entity, "schema": entity.schema, "all": ", ".join(RESOLVABLE)}
                }
            )
    if left.pk == right.pk:
        raise ValidationError(_("An entity cannot be paired with itself."))
    if verdict == ACCEPT and not _compatible(left, right):
        raise ValidationError(
            _("%(left)s and %(right)s cannot be one entity: a person is never an organisation.")
            % {"left": left, "right": right}
        )
    if left.pk > right.pk:
        left, right = right, left
    with transaction.atomic(), audited(acting_user):
        if verdict == WITHDRAW:
            history = Decision.objects.select_for_update().filter(
                investigation=investigation, left=left, right=right
            )
            if pair_key(left.pk, right.pk) not in _in_force(history.order_by("made", "pk")):
                raise ValidationError(
                    _("There is no decision on %(left)s and %(right)s to withdraw.")
                    % {"left": left, "right": right}
                )
        decision = Decision(
            investigation=investigation,
            left=left,
            right=right,
            verdict=verdict,
            score=score,
            reason=reason,
            made_by=acting_user,
        )
        decision.full_clean()
        decision.save()
    return decision


@dataclass
class ShownConflict:
    """An accept that was not applied, because it would merge two entities rejected as
    different; shown to the reviewer with both pairs."""

    accepted: tuple[Entity, Entity]
    rejected: tuple[Entity, Entity]

    @property
    def text(self) -> str:
        a, b = self.accepted
        c, d = self.rejected
        return _(
            "Accepting %(a)s = %(b)s would merge %(c)s and %(d)s, which were rejected as "
            "different; the accept is not applied until one of the two is withdrawn."
        ) % {"a": a.caption, "b": b.caption, "c": c.caption, "d": d.caption}


@dataclass
class ResolutionState:
    """Every decision of an investigation, read once: the verdict in force per pair, the
    clusters the accepted pairs make, and the conflicts."""

    verdicts: dict[tuple[int, int], Decision]
    clusters: Clusters
    conflicts: list[ShownConflict] = field(default_factory=list)

    def verdict(self, a: int, b: int) -> Decision | None:
        return self.verdicts.get(pair_key(a, b))

    def same(self, a: int, b: int) -> bool:
        return self.clusters.same(a, b)

    def cluster_of(self, entity: int) -> frozenset:
        return self.clusters.cluster_of(entity)

    def merged_groups(self) -> list[frozenset]:
        """The clusters of more than one entity, largest first."""
        return [c for c in self.clusters.clusters if len(c) > 1]

    def conflict_for(self, a: int, b: int) -> ShownConflict | None:
        key = pair_key(a, b)
        return next(
            (
                c
                for c in self.conflicts
                if pair_key(c.accepted[0].pk, c.accepted[1].pk) == key
                or pair_key(c.rejected[0].pk, c.rejected[1].pk) == key
            ),
            None,
        )


def state_of(investigation, user) -> ResolutionState:
    """The decisions of ``investigation`` as ``user`` (a member) may see them, and their
    clusters. Two queries whatever the number of decisions."""
    require(user, "view", investigation)
    decisions = list(
        restrict(Decision.objects.filter(investigation=investigation), user)
        .select_related("made_by")
        .order_by("made", "pk")
    )
    record_reads(user, decisions, model=Decision)
    verdicts = _in_force(decisions)
    ordered = sorted(verdicts.values(), key=lambda d: (d.made, d.pk))
    clusters = resolve([(d.left_id, d.right_id, d.verdict) for d in ordered])
    conflicts = []
    if clusters.conflicts:
        wanted = {pk for c in clusters.conflicts for pk in (*c.accepted, *c.rejected)}
        by_pk = {
            e.pk: e
            for e in Entity.objects.filter(investigation=investigation, pk__in=wanted).only(
                "pk", "caption", "schema", "ftm_id"
            )
        }
        conflicts = [
            ShownConflict(
                (by_pk[c.accepted[0]], by_pk[c.accepted[1]]),
                (by_pk[c.rejected[0]], by_pk[c.rejected[1]]),
            )
            for c in clusters.conflicts
        ]
    return ResolutionState(verdicts, clusters, conflicts)


def history(investigation, user, *, limit: int | None = None):
    """The decisions of ``investigation``, latest first, with who made them (read logged)."""
    require(user, "view", investigation)
    rows = (
        restrict(Decision.objects.filter(investigation=investigation), user)
        .select_related("left", "right", "made_by")
        .order_by("-made", "-pk")
    )
    rows = list(rows[:limit] if limit else rows)
    record_reads(user, rows, model=Decision)
    return rows


@dataclass
class MergedValue:
    """One value of the merged entity, with every statement that gives it."""

    prop: str
    label: str
    value: str
    statements: list[Statement]


@dataclass
class MergedEntity:
    """A cluster shown as one entity: the union of its members' properties, every statement
    kept and attributed to its member and source."""

    members: list[Entity]
    values: list[MergedValue]
    statements: list[Statement]

    @property
    def caption(self) -> str:
        return self.members[0].caption if self.members else ""

    @property
    def properties(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for value in self.values:
            out.setdefault(value.prop, []).append(value.value)
        return out


def merged(investigation, entity: Entity, user, state: ResolutionState | None = None):
    """The merged entity ``entity`` belongs to (itself alone when no accept joins it)."""
    state = state or state_of(investigation, user)
    pks = sorted(state.cluster_of(entity.pk))
    members = list(
        restrict(Entity.objects.filter(investigation=investigation, pk__in=pks), user).order_by(
            "pk"
        )
    )
    record_reads(user, members, model=Entity)
    statements = list(
        restrict(Statement.objects.filter(entity__in=members), user)
        .select_related("entity", "import_run")
        .order_by("prop", "value", "entity_id", "pk")
    )
    record_reads(user, statements, model=Statement)
    values: dict[tuple[str, str], MergedValue] = {}
    for statement in statements:
        key = (statement.prop, statement.value)
        if key not in values:
            schema = statement.entity.ftm_schema
            found = schema.get(statement.prop) if schema else None
            values[key] = MergedValue(
                statement.prop, found.label if found else statement.prop, statement.value, []
            )
        values[key].statements.append(statement)
    return MergedEntity(members, list(values.values()), statements)
