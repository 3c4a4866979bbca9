"""Payment patterns an analyst can check: each finding names the payments it rests on and says in
a sentence why they were flagged.

Pure: no database. ``find(transfers, settings)`` takes the payments (``Transfer``: who paid whom,
how much, in which currency, when) and returns findings of five kinds, each with its rule's
parameters in ``Settings``:

- **fan-in**: at least ``fan_count`` different payers pay one beneficiary within ``fan_window``;
- **fan-out**: one payer pays at least ``fan_count`` different beneficiaries within
  ``fan_window``;
- **cycle**: money that returns to where it started: a chain of payments A → B → … → A, each
  made no earlier than the one before it, the whole within ``cycle_window``, of at most
  ``cycle_length`` payments;
- **structuring**: at least ``structuring_count`` payments by one payer (or to one beneficiary)
  within ``structuring_window``, each just under the reporting threshold
  (``threshold × (1 − structuring_margin)`` up to, not including, ``threshold``), in the same
  currency;
- **pass-through**: an entity receives an amount and sends out at least ``1 −
  pass_through_tolerance`` of it within ``pass_through_window``.

Amounts are compared within one currency only (nothing is converted). Payments without a date
take part only in the patterns that need no time (none of these): they are left out, and
``Report.undated`` counts them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta


@dataclass(frozen=True)
class Transfer:
    id: str
    source: str
    target: str
    amount: float
    currency: str = ""
    when: datetime | date | None = None

    @property
    def moment(self) -> datetime | None:
        if self.when is None:
            return None
        if isinstance(self.when, datetime):
            return self.when.replace(tzinfo=None)
        return datetime(self.when.year, self.when.month, self.when.day)


@dataclass(frozen=True)
class Settings:
    fan_count: int = 5
    fan_window: timedelta = timedelta(days=7)
    cycle_length: int = 5
    cycle_window: timedelta = timedelta(days=30)
    threshold: float = 10_000
    structuring_margin: float = 0.10
    structuring_count: int = 3
    structuring_window: timedelta = timedelta(days=30)
    pass_through_window: timedelta = timedelta(days=2)
    pass_through_tolerance: float = 0.10


@dataclass(frozen=True)
class Finding:
    pattern: str
    #: The entities the finding is about (the beneficiary of a fan-in, a cycle's members …).
    entities: tuple[str, ...]
    #: The payments it rests on, by id, in time order.
    transfers: tuple[str, ...]
    #: The sentence an analyst reads; names are the caller's (``labels``) or the ids.
    explanation: str
    total: float = 0.0
    currency: str = ""


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    undated: int = 0

    def of(self, pattern: str) -> list[Finding]:
        return [f for f in self.findings if f.pattern == pattern]


def _day(moment: datetime) -> str:
    return moment.date().isoformat()


def _money(amount: float, currency: str) -> str:
    return f"{amount:,.2f} {currency}".strip()


def _fans(dated, settings, labels, direction: str) -> list[Finding]:
    """Windows of ``fan_window`` in which one entity is paid by (fan-in) or pays (fan-out) at
    least ``fan_count`` different counterparts; overlapping windows of the same entity are one
    finding (the widest run)."""
    groups = defaultdict(list)
    for t in dated:
        groups[t.target if direction == "in" else t.source].append(t)
    findings = []
    for hub, payments in groups.items():
        payments.sort(key=lambda t: (t.moment, t.id))
        start, best = 0, None
        runs = []
        for end, last in enumerate(payments):
            while last.moment - payments[start].moment > settings.fan_window:
                start += 1
            window = payments[start : end + 1]
            others = {t.source if direction == "in" else t.target for t in window}
            if len(others) >= settings.fan_count:
                if best is not None and start <= best[1]:  # overlaps the run found: extend it
                    best = (best[0], end)
                else:
                    if best is not None:
                        runs.append(best)
                    best = (start, end)
        if best is not None:
            runs.append(best)
        for first, last in runs:
            window = payments[first : last + 1]
            others = sorted({t.source if direction == "in" else t.target for t in window})
            currencies = {t.currency for t in window}
            currency = currencies.pop() if len(currencies) == 1 else ""
            total = sum(t.amount for t in window) if currency else 0.0
            verb = "paid" if direction == "in" else "were paid by"
            whom = ", ".join(labels.get(o, o) for o in others)
            explanation = (
                f"{len(others)} different {'payers' if direction == 'in' else 'beneficiaries'} "
                f"({whom}) {verb} {labels.get(hub, hub)} in {len(window)} payments between "
                f"{_day(window[0].moment)} and {_day(window[-1].moment)} (within "
                f"{settings.fan_window.days} days; the rule asks for {settings.fan_count})"
                + (f", {_money(total, currency)} in all." if currency else ".")
            )
            findings.append(
                Finding(
                    f"fan-{direction}",
                    (hub, *others),
                    tuple(t.id for t in window),
                    explanation,
                    total if currency else 0.0,
                    currency,
                )
            )
    return findings


def _cycles(dated, settings, labels) -> list[Finding]:
    """Time-respecting chains that return to their first payer, each cycle reported once (by
    its earliest payment)."""
    outgoing = defaultdict(list)
    for t in dated:
        outgoing[t.source].append(t)
    for payments in outgoing.values():
        payments.sort(key=lambda t: (t.moment, t.id))
    found, seen = [], set()

    def walk(origin, chain, visited):
        last = chain[-1]
        if len(chain) > settings.cycle_length:
            return
        for nxt in outgoing.get(last.target, ()):
            if nxt.moment < last.moment or nxt.moment - chain[0].moment > settings.cycle_window:
                continue
            if nxt.target == origin:
                cycle = chain + [nxt]
                if len(cycle) <= settings.cycle_length:
                    key = frozenset(t.id for t in cycle)
                    if key not in seen:
                        seen.add(key)
                        found.append(cycle)
                continue
            if nxt.target in visited:
                continue
            walk(origin, chain + [nxt], visited | {nxt.target})

    for t in sorted(dated, key=lambda t: (t.moment, t.id)):
        if t.source != t.target:
            walk(t.source, [t], {t.source, t.target})
    findings = []
    for cycle in found:
        route = " → ".join(labels.get(t.source, t.source) for t in cycle)
        route += f" → {labels.get(cycle[0].source, cycle[0].source)}"
        currencies = {t.currency for t in cycle}
        currency = currencies.pop() if len(currencies) == 1 else ""
        amounts = ", ".join(_money(t.amount, t.currency) for t in cycle)
        findings.append(
            Finding(
                "cycle",
                tuple(dict.fromkeys(t.source for t in cycle)),
                tuple(t.id for t in cycle),
                f"Money returned to {labels.get(cycle[0].source, cycle[0].source)} in "
                f"{len(cycle)} payments between {_day(cycle[0].moment)} and "
                f"{_day(cycle[-1].moment)}: {route} ({amounts}).",
                min(t.amount for t in cycle) if currency else 0.0,
                currency,
            )
        )
    return findings


def _structuring(dated, settings, labels) -> list[Finding]:
    low = settings.threshold * (1 - settings.structuring_margin)
    near = [t for t in dated if low <= t.amount < settings.threshold]
    findings = []
    for side in ("source", "target"):
        groups = defaultdict(list)
        for t in near:
            groups[(getattr(t, side), t.currency)].append(t)
        for (who, currency), payments in groups.items():
            payments.sort(key=lambda t: (t.moment, t.id))
            start = 0
            best: tuple[int, int] | None = None
            for end in range(len(payments)):
                while payments[end].moment - payments[start].moment > settings.structuring_window:
                    start += 1
                if end - start + 1 >= settings.structuring_count and (
                    best is None or end - start > best[1] - best[0]
                ):
                    best = (start, end)
            if best is None:
                continue
            window = payments[best[0] : best[1] + 1]
            total = sum(t.amount for t in window)
            role = "made" if side == "source" else "received"
            findings.append(
                Finding(
                    "structuring",
                    (who,),
                    tuple(t.id for t in window),
                    f"{labels.get(who, who)} {role} {len(window)} payments between "
                    f"{_money(low, currency)} and {_money(settings.threshold, currency)} (just "
                    f"under the reporting threshold) between {_day(window[0].moment)} and "
                    f"{_day(window[-1].moment)}: {_money(total, currency)} in all, more than "
                    "the threshold, in amounts that stay below it.",
                    total,
                    currency,
                )
            )
    return findings


def _pass_through(dated, settings, labels) -> list[Finding]:
    incoming, outgoing = defaultdict(list), defaultdict(list)
    for t in dated:
        incoming[t.target].append(t)
        outgoing[t.source].append(t)
    findings = []
    for who, received in incoming.items():
        sent = sorted(outgoing.get(who, ()), key=lambda t: (t.moment, t.id))
        for got in sorted(received, key=lambda t: (t.moment, t.id)):
            after = [
                t
                for t in sent
                if t.currency == got.currency
                and got.moment <= t.moment <= got.moment + settings.pass_through_window
                and t.target != got.source
            ]
            out = sum(t.amount for t in after)
            if after and out >= got.amount * (1 - settings.pass_through_tolerance):
                onward = ", ".join(
                    f"{labels.get(t.target, t.target)} ({_money(t.amount, t.currency)})"
                    for t in after
                )
                findings.append(
                    Finding(
                        "pass-through",
                        (who, got.source, *dict.fromkeys(t.target for t in after)),
                        (got.id, *(t.id for t in after)),
                        f"{labels.get(who, who)} received {_money(got.amount, got.currency)} "
                        f"from {labels.get(got.source, got.source)} on {_day(got.moment)} and "
                        f"sent {_money(out, got.currency)} on within "
                        f"{settings.pass_through_window.days} days: to {onward}.",
                        got.amount,
                        got.currency,
                    )
                )
    return findings


def find(
    transfers: Iterable[Transfer],
    settings: Settings | None = None,
    labels: dict[str, str] | None = None,
) -> Report:
    """Every finding of every pattern, in the order fan-in, fan-out, cycle, structuring,
    pass-through; ``labels`` names the entities in the explanations."""
    settings = settings or Settings()
    labels = labels or {}
    report = Report()
    dated = []
    for t in transfers:
        if t.moment is None:
            report.undated += 1
        elif t.amount > 0:
            dated.append(t)
    report.findings += _fans(dated, settings, labels, "in")
    report.findings += _fans(dated, settings, labels, "out")
    report.findings += _cycles(dated, settings, labels)
    report.findings += _structuring(dated, settings, labels)
    report.findings += _pass_through(dated, settings, labels)
    return report
