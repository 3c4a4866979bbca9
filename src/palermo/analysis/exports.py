"""Exports of an investigation: FollowTheMoney entity JSON lines and a CSV of statements.

``ftm-jsonl`` is the format Aleph, OpenSanctions and the ``ftm`` tools read: one JSON object a
line, ``{"id", "schema", "properties": {prop: [values]}}``, the union of each entity's
statements. ``csv`` is the evidence itself: one row a statement, with its value as cleaned,
as written in the source, and its source (import, file, row, column). Both go through the
policy (members only) and are logged in the read audit as exports.
"""

import csv
import json

from palermo.platform.audit import record_reads, surface
from palermo.platform.choices import Surface
from palermo.platform.policies import require, restrict
from palermo.platform.tables import neutralise

from .models import Entity, Investigation, Statement

FORMATS = ("ftm-jsonl", "csv")
STATEMENT_COLUMNS = (
    "entity_id",
    "schema",
    "property",
    "value",
    "original_value",
    "import",
    "file",
    "row",
    "column",
    "recorded",
)


def _entities(investigation: Investigation, user):
    require(user, "view", investigation)
    rows = restrict(Entity.objects.filter(investigation=investigation), user)
    return rows.order_by("pk")


def write_ftm(investigation: Investigation, user, out) -> int:
    """Write the investigation's entities as FollowTheMoney JSON lines; returns how many."""
    entities = list(_entities(investigation, user))
    with surface(Surface.EXPORT):
        record_reads(user, [investigation])
        record_reads(user, entities, model=Entity)
    for entity in entities:
        out.write(json.dumps(entity.to_ftm().to_dict(), ensure_ascii=False, sort_keys=True))
        out.write("\n")
    return len(entities)


def write_csv(investigation: Investigation, user, out) -> int:
    """Write every statement of the investigation with its source; returns how many rows."""
    _entities(investigation, user)
    statements = list(
        restrict(Statement.objects.filter(investigation=investigation), user)
        .select_related("entity")
        .order_by("entity_id", "prop", "pk")
    )
    with surface(Surface.EXPORT):
        record_reads(user, [investigation])
        record_reads(user, statements, model=Statement)
    writer = csv.writer(out)
    writer.writerow(STATEMENT_COLUMNS)
    for s in statements:
        writer.writerow(
            [
                s.entity.ftm_id,
                s.entity.schema,
                s.prop,
                neutralise(s.value),
                neutralise(s.original_value),
                str(s.import_run_id or ""),
                neutralise(s.source_file),
                "" if s.source_row is None else s.source_row,
                neutralise(s.source_column),
                s.created.isoformat(),
            ]
        )
    return len(statements)


def write(investigation: Investigation, user, out, fmt: str) -> int:
    if fmt == "ftm-jsonl":
        return write_ftm(investigation, user, out)
    if fmt == "csv":
        return write_csv(investigation, user, out)
    raise ValueError(f"unknown format {fmt!r} (formats: {', '.join(FORMATS)})")
