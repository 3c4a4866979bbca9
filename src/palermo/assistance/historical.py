"""The 2010 working paper's facts (``ta_2010.json``), loaded as historical data.

The file is in the shared data folder (``assistance/ta_2010.json``, see its README). Every
record keeps the paper as its source and the paragraph it comes from. Loading is idempotent:
programmes and activities are matched by their id (their ``code``), proposals by code, stated
figures by paragraph and what they count; loading twice changes nothing.

A country code with no State in Palermo, a partner name that is new, a crime type with no
Library entry: each is a note of the load, never a failure.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from palermo.core.models import Participant
from palermo.platform.audit import as_system

from .choices import DatePrecision, Origin, ProgrammeKind, WorkStatus
from .models import (
    Activity,
    AssistanceType,
    Organisation,
    PriorityActivity,
    PriorityArea,
    Programme,
    Proposal,
    StatedFigure,
)
from .reference import crime_type_map

SOURCE = (
    "Secretariat working paper on technical assistance, Conference of the Parties to UNTOC, "
    "fifth session (16 July 2010)"
)
YEAR = 2010
DATA = Path(__file__).resolve().parent / "data"


def data_path() -> Path:
    """``ASSISTANCE_TA_2010`` if set, else the copy shipped with the module (``data/``, taken
    from ``../shared/data/assistance``; see ``data/TA_2010_README.md``)."""
    configured = getattr(settings, "ASSISTANCE_TA_2010", None)
    return Path(configured) if configured else DATA / "ta_2010.json"


def partial_date(text: str | None, *, end: bool = False) -> tuple[date | None, str | None]:
    """ "2008" / "2010-02" / "2010-02-03" → (a date, its precision). A year or month that ends
    a period is its last day."""
    if not text:
        return None, None
    parts = [int(p) for p in str(text).split("-")]
    if len(parts) == 1:
        return (date(parts[0], 12, 31) if end else date(parts[0], 1, 1)), DatePrecision.YEAR
    if len(parts) == 2:
        year, month = parts
        if end:
            following = date(year + (month == 12), month % 12 + 1, 1)
            return date.fromordinal(following.toordinal() - 1), DatePrecision.MONTH
        return date(year, month, 1), DatePrecision.MONTH
    return date(*parts[:3]), DatePrecision.DAY


_COARSE = [DatePrecision.YEAR, DatePrecision.MONTH, DatePrecision.DAY]


def _coarsest(*precisions) -> str:
    given = [p for p in precisions if p]
    if not given:
        return DatePrecision.YEAR
    return min(given, key=_COARSE.index)


def _status(value) -> str:
    return value if value in WorkStatus.values else WorkStatus.UNKNOWN


class _Loader:
    def __init__(self, notes: list):
        self.notes = notes
        self.states = {p.code: p for p in Participant.objects.all()}
        self.areas = {a.code: a for a in PriorityArea.objects.all()}
        self.priority_activities = {a.code: a for a in PriorityActivity.objects.all()}
        self.types = {}
        for t in AssistanceType.objects.all():
            for alias in [t.code, *(t.aliases or [])]:
                self.types[alias] = t
        self.organisations = {}
        self.crime_map = crime_type_map()
        from palermo.library.models import CrimeType

        self.crime_types = {c.code: c for c in CrimeType.objects.all()}
        self.missing = set()

    def participants(self, codes, where):
        found = []
        for code in codes or []:
            participant = self.states.get(code)
            if participant is None:
                if (code, where) not in self.missing:
                    self.missing.add((code, where))
                    self.notes.append(
                        f"ta_2010.json {where}: no State with the code {code}; left out"
                    )
                continue
            found.append(participant)
        return found

    def organisation(self, name):
        if name not in self.organisations:
            org, created = Organisation.objects.get_or_create(
                name=name[:300], defaults={"source": SOURCE}
            )
            self.organisations[name] = org
        return self.organisations[name]

    def pick(self, table, codes, what, where):
        found = []
        for code in codes or []:
            if code in table:
                found.append(table[code])
            else:
                self.notes.append(f"ta_2010.json {where}: unknown {what} {code!r}; left out")
        return found


def _save(model, lookup: dict, values: dict):
    """Create or update (only when a value differs); returns (object, changed)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        return obj, True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
    return obj, bool(changed)


def _set(manager, objects) -> None:
    wanted = {o.pk for o in objects}
    if set(manager.values_list("pk", flat=True)) != wanted:
        manager.set(objects)


