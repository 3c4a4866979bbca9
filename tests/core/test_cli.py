"""The ``palermo`` command on the services the pages use."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from palermo.cli import main

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_demo_prepares_the_site_and_prints_the_logins(capsys):
    output = run("demo", "--no-serve")
    assert "Palermo demo ready: http://127.0.0.1:8000/" in output
    assert "focal-point" in output and "National focal point (Argentina)" in output
    assert "password for all: palermo-demo" in output


def test_export_writes_the_page_table_as_csv_and_xlsx(tmp_path, capsys):
    call_command("export", "treaty-status", "--instrument", "UNTOC", "--on", "2010-07-13")
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == [
        "Participant",
        "ISO code",
        "Region",
        "UN regional group",
        "Status",
        "In force for it from",
    ]
    andorra = next(r for r in rows if r[1] == "AND")
    assert andorra[4] == "Signatory"
    target = tmp_path / "tip.xlsx"
    call_command(
        "export", "treaty-status", "--instrument", "TIP", "--on", "2005-01-01", "-o", str(target)
    )
    sheet = load_workbook(target).active
    values = {row[1]: row[4] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["ALB"] == "Party" and values["AFG"] == "No action"


def test_export_refuses_unknown_tables_and_bad_dates():
    with pytest.raises(CommandError, match="invalid choice: 'secrets'.*treaty-status"):
        call_command("export", "secrets")
    with pytest.raises(CommandError, match="not a date"):
        call_command("export", "treaty-status", "--on", "13/07/2010")


def test_export_of_the_audit_trail_shows_only_what_the_named_user_may_see(capsys):
    from palermo.core import services
    from palermo.core.models import User

    services.create_api_token(
        acting_user=User.objects.get(username="observer"), name="observer-owl-token"
    )
    call_command("export", "audit-trail", "--as", "secretariat")
    assert "observer-owl-token" in capsys.readouterr().out
    call_command("export", "audit-trail", "--as", "focal-point")
    assert "observer-owl-token" not in capsys.readouterr().out
    call_command("export", "audit-trail")  # the public sees no audit entry
    assert capsys.readouterr().out.strip().count("\n") == 0


def test_the_console_script_accepts_hyphens(capsys):
    main(["palermo", "treaty-status", "--instrument", "UNTOC", "--on", "2003-10-01"])
    out = capsys.readouterr().out
    assert "Organized Crime Convention (UNTOC) on 2003-10-01" in out
    assert "AFG  Afghanistan" in out and "Consented, not yet in force" in out
