"""The import framework: a file becomes validated rows, written in one transaction, or nothing.

Each module registers an ``Importer``. ``run_import`` streams the file's rows from disk (the
readers of ``platform.readers``: CSV with its encoding and delimiter detected, every sheet of an
XLSX workbook, JSON and JSON lines), passes them through a column mapping if one is given
(``platform.mapping``), validates each row and writes in batches, all inside one transaction:
if any row has an error, nothing is written and the report lists the errors (the first
``ERROR_LIMIT`` with file, row and field, and counts by field and kind for all of them).

Every import is an ``ImportRun``: who, which file (name, size, SHA-256), the counts and the
report. Records it creates point back to it and to their row (``ImportedRecord``), and the audit
trail holds one entry for the import instead of one per row. Pages, API and CLI all call
``run_import`` (the web through a background job), so they report the same errors and obey the
same size limit (``PALERMO_IMPORT_MAX_MB``). Uploaded files are deleted after the import
unless ``PALERMO_IMPORT_KEEP_DAYS`` keeps them; a kept file is its owner's and the
Secretariat's to fetch (the ``download`` action of the ``ImportRun`` policy).

Imports of one importer never interleave: the write transaction takes a lock first (an advisory
lock on PostgreSQL, SQLite's write lock), validates against what is committed, then writes; an
import that cannot get the lock in time reports a conflict and writes nothing.
"""

import contextlib
import hashlib
import tempfile
import uuid
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path, PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from . import computed, schedule
from .audit import audited
from .choices import ImportStatus
from .jobs import JobCancelled, Progress, job_handler
from .policies import require_perm
from .readers import Row  # the readers' rows are the importers' rows

#: Errors listed in full in a report; past this, only their number by field and by kind.
ERROR_LIMIT = 1000
#: Warnings listed in full in a report.
WARNING_LIMIT = 200


def max_import_bytes() -> int:
    """The one size limit of an imported file, whatever the surface (page, API, CLI)."""
    return int(getattr(settings, "PALERMO_IMPORT_MAX_BYTES", 256 * 1024 * 1024))


def size_error(size: int) -> str | None:
    limit = max_import_bytes()
    if size <= limit:
        return None
    return _(
        "the file is %(size)s MB; files of at most %(limit)s MB can be imported "
        "(PALERMO_IMPORT_MAX_MB)"
    ) % {"size": _megabytes(size), "limit": _megabytes(limit)}


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class RowError:
    """One problem in an input file, located as precisely as the format allows."""

    file: str
    row: int | None
    field: str | None
    message: str
    kind: str = "invalid"

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(_("row %(row)s") % {"row": self.row})
        if self.field:
            where.append(_("field “%(field)s”") % {"field": self.field})
        return f"{', '.join(where)}: {self.message}"

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "row": self.row,
            "field": self.field,
            "message": self.message,
            "kind": self.kind,
        }


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
    #: Every error's number (``errors`` keeps the first ``ERROR_LIMIT``), by field and by kind.
    error_total: int = 0
    errors_by_field: Counter = field(default_factory=Counter)
    errors_by_kind: Counter = field(default_factory=Counter)
    warning_total: int = 0
    #: What the reader found: format, encoding, delimiter, sheets, header.
    detected: dict = field(default_factory=dict)
    #: The file's header (of its first sheet).
    columns: list = field(default_factory=list)
    #: The file being read (``readers.Table``), for progress by bytes read.
    table: object = None
    #: The import's record (``ImportRun``): importers stamp what they create with it.
    run: object = None

    @property
    def ok(self) -> bool:
        return not self.error_total

    @property
    def truncated(self) -> bool:
        return self.error_total > len(self.errors)

    def error(self, row: int | None, field_name: str | None, message, kind: str = "invalid"):
        self.error_total += 1
        self.errors_by_field[field_name or ""] += 1
        self.errors_by_kind[kind] += 1
        if len(self.errors) < ERROR_LIMIT:
            self.errors.append(RowError(self.file, row, field_name, str(message), kind))

    def warn(self, row: int | None, field_name: str | None, message, kind: str = "note"):
        self.warning_total += 1
        if len(self.warnings) < WARNING_LIMIT:
            self.warnings.append(RowError(self.file, row, field_name, str(message), kind))

    def discard_counts(self) -> None:
        self.created = self.updated = self.unchanged = 0

    @property
    def message(self) -> str:
        values = {
            "file": self.file,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "n": self.error_total,
            "limit": len(self.errors),
        }
        if self.error_total:
            text = (
                ngettext(
                    "%(file)s: %(n)s error; nothing was imported.",
                    "%(file)s: %(n)s errors; nothing was imported.",
                    self.error_total,
                )
                % values
            )
            if self.truncated:
                text += " " + _("The first %(limit)s are listed.") % values
            return text
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
        return {
            "importer": self.importer,
            "file": self.file,
            "dry_run": self.dry_run,
            "options": {k: v for k, v in self.options.items() if not k.startswith("_")},
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
            "error_total": self.error_total,
            "errors_truncated": self.truncated,
            "errors_by_field": dict(self.errors_by_field),
            "errors_by_kind": dict(self.errors_by_kind),
            "warning_total": self.warning_total,
            "detected": self.detected,
            "import_id": str(self.run.pk) if self.run is not None else None,
            "ok": self.ok,
            "message": self.message,
        }


