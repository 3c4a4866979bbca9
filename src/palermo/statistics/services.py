"""Every write of the statistics app, and the glue between the database and the pure rules
(``homicide.choose``, ``aggregates.compute``).

``recompute_choices`` turns the homicide observations into one published value per State and
year (``HomicideChoice``, with its reason); ``recompute_aggregates`` turns those into regional
and global figures (``Aggregate``). Both replace what they computed before, in one transaction.
"""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.core.choices import ParticipantKind, RegionLevel
from palermo.core.models import Participant, Region
from palermo.platform.policies import policy_for

from . import aggregates, homicide, rates
from .choices import AGE_TOTAL, Citizenship, Sex, Unit
from .models import (
    WORLD,
    Aggregate,
    HomicideChoice,
    IccsCode,
    Indicator,
    Observation,
    OffenceMapping,
)
from .reference import HOMICIDE


def homicide_observations():
    """The totals (no disaggregation) of the homicide indicator, every source."""
    return Observation.objects.filter(
        indicator_id=HOMICIDE, sex=Sex.TOTAL, age=AGE_TOTAL, citizenship=Citizenship.TOTAL
    )


def candidates(population: dict | None = None) -> dict[tuple[int, int], list]:
    """``{(participant pk, year): [homicide.Candidate, …]}`` with each rate computed."""
    population = rates.populations() if population is None else population
    found = defaultdict(list)
    rows = homicide_observations().values_list(
        "pk",
        "participant_id",
        "year",
        "value",
        "unit",
        "source__code",
        "source__kind",
        "confidential",
    )
    for pk, pid, year, value, unit, source, kind, confidential in rows:
        pop = population.get((pid, year))
        if unit == Unit.RATE:
            rate, count = value, rates.count_from_rate(value, pop)
        else:
            rate, count = rates.rate(value, pop), value
        found[(pid, year)].append(
            homicide.Candidate(source, kind, rate, count, key=pk, confidential=confidential)
        )
    return found


@transaction.atomic
def recompute_choices(rule: homicide.Rule | None = None) -> int:
    """Choose the published homicide value of every State and year; returns how many."""
    rule = rule or homicide.rule_from_settings()
    population = rates.populations()
    sources = dict(
        Observation.objects.filter(indicator_id=HOMICIDE)
        .values_list("source__code", "source_id")
        .distinct()
    )
    rows = []
    for (pid, year), found in candidates(population).items():
        choice = homicide.choose(found, rule)
        if choice is None:
            continue
        chosen = choice.chosen
        rows.append(
            HomicideChoice(
                participant_id=pid,
                year=year,
                source_id=sources[chosen.source],
                observation_id=chosen.key,
                rate=chosen.rate,
                count=chosen.count,
                population=population.get((pid, year)),
                reason=choice.reason,
                explanation=choice.explanation,
                candidates=[
                    {"source": c.source, "kind": c.kind, "rate": c.rate, "count": c.count}
                    for c in choice.candidates
                ],
                confidential=chosen.confidential,
            )
        )
    HomicideChoice.objects.all().delete()
    HomicideChoice.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def state_series() -> list[aggregates.StateSeries]:
    """Every participant with a population, its regions and its chosen homicide rates."""
    population = defaultdict(dict)
    for (pid, year), n in rates.populations().items():
        population[pid][year] = n
    chosen = defaultdict(dict)
    confidential = defaultdict(set)
    for pid, year, rate, secret in HomicideChoice.objects.values_list(
        "participant_id", "year", "rate", "confidential"
    ):
        chosen[pid][year] = rate
        if secret:
            confidential[pid].add(year)
    series = []
    states = Participant.objects.filter(kind=ParticipantKind.STATE)
    for pid, code, region, subregion in states.values_list(
        "pk", "code", "region_id", "subregion_id"
    ):
        if pid in population:
            series.append(
                aggregates.StateSeries(
                    code, region, subregion, population[pid], chosen[pid], confidential[pid]
                )
            )
    return series


