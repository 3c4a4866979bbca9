"""``palermo analysis metrics`` and ``disrupt`` on an investigation: its entities and links as
the network, checked against networkx built from the same rows; members only, reads logged."""

import io
import json

import networkx as nx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from palermo.analysis.models import LINK_SCHEMATA, Entity
from palermo.analysis.queries import links
from palermo.platform.models import ReadEvent
from tests.analysis.helpers import load, team

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    investigation, owner, editor, viewer, outsider = team()
    load(investigation, "payments.csv", "payments")
    load(investigation, "calls.csv", "calls")
    return investigation, owner, viewer, outsider


def command(*args):
    out = io.StringIO()
    call_command("analysis", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def oracle(investigation, user) -> nx.Graph:
    graph = nx.Graph()
    nodes = Entity.objects.filter(investigation=investigation).exclude(schema__in=LINK_SCHEMATA)
    graph.add_nodes_from(nodes.values_list("ftm_id", flat=True))
    for link in links(investigation, user):
        if link.source != link.target:
            weight = graph.get_edge_data(link.source, link.target, {"weight": 0})["weight"]
            graph.add_edge(link.source, link.target, weight=weight + 1)
    return graph


def test_metrics_of_an_investigation(loaded):
    investigation, owner, viewer, _outsider = loaded
    report = command("metrics", str(investigation.pk), "--as", viewer.username)
    graph = oracle(investigation, owner)
    assert report["network"]["nodes"] == graph.number_of_nodes() > 5
    rows = {row["id"]: row for row in report["nodes"]}
    assert set(rows) == set(graph.nodes)
    betweenness = nx.betweenness_centrality(graph, weight=None)
    for node, degree in graph.degree():
        assert rows[node]["degree"] == degree
        assert rows[node]["strength"] == pytest.approx(graph.degree(node, weight="weight"))
    # Unweighted, betweenness is networkx's.
    unweighted = command("metrics", str(investigation.pk), "--as", viewer.username, "--unweighted")
    for row in unweighted["nodes"]:
        assert row["betweenness"] == pytest.approx(betweenness[row["id"]], abs=1e-6)
    assert all(row["caption"] and row["schema"] for row in report["nodes"])
    assert report["nodes"][0]["betweenness"] == max(r["betweenness"] for r in report["nodes"])
    assert ReadEvent.objects.filter(user=viewer, surface="cli").exists()


def test_disruption_of_an_investigation(loaded):
    investigation, owner, _viewer, _outsider = loaded
    report = command(
        "disrupt",
        str(investigation.pk),
        "--as",
        owner.username,
        "--strategy",
        "degree",
        "--recompute",
        "--max-removed",
        "3",
    )
    graph = oracle(investigation, owner)
    largest = max(len(c) for c in nx.connected_components(graph))
    steps = report["steps"]
    assert steps[0]["largest_component"] == largest and steps[0]["removed"] == []
    assert [s["removed_total"] for s in steps] == [0, 1, 2, 3]
    # The first removed has the highest degree, and the curve follows networkx's removal.
    first = steps[1]["removed"][0]["id"]
    assert graph.degree(first) == max(d for _n, d in graph.degree())
    graph.remove_node(first)
    assert steps[1]["largest_component"] == max(len(c) for c in nx.connected_components(graph))


def test_who_is_not_a_member_is_told_there_is_no_such_investigation(loaded):
    investigation, _owner, _viewer, outsider = loaded
    for action in ("metrics", "disrupt"):
        with pytest.raises(CommandError, match="No investigation"):
            command(action, str(investigation.pk), "--as", outsider.username)
        with pytest.raises(CommandError, match="No investigation"):
            command(action, str(investigation.pk))  # the public


def test_resolve_lists_duplicates_with_their_evidence_and_source_rows(tmp_path):
    from palermo.analysis import services

    investigation, owner, _editor, viewer, outsider = team()
    sheet = tmp_path / "parties.csv"
    sheet.write_text(
        "Surname,Given names,Role,Case number,Born,Nationality,Passport,Sample\n"
        "Petrov,Aleksandr,suspect,RG 1/2024,1979-11-02,BG,X0000001,fictional\n"
        "Петров,Александр,defendant,RG 2/2024,1979-11-02,BG,X 0000001,fictional\n"
        "Bellini,Marco,witness,RG 1/2024,1985-07-02,IT,,fictional\n",
        encoding="utf-8",
    )
    report = services.import_file(investigation, sheet, mapping="cases", acting_user=owner)
    assert report.ok, report.errors
    found = command("resolve", str(investigation.pk), "--as", viewer.username)
    pairs = [
        p
        for p in found["pairs"]
        if {p["left"]["caption"], p["right"]["caption"]} >= {"Aleksandr Petrov"}
    ]
    assert len(pairs) == 1 and pairs[0]["match_probability"] > 0.9
    pair = pairs[0]
    assert "Петров" in pair["left"]["caption"] + pair["right"]["caption"]
    assert any("birth" in line for line in pair["evidence_for"]), pair["evidence_for"]
    rows = {(s["file"], s["row"]) for side in ("left", "right") for s in pair[side]["sources"]}
    assert rows == {("parties.csv", 2), ("parties.csv", 3)}
    assert not any(
        "Bellini" in p["left"]["caption"] + p["right"]["caption"] for p in found["pairs"]
    )
    with pytest.raises(CommandError, match="No investigation"):
        command("resolve", str(investigation.pk), "--as", outsider.username)


@pytest.mark.parametrize("fmt, read", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_the_network_exports_open_in_other_tools(loaded, tmp_path, fmt, read):
    """Read back by networkx's own readers (as Gephi or yEd would read them): every entity a
    node with its caption and schema, every link counted on its edge."""
    investigation, owner, viewer, outsider = loaded
    path = tmp_path / f"network.{fmt}"
    summary = command(
        "export", str(investigation.pk), "--format", fmt, "--as", viewer.username, "-o", str(path)
    )
    graph = read(path)
    entities = Entity.objects.filter(investigation=investigation).exclude(schema__in=LINK_SCHEMATA)
    assert summary["count"] == graph.number_of_nodes() == entities.count()
    one = entities.exclude(caption="").first()
    label = graph.nodes[one.ftm_id]["label"]
    assert label == one.caption and graph.nodes[one.ftm_id]["schema"] == one.schema
    counted = sum(data["weight"] for _s, _t, data in graph.edges(data=True))
    found = links(investigation, owner)
    assert counted == len(found) > 0
    kinds = {link.schema for link in found}
    assert {data["type"] for _s, _t, data in graph.edges(data=True)} == kinds
    with pytest.raises(CommandError, match="No investigation"):
        command("export", str(investigation.pk), "--format", fmt, "--as", outsider.username)


def test_patterns_of_an_investigation(loaded):
    """The sample payments go round: Adriatic Shipping → Petrov → Orion Trading → Adriatic
    Shipping in three days."""
    investigation, _owner, viewer, outsider = loaded
    found = command("patterns", str(investigation.pk), "--as", viewer.username)
    assert found["payments"] >= 4 and found["undated"] == 0
    cycles = [f for f in found["findings"] if f["pattern"] == "cycle"]
    assert len(cycles) == 1
    names = {e["caption"] for e in cycles[0]["entities"]}
    assert names == {"Adriatic Shipping Ltd", "Ivan Petrov", "Orion Trading S.r.l."}
    assert "Money returned to" in cycles[0]["explanation"] and len(cycles[0]["payments"]) == 3
    with pytest.raises(CommandError, match="No investigation"):
        command("patterns", str(investigation.pk), "--as", outsider.username)
