"""The Palermo layout also arrives as an XLSX sheet or a JSON list: same rules, same errors,
located by the sheet's own row numbers."""

import io
import json
from datetime import date

import pytest
from openpyxl import Workbook

from palermo.platform.actors import system_user
from palermo.platform.imports import run_import
from palermo.treaties.models import TreatyAction

pytestmark = pytest.mark.django_db

UNTOC = "United Nations Convention against Transnational Organized Crime"
COLUMNS = ["instrument", "participant", "signature_date", "deposit_date", "action_type"]


def workbook(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_sheet_with_real_dates_imports_like_the_csv(testland):
    content = workbook(
        [
            [UNTOC, "Testland", date(2001, 1, 1), date(2020, 2, 2), "ratification"],
            [UNTOC, "Andorra", date(2001, 11, 11), date(2011, 9, 22), "ratification"],
        ]
    )
    report = run_import("treaty-actions", "status.xlsx", content, acting_user=system_user())
    assert report.ok, report.errors
    assert (report.created, report.unchanged) == (2, 2)  # Andorra's two actions are known
    assert TreatyAction.objects.get(participant=testland, kind="ratification").date == date(
        2020, 2, 2
    )


def test_errors_in_a_sheet_name_the_sheet_row_even_after_blank_rows(testland):
    before = TreatyAction.objects.count()
    content = workbook(
        [
            [UNTOC, "Testland", "2001-01-01", "2020-02-02", "ratification"],
            [None, None, None, None, None],  # a blank row 3 in the sheet
            [UNTOC, "Testland2", "2001-01-01", "2020-02-31", "ratification"],
        ]
    )
    report = run_import("treaty-actions", "status.xlsx", content, acting_user=system_user())
    assert not report.ok
    assert (4, "deposit_date") in [(e.row, e.field) for e in report.errors]
    assert TreatyAction.objects.count() == before


def test_a_json_list_imports_and_an_unknown_name_is_located(testland):
    good = [dict(zip(COLUMNS, [UNTOC, "Testland", "", "2020-02-02", "accession"], strict=True))]
    report = run_import(
        "treaty-actions", "a.json", json.dumps(good).encode(), acting_user=system_user()
    )
    assert report.ok and report.created == 1
    bad = good + [
        dict(zip(COLUMNS, [UNTOC, "Atlantis", "", "2020-02-02", "accession"], strict=True))
    ]
    report = run_import(
        "treaty-actions", "b.json", json.dumps(bad).encode(), acting_user=system_user()
    )
    assert [(e.row, e.field) for e in report.errors] == [(2, "participant")]
