"""``palermo library import|export``: the report and summary as JSON, all or nothing, and an
export of what ``--as`` may see (by default the public's: published records only)."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from palermo.library.models import Law
from tests.factories import UserFactory, library_record

pytestmark = pytest.mark.django_db

RECORD = {
    "kind": "legislation",
    "state": "ARG",
    "number": "cli-1",
    "title": "Ley ficticia de la línea de comandos",
    "language": "es",
    "law_type": "act",
    "is_demo": True,
    "provisions": [{"number": "Art. 1", "text": "Texto ficticio.", "articles": ["TIP 3(a)"]}],
}


def command(*args):
    out = io.StringIO()
    call_command("library", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_import_as_a_user_with_a_json_report(tmp_path):
    path = tmp_path / "laws.jsonl"
    path.write_text(json.dumps(RECORD) + "\n", encoding="utf-8")
    report = json.loads(command("import", str(path), "--as", "focal-point", "--json"))
    assert report["ok"] and report["created"] == 1 and report["importer"] == "library"
    assert report["errors"] == [] and report["import_id"]
    law = Law.objects.get(number="cli-1")
    assert law.created_by.username == "focal-point" and law.status == "draft"


def test_a_bad_file_fails_with_its_errors_and_writes_nothing(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(
        json.dumps(RECORD) + "\n" + json.dumps({**RECORD, "number": "cli-2", "adopted": "soon"}),
        encoding="utf-8",
    )
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("library", "import", str(path), "--json", stdout=out)
    assert error.value.returncode == 1
    report = json.loads(out.getvalue())
    assert report["errors"] == [
        {
            "file": "bad.jsonl",
            "row": 2,
            "field": "adopted",
            "message": "“soon” is not a date: write it as YYYY-MM-DD",
            "kind": "invalid",
        }
    ]
    assert not Law.objects.filter(number__in=["cli-1", "cli-2"]).exists()


def test_import_refused_to_who_may_not_import(tmp_path):
    path = tmp_path / "laws.jsonl"
    path.write_text(json.dumps(RECORD), encoding="utf-8")
    with pytest.raises(CommandError, match="role does not allow"):
        command("import", str(path), "--as", "observer")


def test_export_is_the_publics_by_default(tmp_path):
    library_record(number="cli-pub", status="published", title="Fictional exported act")
    library_record(number="cli-draft", status="draft", title="Fictional unexported draft")
    library_record(state="BRA", number="cli-br", status="draft", title="Fictional Brazilian draft")
    output = tmp_path / "all.jsonl"
    summary = json.loads(
        command("export", "--kind", "legislation", "--output", str(output), "--json")
    )
    lines = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert summary == {
        "file": str(output),
        "format": "jsonl",
        "kind": "legislation",
        "status": "published",
        "state": None,
        "as": None,
        "records": len(lines),
    }
    numbers = {r["number"] for r in lines}
    assert "cli-pub" in numbers and not {"cli-draft", "cli-br"} & numbers

    mine = tmp_path / "mine.csv"
    command("export", "--as", "focal-point", "--status", "all", "--state", "ARG", "-o", str(mine))
    rows = list(csv.DictReader(io.StringIO(mine.read_text(encoding="utf-8"))))
    assert {"cli-pub", "cli-draft"} <= {r["number"] for r in rows}
    other = UserFactory(role="focal_point", state="BRA")
    theirs = tmp_path / "theirs.jsonl"
    command("export", "--as", other.username, "--status", "all", "-o", str(theirs))
    text = theirs.read_text(encoding="utf-8")
    assert "cli-br" in text and "cli-draft" not in text


def test_export_to_standard_output(capsys):
    library_record("strategy", number="cli-s", status="published")
    command("export", "--kind", "strategy", "--state", "ARG")
    out = capsys.readouterr().out
    assert any(json.loads(line)["number"] == "cli-s" for line in out.splitlines())


def test_json_summary_needs_a_file():
    with pytest.raises(CommandError, match="--output"):
        command("export", "--json")
