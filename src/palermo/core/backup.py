"""Backup and restore of a whole site: the database and the uploaded files, in one archive.

Both work at the database level, never through the ORM. A restore must leave the data exactly
as backed up, and going through models (``dumpdata``/``loaddata``) runs their signals:
django-auditlog answered a ``loaddata`` with hundreds of new, authorless audit entries. So:

- **SQLite** is copied with SQLite's online backup API (``sqlite3.Connection.backup``), which
  reads one consistent snapshot under a read transaction while other connections keep writing
  (the database is in WAL mode). Copying the file instead lost committed rows that were still in
  the write-ahead log. A restore runs the same API the other way, into the live database, in one
  write transaction: it either replaces everything or changes nothing.
- **PostgreSQL** is dumped with ``pg_dump --format=custom`` inside an exported snapshot, so the
  row counts of the manifest describe exactly the rows of the dump, and restored with
  ``pg_restore --clean --if-exists --no-owner --single-transaction``. The password goes through
  ``PGPASSWORD``, never on a command line that ``ps`` would show.

The archive (``.tar.gz``) holds the dump, the ``media/`` folder (uploaded files) and a
``manifest.json`` that a restore checks before it touches anything: format version, engine,
checksums of the dump and of the media, and the row count of every table.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

FORMAT = "palermo-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DUMP_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
#: Filled by ``palermo migrate`` on an empty database, so their rows do not make it "hold data".
#: ``platform_dataversion``: the versions of the computed results (``platform.computed``).
BOOKKEEPING_TABLES = frozenset(
    {
        "django_migrations",
        "django_content_type",
        "auth_permission",
        "django_session",
        "platform_dataversion",
    }
)
#: Tables rebuilt from the others (the search index): not "data" a site holds.
DERIVED_PREFIXES = ("searchindex_",)
#: How long to wait for another process's lock before giving up with a sentence, not a hang.
LOCK_TIMEOUT_SECONDS = 60
NOTHING_RESTORED = "Nothing was restored; the current database is unchanged."


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is a sentence for the operator."""


@dataclass
class BackupResult:
    archive: Path
    bytes: int
    manifest: dict

    @property
    def message(self) -> str:
        tables = self.manifest["tables"]
        return (
            f"Backed up {sum(tables.values()):,} rows in {len(tables)} tables and "
            f"{_plural(self.manifest['media']['files'], 'uploaded file')} to {self.archive} "
            f"({_size(self.bytes)})."
        )

    def as_dict(self) -> dict:
        return {"archive": str(self.archive), "bytes": self.bytes, "manifest": self.manifest}


@dataclass
class RestoreResult:
    archive: Path
    manifest: dict
    replaced_existing_data: bool
    pending_migrations: list[str] = field(default_factory=list)
    unknown_migrations: list[str] = field(default_factory=list)

    @property
    def notes(self) -> list[str]:
        notes = []
        if self.pending_migrations:
            notes.append(
                f"The backup predates {len(self.pending_migrations)} migrations of this Palermo: "
                "run “palermo migrate” before serving."
            )
        if self.unknown_migrations:
            notes.append(
                "The backup has migrations this Palermo does not know "
                f"({', '.join(self.unknown_migrations)}): it was probably made by a newer "
                "version; install that version before serving."
            )
        return notes

    @property
    def message(self) -> str:
        tables = self.manifest["tables"]
        return (
            f"Restored the backup of {self.manifest['created_at']} "
            f"(Palermo {self.manifest.get('palermo_version') or 'unknown'}): "
            f"{sum(tables.values()):,} rows in {len(tables)} tables and "
            f"{_plural(self.manifest['media']['files'], 'uploaded file')}."
        )

    def as_dict(self) -> dict:
        tables = self.manifest["tables"]
        return {
            "archive": str(self.archive),
            "engine": self.manifest["engine"],
            "backup_created_at": self.manifest["created_at"],
            "backup_palermo_version": self.manifest.get("palermo_version"),
            "tables": len(tables),
            "rows": sum(tables.values()),
            "media_files": self.manifest["media"]["files"],
            "replaced_existing_data": self.replaced_existing_data,
            "pending_migrations": self.pending_migrations,
            "unknown_migrations": self.unknown_migrations,
        }