@dataclass
class ImportSource:
    """The file being imported, on disk: importers read from ``path``, never all at once."""

    path: Path
    name: str

    @property
    def suffix(self) -> str:
        return PurePath(self.name).suffix.lower().lstrip(".")

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    def read_bytes(self) -> bytes:
        """For small formats only (an HTML status page): the whole file."""
        return self.path.read_bytes()

    def sha256(self) -> str:
        digest = hashlib.sha256()
        with self.path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(chunk)
        return digest.hexdigest()


class Importer:
    """Base for one kind of import.

    Row by row (streams any size): implement ``validate_row`` (a row to an item, or ``None``
    after reporting its errors) and ``write_batch`` (a list of items to the database, with
    ``bulk_create``, stamping provenance with ``self.stamp``). Whole file (when a row's
    validity depends on the others): override ``validate`` to return a list, and ``write``.
    """

    name = ""
    label = ""
    help = ""
    permission = "core.import_data"
    formats = ("csv", "tsv", "xlsx", "json", "jsonl", "ndjson")
    required_columns: tuple[str, ...] = ()
    #: The fields a column mapping may fill: name → label (default: the required columns).
    fields: dict = {}
    #: XLSX sheets to read (default: every sheet).
    sheets: tuple[str, ...] | None = None
    #: Items written per ``write_batch`` call.
    batch_size = 2000
    #: The models this importer creates records of (their search documents follow the import).
    models: tuple = ()
    #: The options ``add_arguments`` declares, passed to the importer in ``report.options``.
    option_names: tuple[str, ...] = ()
    #: Offered on the site's import page (``False`` for an importer that needs what the page
    #: cannot give, such as the investigation an analysis import goes into: it has its own).
    on_import_page = True

    def offered_to(self, user) -> bool:
        """Whether the import page offers this importer to ``user``."""
        return self.on_import_page and user.has_perm(self.permission)

    def add_arguments(self, parser) -> None:
        """Command-line options of this importer for ``palermo import NAME FILE …``."""

    def target_fields(self) -> dict:
        return dict(self.fields) or {name: name for name in self.required_columns}

    #: Readers of the importer's own formats: suffix → ``readers.Table`` subclass.
    readers: dict = {}

    def read(self, source: ImportSource, report: ImportReport) -> Iterator[Row]:
        """The file's rows, streamed, after its header was checked."""
        from . import readers

        table = readers.open_table(
            source.path,
            name=source.name,
            report=report,
            formats=self.formats,
            readers=self.readers or None,
            sheets=self.sheets,
        )
        _describe(table, report)
        return _closing(table)

    def parse(self, source: ImportSource, report: ImportReport) -> Iterable[Row]:
        rows = self.read(source, report)
        mapping = report.options.get("_mapping")
        if mapping is not None:
            return self._mapped(mapping, rows, report)
        if self.required_columns:
            return self._check_columns(rows, report)
        return rows

    def _mapped(self, mapping, rows: Iterator[Row], report: ImportReport) -> Iterator[Row]:
        """The rows as the importer's fields, through the mapping; a cell the mapping cannot
        convert is an error at its row, naming the field and the column."""
        problems = mapping.validate(
            report.columns, self.target_fields(), required=self.required_columns
        )
        for problem in problems:
            report.error(1, problem.column or problem.field, problem.message, "mapping")
        if problems:
            return
        apply = mapping.apply
        for row in rows:
            values, errors = apply(row.values)
            for error in errors:
                report.error(row.number, error.column or error.field, error.message, "mapping")
            if not errors:
                yield Row(row.number, values, row.sheet)

    def _check_columns(self, rows: Iterator[Row], report: ImportReport) -> Iterator[Row]:
        checked = False
        for row in rows:
            if not checked:
                checked = True
                present = set(report.columns or row.values)
                for column in self.required_columns:
                    if column not in present:
                        report.error(1, column, _("the required column is missing"), "missing")
                if report.error_total:
                    return
            yield row

    def validate(self, rows: Iterable[Row], report: ImportReport, progress: Progress):
        table = report.table
        if table is not None and table.size:
            progress.set_total(table.size, _("Checking and writing rows"))
        for row in rows:
            item = self.validate_row(row, report)
            if table is not None and report.rows % 1000 == 0:
                progress.done = min(table.position, progress.total)
                progress.advance(0)
            if item is not None:
                yield item

    def validate_row(self, row: Row, report: ImportReport):
        raise NotImplementedError

    def write(self, items, report: ImportReport, *, acting_user, progress: Progress) -> None:
        batch = []
        for item in items:
            if report.error_total:
                continue  # keep reading, to report every error; nothing more is written
            batch.append(item)
            if len(batch) >= self.batch_size:
                self.write_batch(batch, report, acting_user=acting_user)
                batch = []
        if batch and not report.error_total:
            self.write_batch(batch, report, acting_user=acting_user)

    def write_batch(self, items: list, report: ImportReport, *, acting_user) -> None:
        raise NotImplementedError

    @staticmethod
    def provenance(report: ImportReport, row: int | None) -> tuple:
        """``(import, row)`` for a row given to ``bulk.BulkInsert`` with the fields
        ``import_run`` and ``source_row`` last."""
        run = report.run if report.run is not None and report.run.pk else None
        return (run.pk if run is not None else None, row)

    @staticmethod
    def stamp(record, report: ImportReport, row: int | None):
        """Give ``record`` (an ``ImportedRecord``) its provenance: this import and its row."""
        record.import_run = report.run if report.run is not None and report.run.pk else None
        record.source_row = row
        return record


