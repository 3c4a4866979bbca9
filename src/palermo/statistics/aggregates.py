"""Regional and global aggregates of a rate indicator (homicide), population-weighted.

Pure (no Django): ``compute(states, year, areas)``. For the year asked:

1. **The States counted** are those with a population that year (``StateSeries.population``).
2. **Observed**: a State with a chosen value that year uses it.
3. **Interpolated**: else, a State with values both before and after the year uses the
   straight line between the nearest year before and the nearest year after:
   ``r = r0 + (r1 − r0) × (year − y0) / (y1 − y0)``. There is no extrapolation.
4. **Imputed**: else, the State takes the *median* of the observed and interpolated rates of its
   sub-region that year (unweighted); when its sub-region has none, of its region; when its
   region has none, of every State. The low and high ends of the uncertainty range use the
   minimum and the maximum of that same set instead of the median.
5. **Aggregate** of an area: ``count = Σ rateᵢ × populationᵢ / 100,000`` over its States;
   ``rate = count / Σ populationᵢ × 100,000`` (population-weighted). ``rate_low`` and
   ``rate_high`` are the same with the imputed States at their low and high ends (observed and
   interpolated values are taken as they are). ``coverage`` is the share of the area's
   population living in States with an observed value that year.

An area none of whose States has an observed or interpolated value that year has no aggregate.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from statistics import median

PER = 100_000
WORLD = "001"
OBSERVED, INTERPOLATED, IMPUTED = "observed", "interpolated", "imputed"


@dataclass
class StateSeries:
    code: str
    region: str | None
    subregion: str | None
    #: year → population
    population: dict[int, int]
    #: year → the chosen rate per 100,000
    rates: dict[int, float]
    #: years whose value is confidential (its figure is left out of published details)
    confidential: set[int] = field(default_factory=set)

    def __post_init__(self):
        self._years = sorted(self.rates)

    def own_value(self, year: int) -> tuple[float, str] | None:
        """The observed or interpolated rate of ``year``, or ``None``."""
        if year in self.rates:
            return self.rates[year], OBSERVED
        years = self._years
        i = bisect_left(years, year)
        if 0 < i < len(years):
            y0, y1 = years[i - 1], years[i]
            r0, r1 = self.rates[y0], self.rates[y1]
            return r0 + (r1 - r0) * (year - y0) / (y1 - y0), INTERPOLATED
        return None


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    level: str  # "world", "region", "subregion"

    def contains(self, state: StateSeries) -> bool:
        if self.level == "world":
            return True
        if self.level == "region":
            return state.region == self.code
        return state.subregion == self.code


@dataclass
class Entry:
    """One State's part in the aggregates of a year."""

    code: str
    population: int
    rate: float
    fill: str
    low: float
    high: float
    confidential: bool = False

    @property
    def count(self) -> float:
        return self.rate * self.population / PER


@dataclass
class Result:
    area: str
    name: str
    level: str
    year: int
    rate: float
    count: float
    population: int
    population_observed: int
    coverage: float
    rate_low: float
    rate_high: float
    states: int
    observed: int
    interpolated: int
    imputed: int
    entries: list[Entry] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict:
        return {
            "area": self.area,
            "name": self.name,
            "level": self.level,
            "year": self.year,
            "rate": round(self.rate, 4),
            "count": round(self.count, 1),
            "population": self.population,
            "population_observed": self.population_observed,
            "coverage": round(self.coverage, 4),
            "rate_low": round(self.rate_low, 4),
            "rate_high": round(self.rate_high, 4),
            "states": self.states,
            "observed": self.observed,
            "interpolated": self.interpolated,
            "imputed": self.imputed,
        }


def entries(states: list[StateSeries], year: int) -> list[Entry]:
    """Every State's rate of ``year``: observed, interpolated or imputed (steps 1–4)."""
    own: dict[str, tuple[float, str]] = {}
    counted = [s for s in states if s.population.get(year)]
    for s in counted:
        value = s.own_value(year)
        if value is not None:
            own[s.code] = value
    pools: dict[tuple[str, str | None], list[float]] = {}
    for s in counted:
        if s.code in own:
            rate = own[s.code][0]
            pools.setdefault(("subregion", s.subregion), []).append(rate)
            pools.setdefault(("region", s.region), []).append(rate)
            pools.setdefault(("world", None), []).append(rate)
    result = []
    for s in counted:
        pop = s.population[year]
        if s.code in own:
            rate, fill = own[s.code]
            result.append(Entry(s.code, pop, rate, fill, rate, rate, year in s.confidential))
            continue
        pool = (
            pools.get(("subregion", s.subregion))
            or pools.get(("region", s.region))
            or pools.get(("world", None))
        )
        if not pool:
            continue
        result.append(Entry(s.code, pop, median(pool), IMPUTED, min(pool), max(pool)))
    return result


def aggregate(area: Area, year: int, parts: list[Entry]) -> Result | None:
    if not parts or not any(e.fill != IMPUTED for e in parts):
        return None
    population = sum(e.population for e in parts)
    count = sum(e.count for e in parts)
    low = sum(e.low * e.population / PER for e in parts)
    high = sum(e.high * e.population / PER for e in parts)
    observed = [e for e in parts if e.fill == OBSERVED]
    pop_observed = sum(e.population for e in observed)
    return Result(
        area=area.code,
        name=area.name,
        level=area.level,
        year=year,
        rate=count / population * PER,
        count=count,
        population=population,
        population_observed=pop_observed,
        coverage=pop_observed / population,
        rate_low=low / population * PER,
        rate_high=high / population * PER,
        states=len(parts),
        observed=len(observed),
        interpolated=sum(1 for e in parts if e.fill == INTERPOLATED),
        imputed=sum(1 for e in parts if e.fill == IMPUTED),
        entries=parts,
    )


def compute(states: list[StateSeries], year: int, areas: list[Area]) -> list[Result]:
    """The aggregates of every area for ``year`` (areas without one are left out)."""
    by_code = {s.code: s for s in states}
    parts = entries(states, year)
    results = []
    for area in areas:
        mine = [e for e in parts if area.contains(by_code[e.code])]
        result = aggregate(area, year, mine)
        if result is not None:
            results.append(result)
    return results