def areas(region: str | None = None) -> list[aggregates.Area]:
    """The world, then every M49 region and sub-region (or only ``region`` and its
    sub-regions, when given)."""
    found = [aggregates.Area(WORLD, "World", "world")]
    qs = Region.objects.filter(level__in=[RegionLevel.REGION, RegionLevel.SUBREGION])
    for r in qs.order_by("code"):
        level = "region" if r.level == RegionLevel.REGION else "subregion"
        found.append(aggregates.Area(r.code, r.name, level))
    if region:
        if region == WORLD:
            return found[:1]
        known = {a.code: a for a in found}
        if region not in known:
            raise ValidationError(
                _("“%(code)s” is not an M49 region or sub-region code.") % {"code": region}
            )
        children = set(Region.objects.filter(parent_id=region).values_list("code", flat=True))
        return [a for a in found if a.code == region or a.code in children]
    return found


def homicide_years() -> list[int]:
    return sorted(set(HomicideChoice.objects.values_list("year", flat=True)))


def compute_aggregates(year: int, region: str | None = None, series=None):
    """The aggregates of ``year`` computed now (not read from the stored ones)."""
    series = state_series() if series is None else series
    return aggregates.compute(series, year, areas(region))


@transaction.atomic
def recompute_aggregates(years=None, progress=None) -> int:
    """Compute and store the homicide aggregates of every year (or ``years``)."""
    indicator = Indicator.objects.get(pk=HOMICIDE)
    years = homicide_years() if years is None else list(years)
    series = state_series()
    every_area = areas()
    if progress:
        progress.set_total(len(years), _("Computing the aggregates"))
    rows = []
    for year in years:
        for r in aggregates.compute(series, year, every_area):
            rows.append(
                Aggregate(
                    indicator=indicator,
                    year=year,
                    area=r.area,
                    area_name=r.name,
                    level=r.level,
                    rate=r.rate,
                    count=r.count,
                    population=r.population,
                    population_observed=r.population_observed,
                    coverage=r.coverage,
                    rate_low=r.rate_low,
                    rate_high=r.rate_high,
                    states=r.states,
                    observed=r.observed,
                    interpolated=r.interpolated,
                    imputed=r.imputed,
                )
            )
        if progress:
            progress.advance(1, _("Year %(year)s") % {"year": year})
    Aggregate.objects.filter(indicator=indicator, year__in=years).delete()
    Aggregate.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def details(result: aggregates.Result, user) -> list[dict]:
    """The States behind an aggregate, for ``user``: a value chosen from a confidential
    observation is withheld unless the user may see that State's confidential figures."""
    codes = {e.code for e in result.entries}
    visible = set(
        HomicideChoice.objects.restrict(user)
        .filter(participant__code__in=codes, year=result.year)
        .values_list("participant__code", flat=True)
    )
    rows = []
    for e in sorted(result.entries, key=lambda e: e.code):
        hidden = e.confidential and e.code not in visible
        rows.append(
            {
                "state": e.code,
                "population": e.population,
                "fill": e.fill,
                "rate": None if hidden else round(e.rate, 4),
                "confidential": e.confidential,
            }
        )
    return rows


