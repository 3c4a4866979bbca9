"""The network measures against networkx as the oracle, on the real criminal networks of
``shared/data/networks`` (CAVIAR, Siren, the London gang, the French Connection, Madrid 11-M, …)
and on small graphs whose answers can be worked out by hand.

The oracle graphs are built here independently (parallel edges summed with a dict, self-loops
skipped), and the disruption curves are recomputed with networkx step by step."""

from __future__ import annotations

import csv
import math
import random
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from palermo.analysis.network import Edge, Network, NetworkError, NoPath, UnknownNode

NETWORKS = Path(__file__).resolve().parents[3] / "shared" / "data" / "networks"
TOLERANCE = 1e-6

# (file stem, directed): the UCINET CAVIAR matrix keeps who called whom.
REAL = [
    ("caviar_full", False),
    ("caviar_phase06", False),
    ("ucinet_morselli_caviar_matrix", True),
    ("ucinet_morselli_siren", False),
    ("ucinet_london_gang", False),
    ("macdonald_french_connection", False),
    ("madrid_bombing_64", False),
    ("krebs911_latora34", False),
    ("ucinet_natarajan_heroin", True),
    ("ucinet_montreal_gangs", True),
]


def read_network(stem: str) -> tuple[list[str], list[tuple[str, str, float]]]:
    edges_file = NETWORKS / f"{stem}_edges.csv"
    if not edges_file.exists():
        pytest.skip(f"{edges_file} is not on this machine")
    with edges_file.open(newline="", encoding="utf-8") as handle:
        edges = [
            (row["source"], row["target"], float(row.get("weight") or 1))
            for row in csv.DictReader(handle)
        ]
    nodes_file = NETWORKS / f"{stem}_nodes.csv"
    nodes: list[str] = []
    if nodes_file.exists():
        with nodes_file.open(newline="", encoding="utf-8") as handle:
            nodes = [row["id"] for row in csv.DictReader(handle)]
    seen = set(nodes)
    for source, target, _ in edges:
        for node in (source, target):
            if node not in seen:
                seen.add(node)
                nodes.append(node)
    return nodes, edges


def oracle(nodes, edges, directed: bool) -> nx.Graph:
    """networkx's graph of the same data, merged by hand."""
    merged: dict[tuple, float] = {}
    for source, target, weight in edges:
        if source == target:
            continue
        key = (source, target) if directed else tuple(sorted((source, target)))
        merged[key] = merged.get(key, 0.0) + weight
    graph = nx.DiGraph() if directed else nx.Graph()
    graph.add_nodes_from(nodes)
    for (source, target), weight in merged.items():
        # Exact distances, so that networkx sees ties such as 1/3 + 1/3 + 1/3 = 1 that floating
        # point would miss (igraph compares with a tolerance).
        distance = Fraction(1) / Fraction(weight)
        graph.add_edge(source, target, weight=weight, distance=distance)
    return graph


@pytest.fixture(scope="module", params=REAL, ids=[stem for stem, _ in REAL])
def real(request):
    stem, directed = request.param
    nodes, edges = read_network(stem)
    return Network.build(nodes, edges, directed=directed), oracle(nodes, edges, directed)


def assert_close(ours: dict, theirs: dict, tolerance: float = TOLERANCE) -> None:
    assert ours.keys() == theirs.keys()
    theirs = {k: float(v) for k, v in theirs.items()}
    worst = max((abs(ours[k] - theirs[k]), k) for k in ours) if ours else (0.0, None)
    assert worst[0] <= tolerance, f"node {worst[1]!r}: {ours[worst[1]]} != {theirs[worst[1]]}"


# -- real networks ---------------------------------------------------------------------------


def test_the_graph_is_the_oracles(real):
    ours, graph = real
    assert len(ours) == graph.number_of_nodes()
    assert ours.edge_count == graph.number_of_edges()
    theirs = {(s, t): d["weight"] for s, t, d in graph.edges(data=True)}
    for source, target, weight in ours.edges():
        key = (
            (source, target)
            if ours.directed
            else next(k for k in ((source, target), (target, source)) if k in theirs)
        )
        assert theirs[key] == weight


