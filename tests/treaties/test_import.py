"""Importing treaty actions: all or nothing, every error located, the same report from the
framework, the import page (a background job) and the API."""

import json
import re
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from palermo.core.choices import Role
from palermo.core.models import Job, Notification, User
from palermo.core.services import create_api_token
from palermo.platform.imports import run_import
from palermo.platform.models import ImportRun
from palermo.treaties.models import TreatyAction
from palermo.treaties.queries import get_engine
from tests.conftest import ROLES
from tests.factories import InstrumentFactory, UserFactory

DATA = Path(__file__).parent / "data"
UNTC_PAGE = DATA / "untc_xviii-12_excerpt_2024-05-04.html"
# The same page with one more row, for the test-only participant Testland: its date is a test
# value. Built here rather than kept as a second copy of the page.
TESTLAND_ROW = "\t\t<tr>\n\t\t\t<td>Testland</td><td>&nbsp;</td><td>\n\t\t\t\t&nbsp;2 Feb 2020\ta\n\t\t\t</td>\n\t\t</tr>\n"
BELIZE_ROW_END = "26 Sep 2003\ta\n\t\t\t</td>\n\t\t</tr>\n"
UNTC_PAGE_WITH_TESTLAND_NAME = "untc_xviii-12_with_test_participant.html"
UNTC_PAGE_WITH_TESTLAND_BYTES = (
    UNTC_PAGE.read_text(encoding="utf-8").replace(BELIZE_ROW_END, BELIZE_ROW_END + TESTLAND_ROW, 1)
).encode()
UNTOC = "United Nations Convention against Transnational Organized Crime (UNTC XVIII-12)"
HEADER = "instrument,participant,signature_date,deposit_date,action_type\n"

# Testland and Otherland exist only in the test database; their dates are test values.
GOOD_CSV = (
    HEADER
    + f"{UNTOC},Testland,2001-01-01,2020-02-02,ratification\n"
    + f"{UNTOC},Otherland,,2020-03-03,accession\n"
).encode()
BAD_CSV = (
    HEADER
    + f"{UNTOC},Neverland,2001-01-01,2020-02-02,ratification\n"
    + f"{UNTOC},Testland,2001-01-01,02/02/2020,ratification\n"
    + f"{UNTOC},Otherland,2002-05-05,2002-01-01,ratification\n"
).encode()


def summary(rows, created, updated, unchanged):
    """The report sentence a person reads, whatever its exact wording around the numbers."""
    return re.compile(
        rf"{rows} rows read; {created} records (?:were |would be )?created, {updated} updated, "
        rf"{unchanged} already present"
    )


def failed(message, file, n):
    return (
        file in message
        and re.search(rf"\b{n} errors?\b", message)
        and ("nothing was imported" in message)
    )


def located(report):
    return {(e.row, e.field) for e in report.errors}


def test_good_csv_creates_then_finds_everything_unchanged(testland, otherland, secretariat):
    before = TreatyAction.objects.count()
    report = run_import("treaty-actions", "testland.csv", GOOD_CSV, acting_user=secretariat)
    assert report.ok, report.errors
    assert (report.rows, report.created, report.updated, report.unchanged) == (2, 3, 0, 0)
    assert report.message.startswith("testland.csv")
    assert summary(2, 3, 0, 0).search(report.message)
    assert TreatyAction.objects.count() == before + 3
    ratification = TreatyAction.objects.get(participant=testland, kind="ratification")
    assert str(ratification.date) == "2020-02-02"
    assert ratification.source == f"{UNTOC} (file testland.csv)"

    again = run_import("treaty-actions", "testland.csv", GOOD_CSV, acting_user=secretariat)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert TreatyAction.objects.count() == before + 3
    # The engine sees the new actions: 30th day after the deposit (art. 38(2)).
    assert get_engine().entry_into_force_for("QTL", "UNTOC").isoformat() == "2020-03-03"


def test_bad_csv_lists_every_error_with_row_and_field_and_writes_nothing(
    testland, otherland, secretariat
):
    before = TreatyAction.objects.count()
    report = run_import("treaty-actions", "bad.csv", BAD_CSV, acting_user=secretariat)
    assert not report.ok
    assert located(report) == {(2, "participant"), (3, "deposit_date"), (4, "deposit_date")}
    messages = {(e.row, e.field): e.message for e in report.errors}
    assert "“Neverland” is not a known participant" in messages[(2, "participant")]
    assert (
        'deposit_date "02/02/2020" is not a date (expected YYYY-MM-DD)'
        in messages[(3, "deposit_date")]
    )
    assert (
        "deposit_date 2002-01-01 is before signature_date 2002-05-05"
        in messages[(4, "deposit_date")]
    )
    assert str(report.errors[0]).startswith("bad.csv, row 2, field “participant”: ")
    assert failed(report.message, "bad.csv", 3)
    assert report.created == 0
    assert TreatyAction.objects.count() == before