def default_archive_name(moment: datetime) -> str:
    return f"palermo-backup-{moment:%Y%m%d-%H%M%S}.tar.gz"


# --- backup -------------------------------------------------------------------------------------


def create_backup(destination: str | Path | None = None, *, using=DEFAULT_DB_ALIAS) -> BackupResult:
    """Write one archive of the database and the uploaded files; return what it holds.

    ``destination`` is a file, a folder (for the default name) or ``None`` (the current folder).
    The archive appears only when complete (it is written under a temporary name), and is
    readable by its owner only: it holds password hashes.
    """
    connection = connections[using]
    engine = _engine(connection)
    created = datetime.now(UTC).replace(microsecond=0)
    archive = _archive_path(destination, created)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix=".palermo-backup-", dir=archive.parent) as work:
        dump = Path(work) / DUMP_FILES[engine]
        if engine == "sqlite":
            facts = _dump_sqlite(connection, dump)
        else:
            facts = _dump_postgresql(connection, dump)
        partial = Path(work) / (archive.name + ".partial")
        with (
            open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out,
            tarfile.open(fileobj=out, mode="w:gz", compresslevel=6) as tar,
        ):
            tar.add(dump, arcname=dump.name)
            media = _add_media(tar, media_root)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "palermo_version": _palermo_version(),
                "created_at": created.isoformat().replace("+00:00", "Z"),
                "engine": engine,
                "engine_version": facts["engine_version"],
                "database": {
                    "file": dump.name,
                    "bytes": dump.stat().st_size,
                    "sha256": _sha256(dump),
                },
                "tables": facts["tables"],
                "migrations": facts["migrations"],
                "media": media,
            }
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
        if archive.exists():
            raise BackupError(f"There is already a file at {archive}; choose another path.")
        os.replace(partial, archive)
    return BackupResult(archive=archive, bytes=archive.stat().st_size, manifest=manifest)


def _archive_path(destination, created: datetime) -> Path:
    path = Path(destination) if destination else Path.cwd()
    if path.is_dir():
        path = path / default_archive_name(created)
    path = path.absolute()
    if path.exists():
        raise BackupError(f"There is already a file at {path}; choose another path.")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist; create it first.")
    if path.parent.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve()):
        raise BackupError(
            f"{path} is inside the media folder, which the backup archives: write it elsewhere."
        )
    return path


def _dump_sqlite(connection, target: Path) -> dict:
    raw = _raw_sqlite(connection, "back up")
    copy = sqlite3.connect(target)
    try:
        _copy_sqlite(raw, copy)
        # A self-contained file: no write-ahead log beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        return _sqlite_facts(copy)
    except sqlite3.Error as exc:
        raise BackupError(
            f"SQLite could not copy the database ({exc}). No archive was written."
        ) from None
    finally:
        copy.close()