def test_degree_and_strength(real):
    ours, graph = real
    assert ours.degree() == dict(graph.degree())
    assert_close(ours.strength(), dict(graph.degree(weight="weight")))
    if ours.directed:
        assert ours.degree("in") == dict(graph.in_degree())
        assert ours.degree("out") == dict(graph.out_degree())
        assert_close(ours.strength("in"), dict(graph.in_degree(weight="weight")))
        assert_close(ours.strength("out"), dict(graph.out_degree(weight="weight")))


@pytest.mark.parametrize("weighted", [True, False])
def test_betweenness(real, weighted):
    ours, graph = real
    theirs = nx.betweenness_centrality(graph, weight="distance" if weighted else None)
    assert_close(ours.betweenness(weighted=weighted), theirs)


def test_sampled_betweenness_is_networkx_with_the_same_sources(real):
    ours, graph = real
    k = len(ours) // 3
    theirs = nx.betweenness_centrality(graph, k=k, seed=7, weight="distance")
    assert_close(ours.betweenness(sample=k, seed=7), theirs)
    # sampling every node is the exact count
    assert_close(ours.betweenness(sample=len(ours)), ours.betweenness())


@pytest.mark.parametrize("weighted", [True, False])
def test_closeness(real, weighted):
    ours, graph = real
    distance = "distance" if weighted else None
    assert_close(
        ours.closeness(weighted=weighted), nx.closeness_centrality(graph, distance=distance)
    )
    if ours.directed:
        assert_close(
            ours.closeness(weighted=weighted, mode="out"),
            nx.closeness_centrality(graph.reverse(), distance=distance),
        )


@pytest.mark.parametrize("weighted", [True, False])
def test_eigenvector_on_the_largest_component(real, weighted):
    ours, graph = real
    if ours.directed:
        part = max(nx.strongly_connected_components(graph), key=len)
    else:
        part = max(nx.connected_components(graph), key=len)
    if len(part) < 3:
        pytest.skip("no strongly connected part worth the name")
    order = [node for node in ours.nodes if node in part]
    theirs = nx.eigenvector_centrality(
        graph.subgraph(part), weight="weight" if weighted else None, max_iter=100_000, tol=1e-13
    )
    assert_close(ours.subgraph(order).eigenvector(weighted=weighted), theirs)


@pytest.mark.parametrize("weighted", [True, False])
def test_pagerank(real, weighted):
    ours, graph = real
    theirs = nx.pagerank(graph, weight="weight" if weighted else None, tol=1e-13, max_iter=10_000)
    result = ours.pagerank(weighted=weighted)
    assert_close(result, theirs)
    assert math.isclose(sum(result.values()), 1.0)


def test_components(real):
    ours, graph = real
    as_sets = lambda parts: sorted(map(frozenset, parts), key=sorted)  # noqa: E731
    if ours.directed:
        assert as_sets(ours.components("weak")) == as_sets(nx.weakly_connected_components(graph))
        assert as_sets(ours.components("strong")) == as_sets(
            nx.strongly_connected_components(graph)
        )
    else:
        assert as_sets(ours.components()) == as_sets(nx.connected_components(graph))
    sizes = [len(part) for part in ours.components()]
    assert sizes == sorted(sizes, reverse=True)


