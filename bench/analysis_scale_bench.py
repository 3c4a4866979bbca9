"""Benchmark: Analysis at the sizes issue 10 names, each phase in its own process for its peak
memory.

* **import**: ``--payments`` fictional bank transfers (default 1,000,000; valid IBANs, one
  party in five reused) imported into an investigation on a throwaway SQLite database through
  the product's path (``services.import_file`` with the ready ``payments`` mapping: reading,
  cleaning every value with FollowTheMoney, one statement per value with its source row and
  column). Beside it, in the same run, the same file loaded by DuckDB's ``read_csv`` into a
  table (no cleaning, no provenance): the floor of what loading the bytes costs. Target: under
  60 s.
* **metrics**: a fictional scale-free graph of ``--edges`` edges (default 1,000,000; built as in
  analysis_network_bench.py), every node measure at once (``Network.metrics``: degree,
  strength, betweenness sampled from ``--sample`` sources, eigenvector, PageRank; closeness is
  left out at this size, as the command does), then components and Leiden communities. Target:
  under 30 s. Raw igraph doing the same calls is the peer (the product's overhead).
* **2-hop**: the 2-hop neighbourhood of the busiest node and of a median one in that graph
  (what the link chart asks for when a node is expanded). Target: under 500 ms.

    .venv/bin/python bench/analysis_scale_bench.py [--payments 1000000] [--edges 1000000]
        [--sample 64] [--phase import|metrics] [--write]

``--write`` puts the report into ``docs/benchmarks.md`` between ``<!-- bench:analysis-scale -->``
markers; otherwise it is printed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

REPORT = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench:analysis-scale -->", "<!-- /bench:analysis-scale -->"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _iban(bban: str) -> str:
    digits = "".join(str(int(c, 36)) for c in bban + "GB00")
    return f"GB{98 - int(digits) % 97:02d}{bban}"


def write_payments(path: Path, rows: int, seed: int = 1) -> None:
    """``rows`` fictional transfers between ``rows // 5`` parties, each with one account."""
    rng = random.Random(seed)
    parties = [
        (f"Fictional Party {i} Ltd", _iban(f"NWBK{rng.randint(10**13, 10**14 - 1)}"))
        for i in range(max(100, rows // 5))
    ]
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(
            ["Value date", "Ordering party", "Ordering account", "Beneficiary"]
            + ["Beneficiary account", "Amount", "Currency", "Details", "Ref", "Sample"]
        )
        for i in range(rows):
            a, b = rng.sample(parties, 2)
            out.writerow(
                [
                    f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    a[0],
                    a[1],
                    b[0],
                    b[1],
                    f"{rng.randint(100, 99999)}.00",
                    "EUR",
                    "services",
                    f"TX-{i}",
                    "fictional",
                ]
            )


def phase_import(rows: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix="palermo-scale-"))
    os.environ["PALERMO_DATABASE_URL"] = f"sqlite:///{work / 'db.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palermo.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from palermo.analysis import services
    from palermo.analysis.models import Entity, Statement
    from palermo.core.choices import Role
    from palermo.core.models import RoleAssignment, User

    source = work / "payments.csv"
    write_payments(source, rows)
    user = User.objects.create(username="bench-analyst")
    RoleAssignment.objects.create(user=user, role=Role.ANALYST)
    investigation = services.create_investigation(
        title="Scale bench (fictional)", owner=user, acting_user=user
    )
    start = time.perf_counter()
    report = services.import_file(investigation, source, mapping="payments", acting_user=user)
    seconds = time.perf_counter() - start
    if report.error_total:
        raise SystemExit(f"the bench file did not import: {report.errors[:3]}")
    import duckdb

    start = time.perf_counter()
    con = duckdb.connect(str(work / "floor.duckdb"))
    con.execute(f"CREATE TABLE payments AS SELECT * FROM read_csv('{source}', header=true)")
    floor = time.perf_counter() - start
    return {
        "rows": rows,
        "seconds": seconds,
        "entities": Entity.objects.count(),
        "statements": Statement.objects.count(),
        "duckdb_seconds": floor,
        "database_mb": (work / "db.sqlite3").stat().st_size / 1e6,
        "peak_mb": peak_mb(),
    }


def phase_metrics(edges: int, sample: int) -> dict:
    import igraph as ig
    from analysis_network_bench import scale_free

    from palermo.analysis.network import Network

    per_node = 5
    n, pairs = scale_free(edges // per_node + per_node, per_node)
    start = time.perf_counter()
    network = Network.build(range(n), pairs)
    build = time.perf_counter() - start
    result = {"nodes": n, "edges": network.edge_count, "build_seconds": build}
    start = time.perf_counter()
    table = network.metrics(sample=sample, closeness=False)
    result["metrics_seconds"] = time.perf_counter() - start
    start = time.perf_counter()
    network.components()
    network.communities()
    result["structure_seconds"] = time.perf_counter() - start

    # The peer: raw igraph, the same calls on the same graph.
    g = ig.Graph(n=n, edges=[(a, b) for a, b, _w in pairs])
    g.es["weight"] = [w for _a, _b, w in pairs]
    start = time.perf_counter()
    g.degree()
    g.strength(weights="weight")
    sources = random.Random(0).sample(range(n), sample)
    g.betweenness(sources=sources, weights=[1 / w for w in g.es["weight"]])
    g.eigenvector_centrality(weights="weight")
    g.pagerank(weights="weight")
    result["igraph_metrics_seconds"] = time.perf_counter() - start

    degrees = {node: row["degree"] for node, row in table.items()}
    busiest = max(degrees, key=degrees.get)
    median = sorted(degrees, key=degrees.get)[len(degrees) // 2]
    for name, node in (("hub", busiest), ("median", median)):
        times = []
        for _ in range(5):
            start = time.perf_counter()
            reached = network.neighbourhood(node, hops=2)
            times.append(time.perf_counter() - start)
        result[f"two_hop_{name}_ms"] = statistics.median(times) * 1000
        result[f"two_hop_{name}_nodes"] = len(reached)
    result["peak_mb"] = peak_mb()
    return result


def child(phase: str, args) -> dict:
    command = [sys.executable, __file__, "--phase", phase, "--payments", str(args.payments)]
    command += ["--edges", str(args.edges), "--sample", str(args.sample)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(imp: dict, met: dict, sample: int) -> str:
    ok = lambda good: "meets" if good else "misses"  # noqa: E731
    return "\n".join(
        [
            BEGIN,
            "### Analysis at scale (`bench/analysis_scale_bench.py`)",
            "",
            "Fictional data; each phase in its own process; the machine's other core may be busy.",
            "",
            "| Task | Palermo | Peer in the same run | Target | Peak memory |",
            "|---|---|---|---|---|",
            f"| Import {imp['rows']:,} payments (SQLite; {imp['entities']:,} entities, "
            f"{imp['statements']:,} statements, {imp['database_mb']:,.0f} MB) | "
            f"{imp['seconds']:,.1f} s | DuckDB `read_csv`, no cleaning: {imp['duckdb_seconds']:.1f} s "
            f"({imp['seconds'] / imp['duckdb_seconds']:,.0f}×) | 60 s: {ok(imp['seconds'] < 60)} | "
            f"{imp['peak_mb']:,.0f} MB |",
            f"| All node measures, {met['edges']:,} edges, {met['nodes']:,} nodes (betweenness "
            f"from {sample} sources) | {met['metrics_seconds']:.1f} s (+ build "
            f"{met['build_seconds']:.1f} s, components and communities "
            f"{met['structure_seconds']:.1f} s) | raw igraph: {met['igraph_metrics_seconds']:.1f} s "
            f"({met['metrics_seconds'] / met['igraph_metrics_seconds']:.2f}×) | 30 s: "
            f"{ok(met['metrics_seconds'] + met['build_seconds'] + met['structure_seconds'] < 30)} | "
            f"{met['peak_mb']:,.0f} MB |",
            f"| 2-hop neighbourhood of the busiest node ({met['two_hop_hub_nodes']:,} nodes) | "
            f"{met['two_hop_hub_ms']:.0f} ms | — | 500 ms: {ok(met['two_hop_hub_ms'] < 500)} | "
            "(same process) |",
            f"| 2-hop neighbourhood of a median node ({met['two_hop_median_nodes']:,} nodes) | "
            f"{met['two_hop_median_ms']:.1f} ms | — | 500 ms: "
            f"{ok(met['two_hop_median_ms'] < 500)} | (same process) |",
            END,
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--payments", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=64)
    parser.add_argument("--phase", choices=("import", "metrics"))
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    if args.phase == "import":
        print(json.dumps(phase_import(args.payments)))
        return
    if args.phase == "metrics":
        print(json.dumps(phase_metrics(args.edges, args.sample)))
        return
    met = child("metrics", args)
    imp = child("import", args)
    text = report(imp, met, args.sample)
    if args.write:
        from benchlib import write_section

        write_section(REPORT, BEGIN, END, text)
    print(text)


if __name__ == "__main__":
    main()
