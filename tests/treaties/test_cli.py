"""The command line: ``palermo treaty-status`` and ``palermo import treaty-actions``."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from palermo.treaties.models import TreatyAction

UNTOC = "United Nations Convention against Transnational Organized Crime (UNTC XVIII-12)"
HEADER = "instrument,participant,signature_date,deposit_date,action_type\n"
# Testland exists only in the test database; its dates are test values.
GOOD_CSV = HEADER + f"{UNTOC},Testland,2001-01-01,2020-02-02,ratification\n"
BAD_CSV = (
    HEADER
    + f"{UNTOC},Neverland,2001-01-01,2020-02-02,ratification\n"
    + f"{UNTOC},Testland,2002-05-05,2002-01-01,ratification\n"
)


def run(*args, **options):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def status_json(**options):
    out, _err = run("treaty_status", json=True, **options)
    data = json.loads(out)
    data["by_code"] = {p["code"]: p for p in data["participants"]}
    return data


# -- treaty_status -----------------------------------------------------------------------------


def test_status_json_on_a_date(db):
    data = status_json(instrument="UNTOC", on="2010-07-13")
    assert (data["instrument"], data["on"]) == ("UNTOC", "2010-07-13")
    rows = data["by_code"]
    assert rows["AND"]["status"] == "signatory"
    assert rows["AND"]["name"] == "Andorra"
    assert (rows["ALB"]["status"], rows["ALB"]["in_force_from"]) == ("party", "2003-09-29")
    # Deposited after the 40th instrument: the 30th day after its deposit (art. 38(2)).
    assert (rows["AFG"]["status"], rows["AFG"]["in_force_from"]) == ("party", "2003-10-24")
    assert (rows["BHR"]["status"], rows["BHR"]["in_force_from"]) == ("party", "2004-07-07")
    parties = [p for p in data["participants"] if p["status"] == "party"]
    assert data["counts"]["parties"] == len(parties) > 30
    assert set(data["counts"]) >= {"parties", "contracting", "signatories"}


def test_status_json_follows_the_date(db):
    early = status_json(instrument="untoc", on="2003-10-01")["by_code"]
    assert early["AFG"]["status"] == "contracting"
    assert early["AND"]["status"] == "signatory"
    assert "BHR" not in early  # no action yet (accession 2004-06-07): not listed without --all
    later = status_json(instrument="UNTOC", on="2011-10-22")["by_code"]
    assert later["AND"]["status"] == "party"


def test_status_filters_by_status_and_region(db):
    parties = status_json(instrument="UNTOC", on="2010-07-13", status="party")
    assert {p["status"] for p in parties["participants"]} == {"party"}
    assert "AND" not in parties["by_code"] and "ALB" in parties["by_code"]
    europe = status_json(instrument="UNTOC", on="2010-07-13", region="150")["by_code"]
    assert {"ALB", "AND"} <= europe.keys()
    assert "AFG" not in europe and "ARG" not in europe
    southern_asia = status_json(instrument="UNTOC", on="2010-07-13", region="034")["by_code"]
    assert "AFG" in southern_asia and "BHR" not in southern_asia


def test_status_of_a_protocol(db):
    rows = status_json(instrument="TIP", on="2004-07-07")["by_code"]
    assert rows["BHR"]["status"] == "party"
    assert "AFG" not in rows  # no TIP action known: not listed without --all


def test_status_text_output_gives_counts_and_a_list(db):
    out, _err = run("treaty_status", instrument="UNTOC", on="2010-07-13")
    data = status_json(instrument="UNTOC", on="2010-07-13")
    assert "2010-07-13" in out.splitlines()[0]
    assert f"parties: {data['counts']['parties']}" in out
    lines = {line.split()[0]: line for line in out.splitlines()[1:] if line[:3].isupper()}
    assert "Andorra" in lines["AND"] and "Signatory" in lines["AND"]
    assert "Party" in lines["AFG"] and "2003-10-24" in lines["AFG"]


@pytest.mark.parametrize(
    ("options", "message"),
    [({"instrument": "NOPE"}, "NOPE"), ({"on": "13/07/2010"}, "13/07/2010")],
)
def test_status_refuses_bad_options_with_a_message(db, options, message):
    with pytest.raises(CommandError, match=message):
        run("treaty_status", **options)


# -- import --------------------------------------------------------------------------------------


@pytest.fixture
def csv_file(tmp_path):
    def write(text, name="actions.csv"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def test_import_command_writes_and_reports(testland, csv_file):
    out, _err = run("import", "treaty-actions", csv_file(GOOD_CSV), user="secretariat")
    assert re.search(
        r"actions\.csv: 1 rows read; 2 records (were )?created, 0 updated, 0 already", out
    )
    assert TreatyAction.objects.filter(participant=testland).count() == 2
    out, _err = run("import", "treaty_actions", csv_file(GOOD_CSV))
    assert re.search(r"0 records (were )?created, 0 updated, 2 already present", out)


def test_import_command_dry_run_and_json(testland, csv_file):
    out, _err = run("import", "treaty-actions", csv_file(GOOD_CSV), dry_run=True, json=True)
    report = json.loads(out)
    assert (report["ok"], report["created"], report["dry_run"]) == (True, 2, True)
    assert not TreatyAction.objects.filter(participant=testland).exists()


def test_import_command_failure_lists_errors_and_writes_nothing(testland, csv_file):
    before = TreatyAction.objects.count()
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="Nothing was imported."):
        call_command("import", "treaty-actions", csv_file(BAD_CSV), stdout=out, stderr=err)
    errors = err.getvalue().splitlines()
    assert errors[0].startswith("error: actions.csv, row 2, field “participant”: “Neverland”")
    assert errors[1].startswith("error: actions.csv, row 3, field “deposit_date”: ")
    assert "2 error" in out.getvalue() and "nothing was imported" in out.getvalue()
    assert TreatyAction.objects.count() == before


@pytest.mark.parametrize(
    ("args", "options", "message"),
    [
        (("nope", "x.csv"), {}, "invalid choice: 'nope' \\(choose from .*'treaty-actions'"),
        (("treaty-actions", "/nonexistent/actions.csv"), {}, "No file at"),
        (("treaty-actions", None), {"user": "nobody"}, "No user named “nobody”"),
    ],
)
def test_import_command_usage_errors(testland, csv_file, args, options, message):
    args = tuple(csv_file(GOOD_CSV) if a is None else a for a in args)
    with pytest.raises(CommandError, match=message):
        run("import", *args, **options)
    assert not TreatyAction.objects.filter(participant=testland).exists()


def test_import_command_as_a_user_without_permission_is_a_command_error(testland, csv_file):
    with pytest.raises(CommandError, match="treaties.import_actions"):
        run("import", "treaty-actions", csv_file(GOOD_CSV), user="observer")