@pytest.mark.parametrize("method,iterations", [("leiden", 2), ("leiden", -1), ("louvain", 2)])
def test_communities_at_least_as_good_as_networkx_louvain(real, method, iterations):
    ours, graph = real
    undirected = graph.to_undirected() if ours.directed else graph
    if ours.directed:  # both directions summed, as the module documents
        undirected = nx.Graph()
        undirected.add_nodes_from(graph)
        for s, t, d in graph.edges(data=True):
            w = undirected.get_edge_data(s, t, {"weight": 0})["weight"]
            undirected.add_edge(s, t, weight=w + d["weight"])
    found = ours.communities(method=method, seed=3, iterations=iterations)
    # a partition of every node
    members = [node for group in found.groups for node in group]
    assert sorted(members) == sorted(ours.nodes)
    assert all(found.membership[node] == c for c, g in enumerate(found.groups) for node in g)
    # its modularity is the one networkx computes for it
    theirs = nx.community.modularity(undirected, found.groups, weight="weight")
    assert math.isclose(found.modularity, theirs, abs_tol=1e-9)
    best = max(
        nx.community.modularity(
            undirected, nx.community.louvain_communities(undirected, seed=s), weight="weight"
        )
        for s in range(3)
    )
    assert found.modularity >= best - 0.02
    # the same seed gives the same partition
    again = ours.communities(method=method, seed=3, iterations=iterations)
    assert again.membership == found.membership
    if method == "leiden":  # Leiden's guarantee: every community is connected
        assert all(nx.is_connected(undirected.subgraph(g)) for g in found.groups if g)


def test_shortest_paths(real):
    ours, graph = real
    rng = random.Random(1)
    nodes = list(ours.nodes)
    checked = 0
    for _ in range(40):
        source, target = rng.sample(nodes, 2)
        for weighted in (True, False):
            weight = "distance" if weighted else None
            if not nx.has_path(graph, source, target):
                with pytest.raises(NoPath):
                    ours.shortest_path(source, target, weighted=weighted)
                continue
            length = nx.shortest_path_length(graph, source, target, weight=weight)
            assert math.isclose(ours.path_length(source, target, weighted=weighted), length)
            theirs = sorted(nx.all_shortest_paths(graph, source, target, weight=weight))
            assert ours.all_shortest_paths(source, target, weighted=weighted) == theirs
            assert ours.shortest_path(source, target, weighted=weighted) in theirs
            checked += 1
    assert checked > 10


@pytest.mark.parametrize("hops", [1, 2, 3])
def test_neighbourhood(real, hops):
    ours, graph = real
    for node in list(ours.nodes)[:10]:
        theirs = set(nx.ego_graph(graph, node, radius=hops, undirected=True))
        assert set(ours.neighbourhood(node, hops)) == theirs
    if ours.directed:
        node = ours.nodes[0]
        assert set(ours.neighbourhood(node, 2, mode="out")) == set(
            nx.ego_graph(graph, node, radius=2)
        )


# -- disruption against a networkx re-implementation -------------------------------------------


def nx_disruption(graph, nodes, strategy, per_step, recompute, weighted=False):
    """Largest component after each step, removing by ``strategy`` with networkx."""
    position = {node: i for i, node in enumerate(nodes)}

    def ranking(g):
        if strategy == "degree":
            scores = dict(g.degree())
        else:
            scores = nx.betweenness_centrality(
                g, weight="distance" if weighted else None, normalized=False
            )
        top = max(scores.values(), default=0) or 1
        return sorted(g, key=lambda v: (-round(scores[v] / top / 1e-9), position[v]))

    def largest(g):
        parts = nx.weakly_connected_components(g) if g.is_directed() else nx.connected_components(g)
        return max((len(p) for p in parts), default=0)

    g = graph.copy()
    curve = [([], largest(g))]
    order = None if recompute else ranking(g)
    removed = 0
    while removed < len(nodes):
        chosen = (ranking(g) if recompute else order[removed:])[:per_step]
        g.remove_nodes_from(chosen)
        removed += len(chosen)
        curve.append((chosen, largest(g)))
    return curve


@pytest.mark.parametrize(
    "strategy,per_step,recompute",
    [
        ("degree", 1, True),
        ("degree", 1, False),
        ("betweenness", 1, True),
        ("betweenness", 3, False),
        ("degree", 5, True),
    ],
)
def test_disruption_curves(real, strategy, per_step, recompute):
    ours, graph = real
    result = ours.disrupt(strategy, per_step=per_step, recompute=recompute)
    theirs = nx_disruption(graph, list(ours.nodes), strategy, per_step, recompute)
    assert [s.largest_component for s in result.steps] == [size for _, size in theirs]
    assert [s.removed for s in result.steps] == [chosen for chosen, _ in theirs]
    n = len(ours)
    assert result.curve()[0] == (0, theirs[0][1] / n)
    assert all(math.isclose(s.largest_share, s.largest_component / n) for s in result.steps)
    assert result.steps[-1].largest_component == 0


