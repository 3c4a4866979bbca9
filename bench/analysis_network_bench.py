"""Benchmark: the compiled graph library for Analysis, chosen by measurement.

In one run, on the same graphs, each task is timed with networkx (the reference, pure Python)
and with every compiled candidate installed — igraph (through ``palermo.analysis.network``, the
product's path, and raw), networkit and rustworkx — and reported as a ratio to networkx:

* the real CAVIAR wiretap network (Morselli 2009; ``shared/data/networks/caviar_full_*.csv``,
  110 nodes, 205 weighted edges): every measure exact;
* a synthetic scale-free graph (Barabási–Albert, seeded; fictional), by default 100,000 nodes and
  about 500,000 edges with random weights 1–20: building it, PageRank, communities, betweenness
  estimated from ``--sample`` source nodes, weighted shortest paths from one node, the 2-hop
  neighbourhood of the busiest node (what the link chart asks for), and a disruption run
  (``--steps`` steps removing 0.1% of the nodes by degree, recomputed after each).

A candidate that lacks a task is shown as "—": rustworkx has no community detection, its
betweenness is unweighted and exact only (so it is timed on CAVIAR alone) and its PageRank takes
directed graphs only; the product (``palermo``) has no single-source distance call (it answers
point-to-point paths) and disruption is the product's own loop, so it is compared with networkx
only.

    .venv/bin/python bench/analysis_network_bench.py [--nodes 100000] [--per-node 5]
        [--sample 16] [--steps 5] [--write]

networkit and rustworkx are bench-only (``pip install networkit rustworkx``); without them their
columns are left out. ``--write`` puts the report into ``docs/benchmarks.md`` between
``<!-- bench:analysis-network -->`` markers; otherwise it is printed.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import random
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from palermo.analysis.network import Network  # noqa: E402

REPORT = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench:analysis-network -->", "<!-- /bench:analysis-network -->"
NETWORKS = ROOT.parent / "shared" / "data" / "networks"
HAVE_NK = importlib.util.find_spec("networkit") is not None
HAVE_RX = importlib.util.find_spec("rustworkx") is not None
LIBS = (
    ["networkx", "palermo (igraph)", "igraph"] + ["networkit"] * HAVE_NK + ["rustworkx"] * HAVE_RX
)


def timed(fn, repeat=1):
    """Best of ``repeat`` runs; a run under a second is repeated at least three times, as the
    machine may be shared."""
    best, runs = float("inf"), 0
    while runs < repeat or (best < 1 and runs < max(repeat, 3)):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
        runs += 1
    return best


# -- the graphs -------------------------------------------------------------------------------


def caviar():
    with (NETWORKS / "caviar_full_edges.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    ids = sorted({r["source"] for r in rows} | {r["target"] for r in rows}, key=int)
    index = {node: i for i, node in enumerate(ids)}
    merged: dict[tuple[int, int], float] = {}
    for r in rows:
        a, b = sorted((index[r["source"]], index[r["target"]]))
        if a != b:
            merged[a, b] = merged.get((a, b), 0.0) + float(r["weight"])
    return len(ids), [(a, b, w) for (a, b), w in merged.items()]


def scale_free(nodes: int, per_node: int, seed: int = 1):
    """A Barabási–Albert graph by preferential attachment (numpy, seeded; fictional)."""
    rng = np.random.default_rng(seed)
    targets = list(range(per_node))
    repeated: list[int] = []
    src, dst = [], []
    for new in range(per_node, nodes):
        src.extend([new] * per_node)
        dst.extend(targets)
        repeated.extend(targets)
        repeated.extend([new] * per_node)
        picks = set()
        while len(picks) < per_node:
            picks.add(repeated[int(rng.integers(len(repeated)))])
        targets = list(picks)
    weights = rng.integers(1, 21, size=len(src)).astype(float)
    return nodes, list(zip(src, dst, weights.tolist(), strict=True))


# -- one builder and one set of tasks per library -----------------------------------------------


def build(lib, n, edges):
    if lib == "networkx":
        g = nx.Graph()
        g.add_nodes_from(range(n))
        g.add_weighted_edges_from(edges)
        for _, _, d in g.edges(data=True):
            d["distance"] = 1 / d["weight"]
        return g
    if lib == "palermo (igraph)":
        return Network.build(range(n), edges)
    if lib == "igraph":
        import igraph as ig

        arr = np.array(edges)
        g = ig.Graph(n=n, edges=arr[:, :2].astype(np.int64))
        g.es["weight"] = arr[:, 2].tolist()
        g.es["distance"] = (1 / arr[:, 2]).tolist()
        return g
    if lib == "networkit":
        import networkit as nk

        arr = np.array(edges)
        g = nk.Graph(n, weighted=True)
        g.addEdges((arr[:, 2], (arr[:, 0].astype(np.uint64), arr[:, 1].astype(np.uint64))))
        d = nk.Graph(n, weighted=True)
        d.addEdges((1 / arr[:, 2], (arr[:, 0].astype(np.uint64), arr[:, 1].astype(np.uint64))))
        return g, d
    if lib == "rustworkx":
        import rustworkx as rx

        g = rx.PyGraph(multigraph=False)
        g.add_nodes_from(range(n))
        g.extend_from_weighted_edge_list(edges)
        return g
    raise ValueError(lib)


def tasks(lib, g, *, exact: bool, sample: int, hub: int, steps: int, per_step: int):
    """``{task: callable or None}`` for one library on one built graph."""
    sources = random.Random(0).sample(range(_n(lib, g)), sample)
    if lib == "networkx":

        def nx_disrupt():
            h = g.copy()
            for _ in range(steps):
                ranked = sorted(h.degree, key=lambda x: -x[1])[:per_step]
                h.remove_nodes_from(v for v, _ in ranked)
                max(map(len, nx.connected_components(h)))

        return {
            "betweenness": lambda: nx.betweenness_centrality(
                g, weight="distance", **({} if exact else {"k": sample, "seed": 0})
            ),
            "closeness": (lambda: nx.closeness_centrality(g, distance="distance"))
            if exact
            else None,
            "eigenvector": (lambda: nx.eigenvector_centrality(g, weight="weight", max_iter=1000))
            if exact
            else None,
            "pagerank": lambda: nx.pagerank(g, weight="weight"),
            "components": lambda: list(nx.connected_components(g)),
            "communities": lambda: nx.community.louvain_communities(g, weight="weight", seed=0),
            "shortest paths (1 source)": lambda: nx.single_source_dijkstra_path_length(
                g, hub, weight="distance"
            ),
            "2-hop neighbourhood": lambda: nx.single_source_shortest_path_length(g, hub, cutoff=2),
            "disruption": nx_disrupt,
        }
    if lib == "palermo (igraph)":
        return {
            "betweenness": lambda: g.betweenness(sample=None if exact else sample),
            "closeness": (lambda: g.closeness()) if exact else None,
            "eigenvector": (lambda: g.eigenvector()) if exact else None,
            "pagerank": g.pagerank,
            "components": g.components,
            "communities": lambda: g.communities(method="leiden"),
            "communities (Louvain)": lambda: g.communities(method="louvain"),
            "shortest paths (1 source)": None,
            "2-hop neighbourhood": lambda: g.neighbourhood(hub, 2),
            "disruption": lambda: g.disrupt(
                "degree", per_step=per_step, max_removed=steps * per_step
            ),
        }
    if lib == "igraph":
        return {
            "betweenness": lambda: g.betweenness(
                weights="distance", sources=None if exact else sources
            ),
            "closeness": (lambda: g.closeness(weights="distance")) if exact else None,
            "eigenvector": (lambda: g.eigenvector_centrality(weights="weight")) if exact else None,
            "pagerank": lambda: g.pagerank(weights="weight"),
            "components": lambda: g.connected_components(),
            "communities": lambda: g.community_leiden(
                objective_function="modularity", weights="weight", n_iterations=2
            ),
            "communities (Louvain)": lambda: g.community_multilevel(weights="weight"),
            "shortest paths (1 source)": lambda: g.distances(hub, weights="distance"),
            "2-hop neighbourhood": lambda: g.neighborhood(hub, order=2),
            "disruption": None,
        }
    if lib == "networkit":
        import networkit as nk

        w, d = g

        def run(algo):
            algo.run()
            return algo

        return {
            "betweenness": (lambda: run(nk.centrality.Betweenness(d, normalized=True)))
            if exact
            else (lambda: run(nk.centrality.EstimateBetweenness(d, sample, normalized=True))),
            "closeness": (
                lambda: run(
                    nk.centrality.Closeness(d, True, nk.centrality.ClosenessVariant.GENERALIZED)
                )
            )
            if exact
            else None,
            "eigenvector": (lambda: run(nk.centrality.EigenvectorCentrality(w))) if exact else None,
            "pagerank": lambda: run(nk.centrality.PageRank(w, 0.85, 1e-8)),
            "components": lambda: run(nk.components.ConnectedComponents(w)),
            "communities": lambda: run(nk.community.ParallelLeiden(w)),
            "communities (Louvain)": lambda: run(nk.community.PLM(w, refine=False)),
            "shortest paths (1 source)": lambda: run(
                nk.distance.Dijkstra(d, hub, storePaths=False)
            ),
            "2-hop neighbourhood": None,
            "disruption": None,
        }
    if lib == "rustworkx":
        import rustworkx as rx

        return {
            # unweighted only, and no sampling: shown on the small graph alone
            "betweenness": (lambda: rx.betweenness_centrality(g)) if exact else None,
            "closeness": (lambda: rx.closeness_centrality(g)) if exact else None,
            "eigenvector": (lambda: rx.eigenvector_centrality(g, weight_fn=float))
            if exact
            else None,
            "pagerank": None,  # only for PyDiGraph
            "components": lambda: rx.connected_components(g),
            "communities": None,
            "shortest paths (1 source)": lambda: rx.dijkstra_shortest_path_lengths(
                g, hub, edge_cost_fn=lambda weight: 1 / weight
            ),
            "2-hop neighbourhood": None,
            "disruption": None,
        }
    raise ValueError(lib)


def _n(lib, g):
    if lib == "networkx":
        return g.number_of_nodes()
    if lib == "palermo (igraph)":
        return len(g)
    if lib == "igraph":
        return g.vcount()
    if lib == "networkit":
        return g[0].numberOfNodes()
    return g.num_nodes()


def measure(name, n, edges, *, exact, sample, steps, repeat):
    degree = np.bincount(np.array([(a, b) for a, b, _ in edges]).ravel(), minlength=n)
    hub = int(degree.argmax())
    per_step = max(1, n // 1000)
    rows: dict[str, dict[str, float | None]] = {}
    for lib in LIBS:
        print(f"  {name}: {lib} …", file=sys.stderr, flush=True)
        rows.setdefault("build", {})[lib] = timed(lambda lib=lib: build(lib, n, edges), repeat)
        graph = build(lib, n, edges)
        for task, fn in tasks(
            lib, graph, exact=exact, sample=sample, hub=hub, steps=steps, per_step=per_step
        ).items():
            rows.setdefault(task, {})[lib] = None if fn is None else timed(fn, repeat)
    return rows, per_step


def sampling_error(nodes: int, per_node: int, samples=(16, 64, 256)) -> str:
    """How far sampled betweenness is from the exact one, on a scale-free graph small enough
    for the exact count."""
    n, edges = scale_free(nodes, per_node, seed=2)
    network = Network.build(range(n), edges)
    start = time.perf_counter()
    exact = np.array(list(network.betweenness().values()))
    exact_time = time.perf_counter() - start
    top = set(np.argsort(-exact)[:10].tolist())
    lines = [
        f"**Sampled betweenness error** (fictional scale-free graph, {n:,} nodes, "
        f"{len(edges):,} edges, weighted; exact in {exact_time:.2g} s)",
        "",
        "| sources | time (s) | mean abs. error / mean | max abs. error | top-10 found |",
        "|---|---|---|---|---|",
    ]
    for k in samples:
        start = time.perf_counter()
        estimate = np.array(list(network.betweenness(sample=k, seed=0).values()))
        took = time.perf_counter() - start
        error = np.abs(estimate - exact)
        found = len(top & set(np.argsort(-estimate)[:10].tolist()))
        lines.append(
            f"| {k} | {took:.2g} | {error.mean() / exact.mean():.1%} | {error.max():.2g} "
            f"| {found}/10 |"
        )
    return "\n".join(lines)


def table(title, rows) -> str:
    head = "| task | " + " | ".join(LIBS) + " |"
    lines = [f"**{title}** — seconds (× faster than networkx)", "", head]
    lines.append("|" + "---|" * (len(LIBS) + 1))
    for task, times in rows.items():
        base = times.get("networkx")
        cells = []
        for lib in LIBS:
            t = times.get(lib)
            if t is None:
                cells.append("—")
            elif lib == "networkx" or base is None:
                cells.append(f"{t:.3g}")
            else:
                cells.append(
                    f"{t:.3g} ({base / t:.0f}×)" if base / t >= 10 else f"{t:.3g} ({base / t:.1f}×)"
                )
        lines.append(f"| {task} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--per-node", type=int, default=5)
    parser.add_argument("--sample", type=int, default=16)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--error-nodes", type=int, default=5_000)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()

    import igraph

    versions = f"networkx {nx.__version__}, igraph {igraph.__version__}"
    if HAVE_NK:
        import networkit

        versions += f", networkit {networkit.__version__}"
    if HAVE_RX:
        import rustworkx

        versions += f", rustworkx {rustworkx.__version__}"
    error = sampling_error(args.error_nodes, args.per_node)
    n, edges = caviar()
    small, _ = measure("CAVIAR", n, edges, exact=True, sample=n, steps=10, repeat=5)
    big_n, big_edges = scale_free(args.nodes, args.per_node)
    big, per_step = measure(
        "scale-free", big_n, big_edges, exact=False, sample=args.sample, steps=args.steps, repeat=1
    )
    text = "\n".join(
        [
            BEGIN,
            "## Analysis: graph library (`bench/analysis_network_bench.py`)",
            "",
            f"Versions: {versions}; Python {sys.version.split()[0]}; one run, best of 5 on "
            "CAVIAR; on the large graph one timing, best of 3 for runs under a second.",
            "",
            table(
                f"CAVIAR (real, {n} nodes, {len(edges)} weighted edges), every measure exact", small
            ),
            "",
            table(
                f"Scale-free graph (fictional, {big_n:,} nodes, {len(big_edges):,} edges): "
                f"betweenness from {args.sample} sampled sources; disruption = {args.steps} "
                f"steps of {per_step} nodes by degree, recomputed",
                big,
            ),
            "",
            error,
            "",
            "networkx's Louvain is the reference for both community rows; the library rows run "
            "Leiden (palermo, igraph, networkit ParallelLeiden) and Louvain (igraph multilevel, "
            "networkit PLM). networkit's betweenness estimate samples source–target pairs, not "
            "sources, so it is not the same estimator. rustworkx's betweenness and closeness are "
            "unweighted (it has no weighted form of either).",
            END,
        ]
    )
    if args.write:
        sys.path.insert(0, str(ROOT / "bench"))
        from benchlib import write_section

        write_section(REPORT, BEGIN, END, text)
    print(text)


if __name__ == "__main__":
    main()
