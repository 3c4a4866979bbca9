"""While an import writes (SQLite's one write lock held for its whole transaction), readers
are not blocked: the site's database is in WAL mode. Checked on a real site's file, with the
import in another process."""

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's write lock"),
]

SLOW_IMPORT = """
import pathlib, time
from palermo.platform.actors import system_user
from palermo.platform.imports import Importer, register_importer, run_import

@register_importer
class Slow(Importer):
    name = "slow"
    def validate_row(self, row, report):
        pathlib.Path({writing!r}).write_text("holding the write lock")
        while not pathlib.Path({go!r}).exists():
            time.sleep(0.05)
        return row
    def write_batch(self, items, report, *, acting_user):
        report.created += len(items)

pathlib.Path({file!r}).write_text("a\\n1\\n")
print(run_import("slow", {file!r}, acting_user=system_user()).message)
"""


def test_readers_read_while_an_import_holds_the_write_lock(fresh_site, tmp_path):
    def palermo(*args):
        return subprocess.Popen(
            [sys.executable, "-m", "palermo.cli", *args],
            env=fresh_site,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    assert palermo("migrate", "--no-input", "-v", "0").wait(timeout=120) == 0
    writing, go = tmp_path / "writing", tmp_path / "go"
    script = SLOW_IMPORT.format(writing=str(writing), go=str(go), file=str(tmp_path / "a.csv"))
    importing = palermo("shell", "-c", script)
    try:
        for _ in range(600):
            if writing.exists() or importing.poll() is not None:
                break
            time.sleep(0.05)
        assert writing.exists(), importing.communicate()[1]
        database = Path(fresh_site["PALERMO_DATA_DIR"]) / "palermo.sqlite3"
        reader = sqlite3.connect(database, timeout=0.2)
        assert reader.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert reader.execute("SELECT count(*) FROM platform_importrun").fetchone()[0] == 1
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            reader.execute("UPDATE platform_importrun SET file_name = file_name")
        reader.close()
    finally:
        go.write_text("go")
    out, err = importing.communicate(timeout=120)
    assert importing.returncode == 0, err
    assert "1 records created" in out