def test_weighted_betweenness_disruption_on_caviar():
    nodes, edges = read_network("caviar_full")
    ours = Network.build(nodes, edges)
    result = ours.disrupt("betweenness", weighted=True, max_removed=15)
    theirs = nx_disruption(oracle(nodes, edges, False), nodes, "betweenness", 1, True, True)
    assert [s.largest_component for s in result.steps] == [size for _, size in theirs][:16]
    assert result.steps[-1].removed_total == 15


def test_targeted_attack_breaks_caviar_faster_than_random_removal():
    """Morselli's and Duijn et al.'s finding, on the real CAVIAR network: removing the most
    central few fragments the network far more than removing as many at random."""
    nodes, edges = read_network("caviar_full")
    ours = Network.build(nodes, edges)
    targeted = ours.disrupt("betweenness", max_removed=10).steps[-1].largest_share
    randomly = [
        ours.disrupt("random", max_removed=10, seed=s).steps[-1].largest_share for s in range(5)
    ]
    assert targeted < min(randomly)
    # random removal is reproducible and removes every node exactly once
    full = ours.disrupt("random", seed=4)
    assert full.steps == ours.disrupt("random", seed=4).steps
    assert sorted(node for s in full.steps for node in s.removed) == sorted(nodes)


# -- small graphs worked out by hand ---------------------------------------------------------


def two_cliques() -> Network:
    """Two 4-cliques (a…, b…) joined only through the broker ``x``."""
    edges = []
    for side in "ab":
        members = [f"{side}{i}" for i in range(4)]
        edges += [(u, v) for i, u in enumerate(members) for v in members[i + 1 :]]
    edges += [("x", "a0"), ("x", "a1"), ("x", "b0"), ("x", "b1")]
    nodes = sorted({n for e in edges for n in e})
    return Network.build(nodes, edges)


def test_brokers_find_the_node_between_two_communities():
    network = two_cliques()
    found = network.communities(seed=1)
    assert len(found) == 2
    brokers = network.brokers(found)
    top = brokers[0]
    assert top.node == "x"
    # x has 2 of its 4 ties in each community: participation 1 − (½² + ½²)
    assert math.isclose(top.participation, 0.5)
    assert math.isclose(top.external_share, 0.5)
    assert top.communities_reached == 1
    assert top.betweenness == max(network.betweenness().values())
    # a0 has 3 ties in its clique and 1 to x, whose community is the other one or its own
    for broker in brokers:
        neighbours = network.neighbourhood(broker.node, 1)
        spread = {}
        for node in neighbours:
            if node != broker.node:
                c = found.membership[node]
                spread[c] = spread.get(c, 0) + 1
        total = sum(spread.values())
        assert math.isclose(
            broker.participation, 1 - sum((k / total) ** 2 for k in spread.values())
        )


def test_no_brokers_in_one_community():
    network = Network.build("abc", [("a", "b"), ("b", "c"), ("c", "a")])
    assert network.brokers() == []


def test_parallel_edges_are_summed_and_reverse_edges_merged_when_undirected():
    edges = [("a", "b", 2), ("b", "a", 3), ("a", "b", 1), ("b", "c")]
    undirected = Network.build("abc", edges)
    assert sorted(undirected.edges()) == [("a", "b", 6.0), ("b", "c", 1.0)]
    assert undirected.strength() == {"a": 6.0, "b": 7.0, "c": 1.0}
    directed = Network.build("abc", edges, directed=True)
    assert sorted(directed.edges()) == [("a", "b", 3.0), ("b", "a", 3.0), ("b", "c", 1.0)]
    assert directed.degree("out") == {"a": 1, "b": 2, "c": 0}
    assert directed.strength("in") == {"a": 3.0, "b": 3.0, "c": 1.0}