@as_system
def load_2010(progress=None) -> tuple[str, list[str]]:
    path = data_path()
    notes: list[str] = []
    if not path.exists():
        return "not found", [f"{path} is missing: the 2010 working paper's facts were not loaded"]
    data = json.loads(path.read_text(encoding="utf-8"))
    with transaction.atomic():
        loader = _Loader(notes)
        counts = {
            "proposals": _proposals(data.get("proposals", []), loader),
            "programmes": 0,
            "activities": 0,
            "figures": _figures(data.get("figures", []), loader),
        }
        programmes = {}
        for item in data.get("programmes", []):
            programmes[item["id"]] = _programme(item, loader)
            counts["programmes"] += 1
        if progress is not None and hasattr(progress, "advance"):
            progress.advance(0)
        for item in data.get("activities", []):
            _activity(item, loader, programmes)
            counts["activities"] += 1
    summary = (
        f"{counts['programmes']} programmes, {counts['activities']} activities, "
        f"{counts['proposals']} proposals, {counts['figures']} stated figures"
    )
    return summary, notes


def _proposals(items, loader) -> int:
    for item in items:
        proposal, _changed = _save(
            Proposal,
            {"code": item["code"]},
            {
                "summary": item["summary"],
                "status": _status(item.get("status") or WorkStatus.PROPOSED),
                "year": YEAR,
                "source": SOURCE,
                "paragraph": item.get("paragraph"),
            },
        )
        _set(
            proposal.priority_areas,
            loader.pick(loader.areas, item.get("priority_areas"), "priority area", item["code"]),
        )
    return len(items)


def _figures(items, loader) -> int:
    for item in items:
        _save(
            StatedFigure,
            {"paragraph": item.get("paragraph"), "what": item["what"], "year": YEAR},
            {"value": Decimal(str(item["value"])), "unit": item["unit"], "source": SOURCE},
        )
    return len(items)


def _programme(item, loader) -> Programme:
    where = f"programme {item['id']}"
    kind = item.get("kind") if item.get("kind") in ProgrammeKind.values else ProgrammeKind.THEMATIC
    budget = item.get("budget_usd")
    programme, _changed = _save(
        Programme,
        {"code": item["id"]},
        {
            "title": item["name"][:400],
            "kind": kind,
            "regions": list(item.get("regions") or []),
            "period": (item.get("period") or "")[:40],
            "budget_usd": Decimal(str(budget)) if budget is not None else None,
            "budget_note": (item.get("budget_note") or "")[:300],
            "status": _status(item.get("status")),
            "published": True,
            "source": SOURCE,
            "paragraph": item.get("paragraph"),
            "date_precision": DatePrecision.YEAR,
        },
    )
    _set(programme.beneficiaries, loader.participants(item.get("countries"), where))
    _set(programme.partners, [loader.organisation(n) for n in item.get("partners") or []])
    _set(
        programme.priority_areas,
        loader.pick(loader.areas, item.get("priority_areas"), "priority area", where),
    )
    return programme


def _activity(item, loader, programmes) -> Activity:
    where = f"activity {item['id']}"
    start, start_precision = partial_date(item.get("start"))
    end, end_precision = partial_date(item.get("end"), end=True)
    type_ = loader.types.get(item.get("type") or "")
    if item.get("type") and type_ is None:
        loader.notes.append(f"ta_2010.json {where}: unknown type {item['type']!r}; left empty")
    crime_types, labels = [], []
    for label in item.get("crime_types") or []:
        code = loader.crime_map.get(label, "")
        crime_type = loader.crime_types.get(code) if code else None
        if crime_type is None:
            labels.append(label)
        elif crime_type not in crime_types:
            crime_types.append(crime_type)
    activity, _changed = _save(
        Activity,
        {"code": item["id"]},
        {
            "origin": Origin.HISTORICAL,
            "programme": programmes.get(item.get("programme")),
            "type": type_,
            "title": item["title"][:400],
            "regions": list(item.get("regions") or []),
            "start": start,
            "end": end,
            "date_precision": _coarsest(start_precision, end_precision),
            "crime_labels": labels,
            "outputs": dict(item.get("outputs") or {}),
            "status": _status(item.get("status")),
            "published": True,
            "source": SOURCE,
            "paragraph": item.get("paragraph"),
        },
    )
    _set(activity.beneficiaries, loader.participants(item.get("countries"), where))
    _set(activity.partners, [loader.organisation(n) for n in item.get("partners") or []])
    _set(
        activity.priority_areas,
        loader.pick(loader.areas, item.get("priority_areas"), "priority area", where),
    )
    _set(
        activity.priority_activities,
        loader.pick(
            loader.priority_activities,
            item.get("priority_activities"),
            "priority activity",
            where,
        ),
    )
    _set(activity.crime_types, crime_types)
    return activity
