"""`palermo backup` and `palermo restore`, on the engine the suite runs on (SQLite or PostgreSQL).

A restore must give back exactly what was backed up, every row of every table and every
uploaded file, without a single new audit entry or model signal (``loaddata`` once added
hundreds of authorless audit entries). A backup taken while rows are being committed must hold
every row committed before it started. A bad archive must be refused before anything changes.

pg_dump and pg_restore are other processes: they see only committed rows, so the tests that
back up and restore the test database itself are transactional (they run last and flush).
The refusal tests share one real backup made outside any test transaction.
"""

import hashlib
import io
import json
import re
import sqlite3
import subprocess
import sys
import tarfile
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.backends.sqlite3._functions import register as register_django_functions
from django.db.models import signals
from django.test import override_settings

from palermo import settings as production
from palermo.core.models import Participant, User
from palermo.treaties.models import TreatyAction

# Every test, even those that only run the command in another process, needs the test
# database set up: the shared backup is made from it, never from a real site's database.
pytestmark = pytest.mark.django_db

ON_SQLITE = connection.vendor == "sqlite"
DUMP = "database.sqlite3" if ON_SQLITE else "database.pgdump"
OTHER_ENGINE = ("postgresql", "database.pgdump") if ON_SQLITE else ("sqlite", "database.sqlite3")
MODEL_SIGNALS = [
    signals.pre_init,
    signals.post_init,
    signals.pre_save,
    signals.post_save,
    signals.pre_delete,
    signals.post_delete,
    signals.m2m_changed,
    signals.pre_migrate,
    signals.post_migrate,
]


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def every_row() -> dict:
    """Each table's rows, sorted, read with SQL (not the ORM), plus the sequences that give the
    next ids: what "exactly as backed up" means."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = [t.name for t in connection.introspection.get_table_list(cursor) if t.type == "t"]
        if ON_SQLITE:
            tables.append("sqlite_sequence")
        rows = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {quote(table)}")
            rows[table] = sorted(cursor.fetchall(), key=repr)
        if not ON_SQLITE:
            cursor.execute(
                "SELECT sequencename, last_value FROM pg_sequences "
                "WHERE schemaname = current_schema()"
            )
            rows["(sequences)"] = sorted(cursor.fetchall(), key=repr)
    return rows


def row_counts() -> dict:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = [t.name for t in connection.introspection.get_table_list(cursor) if t.type == "t"]
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def files_under(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def write_uploads(root: Path) -> None:
    (root / "declarations" / "2024").mkdir(parents=True)
    (root / "declarations" / "2024" / "note verbale.pdf").write_bytes(
        b"%PDF-1.4 " + bytes(range(256))
    )
    (root / "avatar.png").write_bytes(b"\x89PNG fictional")


def read_member(archive: Path, name: str) -> bytes:
    with tarfile.open(archive) as tar:
        return tar.extractfile(name).read()


def rewrite(archive: Path, target: Path, *, manifest=None, rename=None, dump=None) -> Path:
    """A copy of ``archive`` with its manifest, dump name or dump bytes changed."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else None
            if member.name == "manifest.json" and manifest:
                data = json.dumps(manifest(json.loads(data))).encode()
            if member.name == DUMP and dump:
                data = dump(data)
            if member.name == DUMP and rename:
                member.name = rename
            if data is not None:
                member.size = len(data)
            out.addfile(member, io.BytesIO(data) if data is not None else None)
    return target


@contextmanager
def recording_model_signals():
    sent = []

    def receiver(sender, signal, **kwargs):
        sent.append((signal, sender))

    for signal in MODEL_SIGNALS:
        signal.connect(receiver, weak=False, dispatch_uid="test_backup")
    try:
        yield sent
    finally:
        for signal in MODEL_SIGNALS:
            signal.disconnect(dispatch_uid="test_backup")


