"""Benchmark: recomputing every homicide aggregate for every year, beside DuckDB.

In a throwaway SQLite database (a temporary directory), migrated and loaded with the real
reference data (the two homicide series, population, M49 regions):

1. **Palermo, whole recompute** (`services.recompute_choices` + `recompute_aggregates`, what
   the background job `statistics.recompute` runs): the published value of every State and year
   chosen again, and every aggregate computed and stored;
2. **Palermo, the method only**: `aggregates.compute` for every year over the series already
   read from the database (no reads, no writes);
3. **DuckDB, the same method written directly in SQL** (`METHOD` of
   `tests/statistics/test_aggregates_duckdb.py`, which the test suite checks to give every
   stored aggregate to a relative 1e-9), over the same chosen values and population, in memory:
   the query alone, and with loading its two tables from data frames.

    .venv/bin/python bench/statistics_bench.py [--repeat 5] [--no-write]

Median and best of the repeats; the report goes to ``docs/benchmarks.md`` between
``<!-- bench:statistics -->`` and ``<!-- /bench:statistics -->``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench:statistics -->", "<!-- /bench:statistics -->"


def setup() -> Path:
    data_dir = Path(tempfile.mkdtemp(prefix="palermo-statistics-bench-"))
    os.environ["PALERMO_DATA_DIR"] = str(data_dir)
    os.environ.pop("PALERMO_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palermo.settings")
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference", quiet_progress=True, verbosity=0)
    return data_dir


def timed(fn, repeat: int) -> dict:
    values = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        values.append(time.perf_counter() - started)
    return {"median_s": statistics.median(values), "best_s": min(values), "result": result}


def duckdb_inputs():
    from palermo.core.choices import ParticipantKind
    from palermo.core.models import Participant
    from palermo.statistics.models import HomicideChoice, Population

    regions = {
        pk: (code, region, subregion)
        for pk, code, region, subregion in Participant.objects.filter(
            kind=ParticipantKind.STATE
        ).values_list("pk", "code", "region_id", "subregion_id")
    }
    pop = [
        (*regions[pid], year, n)
        for pid, year, n in Population.objects.values_list("participant_id", "year", "population")
        if pid in regions
    ]
    chosen = [
        (regions[pid][0], year, rate)
        for pid, year, rate in HomicideChoice.objects.values_list("participant_id", "year", "rate")
    ]
    return pop, chosen


def duckdb_load(pop, chosen):
    """The two tables from data frames, as one loads DuckDB in bulk (row-by-row inserts would
    measure the driver, not the engine)."""
    import duckdb
    import pandas as pd

    pop_frame = pd.DataFrame(pop, columns=["code", "region", "subregion", "year", "population"])
    pop_frame = pop_frame.astype({"year": "int32", "population": "float64"})
    chosen_frame = pd.DataFrame(chosen, columns=["code", "year", "rate"])
    chosen_frame = chosen_frame.astype({"year": "int32", "rate": "float64"})
    db = duckdb.connect()
    db.register("pop_frame", pop_frame)
    db.register("chosen_frame", chosen_frame)
    db.execute("CREATE TABLE pop AS SELECT * FROM pop_frame")
    db.execute("CREATE TABLE chosen AS SELECT * FROM chosen_frame")
    return db


def run(repeat: int) -> dict:
    data_dir = setup()
    try:
        import duckdb

        from palermo.statistics import aggregates, services
        from tests.statistics.test_aggregates_duckdb import METHOD

        def whole():
            services.recompute_choices()
            return services.recompute_aggregates()

        full = timed(whole, repeat)
        series, areas, years = services.state_series(), services.areas(), services.homicide_years()
        method = timed(
            lambda: sum(len(aggregates.compute(series, y, areas)) for y in years), repeat
        )
        pop, chosen = duckdb_inputs()
        db = duckdb_load(pop, chosen)
        query = timed(lambda: len(db.execute(METHOD).fetchall()), repeat)
        loaded = timed(lambda: len(duckdb_load(pop, chosen).execute(METHOD).fetchall()), repeat)
        return {
            "years": len(years),
            "aggregates": full["result"],
            "states_years": len(chosen),
            "population_rows": len(pop),
            "full": full,
            "method": method,
            "duckdb_query": query,
            "duckdb_loaded": loaded,
            "duckdb_version": duckdb.__version__,
            "repeat": repeat,
        }
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def report(r: dict) -> str:
    def ms(entry):
        return f"{entry['median_s'] * 1000:,.0f} / {entry['best_s'] * 1000:,.0f}"

    q = r["duckdb_query"]["median_s"]
    rows = [
        BEGIN,
        "## Statistics: every homicide aggregate for every year, beside DuckDB",
        "",
        f"`bench/statistics_bench.py`: the real data ({r['states_years']:,} chosen State-years, "
        f"{r['population_rows']:,} population rows), {r['aggregates']:,} aggregates "
        f"({r['years']} years × world, M49 regions and sub-regions); SQLite; median / best of "
        f"{r['repeat']} runs; DuckDB {r['duckdb_version']} in memory, the method of "
        "docs/user/statistics.md written directly in SQL (the test suite checks it gives every "
        "stored aggregate to 1e-9).",
        "",
        "| what | ms (median / best) | × DuckDB query |",
        "|---|---:|---:|",
        f"| Palermo: whole recompute (choices, aggregates, database writes: the job) | {ms(r['full'])} | {r['full']['median_s'] / q:.1f} |",
        f"| Palermo: the method only (`aggregates.compute`, every year) | {ms(r['method'])} | {r['method']['median_s'] / q:.2f} |",
        f"| DuckDB: the SQL method (query) | {ms(r['duckdb_query'])} | 1 |",
        f"| DuckDB: loading its two tables (from data frames) and the query | {ms(r['duckdb_loaded'])} | {r['duckdb_loaded']['median_s'] / q:.1f} |",
        "",
        END,
        "",
    ]
    return "\n".join(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md")
    args = parser.parse_args()
    result = run(args.repeat)
    text = report(result)
    print(text)
    if not args.no_write:
        sys.path.insert(0, str(ROOT / "bench"))
        from benchlib import write_section

        write_section(REPORT, BEGIN, END, text)


if __name__ == "__main__":
    main()
