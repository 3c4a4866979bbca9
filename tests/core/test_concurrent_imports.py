"""Ten `palermo import` runs of one file at the same time, on a real site in other processes:
each either applies or reports a clear conflict, never a traceback, and the file's facts are
recorded once. (Found by a probe: one of ten ended in an unhandled IntegrityError.)"""

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.django_db

# The Republic of Korea's signature and ratification of the Convention, as in the shipped
# reference data (its source: the Korea Herald, 6 November 2015). The test removes the
# ratification from a fresh site first, so that the ten imports have one fact to record.
FILE = (
    "instrument,participant,signature_date,deposit_date,action_type,source_url\n"
    "UNTOC,Republic of Korea,2000-12-13,2015-11-05,ratification,"
    "https://m.koreaherald.com/view.php?ud=20151106000324\n"
)
FORGET_RATIFICATION = (
    "from palermo.treaties.models import TreatyAction; "
    "TreatyAction.objects.filter(instrument__code='UNTOC', participant__code='KOR', "
    "kind='ratification').delete()"
)


def run(*args, env):
    return subprocess.run(
        [sys.executable, "-m", "palermo.cli", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_ten_simultaneous_imports_of_one_file_each_apply_or_report_a_conflict(fresh_site, tmp_path):
    for step in (
        ("migrate", "--no-input", "-v", "0"),
        ("load-reference",),
        ("shell", "-c", FORGET_RATIFICATION),
    ):
        done = run(*step, env=fresh_site)
        assert done.returncode == 0, done.stderr
    path = tmp_path / "japan.csv"
    path.write_text(FILE)
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(
            pool.map(
                lambda _i: run("import", "treaty-actions", path, "--json", env=fresh_site),
                range(10),
            )
        )
    reports = []
    for result in results:
        assert "Traceback" not in result.stderr, result.stderr
        assert result.returncode in (0, 1), result.stderr
        reports.append(json.loads(result.stdout))
    applied = [r for r in reports if r["ok"]]
    conflicts = [r for r in reports if not r["ok"]]
    for report in conflicts:
        assert {e["kind"] for e in report["errors"]} == {"conflict"}, report["errors"]
        assert "import the file again" in report["message"] + report["errors"][0]["message"]
    assert applied, "at least one import applies"
    assert sum(r["created"] for r in applied) == 1  # the ratification, recorded once
    again = json.loads(run("import", "treaty-actions", path, "--json", env=fresh_site).stdout)
    assert again["ok"] and again["created"] == 0 and again["unchanged"] == 2
