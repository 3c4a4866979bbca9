"""``palermo directory import``: all or nothing, each error with its row and column."""

import json

import pytest
from django.core.management import CommandError, call_command

from palermo.core.models import User
from palermo.directory.models import Authority
from palermo.platform.imports import run_import
from tests.factories import AuthorityFactory

pytestmark = pytest.mark.django_db

HEADER = "state,area,authority,languages,channels,convention_legal_basis,last_confirmed,contact_persons\n"


def _write(tmp_path, text, name="entries.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_creates_and_updates(tmp_path, capsys):
    existing = AuthorityFactory(state="BRA", authority="Imported authority A (fictional)")
    path = _write(
        tmp_path,
        HEADER
        + 'BRA,mla,Imported authority A (fictional),"pt, en",central_authority,yes,2024-05-01,\n'
        + "CHL,extradition,Imported authority B (fictional),es,diplomatic;interpol,no,,Ana Demo\n",
    )
    call_command("directory", "import", str(path), "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] and report["created"] == 1 and report["updated"] == 1
    existing.refresh_from_db()
    assert existing.languages == ["pt", "en"] and existing.convention_legal_basis is True
    new = Authority.objects.get(authority="Imported authority B (fictional)")
    assert new.channels == ["diplomatic", "interpol"] and new.contact_persons == "Ana Demo"
    assert new.import_run is not None and new.source_row == 3


def test_a_bad_file_writes_nothing_and_names_each_row(tmp_path, capsys):
    path = _write(
        tmp_path,
        HEADER
        + "CHL,mla,Good row (fictional),es,,,,\n"
        + "XXX,mla,Unknown State (fictional),es,,,,\n"
        + "CHL,nowhere,Unknown area (fictional),es,,,,\n"
        + "CHL,mla,Bad language (fictional),spanish,,,,\n"
        + "CHL,mla,Bad channel (fictional),es,pigeon,,,\n"
        + "CHL,mla,Bad date (fictional),es,,,13/07/2010,\n"
        + "CHL,mla,Bad answer (fictional),es,,perhaps,,\n"
        + "CHL,mla,Good row (fictional),es,,,,\n",
    )
    with pytest.raises(CommandError):
        call_command("directory", "import", str(path), "--json")
    report = json.loads(capsys.readouterr().out)
    assert not report["ok"] and report["created"] == 0
    located = {(e["row"], e["field"]) for e in report["errors"]}
    assert {
        (3, "state"),
        (4, "area"),
        (5, "languages"),
        (6, "channels"),
        (7, "last_confirmed"),
        (8, "convention_legal_basis"),
        (9, "authority"),
    } <= located
    assert not Authority.objects.filter(participant__code="CHL").exists()


def test_a_missing_column(tmp_path, capsys):
    path = _write(tmp_path, "state,authority\nCHL,No area (fictional)\n")
    with pytest.raises(CommandError):
        call_command("directory", "import", str(path), "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["errors"][0]["field"] == "area" and report["errors"][0]["kind"] == "missing"


def test_an_empty_or_broken_file(tmp_path, capsys):
    path = _write(tmp_path, "", name="empty.csv")
    with pytest.raises(CommandError):
        call_command("directory", "import", str(path), "--json")
    assert not json.loads(capsys.readouterr().out)["ok"]
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(CommandError):
        call_command("directory", "import", str(path), "--json")
    assert not json.loads(capsys.readouterr().out)["ok"]


def test_a_dry_run_writes_nothing(tmp_path, capsys):
    path = _write(tmp_path, HEADER + "CHL,mla,Dry run (fictional),es,,,,\n")
    call_command("directory", "import", str(path), "--dry-run", "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] and report["created"] == 1 and report["dry_run"]
    assert not Authority.objects.filter(authority="Dry run (fictional)").exists()


def test_only_the_secretariat_imports(tmp_path):
    path = _write(tmp_path, HEADER + "ARG,mla,Focal point import (fictional),es,,,,\n")
    with pytest.raises(CommandError, match="role does not allow"):
        call_command("directory", "import", str(path), "--as", "focal-point")
    assert not Authority.objects.filter(authority="Focal point import (fictional)").exists()
    report = run_import(
        "directory-entries", path, acting_user=User.objects.get(username="secretariat")
    )
    assert report.ok and Authority.objects.filter(authority="Focal point import (fictional)")