@pytest.fixture(scope="module")
def backup(tmp_path_factory, django_db_setup, django_db_blocker):
    """One real backup of the session's reference and demo data, with two uploaded files, made
    outside any test transaction (as the command runs); returns the archive and its --json."""
    folder = tmp_path_factory.mktemp("backup")
    write_uploads(folder / "media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=folder / "media"):
        summary = json.loads(run("backup", str(folder), "--json"))
    return Path(summary["archive"]), summary


@pytest.fixture
def archive(backup):
    return backup[0]


# --- what a backup holds ------------------------------------------------------------------------


def test_the_archive_holds_the_dump_the_uploads_and_a_manifest_that_describes_them(backup):
    archive, summary = backup
    assert archive.name.startswith("palermo-backup-") and archive.name.endswith(".tar.gz")
    assert archive.stat().st_mode & 0o077 == 0  # password hashes inside: owner only
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert names == {
        "manifest.json",
        DUMP,
        "media",
        "media/avatar.png",
        "media/declarations/2024/note verbale.pdf",
    }
    manifest = json.loads(read_member(archive, "manifest.json"))
    assert summary == {
        "archive": str(archive),
        "bytes": archive.stat().st_size,
        "manifest": manifest,
    }
    assert manifest["format"] == "palermo-backup" and manifest["format_version"] == 1
    assert manifest["palermo_version"] == __import__("palermo").__version__
    assert manifest["engine"] == connection.vendor and manifest["created_at"].endswith("Z")
    dump = read_member(archive, DUMP)
    assert manifest["database"] == {
        "file": DUMP,
        "bytes": len(dump),
        "sha256": hashlib.sha256(dump).hexdigest(),
    }
    # Every table is counted, with the rows it held (the test data are the backup's data).
    assert manifest["tables"] == row_counts()
    assert manifest["tables"]["core_participant"] > 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        assert manifest["migrations"] == [f"{app}.{name}" for app, name in cursor.fetchall()]
    assert manifest["media"]["folder"] == "media"
    assert manifest["media"]["files"] == 2 and manifest["media"]["bytes"] == 265 + 14


def test_backup_refuses_to_overwrite_a_file_or_to_run_inside_a_transaction(tmp_path):
    existing = tmp_path / "old.tar.gz"
    existing.write_bytes(b"an older backup")
    with pytest.raises(CommandError, match=f"already a file at {existing}"):
        run("backup", str(existing))
    with pytest.raises(CommandError, match=f"folder {tmp_path / 'missing'} does not exist"):
        run("backup", str(tmp_path / "missing" / "site.tar.gz"))
    # A test (or any caller) inside a transaction would back up rows nobody committed.
    with pytest.raises(CommandError, match="inside a transaction"):
        run("backup", str(tmp_path))
    assert existing.read_bytes() == b"an older backup"
    assert [p.name for p in tmp_path.iterdir()] == ["old.tar.gz"]


# --- what a restore refuses ---------------------------------------------------------------------


@contextmanager
def nothing_changes(media: Path):
    counts, uploads = row_counts(), files_under(media)
    entries = LogEntry.objects.count()
    yield
    assert row_counts() == counts and files_under(media) == uploads
    assert LogEntry.objects.count() == entries


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    write_uploads(settings.MEDIA_ROOT)
    (settings.MEDIA_ROOT / "avatar.png").write_bytes(b"the current avatar")
    return settings.MEDIA_ROOT


def test_restore_refuses_a_site_that_holds_data_unless_forced(archive, media):
    with nothing_changes(media), pytest.raises(CommandError) as refused:
        run("restore", str(archive))
    message = str(refused.value)
    assert message.startswith("The current site already holds data (")
    # It names the tables holding the most rows (whichever modules fill them).
    assert re.search(r"\(\d[\d,]* rows: \d[\d,]* in [a-z]+_[a-z]+", message), message
    assert f"2 uploaded files in {media}" in message
    assert "run again with --force" in message
    assert "Nothing was restored; the current database is unchanged." in message


def not_a_tar(archive, path):
    path.write_text("participant,instrument\nARG,UNTOC\n")
    return path, f"{path} is not a Palermo backup: it is not a tar archive."


def no_manifest(archive, path):
    with tarfile.open(archive) as source, tarfile.open(path, "w:gz") as out:
        for member in source.getmembers():
            if member.name != "manifest.json":
                out.addfile(member, source.extractfile(member) if member.isfile() else None)
    return path, f"{path} is not a Palermo backup: it holds no manifest.json."


def some_other_tar(archive, path):
    with tarfile.open(path, "w:gz") as tar:
        tar.add(__file__, arcname="var/palermo.sqlite3")
    return path, f"{path} is not a Palermo backup: it holds var/palermo.sqlite3, which"


def foreign_entries(archive, path):
    return rewrite(archive, path, rename="../../etc/cron.d/palermo"), "which a backup never does"


def damaged_dump(archive, path):
    changed = rewrite(archive, path, dump=lambda data: data[:-1] + bytes([data[-1] ^ 1]))
    return changed, (
        f"The database dump {DUMP} in {path} does not match the checksum in its manifest.json"
    )


def other_engine(archive, path):
    engine, dump = OTHER_ENGINE
    changed = rewrite(
        archive,
        path,
        rename=dump,
        manifest=lambda m: {**m, "engine": engine, "database": {**m["database"], "file": dump}},
    )
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    return changed, (
        f"{path} is a backup of a {names[engine]} database, but this Palermo runs on "
        f"{names[connection.vendor]}: a backup can only be restored to the engine it was made from."
    )


def newer_format(archive, path):
    changed = rewrite(archive, path, manifest=lambda m: {**m, "format_version": 2})
    return changed, f"The manifest.json in {path} has format version 2"


def altered_uploads(archive, path):
    changed = rewrite(archive, path, manifest=lambda m: {**m, "media": {**m["media"], "files": 1}})
    return changed, f"The uploaded files in {path} do not match the checksum"


@pytest.mark.parametrize(
    "make",
    [
        not_a_tar,
        no_manifest,
        some_other_tar,
        foreign_entries,
        damaged_dump,
        other_engine,
        newer_format,
        altered_uploads,
    ],
)
def test_restore_refuses_a_bad_archive_and_says_what_is_wrong_in_which_file(
    make, archive, media, tmp_path
):
    path, expected = make(archive, tmp_path / "suspect.tar.gz")
    # --force too: the archive is checked before the question of replacing data even arises.
    with nothing_changes(media), pytest.raises(CommandError) as refused:
        run("restore", str(path), "--force")
    assert expected in str(refused.value)
    assert str(refused.value).endswith("Nothing was restored; the current database is unchanged.")


def test_restore_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match=f"No file at {tmp_path / 'nothing.tar.gz'}"):
        run("restore", str(tmp_path / "nothing.tar.gz"))