def _closing(table) -> Iterator[Row]:
    with table:
        yield from table.rows()


IMPORTERS: dict[str, Importer] = {}


def register_importer(cls):
    IMPORTERS[cls.name] = cls()
    return cls


class ImportAbort(Exception):
    """Raised inside ``write`` to undo the whole import with errors already in the report."""


def read_table(filename: str, content: bytes, report: ImportReport) -> list[Row]:
    """Rows of a small file given as bytes (tests, and importers that re-read a layout)."""
    from . import readers

    with tempfile.TemporaryDirectory(prefix="palermo-read-") as folder:
        path = Path(folder) / PurePath(filename).name
        path.write_bytes(content)
        with readers.open_table(path, name=PurePath(filename).name, report=report) as table:
            _describe(table, report)
            return list(table.rows())


def _describe(table, report: ImportReport) -> None:
    """What the reader found, into the report: format, encoding, delimiter, sheets, header."""
    from . import readers

    report.detected = table.describe()
    if table.delimiter:
        name_of = getattr(readers, "delimiter_name", None) or readers._delimiter_name
        report.detected["delimiter_name"] = str(name_of(table.delimiter))
    report.columns = list(table.columns)
    report.table = table


def _lock_importer(importer: Importer, run) -> None:
    """Take the write lock for this importer's imports inside the current transaction."""
    if connection.vendor == "postgresql":
        key = zlib.crc32(f"palermo-import:{importer.name}".encode()) - 2**31
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
    # SQLite has one writer at a time: this write takes its lock now, before anything is
    # read, so the rows are checked against what other imports have committed.
    from .models import ImportRun

    if run is not None and run.pk:
        ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING)


