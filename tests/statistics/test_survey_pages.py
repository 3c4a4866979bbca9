"""The survey page: the synthetic survey's estimates, filtered and downloaded, marked synthetic;
a signed-in person's own file estimated and not kept; a bad file told where it is wrong."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from palermo.core.choices import Role
from palermo.statistics import survey_cli, survey_views
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/statistics/surveys/"


def test_the_synthetic_surveys_estimates_match_the_command_and_say_they_are_synthetic(client):
    page = client.get(URL, {"crime": "burglary", "measure": "prevalence", "group": "all"})
    text = page.content.decode()
    assert page.status_code == 200 and "SYNTHETIC survey" in text
    expected = survey_cli.run(
        {"file": str(survey_views.SYNTHETIC), **survey_views.SYNTHETIC_DESIGN}
    )
    (burglary,) = [
        e
        for e in expected["estimates"]
        if e["crime"] == "burglary" and e["measure"] == "prevalence" and e["group"] is None
    ]
    assert f"{burglary['estimate']:.4f}" in text and f"{burglary['se']:.4f}" in text
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(URL, {"crime": "theft", "format": "csv"}).content.decode())
        )
    )
    assert rows and {r["crime"] for r in rows} == {"theft"}
    assert {r["group"] for r in rows} >= {"", "sex", "age_group"}
    data = client.get(URL, {"measure": "incidence", "format": "json"}).json()
    assert data["respondents"] == 3000 and {e["measure"] for e in data["estimates"]} == {
        "incidence"
    }


def test_a_signed_in_person_estimates_their_own_file(client):
    client.force_login(UserFactory(role=Role.OBSERVER))
    content = survey_views.SYNTHETIC.read_bytes()
    response = client.post(
        "/statistics/surveys/estimate/?format=csv",
        {
            "file": SimpleUploadedFile("mine.csv", content, "text/csv"),
            "weight": "weight",
            "strata": "stratum",
            "cluster": "psu",
            "by": "sex",
        },
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response.status_code == 200
    assert {r["group"] for r in rows} == {"", "sex"}  # only the group asked for


def test_a_bad_file_is_refused_with_its_row_and_column(client):
    client.force_login(UserFactory(role=Role.OBSERVER))
    bad = b"burglary_victim,weight\n1,2\n0,-5\n"
    response = client.post(
        "/statistics/surveys/estimate/",
        {"file": SimpleUploadedFile("bad.csv", bad, "text/csv"), "weight": "weight"},
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "bad.csv" in text and "weight" in text and "palermo-survey-" not in text
    wrong = client.post(
        "/statistics/surveys/estimate/", {"file": SimpleUploadedFile("x.txt", b"x", "text/plain")}
    )
    assert wrong.status_code == 400 and "CSV, SPSS .sav or Stata .dta" in wrong.content.decode()


def test_the_public_cannot_upload(client):
    response = client.post(
        "/statistics/surveys/estimate/",
        {"file": SimpleUploadedFile("mine.csv", survey_views.SYNTHETIC.read_bytes(), "text/csv")},
    )
    assert response.status_code == 302 and "login" in response["Location"]
    assert "Estimates for your own survey file" not in client.get(URL).content.decode()
