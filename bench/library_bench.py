"""Benchmark: the Library at SHERLOC scale and fifty times it — import, index build, faceted search.

For each engine (a SQLite file in a temporary directory; with ``PALERMO_BENCH_DATABASE_URL``, a
throwaway PostgreSQL database on that server, dropped afterwards) in a child process:

1. migrate and load the real reference data (States, regions, treaty articles, vocabularies);
2. **import**: write the synthetic corpus (``library_corpus.py``: laws with provisions, and
   cases, in six languages) as JSON-lines files of 100,000 records (provisions and cases), and
   import each with ``palermo library import`` (``run_import``: parse, validate every record,
   bulk write, all-or-nothing), timed; beside it, the same rows' text written to a bare table
   with the driver's ``executemany`` (the database's raw insert);
3. **index build**: ``palermo search-index rebuild`` of the Library's providers (documents/s);
   beside it, the database's raw full-text index over the same text (an FTS5 table / a
   ``tsvector`` column with its GIN index);
4. **faceted search**: ``library_search`` as the Library's search page calls it (rank, a page of
   20 with snippets, every facet count), for an anonymous visitor (published records), a
   State's focal point (published records and the State's drafts) and the Secretariat, with and
   without a facet chosen; beside it, the raw full-text query (top 20 by rank, and the count)
   over the raw index.

    .venv/bin/python bench/library_bench.py [--records 1000000] [--repeat 10] [--no-write]

``--records 17400`` is SHERLOC's scale (3,400 cases and 14,000 provisions). The report goes to
``docs/benchmarks.md`` between ``<!-- bench:library -->`` and ``<!-- /bench:library -->``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import percentile, throwaway_postgres, write_section
from library_corpus import SHERLOC_RECORDS, corpus, queries

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench:library -->", "<!-- /bench:library -->"
TARGET_MS = 100
TARGET_RECORDS = 1_000_000
FILE_RECORDS = 100_000
ENGINES = {"sqlite": "SQLite (FTS5)", "postgresql": "PostgreSQL (tsvector)"}


def summary(values):
    return {
        "median_ms": round(statistics.median(values), 2),
        "p95_ms": round(percentile(values, 0.95), 2),
        "n": len(values),
    }


def setup(database_url):
    data_dir = tempfile.mkdtemp(prefix="palermo-library-bench-")
    os.environ["PALERMO_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palermo.settings")
    if database_url:
        os.environ["PALERMO_DATABASE_URL"] = database_url
    else:
        os.environ.pop("PALERMO_DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference", quiet_progress=True, verbosity=0)
    return Path(data_dir)


def write_files(folder: Path, records: int) -> tuple[list[Path], list[tuple[str, str]], float]:
    """The corpus as JSON-lines files of about ``FILE_RECORDS`` records each; the texts (for
    the raw peers); the generation time."""
    from palermo.core.models import Participant
    from palermo.library.models import CrimeType, CrossCuttingIssue
    from palermo.treaties.models import Article

    states = list(Participant.objects.order_by("code").values_list("code", flat=True))
    articles = [
        f"{code} {number}"
        for code, number in Article.objects.values_list("instrument__code", "number")
    ]
    started = time.perf_counter()
    files, texts, count, out = [], [], 0, None
    for record in corpus(
        records,
        states=states,
        articles=articles,
        crime_types=list(CrimeType.objects.values_list("code", flat=True)),
        issues=list(CrossCuttingIssue.objects.values_list("code", flat=True)),
    ):
        if out is None or count >= FILE_RECORDS * len(files):
            if out:
                out.close()
            files.append(folder / f"corpus-{len(files) + 1}.jsonl")
            out = files[-1].open("w", encoding="utf-8")
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        if record["kind"] == "case":
            count += 1
            texts.append((record["title"], " ".join(record["summaries"].values())))
        else:
            count += len(record["provisions"])
            texts += [(p["heading"], p["text"]) for p in record["provisions"]]
    out.close()
    return files, texts, time.perf_counter() - started


def raw_insert(texts) -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_raw (id integer PRIMARY KEY, title text, body text)")
        cursor.executemany(
            "INSERT INTO bench_raw (id, title, body) VALUES (%s, %s, %s)",
            [(i, t, b) for i, (t, b) in enumerate(texts[:FILE_RECORDS])],
        )
    return time.perf_counter() - started


def raw_index(texts) -> float:
    """The database's own full-text index over the same texts, built in one go."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_raw")
        cursor.executemany(
            "INSERT INTO bench_raw (id, title, body) VALUES (%s, %s, %s)",
            [(i, t, b) for i, (t, b) in enumerate(texts)],
        )
        started = time.perf_counter()
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE VIRTUAL TABLE bench_fts USING fts5(title, body, content='bench_raw', "
                "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
            )
            cursor.execute("INSERT INTO bench_fts(bench_fts) VALUES ('rebuild')")
        else:
            cursor.execute(
                "ALTER TABLE bench_raw ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
                "(setweight(to_tsvector('simple', coalesce(title, '')), 'A') || "
                "setweight(to_tsvector('simple', coalesce(body, '')), 'B')) STORED"
            )
            cursor.execute("CREATE INDEX bench_raw_tsv ON bench_raw USING gin (tsv)")
            cursor.execute("ANALYZE bench_raw")
        return time.perf_counter() - started


