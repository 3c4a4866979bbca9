"""The bulk export of Library records: JSON lines (the record format, one object a line) and
CSV (one row per record; nested parts and lists as JSON text in their column).

Both stream: records are read a page at a time with everything the format needs prefetched,
so memory and queries per record stay bounded whatever the number of records. Who exports sees
what the policy lets them see (``queries.records``); the API's export and ``palermo library
export`` without ``--as`` give published records only. CSV cells that a spreadsheet would run
as a formula are quoted (``'=…``), as every Palermo export does; the importer removes the quote.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from palermo.platform.audit import record_reads, surface
from palermo.platform.choices import Surface
from palermo.platform.tables import neutralise

from . import queries, serializers
from .choices import RecordKind, RecordStatus

CHUNK = 200

#: The CSV's columns: every key of every kind, in the format's order.
CSV_COLUMNS = list(
    dict.fromkeys(key for kind in RecordKind.values for key in serializers.keys_of(kind))
)


def export_records(user, *, kind: str | None = None, filters: dict | None = None) -> Iterator[dict]:
    """Every record ``user`` may see (of ``kind``, narrowed by ``filters`` as the API's list),
    serialized, kind by kind. ``filters["status"]`` defaults to published; ``"all"`` keeps every
    status the user may see."""
    filters = dict(filters or {})
    status = filters.pop("status", None) or RecordStatus.PUBLISHED
    if status != "all":
        filters["status"] = status
    kinds = [kind] if kind else list(RecordKind.values)
    for name in kinds:
        qs = queries.filter_records(queries.records(user, name), name, filters)
        qs = serializers.for_serializing(qs).order_by("participant__code", "number", "pk")
        last = None
        while True:
            page = qs.filter(pk__gt=last).order_by("pk") if last is not None else qs.order_by("pk")
            rows = list(page[:CHUNK])
            if not rows:
                break
            with surface(Surface.EXPORT):
                record_reads(user, rows, model=qs.model)
            for record in rows:
                yield serializers.serialize_record(record)
            last = rows[-1].pk


def jsonl_lines(records: Iterable[dict]) -> Iterator[str]:
    for data in records:
        yield json.dumps(data, ensure_ascii=False, default=str) + "\n"


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str) if value else ""
    return neutralise(str(value))


def csv_lines(records: Iterable[dict]) -> Iterator[str]:
    """The CSV export, a line (or a record's lines) at a time; the header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_COLUMNS)
    yield flush()
    for data in records:
        writer.writerow([csv_cell(data.get(column)) for column in CSV_COLUMNS])
        yield flush()


def write(records: Iterable[dict], fmt: str, out) -> int:
    """Write ``records`` as ``fmt`` (jsonl or csv) to a text stream; returns how many."""
    count = 0

    def counted():
        nonlocal count
        for data in records:
            count += 1
            yield data

    lines = jsonl_lines(counted()) if fmt == "jsonl" else csv_lines(counted())
    for line in lines:
        out.write(line)
    return count
