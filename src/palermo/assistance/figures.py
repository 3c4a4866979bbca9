"""The figures of technical assistance, computed from the data: one place for the dashboards,
the API, the donor's view and the periodic report, so the same question gets the same number.

Every function takes the user and reads only the rows that user may see (the models' policies):
the public's figures are those of published work, a donor's include what it funds, the
Secretariat's everything. Money is converted to US dollars (``money.Converter``) and the
rates used are returned with the totals.

Dimensions: ``priority_area``, ``region`` (the M49 region of each beneficiary State), ``state``,
``year`` (of the activity's start; of the budget line or expenditure), ``type``. An activity or a
project with two priority areas, or two beneficiary States in two regions, counts in each, so
the rows of a breakdown may add up to more than the total; the total counts each once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum

from .choices import UNMET
from .models import Activity, Budget, Expenditure, Funding, Need, Participation, Project
from .money import Converter

DIMENSIONS = ("priority_area", "region", "state", "year", "type")


@dataclass
class Period:
    """Work that overlaps the period: starts before the period ends and ends after it starts.
    Work with no end is counted at its start (a record's missing end says nothing of how long
    it ran: the 2010 paper's "since 2008" would otherwise count in every later year). Undated
    work is left out when a period is given."""

    date_from: date | None = None
    date_to: date | None = None

    def activities(self, qs):
        if self.date_from:
            qs = qs.filter(
                Q(end__gte=self.date_from) | Q(end__isnull=True, start__gte=self.date_from)
            )
        if self.date_to:
            qs = qs.filter(start__lte=self.date_to)
        return qs

    def money(self, qs):
        if self.date_from:
            qs = qs.filter(year__gte=self.date_from.year)
        if self.date_to:
            qs = qs.filter(year__lte=self.date_to.year)
        return qs


@dataclass
class Filters:
    """What the figures are about (all optional)."""

    period: Period = field(default_factory=Period)
    participant: object | None = None  # a beneficiary State
    region: str | None = None  # an M49 region code
    priority_area: str | None = None  # "PA2"
    origin: str | None = None  # Origin; None: ours and historical, not partners'

    def activities(self, user):
        qs = Activity.objects.restrict(user)
        qs = self.period.activities(qs)
        qs = qs.filter(origin=self.origin) if self.origin else qs.exclude(origin="partner")
        if self.participant is not None:
            qs = qs.filter(beneficiaries=self.participant)
        if self.region:
            qs = qs.filter(beneficiaries__region_id=self.region)
        if self.priority_area:
            qs = qs.filter(priority_areas__code=self.priority_area)
        return qs.distinct() if (self.participant or self.region or self.priority_area) else qs

    def projects(self, user):
        qs = Project.objects.restrict(user)
        if self.participant is not None:
            qs = qs.filter(beneficiaries=self.participant)
        if self.region:
            qs = qs.filter(beneficiaries__region_id=self.region)
        if self.priority_area:
            qs = qs.filter(priority_areas__code=self.priority_area)
        return qs.distinct() if (self.participant or self.region or self.priority_area) else qs


def _money_rows(model, user, filters: Filters):
    """Budget lines, expenditure or fundings of the projects the user may see. The ledger's
    rows are not public, but their totals for a visible project are (aggregate figures)."""
    projects = filters.projects(user)
    qs = model.objects.filter(project__in=projects.values("pk"))
    return filters.period.money(qs)


def summary(user, filters: Filters | None = None) -> dict:
    """The headline figures: activities, beneficiary States, participants by sex, budget,
    expenditure, funding and the gap between budget and funding, in US dollars."""
    filters = filters or Filters()
    activities = filters.activities(user)
    ids = activities.values("pk")
    people = Participation.objects.filter(activity__in=ids).aggregate(
        women=Sum("women"), men=Sum("men"), other=Sum("other")
    )
    people = {k: v or 0 for k, v in people.items()}
    states = (
        Activity.beneficiaries.through.objects.filter(activity__in=ids)
        .values("participant")
        .distinct()
        .count()
    )
    converter = Converter()
    budget = converter.total(
        _money_rows(Budget, user, filters).values("amount", "currency", "year", "month")
    )
    spent = converter.total(
        _money_rows(Expenditure, user, filters).values("amount", "currency", "year", "month")
    )
    funded = converter.total(
        _money_rows(Funding, user, filters).values("amount", "currency", "year", "month")
    )
    return {
        "activities": activities.count(),
        "beneficiary_states": states,
        "participants": {**people, "total": sum(people.values())},
        "budget_usd": budget,
        "expenditure_usd": spent,
        "funding_usd": funded,
        "funding_gap_usd": max(budget - funded, Decimal(0)),
        "delivery_rate": float(spent / budget) if budget else None,
        "rates": converter.rates_used(),
    }


def _activity_keys(dimension):
    """(values() fields, key of a row, label of a row) for a dimension over activities."""
    return {
        "priority_area": ("priority_areas__code", "priority_areas__name"),
        "region": ("beneficiaries__region_id", "beneficiaries__region__name"),
        "state": ("beneficiaries__code", "beneficiaries__name"),
        "type": ("type__code", "type__name"),
    }[dimension]


def breakdown(user, dimension: str, filters: Filters | None = None) -> list[dict]:
    """Rows of ``{key, label, activities, women, men, other, participants, budget_usd,
    expenditure_usd, funding_usd, funding_gap_usd}`` for one dimension, ordered by key. Budget and expenditure are the
    projects' (by their priority areas, beneficiaries' regions and States, or the line's year);
    a dimension projects lack (type) has none."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}; one of {', '.join(DIMENSIONS)}")
    filters = filters or Filters()
    activities = filters.activities(user)
    rows: dict = defaultdict(
        lambda: {
            "label": "",
            "activities": 0,
            "women": 0,
            "men": 0,
            "other": 0,
            "budget_usd": Decimal(0),
            "expenditure_usd": Decimal(0),
            "funding_usd": Decimal(0),
        }
    )
    if dimension == "year":
        pairs = activities.filter(start__isnull=False).values_list("pk", "start__year")
        keyed = [(pk, year, str(year)) for pk, year in pairs]
    else:
        key, label = _activity_keys(dimension)
        keyed = [
            (pk, k, lbl)
            for pk, k, lbl in activities.values_list("pk", key, label).distinct()
            if k is not None
        ]
    by_activity = defaultdict(list)
    for pk, k, lbl in keyed:
        rows[k]["label"] = lbl
        rows[k]["activities"] += 1
        by_activity[pk].append(k)
    for activity_id, women, men, other in Participation.objects.filter(
        activity__in=list(by_activity)
    ).values_list("activity_id", "women", "men", "other"):
        for k in by_activity[activity_id]:
            rows[k]["women"] += women
            rows[k]["men"] += men
            rows[k]["other"] += other
    if dimension != "type":
        converter = Converter()
        project_key = {
            "priority_area": ("project__priority_areas__code", "project__priority_areas__name"),
            "region": ("project__beneficiaries__region_id", "project__beneficiaries__region__name"),
            "state": ("project__beneficiaries__code", "project__beneficiaries__name"),
            "year": ("year", "year"),
        }[dimension]
        for model, column in (
            (Budget, "budget_usd"),
            (Expenditure, "expenditure_usd"),
            (Funding, "funding_usd"),
        ):
            lines = _money_rows(model, user, filters).values_list(
                "pk", *project_key, "amount", "currency", "year", "month"
            )
            seen = set()
            for pk, k, lbl, amount, currency, year, month in lines:
                if k is None or (pk, k) in seen:
                    continue
                seen.add((pk, k))
                rows[k]["label"] = rows[k]["label"] or str(lbl)
                rows[k][column] += converter.to_usd(amount, currency, year, month).usd
    for k, lbl in _local_names(dimension).items():
        if k in rows:
            rows[k]["label"] = lbl
    result = []
    for k in sorted(rows, key=lambda v: str(v) if not isinstance(v, int) else f"{v:06d}"):
        row = rows[k]
        gap = max(row["budget_usd"] - row["funding_usd"], Decimal(0))
        people = row["women"] + row["men"] + row["other"]
        result.append({"key": k, **row, "participants": people, "funding_gap_usd": gap})
    return result


