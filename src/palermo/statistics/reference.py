"""Loads the reference data shipped in ``data/`` (see SOURCES.md): the ICCS with its index,
population denominators, and both homicide series (criminal justice from UNODC, public
health from WHO), then chooses the published homicide values and computes the aggregates.

Safe to repeat and fast: rows are matched on their natural key, missing ones are created with
``bulk_create`` and changed ones updated with ``bulk_update``; a second run leaves them as
they are (the choices and aggregates, derived, are recomputed to the same values).
Rows for codes that are not a Palermo participant (World Bank aggregates such as WLD, Kosovo's
XKX) are skipped and counted in the notes.
"""

import csv
from pathlib import Path

from django.db import transaction

from palermo.core.choices import ParticipantKind
from palermo.core.models import Participant

from .choices import AGE_TOTAL, Citizenship, IndicatorKind, Sex, SourceKind, Unit
from .models import IccsCode, IccsIndexTerm, Indicator, Observation, Population, Source

DATA = Path(__file__).resolve().parent / "data"
HOMICIDE = "homicide"
POPULATION_SOURCE = "wb-population"
POPULATION_CITATION = "World Bank WDI SP.POP.TOTL (population, total), 2022 release; CC BY 4.0"

#: The two series of ``homicide.csv``, known by how their citation begins.
SERIES = {
    "UNODC": {
        "code": "unodc-homicide",
        "name": "UNODC homicide statistics (criminal justice)",
        "kind": SourceKind.CRIMINAL_JUSTICE,
        "licence": "CC BY 4.0",
    },
    "WHO": {
        "code": "who-homicide",
        "name": "WHO Global Health Estimates (public health)",
        "kind": SourceKind.PUBLIC_HEALTH,
        "licence": "CC BY-NC-SA 3.0 IGO",
    },
}


