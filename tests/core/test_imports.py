"""The import framework on a tiny importer of its own: errors located, nothing half-written."""

import io
import json

import pytest
from openpyxl import Workbook

from palermo.core.models import Participant
from palermo.platform.actors import system_user
from palermo.platform.imports import IMPORTERS, Importer, ImportReport, read_table, run_import

pytestmark = pytest.mark.django_db


class AliasImporter(Importer):
    """Adds other names to participants: columns code, alias."""

    name = "test-aliases"
    label = "Aliases"
    required_columns = ("code", "alias")

    def validate(self, rows, report, progress):
        items = []
        for row in rows:
            p = Participant.objects.filter(code=row.values.get("code", "")).first()
            if p is None:
                report.error(row.number, "code", f"no participant “{row.values.get('code')}”")
            elif not row.values.get("alias"):
                report.error(row.number, "alias", "empty")
            else:
                items.append((p, row.values["alias"]))
        return items

    def write(self, items, report, *, acting_user, progress):
        for participant, alias in items:
            participant.aliases = [*participant.aliases, alias]
            participant.save()
            report.created += 1


@pytest.fixture(autouse=True)
def importer():
    IMPORTERS[AliasImporter.name] = AliasImporter()
    yield
    del IMPORTERS[AliasImporter.name]


def aliases(code):
    return Participant.objects.get(code=code).aliases


def test_a_valid_csv_is_written_in_full():
    report = run_import(
        "test-aliases", "a.csv", b"code,alias\nFRA,Gaul\nDEU,Germania\n", acting_user=system_user()
    )
    assert report.ok and report.created == 2
    assert "Gaul" in aliases("FRA") and "Germania" in aliases("DEU")


def test_one_bad_row_means_nothing_is_written_and_every_error_is_located():
    before = aliases("FRA")
    content = b"code,alias\nFRA,Gaul\nXXX,Nowhere\nDEU,\n"
    report = run_import("test-aliases", "names.csv", content, acting_user=system_user())
    assert not report.ok
    assert [(e.file, e.row, e.field) for e in report.errors] == [
        ("names.csv", 3, "code"),
        ("names.csv", 4, "alias"),
    ]
    assert str(report.errors[0]) == "names.csv, row 3, field “code”: no participant “XXX”"
    assert "nothing was imported" in report.message
    assert aliases("FRA") == before


def test_a_missing_column_is_reported_on_the_header_row():
    report = run_import("test-aliases", "a.csv", b"code,name\nFRA,x\n", acting_user=system_user())
    assert [(e.row, e.field) for e in report.errors] == [(1, "alias")]


def test_dry_run_validates_and_writes_nothing():
    before = aliases("FRA")
    report = run_import(
        "test-aliases", "a.csv", b"code,alias\nFRA,Gaul\n", acting_user=system_user(), dry_run=True
    )
    assert report.ok and report.created == 1 and "would be" in report.message
    assert aliases("FRA") == before


def test_xlsx_and_json_give_the_same_rows_as_csv():
    book = Workbook()
    sheet = book.active
    sheet.append(["code", "alias"])
    sheet.append(["FRA", "Gaul"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = ImportReport("x", "a.xlsx")
    xlsx_rows = read_table("a.xlsx", buffer.getvalue(), report)
    json_rows = read_table(
        "a.json", json.dumps([{"code": "FRA", "alias": "Gaul"}]).encode(), report
    )
    csv_rows = read_table("a.csv", b"code,alias\nFRA,Gaul\n", report)
    assert (
        [r.values for r in xlsx_rows]
        == [r.values for r in json_rows]
        == [r.values for r in csv_rows]
    )
    assert xlsx_rows[0].number == csv_rows[0].number == 2
    assert report.ok


def test_a_utf16_csv_is_read_and_its_encoding_reported():
    content = "code,alias\nFRA,Gaule\n".encode("utf-16")
    report = run_import("test-aliases", "a.csv", content, acting_user=system_user())
    assert report.ok and "Gaule" in aliases("FRA")
    assert report.detected["encoding"].startswith("UTF-16")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.csv", bytes(range(256)) * 4, "binary"),
        ("a.json", b'[{"code": }]', "not valid JSON"),
        ("a.json", b'{"code": 1}', "list of objects"),
        ("a.xlsx", b"not a workbook", "not a readable XLSX"),
        ("a.pdf", b"%PDF", "unsupported file type"),
    ],
)
def test_unreadable_files_get_a_clear_error(name, content, message):
    report = run_import("test-aliases", name, content, acting_user=system_user())
    assert not report.ok
    assert message in report.errors[0].message


def test_the_importer_permission_is_checked_for_a_person(focal_point):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run_import("test-aliases", "a.csv", b"code,alias\nFRA,Gaul\n", acting_user=focal_point)