def run_import(
    importer_name: str,
    source,
    content: bytes | None = None,
    *,
    acting_user,
    dry_run: bool = False,
    progress: Progress | None = None,
    options: dict | None = None,
    mapping=None,
    run=None,
    index: bool = True,
) -> ImportReport:
    """Read, check and write one file; nothing is written unless every row is valid.

    ``source`` is the file's path (or an ``ImportSource``); small callers may pass a name and
    its ``content`` as bytes instead. ``mapping`` is a ``platform.mapping.Mapping`` (or its
    dict form). ``run`` is the ``ImportRun`` a page or the API created for an upload.
    ``index=False`` leaves the search index as it was: for a bulk load of many files followed
    by one ``palermo search-index rebuild``, which writes each document once.
    """
    importer = IMPORTERS[importer_name]
    require_perm(acting_user, importer.permission)
    if content is not None:
        folder = Path(tempfile.mkdtemp(prefix="palermo-import-"))
        path = folder / PurePath(str(source)).name
        path.write_bytes(content)
        try:
            return run_import(
                importer_name,
                ImportSource(path, path.name),
                acting_user=acting_user,
                dry_run=dry_run,
                progress=progress,
                options=options,
                mapping=mapping,
                run=run,
                index=index,
            )
        finally:
            path.unlink(missing_ok=True)
            folder.rmdir()
    if not isinstance(source, ImportSource):
        source = ImportSource(Path(source), PurePath(str(source)).name)
    progress = progress or Progress()
    report = ImportReport(
        importer=importer_name, file=source.name, dry_run=dry_run, options=dict(options or {})
    )
    run = _start_run(run, importer, source, acting_user, dry_run, report, mapping)
    report.run = run
    progress.note(_("Reading %(file)s") % {"file": report.file})
    problem = size_error(source.size)
    if problem:
        report.error(None, None, problem, "too-large")
        return _finish(run, report)
    if mapping is not None:
        from .mapping import Mapping

        if isinstance(mapping, dict):
            mapping = Mapping.from_dict(mapping)
        report.options["_mapping"] = mapping
    from . import search

    try:
        with transaction.atomic(), contextlib.nullcontext() if index else search.paused():
            _lock_importer(importer, run)
            rows = _counted(importer.parse(source, report), report)
            items = importer.validate(rows, report, progress)
            if isinstance(items, list | tuple) and report.error_total:
                raise ImportAbort
            with audited(acting_user):
                importer.write(items, report, acting_user=acting_user, progress=progress)
                if report.error_total:
                    raise ImportAbort
                if dry_run:
                    transaction.set_rollback(True)
                else:
                    _log_import(run, report)
                    _index_on_commit(importer, run)  # nothing while paused (index=False)
                    # Bulk writes send no signals: what is computed from the records changes
                    # with this transaction (platform.computed).
                    computed.advance_for(*importer.models)
    except ImportAbort:
        report.discard_counts()
    except ValidationError as exc:
        report.error(None, None, "; ".join(exc.messages))
        report.discard_counts()
    except IntegrityError as exc:
        report.error(
            None,
            None,
            _(
                "another change to the same records was saved while this file was being "
                "imported (%(detail)s); nothing was imported: import the file again"
            )
            % {"detail": str(exc).splitlines()[0][:200]},
            "conflict",
        )
        report.discard_counts()
    except OperationalError as exc:
        if "locked" not in str(exc).lower():
            raise
        report.error(
            None,
            None,
            _(
                "another import is being written to the database; nothing was imported: "
                "import the file again when it has finished"
            ),
            "conflict",
        )
        report.discard_counts()
    except JobCancelled:
        report.error(None, None, _("the import was cancelled; nothing was imported"), "cancelled")
        report.discard_counts()
        _finish(run, report, status=ImportStatus.CANCELLED)
        raise
    except Exception as exc:  # the run must not stay "running"; the job reports the failure
        report.error(None, None, _("the import stopped: %(err)s") % {"err": exc}, "failure")
        report.discard_counts()
        _finish(run, report)
        raise
    return _finish(run, report)


