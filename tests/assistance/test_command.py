"""``palermo assistance report``: files written and read back, its --json summary, and clear
errors (with exit code 1) for a bad period or format."""

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from palermo.assistance.models import Activity, Participation, PriorityArea, Report

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("assistance", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def activity(db):
    delivered = Activity.objects.create(
        code="cmd-delivered",
        title="Fictional workshop for judges",
        start=date(1995, 5, 2),
        end=date(1995, 5, 4),
        demo=True,
    )
    delivered.priority_areas.set([PriorityArea.objects.get(code="PA3")])
    Participation.objects.create(activity=delivered, women=4, men=6)
    return delivered


def test_the_report_is_written_as_docx_and_pdf(activity, tmp_path):
    from docx import Document
    from pypdf import PdfReader

    run("report", "--from", "1995-01-01", "--to", "1995-12-31", "-o", str(tmp_path / "r.docx"))
    text = "\n".join(p.text for p in Document(str(tmp_path / "r.docx")).paragraphs)
    assert "Fictional workshop for judges" in text
    run(
        "report",
        "--from",
        "1995-01-01",
        "--to",
        "1995-12-31",
        "--format",
        "pdf",
        "-o",
        str(tmp_path / "r.out"),
    )
    pdf = "\n".join(p.extract_text() for p in PdfReader(str(tmp_path / "r.out")).pages)
    assert "Fictional workshop for judges" in pdf


def test_json_gives_the_file_the_sections_and_the_figures(activity, tmp_path):
    target = tmp_path / "r.pdf"
    summary = json.loads(
        run("report", "--from", "1995-01-01", "--to", "1995-12-31", "-o", str(target), "--json")
    )
    assert summary["file"] == str(target) and summary["format"] == "pdf"
    assert summary["bytes"] == target.stat().st_size > 0
    assert summary["from"] == "1995-01-01" and summary["to"] == "1995-12-31"
    for key in ("introduction", "strategic_approach", "area:PA3", "needs", "conclusions"):
        assert key in summary["sections"]
    assert summary["figures"]["area:PA3"]["participants"] == {
        "women": 4,
        "men": 6,
        "other": 0,
        "total": 10,
    }
    assert summary["counts"]["activities"] == 1


def test_a_saved_report_gives_its_narratives_and_its_period(activity, tmp_path):
    from docx import Document

    saved = Report.objects.create(
        title="Fictional saved report",
        date_from=date(1995, 1, 1),
        date_to=date(1995, 12, 31),
        narratives={"conclusions": "Our own fictional conclusion."},
    )
    summary = json.loads(
        run("report", "--report", str(saved.pk), "-o", str(tmp_path / "s.docx"), "--json")
    )
    assert summary["report"] == saved.pk and summary["title"] == "Fictional saved report"
    text = "\n".join(p.text for p in Document(str(tmp_path / "s.docx")).paragraphs)
    assert "Our own fictional conclusion." in text


@pytest.mark.parametrize(
    "args, message",
    [
        (["--from", "1995-13-01", "--to", "1995-12-31"], "is not a date"),
        (["--from", "1996-01-01", "--to", "1995-12-31"], "ends"),
        (["--from", "1995-01-01"], "Give the period"),
        (["--from", "1995-01-01", "--to", "1995-12-31", "--report", "999999"], "No report"),
    ],
)
def test_a_bad_period_is_a_clear_error_and_nothing_is_written(args, message, tmp_path):
    target = tmp_path / "r.docx"
    with pytest.raises(CommandError, match=message) as error:
        run("report", *args, "-o", str(target))
    assert error.value.returncode == 1
    assert not target.exists()


def test_a_file_that_is_neither_docx_nor_pdf_is_refused(tmp_path):
    with pytest.raises(CommandError, match="docx or pdf"):
        run("report", "--from", "1995-01-01", "--to", "1995-12-31", "-o", str(tmp_path / "r.txt"))
    assert not (tmp_path / "r.txt").exists()


def test_a_user_named_with_as_gets_what_they_may_see(activity, tmp_path):
    # The activity is not published: the public's report leaves it out.
    summary = json.loads(
        run(
            "report",
            "--from",
            "1995-01-01",
            "--to",
            "1995-12-31",
            "-o",
            str(tmp_path / "p.docx"),
            "--as",
            "observer",
            "--json",
        )
    )
    assert summary["counts"]["activities"] == 0
    assert summary["as"] == "observer"


def test_iati_export_writes_a_file_and_iati_import_refuses_a_bad_one(activity, tmp_path):
    activity.published = True
    activity.save()
    target = tmp_path / "out.xml"
    summary = json.loads(run("iati-export", "-o", str(target), "--json"))
    assert summary["file"] == str(target) and summary["activities"] >= 1
    assert "cmd-delivered" in target.read_text()
    bad = tmp_path / "bad.xml"
    bad.write_text("<not-iati/>")
    with pytest.raises(CommandError) as error:
        run("iati-import", str(bad))
    assert error.value.returncode == 1
    with pytest.raises(CommandError, match="No file"):
        run("iati-import", str(tmp_path / "missing.xml"))
