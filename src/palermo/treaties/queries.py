"""Reads of treaty data, and the rule engine built from the database.

Building the engine costs three queries and a few milliseconds; it is cached per process and
rebuilt only when the data change, which two cheap aggregate queries detect. So a status page
costs the same number of queries however many participants and actions there are.
"""

import csv
import functools
import threading
from datetime import date
from pathlib import Path

from django.db import connection
from django.utils.translation import get_language, gettext, ngettext

from palermo.core.models import Participant

from . import engine
from .models import Instrument, TreatyAction

_lock = threading.Lock()
#: One engine per (data version, active language): its messages are built in that language.
#: Entries for an older data version are dropped when a newer one is built.
_cache: dict = {"version": None, "engines": {}}
LOCAL_NAMES = {"ar", "zh", "fr", "ru", "es"}
DATA = Path(__file__).resolve().parent / "data"


def _data_version() -> tuple:
    """Counts and latest change of the engine's inputs, in one query."""
    parts = []
    for model in (TreatyAction, Instrument, Participant):
        table = connection.ops.quote_name(model._meta.db_table)
        parts.append(f"(SELECT COUNT(*) FROM {table}), (SELECT MAX(updated) FROM {table})")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}")
        return tuple(cursor.fetchone())


@functools.cache
def rule_exceptions() -> tuple[engine.RuleException, ...]:
    """The sourced exceptions shipped in ``data/rule_exceptions.csv`` (see data/SOURCES.md)."""
    with (DATA / "rule_exceptions.csv").open(newline="", encoding="utf-8") as handle:
        return tuple(
            engine.RuleException(
                participant=row["participant"],
                instrument=row["instrument"],
                kind=engine.ActionKind(row["kind"]),
                date=date.fromisoformat(row["date"]),
                rule=row["rule"],
                source=row["source_url"],
                note=row["note"],
            )
            for row in csv.DictReader(handle)
        )


def engine_inputs(extra_actions=()):
    instruments = [i.rule_instrument() for i in Instrument.objects.select_related("parent")]
    participants = [
        engine.Participant(code=code, is_reio=kind == "reio", name=name)
        for code, kind, name in Participant.objects.values_list("code", "kind", "name")
    ]
    actions = [
        engine.Action(participant=p, instrument=i, kind=engine.ActionKind(k), date=d)
        for p, i, k, d in TreatyAction.objects.order_by("date", "pk").values_list(
            "participant__code", "instrument__code", "kind", "date"
        )
    ]
    return instruments, participants, actions + list(extra_actions)


def build_engine(extra_actions=()) -> engine.TreatyEngine:
    """A fresh engine over the database (plus ``extra_actions``), whose refusals, notes and
    discrepancies are in the active language."""
    return engine.TreatyEngine(
        *engine_inputs(extra_actions),
        translate=gettext,
        ntranslate=ngettext,
        exceptions=rule_exceptions(),
        today=date.today(),
    )


def get_engine() -> engine.TreatyEngine:
    # Today is part of the version: an action dated tomorrow is refused until tomorrow.
    version, language = (*_data_version(), date.today()), get_language()
    with _lock:
        if _cache["version"] != version:
            _cache["version"], _cache["engines"] = version, {}
        engine = _cache["engines"].get(language)
        if engine is None:
            engine = _cache["engines"][language] = build_engine()
        return engine


def instruments():
    return Instrument.objects.select_related("parent").order_by("order")


def status_rows(instrument: Instrument, on: date, participants, engine=None) -> list[dict]:
    """One row per participant with its status towards ``instrument`` on ``on``.

    Reads plain values (no model instances): the list page, its exports, the API and the CLI
    all build every row, and instances were most of their time (see docs/benchmarks.md).
    """
    engine = engine or get_engine()
    lang = (get_language() or "en").split("-")[0]
    local = f"name_{lang}" if lang in LOCAL_NAMES else "name"
    fields = dict.fromkeys(["code", "name", local, "region__name", "regional_group__name"])
    rows = []
    for p in participants.values(*fields):
        status = engine.status(p["code"], instrument.code, on)
        in_force = engine.entry_into_force_for(p["code"], instrument.code)
        rows.append(
            {
                "code": p["code"],
                "name": p[local] or p["name"],
                "name_en": p["name"],
                "region": gettext(p["region__name"]) if p["region__name"] else "",
                "group": gettext(p["regional_group__name"]) if p["regional_group__name"] else "",
                "status": status.value,
                "in_force_from": in_force if in_force and in_force <= on else None,
            }
        )
    return rows