def test_self_loops_dropped_unless_kept():
    edges = [("a", "a", 5), ("a", "b")]
    assert Network.build("ab", edges).degree() == {"a": 1, "b": 1}
    kept = Network.build("ab", edges, self_loops=True)
    graph = nx.Graph([("a", "a"), ("a", "b")])
    assert kept.degree() == dict(graph.degree())  # a loop counts twice, as in networkx


def test_weights_are_strengths_so_strong_ties_are_short():
    # a–b direct but weak (1 call); a–c–b through strong ties (10 calls each)
    network = Network.build("abc", [("a", "b", 1), ("a", "c", 10), ("c", "b", 10)])
    assert network.shortest_path("a", "b") == ["a", "c", "b"]
    assert math.isclose(network.path_length("a", "b"), 0.2)
    assert network.shortest_path("a", "b", weighted=False) == ["a", "b"]
    assert network.betweenness()["c"] == 1.0
    assert network.betweenness(weighted=False)["c"] == 0.0


def test_directed_paths_follow_direction():
    network = Network.build("abc", [("a", "b"), ("b", "c")], directed=True)
    assert network.shortest_path("a", "c") == ["a", "b", "c"]
    with pytest.raises(NoPath, match="no path from 'c' to 'a'"):
        network.shortest_path("c", "a")
    assert network.neighbourhood("c", 2, mode="in") == ["a", "b", "c"]
    assert network.neighbourhood("c", 2, mode="out") == ["c"]
    assert network.components("strong") == [["a"], ["b"], ["c"]]
    assert network.components("weak") == [["a", "b", "c"]]


def test_all_shortest_paths_on_a_diamond():
    network = Network.build("sabt", [("s", "a"), ("s", "b"), ("a", "t"), ("b", "t")])
    assert network.all_shortest_paths("s", "t") == [["s", "a", "t"], ["s", "b", "t"]]


def test_empty_graph():
    network = Network.build([], [])
    assert len(network) == 0
    assert network.degree() == {}
    assert network.betweenness() == {} and network.closeness() == {}
    assert network.eigenvector() == {} and network.pagerank() == {}
    assert network.components() == []
    assert len(network.communities()) == 0
    assert network.brokers() == []
    assert network.disrupt().steps[0].largest_component == 0
    with pytest.raises(UnknownNode, match="unknown node id 'a'"):
        network.shortest_path("a", "b")


def test_single_node():
    network = Network.build(["only"], [])
    graph = nx.Graph()
    graph.add_node("only")
    assert network.degree() == {"only": 0}
    assert network.betweenness() == nx.betweenness_centrality(graph)
    assert network.closeness() == nx.closeness_centrality(graph)
    assert network.pagerank() == pytest.approx(nx.pagerank(graph))
    assert network.communities().groups == [["only"]]
    assert network.shortest_path("only", "only") == ["only"]
    assert [s.largest_component for s in network.disrupt().steps] == [1, 0]


def test_disconnected_graph_matches_networkx():
    edges = [("a", "b"), ("b", "c"), ("d", "e")]
    nodes = list("abcdef")
    network = Network.build(nodes, edges)
    graph = oracle(nodes, [(s, t, 1.0) for s, t in edges], False)
    assert_close(network.closeness(), nx.closeness_centrality(graph, distance="distance"))
    assert_close(network.betweenness(), nx.betweenness_centrality(graph, weight="distance"))
    assert_close(network.pagerank(), nx.pagerank(graph, tol=1e-13, max_iter=10_000))
    assert network.components() == [["a", "b", "c"], ["d", "e"], ["f"]]
    with pytest.raises(NoPath):
        network.path_length("a", "f")
    assert [s.largest_component for s in network.disrupt("degree").steps][:3] == [3, 2, 1]


def test_unknown_node_ids_are_named():
    network = two_cliques()
    with pytest.raises(UnknownNode, match="unknown node id 'nobody'"):
        network.shortest_path("a0", "nobody")
    with pytest.raises(UnknownNode, match="unknown node id 'ghost'"):
        network.neighbourhood(["a0", "ghost"])
    with pytest.raises(UnknownNode, match="'zz'"):
        network.subgraph(["a0", "zz"])
    assert isinstance(UnknownNode("x"), KeyError)  # so `except KeyError` also works