def _counted(rows: Iterable[Row], report: ImportReport) -> Iterable[Row]:
    """The rows, counted into the report as they are read (a list stays a list)."""
    if isinstance(rows, list):
        report.rows = len(rows)
        return rows
    return _count(rows, report)


def _count(rows: Iterable[Row], report: ImportReport) -> Iterator[Row]:
    for row in rows:
        report.rows += 1
        yield row


def _start_run(run, importer, source, acting_user, dry_run, report, mapping):
    from .models import ImportRun

    owner = acting_user if getattr(acting_user, "pk", None) else None
    spec = mapping.to_dict() if hasattr(mapping, "to_dict") else mapping
    if run is None:
        run = ImportRun.objects.create(
            importer=importer.name,
            owner=owner,
            file_name=source.name[:255],
            file_size=source.size,
            sha256=source.sha256(),
            dry_run=dry_run,
            status=ImportStatus.RUNNING,
            options={k: v for k, v in report.options.items() if not k.startswith("_")},
            mapping_spec=spec,
        )
    else:
        run.status = ImportStatus.RUNNING
        run.file_size = source.size
        run.sha256 = run.sha256 or source.sha256()
        run.mapping_spec = spec if spec is not None else run.mapping_spec
        run.save(update_fields=["status", "file_size", "sha256", "mapping_spec", "updated"])
    return run


def _finish(run, report: ImportReport, status: str | None = None) -> ImportReport:
    from .models import ImportRun

    if status is None and report.error_total:
        status = ImportStatus.REFUSED
    elif status is None:
        status = ImportStatus.CHECKED if report.dry_run else ImportStatus.APPLIED
    data = report.as_dict()
    ImportRun.objects.filter(pk=run.pk).update(
        status=status,
        detected=report.detected,
        rows=report.rows,
        created_count=report.created,
        updated_count=report.updated,
        unchanged_count=report.unchanged,
        error_count=report.error_total,
        report=data,
        finished=timezone.now(),
        updated=timezone.now(),
    )
    run.status = status
    return report


def _log_import(run, report: ImportReport) -> None:
    """The one audit entry of an import: who (the actor), the file and its hash, the counts."""
    from auditlog.models import LogEntry

    LogEntry.objects.log_create(
        run,
        force_log=True,
        action=LogEntry.Action.CREATE,
        changes={
            "importer": [None, run.importer],
            "file": [None, run.file_name],
            "sha256": [None, run.sha256],
            "rows": [None, report.rows],
            "created": [None, report.created],
            "updated": [None, report.updated],
            "unchanged": [None, report.unchanged],
        },
    )


def _index_on_commit(importer: Importer, run) -> None:
    """Records created in bulk send no signals: their search documents follow the import,
    when it commits."""
    from . import search

    for model in importer.models:
        if search.is_searched(model):
            pks = model._default_manager.filter(import_run=run).values_list("pk", flat=True)
            search.index_on_commit(model, list(pks))


def keep_days() -> int:
    return int(getattr(settings, "PALERMO_IMPORT_KEEP_DAYS", 0))


def imports_folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def store_upload(upload) -> tuple[Path, str]:
    """Save an uploaded file under MEDIA_ROOT/imports/<random>/; returns (path, relative)."""
    folder = imports_folder() / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    name = PurePath(upload.name).name or "upload"
    path = folder / name
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path, str(path.relative_to(settings.MEDIA_ROOT))


