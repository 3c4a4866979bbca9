"""Imports of programmes, activities and needs: real files, all or nothing, errors with their
row and column, and who may import what (from the refused side)."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from palermo.assistance.models import Activity, Need, NeedEvent, Programme
from palermo.core.models import User
from palermo.platform.imports import run_import

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "src/palermo/assistance/data/samples"


def user(name):
    return User.objects.get(username=name)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def errors(report):
    return {(e.row, e.field, e.kind) for e in report.errors}


def test_the_samples_import():
    secretariat = user("secretariat")
    report = run_import(
        "assistance-programmes", SAMPLES / "programmes.csv", acting_user=secretariat
    )
    assert report.ok, report.errors
    report = run_import(
        "assistance-activities", SAMPLES / "activities.csv", acting_user=secretariat
    )
    assert report.ok, report.errors
    assert report.created == 2
    activity = Activity.objects.get(code="sample-act-1")
    assert activity.programme.code == "sample-prog-1"
    assert activity.type.code == "training"
    assert sorted(activity.articles.values_list("number", flat=True)) == ["27", "5"]
    assert activity.participants_total == 21
    assert activity.cost_currency == "EUR" and activity.published
    planned = Activity.objects.get(code="sample-act-2")
    assert planned.type.code == "legislative-assistance"  # through the type's aliases
    assert planned.date_precision == "month" and not planned.published
    programme = Programme.objects.get(code="sample-prog-1")
    assert set(programme.beneficiaries.values_list("code", flat=True)) == {"ARG", "BRA"}
    assert programme.partners.filter(name="Sample Partner Foundation (fictional)").exists()

    report = run_import("assistance-needs", SAMPLES / "needs.csv", acting_user=secretariat)
    assert report.ok, report.errors
    need = Need.objects.get(title__startswith="Sample need")
    assert need.participant.code == "ARG" and need.priority == "high"
    assert NeedEvent.objects.filter(need=need, status_to="open").count() == 1


def test_importing_again_updates_rather_than_duplicates():
    secretariat = user("secretariat")
    run_import("assistance-programmes", SAMPLES / "programmes.csv", acting_user=secretariat)
    report = run_import(
        "assistance-programmes", SAMPLES / "programmes.csv", acting_user=secretariat
    )
    assert report.ok and report.updated == 1 and report.created == 0
    assert Programme.objects.filter(code="sample-prog-1").count() == 1


BAD_ACTIVITIES = """code,title,type,status,start,end,states,priority_areas,articles,cost,cost_currency
bad-1,Good row (fictional),training,planned,2024,2024,ARG,PA1,UNTOC 27,10,USD
bad-2,Unknown State,training,planned,2024,,XYZ,PA1,,,
bad-3,Unknown type,juggling,planned,2024,,ARG,PA1,,,
bad-4,Unknown area,training,planned,2024,,ARG,PA9,,,
bad-5,Unknown article,training,planned,2024,,ARG,PA1,UNTOC 999,,
bad-6,Bad date,training,planned,2024-13-45,,ARG,PA1,,,
bad-7,Bad currency,training,planned,2024,,ARG,PA1,,100,XXQ
bad-1,Duplicate code,training,planned,2024,,ARG,PA1,,,
bad-9,End before start,training,planned,2024-05-01,2024-01-01,ARG,PA1,,,
"""


def test_a_bad_activity_file_writes_nothing(tmp_path):
    path = write(tmp_path, "activities.csv", BAD_ACTIVITIES)
    before = Activity.objects.count()
    report = run_import("assistance-activities", path, acting_user=user("secretariat"))
    assert not report.ok
    found = errors(report)
    assert (3, "states", "unknown") in found
    assert (4, "type", "unknown") in found
    assert (5, "priority_areas", "unknown") in found
    assert (6, "articles", "unknown") in found
    assert (7, "start", "invalid") in found
    assert (8, "cost_currency", "unknown") in found
    assert (9, "code", "duplicate") in found
    assert (10, "end", "invalid") in found
    assert Activity.objects.count() == before
    assert not Activity.objects.filter(code="bad-1").exists()


def test_an_xlsx_file(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["code", "title", "kind", "states", "priority_areas", "published"])
    sheet.append(
        ["xlsx-prog", "Programme from a workbook (fictional)", "regional", "KEN", "PA3", "yes"]
    )
    sheet.append(["xlsx-prog-2", "Another (fictional)", "bogus", "KEN", "PA3", "maybe"])
    path = tmp_path / "programmes.xlsx"
    book.save(path)
    report = run_import("assistance-programmes", path, acting_user=user("secretariat"))
    assert {(3, "kind", "invalid"), (3, "published", "invalid")} <= errors(report)
    assert not Programme.objects.filter(code__startswith="xlsx-prog").exists()
    sheet.delete_rows(3)
    book.save(path)
    report = run_import("assistance-programmes", path, acting_user=user("secretariat"))
    assert report.ok, report.errors
    assert Programme.objects.get(code="xlsx-prog").kind == "regional"


@pytest.mark.parametrize("username", ["focal-point", "expert", "observer"])
def test_only_the_secretariat_imports_programmes_and_activities(username):
    with pytest.raises(PermissionDenied):
        run_import("assistance-programmes", SAMPLES / "programmes.csv", acting_user=user(username))
    with pytest.raises(PermissionDenied):
        run_import("assistance-activities", SAMPLES / "activities.csv", acting_user=user(username))
    assert not Programme.objects.filter(code="sample-prog-1").exists()


NEEDS = """state,title,priority,articles
ARG,Own State's need (fictional),high,UNTOC 18
BRA,Another State's need (fictional),low,
"""


def test_a_focal_point_imports_needs_of_its_own_state_only(tmp_path):
    focal = user("focal-point")  # Argentina
    path = write(tmp_path, "needs.csv", NEEDS)
    report = run_import("assistance-needs", path, acting_user=focal)
    assert (3, "state", "forbidden") in errors(report)
    assert "BRA" in str(report.errors[0])
    assert not Need.objects.filter(title__endswith="need (fictional)").exists()

    own = write(tmp_path, "own.csv", NEEDS.splitlines()[0] + "\n" + NEEDS.splitlines()[1] + "\n")
    report = run_import("assistance-needs", own, acting_user=focal)
    assert report.ok, report.errors
    need = Need.objects.get(title="Own State's need (fictional)")
    assert need.participant.code == "ARG" and need.created_by == focal
    assert need.events.get().by == focal


def test_an_observer_may_not_import_needs():
    with pytest.raises(PermissionDenied):
        run_import("assistance-needs", SAMPLES / "needs.csv", acting_user=user("observer"))


def test_a_bad_needs_file_writes_nothing(tmp_path):
    path = write(
        tmp_path,
        "needs.csv",
        "state,title,priority,wanted_by,type\n"
        "ARG,Fine (fictional),high,2026-01-01,training\n"
        "ARG,Bad priority (fictional),urgent,,\n"
        "ARG,Bad date (fictional),low,soon,\n"
        "ARG,Fine (fictional),low,,\n"
        ",No State (fictional),low,,\n",
    )
    before = Need.objects.count()
    report = run_import("assistance-needs", path, acting_user=user("secretariat"))
    found = errors(report)
    assert (3, "priority", "invalid") in found
    assert (4, "wanted_by", "invalid") in found
    assert (5, "title", "duplicate") in found
    assert (6, "state", "missing") in found
    assert Need.objects.count() == before