def test_the_parsers_messages_are_translated_in_the_importing_users_language(
    monkeypatch, testland, secretariat
):
    from palermo.treaties import importers

    # Stands for Django's gettext/ngettext in another language: the parsers' messages go
    # through them, as the rule engine's do.
    monkeypatch.setattr(importers, "_", lambda msgid: f"«{msgid}»")
    monkeypatch.setattr(importers, "ngettext", lambda s, p, n: f"«{s if n == 1 else p}»")
    report = run_import("treaty-actions", "notes.txt", b"just notes\n", acting_user=secretariat)
    assert report.errors[0].message.startswith('«Cannot tell what kind of file "notes.txt" is')
    report = run_import("treaty-actions", "bad.csv", BAD_CSV, acting_user=secretariat)
    messages = {(e.row, e.field): e.message for e in report.errors}
    assert messages[(3, "deposit_date")] == (
        '«deposit_date "02/02/2020" is not a date (expected YYYY-MM-DD)»'
    )
    sheet = json.dumps(
        [
            {
                "instrument": UNTOC,
                "participant": "Testland",
                "signature_date": "",
                "deposit_date": "2020-02-31",
                "action_type": "accession",
            }
        ]
    ).encode()
    report = run_import("treaty-actions", "sheet.json", sheet, acting_user=secretariat)
    assert [e.message for e in report.errors] == [
        '«deposit_date "2020-02-31" is not a real calendar date (expected YYYY-MM-DD)»'
    ]


def test_conflicting_date_names_the_row_and_the_record(secretariat):
    content = (
        HEADER
        + f"{UNTOC},Albania,2000-12-12,2002-08-21,ratification\n"
        + f"{UNTOC},Afghanistan,,2003-09-25,ratification\n"
    ).encode()
    before = TreatyAction.objects.count()
    report = run_import("treaty-actions", "conflict.csv", content, acting_user=secretariat)
    assert [(e.row, e.field) for e in report.errors] == [(3, "date")]
    message = report.errors[0].message
    assert message.startswith("Afghanistan already has a ratification of UNTOC dated 2003-09-24")
    assert message.endswith("this file says 2003-09-25. Correct the record or the file first.")
    assert TreatyAction.objects.count() == before


TIP = '"Protocol to Prevent, Suppress and Punish Trafficking in Persons (UNTC XVIII-12-a)"'


def test_protocol_row_refused_by_the_rules_when_convention_data_are_complete(
    testland, otherland, secretariat
):
    untoc = InstrumentFactory()
    untoc.actions_complete = True
    untoc.save()
    content = (HEADER + f"{TIP},Testland,,2020-02-02,accession\n").encode()
    report = run_import("treaty-actions", "tip.csv", content, acting_user=secretariat)
    assert located(report) == {(2, "deposit_date")}
    assert report.errors[0].message == (
        "Testland cannot accede to TIP on 2020-02-02: it is not a party to the Convention "
        "(UNTOC art. 37(2))."
    )
    assert not TreatyAction.objects.filter(participant__code="QTL").exists()


def test_protocol_row_accepted_with_a_warning_when_convention_data_are_partial(
    testland, otherland, secretariat
):
    content = (HEADER + f"{TIP},Testland,,2020-02-02,accession\n").encode()
    report = run_import("treaty-actions", "tip.csv", content, acting_user=secretariat)
    assert report.ok and report.created == 1
    (warning,) = [w for w in report.warnings if w.row is not None]
    assert (warning.row, warning.field) == (2, "participant")
    assert "accepted but not verified" in warning.message
    assert TreatyAction.objects.filter(participant__code="QTL", instrument__code="TIP").exists()


def test_untc_page_already_loaded_is_all_unchanged(secretariat):
    before = TreatyAction.objects.count()
    report = run_import(
        "treaty-actions", UNTC_PAGE.name, UNTC_PAGE.read_bytes(), acting_user=secretariat
    )
    assert report.ok, report.errors
    assert report.created == 0
    # 18 participants: 18 instruments deposited and 15 signatures (three acceded). The shipped
    # table knows Barbados' deposit of 2014-11-11 only from an Austrian notice that does not
    # say which kind it was; the UNTC page says ratification, and the record becomes precise.
    assert (report.rows, report.updated, report.unchanged) == (18, 1, 32)
    barbados = TreatyAction.objects.get(
        participant__code="BRB", instrument__code="UNTOC", kind="ratification"
    )
    assert str(barbados.date) == "2014-11-11"
    assert TreatyAction.objects.count() == before


