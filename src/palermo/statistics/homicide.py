"""The homicide choice rule: which source's value is published for a State and year, and why.

Pure (no Django): ``choose(candidates, rule)`` takes every source's value for one State-year
and returns the chosen one with a reason code and a sentence. The rule, in full:

1. Candidates are ranked by the kind of their source, in the order ``rule.order`` (default:
   criminal justice, then public health); kinds not listed come after, alphabetically; within
   a kind, by source code. A candidate without a rate (no population to compute it) is ignored.
2. One candidate: it is chosen (``only_source``).
3. Several: the first (*preferred*) is compared with the best-ranked candidate of another kind
   (the *alternative*) by the relative difference ``|a − b| / max(a, b)`` (0 when both are 0).
   - Within ``rule.tolerance`` (default 25 %): the preferred one (``agree``).
   - Further apart, with ``rule.on_disagreement = "higher"`` (default): the higher of the two
     (``higher_on_disagreement``) — police records miss deaths never reported to the police
     and death registration misses bodies never found, so the lower figure is the likelier
     under-count; with ``"preferred"``: the preferred one all the same
     (``preferred_despite_difference``).

The rule is set with ``PALERMO_HOMICIDE_RULE`` (``{"order": [...], "tolerance": 0.25,
"on_disagreement": "higher"}``), read by ``rule_from_settings``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CRIMINAL_JUSTICE = "criminal_justice"
PUBLIC_HEALTH = "public_health"
DISAGREEMENT = ("higher", "preferred")


@dataclass(frozen=True)
class Rule:
    order: tuple[str, ...] = (CRIMINAL_JUSTICE, PUBLIC_HEALTH)
    tolerance: float = 0.25
    on_disagreement: str = "higher"

    def __post_init__(self):
        if self.on_disagreement not in DISAGREEMENT:
            raise ValueError(
                f"on_disagreement is {self.on_disagreement!r}: use one of {', '.join(DISAGREEMENT)}"
            )
        if self.tolerance < 0:
            raise ValueError(f"tolerance is {self.tolerance!r}: give a share such as 0.25")

    def as_dict(self) -> dict:
        return {
            "order": list(self.order),
            "tolerance": self.tolerance,
            "on_disagreement": self.on_disagreement,
        }


@dataclass(frozen=True)
class Candidate:
    source: str
    kind: str
    rate: float | None
    count: float | None = None
    #: The caller's handle on the value (an observation's primary key).
    key: Any = None
    confidential: bool = False


@dataclass(frozen=True)
class Choice:
    chosen: Candidate
    reason: str
    explanation: str
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)


def difference(a: float, b: float) -> float:
    """The relative difference ``|a − b| / max(a, b)``: 0 when equal, 1 when one is 0."""
    top = max(a, b)
    return abs(a - b) / top if top else 0.0


def ranked(candidates, rule: Rule) -> list[Candidate]:
    position = {kind: i for i, kind in enumerate(rule.order)}
    usable = [c for c in candidates if c.rate is not None]
    return sorted(usable, key=lambda c: (position.get(c.kind, len(position)), c.kind, c.source))


def choose(candidates, rule: Rule | None = None) -> Choice | None:
    rule = rule or Rule()
    ordered = ranked(candidates, rule)
    if not ordered:
        return None
    preferred = ordered[0]
    others = [c for c in ordered if c.kind != preferred.kind]
    if not others:
        return Choice(
            preferred,
            "only_source",
            f"Only {preferred.source} gives a value.",
            tuple(ordered),
        )
    alternative = others[0]
    gap = difference(preferred.rate, alternative.rate)
    words = {
        "p": preferred.source,
        "a": alternative.source,
        "gap": f"{gap:.0%}",
        "tol": f"{rule.tolerance:.0%}",
    }
    if gap <= rule.tolerance:
        return Choice(
            preferred,
            "agree",
            "{p} and {a} differ by {gap}, within {tol}: {p} is preferred.".format(**words),
            tuple(ordered),
        )
    if rule.on_disagreement == "higher" and alternative.rate > preferred.rate:
        return Choice(
            alternative,
            "higher_on_disagreement",
            "{p} and {a} differ by {gap}, more than {tol}: the higher, {a}, is taken as the "
            "lower is the likelier under-count.".format(**words),
            tuple(ordered),
        )
    if rule.on_disagreement == "higher":
        return Choice(
            preferred,
            "higher_on_disagreement",
            "{p} and {a} differ by {gap}, more than {tol}: the higher, {p}, is taken as the "
            "lower is the likelier under-count.".format(**words),
            tuple(ordered),
        )
    return Choice(
        preferred,
        "preferred_despite_difference",
        "{p} and {a} differ by {gap}, more than {tol}: {p} is preferred all the same.".format(
            **words
        ),
        tuple(ordered),
    )


def rule_from_settings() -> Rule:
    """``PALERMO_HOMICIDE_RULE`` (a dict of ``Rule``'s fields), else the default rule."""
    from django.conf import settings

    value = getattr(settings, "PALERMO_HOMICIDE_RULE", None) or {}
    if "order" in value:
        value = {**value, "order": tuple(value["order"])}
    return Rule(**value)
