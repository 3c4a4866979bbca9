"""The import framework: a file (CSV, XLSX or JSON) becomes validated rows, then one transaction.

Each module registers an ``Importer``. ``run_import`` parses the whole file, validates every row
and collects every error (file, row, field, message) before writing anything; only a file with no
error is written, in a single transaction, so an import is all-or-nothing. Pages, API and CLI all
call ``run_import`` (the web through a background job), so they report the same errors.
"""

import csv
import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .audit import audited
from .jobs import Progress, job_handler
from .policies import require_perm


@dataclass(frozen=True)
class RowError:
    """One problem in an input file, located as precisely as the format allows."""

    file: str
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(_("row %(row)s") % {"row": self.row})
        if self.field:
            where.append(_("field “%(field)s”") % {"field": self.field})
        return f"{', '.join(where)}: {self.message}"


@dataclass
class Row:
    number: int
    values: dict


@dataclass
class ImportReport:
    importer: str
    file: str
    dry_run: bool = False
    options: dict = field(default_factory=dict)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, row: int | None, field_name: str | None, message: str) -> None:
        self.errors.append(RowError(self.file, row, field_name, str(message)))

    def warn(self, row: int | None, field_name: str | None, message: str) -> None:
        self.warnings.append(RowError(self.file, row, field_name, str(message)))

    @property
    def message(self) -> str:
        values = {
            "file": self.file,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "n": len(self.errors),
        }
        if self.errors:
            return (
                ngettext(
                    "%(file)s: %(n)s error; nothing was imported.",
                    "%(file)s: %(n)s errors; nothing was imported.",
                    len(self.errors),
                )
                % values
            )
        if self.dry_run:
            return (
                _(
                    "%(file)s checked, nothing written: %(rows)s rows read; %(created)s records "
                    "would be created, %(updated)s updated, %(unchanged)s already present."
                )
                % values
            )
        return (
            _(
                "%(file)s: %(rows)s rows read; %(created)s records created, %(updated)s "
                "updated, %(unchanged)s already present."
            )
            % values
        )

    def as_dict(self) -> dict:
        data = asdict(self)
        data["ok"] = self.ok
        data["message"] = self.message
        return data


class Importer:
    """Base for one kind of import. Subclasses set ``name``/``label`` and implement
    ``validate`` (rows to items, reporting errors) and ``write`` (items to the database)."""

    name = ""
    label = ""
    permission = "core.import_data"
    formats = ("csv", "xlsx", "json")
    required_columns: tuple[str, ...] = ()
    #: The options ``add_arguments`` declares, passed to the importer in ``report.options``.
    option_names: tuple[str, ...] = ()

    def add_arguments(self, parser) -> None:
        """Command-line options of this importer for ``palermo import NAME FILE …``."""

    def parse(self, filename: str, content: bytes, report: ImportReport) -> list[Row]:
        rows = read_table(filename, content, report)
        if rows and self.required_columns:
            present = set().union(*(r.values.keys() for r in rows))
            for column in self.required_columns:
                if column not in present:
                    report.error(1, column, _("the required column is missing"))
        return rows

    def validate(self, rows: list[Row], report: ImportReport, progress: Progress) -> list:
        raise NotImplementedError

    def write(self, items: list, report: ImportReport, *, acting_user, progress: Progress) -> None:
        raise NotImplementedError


IMPORTERS: dict[str, Importer] = {}


def register_importer(cls):
    IMPORTERS[cls.name] = cls()
    return cls


class ImportAbort(Exception):
    """Raised inside ``write`` to undo the whole import with errors already in the report."""


