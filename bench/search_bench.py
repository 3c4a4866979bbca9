"""Benchmark: site search over synthetic multilingual documents, against the raw full-text query.

Builds a throwaway database (a SQLite file in a temporary directory; with
``PALERMO_BENCH_DATABASE_URL``, also a throwaway PostgreSQL database ``palermo_search_bench_<pid>``
on that server, dropped afterwards), fills it with ``PALERMO_BENCH_SEARCH_DOCS`` synthetic
documents (default 1,000,000; generated deterministically in six languages — English, French,
Spanish, Russian, Arabic, Chinese — with a Zipf-like vocabulary), indexes them with
``palermo.platform.search.rebuild`` and times, interleaved query by query:

- ``raw``: the backend's bare full-text query — the top 20 by rank and the match count
  (FTS5 ``MATCH … ORDER BY rank`` / ``@@ … ORDER BY ts_rank_cd``);
- ``index``: our index statement — permission clause, field weights, the page and every facet
  count (kind, language, facet values) of the permitted matches, in one statement;
- ``search``: ``search()`` as the page calls it — the above plus loading the 20 records, their
  snippets with ``<mark>`` and the read log;

for a Secretariat user (every row: no permission check) and for an owner who sees a tenth of the
documents — through the provider's access terms inside the full-text match (``owner:<id>``), and,
for comparison, through the policy's ``EXISTS`` per match (what a provider without access terms
gets). Every statement reads and ranks at most ``SEARCH_RANK_LIMIT`` (10,000) permitted matches;
broader queries report "more than 10,000".

    .venv/bin/python bench/search_bench.py [--docs 100000] [--repeat 20] [--json] [--no-write]

The report (both backends side by side, and whether the target — p95 under 100 ms with facets —
is met) is printed and written into ``docs/benchmarks.md`` between ``<!-- bench:search -->`` and
``<!-- /bench:search -->`` (that section replaced, or appended at the end); ``--no-write`` only
prints it.

The documents are background jobs (``core_job``: label = title, message = body) under a bench
provider, so the real write path (``rebuild``) and the real policy (owner or Secretariat) apply.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from benchlib import VOCABULARY, percentile, write_section
from benchlib import made_up_words as words_for

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench:search -->", "<!-- /bench:search -->"
TARGET_MS = 100
TARGET_DOCS = 1_000_000
LANGUAGES = ["en", "fr", "es", "ru", "ar", "zh"]
OWNERS = 10


def zipf_sampler(rng: random.Random):
    weights = [1 / (rank + 10) for rank in range(VOCABULARY)]
    total, acc, cumulative = sum(weights), 0.0, []
    for w in weights:
        acc += w / total
        cumulative.append(acc)
    import bisect

    return lambda: min(bisect.bisect_left(cumulative, rng.random()), VOCABULARY - 1)


def sentence(words, pick, n: int, language: str) -> str:
    chosen = [words[pick()] for _ in range(n)]
    if language == "zh":
        return "".join(chosen)  # no spaces, as Chinese is written
    if language == "fr":
        chosen[0] = chosen[0].capitalize()
    return " ".join(chosen)


def setup(database_url: str | None):
    data_dir = tempfile.mkdtemp(prefix="palermo-search-bench-")
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
    return data_dir


def bench_access_terms(user):
    """The Job policy (``secretariat | owner("owner")``) as access terms."""
    from palermo.platform import actors
    from palermo.platform.policies import secretariat
    from palermo.platform.search import ALL

    if actors.is_system(user) or secretariat.test(user, None):
        return ALL
    return [f"owner:{user.pk}"] if getattr(user, "is_authenticated", False) else []


def register_bench_provider():
    from palermo.platform.models import Job
    from palermo.platform.search import register_search

    return register_search(
        "bench",
        "Synthetic documents",
        model=Job,
        fields={"label": "A", "message": "B"},
        result=lambda job: (job.label, f"/jobs/{job.pk}/"),
        snippet_fields=("message", "label"),
        language="language",
        facets={"topic": "kind"},
        order=1,
        access=lambda job: [f"owner:{job.owner_id}"],
        access_terms=bench_access_terms,
    )


def fill(count: int) -> dict:
    from django.db import transaction

    from palermo.core.choices import Role
    from palermo.core.models import RoleAssignment, User
    from palermo.platform.models import Job

    rng = random.Random(20261201)
    vocab = {lang: words_for(lang, rng) for lang in LANGUAGES}
    pick = zipf_sampler(rng)
    owners = [User.objects.create(username=f"bench-owner-{i}") for i in range(OWNERS)]
    secretariat = User.objects.create(username="bench-secretariat")
    RoleAssignment.objects.create(user=secretariat, role=Role.SECRETARIAT)
    started = time.perf_counter()
    batch = []
    with transaction.atomic():
        for i in range(count):
            language = LANGUAGES[i % len(LANGUAGES)]
            words = vocab[language]
            batch.append(
                Job(
                    id=uuid.UUID(int=rng.getrandbits(128)),
                    kind=f"topic-{i % 7}",
                    label=sentence(words, pick, rng.randint(3, 7), language)[:200],
                    message=sentence(words, pick, rng.randint(20, 45), language)[:500],
                    language=language,
                    owner=owners[i % OWNERS],
                    params={},
                )
            )
            if len(batch) == 10_000:
                Job.objects.bulk_create(batch)
                batch = []
        Job.objects.bulk_create(batch)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would, after a bulk load
    loaded = time.perf_counter() - started
    from palermo.platform.search import rebuild

    started = time.perf_counter()
    rebuild(["bench"])
    indexed = time.perf_counter() - started
    queries = []
    for language in LANGUAGES:
        words = vocab[language]
        queries += [words[5], words[60], words[800]]  # frequent, common, rare
    queries += [
        f"{vocab['en'][3]} {vocab['en'][40]}",  # two words
        f'"{vocab["fr"][1]} {vocab["fr"][2]}"',  # a phrase
        f"{vocab['ru'][30][:3]}*",  # a prefix
        f"{vocab['es'][10]} OR {vocab['es'][500]}",
        f"{vocab['ar'][20]} -{vocab['ar'][21]}",
        vocab["zh"][100][:2],  # two characters inside runs
    ]
    return {
        "secretariat": secretariat,
        "owner": owners[0],
        "queries": queries,
        "load_s": loaded,
        "index_s": indexed,
    }


def measure(data: dict, repeat: int) -> dict:
    from palermo.platform import search as site
    from palermo.platform.policies import policy_for
    from palermo.platform.searchindex import backends, text

    backend = backends.backend()
    users = {"secretariat": data["secretariat"], "owner": data["owner"]}
    samples: dict[str, list[float]] = {}
    totals = {}
    exact = {}
    providers = [site.PROVIDERS["bench"]]
    bound = site.rank_limit()
    provider = providers[0]
    sql, params = site._permitted_sql(policy_for(provider.model), data["owner"], provider)
    exists = [backends.Part(False, [backends.Clause("bench", sql, params)])]

    def timed(key, fn):
        started = time.perf_counter()
        result = fn()
        samples.setdefault(key, []).append((time.perf_counter() - started) * 1000)
        return result

    for round_ in range(repeat + 2):
        for query in data["queries"]:
            parsed = text.parse(query)
            raw = timed("raw", lambda parsed=parsed: backend.raw_count(parsed))
            for name, user in users.items():
                found = timed(
                    f"index/{name}",
                    lambda user=user, parsed=parsed: backend.search(
                        parsed, site._clauses(user, providers), limit=20, bound=bound
                    ),
                )
                if name == "owner":
                    by_exists = timed(
                        "index/owner-exists",
                        lambda parsed=parsed: backend.search(parsed, exists, limit=20, bound=bound),
                    )
                    if round_ == 0:
                        assert by_exists.total == found.total, (query, by_exists, found)
                page = timed(
                    f"search/{name}",
                    lambda user=user, query=query: site.search(
                        query, user, filters={"kind": "bench"}
                    ),
                )
                timed(
                    f"facet/{name}",
                    lambda user=user, query=query: site.search(
                        query, user, filters={"kind": "bench", "topic": "topic-3"}
                    ),
                )
                if round_ == 0:
                    totals[(query, name)] = (raw, found.total, page.total)
                    exact[(query, name)] = found.exact
        if round_ < 2:  # warm-up rounds are not counted
            samples.clear()
    summary = {
        key: {
            "median_ms": round(statistics.median(values), 2),
            "p95_ms": round(percentile(values, 0.95), 2),
            "n": len(values),
        }
        for key, values in samples.items()
    }
    matches = sorted(r for (q, name), (r, _f, _p) in totals.items() if name == "secretariat")
    return {
        "timings": summary,
        "match_counts": matches,
        "rank_limit": bound,
        "bounded": {
            name: sum(1 for (q, n), e in exact.items() if n == name and not e) for name in users
        },
    }


def run(database_url: str | None, docs: int, repeat: int) -> dict:
    data_dir = setup(database_url)
    try:
        from django.db import connection

        register_bench_provider()
        data = fill(docs)
        result = measure(data, repeat)
        result.update(
            engine=connection.vendor,
            documents=docs,
            load_s=round(data["load_s"], 1),
            index_s=round(data["index_s"], 1),
            queries=data["queries"],
            repeat=repeat,
        )
        return result
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


LABELS = {
    "raw": "raw full-text query (top 20 + count)",
    "index/secretariat": "ours: index statement, Secretariat (rank, page, facets)",
    "index/owner": "ours: index statement, owner of 1/10 (access terms in the match)",
    "index/owner-exists": "ours: index statement, owner of 1/10 (policy EXISTS per match)",
    "search/secretariat": "ours: search(), Secretariat (+ records, snippets, read log)",
    "search/owner": "ours: search(), owner of 1/10",
    "facet/secretariat": "ours: search() with a facet chosen (topic), Secretariat",
    "facet/owner": "ours: search() with a facet chosen (topic), owner of 1/10",
}
#: Shown for comparison, not part of the target: a provider without access terms.
COMPARISON = {"index/owner-exists"}
ENGINES = {"sqlite": "SQLite (FTS5)", "postgresql": "PostgreSQL (tsvector)"}


def verdict(result: dict) -> tuple[bool, float]:
    """Whether every one of our timings has its p95 under the target, and the worst p95."""
    worst = max(
        v["p95_ms"] for k, v in result["timings"].items() if k != "raw" and k not in COMPARISON
    )
    return worst < TARGET_MS, worst


def report(results: list[dict]) -> str:
    first = results[0]
    rows = [
        BEGIN,
        "## Search",
        "",
        f"`bench/search_bench.py`: {first['documents']:,} synthetic documents in six languages, "
        f"{len(first['queries'])} queries (matches per query from {first['match_counts'][0]:,} "
        f"to {first['match_counts'][-1]:,}), each timed {first['repeat']} times, interleaved, "
        "in the same run: the backend's raw full-text query beside ours. Ours reads and ranks "
        f'at most {first.get("rank_limit", 0):,} permitted matches (broader queries: "more '
        f'than {first.get("rank_limit", 0):,}"; here {first.get("bounded", {}).get("secretariat", 0)} '
        f"of {len(first['queries'])} queries for the Secretariat, "
        f"{first.get('bounded', {}).get('owner', 0)} for the owner). Target (issues 6 and 9): "
        f"p95 under {TARGET_MS} ms with facets.",
        "",
        "| what | "
        + " | ".join(f"{ENGINES.get(r['engine'], r['engine'])} median / p95 ms" for r in results)
        + " |",
        "|---|" + "---:|" * len(results),
    ]
    for key, label in LABELS.items():
        cells = []
        for r in results:
            t = r["timings"].get(key)
            cells.append(f"{t['median_ms']} / **{t['p95_ms']}**" if t else "—")
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    rows.append("")
    for r in results:
        met, worst = verdict(r)
        engine = ENGINES.get(r["engine"], r["engine"])
        state = f"target **{'met' if met else 'not met'}**"
        if r["documents"] < TARGET_DOCS:
            state = f"**{'under' if met else 'over'} {TARGET_MS} ms at this size**"
        exists = r["timings"].get("index/owner-exists", {}).get("p95_ms")
        rows.append(
            f"- {engine}: {state} — our worst p95 is "
            f"{worst} ms (raw query: {r['timings']['raw']['p95_ms']} ms; a provider without "
            f"access terms, the policy's EXISTS per match: {exists} ms, not part of the "
            f"target); loaded in {r['load_s']} s, indexed (`rebuild`) in {r['index_s']} s."
        )
    if len(results) == 1:
        rows.append("- PostgreSQL: not measured (set `PALERMO_BENCH_DATABASE_URL`).")
    if first["documents"] < TARGET_DOCS:
        rows.append(
            f"- Measured at {first['documents']:,} documents: the target is stated for "
            f"{TARGET_DOCS:,}, so this run neither meets nor misses it there."
        )
    rows += [
        "",
        "How to read it: the raw query ranks every match, so its cost grows with the broadest "
        "query; ours reads at most the rank limit of permitted matches in index order (the "
        'match streams and stops there), ranks and counts those, and says "more than" '
        "beyond. The owner's permission is part of the full-text match (access terms, as the "
        "Library declares); the EXISTS row is what a provider without access terms still costs "
        "per match. The machine has two cores shared with other work: compare rows of one run, "
        "not runs.",
        "",
        END,
        "",
    ]
    return "\n".join(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--docs", type=int, default=int(os.environ.get("PALERMO_BENCH_SEARCH_DOCS", 1_000_000))
    )
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--database-url", help="Run on this database (internal).")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    if args.database_url is not None or os.environ.get("PALERMO_BENCH_ENGINE_CHILD"):
        result = run(args.database_url or None, args.docs, args.repeat)
        print(json.dumps(result, default=str))
        return
    import subprocess

    urls = [None]
    server = os.environ.get("PALERMO_BENCH_DATABASE_URL")
    created = None
    if server:
        import psycopg

        created = f"palermo_search_bench_{os.getpid()}"
        base = server.rsplit("/", 1)[0]
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{created}"')
        urls.append(f"{base}/{created}")
    try:
        results = []
        for url in urls:
            command = [sys.executable, __file__, f"--docs={args.docs}", f"--repeat={args.repeat}"]
            command.append(f"--database-url={url or ''}")
            env = {**os.environ, "PALERMO_BENCH_ENGINE_CHILD": "1"}
            print(f"Search bench on {'PostgreSQL' if url else 'SQLite'}…", file=sys.stderr)
            out = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True, env=env)
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    finally:
        if created:
            import psycopg

            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{created}"')
    text = report(results)
    print(json.dumps(results, default=str) if args.json else text)
    if not args.no_write:
        write_section(REPORT, BEGIN, END, text)
        print(f"Written to {REPORT.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
