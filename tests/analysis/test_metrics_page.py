"""The network measures' page: each measure as a sorted table (the same figures as
``network.py``), communities, brokers, the disruption curve, the CSV download; members only."""

import csv
import io
import re

import pytest
from django.urls import reverse

from palermo.analysis.graph import network_of

from .helpers import load, team

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    investigation, owner, editor, viewer, outsider = team()
    for name, mapping in (("payments.csv", "payments"), ("companies.csv", "companies")):
        report = load(investigation, name, mapping)
        assert report.ok, report.errors
    return investigation, owner, viewer, outsider


def url(investigation):
    return reverse("analysis:metrics", kwargs={"pk": investigation.pk})


def table(page: str) -> list[list[str]]:
    body = page.split('id="measure-table"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return [re.findall(r"<td>(.*?)</td>", row, flags=re.S) for row in rows]


@pytest.mark.parametrize("measure", ["degree", "strength", "betweenness", "pagerank"])
def test_a_measure_is_a_table_sorted_from_the_highest(client, case, measure):
    investigation, owner, *_ = case
    client.force_login(owner)
    page = client.get(url(investigation), {"measure": measure}).content.decode()
    rows = table(page)
    graph = network_of(investigation, owner)
    expected = getattr(graph.network, measure)()
    assert len(rows) == len(expected) > 3
    values = [float(r[3]) for r in rows]
    assert values == sorted(values, reverse=True)
    top = max(expected.values())
    assert values[0] == pytest.approx(top, abs=1e-6)
    by_caption = {graph.labels[n][0]: v for n, v in expected.items()}
    for _rank, caption, _schema, value in rows:
        assert float(value) == pytest.approx(by_caption[caption], abs=1e-6)


def test_the_table_downloads_as_csv_in_the_same_order(client, case):
    investigation, owner, *_ = case
    client.force_login(owner)
    page = client.get(url(investigation), {"measure": "betweenness"}).content.decode()
    response = client.get(url(investigation), {"measure": "betweenness", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["FollowTheMoney id", "Rank", "Entity"]
    assert [r[2] for r in rows[1:]] == [r[1] for r in table(page)]


def test_communities_brokers_and_the_disruption_curve(client, case):
    investigation, owner, *_ = case
    client.force_login(owner)
    page = client.get(url(investigation), {"measure": "communities"}).content.decode()
    assert "Modularity" in page and table(page)
    sizes = [int(r[1]) for r in table(page)]
    assert sum(sizes) == len(network_of(investigation, owner).network)

    page = client.get(url(investigation), {"measure": "brokers"}).content.decode()
    assert "Participation coefficient" in page

    page = client.get(
        url(investigation),
        {"measure": "disruption", "strategy": "degree", "per_step": 1, "max_removed": 3},
    ).content.decode()
    steps = table(page)
    assert [r[0] for r in steps] == ["0", "1", "2", "3"]
    sizes = [int(r[3]) for r in steps]
    assert sizes[0] > sizes[-1]  # removing the most connected breaks the network up
    assert "<polyline" in page
    graph = network_of(investigation, owner)
    expected = graph.network.disrupt("degree", per_step=1, max_removed=3, recompute=False)
    assert sizes == [s.largest_component for s in expected.steps]


def test_bad_options_are_named(client, case):
    investigation, owner, *_ = case
    client.force_login(owner)
    page = client.get(url(investigation), {"measure": "disruption", "per_step": 0}).content.decode()
    assert "Ensure this value is greater than or equal to 1" in page
    assert 'id="measure-table"' not in page
    page = client.get(url(investigation), {"measure": "fame"}).content.decode()
    assert "Select a valid choice. fame is not one of the available choices." in page


def test_a_viewer_runs_measures_others_are_told_nothing(client, case):
    investigation, _owner, viewer, outsider = case
    client.force_login(viewer)
    assert table(client.get(url(investigation), {"measure": "degree"}).content.decode())
    client.force_login(outsider)
    assert client.get(url(investigation), {"measure": "degree"}).status_code == 404
    assert client.get(url(investigation), {"measure": "degree", "format": "csv"}).status_code == 404
    client.logout()
    assert client.get(url(investigation)).status_code == 302


def test_the_page_costs_the_same_queries_whatever_the_size(
    client, case, django_assert_max_num_queries
):
    investigation, owner, *_ = case
    client.force_login(owner)
    with django_assert_max_num_queries(40) as few:
        client.get(url(investigation), {"measure": "degree"})
    report = load(investigation, "calls.csv", "calls")
    assert report.ok, report.errors
    with django_assert_max_num_queries(60) as many:
        page = client.get(url(investigation), {"measure": "degree"}).content.decode()
    assert len(table(page)) > 10
    # The read log writes its rows in batches (the platform's); the page's own reads are fixed.
    assert own_queries(many) == own_queries(few)


def own_queries(context) -> int:
    return sum("platform_readevent" not in q["sql"] for q in context.captured_queries)
