"""Rates per 100,000 inhabitants, computed from a count and the population of the same State
and year (``Population``); never typed in. Pure functions, plus one that reads the denominators.

Only a source that publishes rates without counts (UNODC's homicide series) has its rate kept
as published; its count is then derived the other way, ``rate × population / 100,000``.
"""

PER = 100_000


def rate(count: float | None, population: int | None) -> float | None:
    """``count / population × 100,000``; ``None`` without both (or with no population)."""
    if count is None or not population:
        return None
    return count / population * PER


def count_from_rate(value: float | None, population: int | None) -> float | None:
    if value is None or not population:
        return None
    return value * population / PER


def populations(participant_ids=None, years=None) -> dict[tuple[int, int], int]:
    """``{(participant pk, year): population}`` for these States and years (all by default)."""
    from .models import Population

    qs = Population.objects.all()
    if participant_ids is not None:
        qs = qs.filter(participant_id__in=list(participant_ids))
    if years is not None:
        qs = qs.filter(year__in=list(years))
    return {(p, y): n for p, y, n in qs.values_list("participant_id", "year", "population")}


def observation_rate(observation, population: int | None) -> float | None:
    """The rate of an observation: computed from its count, or the rate its source published."""
    from .choices import Unit

    if observation.unit == Unit.RATE:
        return observation.value
    return rate(observation.value, population)