@pytest.mark.parametrize(
    "nodes,edges,message",
    [
        ("ab", [("a", "b"), ("a", "z")], r"edge 1: target 'z' is not among the nodes"),
        ("ab", [("a", "b", 0)], r"edge 0: weight 0 must be a positive, finite number"),
        ("ab", [("a", "b", -2.5)], r"edge 0: weight -2.5 must be a positive"),
        ("ab", [("a", "b", float("nan"))], r"edge 0: weight nan"),
        ("ab", [("a", "b", "3")], r"edge 0: weight '3' is not a number"),
        ("ab", [("a",)], r"edge 0: expected an Edge or a tuple"),
        (["a", "b", "a"], [], r"node 2: id 'a' was already given at position 0"),
        (["a", None], [], r"node 1: the id is empty"),
        ("ab", [("a", "b", 1, "call", "yesterday")], r"edge 0: timestamp 'yesterday'"),
        ("ab", [(["a"], "b")], r"edge 0: source \['a'\] is not among the nodes"),
        (["a", ["b"]], [], r"node 1: id \['b'\] cannot be an id"),
    ],
)
def test_bad_input_says_what_and_where(nodes, edges, message):
    with pytest.raises(NetworkError, match=message):
        Network.build(nodes, edges)


def test_bad_options_are_refused():
    network = two_cliques()
    with pytest.raises(NetworkError, match="strategy must be"):
        network.disrupt("closeness")
    with pytest.raises(NetworkError, match="per_step must be at least 1"):
        network.disrupt(per_step=0)
    with pytest.raises(NetworkError, match="method must be 'leiden' or 'louvain'"):
        network.communities(method="girvan")
    with pytest.raises(NetworkError, match="mode must be"):
        network.degree("sideways")


def test_selection_and_filters():
    edges = [
        Edge("a", "b", 1, "call", datetime(2024, 1, 5, tzinfo=UTC)),
        Edge("b", "c", 2, "payment", date(2024, 3, 1)),
        Edge("c", "d", 1, "call", datetime(2024, 6, 1)),
        Edge("a", "d", 4, "call"),
    ]
    network = Network.build("abcd", edges)
    calls = network.filter_edges(types=["call"])
    assert sorted(calls.edges()) == [("a", "b", 1.0), ("a", "d", 4.0), ("c", "d", 1.0)]
    assert calls.nodes == network.nodes
    spring = network.filter_edges(since=date(2024, 2, 1), until=datetime(2024, 5, 1))
    assert spring.edges() == [("b", "c", 2.0)]  # the undated edge is out of any window
    selection = network.subgraph(["d", "a", "b"])
    assert selection.nodes == ("a", "b", "d")  # the network's order, not the selection's
    assert sorted(selection.edges()) == [("a", "b", 1.0), ("a", "d", 4.0)]
    graph = oracle("abd", [("a", "b", 1.0), ("a", "d", 4.0)], False)
    assert_close(selection.betweenness(), nx.betweenness_centrality(graph, weight="distance"))


def test_results_are_keyed_by_the_callers_ids_whatever_their_type():
    nodes = [101, (2, "tuple"), "three"]
    network = Network.build(nodes, [(101, (2, "tuple")), ((2, "tuple"), "three")])
    assert list(network.pagerank()) == nodes
    assert network.shortest_path(101, "three") == [101, (2, "tuple"), "three"]
    assert network.metrics()[(2, "tuple")]["betweenness"] == 1.0


def test_summary(real):
    ours, graph = real
    summary = ours.summary()
    assert summary["nodes"] == graph.number_of_nodes()
    assert summary["edges"] == graph.number_of_edges()
    assert math.isclose(summary["density"], nx.density(graph))
    parts = list(
        nx.weakly_connected_components(graph) if ours.directed else nx.connected_components(graph)
    )
    assert summary["components"] == len(parts)
    assert summary["largest_component"] == max(map(len, parts))
    assert summary["isolates"] == nx.number_of_isolates(graph)