def state_homicide(participant, user) -> dict:
    """A State's homicide series by source, the chosen series and its sub-region's figure,
    as ``user`` may see them."""
    population = {
        y: n for (pid, y), n in rates.populations(participant_ids=[participant.pk]).items()
    }
    by_source = defaultdict(dict)
    observations = (
        homicide_observations()
        .restrict(user)
        .filter(participant=participant)
        .select_related("source")
        .order_by("year")
    )
    sources = {}
    for o in observations:
        sources[o.source.code] = o.source
        by_source[o.source.code][o.year] = rates.observation_rate(o, population.get(o.year))
    chosen = {
        c.year: c
        for c in HomicideChoice.objects.restrict(user)
        .filter(participant=participant)
        .select_related("source")
    }
    area = participant.subregion_id or participant.region_id
    regional = {}
    if area:
        regional = dict(
            Aggregate.objects.filter(indicator_id=HOMICIDE, area=area).values_list("year", "rate")
        )
    years = sorted(set(chosen) | {y for s in by_source.values() for y in s})
    rows = [
        {
            "year": y,
            "population": population.get(y),
            "by_source": {code: by_source[code].get(y) for code in sources},
            "chosen": chosen[y].rate if y in chosen else None,
            "chosen_source": chosen[y].source.code if y in chosen else None,
            "reason": chosen[y].explanation if y in chosen else "",
            "region": regional.get(y),
        }
        for y in years
    ]
    return {
        "sources": list(sources.values()),
        "rows": rows,
        "area": area,
        "area_name": str(participant.subregion or participant.region or ""),
    }


# Offence mapping -----------------------------------------------------------------------------


@transaction.atomic
def map_offence(participant, national_category: str, code: str, *, acting_user, suggested_by=""):
    """Record (or change) the ICCS code a State's offence category counts under."""
    mapping = OffenceMapping.objects.filter(
        participant=participant, national_category=national_category
    ).first()
    candidate = mapping or OffenceMapping(participant=participant)
    policy_for(OffenceMapping).require(acting_user, "change" if mapping else "add", candidate)
    iccs = IccsCode.objects.filter(code=code).first()
    if iccs is None:
        raise ValidationError({"iccs": _("“%(code)s” is not an ICCS code.") % {"code": code}})
    candidate.national_category = national_category
    candidate.iccs = iccs
    candidate.suggested_by = suggested_by
    candidate.confirmed_by = None
    candidate.confirmed_at = None
    candidate.full_clean()
    candidate.save()
    return candidate


#: How many categories one paste may propose (a State's whole list fits).
MAX_CATEGORIES = 500


@transaction.atomic
def propose_mappings(participant, categories, *, acting_user) -> list:
    """Record a State's offence categories, each with the index's best ICCS code (and why) as
    an unconfirmed suggestion, or with no code when nothing matches; categories already
    recorded are left as they are. All or nothing. Returns the new mappings."""
    from . import iccs

    policy_for(OffenceMapping).require(acting_user, "add", OffenceMapping(participant=participant))
    wanted, seen = [], set()
    for line in categories:
        text = " ".join(str(line).split())
        if text and text.casefold() not in seen:  # "Robo" and "robo" are one category
            seen.add(text.casefold())
            wanted.append(text)
    if len(wanted) > MAX_CATEGORIES:
        raise ValidationError(
            _("At most %(n)s categories at a time; %(given)s were given.")
            % {"n": MAX_CATEGORIES, "given": len(wanted)}
        )
    too_long = [c for c in wanted if len(c) > 300]
    if too_long:
        raise ValidationError(
            _("“%(c)s…” is longer than 300 characters.") % {"c": too_long[0][:40]}
        )
    known = {
        c.casefold()
        for c in OffenceMapping.objects.filter(participant=participant).values_list(
            "national_category", flat=True
        )
    }
    index = iccs.loaded_index()
    created = []
    for category in wanted:
        if category.casefold() in known:
            continue
        best = index.rank(category, limit=1)
        # One by one (at most MAX_CATEGORIES), so that the audit log records each.
        created.append(
            OffenceMapping.objects.create(
                participant=participant,
                national_category=category,
                iccs_id=best[0].code if best else None,
                suggested_by=best[0].reason[:200] if best else "",
            )
        )
    return created


@transaction.atomic
def confirm_mapping(mapping, *, acting_user):
    policy_for(OffenceMapping).require(acting_user, "confirm", mapping)
    mapping.confirmed_by = acting_user
    mapping.confirmed_at = timezone.now()
    mapping.save(update_fields=["confirmed_by", "confirmed_at", "updated"])
    return mapping