def raw_search(query: str):
    from django.db import connection

    from palermo.platform.searchindex import text

    words = [w for w in text.index_text(query.strip('"')).split() if w]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            match = " ".join(f'"{w}"' for w in words)
            cursor.execute(
                "SELECT rowid FROM bench_fts WHERE bench_fts MATCH %s ORDER BY rank LIMIT 20",
                [match],
            )
            cursor.fetchall()
            cursor.execute("SELECT count(*) FROM bench_fts WHERE bench_fts MATCH %s", [match])
        else:
            tsquery = " & ".join(words)
            cursor.execute(
                "SELECT id FROM bench_raw WHERE tsv @@ to_tsquery('simple', %s) "
                "ORDER BY ts_rank_cd(tsv, to_tsquery('simple', %s)) DESC LIMIT 20",
                [tsquery, tsquery],
            )
            cursor.fetchall()
            cursor.execute(
                "SELECT count(*) FROM bench_raw WHERE tsv @@ to_tsquery('simple', %s)", [tsquery]
            )
        return cursor.fetchone()[0]


def users():
    from palermo.core.choices import Role
    from palermo.core.models import Participant, RoleAssignment, User
    from palermo.library.models import Law

    state = Participant.objects.get(pk=Law.objects.filter(status="draft").values("participant")[:1])
    secretariat = User.objects.create(username="bench-secretariat")
    RoleAssignment.objects.create(user=secretariat, role=Role.SECRETARIAT)
    focal = User.objects.create(username="bench-focal-point")
    RoleAssignment.objects.create(user=focal, role=Role.FOCAL_POINT, participant=state)
    from django.contrib.auth.models import AnonymousUser

    return {"anonymous": AnonymousUser(), "focal point": focal, "secretariat": secretariat}, state