def test_disruption_by_strong_components_on_a_directed_network():
    nodes, edges = read_network("ucinet_morselli_caviar_matrix")
    ours = Network.build(nodes, edges, directed=True)
    graph = oracle(nodes, edges, True)
    result = ours.disrupt("degree", component="strong", max_removed=20)
    g = graph.copy()
    expected = [max(map(len, nx.strongly_connected_components(g)))]
    for step in result.steps[1:]:
        g.remove_nodes_from(step.removed)
        expected.append(max(map(len, nx.strongly_connected_components(g))))
    assert [s.largest_component for s in result.steps] == expected
    assert expected[0] < len(nodes)  # a call network is not strongly connected


def test_disruption_stops_at_max_removed_with_a_short_last_step():
    network = two_cliques()
    result = network.disrupt("degree", per_step=2, max_removed=5)
    assert [s.removed_total for s in result.steps] == [0, 2, 4, 5]
    assert [len(s.removed) for s in result.steps] == [0, 2, 2, 1]


def test_edgeless_graph_has_singleton_communities_and_zero_modularity():
    found = Network.build("abc", []).communities()
    assert found.groups == [["a"], ["b"], ["c"]]
    assert found.modularity == 0.0


def test_unweighted_communities_of_a_directed_graph_ignore_reciprocity():
    # a reciprocated tie weighs no more than a one-way one when weights are off
    edges = [
        ("a", "b"),
        ("b", "a"),
        ("b", "c"),
        ("c", "a"),
        ("d", "e"),
        ("e", "f"),
        ("f", "d"),
        ("c", "d"),
    ]
    network = Network.build("abcdef", edges, directed=True)
    found = network.communities(weighted=False, seed=1)
    graph = nx.Graph([(s, t) for s, t in edges])
    assert math.isclose(found.modularity, nx.community.modularity(graph, found.groups))
    assert sorted(map(sorted, found.groups)) == [["a", "b", "c"], ["d", "e", "f"]]


def test_neighbourhood_of_several_seeds_and_of_a_tuple_id():
    network = Network.build([(1, 2), (3, 4), "x", "y"], [((1, 2), "x"), ((3, 4), "y")])
    assert network.neighbourhood((1, 2), 1) == [(1, 2), "x"]
    assert network.neighbourhood([(1, 2), (3, 4)], 1) == [(1, 2), (3, 4), "x", "y"]
    assert network.neighbourhood("x", 0) == ["x"]
    with pytest.raises(NetworkError, match="hops must be 0 or more"):
        network.neighbourhood("x", -1)


def test_brokers_need_communities_of_this_network():
    network = two_cliques()
    other = Network.build(["a0", "a1"], [("a0", "a1")]).communities()
    with pytest.raises(NetworkError, match="the communities do not cover node"):
        network.brokers(other)


def test_weights_from_a_database_or_numpy_are_numbers():
    network = Network.build("abc", [("a", "b", Decimal("12.50")), ("b", "c", np.int64(3))])
    assert network.strength() == {"a": 12.5, "b": 15.5, "c": 3.0}
    network = Network.build("ab", [("a", "b", 1, "call", np.float64(1.7e9))])
    assert network.filter_edges(since=1.6e9).edge_count == 1


def test_metrics_gather_every_measure_per_node(real):
    ours, graph = real
    table = ours.metrics()
    node = max(table, key=lambda v: table[v]["degree"])
    assert table[node]["degree"] == graph.degree(node)
    assert math.isclose(
        table[node]["betweenness"],
        float(nx.betweenness_centrality(graph, weight="distance")[node]),
        abs_tol=TOLERANCE,
    )
    assert ("in_degree" in table[node]) == ours.directed
    cheap = ours.metrics(sample=5, closeness=False)
    assert "closeness" not in cheap[node]
    assert cheap[node]["pagerank"] == table[node]["pagerank"]
