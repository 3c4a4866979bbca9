"""The demo investigation holds what it says it holds: each analysis finds the structure put
in it (two brokers between two cells, the laundering cycle, the structuring, both duplicates)."""

import pytest

from palermo.analysis import demo
from palermo.analysis.candidates import candidates_of
from palermo.analysis.graph import network_of
from palermo.analysis.models import Investigation
from palermo.analysis.payments import patterns_of
from palermo.core.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def lantern():
    # The test database is made with the demo content: made again here, its import reports
    # are checked.
    Investigation.objects.filter(title=demo.TITLE).delete()
    summary, notes = demo.load_demo()
    assert notes == [], notes
    investigation = Investigation.objects.get(title=demo.TITLE)
    assert investigation.is_demo and "entities" in summary
    assert demo.load_demo()[0] == "demo investigation already there"  # safe to repeat
    return investigation, User.objects.get(username="analyst")


def test_the_brokers_are_the_ones_between_the_cells(lantern):
    investigation, analyst = lantern
    graph = network_of(investigation, analyst)
    callers = [n for n, (_c, schema) in graph.labels.items() if schema in ("Person", "LegalEntity")]
    people = graph.network.subgraph(
        [n for n in callers if graph.labels[n][0] in {*demo.BROKERS, *sum(demo.CELLS.values(), [])}]
    )
    communities = people.communities(seed=0)
    assert len(communities) >= 2
    top = [graph.labels[b.node][0] for b in people.brokers()[:2]]
    assert set(top) == set(demo.BROKERS)
    betweenness = people.betweenness()
    ranked = sorted(betweenness, key=betweenness.get, reverse=True)[:2]
    assert {graph.labels[n][0] for n in ranked} == set(demo.BROKERS)


def test_the_cycle_and_the_structuring_are_found(lantern):
    investigation, analyst = lantern
    found = patterns_of(investigation, analyst)["findings"]
    cycles = [f for f in found if f["pattern"] == "cycle"]
    assert len(cycles) == 1
    assert {e["caption"] for e in cycles[0]["entities"]} == set(demo.COMPANIES)
    structuring = [f for f in found if f["pattern"] == "structuring"]
    assert [f["entities"][0]["caption"] for f in structuring] == [demo.SMURF]
    assert len(structuring[0]["payments"]) == 4


def test_the_duplicates_written_in_two_scripts_are_candidates(lantern):
    investigation, analyst = lantern
    pairs = candidates_of(investigation, analyst, min_probability=0.5)["pairs"]
    names = [{p["left"]["caption"], p["right"]["caption"]} for p in pairs]
    assert {"Aleksandr Petrov", "Александр Петров"} in names
    assert {"Mohammed Ali", "محمد علي"} in names


def test_the_map_finds_the_seizures_hot_spot_at_naples(lantern):
    from palermo.analysis import places

    investigation, analyst = lantern
    points, unplaced = places.points_of(investigation, analyst)
    assert unplaced == []
    # Twenty seizures, each placed at its address (the addresses are not counted again).
    assert len(points) == sum(n for _place, n in demo.SEIZURE_PLACES)
    hot = [c for c in places.hot_spots(points, cell_km=5)["cells"] if c["hot"]]
    naples = places.lookup("Naples", "IT")
    assert hot and all(
        abs(c["south"] - naples["latitude"]) < 0.2 and abs(c["west"] - naples["longitude"]) < 0.2
        for c in hot
    )
