"""Matching needs to the activities and programmes that could meet them, and a donor's view of
where funding would meet the most needs.

A *candidate* for a need is an activity (proposed, planned or ongoing, ours or a partner's) or a
programme (planned or ongoing) that is not over, that the user may see, and that

- has something to offer: the same type of assistance, an article of the need, or one of its
  priority areas (when the need names none of these, any work qualifies), and
- can reach the State: it is for that State, for a State of the same M49 region, sub-region or
  intermediate region, names one of those regions (or the State) in its ``regions``, or is for
  no particular State (global work).

Candidates are scored from 0 to 100 over the criteria the need gives (type, articles, priority
areas, region, timing when the need has a date, budget headroom when it has an estimated
cost): the points earned over the points possible. Each criterion that earns points says why in
a sentence, so a person can judge the ranking rather than trust it.

Everything is read in a fixed number of queries whatever the number of candidates (one per
currency for the exchange rates): features are read from the many-to-many tables as values.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from palermo.core.models import Participant
from palermo.platform.policies import policy_for

from .choices import UNMET, DatePrecision, Origin, ProgrammeKind, WorkStatus
from .models import Activity, Budget, Expenditure, Need, NeedActivity, Programme, Project
from .money import Converter, MissingRate

#: Points of each criterion when the need gives it (the score is earned / possible × 100).
WEIGHTS = {
    "type": 25,
    "articles": 25,
    "priority_areas": 10,
    "region": 20,
    "timing": 10,
    "budget": 10,
}
#: Share of the region points for each way of reaching the need's State.
REGION_SHARE = {
    "state": 1.0,
    "intermediate_region": 0.8,
    "subregion": 0.7,
    "named": 0.7,
    "region": 0.5,
    "global": 0.3,
}
ACTIVITY_STATUSES = (WorkStatus.PROPOSED, WorkStatus.PLANNED, WorkStatus.ONGOING)
PROGRAMME_STATUSES = (WorkStatus.PLANNED, WorkStatus.ONGOING)


@dataclass
class Candidate:
    """An activity or programme proposed for a need, with its score and the reasons for it."""

    kind: str  # "activity" | "programme"
    obj: object
    score: int
    reasons: list[str] = field(default_factory=list)


@dataclass
class _Features:
    """What matching compares, read once for a batch of activities or programmes."""

    obj: object
    kind: str
    types: set = field(default_factory=set)
    articles: set = field(default_factory=set)
    areas: set = field(default_factory=set)
    #: (participant_id, region_id, subregion_id, intermediate_region_id) of each beneficiary.
    beneficiaries: list = field(default_factory=list)
    regions: set = field(default_factory=set)  # casefolded names
    is_global: bool = False
    projects: set = field(default_factory=set)  # ids of the projects whose money counts


@dataclass
class _NeedFacts:
    pk: int
    participant: Participant
    type_id: int | None
    type_name: str
    articles: dict  # id -> "UNTOC 18"
    areas: dict  # id -> "PA2 Strengthening …"
    wanted_by: date | None
    cost: Decimal | None

    @property
    def region_names(self) -> dict[str, str]:
        """Casefolded name → name, for the State and its M49 regions."""
        names = {self.participant.name.casefold(): self.participant.name}
        for level in ("intermediate_region", "subregion", "region"):
            region = getattr(self.participant, level)
            if region is not None:
                names.setdefault(region.name.casefold(), str(region))
        return names


# --------------------------------------------------------------------------- reading


def _active(qs, statuses, today: date):
    return qs.filter(status__in=list(statuses)).filter(Q(end__isnull=True) | Q(end__gte=today))


def _activities(base, today: date):
    """Proposed, planned and ongoing activities that are not over, and partners' activities
    whose status their file does not state (IATI "suspended" or unknown) but not over."""
    return base.filter(
        Q(status__in=list(ACTIVITY_STATUSES)) | Q(origin=Origin.PARTNER, status=WorkStatus.UNKNOWN)
    ).filter(Q(end__isnull=True) | Q(end__gte=today))


def _grouped(rows) -> dict:
    out = defaultdict(set)
    for key, value in rows:
        if value is not None:
            out[key].add(value)
    return out


def _beneficiaries(through, owner: str) -> dict:
    out = defaultdict(list)
    for row in through.values_list(
        owner,
        "participant_id",
        "participant__region_id",
        "participant__subregion_id",
        "participant__intermediate_region_id",
    ):
        out[row[0]].append(row[1:])
    return out


def _activity_features(activities: list) -> list[_Features]:
    ids = [a.pk for a in activities]
    through = Activity.articles.through.objects.filter(activity_id__in=ids)
    articles = _grouped(through.values_list("activity_id", "article_id"))
    areas = _grouped(
        Activity.priority_areas.through.objects.filter(activity_id__in=ids).values_list(
            "activity_id", "priorityarea_id"
        )
    )
    people = _beneficiaries(
        Activity.beneficiaries.through.objects.filter(activity_id__in=ids), "activity_id"
    )
    features = []
    for a in activities:
        names = {str(r).casefold() for r in a.regions or []}
        features.append(
            _Features(
                obj=a,
                kind="activity",
                types={a.type_id} if a.type_id else set(),
                articles=articles.get(a.pk, set()),
                areas=areas.get(a.pk, set()),
                beneficiaries=people.get(a.pk, []),
                regions=names,
                is_global=not people.get(a.pk) and not names,
                projects={a.project_id} if a.project_id else set(),
            )
        )
    return features


def _programme_features(programmes: list, activities_qs) -> list[_Features]:
    """A programme offers what its priority activities name (their articles) and what its
    activities the user may see deliver (their types and articles)."""
    ids = [p.pk for p in programmes]
    own = activities_qs.filter(programme_id__in=ids)
    types = _grouped(own.values_list("programme_id", "type_id"))
    articles = _grouped(
        Activity.articles.through.objects.filter(activity__in=own.values("pk")).values_list(
            "activity__programme_id", "article_id"
        )
    )
    for pk, article in Programme.priority_activities.through.objects.filter(
        programme_id__in=ids
    ).values_list("programme_id", "priorityactivity__articles"):
        if article is not None:
            articles[pk].add(article)
    areas = _grouped(
        Programme.priority_areas.through.objects.filter(programme_id__in=ids).values_list(
            "programme_id", "priorityarea_id"
        )
    )
    people = _beneficiaries(
        Programme.beneficiaries.through.objects.filter(programme_id__in=ids), "programme_id"
    )
    projects = _grouped(
        Project.objects.filter(programme_id__in=ids).values_list("programme_id", "pk")
    )
    features = []
    for p in programmes:
        names = {str(r).casefold() for r in p.regions or []}
        features.append(
            _Features(
                obj=p,
                kind="programme",
                types=types.get(p.pk, set()),
                articles=articles.get(p.pk, set()),
                areas=areas.get(p.pk, set()),
                beneficiaries=people.get(p.pk, []),
                regions=names,
                is_global=p.kind == ProgrammeKind.GLOBAL or (not people.get(p.pk) and not names),
                projects=projects.get(p.pk, set()),
            )
        )
    return features


def _headrooms(project_ids: set, user) -> dict:
    """Budget minus expenditure in US dollars of each project the user may see (an aggregate:
    the ledger's lines stay hidden). A project with a line in a currency without rates is left
    out: its headroom is not known."""
    if not project_ids:
        return {}
    visible = Project.objects.restrict(user).filter(pk__in=project_ids).values("pk")
    converter = Converter()
    totals: dict = defaultdict(Decimal)
    unknown = set()
    for model, sign in ((Budget, 1), (Expenditure, -1)):
        for pk, amount, currency, year, month in model.objects.filter(
            project__in=visible
        ).values_list("project_id", "amount", "currency", "year", "month"):
            try:
                totals[pk] += sign * converter.to_usd(amount, currency, year, month).usd
            except MissingRate:
                unknown.add(pk)
    return {pk: total for pk, total in totals.items() if pk not in unknown}


def _need_facts(need: Need) -> _NeedFacts:
    participant = Participant.objects.with_regions().get(pk=need.participant_id)
    articles = {
        pk: f"{code} {number}"
        for pk, code, number in need.articles.values_list("pk", "instrument__code", "number")
    }
    areas = {
        pk: f"{code} {name}"
        for pk, code, name in need.priority_areas.values_list("pk", "code", "name")
    }
    return _NeedFacts(
        pk=need.pk,
        participant=participant,
        type_id=need.type_id,
        type_name=need.type.local_name if need.type_id else "",
        articles=articles,
        areas=areas,
        wanted_by=need.wanted_by,
        cost=need.estimated_cost_usd,
    )


# --------------------------------------------------------------------------- scoring


def _month(d: date, precision: str = DatePrecision.DAY) -> str:
    return f"{d:%Y}" if precision == DatePrecision.YEAR else f"{d:%Y-%m}"


def _usd(amount: Decimal) -> str:
    whole = amount.quantize(Decimal(1), ROUND_HALF_UP)
    return "USD " + formats.number_format(whole, decimal_pos=0, force_grouping=True)


def _region(need: _NeedFacts, f: _Features) -> tuple[str, str] | None:
    """How the work reaches the need's State: (way, region name), the closest way first."""
    p = need.participant
    ways = []
    for participant_id, region_id, subregion_id, intermediate_id in f.beneficiaries:
        if participant_id == p.pk:
            return ("state", p.name)
        if intermediate_id and intermediate_id == p.intermediate_region_id:
            ways.append(("intermediate_region", str(p.intermediate_region)))
        elif subregion_id and subregion_id == p.subregion_id:
            ways.append(("subregion", str(p.subregion)))
        elif region_id and region_id == p.region_id:
            ways.append(("region", str(p.region)))
    names = need.region_names
    for name in f.regions:
        if name in names:
            ways.append(("named", names[name]))
    if not ways and f.is_global:
        return ("global", "")
    if not ways:
        return None
    return max(ways, key=lambda w: REGION_SHARE[w[0]])


def _offers(need: _NeedFacts, f: _Features) -> bool:
    if not (need.type_id or need.articles or need.areas):
        return True
    return (
        need.type_id in f.types
        or not f.articles.isdisjoint(need.articles)
        or not f.areas.isdisjoint(need.areas)
    )


def _score(need: _NeedFacts, f: _Features, headroom: dict, today: date) -> Candidate | None:
    """The candidate, or None when the work has nothing to offer the need or cannot reach it."""
    if not _offers(need, f):
        return None
    reach = _region(need, f)
    if reach is None:
        return None
    earned, possible, reasons = 0.0, 0, []
    if need.type_id:
        possible += WEIGHTS["type"]
        if need.type_id in f.types:
            earned += WEIGHTS["type"]
            if f.kind == "activity":
                reasons.append(_("Same type of assistance: %(type)s") % {"type": need.type_name})
            else:
                reasons.append(_("Its activities include %(type)s") % {"type": need.type_name})
    if need.articles:
        possible += WEIGHTS["articles"]
        shared = [need.articles[pk] for pk in sorted(f.articles & set(need.articles))]
        if shared:
            earned += WEIGHTS["articles"] * len(shared) / len(need.articles)
            reasons.append(_("Addresses %(articles)s") % {"articles": ", ".join(sorted(shared))})
    if need.areas:
        possible += WEIGHTS["priority_areas"]
        shared = [need.areas[pk] for pk in sorted(f.areas & set(need.areas))]
        if shared:
            earned += WEIGHTS["priority_areas"] * len(shared) / len(need.areas)
            reasons.append(_("Priority area: %(areas)s") % {"areas": "; ".join(shared)})
    possible += WEIGHTS["region"]
    way, name = reach
    earned += WEIGHTS["region"] * REGION_SHARE[way]
    reasons.append(
        {
            "state": _("For %(state)s itself"),
            "intermediate_region": _("For a State of the same region (%(region)s)"),
            "subregion": _("For a State of the same region (%(region)s)"),
            "region": _("For a State of the same region (%(region)s)"),
            "named": _("Covers %(region)s"),
            "global": _("Open to all States"),
        }[way]
        % {"state": name, "region": name}
    )
    obj = f.obj
    if need.wanted_by:
        possible += WEIGHTS["timing"]
        if obj.start and obj.start <= need.wanted_by:
            earned += WEIGHTS["timing"]
            values = {
                "start": _month(obj.start, obj.date_precision),
                "wanted": _month(need.wanted_by),
            }
            if obj.start <= today:
                reasons.append(
                    _("Under way since %(start)s, before the need is wanted (%(wanted)s)") % values
                )
            else:
                reasons.append(
                    _("Starts %(start)s, before the need is wanted (%(wanted)s)") % values
                )
    if need.cost:
        possible += WEIGHTS["budget"]
        known = [headroom[pk] for pk in f.projects if pk in headroom]
        room = sum(known, Decimal(0))
        if known and room >= need.cost:
            earned += WEIGHTS["budget"]
            text = (
                _("Budget headroom of %(room)s on its project covers the estimated cost (%(cost)s)")
                if f.kind == "activity"
                else _(
                    "Budget headroom of %(room)s across its projects covers the estimated cost "
                    "(%(cost)s)"
                )
            )
            reasons.append(text % {"room": _usd(room), "cost": _usd(need.cost)})
    score = round(100 * earned / possible) if possible else 0
    return Candidate(kind=f.kind, obj=obj, score=score, reasons=reasons)


def _order(c: Candidate):
    start = c.obj.start or date.max
    return (-c.score, c.kind != "activity", start, c.obj.code)


def _content_filter(need: _NeedFacts) -> Q | None:
    q = Q()
    if need.type_id:
        q |= Q(type_id=need.type_id)
    if need.articles:
        q |= Q(articles__in=list(need.articles))
    if need.areas:
        q |= Q(priority_areas__in=list(need.areas))
    return q or None


# --------------------------------------------------------------------------- interface


def candidates(need: Need, user, limit: int = 10, *, today: date | None = None) -> list[Candidate]:
    """Ranked activities and programmes the user may see that could meet ``need``, best first.

    Refused (``PermissionDenied``) to whoever may not see the need. A need that no longer wants
    assistance (met, withdrawn) has none. Activities already linked to the need are left out.
    """
    policy_for(Need).require(user, "view", need)
    if need.status not in UNMET:
        return []
    today = today or timezone.localdate()
    facts = _need_facts(need)
    content = _content_filter(facts)
    linked = NeedActivity.objects.filter(need=need).values("activity_id")

    visible_activities = Activity.objects.restrict(user)
    activities = _activities(visible_activities, today).exclude(pk__in=linked)
    if content is not None:
        activities = activities.filter(pk__in=Activity.objects.filter(content).values("pk"))
    activities = list(activities.select_related("type", "project", "programme"))
    features = _activity_features(activities)

    programmes = list(_active(Programme.objects.restrict(user), PROGRAMME_STATUSES, today))
    features += _programme_features(programmes, visible_activities)

    headroom = _headrooms(set().union(*(f.projects for f in features)), user) if facts.cost else {}
    found = [c for f in features if (c := _score(facts, f, headroom, today)) is not None]
    found.sort(key=_order)
    return found[:limit]


def donor_view(user, region: str | None = None, *, today: date | None = None) -> list[dict]:
    """Where funding would meet the most needs: the needs still wanting assistance grouped by
    the M49 region of their State and their type of assistance, each group with how many have
    no activity at all (none linked, no candidate among all activities, whoever may see them),
    their estimated total cost, and the needs per million dollars where costs are known.

    Needs are not public, so only these aggregates are given; ``need_ids`` lists the uncovered
    needs of the group the user may see (a State its own, the Secretariat all, a donor none).
    ``region``: an M49 region, sub-region or intermediate region code to keep.
    """
    today = today or timezone.localdate()
    needs = Need.objects.filter(status__in=list(UNMET))
    if region:
        needs = needs.filter(
            Q(participant__region_id=region)
            | Q(participant__subregion_id=region)
            | Q(participant__intermediate_region_id=region)
        )
    needs = list(
        needs.select_related(
            "type",
            "participant__region",
            "participant__subregion",
            "participant__intermediate_region",
        )
    )
    ids = [n.pk for n in needs]
    articles = _grouped(
        Need.articles.through.objects.filter(need_id__in=ids).values_list("need_id", "article_id")
    )
    areas = _grouped(
        Need.priority_areas.through.objects.filter(need_id__in=ids).values_list(
            "need_id", "priorityarea_id"
        )
    )
    linked = set(NeedActivity.objects.filter(need_id__in=ids).values_list("need_id", flat=True))
    pool = _activity_features(list(_activities(Activity.objects.all(), today)))
    by_type, by_article, by_area = defaultdict(list), defaultdict(list), defaultdict(list)
    for f in pool:
        for index, keys in ((by_type, f.types), (by_article, f.articles), (by_area, f.areas)):
            for k in keys:
                index[k].append(f)

    def has_candidate(facts: _NeedFacts) -> bool:
        """Whether some activity offers what the need asks and reaches its State."""
        if facts.type_id or facts.articles or facts.areas:
            offering = {id(f): f for f in by_type.get(facts.type_id, ())}
            for pk in facts.articles:
                offering.update((id(f), f) for f in by_article.get(pk, ()))
            for pk in facts.areas:
                offering.update((id(f), f) for f in by_area.get(pk, ()))
            found = offering.values()
        else:
            found = pool
        return any(_region(facts, f) is not None for f in found)

    groups: dict = {}
    uncovered_ids = []
    for n in needs:
        facts = _NeedFacts(
            pk=n.pk,
            participant=n.participant,
            type_id=n.type_id,
            type_name="",
            articles={pk: "" for pk in articles.get(n.pk, ())},
            areas={pk: "" for pk in areas.get(n.pk, ())},
            wanted_by=None,
            cost=None,
        )
        covered = n.pk in linked or has_candidate(facts)
        p = n.participant
        key = (p.region_id, n.type_id)
        group = groups.setdefault(
            key,
            {
                "region": p.region_id,
                "region_label": str(p.region) if p.region_id else "",
                "type": n.type.code if n.type_id else None,
                "type_label": n.type.local_name if n.type_id else "",
                "needs": 0,
                "uncovered": 0,
                "uncovered_costed": 0,
                "estimated_cost_usd": Decimal(0),
                "needs_per_million_usd": None,
                "need_ids": [],
                "_ids": [],
            },
        )
        group["needs"] += 1
        if covered:
            continue
        group["uncovered"] += 1
        group["_ids"].append(n.pk)
        uncovered_ids.append(n.pk)
        if n.estimated_cost_usd:
            group["uncovered_costed"] += 1
            group["estimated_cost_usd"] += n.estimated_cost_usd

    visible = (
        set(Need.objects.restrict(user).filter(pk__in=uncovered_ids).values_list("pk", flat=True))
        if uncovered_ids
        else set()
    )
    for group in groups.values():
        group["need_ids"] = [pk for pk in group.pop("_ids") if pk in visible]
        if group["estimated_cost_usd"]:
            group["needs_per_million_usd"] = round(
                float(group["uncovered_costed"] / group["estimated_cost_usd"]) * 1_000_000, 2
            )

    def order(g):
        tier = 0 if g["needs_per_million_usd"] else (1 if g["uncovered"] else 2)
        return (
            tier,
            -(g["needs_per_million_usd"] or 0),
            -g["uncovered"],
            g["region_label"],
            g["type_label"],
        )

    return sorted(groups.values(), key=order)