def test_untc_page_with_a_new_row_creates_only_that_row(testland, otherland, secretariat):
    before = TreatyAction.objects.count()
    report = run_import(
        "treaty-actions",
        UNTC_PAGE_WITH_TESTLAND_NAME,
        UNTC_PAGE_WITH_TESTLAND_BYTES,
        acting_user=secretariat,
    )
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (1, 1, 32)
    assert TreatyAction.objects.count() == before + 1
    action = TreatyAction.objects.get(participant__code="QTL")
    assert (action.instrument.code, action.kind, str(action.date)) == (
        "UNTOC",
        "accession",
        "2020-02-02",
    )


def test_dry_run_reports_what_would_happen_and_writes_nothing(testland, otherland, secretariat):
    before = TreatyAction.objects.count()
    report = run_import(
        "treaty-actions",
        "testland.csv",
        GOOD_CSV,
        acting_user=secretariat,
        dry_run=True,
    )
    assert report.ok and report.created == 3
    assert summary(2, 3, 0, 0).search(report.message)
    assert "would be created" in report.message
    assert TreatyAction.objects.count() == before


@pytest.mark.parametrize("role", [r for r in Role if r != Role.SECRETARIAT])
def test_import_framework_refuses_other_roles(testland, otherland, role):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied, match="treaties.import_actions"):
        run_import("treaty-actions", "testland.csv", GOOD_CSV, acting_user=UserFactory(role=role))
    assert not TreatyAction.objects.filter(participant__code="QTL").exists()


def test_import_is_one_audit_entry_with_its_actor_and_each_action_names_its_row(
    testland, otherland, secretariat
):
    report = run_import("treaty-actions", "testland.csv", GOOD_CSV, acting_user=secretariat)
    action = TreatyAction.objects.get(participant__code="QTL", kind="ratification")
    assert not LogEntry.objects.get_for_object(action).exists()  # not one entry per row
    run = ImportRun.objects.get(pk=report.run.pk)
    assert (action.import_run, action.source_row) == (run, 2)
    entry = LogEntry.objects.get_for_object(run).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor.username == "secretariat"
    assert entry.changes_dict["created"][1] == report.created
    # And the Secretariat can read it on the audit page.
    client = Client()
    client.force_login(secretariat)
    page = client.get("/audit/", {"actor__username": "secretariat", "object_repr": "testland"})
    assert "testland.csv (treaty-actions)" in page.content.decode()


# -- the import page: a background job, its page shows the report ------------------------------


def upload(content, name):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_import_page_runs_a_job_whose_page_shows_the_report(user_client, testland, otherland):
    client = user_client("secretariat")
    assert client.get("/import/").status_code == 200
    response = client.post(
        "/import/",
        {
            "importer": "treaty-actions",
            "file": upload(UNTC_PAGE_WITH_TESTLAND_BYTES, UNTC_PAGE_WITH_TESTLAND_NAME),
        },
    )
    assert response.status_code == 302
    assert re.fullmatch(r"/jobs/[0-9a-f-]{36}/", response["Location"])
    page = client.get(response["Location"]).content.decode()
    assert "Finished" in page
    assert "untc_xviii-12_with_test_participant.html" in page
    assert summary(19, 1, 1, 32).search(page)
    assert TreatyAction.objects.filter(participant__code="QTL").count() == 1
    job = Job.objects.get()
    assert job.owner.username == "secretariat"
    (note,) = Notification.objects.filter(recipient=job.owner)
    assert summary(19, 1, 1, 32).search(note.title)


def test_import_page_shows_every_error_of_a_bad_file(user_client, testland, otherland):
    client = user_client("secretariat")
    before = TreatyAction.objects.count()
    response = client.post(
        "/import/", {"importer": "treaty-actions", "file": upload(BAD_CSV, "bad.csv")}
    )
    page = client.get(response["Location"])
    report = BeautifulSoup(page.content, "lxml").select(".import-report tbody tr")
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in report]
    rows = [r for r in rows if len(r) == 4]  # the table of errors (file, row, field, problem)
    assert [r[:3] for r in rows] == [
        ["bad.csv", "2", "participant"],
        ["bad.csv", "3", "deposit_date"],
        ["bad.csv", "4", "deposit_date"],
    ]
    assert failed(page.content.decode(), "bad.csv", 3)
    assert "Failed" in page.content.decode()
    assert TreatyAction.objects.count() == before