def _rows(name):
    with open(DATA / name, newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


def _sync(model, key_fields: tuple, rows: list[dict]) -> tuple[int, int]:
    """Create the rows whose key is missing, update those whose other fields differ."""
    fields = [f for f in rows[0] if f not in key_fields] if rows else []
    existing = {
        tuple(values[: len(key_fields)]): values
        for values in model.objects.values_list(*key_fields, *fields, "pk")
    }
    create, update = [], []
    for row in rows:
        key = tuple(row[f] for f in key_fields)
        found = existing.get(key)
        if found is None:
            create.append(model(**row))
            continue
        current = dict(zip(fields, found[len(key_fields) : -1], strict=True))
        if any(current[f] != row[f] for f in fields):
            update.append(model(pk=found[-1], **row))
    model.objects.bulk_create(create, batch_size=2000)
    if update and fields:
        model.objects.bulk_update(update, fields, batch_size=2000)
    return len(create), len(update)


def load_iccs() -> dict:
    """The four levels of the ICCS, their definitions, Spanish labels and the index."""
    definitions = {row["code"]: row for row in _rows("iccs_definitions.csv")}
    spanish = {row["code"]: row["label_es"] for row in _rows("iccs_labels_es.csv")}
    codes = []
    for row in _rows("iccs.csv"):
        text = definitions.get(row["code"], {})
        codes.append(
            {
                "code": row["code"],
                "label": row["label"],
                "label_es": spanish.get(row["code"], ""),
                "level": int(row["level"]),
                "parent_id": row["parent"] or None,
                "description": text.get("description", ""),
                "inclusions": text.get("inclusions", ""),
                "exclusions": text.get("exclusions", ""),
                "notes": text.get("notes", ""),
            }
        )
    codes.sort(key=lambda c: (c["level"], c["code"]))  # parents first
    _sync(IccsCode, ("code",), codes)
    known = {c["code"] for c in codes}
    terms = [
        {
            "term": row["term"],
            "code": row["iccs_code"],
            "category_id": row["iccs_code"] if row["iccs_code"] in known else None,
        }
        for row in _rows("iccs_alphabetical_index.csv")
    ]
    _sync(IccsIndexTerm, ("term", "code"), terms)
    dangling = sorted({t["code"] for t in terms if t["category_id"] is None})
    return {"codes": len(codes), "terms": len(terms), "dangling": dangling}


def homicide_indicator() -> Indicator:
    indicator, _created = Indicator.objects.update_or_create(
        code=HOMICIDE,
        defaults={
            "name": "Victims of intentional homicide",
            "kind": IndicatorKind.HOMICIDE,
            "iccs": IccsCode.objects.filter(code="0101").first(),
        },
    )
    return indicator


def _series_source(citation: str) -> Source:
    for prefix, spec in SERIES.items():
        if citation.startswith(prefix):
            source = Source.objects.filter(citation=citation).first()
            if source is None:
                code = spec["code"]
                if Source.objects.filter(code=code).exists():  # another wording of the source
                    code = f"{code}-{Source.objects.filter(code__startswith=code).count() + 1}"
                source = Source.objects.create(
                    code=code,
                    name=spec["name"],
                    kind=spec["kind"],
                    citation=citation,
                    licence=spec["licence"],
                )
            return source
    raise ValueError(f"homicide.csv: unknown source {citation!r}")


def load_population(participants: dict[str, int]) -> tuple[int, int]:
    source, _created = Source.objects.update_or_create(
        code=POPULATION_SOURCE,
        defaults={
            "name": "World Bank population",
            "kind": SourceKind.OTHER,
            "citation": POPULATION_CITATION,
            "licence": "CC BY 4.0",
        },
    )
    rows, skipped = [], 0
    for row in _rows("population_wb.csv"):
        pk = participants.get(row["iso3"])
        if pk is None or not row["population"]:
            skipped += 1
            continue
        rows.append(
            {
                "participant_id": pk,
                "year": int(row["year"]),
                "population": int(float(row["population"])),
                "source_id": source.pk,
            }
        )
    _sync(Population, ("participant_id", "year"), rows)
    return len(rows), skipped


def load_homicide(participants: dict[str, int]) -> tuple[int, int]:
    """Both series: UNODC's rates as published (it gives no counts), WHO's counts (its rates
    are recomputed from population, as every other rate)."""
    indicator = homicide_indicator()
    sources: dict[str, Source] = {}
    rows, skipped = [], 0
    for row in _rows("homicide.csv"):
        pk = participants.get(row["iso3"])
        if pk is None:
            skipped += 1
            continue
        citation = row["source"]
        if citation not in sources:
            sources[citation] = _series_source(citation)
        source = sources[citation]
        if row["count"]:
            value, unit = float(row["count"]), Unit.COUNT
        else:
            value, unit = float(row["rate_per_100k"]), Unit.RATE
        rows.append(
            {
                "participant_id": pk,
                "year": int(row["year"]),
                "indicator_id": indicator.pk,
                "iccs_id": indicator.iccs_id,
                "sex": Sex.TOTAL,
                "age": AGE_TOTAL,
                "citizenship": Citizenship.TOTAL,
                "source_id": source.pk,
                "value": value,
                "unit": unit,
            }
        )
    _sync(
        Observation,
        (
            "participant_id",
            "year",
            "indicator_id",
            "iccs_id",
            "sex",
            "age",
            "citizenship",
            "source_id",
        ),
        rows,
    )
    return len(rows), skipped


@transaction.atomic
def load_all(progress=None) -> tuple[str, list[str]]:
    from . import services

    if progress:
        progress.note("Loading the ICCS, population and homicide data")
    # States only: the European Union (a participant, EUU) has World Bank figures too, which
    # would count its people twice in the aggregates.
    participants = dict(
        Participant.objects.filter(kind=ParticipantKind.STATE).values_list("code", "pk")
    )
    iccs = load_iccs()
    population, pop_skipped = load_population(participants)
    homicide, hom_skipped = load_homicide(participants)
    choices = services.recompute_choices()
    aggregates = services.recompute_aggregates(progress=progress)
    summary = (
        f"ICCS: {iccs['codes']} codes, {iccs['terms']} index terms; {population} population "
        f"figures; {homicide} homicide observations; {choices} homicide values chosen; "
        f"{aggregates} aggregates"
    )
    notes = []
    if iccs["dangling"]:
        notes.append(
            f"{len(iccs['dangling'])} ICCS codes named by the index do not exist: "
            + ", ".join(iccs["dangling"])
        )
    if pop_skipped or hom_skipped:
        notes.append(
            f"Skipped rows whose code is not a State participant (World Bank aggregates, EUU, XKX): "
            f"{pop_skipped} population, {hom_skipped} homicide"
        )
    return summary, notes