def read_table(filename: str, content: bytes, report: ImportReport) -> list[Row]:
    """Rows of a CSV, XLSX or JSON file as dicts; row 1 is the header, as a spreadsheet shows."""
    suffix = PurePath(filename).suffix.lower().lstrip(".")
    if suffix == "csv":
        text = _decode(content, report)
        if text is None:
            return []
        reader = csv.DictReader(io.StringIO(text))
        rows = []
        for record in reader:
            if None in record:
                report.error(reader.line_num, None, _("this row has more cells than the header"))
                record.pop(None)
            values = {k.strip(): (v or "").strip() for k, v in record.items() if k}
            if any(values.values()):
                rows.append(Row(reader.line_num, values))
        return rows
    if suffix == "xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged file
            report.error(None, None, _("not a readable XLSX workbook (%(err)s)") % {"err": exc})
            return []
        sheet = workbook.worksheets[0]
        rows, header = [], None
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if header is None:
                header = [str(c).strip() if c is not None else "" for c in cells]
                continue
            values = {h: _cell(c) for h, c in zip(header, cells, strict=False) if h}
            if any(values.values()):
                rows.append(Row(number, values))
        return rows
    if suffix == "json":
        text = _decode(content, report)
        if text is None:
            return []
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            report.error(exc.lineno, None, _("not valid JSON: %(msg)s") % {"msg": exc.msg})
            return []
        if isinstance(data, dict) and isinstance(data.get("rows"), list):
            data = data["rows"]
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            report.error(None, None, _("JSON must be a list of objects (one per row)"))
            return []
        return [
            Row(i, {str(k): _cell(v) for k, v in item.items()}) for i, item in enumerate(data, 1)
        ]
    report.error(
        None,
        None,
        _("unsupported file type “.%(suffix)s”: use CSV, XLSX or JSON") % {"suffix": suffix},
    )
    return []


def _cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and callable(value.date):
        return value.date().isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def _decode(content: bytes, report: ImportReport) -> str | None:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        report.error(
            None,
            None,
            _("the file is not UTF-8 text (byte %(pos)s); save it as UTF-8") % {"pos": exc.start},
        )
        return None


def run_import(
    importer_name: str,
    filename: str,
    content: bytes,
    *,
    acting_user,
    dry_run: bool = False,
    progress: Progress | None = None,
    options: dict | None = None,
) -> ImportReport:
    """Parse, validate and write one file; nothing is written unless every row is valid."""
    importer = IMPORTERS[importer_name]
    require_perm(acting_user, importer.permission)
    progress = progress or Progress()
    report = ImportReport(
        importer=importer_name,
        file=PurePath(filename).name,
        dry_run=dry_run,
        options=dict(options or {}),
    )
    progress.note(_("Reading %(file)s") % {"file": report.file})
    rows = importer.parse(filename, content, report)
    report.rows = len(rows)
    if report.errors:
        return report
    items = importer.validate(rows, report, progress)
    if report.errors:
        return report
    try:
        with transaction.atomic(), audited(acting_user):
            importer.write(items, report, acting_user=acting_user, progress=progress)
            if report.errors:
                raise ImportAbort
            if dry_run:
                transaction.set_rollback(True)
    except ImportAbort:
        report.created = report.updated = report.unchanged = 0
    except ValidationError as exc:
        report.error(None, None, "; ".join(exc.messages))
        report.created = report.updated = report.unchanged = 0
    return report


def start_import(importer: str, upload, *, acting_user, dry_run: bool = False):
    """Keep an uploaded file and queue its import as a background job (pages and API)."""
    import uuid
    from pathlib import Path

    from django.conf import settings

    from .jobs import start_job

    require_perm(acting_user, IMPORTERS[importer].permission)
    folder = Path(settings.MEDIA_ROOT) / "imports" / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    name = Path(upload.name).name
    with (folder / name).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return start_job(
        "core.import",
        acting_user=acting_user,
        label=_("Import of %(file)s (%(what)s)")
        % {"file": name, "what": IMPORTERS[importer].label},
        params={
            "importer": importer,
            "path": str(folder / name),
            "filename": name,
            "dry_run": dry_run,
        },
    )


@job_handler("core.import")
def import_job(
    progress: Progress,
    *,
    acting_user,
    importer: str,
    path: str,
    filename: str,
    dry_run: bool = False,
    options: dict | None = None,
) -> dict:
    from pathlib import Path

    content = Path(path).read_bytes()
    report = run_import(
        importer,
        filename,
        content,
        acting_user=acting_user,
        dry_run=dry_run,
        progress=progress,
        options=options,
    )
    if acting_user is not None:
        from .notifications import notify

        notify(
            [acting_user],
            title=report.message,
            body="\n".join(map(str, report.errors[:50])),
            url="",
            email=False,
        )
    return report.as_dict()
