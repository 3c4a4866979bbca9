"""The ``library`` importer: records in the Library format, all or nothing.

Formats:

- JSON lines (``.jsonl``, ``.ndjson``): one record object a line (what the bulk export
  writes); an error names its line.
- JSON (``.json``): an array of record objects (or one object); an error names the object's
  position (1, 2, …).
- CSV (``.csv``): one row per record with the format's keys as columns — lists and nested
  parts as JSON text (what the CSV export writes), simple lists also as ``a; b`` — and, for
  legislation, one row per provision: the law's columns on its first row (repeated or left
  empty on the next ones) and ``provision_number``, ``provision_heading``, ``provision_text``,
  ``provision_text_en``, ``provision_articles`` (``UNTOC 5(1)(a); TIP 3``),
  ``provision_crime_types``, ``provision_issues``. An error names the row and the column.

Each record is checked by the format's reader and the models' rules; then every record is
written (laws first, so a case can cite a provision of a law in the same file) by
``services.write_parsed``, which checks the importing person's rights on each record's State.
Any error anywhere: nothing is written, and the report lists them. The import is one audit
entry (the platform's); each record created or changed points to it and to its row.
"""

from __future__ import annotations

import json

import rules
from auditlog.context import disable_auditlog
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palermo.core.choices import Role
from palermo.core.permissions import predicate
from palermo.platform.imports import Importer, ImportReport, ImportSource, register_importer
from palermo.platform.policies import has_role, secretariat
from palermo.platform.readers import Row
from palermo.platform.tables import FORMULA_STARTS

from . import serializers, services
from .choices import RecordKind
from .models import Case, Law, Publication, Strategy

rules.add_perm(
    "library.import_records",
    predicate(secretariat | has_role(Role.FOCAL_POINT, Role.EXPERT), "library_import_records"),
)

LIST_KEYS = {"crime_types", "issues", "states", "keywords", "authors"}
PROVISION_COLUMNS = {
    "provision_number": "number",
    "provision_heading": "heading",
    "provision_text": "text",
    "provision_text_en": "text_en",
    "provision_articles": "articles",
    "provision_crime_types": "crime_types",
    "provision_issues": "issues",
}


