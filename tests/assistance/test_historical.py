"""The 2010 working paper's facts: every item loaded once, with its source and paragraph."""

import json
from datetime import date

import pytest

from palermo.assistance import historical
from palermo.assistance.models import Activity, Organisation, Programme, Proposal, StatedFigure

pytestmark = pytest.mark.django_db

DATA = json.loads(historical.data_path().read_text(encoding="utf-8"))


def counts():
    return {
        "programmes": Programme.objects.filter(source=historical.SOURCE).count(),
        "activities": Activity.objects.filter(origin="historical").count(),
        "proposals": Proposal.objects.filter(source=historical.SOURCE).count(),
        "figures": StatedFigure.objects.filter(source=historical.SOURCE).count(),
        "organisations": Organisation.objects.count(),
    }


def test_counts_equal_the_file():
    # The session fixture ran the reference load (load_2010 included).
    found = counts()
    assert found["programmes"] == len(DATA["programmes"]) == 45
    assert found["activities"] == len(DATA["activities"]) == 134
    assert found["proposals"] == len(DATA["proposals"]) == 22
    assert found["figures"] == len(DATA["figures"]) == 29


def test_a_sample_activity_keeps_its_facts():
    item = next(a for a in DATA["activities"] if a["id"] == "act-034")
    activity = Activity.objects.get(code="act-034")
    assert activity.title == item["title"]
    assert activity.programme.code == "legal-library"
    assert activity.type.code == "tool-or-publication"
    assert activity.outputs == {"laws_added": 165}
    assert activity.start == date(2009, 1, 1) and activity.end == date(2009, 12, 31)
    assert activity.date_precision == "year"
    assert activity.published and activity.status == "completed"
    assert activity.source_reference.endswith("para. 19")
    assert list(activity.priority_areas.values_list("code", flat=True)) == ["PA1"]
    assert list(activity.priority_activities.values_list("code", flat=True)) == ["e"]


def test_countries_partners_and_crime_types():
    first = Activity.objects.get(code="act-001")
    assert list(first.beneficiaries.values_list("code", flat=True)) == ["ALB"]
    assert first.start == date(2008, 1, 1)
    with_crimes = [a for a in DATA["activities"] if a["crime_types"]]
    for item in with_crimes:
        activity = Activity.objects.get(code=item["id"])
        named = activity.crime_types.count() + len(activity.crime_labels)
        assert named >= 1
    labels = {
        label for a in Activity.objects.filter(origin="historical") for label in a.crime_labels
    }
    # Labels with no Library crime type are kept as stated; matched ones are not.
    assert "drug trafficking" not in labels
    stated = {c for a in with_crimes for c in a["crime_types"]}
    assert labels <= stated
    with_partners = next(p for p in DATA["programmes"] if p["partners"])
    programme = Programme.objects.get(code=with_partners["id"])
    assert set(programme.partners.values_list("name", flat=True)) == set(with_partners["partners"])


def test_programme_status_and_budget():
    null_status = next(p for p in DATA["programmes"] if p["status"] is None)
    assert Programme.objects.get(code=null_status["id"]).status == "unknown"
    budgeted = [p for p in DATA["programmes"] if p["budget_usd"] is not None]
    for item in budgeted:
        programme = Programme.objects.get(code=item["id"])
        assert programme.budget_usd == item["budget_usd"]
        assert programme.published


def test_partial_dates():
    assert historical.partial_date("2010-02") == (date(2010, 2, 1), "month")
    assert historical.partial_date("2010-02", end=True) == (date(2010, 2, 28), "month")
    assert historical.partial_date("2010-12", end=True) == (date(2010, 12, 31), "month")
    assert historical.partial_date("2010-02-03") == (date(2010, 2, 3), "day")
    assert historical.partial_date(None) == (None, None)


def test_loading_twice_changes_nothing():
    before = counts()
    stamps = dict(Activity.objects.filter(origin="historical").values_list("code", "updated"))
    summary, notes = historical.load_2010()
    assert "45 programmes" in summary and "134 activities" in summary
    assert counts() == before
    after = dict(Activity.objects.filter(origin="historical").values_list("code", "updated"))
    assert after == stamps


def test_a_missing_state_is_a_note(monkeypatch, tmp_path):
    data = dict(DATA)
    item = dict(DATA["activities"][0], id="act-999", countries=["XXX", "ALB"])
    data["activities"] = [item]
    data["programmes"] = []
    path = tmp_path / "ta.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(historical, "data_path", lambda: path)
    summary, notes = historical.load_2010()
    assert any("XXX" in note for note in notes)
    activity = Activity.objects.get(code="act-999")
    assert list(activity.beneficiaries.values_list("code", flat=True)) == ["ALB"]
