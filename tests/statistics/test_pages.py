"""The pages, the State-profile panel and the API: what a visitor sees and downloads."""

import csv
import io

import pytest
from django.test import Client

from palermo.statistics import services

pytestmark = pytest.mark.django_db


def test_home_and_aggregates_table():
    client = Client()
    page = client.get("/statistics/")
    assert page.status_code == 200
    assert "World" in page.content.decode()
    table = client.get("/statistics/aggregates/", {"year": 2012, "level": "world"})
    text = table.content.decode()
    assert table.status_code == 200 and "2012" in text and "World" in text


def test_aggregates_download():
    response = Client().get("/statistics/aggregates/", {"year": 2012, "_export": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) > 5


def test_state_page_switch_source_and_download():
    client = Client()
    page = client.get("/statistics/states/ARG/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "UNODC homicide statistics" in text and "WHO Global Health Estimates" in text
    only = client.get("/statistics/states/ARG/", {"source": "who-homicide"}).content.decode()
    assert '<th scope="col">UNODC homicide statistics' not in only
    download = client.get("/statistics/states/ARG/", {"source": "who-homicide", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(download.content.decode())))
    assert "who-homicide" in rows[0] and "unodc-homicide" not in rows[0]
    # the download's chosen values are the stored choices
    chosen = {r["year"]: r["chosen"] for r in rows}
    from palermo.statistics.models import HomicideChoice

    c = HomicideChoice.objects.get(participant__code="ARG", year=2015)
    assert float(chosen["2015"]) == pytest.approx(c.rate)
    assert client.get("/statistics/states/QQQ/").status_code == 404


def test_profile_panel():
    page = Client().get("/participants/ARG/")
    if page.status_code == 404:
        pytest.skip("no participant profile route")
    text = page.content.decode()
    assert 'id="panel-statistics"' in text
    assert "/statistics/states/ARG/" in text


def test_api():
    client = Client()
    assert client.get("/api/statistics/iccs/0101").json()["label"] == "Intentional homicide"
    assert client.get("/api/statistics/iccs/9999").status_code == 404
    series = client.get("/api/statistics/homicide/states/ARG").json()
    assert series["state"] == "ARG" and series["rows"]
    computed = client.get("/api/statistics/homicide/aggregates/2012", {"region": "001"}).json()
    assert computed[0]["area"] == "001" and computed[0]["details"]
    stored = client.get("/api/statistics/homicide/aggregates", {"year": 2012, "area": "001"}).json()
    assert stored["items"][0]["rate"] == pytest.approx(computed[0]["rate"], abs=1e-4)
    obs = client.get("/api/statistics/observations", {"state": "ARG", "year": 2012}).json()
    assert {o["source"] for o in obs["items"]} == {"unodc-homicide", "who-homicide"}
    assert (
        client.get("/api/statistics/iccs-suggestions", {"category": "murder"}).json()[0]["code"]
        == "0101"
    )


def test_state_series_matches_the_choice_rule():
    from django.contrib.auth.models import AnonymousUser

    from palermo.core.models import Participant

    data = services.state_homicide(Participant.objects.get(code="BRA"), AnonymousUser())
    for row in data["rows"]:
        values = [v for v in row["by_source"].values() if v is not None]
        if row["chosen"] is not None:
            assert row["chosen"] in values


def test_pages_use_a_bounded_number_of_queries(django_assert_max_num_queries):
    client = Client()
    with django_assert_max_num_queries(25):
        assert client.get("/statistics/aggregates/").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get("/statistics/states/BRA/").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get("/api/statistics/observations", {"state": "BRA"}).status_code == 200


def test_iccs_pages():
    client = Client()
    outline = client.get("/statistics/iccs/").content.decode()
    assert all(code in outline for code in ("01", "0101", "01032", "010321"))
    suggested = client.get("/statistics/iccs/", {"q": "Abduction of a minor"}).content.decode()
    assert 'href="/statistics/iccs/02021/"' in suggested.split('id="suggestions"')[1]
    detail = client.get("/statistics/iccs/0101/").content.decode()
    assert "Homicidio intencional" in detail and "Murder" in detail
    assert 'href="/statistics/iccs/01/"' in detail  # its parent
    assert client.get("/statistics/iccs/9999/").status_code == 404


def test_state_page_charts_the_series_it_tabulates():
    """The chart's lines are the table's columns: each source shown, the published value and
    the region, one value a year."""
    import json
    import re

    from palermo.statistics.models import HomicideChoice

    page = Client().get("/statistics/states/ARG/", {"source": "who-homicide"}).content.decode()
    data = json.loads(
        re.search(r'<script id="series-data" type="application/json">(.*?)</script>', page, re.S)[1]
    )
    labels = [d["label"] for d in data["datasets"]]
    assert labels[0].startswith("WHO Global Health Estimates") and "Published value" in labels
    assert not any(label.startswith("UNODC") for label in labels)
    published = data["datasets"][labels.index("Published value")]["data"]
    chosen = dict(zip(data["labels"], published, strict=True))
    expected = HomicideChoice.objects.get(participant__code="ARG", year=2015).rate
    assert chosen["2015"] == pytest.approx(expected, abs=0.005)
    assert None in data["datasets"][0]["data"] or len(data["labels"]) == len(
        data["datasets"][0]["data"]
    )
    assert 'data-chart-id="series-data"' in page and "chart.umd.min.js" in page


def test_the_world_map_shows_each_states_published_value(client):
    """The map's classes are the published values of the year shown; each State links to its
    series; the table under it lists every State (those too small for the map too)."""
    import json
    import re

    from palermo.statistics.models import HomicideChoice
    from palermo.statistics.views import MAP_CLASSES

    page = client.get("/statistics/").content.decode()
    data = json.loads(
        re.search(r'<script id="map-data" type="application/json">(.*?)</script>', page, re.S)[1]
    )
    year = int(re.search(r"published value in (\d{4})", page)[1])
    argentina = HomicideChoice.objects.get(participant__code="ARG", year=year)
    key = data["values"]["032"]
    index = int(key[1:])
    upper = MAP_CLASSES[index][0]
    lower = MAP_CLASSES[index - 1][0] if index else 0
    assert lower <= argentina.rate and (upper is None or argentina.rate < upper)
    assert data["links"]["032"] == "/statistics/states/ARG/"
    assert [c["key"] for c in data["categories"]] == [f"c{i}" for i in range(len(MAP_CLASSES))]
    shown = HomicideChoice.objects.filter(year=year, confidential=False).count()
    assert f"The figures of {shown} States" in page
    assert "worldmap.js" in page and 'class="world-map"' in page
