"""An investigation's payments as ``patterns.Transfer``s (payer → beneficiary, amount, currency,
date, from its Payment entities), and the patterns found in them, for its members only (the
read is logged)."""

from datetime import date

from palermo.platform.audit import record_reads
from palermo.platform.policies import require, restrict

from . import patterns
from .models import Entity


def _first(props: dict, name: str) -> str:
    values = props.get(name) or []
    return str(values[0]) if values else ""


def transfers_of(investigation, user) -> tuple[list[patterns.Transfer], dict[str, str]]:
    require(user, "view", investigation)
    rows = list(
        restrict(Entity.objects.filter(investigation=investigation), user)
        .filter(schema="Payment")
        .only("pk", "ftm_id", "properties")
    )
    record_reads(user, rows, model=Entity)
    transfers = []
    for row in rows:
        props = row.properties or {}
        payer, beneficiary = _first(props, "payer"), _first(props, "beneficiary")
        amount = _first(props, "amount")
        if not (payer and beneficiary and amount):
            continue
        when = _first(props, "date")
        transfers.append(
            patterns.Transfer(
                id=row.ftm_id,
                source=payer,
                target=beneficiary,
                amount=float(amount),
                currency=_first(props, "currency"),
                when=date.fromisoformat(when[:10]) if len(when) >= 10 else None,
            )
        )
    parties = {t.source for t in transfers} | {t.target for t in transfers}
    labels = dict(
        restrict(Entity.objects.filter(investigation=investigation), user)
        .filter(ftm_id__in=parties)
        .values_list("ftm_id", "caption")
    )
    return transfers, labels


def patterns_of(investigation, user, settings: patterns.Settings | None = None) -> dict:
    transfers, labels = transfers_of(investigation, user)
    report = patterns.find(transfers, settings, labels)
    return {
        "investigation": investigation.pk,
        "payments": len(transfers),
        "undated": report.undated,
        "findings": [
            {
                "pattern": f.pattern,
                "entities": [{"id": e, "caption": labels.get(e, "")} for e in f.entities],
                "payments": list(f.transfers),
                "explanation": f.explanation,
                "total": f.total,
                "currency": f.currency,
            }
            for f in report.findings
        ],
    }