# --- on a fresh machine, and while rows are written ----------------------------------------------


def palermo(*args, env) -> str:
    """The real ``palermo`` command in another process, on another site."""
    finished = subprocess.run(
        [sys.executable, "-m", "palermo.cli", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr
    return finished.stdout


def test_a_backup_restores_on_a_fresh_machine_without_force(backup, fresh_site):
    archive, summary = backup
    restored = json.loads(palermo("restore", archive, "--json", env=fresh_site))
    # The test settings add apps a real site lacks: their migrations are reported as unknown.
    test_only = {
        config.label
        for config in apps.get_app_configs()
        if config.name in set(django_settings.INSTALLED_APPS) - set(production.INSTALLED_APPS)
    }
    unknown = sorted(m for m in summary["manifest"]["migrations"] if m.split(".")[0] in test_only)
    assert restored == {
        "archive": str(archive),
        "engine": connection.vendor,
        "backup_created_at": summary["manifest"]["created_at"],
        "backup_palermo_version": summary["manifest"]["palermo_version"],
        "tables": len(summary["manifest"]["tables"]),
        "rows": sum(summary["manifest"]["tables"].values()),
        "media_files": 2,
        "replaced_existing_data": False,
        "pending_migrations": [],
        "unknown_migrations": unknown,
    }
    media = Path(fresh_site["PALERMO_DATA_DIR"]) / "media"
    assert files_under(media) == files_under(archive.parent / "media")


class Writer(threading.Thread):
    """Commits one session row after another (each its own transaction) until told to stop."""

    def __init__(self, path: Path):
        super().__init__(daemon=True)
        self.path, self.committed, self.error = path, 0, None
        self.warm, self.stop = threading.Event(), threading.Event()

    def run(self):
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            while not self.stop.is_set():
                db.execute(
                    "INSERT INTO django_session (session_key, session_data, expire_date) "
                    "VALUES (?, ?, '2999-01-01 00:00:00')",
                    (f"probe-{self.committed:08d}", "x" * 400),
                )
                self.committed += 1  # autocommit: the row is committed once execute returns
                if self.committed == 50:
                    self.warm.set()
        except Exception as exc:  # reported by the test
            self.error = exc
            self.warm.set()
        finally:
            db.close()


@pytest.mark.skipif(not ON_SQLITE, reason="SQLite's online backup; pg_dump reads a snapshot")
def test_a_backup_taken_while_rows_are_committed_holds_every_row_committed_before_it(
    backup, fresh_site, tmp_path
):
    palermo("restore", backup[0], env=fresh_site)
    writer = Writer(Path(fresh_site["PALERMO_DATA_DIR"]) / "palermo.sqlite3")
    writer.start()
    try:
        assert writer.warm.wait(timeout=60) and writer.error is None
        committed_before = writer.committed
        summary = json.loads(palermo("backup", tmp_path, "--json", env=fresh_site))
        assert writer.is_alive()  # it kept committing rows all through the backup
    finally:
        writer.stop.set()
        writer.join(timeout=30)
    assert writer.error is None
    dump = tmp_path / "during.sqlite3"
    dump.write_bytes(read_member(Path(summary["archive"]), "database.sqlite3"))
    db = sqlite3.connect(dump)
    register_django_functions(db)  # the CHECK constraints call REGEXP
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        keys = [
            key
            for (key,) in db.execute(
                "SELECT session_key FROM django_session WHERE session_key LIKE 'probe-%' "
                "ORDER BY session_key"
            )
        ]
        sessions = db.execute("SELECT COUNT(*) FROM django_session").fetchone()[0]
    finally:
        db.close()
    # Every row committed before the backup started, and a consistent snapshot: the rows of a
    # prefix of the writer's sequence, none missing in between.
    assert len(keys) >= committed_before
    assert keys == [f"probe-{n:08d}" for n in range(len(keys))]
    assert summary["manifest"]["tables"]["django_session"] == sessions


# --- the round trip -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_restore_gives_back_every_row_and_file_and_adds_no_audit_entry(tmp_path, settings):
    if not Participant.objects.exists():  # an earlier transactional test flushed the database
        from tests.conftest import load_everything

        load_everything()
    settings.MEDIA_ROOT = tmp_path / "media"
    write_uploads(settings.MEDIA_ROOT)
    before, uploads = every_row(), files_under(settings.MEDIA_ROOT)
    entries, last_entry = LogEntry.objects.count(), LogEntry.objects.order_by("pk").last().pk
    assert entries > 100
    archive = tmp_path / "site.tar.gz"
    assert "Backed up" in run("backup", str(archive))

    # After the backup, the site moves on: audited edits, deletions, a new user, new uploads.
    argentina = Participant.objects.get(code="ARG")
    argentina.name = "Changed after the backup"
    argentina.save()
    for action in TreatyAction.objects.order_by("pk")[:5]:
        action.delete()
    User.objects.create(username="after-backup")
    (settings.MEDIA_ROOT / "avatar.png").unlink()
    (settings.MEDIA_ROOT / "later.txt").write_text("uploaded after the backup")
    assert LogEntry.objects.count() > entries and every_row() != before

    with recording_model_signals() as sent:
        output = run("restore", str(archive), "--force")
    assert output.startswith("Restored the backup of ")
    assert sent == []  # no save, delete or even instantiation of a model
    assert every_row() == before
    assert LogEntry.objects.count() == entries
    assert LogEntry.objects.order_by("pk").last().pk == last_entry
    assert Participant.objects.get(code="ARG").name == "Argentina"
    assert files_under(settings.MEDIA_ROOT) == uploads
