"""Reads of treaty data, and the results the rule engine computes from it.

Every result is a pure function of the treaty dataset (actions, instruments, participants:
``module.TREATY_DATA``), so it is cached under the dataset's version (``platform.computed``),
which every write replaces in its own transaction. ``TreatyResults`` is that version read once
for a request: statuses, counts and the timeline are shared by every server process and every
language (no names in them); the engine (its messages are in one language) and its inputs are
kept per process. A page costs one primary-key read for the version however many participants
and actions there are, and builds nothing once another request has.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
from datetime import date
from pathlib import Path

from django.utils.translation import get_language, gettext, ngettext

from palermo.core.models import Participant

from . import engine
from .choices import Status
from .models import Instrument, TreatyAction
from .module import TREATY_DATA

LOCAL_NAMES = {"ar", "zh", "fr", "ru", "es"}
DATA = Path(__file__).resolve().parent / "data"
#: A participant with no accepted action on the instrument.
NO_ACTION = (Status.NONE.value, None)


class TreatyResults:
    """The treaty data's computed results at one version of it (read when created).

    ``today`` is part of every key: an action dated tomorrow is refused until tomorrow, so the
    rules' answers change at midnight without any write.
    """

    def __init__(self, snapshot=None):
        self.data = snapshot or TREATY_DATA.snapshot()
        self.today = date.today()

    def inputs(self) -> tuple:
        """``(instruments, participants, actions)`` as the engine takes them, with each
        instrument's English short title as its name (translated when an engine is built)."""
        return self.data.get(("inputs",), _read_inputs)

    def engine(self) -> engine.TreatyEngine:
        """The rule engine, its messages in the active language; kept in this process only
        (building it from the inputs is cheaper than unpickling it)."""
        language = get_language()
        return self.data.get(
            ("engine", language, self.today),
            lambda: _build(self.inputs(), (), self.today),
            shared=False,
        )

    def statuses(self, instrument: str, on: date) -> dict[str, tuple[str, date | None]]:
        """``{participant code: (status, in force for it from)}`` on ``on`` for every
        participant with an action on ``instrument`` (others: ``NO_ACTION``); the date only
        once the instrument is in force for it on ``on``. Read-only: the dict is shared."""

        def compute():
            rules = self.engine()
            result = {}
            for code, status in rules.statuses(instrument, on).items():
                in_force = rules.entry_into_force_for(code, instrument)
                result[code] = (status.value, in_force if in_force and in_force <= on else None)
            return result

        return self.data.get(("statuses", instrument, on, self.today), compute)

    def status(self, participant: str, instrument: str, on: date) -> str:
        return self.statuses(instrument, on).get(participant, NO_ACTION)[0]

    def counts(self, instrument: str, on: date) -> engine.Counts:
        return self.data.get(
            ("counts", instrument, on, self.today), lambda: self.engine().counts(instrument, on)
        )

    def timeline(self, instrument: str) -> list[tuple[date, engine.Counts]]:
        """Counts on every date on which they change (``TreatyEngine.timeline``). Read-only."""
        return self.data.get(
            ("timeline", instrument, self.today), lambda: self.engine().timeline(instrument)
        )


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


def _read_inputs() -> tuple:
    instruments = tuple(
        i.rule_instrument(name=i.short_title) for i in Instrument.objects.select_related("parent")
    )
    participants = tuple(
        engine.Participant(code=code, is_reio=kind == "reio", name=name)
        for code, kind, name in Participant.objects.values_list("code", "kind", "name")
    )
    actions = tuple(
        engine.Action(participant=p, instrument=i, kind=engine.ActionKind(k), date=d)
        for p, i, k, d in TreatyAction.objects.order_by("date", "pk").values_list(
            "participant__code", "instrument__code", "kind", "date"
        )
    )
    return instruments, participants, actions


def _build(inputs: tuple, extra_actions, today: date) -> engine.TreatyEngine:
    instruments, participants, actions = _named(inputs, extra_actions)
    return engine.TreatyEngine(
        instruments,
        participants,
        actions,
        translate=gettext,
        ntranslate=ngettext,
        exceptions=rule_exceptions(),
        today=today,
    )


def _named(inputs: tuple, extra_actions=()) -> tuple[list, list, list]:
    """Cached inputs as one engine takes them: fresh lists (the cached tuples are shared),
    instrument names in the active language (official translations: instrument_names.py)."""
    instruments, participants, actions = inputs
    named = [dataclasses.replace(i, name=gettext(i.name)) for i in instruments]
    return named, list(participants), [*actions, *extra_actions]


def engine_inputs(extra_actions=()):
    """The engine's inputs from the database (plus ``extra_actions``), instrument names in the
    active language."""
    return _named(TreatyResults().inputs(), extra_actions)


def build_engine(extra_actions=()) -> engine.TreatyEngine:
    """A fresh engine over the database plus ``extra_actions`` (an import checks its new
    actions with it), whose refusals, notes and discrepancies are in the active language."""
    results = TreatyResults()
    return _build(results.inputs(), extra_actions, results.today)


def get_engine() -> engine.TreatyEngine:
    """The engine at the data's current version, in the active language."""
    return TreatyResults().engine()


def instruments():
    return Instrument.objects.select_related("parent").order_by("order")


def status_rows(instrument: Instrument, on: date, participants, results=None) -> list[dict]:
    """One row per participant with its status towards ``instrument`` on ``on``.

    Reads plain values (no model instances): the list page, its exports, the API and the CLI
    all build every row, and instances were most of their time (see docs/benchmarks.md). The
    statuses come from ``results`` (one ``TreatyResults`` per request), names from the rows.
    """
    statuses = (results or TreatyResults()).statuses(instrument.code, on)
    lang = (get_language() or "en").split("-")[0]
    local = f"name_{lang}" if lang in LOCAL_NAMES else "name"
    fields = dict.fromkeys(["code", "name", local, "region__name", "regional_group__name"])
    rows = []
    for p in participants.values(*fields):
        status, in_force = statuses.get(p["code"], NO_ACTION)
        rows.append(
            {
                "code": p["code"],
                "name": p[local] or p["name"],
                "name_en": p["name"],
                "region": gettext(p["region__name"]) if p["region__name"] else "",
                "group": gettext(p["regional_group__name"]) if p["regional_group__name"] else "",
                "status": status,
                "in_force_from": in_force,
            }
        )
    return rows