def test_import_page_dry_run_writes_nothing(user_client, testland, otherland):
    client = user_client("secretariat")
    response = client.post(
        "/import/",
        {"importer": "treaty-actions", "file": upload(GOOD_CSV, "testland.csv"), "dry_run": "on"},
    )
    page = client.get(response["Location"]).content.decode()
    assert summary(2, 3, 0, 0).search(page)
    assert "would be created" in page
    assert not TreatyAction.objects.filter(participant__code__in=["QTL", "QTO"]).exists()


@pytest.mark.parametrize("role", [r for r in ROLES if r != "secretariat"])
def test_import_page_refuses_other_roles(user_client, testland, otherland, role):
    response = user_client(role).post(
        "/import/", {"importer": "treaty-actions", "file": upload(GOOD_CSV, "testland.csv")}
    )
    # Refused the page (no importer for the role), or the importer (a State's focal point and
    # expert import other things: the treaty importer is not offered, the form refuses it).
    assert response.status_code in (403, 200)
    if response.status_code == 200:
        assert "importer" in response.context["form"].errors
    assert not Job.objects.exists()
    assert not TreatyAction.objects.filter(participant__code="QTL").exists()


def test_other_users_cannot_see_the_secretariats_job(user_client, testland, otherland):
    response = user_client("secretariat").post(
        "/import/", {"importer": "treaty-actions", "file": upload(GOOD_CSV, "testland.csv")}
    )
    assert user_client("observer").get(response["Location"]).status_code == 404


# -- the same through the API ------------------------------------------------------------------


def token_client(username):
    _token, key = create_api_token(acting_user=User.objects.get(username=username), name="t")
    return Client(headers={"Authorization": f"Bearer {key}"})


def test_api_import_returns_202_and_the_job_shows_the_report(testland, otherland):
    client = token_client("secretariat")
    response = client.post(
        "/api/imports",
        {
            "importer": "treaty-actions",
            "file": upload(UNTC_PAGE_WITH_TESTLAND_BYTES, UNTC_PAGE_WITH_TESTLAND_NAME),
        },
    )
    assert response.status_code == 202
    job_id = response.json()["id"]
    job = client.get(f"/api/jobs/{job_id}").json()
    assert job["status"] == "succeeded"
    assert (job["result"]["created"], job["result"]["unchanged"]) == (1, 32)
    assert job["result"]["ok"] is True
    assert TreatyAction.objects.filter(participant__code="QTL").count() == 1
    run = ImportRun.objects.get(pk=job["result"]["import_id"])
    assert TreatyAction.objects.get(participant__code="QTL").import_run == run
    assert LogEntry.objects.get_for_object(run).get().actor.username == "secretariat"


def test_api_import_of_a_bad_file_reports_errors_and_writes_nothing(testland, otherland):
    client = token_client("secretariat")
    before = TreatyAction.objects.count()
    response = client.post(
        "/api/imports", {"importer": "treaty-actions", "file": upload(BAD_CSV, "bad.csv")}
    )
    assert response.status_code == 202
    job = client.get(f"/api/jobs/{response.json()['id']}").json()
    assert job["status"] == "failed"
    assert [(e["row"], e["field"]) for e in job["result"]["errors"]] == [
        (2, "participant"),
        (3, "deposit_date"),
        (4, "deposit_date"),
    ]
    assert TreatyAction.objects.count() == before


def test_api_import_refused_without_permission_or_token(testland, otherland):
    response = token_client("observer").post(
        "/api/imports", {"importer": "treaty-actions", "file": upload(GOOD_CSV, "testland.csv")}
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Your role does not allow this (treaties.import_actions)."
    response = Client().post(
        "/api/imports", {"importer": "treaty-actions", "file": upload(GOOD_CSV, "testland.csv")}
    )
    assert response.status_code == 401
    assert not Job.objects.exists()
    assert not TreatyAction.objects.filter(participant__code="QTL").exists()


def test_api_import_unknown_importer_is_422(testland, otherland):
    response = token_client("secretariat").post(
        "/api/imports", {"importer": "nope", "file": upload(GOOD_CSV, "testland.csv")}
    )
    assert response.status_code == 422
    assert "Unknown importer “nope”; choose one of:" in response.json()["detail"]
