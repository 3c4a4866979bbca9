"""Exports neutralise cells a spreadsheet would run as formulas, in CSV and XLSX alike."""

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from palermo.core.models import User
from palermo.platform.tables import neutralise

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example","click")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_starts_are_quoted_and_other_values_kept(start):
    assert neutralise(f"{start}1+1") == f"'{start}1+1"
    assert neutralise("Argentina") == "Argentina"
    assert neutralise(-5) == -5  # a number is a number


def test_the_page_download_neutralises_formulas_in_csv_and_xlsx(user_client):
    User.objects.create(username="formula", first_name=FORMULA)
    client = user_client("secretariat")
    text = client.get("/users/", {"_export": "csv", "q": "formula"}).content.decode()
    row = next(r for r in csv.reader(io.StringIO(text)) if r[0] == "formula")
    assert row[1].startswith("'=HYPERLINK")
    sheet = load_workbook(
        io.BytesIO(client.get("/users/", {"_export": "xlsx", "q": "formula"}).content)
    ).active
    cell = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "formula")[1]
    assert cell.startswith("'=HYPERLINK")  # text, not a formula openpyxl would write


def test_palermo_export_neutralises_formulas_too(tmp_path, secretariat):
    from palermo.core import services

    services.create_api_token(acting_user=secretariat, name=FORMULA)
    target = tmp_path / "audit.xlsx"
    call_command("export", "audit-trail", "--as", "secretariat", "-o", str(target))
    values = [v for row in load_workbook(target).active.iter_rows(values_only=True) for v in row]
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    assert any(isinstance(v, str) and v.startswith("'=HYPERLINK") for v in values)


def test_any_command_creates_the_data_folder_first(tmp_path):
    data = tmp_path / "new" / "palermo-data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PALERMO_")}
    env.update(PALERMO_DATA_DIR=str(data), DJANGO_SETTINGS_MODULE="palermo.settings")
    palermo = Path(sys.executable).with_name("palermo")
    result = subprocess.run(
        [str(palermo), "migrate", "--verbosity", "0"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert (data / "palermo.sqlite3").is_file()