def _unquote(text: str) -> str:
    """Undo the export's formula quoting (``'=…`` → ``=…``)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


class _Record:
    """A record being gathered from the file: its object and where each part came from."""

    def __init__(self, row: int, data: dict):
        self.row = row
        self.data = data
        #: CSV: the row of each provision, in order.
        self.provision_rows: list[int] = []
        self.csv = False

    def locate(self, key: str) -> tuple[int, str]:
        """The row and the field (a CSV column, or the key path) of an error at ``key``."""
        if self.csv and key.startswith("provisions[") and self.provision_rows:
            index, _sep, rest = key[len("provisions[") :].partition("]")
            try:
                row = self.provision_rows[int(index)]
            except (ValueError, IndexError):
                return self.row, key
            name = rest.lstrip(".").split("[")[0].split(".")[0]
            return row, f"provision_{name}" if name else "provision_number"
        if self.csv:
            return self.row, key.split("[")[0].split(".")[0]
        return self.row, key


@register_importer
class LibraryImporter(Importer):
    name = "library"
    label = gettext_lazy("Library records (legislation, cases, bibliography, strategies)")
    help = gettext_lazy(
        "Records in the Library format (JSON lines, a JSON array, or CSV with one row per "
        "record or per provision); see docs/user/library.md."
    )
    permission = "library.import_records"
    formats = ("csv", "json", "jsonl", "ndjson")
    models = (Law, Case, Publication, Strategy)

    # Reading ------------------------------------------------------------------------------

    def parse(self, source: ImportSource, report: ImportReport):
        suffix = source.suffix
        if suffix in ("jsonl", "ndjson"):
            return list(self._json_lines(source, report))
        if suffix == "json":
            return list(self._json(source, report))
        if suffix == "csv":
            return list(self._csv(source, report))
        report.error(
            None,
            None,
            _("“%(suffix)s” files cannot be imported here; use .jsonl, .json or .csv")
            % {"suffix": suffix or source.name},
            "format",
        )
        return []

    def _text(self, source: ImportSource, report: ImportReport) -> str | None:
        try:
            return source.path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            report.error(
                None,
                None,
                _("the file is not UTF-8 text (byte %(at)s): save it as UTF-8") % {"at": exc.start},
                "encoding",
            )
            return None

    def _json_lines(self, source, report):
        text = self._text(source, report)
        report.detected = {"format": "jsonl"}
        if text is None:
            return
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                report.error(number, None, _("not valid JSON: %(err)s") % {"err": exc.msg}, "json")
                continue
            yield Row(number, data)

    def _json(self, source, report):
        text = self._text(source, report)
        report.detected = {"format": "json"}
        if text is None:
            return
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            report.error(
                exc.lineno,
                None,
                _("not valid JSON (line %(line)s, column %(col)s): %(err)s")
                % {"line": exc.lineno, "col": exc.colno, "err": exc.msg},
                "json",
            )
            return
        items = data if isinstance(data, list) else [data]
        for position, item in enumerate(items, start=1):
            yield Row(position, item)

    def _csv(self, source, report):
        rows = self.read(source, report)
        for row in rows:
            yield Row(row.number, {"__csv__": True, **row.values}, row.sheet)

    # Checking -----------------------------------------------------------------------------

    def validate(self, rows, report: ImportReport, progress):
        gathered: dict[tuple, _Record] = {}
        order: list[_Record] = []
        for row in rows:
            if isinstance(row.values, dict) and row.values.get("__csv__"):
                record = self._csv_row(row, report, gathered)
                if record is not None:
                    order.append(record)
            else:
                order.append(_Record(row.number, row.values))
        if not order and not report.error_total:
            report.error(None, None, _("the file has no records"), "empty")
        lookups = serializers.Lookups()
        items, seen = [], {}
        for record in order:
            parsed = serializers.parse_record(record.data, lookups, row=record.row)
            for key, message in parsed.errors:
                row, field = record.locate(key)
                report.error(row, field, message)
            if not parsed.ok:
                continue
            where = seen.get(parsed.key)
            if where is not None:
                report.error(
                    record.row,
                    "number",
                    _("the record %(key)s is already in this file (row %(row)s)")
                    % {"key": "/".join(parsed.key), "row": where},
                    "duplicate",
                )
                continue
            seen[parsed.key] = record.row
            items.append((record, parsed))
        return items

    def _csv_row(self, row: Row, report, gathered) -> _Record | None:
        """One CSV row into its record's object; ``None`` when it continues a law."""
        values = {
            k: _unquote(v) if isinstance(v, str) else v
            for k, v in row.values.items()
            if k != "__csv__" and v not in (None, "")
        }
        provision = {}
        for column, key in PROVISION_COLUMNS.items():
            if column in values:
                value = values.pop(column)
                provision[key] = (
                    _split(value) if key in ("articles", "crime_types", "issues") else value
                )
        data = {}
        for key, value in values.items():
            if isinstance(value, str) and value[:1] in ("[", "{"):
                try:
                    data[key] = json.loads(value)
                    continue
                except json.JSONDecodeError as exc:
                    report.error(row.number, key, _("not valid JSON: %(err)s") % {"err": exc.msg})
                    continue
            data[key] = _split(value) if key in LIST_KEYS and isinstance(value, str) else value
        data.setdefault("kind", RecordKind.LEGISLATION if provision else "")
        key = (
            str(data.get("kind")),
            str(data.get("state", "")).upper(),
            str(data.get("number", "")),
        )
        record = gathered.get(key)
        fresh = record is None
        if fresh:
            record = _Record(row.number, data)
            record.csv = True
            gathered[key] = record
        else:
            for name, value in data.items():
                if name in ("kind", "state", "number"):
                    continue
                if record.data.get(name, value) != value:
                    report.error(
                        row.number,
                        name,
                        _(
                            "differs from the law's first row (row %(row)s); leave it empty on "
                            "the provision's rows"
                        )
                        % {"row": record.row},
                    )
                record.data.setdefault(name, value)
        if provision:
            if key[0] != RecordKind.LEGISLATION:
                report.error(
                    row.number,
                    "provision_number",
                    _("only legislation has provisions (this row's kind is “%(kind)s”)")
                    % {"kind": key[0]},
                )
            else:
                record.data.setdefault("provisions", []).append(provision)
                record.provision_rows.append(row.number)
        return record if fresh else None

    # Writing ------------------------------------------------------------------------------

    def write(self, items, report: ImportReport, *, acting_user, progress) -> None:
        if report.error_total:
            return
        laws_first = sorted(items, key=lambda item: item[1].kind != RecordKind.LEGISLATION)
        run = report.run if report.run is not None and report.run.pk else None
        with disable_auditlog():
            results = services.write_parsed_many(
                laws_first,
                acting_user=acting_user,
                stamp=lambda record: {"import_run": run, "source_row": record.row},
            )
        for record, outcome, saved in sorted(results, key=lambda r: r[0].row):
            if outcome == "refused":
                for key, message in saved.errors:
                    row, field = record.locate(key)
                    report.error(row, field, message)
            elif outcome == "denied":
                report.error(
                    record.row,
                    "state",
                    _("%(reason)s You may import records of your own State only.")
                    % {"reason": saved},
                    "permission",
                )
            elif outcome == "created":
                report.created += 1
            elif outcome == "updated":
                report.updated += 1
            else:
                report.unchanged += 1