def run(database_url, records: int, repeat: int) -> dict:
    data_dir = setup(database_url)
    try:
        from django.db import connection

        from palermo.library import queries as library
        from palermo.platform import actors
        from palermo.platform.imports import run_import
        from palermo.platform.search import PROVIDERS, rebuild

        files, texts, generated = write_files(data_dir, records)
        raw_insert_s = raw_insert(texts)
        imports = []
        system = actors.system_user()
        for i, path in enumerate(files):
            # The first file is imported as a user's would be (its documents written when it
            # commits); the others are a bulk load, indexed once by the rebuild below.
            started = time.perf_counter()
            report = run_import("library", path, acting_user=system, index=i == 0)
            imports.append(time.perf_counter() - started)
            if report.errors:
                raise SystemExit(f"{path}: {report.errors[:3]}")
        keys = [k for k in PROVIDERS if k.startswith("library")]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        started = time.perf_counter()
        documents = sum(rebuild(keys).values())
        index_s = time.perf_counter() - started
        raw_index_s = raw_index(texts)
        people, state = users()
        samples: dict[str, list[float]] = {}
        matches = {}
        facet = {"crime_type": "trafficking-in-persons"}
        for round_ in range(repeat + 2):
            for label, query in queries():
                started = time.perf_counter()
                count = raw_search(query)
                samples.setdefault("raw", []).append((time.perf_counter() - started) * 1000)
                matches[label] = count
                for name, user in people.items():
                    for variant, filters in (
                        ("", {}),
                        (" + facet", facet),
                        (" + State", {"state": state.code}),
                    ):
                        started = time.perf_counter()
                        library.library_search(query, user, filters, 1)
                        key = f"{name}{variant}"
                        samples.setdefault(key, []).append((time.perf_counter() - started) * 1000)
            if round_ < 2:
                samples.clear()
        first = min(records, FILE_RECORDS)  # provisions and cases in the first file
        return {
            "engine": connection.vendor,
            "records": records,
            "files": len(files),
            "generated_s": round(generated, 1),
            "import_first_s": round(imports[0], 1),
            "import_first_records": first,
            "import_total_s": round(sum(imports), 1),
            "raw_insert_s": round(raw_insert_s, 1),
            "documents": documents,
            "index_s": round(index_s, 1),
            "raw_index_s": round(raw_index_s, 1),
            "timings": {k: summary(v) for k, v in samples.items()},
            "matches": matches,
            "repeat": repeat,
        }
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def report(results: list[dict]) -> str:
    first = results[0]
    rows = [
        BEGIN,
        "## Library: import, index build and faceted search",
        "",
        f"`bench/library_bench.py`: a synthetic corpus of {first['records']:,} provisions and "
        f"cases (SHERLOC holds about {SHERLOC_RECORDS:,}: this is "
        f"{first['records'] / SHERLOC_RECORDS:.1f}× it) in six languages, generated by "
        "`bench/library_corpus.py` with real States, articles and vocabularies; 5% drafts. "
        f"Imported as {first['files']} JSON-lines files of {FILE_RECORDS:,} provisions and cases "
        "each with `palermo library import` (new records written in batches with "
        "`bulk_create`; for the first file the time includes writing its search documents "
        "when the import commits; the others are a bulk load with `index=False`, indexed once "
        f"by the rebuild); {len(queries())} queries (a subject word in each "
        "language, a common and a rare word, two words, a phrase), each timed "
        f"{first['repeat']} times per user and filter, interleaved with the raw query. "
        f"Target: p95 under {TARGET_MS} ms at {TARGET_RECORDS:,}.",
        "",
        "| what | " + " | ".join(ENGINES.get(r["engine"], r["engine"]) for r in results) + " |",
        "|---|" + "---:|" * len(results),
    ]

    def row(label, fn):
        rows.append(f"| {label} | " + " | ".join(fn(r) for r in results) + " |")

    row(
        "import of the first file (s; provisions and cases/s)",
        lambda r: (
            f"{r['import_first_s']} "
            f"({r['import_first_records'] / max(r['import_first_s'], 0.01):,.0f}/s)"
        ),
    )
    row("raw insert of the same rows' text (s)", lambda r: f"{r['raw_insert_s']}")
    row(
        "import of the whole corpus (s; the first file indexed, the others not)",
        lambda r: f"{r['import_total_s']}",
    )
    row(
        "index build, `search-index rebuild` (s; documents/s)",
        lambda r: f"{r['index_s']} ({r['documents'] / max(r['index_s'], 0.01):,.0f}/s)",
    )
    row("raw full-text index of the same text (s)", lambda r: f"{r['raw_index_s']}")
    keys = [k for k in first["timings"] if k != "raw"]
    for key in ["raw", *keys]:
        label = "raw full-text query (top 20 + count)" if key == "raw" else f"library search: {key}"
        row(
            label + " — median / p95 ms",
            lambda r, key=key: (
                f"{r['timings'][key]['median_ms']} / **{r['timings'][key]['p95_ms']}**"
                if key in r["timings"]
                else "—"
            ),
        )
    rows.append("")
    for r in results:
        worst = max(v["p95_ms"] for k, v in r["timings"].items() if k != "raw")
        met = worst < TARGET_MS
        state = f"target **{'met' if met else 'not met'}**"
        if r["records"] < TARGET_RECORDS:
            state = f"**{'under' if met else 'over'} {TARGET_MS} ms at this size**"
        rows.append(
            f"- {ENGINES.get(r['engine'], r['engine'])}: {state}: worst p95 {worst} ms "
            f"(raw query p95 {r['timings']['raw']['p95_ms']} ms); matches per query "
            f"{min(r['matches'].values()):,} to {max(r['matches'].values()):,}."
        )
    if len(results) == 1:
        rows.append("- PostgreSQL: not measured (set `PALERMO_BENCH_DATABASE_URL`).")
    rows += ["", END, ""]
    return "\n".join(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--records",
        type=int,
        default=int(os.environ.get("PALERMO_BENCH_LIBRARY_RECORDS", TARGET_RECORDS)),
    )
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    if args.child:
        print(json.dumps(run(args.database_url or None, args.records, args.repeat)))
        return
    urls, drop = [""], None
    server = os.environ.get("PALERMO_BENCH_DATABASE_URL")
    if server:
        url, drop = throwaway_postgres(server, "libbench")
        urls.append(url)
    try:
        results = []
        for url in urls:
            command = [
                sys.executable,
                __file__,
                "--child",
                f"--records={args.records}",
                f"--repeat={args.repeat}",
                f"--database-url={url}",
            ]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode:
                sys.stderr.write(done.stderr)
                raise SystemExit(done.returncode)
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    finally:
        if drop:
            drop()
    if args.json:
        print(json.dumps(results, indent=2))
    text = report(results)
    print(text)
    if not args.no_write:
        write_section(REPORT, BEGIN, END, text)


if __name__ == "__main__":
    main()