def create_pending_run(importer: str, upload, *, acting_user, dry_run: bool = False):
    """Keep an uploaded file as an import waiting for its mapping (or its job)."""
    from .models import ImportRun

    require_perm(acting_user, IMPORTERS[importer].permission)
    problem = size_error(upload.size)
    if problem:
        raise ValidationError(problem)
    path, relative = store_upload(upload)
    return ImportRun.objects.create(
        importer=importer,
        owner=acting_user if getattr(acting_user, "pk", None) else None,
        file_name=path.name[:255],
        file_size=path.stat().st_size,
        sha256=ImportSource(path, path.name).sha256(),
        stored_file=relative,
        dry_run=dry_run,
        status=ImportStatus.PENDING,
    )


def queue_run(run, *, acting_user, dry_run: bool | None = None, mapping=None):
    """Start a pending import's job, with its mapping (a saved ``ColumnMapping`` or a dict)."""
    from .jobs import start_job
    from .models import ColumnMapping, ImportRun

    require_perm(acting_user, IMPORTERS[run.importer].permission)
    spec = mapping
    if isinstance(mapping, ColumnMapping):
        run.mapping, spec = mapping, mapping.spec
    run.mapping_spec = spec if spec is not None else run.mapping_spec
    if dry_run is not None:
        run.dry_run = dry_run
    run.status = ImportStatus.QUEUED
    run.save(update_fields=["mapping", "mapping_spec", "dry_run", "status", "updated"])
    job = start_job(
        "core.import",
        acting_user=acting_user,
        label=_("Import of %(file)s (%(what)s)")
        % {"file": run.file_name, "what": IMPORTERS[run.importer].label},
        params={"run": str(run.pk)},
    )
    ImportRun.objects.filter(pk=run.pk).update(job=job)
    run.job = job
    return job


def start_import(importer: str, upload, *, acting_user, dry_run: bool = False, mapping=None):
    """Keep an uploaded file and queue its import as a background job (pages and API)."""
    run = create_pending_run(importer, upload, acting_user=acting_user, dry_run=dry_run)
    return queue_run(run, acting_user=acting_user, mapping=mapping)


def release_file(run) -> None:
    """Delete an import's uploaded file, or keep it ``PALERMO_IMPORT_KEEP_DAYS`` days."""
    from .models import ImportRun

    if not run.stored_file:
        return
    days = keep_days()
    if days > 0:
        run.keep_until = timezone.now() + timedelta(days=days)
        ImportRun.objects.filter(pk=run.pk).update(keep_until=run.keep_until)
        return
    _delete_stored(run)


def _delete_stored(run) -> None:
    from .models import ImportRun

    path = Path(settings.MEDIA_ROOT) / run.stored_file
    path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # another file is still in the folder
        path.parent.rmdir()
    run.stored_file = ""
    ImportRun.objects.filter(pk=run.pk).update(stored_file="", keep_until=None)


def purge_import_files(now=None) -> int:
    """Delete the kept files whose time is up; returns how many."""
    from .models import ImportRun

    now = now or timezone.now()
    expired = ImportRun.objects.exclude(stored_file="").filter(keep_until__lt=now)
    count = 0
    for run in expired:
        _delete_stored(run)
        count += 1
    return count


schedule.register_daily(
    "platform.purge-imports",
    _lazy("Delete imported files kept past their time"),
    lambda today: {"deleted": purge_import_files()},
)


@job_handler("core.import")
def import_job(progress: Progress, *, acting_user, run: str | None = None, **legacy) -> dict:
    from .models import ImportRun

    purge_import_files()
    record = ImportRun.objects.get(pk=run)
    path = Path(settings.MEDIA_ROOT) / record.stored_file
    try:
        report = run_import(
            record.importer,
            ImportSource(path, record.file_name),
            acting_user=acting_user,
            dry_run=record.dry_run,
            progress=progress,
            options=record.options,
            mapping=record.mapping_spec,
            run=record,
        )
    finally:
        release_file(record)
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