def unmet_needs(user, dimension: str = "region", participant=None) -> list[dict]:
    """Needs still wanting assistance (open, planned, being met), counted by ``region``,
    ``state``, ``article`` or ``type``, with how many are open with no activity at all."""
    qs = Need.objects.restrict(user).filter(status__in=list(UNMET))
    if participant is not None:
        qs = qs.filter(participant=participant)
    key, label = {
        "region": ("participant__region_id", "participant__region__name"),
        "state": ("participant__code", "participant__name"),
        "article": ("articles__pk", "articles__number"),
        "type": ("type__code", "type__name"),
    }[dimension]
    rows: dict = {}
    for pk, k, lbl, status, instrument in qs.values_list(
        "pk", key, label, "status", "articles__instrument__code"
    ).distinct():
        if dimension == "article" and k is not None:
            lbl = f"{instrument} {lbl}"
        row = rows.setdefault(
            k, {"key": k, "label": lbl or "", "needs": 0, "open": 0, "_seen": set()}
        )
        if pk in row["_seen"]:
            continue
        row["_seen"].add(pk)
        row["needs"] += 1
        row["open"] += status == "open"
    names = _local_names(dimension)
    for key, row in rows.items():
        del row["_seen"]
        row["label"] = names.get(key, row["label"])
    return sorted(rows.values(), key=lambda r: (-r["needs"], str(r["label"])))


def _local_names(dimension: str) -> dict:
    """The vocabulary's names in the active language, for the dimensions that are vocabularies
    (the breakdowns read the English names from the database)."""
    from .models import AssistanceType, PriorityArea

    model = {"priority_area": PriorityArea, "type": AssistanceType}.get(dimension)
    return {v.code: v.local_name for v in model.objects.all()} if model else {}