def _dump_postgresql(connection, target: Path) -> dict:
    """pg_dump inside a snapshot exported by our own transaction, which also counts the rows:
    the manifest then describes exactly the dumped rows, however many writes go on meanwhile."""
    if connection.in_atomic_block:
        raise BackupError(
            "A PostgreSQL backup cannot run inside a transaction: pg_dump, another process, "
            "would not see its rows."
        )
    connection.ensure_connection()
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        facts = _live_facts(connection, cursor)
        _run_pg(
            "pg_dump",
            ["--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
            connection.settings_dict,
            failure="No archive was written.",
        )
    facts["engine_version"] = ".".join(str(n) for n in _pg_version(connection))
    return facts


def _add_media(tar: tarfile.TarFile, media_root: Path) -> dict:
    """Add every uploaded file under ``media/``, hashing each as it is archived, so the digest
    describes the archived bytes even if the folder changes meanwhile."""
    folder = tarfile.TarInfo(MEDIA)  # always present, empty when nothing was uploaded yet
    folder.type, folder.mode, folder.mtime = tarfile.DIRTYPE, 0o755, int(time.time())
    tar.addfile(folder)
    digest, files, total = hashlib.sha256(), 0, 0
    for relative in _media_files(media_root):
        try:
            with open(media_root / relative, "rb") as handle:
                info = tar.gettarinfo(arcname=f"{MEDIA}/{relative}", fileobj=handle)
                reader = _HashingReader(handle)
                tar.addfile(info, reader)
        except FileNotFoundError:
            continue  # deleted since the listing: it is not part of this backup
        digest.update(_media_line(relative, reader.hexdigest()))
        files, total = files + 1, total + info.size
    return {"folder": MEDIA, "files": files, "bytes": total, "sha256": digest.hexdigest()}


# --- restore ------------------------------------------------------------------------------------


def restore_backup(
    archive: str | Path, *, force: bool = False, using=DEFAULT_DB_ALIAS
) -> RestoreResult:
    """Replace the database and the uploaded files with those of ``archive``.

    Everything is checked before anything is touched: the archive's structure, its manifest,
    the engine, the checksums and (SQLite) the dump's integrity and row counts. A database that
    already holds data is replaced only with ``force``. The restore adds no audit entries and
    sends no model signals; Django's connections are closed afterwards so no process-level
    state from the old database stays.
    """
    archive = Path(archive).absolute()
    if not archive.is_file():
        raise BackupError(f"No file at {archive}.")
    connection = connections[using]
    engine = _engine(connection)
    media_root = Path(settings.MEDIA_ROOT)
    work_parent = media_root.parent if media_root.parent.is_dir() else None
    with tempfile.TemporaryDirectory(prefix=".palermo-restore-", dir=work_parent) as work:
        work = Path(work)
        manifest = _unpack(archive, work)
        if manifest["engine"] != engine:
            raise BackupError(
                f"{archive} is a backup of a {ENGINE_NAMES[manifest['engine']]} database, but "
                f"this Palermo runs on {ENGINE_NAMES[engine]}: a backup can only be restored "
                f"to the engine it was made from. {NOTHING_RESTORED}"
            )
        dump = _verify(archive, work, manifest)
        if engine == "sqlite" and not connection.is_in_memory_db():
            # A fresh machine: SQLite creates the database file, but not its folder.
            Path(connection.settings_dict["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        held = _existing_data(connection, media_root)
        if held and not force:
            raise BackupError(
                f"The current site already holds data ({held}). Restoring {archive} would "
                "replace all of it with the backup of "
                f"{manifest['created_at']}; run again with --force to do that. {NOTHING_RESTORED}"
            )
        if engine == "sqlite":
            _restore_sqlite(connection, dump)
        else:
            _restore_postgresql(connection, dump, manifest)
        _forget_old_database()
        _check_restored_counts(connection, manifest, archive)
        try:
            _replace_media(work / MEDIA, media_root)
        except OSError as exc:
            raise BackupError(
                f"The database was restored from {archive}, but the uploaded files could not be "
                f"put in {media_root} ({exc}); fix that, then restore again with --force."
            ) from None
    pending, unknown = _migration_differences(connection)
    _forget_old_database()
    return RestoreResult(
        archive=archive,
        manifest=manifest,
        replaced_existing_data=bool(held),
        pending_migrations=pending,
        unknown_migrations=unknown,
    )


def _unpack(archive: Path, work: Path) -> dict:
    """Extract the archive into ``work`` and return its manifest, refusing anything that is not
    a Palermo backup (or would write outside ``work``)."""
    try:
        with tarfile.open(archive, "r|*") as tar:
            _extract(tar, archive, work)
    except (tarfile.TarError, OSError):
        raise BackupError(
            f"{archive} is not a Palermo backup: it is not a tar archive. {NOTHING_RESTORED}"
        ) from None
    try:
        manifest = json.loads((work / MANIFEST).read_text("utf-8"))
    except (ValueError, OSError) as exc:
        raise BackupError(
            f"The {MANIFEST} in {archive} is not valid JSON ({exc}). {NOTHING_RESTORED}"
        ) from None
    _check_manifest(manifest, archive)
    return manifest


def _extract(tar: tarfile.TarFile, archive: Path, work: Path) -> None:
    """One pass over the stream (the archive may be large): each entry is checked by name,
    then extracted with tarfile's "data" filter, which refuses links and paths that leave
    ``work``."""
    found = False
    try:
        for member in tar:
            name = member.name
            if name not in _ENTRIES and not name.startswith(MEDIA + "/"):
                raise BackupError(
                    f"{archive} is not a Palermo backup: it holds {name}, which a backup never "
                    f"does. {NOTHING_RESTORED}"
                )
            found = found or name == MANIFEST
            tar.extract(member, work, filter="data")
    except tarfile.FilterError as exc:
        raise BackupError(f"{archive} holds an unsafe entry ({exc}). {NOTHING_RESTORED}") from None
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise BackupError(
            f"{archive} is damaged or incomplete ({exc}). {NOTHING_RESTORED}"
        ) from None
    if not found:
        raise BackupError(
            f"{archive} is not a Palermo backup: it holds no {MANIFEST}. {NOTHING_RESTORED}"
        )


_ENTRIES = {MANIFEST, MEDIA, *DUMP_FILES.values()}


def _check_manifest(manifest, archive: Path) -> None:
    def refuse(problem):
        raise BackupError(f"The {MANIFEST} in {archive} {problem}. {NOTHING_RESTORED}")

    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        refuse(f"does not describe a Palermo backup (no “format”: “{FORMAT}”)")
    version = manifest.get("format_version")
    if not isinstance(version, int):
        refuse("has no format version")
    if version > FORMAT_VERSION:
        refuse(
            f"has format version {version}; this Palermo reads version {FORMAT_VERSION} and "
            "older: restore it with the newer Palermo that made it"
        )
    expected = {
        "created_at": str,
        "engine": str,
        "database": dict,
        "tables": dict,
        "migrations": list,
        "media": dict,
    }
    for key, kind in expected.items():
        if not isinstance(manifest.get(key), kind):
            refuse(f"has no valid “{key}”")
    if manifest["engine"] not in DUMP_FILES:
        refuse(f"names an unknown database engine, “{manifest['engine']}”")
    database, media = manifest["database"], manifest["media"]
    if database.get("file") != DUMP_FILES[manifest["engine"]] or not database.get("sha256"):
        refuse("does not name the database dump and its checksum")
    if not isinstance(media.get("files"), int) or not media.get("sha256"):
        refuse("does not give the number and checksum of the uploaded files")
    if not all(isinstance(n, int) for n in manifest["tables"].values()):
        refuse("has row counts that are not numbers")


def _verify(archive: Path, work: Path, manifest: dict) -> Path:
    """Check the dump and the media against the manifest; return the dump's path."""
    name = manifest["database"]["file"]
    dump = work / name
    if not dump.is_file():
        raise BackupError(
            f"{archive} names {name} in its {MANIFEST} but does not hold it. {NOTHING_RESTORED}"
        )
    if _sha256(dump) != manifest["database"]["sha256"]:
        raise BackupError(
            f"The database dump {name} in {archive} does not match the checksum in its "
            f"{MANIFEST}: the archive is damaged or was altered. {NOTHING_RESTORED}"
        )
    files, _total, digest = _media_digest(work / MEDIA)
    if (files, digest) != (manifest["media"]["files"], manifest["media"]["sha256"]):
        raise BackupError(
            f"The uploaded files in {archive} do not match the checksum in its {MANIFEST}: "
            f"the archive is damaged or was altered. {NOTHING_RESTORED}"
        )
    if manifest["engine"] == "sqlite":
        _verify_sqlite_dump(dump, manifest, archive)
    else:
        _run_pg(
            "pg_restore",
            ["--list", str(dump)],
            None,
            failure=f"The dump {name} in {archive} is unreadable. {NOTHING_RESTORED}",
            stdout=subprocess.DEVNULL,
        )
    return dump


def _verify_sqlite_dump(dump: Path, manifest: dict, archive: Path) -> None:
    def refuse(problem):
        raise BackupError(
            f"The database dump {dump.name} in {archive} {problem}. {NOTHING_RESTORED}"
        )

    # Our own extracted copy, opened for writing: on a read-only database the integrity check
    # skips the CHECK constraints, and those call Django's SQL functions (REGEXP …).
    from django.db.backends.sqlite3._functions import register as register_django_functions

    try:
        db = sqlite3.connect(dump)
        register_django_functions(db)
    except sqlite3.Error as exc:
        refuse(f"cannot be opened ({exc})")
    try:
        problems = [row[0] for row in db.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            refuse(f"is damaged ({'; '.join(problems[:3])})")
        if _sqlite_facts(db)["tables"] != manifest["tables"]:
            refuse(f"does not hold the row counts its {MANIFEST} lists")
    except sqlite3.Error as exc:
        refuse(f"is not a readable SQLite database ({exc})")
    finally:
        db.close()


def _existing_data(connection, media_root: Path) -> str:
    """What the current site holds that a restore would replace, as words; empty if nothing."""
    held = {
        table: rows
        for table, rows in _count_rows(connection).items()
        if rows and table not in BOOKKEEPING_TABLES and not table.startswith(DERIVED_PREFIXES)
    }
    parts = []
    if held:
        biggest = sorted(held.items(), key=lambda item: -item[1])[:3]
        listed = ", ".join(f"{rows:,} in {table}" for table, rows in biggest)
        more = f" and {len(held) - 3} more tables" if len(held) > 3 else ""
        parts.append(f"{sum(held.values()):,} rows: {listed}{more}")
    uploads = len(_media_files(media_root))
    if uploads:
        parts.append(f"{_plural(uploads, 'uploaded file')} in {media_root}")
    return "; ".join(parts)


def _restore_sqlite(connection, dump: Path) -> None:
    raw = _raw_sqlite(connection, "restore")
    source = sqlite3.connect(dump.as_uri() + "?mode=ro", uri=True)
    try:
        _copy_sqlite(source, raw)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite refused the restore ({exc}). {NOTHING_RESTORED}") from None
    finally:
        source.close()


def _restore_postgresql(connection, dump: Path, manifest: dict) -> None:
    if connection.in_atomic_block:
        raise BackupError(
            "A PostgreSQL restore cannot run inside a transaction: pg_restore, another "
            "process, would wait for its locks forever."
        )
    # pg_restore --clean drops only what the dump holds; tables of a newer schema would
    # survive and block "palermo migrate". Drop them first (they held no data, or --force).
    extra = sorted(set(_count_rows(connection)) - set(manifest["tables"]))
    if extra:
        quote = connection.ops.quote_name
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {', '.join(map(quote, extra))} CASCADE")
    connection.close()
    _run_pg(
        "pg_restore",
        ["--clean", "--if-exists", "--no-owner", "--single-transaction", str(dump)],
        connection.settings_dict,
        failure="It ran in one transaction, which was rolled back: the database is as it was.",
    )


def _check_restored_counts(connection, manifest: dict, archive: Path) -> None:
    counts = {t: n for t, n in _count_rows(connection).items() if t in manifest["tables"]}
    if counts != manifest["tables"]:
        wrong = sorted(t for t in manifest["tables"] if counts.get(t) != manifest["tables"][t])
        raise BackupError(
            f"The database was restored from {archive}, but its row counts differ from the "
            f"manifest in {', '.join(wrong[:5])}; check the database before using it."
        )


def _replace_media(source: Path, media_root: Path) -> None:
    """Make the media folder hold exactly the archived files. The folder itself is kept (it may
    be a mount point with its own permissions); its entries are replaced."""
    media_root.mkdir(parents=True, exist_ok=True)
    for entry in media_root.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    if source.is_dir():
        for entry in source.iterdir():
            shutil.move(entry, media_root / entry.name)


def _forget_old_database() -> None:
    """Close every connection and drop caches of rows that may have changed underneath.

    Computed results need no more: the restored database brings back the data versions of
    its own rows (``platform.computed``), random tokens that name exactly those rows, so a
    result cached for the database that was replaced is never found under them. This
    process's memory of them is dropped all the same, as of no further use.
    """
    from django.contrib.contenttypes.models import ContentType

    from palermo.platform.computed import forget_local

    connections.close_all()
    ContentType.objects.clear_cache()
    forget_local()


def _migration_differences(connection) -> tuple[list[str], list[str]]:
    """Migrations this code has that the restored database lacks, and the reverse. Read with
    SQL, not the ORM's recorder, so that the restore sends no model signal at all."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True, replace_migrations=False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        applied = {tuple(row) for row in cursor.fetchall()}
    known = set(loader.disk_migrations)
    replaced = {
        old
        for key, migration in loader.disk_migrations.items()
        if migration.replaces and (key in applied or set(migration.replaces) <= applied)
        for old in [key, *migration.replaces]
    }
    pending = sorted(f"{a}.{n}" for a, n in known - applied - replaced)
    unknown = sorted(f"{a}.{n}" for a, n in applied - known)
    return pending, unknown


# --- shared pieces ------------------------------------------------------------------------------


def _engine(connection) -> str:
    if connection.vendor not in DUMP_FILES:
        raise BackupError(
            f"Backups cover SQLite and PostgreSQL; this site's database is {connection.vendor}."
        )
    return connection.vendor


def _raw_sqlite(connection, doing: str) -> sqlite3.Connection:
    """Django's own SQLite connection: the only way to reach an in-memory database, and in a
    command it holds no transaction. Inside one, the backup API would wait on it forever."""
    connection.ensure_connection()
    raw = connection.connection
    if connection.in_atomic_block or raw.in_transaction:
        raise BackupError(
            f"Cannot {doing} a SQLite database from inside a transaction on it; run it on its "
            "own, as the palermo command does."
        )
    return raw


def _copy_sqlite(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """SQLite's online backup in one step (one consistent snapshot of the source). Python retries
    a locked database forever; give up after ``LOCK_TIMEOUT_SECONDS`` with a sentence."""
    waiting_since = None

    def progress(status, remaining, total):
        nonlocal waiting_since
        if status not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            waiting_since = None
            return
        waiting_since = waiting_since or time.monotonic()
        if time.monotonic() - waiting_since > LOCK_TIMEOUT_SECONDS:
            raise BackupError(
                f"The SQLite database stayed locked by another process for "
                f"{LOCK_TIMEOUT_SECONDS} s; stop the server and workers, then try again."
            )

    source.backup(target, progress=progress)


def _sqlite_facts(db: sqlite3.Connection) -> dict:
    tables = [
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
            "ESCAPE '\\' ORDER BY name"
        )
    ]
    counts = {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    migrations = []
    if "django_migrations" in counts:
        migrations = [
            f"{app}.{name}"
            for app, name in db.execute("SELECT app, name FROM django_migrations ORDER BY id")
        ]
    return {"engine_version": sqlite3.sqlite_version, "tables": counts, "migrations": migrations}


def _live_facts(connection, cursor) -> dict:
    counts = _count_rows(connection, cursor)
    migrations = []
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
    return {"tables": counts, "migrations": migrations}


def _count_rows(connection, cursor=None) -> dict[str, int]:
    """Rows in every table of the database (not only Django's models), with plain SQL."""
    if cursor is None:
        with connection.cursor() as cursor:
            return _count_rows(connection, cursor)
    tables = sorted(
        info.name
        for info in connection.introspection.get_table_list(cursor)
        if info.type == "t" and not info.name.startswith("sqlite_")
    )
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _pg_version(connection) -> tuple[int, ...]:
    number = connection.pg_version  # e.g. 150008
    return (number // 10000, number % 10000)


def _run_pg(program: str, arguments: list[str], db: dict | None, *, failure: str, stdout=None):
    """Run a PostgreSQL client program, on the site's database when ``db`` is given. The password
    goes through ``PGPASSWORD``: a command line is visible to every user of the machine."""
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            f"{program} was not found: install the PostgreSQL client programs (the same "
            f"major version as the server, or newer) and put them on the PATH. {failure}"
        )
    command = [executable]
    env = dict(os.environ)
    if db is not None:
        command.append("--no-password")  # never wait for a prompt (cron has no terminal)
        for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
            if db.get(key):
                command.append(f"{flag}={db[key]}")
        command.append(f"--dbname={db['NAME']}")
        if db.get("PASSWORD"):
            env["PGPASSWORD"] = str(db["PASSWORD"])
        options = db.get("OPTIONS") or {}
        for option, variable in _LIBPQ_OPTIONS.items():
            if options.get(option):
                env[variable] = str(options[option])
        # A lock held elsewhere (a running server's open transaction) ends in an error, not a hang.
        env["PGOPTIONS"] = (
            f"{env.get('PGOPTIONS', '')} -c lock_timeout={LOCK_TIMEOUT_SECONDS * 1000}"
        ).strip()
    finished = subprocess.run(
        [*command, *arguments],
        env=env,
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if finished.returncode != 0:
        detail = " ".join(finished.stderr.strip().splitlines()[-3:]) or "no message"
        raise BackupError(f"{program} failed: {detail} {failure}")


_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}


def _media_files(media_root: Path) -> list[str]:
    """Relative paths (POSIX) of the regular files under ``media_root``, sorted."""
    if not media_root.is_dir():
        return []
    found = []
    for folder, dirs, files in os.walk(media_root):
        dirs.sort()
        for name in files:
            path = Path(folder) / name
            if path.is_file():
                found.append(path.relative_to(media_root).as_posix())
    return sorted(found)


def _media_digest(root: Path) -> tuple[int, int, str]:
    digest, total = hashlib.sha256(), 0
    files = _media_files(root)
    for relative in files:
        path = root / relative
        digest.update(_media_line(relative, _sha256(path)))
        total += path.stat().st_size
    return len(files), total, digest.hexdigest()


def _media_line(relative: str, sha: str) -> bytes:
    return os.fsencode(relative) + b"\0" + sha.encode() + b"\n"


class _HashingReader(io.RawIOBase):
    """A file wrapper that hashes what tarfile reads from it."""

    def __init__(self, handle):
        self._handle, self._hash = handle, hashlib.sha256()

    def read(self, size=-1):
        data = self._handle.read(size)
        self._hash.update(data)
        return data

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
    tar.addfile(info, io.BytesIO(data))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _palermo_version() -> str | None:
    import palermo

    return getattr(palermo, "__version__", None)


def _plural(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _size(number: int) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if number < 1000 or unit == "GB":
            return f"{number:,} {unit}" if unit == "bytes" else f"{number:.1f} {unit}"
        number /= 1000
    return f"{number} bytes"
