"""The Assistance reference lists and exchange rates, loaded from ``data/`` (see SOURCES.md).

Loading is idempotent: rows are matched by code (rates by currency and month) and updated.
"""

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from palermo.treaties.models import Article

from .models import AssistanceType, ExchangeRate, InstitutionType, PriorityActivity, PriorityArea

DATA = Path(__file__).resolve().parent / "data"
LANGUAGES = ("ar", "es", "fr", "ru", "zh")
RATES_SOURCE = (
    "US Federal Reserve Board, H.10 foreign exchange rates (monthly averages), via FRED and "
    "datasets/exchange-rates (ODC PDDL)"
)


def _rows(name):
    with open(DATA / name, newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


def _vocabulary(model, name, extra=None):
    for row in _rows(name):
        defaults = {
            "name": row["name"],
            "position": int(row.get("position") or 0),
            "source": row.get("source", ""),
            "names": {lang: row[f"name_{lang}"] for lang in LANGUAGES if row.get(f"name_{lang}")},
        }
        if extra:
            defaults.update(extra(row))
        obj, _created = model.objects.update_or_create(code=row["code"], defaults=defaults)
        yield obj, row


def _articles(text: str) -> list[Article]:
    found = []
    for item in filter(None, (part.strip() for part in (text or "").split(";"))):
        code, number = item.split()
        found.append(Article.objects.get(instrument__code=code, number=number))
    return found


@transaction.atomic
def load_vocabularies() -> dict:
    counts = {}
    counts["priority_areas"] = sum(1 for _ in _vocabulary(PriorityArea, "priority_areas.csv"))
    n = 0
    for obj, row in _vocabulary(PriorityActivity, "priority_activities.csv"):
        obj.articles.set(_articles(row.get("articles", "")))
        n += 1
    counts["priority_activities"] = n
    counts["assistance_types"] = sum(
        1
        for _ in _vocabulary(
            AssistanceType,
            "assistance_types.csv",
            lambda row: {"aliases": [a for a in row["aliases"].split(";") if a]},
        )
    )
    counts["institution_types"] = sum(
        1 for _ in _vocabulary(InstitutionType, "institution_types.csv")
    )
    counts["rates"] = load_rates()
    return counts


def load_rates() -> int:
    """Replace the exchange rates with those of ``data/exchange_rates.csv``."""
    rows = [
        ExchangeRate(
            currency=row["currency"],
            month=date(int(row["month"][:4]), int(row["month"][5:7]), 1),
            per_usd=Decimal(row["per_usd"]),
            source=RATES_SOURCE,
        )
        for row in _rows("exchange_rates.csv")
    ]
    with transaction.atomic():
        ExchangeRate.objects.all().delete()
        ExchangeRate.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def crime_type_map() -> dict[str, str]:
    """Crime types as other sources name them → the Library's crime type code ('' for none)."""
    return {row["label"]: row["crime_type"] for row in _rows("crime_type_map.csv")}
