"""Imports as records: provenance, bulk writes all-or-nothing, one audit entry, a capped report,
one size limit for every surface, and uploaded files deleted or kept for their owner."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from palermo.platform.actors import system_user
from palermo.platform.choices import ImportStatus
from palermo.platform.imports import (
    ERROR_LIMIT,
    IMPORTERS,
    purge_import_files,
    run_import,
    start_import,
)
from palermo.platform.models import ImportRun
from tests.examples.models import Payment

pytestmark = pytest.mark.django_db

HEADER = "paid_at,amount,currency,payer,payee,reference\n"


def payments_csv(n: int, *, bad_rows=()) -> bytes:
    lines = [HEADER]
    for i in range(n):
        amount = "lots" if i in bad_rows else f"{i}.50"
        lines.append(f"2024-03-05T14:{i % 60:02d}:09,{amount},EUR,Payer {i},Payee {i},ref {i}\n")
    return "".join(lines).encode()


def test_every_created_record_points_to_its_import_and_row():
    report = run_import("example-payments", "march.csv", payments_csv(5), acting_user=system_user())
    assert report.ok, report.errors
    run = ImportRun.objects.get(importer="example-payments")
    assert (run.file_name, run.rows, run.created_count) == ("march.csv", 5, 5)
    assert run.status == ImportStatus.APPLIED
    rows = dict(Payment.objects.values_list("payer", "source_row"))
    assert rows["Payer 0"] == 2 and rows["Payer 4"] == 6  # the header is row 1
    assert set(Payment.objects.values_list("import_run", flat=True)) == {run.pk}


def test_an_import_is_one_audit_entry_with_who_the_file_its_hash_and_counts():
    content = payments_csv(30)
    run_import("example-payments", "march.csv", content, acting_user=system_user())
    payments = ContentType.objects.get_for_model(Payment)
    assert not LogEntry.objects.filter(content_type=payments).exists()
    run = ImportRun.objects.get(importer="example-payments")
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(ImportRun), object_pk=str(run.pk)
    )
    import hashlib

    assert entry.actor == system_user()
    assert entry.changes_dict["file"][1] == "march.csv"
    assert entry.changes_dict["sha256"][1] == hashlib.sha256(content).hexdigest()
    assert entry.changes_dict["created"][1] == 30


def test_an_error_after_batches_were_written_leaves_nothing(monkeypatch):
    monkeypatch.setattr(IMPORTERS["example-payments"], "batch_size", 3)
    report = run_import(
        "example-payments", "march.csv", payments_csv(10, bad_rows={8}), acting_user=system_user()
    )
    assert not report.ok and report.created == 0
    assert [(e.row, e.field) for e in report.errors] == [(10, "amount")]
    assert not Payment.objects.exists()
    run = ImportRun.objects.get(importer="example-payments")
    assert run.status == ImportStatus.REFUSED
    assert not LogEntry.objects.filter(object_pk=str(run.pk)).exists()


def test_a_dry_run_counts_and_writes_nothing():
    report = run_import(
        "example-payments", "march.csv", payments_csv(4), acting_user=system_user(), dry_run=True
    )
    assert report.ok and report.created == 4
    assert not Payment.objects.exists()
    assert ImportRun.objects.get(importer="example-payments").status == ImportStatus.CHECKED


def test_the_error_report_lists_the_first_thousand_and_counts_them_all():
    bad = set(range(1500))
    report = run_import(
        "example-payments", "bad.csv", payments_csv(1500, bad_rows=bad), acting_user=system_user()
    )
    assert report.error_total == 1500 and len(report.errors) == ERROR_LIMIT
    assert report.errors_by_field == {"amount": 1500}
    assert "1500 errors" in report.message and "first 1000" in report.message
    stored = ImportRun.objects.get(importer="example-payments").report
    assert stored["error_total"] == 1500 and len(stored["errors"]) == ERROR_LIMIT
    assert stored["errors_truncated"] is True


@override_settings(PALERMO_IMPORT_MAX_BYTES=200)
def test_one_size_limit_for_the_command_line_the_page_and_the_api(secretariat, client):
    big = payments_csv(10)
    report = run_import("example-payments", "big.csv", big, acting_user=system_user())
    assert not report.ok and "at most 0" in report.message + str(report.errors[0])
    assert "PALERMO_IMPORT_MAX_MB" in str(report.errors[0])
    client.force_login(secretariat)
    page = client.post(
        reverse("core:import"),
        {"importer": "example-payments", "file": SimpleUploadedFile("big.csv", big)},
    )
    assert page.status_code == 200 and "PALERMO_IMPORT_MAX_MB" in page.content.decode()
    from palermo.core.services import create_api_token

    token = create_api_token(acting_user=secretariat, name="t")[1]
    client.logout()
    api = client.post(
        "/api/imports",
        {"importer": "example-payments", "file": SimpleUploadedFile("big.csv", big)},
        headers={"authorization": f"Bearer {token}"},
    )
    assert api.status_code == 422 and "PALERMO_IMPORT_MAX_MB" in api.content.decode()
    assert not Payment.objects.exists()


def _upload(content=None):
    return SimpleUploadedFile("march.csv", content or payments_csv(3))


def test_an_uploaded_file_is_deleted_once_imported(secretariat, settings):
    from pathlib import Path

    start_import("example-payments", _upload(), acting_user=secretariat)
    run = ImportRun.objects.get(importer="example-payments")
    assert run.status == ImportStatus.APPLIED and run.stored_file == ""
    assert not any((Path(settings.MEDIA_ROOT) / "imports").rglob("march.csv"))


@override_settings(PALERMO_IMPORT_KEEP_DAYS=7)
def test_a_kept_file_is_its_owners_and_the_secretariats_alone(
    secretariat, focal_point, user_client, client
):
    start_import("example-payments", _upload(), acting_user=secretariat)
    run = ImportRun.objects.get(importer="example-payments")
    assert run.stored_file and run.keep_until > timezone.now() + timedelta(days=6)
    url = reverse("core:import-file", args=[run.pk])
    client.force_login(secretariat)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == payments_csv(3)
    assert "attachment" in response["Content-Disposition"]
    refused = user_client(focal_point.username).get(url)
    assert refused.status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page


@override_settings(PALERMO_IMPORT_KEEP_DAYS=7)
def test_kept_files_are_deleted_when_their_time_is_up(secretariat):
    start_import("example-payments", _upload(), acting_user=secretariat)
    assert purge_import_files() == 0
    assert purge_import_files(now=timezone.now() + timedelta(days=8)) == 1
    assert ImportRun.objects.get(importer="example-payments").stored_file == ""


def test_the_imports_page_lists_only_ones_own_imports(secretariat, focal_point, user_client):
    run_import("example-payments", "mine.csv", payments_csv(2), acting_user=secretariat)
    page = user_client(secretariat.username).get(reverse("core:imports"))
    assert "mine.csv" in page.content.decode()
    theirs = user_client(focal_point.username).get(reverse("core:imports"))
    assert theirs.status_code == 200 and "mine.csv" not in theirs.content.decode()
    run = ImportRun.objects.get(importer="example-payments")
    assert user_client(focal_point.username).get(
        reverse("core:import-run", args=[run.pk])
    ).status_code in (403, 404)


# --- through a column mapping --------------------------------------------------------------

BANK = (
    "Datum;Zeit;Betrag;Auftraggeber Vorname;Auftraggeber Name;Empfänger;Verwendungszweck;Art\n"
    "05.03.2024;14:37:09;1.234,56;Anna;Muster;ACME GmbH / Wien;Rechnung 17;Ü\n"
    "06.03.2024;09:05:00;-20,00;Ben;Beispiel;Café Central / Wien;;L\n"
)
BANK_MAPPING = {
    "version": 1,
    "name": "Bank statement (example)",
    "fields": {
        "paid_at": {
            "columns": ["Datum", "Zeit"],
            "steps": [{"join": " "}, {"date": "%d.%m.%Y %H:%M:%S"}],
        },
        "amount": {"column": "Betrag", "number": {"decimal": ",", "thousands": "."}},
        "currency": {"constant": "EUR"},
        "payer": {"columns": ["Auftraggeber Vorname", "Auftraggeber Name"], "join": " "},
        "payee": {"column": "Empfänger", "split": {"separator": " / ", "index": 0}},
        "reference": {
            "column": "Art",
            "lookup": {"table": {"Ü": "transfer", "L": "direct debit"}},
        },
    },
}


def test_a_mapping_reads_another_layout_with_each_transform():
    from datetime import UTC, datetime
    from decimal import Decimal

    report = run_import(
        "example-payments",
        "statement.csv",
        BANK.encode("cp1252"),
        acting_user=system_user(),
        mapping=BANK_MAPPING,
    )
    assert report.ok, report.errors
    assert report.detected["delimiter"] == ";" and report.detected["encoding"]
    first, second = Payment.objects.order_by("paid_at")
    assert first.paid_at == datetime(2024, 3, 5, 14, 37, 9, tzinfo=UTC)  # time of day kept
    assert first.amount == Decimal("1234.56") and second.amount == Decimal("-20.00")
    assert (first.payer, first.payee, first.currency) == ("Anna Muster", "ACME GmbH", "EUR")
    assert (first.reference, second.reference) == ("transfer", "direct debit")
    assert ImportRun.objects.get(importer="example-payments").mapping_spec == BANK_MAPPING


def test_a_mapping_naming_a_missing_column_is_refused_before_any_row():
    broken = {**BANK_MAPPING, "fields": {**BANK_MAPPING["fields"], "amount": "Amount"}}
    report = run_import(
        "example-payments",
        "statement.csv",
        BANK.encode(),
        acting_user=system_user(),
        mapping=broken,
    )
    assert not report.ok and not Payment.objects.exists()
    assert [(e.row, e.field) for e in report.errors] == [(1, "Amount")]
    assert "not in the file" in report.errors[0].message


def test_a_value_the_mapping_cannot_convert_is_located_by_row_and_column():
    bad = BANK.replace("1.234,56", "zwölf").replace(";L\n", ";X\n")
    report = run_import(
        "example-payments",
        "statement.csv",
        bad.encode(),
        acting_user=system_user(),
        mapping=BANK_MAPPING,
    )
    assert not report.ok and not Payment.objects.exists()
    assert {(e.row, e.field) for e in report.errors} == {(2, "Betrag"), (3, "Art")}
    assert report.errors_by_kind == {"mapping": 2}


def test_an_importer_reads_only_the_sheets_it_declares(monkeypatch, tmp_path):
    """An XLSForm-like workbook: the importer asks for one sheet; the others are not rows."""
    from openpyxl import Workbook

    workbook = Workbook()
    payments = workbook.active
    payments.title = "payments"
    payments.append(["paid_at", "amount", "currency", "payer", "payee"])
    from datetime import datetime

    payments.append([datetime(2024, 3, 5, 14, 37, 9), 12.5, "EUR", "Anna", "ACME"])
    notes = workbook.create_sheet("notes")
    notes.append(["paid_at", "amount", "currency", "payer", "payee"])
    notes.append(["not a date", "x", "?", "", ""])
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    monkeypatch.setattr(IMPORTERS["example-payments"], "sheets", ("payments",))
    report = run_import("example-payments", path, acting_user=system_user())
    assert report.ok, report.errors
    assert report.detected["sheets"] == ["payments"]
    payment = Payment.objects.get()
    assert (payment.paid_at.hour, payment.paid_at.minute, payment.paid_at.second) == (14, 37, 9)
    assert payment.source_row == 2


def test_records_an_import_creates_in_bulk_are_found_by_site_search(
    secretariat, django_capture_on_commit_callbacks
):
    """Bulk writes send no signals: the import itself indexes what it created, on commit."""
    from palermo.platform import search

    provider = search.register_search(
        "test-payments",
        "Payments",
        model=Payment,
        fields=("payee",),
        result=lambda p: (p.payee, "/"),
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run_import("example-payments", "m.csv", payments_csv(3), acting_user=system_user())
        found = {g.key: g.total for g in search.search_all("Payee", secretariat)}
        assert found.get("test-payments") == 3
    finally:
        del search.PROVIDERS[provider.key]


def test_an_import_advances_the_datasets_computed_from_its_records(monkeypatch):
    from palermo.platform import bulk, computed

    dataset = computed.register_dataset("test-import-payments", inputs=["examples.Payment"])
    monkeypatch.setattr(bulk, "advance_for", lambda *models, using=None: None)  # only the import
    before = dataset.version()
    run_import("example-payments", "march.csv", payments_csv(3), acting_user=system_user())
    assert dataset.version() != before
