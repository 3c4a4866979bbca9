"""Benchmark: the participant list (page, CSV export, API) against Django's admin changelist.

Runs in-process with ``django.test.Client`` on a throwaway database: a SQLite file in a temporary
directory, loaded with the real reference data (every M49 participant and the shipped treaty
actions). With ``PALERMO_BENCH_DATABASE_URL`` set, the same measurements are repeated on a
throwaway PostgreSQL database created on that server (``palermo_bench_<pid>``, dropped
afterwards; the database the URL names is not touched); without it PostgreSQL is skipped.

Reported per endpoint: median and p90 server time per request (ms), the ratio of our median to
the median of the peer (Django's admin changelist of the same participants) measured in the same
run, interleaved request by request, and the number of SQL queries per request at full size and
with 1,000 and 5,000 synthetic participants added.

    make bench              # or: .venv/bin/python bench/run.py [--repeat 30] [--no-write]

The Markdown report goes to stdout and to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import itertools
import json
import os
import platform
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"

QUERY = "instrument=UNTOC&on=2010-07-13"
SYNTHETIC_PREFIX = "Bench participant "
GROWTH = (1000, 5000)  # synthetic participants added on top of the real ones

# (key, label, url, peer key or None). The peer of each list page shows the same rows.
FULL_SIZE = [
    ("admin", "Peer: admin changelist, page 1 (50 rows)", "/admin/core/participant/", None),
    (
        "page",
        "Participant list page, page 1 (50 rows)",
        f"/treaties/participants/?{QUERY}",
        "admin",
    ),
    (
        "admin_all",
        "Peer: admin changelist, all rows (?all=)",
        "/admin/core/participant/?all=",
        None,
    ),
    (
        "page_all",
        "Participant list page, all rows (per_page=10000)",
        f"/treaties/participants/?{QUERY}&per_page=10000",
        "admin_all",
    ),
    ("csv", "CSV export, all rows", f"/treaties/participants/?{QUERY}&_export=csv", "admin_all"),
    ("api", "API status, page 1 (50 rows)", f"/api/treaties/status?{QUERY}", "admin"),
    ("api_p5", "API status, page 5 (50 rows)", f"/api/treaties/status?{QUERY}&page=5", "admin"),
]
# Endpoints timed again as participants grow: the paginated ones, whose cost should not grow.
GROWING = ["admin", "page", "api", "api_p5"]


# -- set-up ----------------------------------------------------------------------------------


def setup_django(database_url: str | None) -> tuple[str, str]:
    """Configure and start Django on a throwaway database; return labels for the engine and
    for the peer."""
    data_dir = tempfile.mkdtemp(prefix="palermo-bench-")
    (Path(data_dir) / "static").mkdir()  # STATIC_ROOT, which WhiteNoise expects to exist
    os.environ["PALERMO_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "palermo.settings"
    # Measure what production runs: DEBUG off (no debug query log, no debug templates).
    os.environ["PALERMO_DEBUG"] = "0"
    os.environ["PALERMO_ADMIN"] = "1"  # the peer: Django's admin changelist (read-only here)
    if database_url:
        os.environ["PALERMO_DATABASE_URL"] = database_url
    else:
        os.environ.pop("PALERMO_DATABASE_URL", None)

    import django

    django.setup()

    from django.conf import settings
    from django.db import connection

    if database_url:
        # A separate database, created and migrated here and dropped at the end; its own name,
        # so that it never meets the test suite's test_<name>.
        connection.settings_dict["TEST"]["NAME"] = f"palermo_bench_{os.getpid()}"
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    else:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    peer = register_peer()
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    version = (
        ".".join(map(str, connection.Database.sqlite_version_info)) if engine == "sqlite3" else ""
    )
    if engine != "sqlite3":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0].split()[0]
    return f"{engine} {version}".strip(), peer


def dj_database_name(database_url: str | None) -> str | None:
    if not database_url:
        return None
    import dj_database_url

    return dj_database_url.parse(database_url)["NAME"]


def register_peer() -> str:
    """The peer: Django's admin changelist of the participants. The project's own ModelAdmin
    when it registers one (with its filters and search), else a plain one with the same columns
    as the list page. Either way 50 rows a page, as the list page, and ``?all=`` for every row.
    Must run before the URLconf is first imported (``admin.site.urls`` is built then).

    Returns a description of the ModelAdmin used, for the report."""
    from django.contrib import admin

    from palermo.core.models import Participant

    if not admin.site.is_registered(Participant):

        class BenchParticipantAdmin(admin.ModelAdmin):
            list_display = ("name", "code", "region", "regional_group")
            list_select_related = ("region", "regional_group")

        admin.site.register(Participant, BenchParticipantAdmin)
        origin = "registered by the bench script"
    else:
        origin = "the project's own"
    model_admin = admin.site.get_model_admin(Participant)
    # Set on this process's instance only: the same page size as the list page.
    model_admin.list_per_page = 50
    model_admin.list_max_show_all = 100_000
    parts = [f"`{type(model_admin).__name__}` ({origin})"]
    for name in ("list_display", "list_filter", "search_fields", "list_select_related"):
        value = getattr(model_admin, name)
        if value:
            parts.append(f"{name}={list(value) if not isinstance(value, bool) else value}")
    return ", ".join(parts) + ", list_per_page=50 in this run"


def load_data() -> dict:
    from palermo.core.models import Participant, User
    from palermo.core.reference import load_reference_data
    from palermo.treaties.models import TreatyAction
    from palermo.treaties.reference import load_treaty_reference

    started = time.perf_counter()
    load_reference_data()
    load_treaty_reference()
    User.objects.create_superuser("bench", "bench@example.invalid", "bench-password-unused")
    return {
        "participants": Participant.objects.count(),
        "actions": TreatyAction.objects.count(),
        "load_seconds": time.perf_counter() - started,
    }


def client():
    from django.test import Client

    from palermo.core.models import User

    c = Client()
    c.force_login(User.objects.get(username="bench"))
    return c


def add_synthetic(count: int) -> None:
    """Add ``count`` clearly synthetic participants, spread over the real regions and groups."""
    from palermo.core.models import Participant

    real = list(
        Participant.objects.exclude(name__startswith=SYNTHETIC_PREFIX).values(
            "region_id", "subregion_id", "intermediate_region_id", "regional_group_id"
        )
    )
    taken = set(Participant.objects.values_list("code", flat=True))
    codes = (
        "".join(letters)
        for letters in itertools.product(string.ascii_uppercase, repeat=3)
        if "".join(letters) not in taken
    )
    new = []
    for i, code in zip(range(count), codes, strict=False):
        new.append(
            Participant(
                code=code, name=f"{SYNTHETIC_PREFIX}{code}", kind="state", **real[i % len(real)]
            )
        )
    Participant.objects.bulk_create(new, batch_size=500)


def remove_synthetic() -> int:
    from palermo.core.models import Participant

    deleted, _ = Participant.objects.filter(name__startswith=SYNTHETIC_PREFIX).delete()
    return deleted


# -- measuring -------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def check(response, url: str) -> None:
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}, not 200")


def count_queries(c, url: str) -> tuple[int, int]:
    """Queries of one (warm) request, and the size of its body in bytes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c.get(url)  # warm: the first request after a change may rebuild caches
    with CaptureQueriesContext(connection) as captured:
        response = c.get(url)
    check(response, url)
    body = b"".join(response) if response.streaming else response.content
    return len(captured.captured_queries), len(body)


def time_endpoints(c, urls: dict[str, str], repeat: int, warmup: int) -> dict[str, list[float]]:
    """Median-ready samples in ms. Endpoints are interleaved request by request, so that a slow
    patch of the machine hits ours and the peer alike."""
    for _ in range(warmup):
        for url in urls.values():
            check(c.get(url), url)
    samples: dict[str, list[float]] = {key: [] for key in urls}
    gc.collect()
    for _ in range(repeat):
        for key, url in urls.items():
            started = time.perf_counter()
            response = c.get(url)
            if response.streaming:
                b"".join(response)
            samples[key].append((time.perf_counter() - started) * 1000)
            check(response, url)
    return samples


def check_same_rows(c) -> list[str]:
    """Do page 1 of the API, of the list page and of the admin show the same 50 participants
    (the first 50 by name in the database's order)? Returns what differs."""
    from django.utils.html import escape

    from palermo.core.models import Participant

    first = list(Participant.objects.order_by("name", "code").values_list("code", "name")[:50])
    problems = []
    api = c.get(f"/api/treaties/status?{QUERY}").json()["items"]
    if [row["code"] for row in api] != [code for code, _name in first]:
        problems.append("API page 1 is not the first 50 participants by name")
    page = c.get(f"/treaties/participants/?{QUERY}").content.decode()
    admin = c.get("/admin/core/participant/").content.decode()
    for name in (name for _code, name in first):
        for label, html in (("list page", page), ("admin", admin)):
            if escape(name) not in html:
                problems.append(f"{name} missing from page 1 of the {label}")
    return problems


def summarise(samples: list[float]) -> dict:
    return {
        "median": statistics.median(samples),
        "p90": percentile(samples, 0.9),
        "n": len(samples),
    }


def measure(repeat: int, repeat_growth: int, warmup: int) -> dict:
    """Everything for one database engine; returns plain data (JSON-able)."""
    from palermo.core.models import Participant

    data = load_data()
    c = client()
    result: dict = {"data": data, "full": {}, "growth": [], "row_problems": check_same_rows(c)}

    urls = {key: url for key, _label, url, _peer in FULL_SIZE}
    timings = time_endpoints(c, urls, repeat, warmup)
    for key, _label, url, _peer in FULL_SIZE:
        queries, size = count_queries(c, url)
        result["full"][key] = {**summarise(timings[key]), "queries": queries, "bytes": size}

    real = data["participants"]
    result["growth"].append(
        {
            "participants": real,
            "queries": {key: result["full"][key]["queries"] for key in urls},
            "timing": {key: result["full"][key] for key in GROWING},
        }
    )
    added = 0
    for extra in GROWTH:
        add_synthetic(extra - added)
        added = extra
        total = Participant.objects.count()
        result["row_problems"] += check_same_rows(c)
        queries = {key: count_queries(c, url)[0] for key, url in urls.items()}
        timed = time_endpoints(c, {k: urls[k] for k in GROWING}, repeat_growth, 2)
        result["growth"].append(
            {
                "participants": total,
                "queries": queries,
                "timing": {key: summarise(timed[key]) for key in GROWING},
            }
        )
    result["synthetic_deleted"] = remove_synthetic()
    return result


def run_engine(args) -> dict:
    """Set up Django on one engine in this process and measure it."""
    database_url = args.database_url or None
    label, peer = setup_django(database_url)
    from django.conf import settings
    from django.db import connection

    original_name = dj_database_name(database_url)
    try:
        result = measure(args.repeat, args.repeat_growth, args.warmup)
    finally:
        if database_url:
            connection.creation.destroy_test_db(original_name, verbosity=0)
        else:
            connection.close()
        shutil.rmtree(settings.DATA_DIR, ignore_errors=True)
    result["engine"] = label
    result["peer"] = peer
    return result


# -- reporting -------------------------------------------------------------------------------


def machine() -> dict:
    import django

    return {
        "date": dt.date.today().isoformat(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "platform": platform.platform(terse=True),
        "processor": platform.machine(),
    }


def fmt(ms: float) -> str:
    return f"{ms:.1f}" if ms < 100 else f"{ms:.0f}"


def engine_tables(result: dict) -> str:
    full = result["full"]
    lines = [
        f"### {result['engine']}: {result['data']['participants']} participants, "
        f"{result['data']['actions']} treaty actions (full size)",
        "",
        "| Request | Median ms | p90 ms | Ratio to peer (median) | Queries | Response KB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for key, label, url, peer in FULL_SIZE:
        row = full[key]
        ratio = f"{row['median'] / full[peer]['median']:.2f}× `{peer}`" if peer else "peer"
        lines.append(
            f"| {label} <br>`{url}` | {fmt(row['median'])} | {fmt(row['p90'])} | {ratio} | "
            f"{row['queries']} | {row['bytes'] / 1024:.0f} |"
        )
    n = full["page"]["n"]
    lines += [
        "",
        f"{n} timed requests per endpoint, interleaved, after warm-up. "
        f"Peer ModelAdmin: {result['peer']}.",
        "",
    ]

    growth = result["growth"]
    head = " | ".join(f"{g['participants']} participants" for g in growth)
    lines += [
        "Queries per request as participants grow:",
        "",
        f"| Request | {head} |",
        "|---|" + "---:|" * len(growth),
    ]
    for key, label, _url, _peer in FULL_SIZE:
        cells = " | ".join(str(g["queries"][key]) for g in growth)
        lines.append(f"| {label} | {cells} |")
    lines += [
        "",
        "Median (p90) ms per request as participants grow; ratio = our median / admin median:",
        "",
        f"| Request | {head} |",
        "|---|" + "---:|" * len(growth),
    ]
    labels = {key: label for key, label, _url, _peer in FULL_SIZE}
    for key in GROWING:
        cells = []
        for g in growth:
            t = g["timing"][key]
            cell = f"{fmt(t['median'])} ({fmt(t['p90'])})"
            if key != "admin":
                cell += f", {t['median'] / g['timing']['admin']['median']:.1f}×"
            cells.append(cell)
        lines.append(f"| {labels[key]} | {' | '.join(cells)} |")
    n_growth = growth[-1]["timing"]["page"]["n"]
    lines += [
        "",
        f"{n_growth} timed requests per endpoint at each grown size. "
        f"{result['synthetic_deleted']} synthetic participants deleted afterwards.",
        "",
    ]
    lines += summary(result)
    return "\n".join(lines)


def summary(result: dict) -> list[str]:
    """The conclusions the figures support, computed so that they follow the figures."""
    growth = result["growth"]
    labels = {key: label for key, label, _url, _peer in FULL_SIZE}
    constant = [k for k in labels if len({g["queries"][k] for g in growth}) == 1]
    varying = [k for k in labels if k not in constant]
    first, last = growth[0], growth[-1]
    lines = ["In this run:", ""]
    if not varying:
        lines.append(
            f"* Queries per request do not depend on the number of participants: the same at "
            f"{first['participants']} and {last['participants']} for every endpoint."
        )
    else:
        lines.append(
            "* Queries per request grow with participants for: "
            + ", ".join(labels[k] for k in varying)
            + "."
        )
    for key in GROWING:
        a, b = first["timing"][key]["median"], last["timing"][key]["median"]
        lines.append(
            f"* {labels[key]}: {fmt(a)} ms at {first['participants']} participants, "
            f"{fmt(b)} ms at {last['participants']} ({b / a:.1f}×)."
        )
    problems = result["row_problems"]
    if problems:
        lines.append("* Page 1 differs between the compared pages: " + "; ".join(problems[:5]))
    else:
        lines.append(
            "* Page 1 of the list page, of the API and of the admin showed the same 50 "
            "participants at every size (checked by the script)."
        )
    lines.append("")
    return lines


def report(results: list[dict], info: dict, skipped_postgres: bool, seconds: float) -> str:
    parts = [
        f"Run on {info['date']}: {info['cpus']} CPUs ({info['processor']}), Python "
        f"{info['python']}, Django {info['django']}, {info['platform']}; "
        f"the whole run took {seconds:.0f} s.",
        "",
    ]
    for result in results:
        parts.append(engine_tables(result))
    if skipped_postgres:
        parts.append("PostgreSQL: skipped (set `PALERMO_BENCH_DATABASE_URL` to include it).\n")
    return "\n".join(parts)


DOC_INTRO = """\
# Benchmarks

`make bench` runs four scripts, each against a named peer in the same run, and each rewrites its
own section of this file:

* `bench/run.py` — the participant list (the page, its CSV export and the API) at full size and
  as participants grow, against Django's admin changelist (one to two minutes on SQLite, about as
  long again with PostgreSQL). Its method and figures follow.
* `bench/import_bench.py` — a 1,000,000-row CSV of payments imported through a column mapping,
  against DuckDB's `read_csv` into a table of the same rows (section *Imports*).
* `bench/search_bench.py` — site search over 1,000,000 synthetic multilingual documents, against
  the backend's raw full-text query (section *Search*).
* `bench/load_bench.py` — the key pages and API lists served by `palermo serve` under 1, 5 and
  20 concurrent clients (wrk), against a hello-world view of the same server in the same run,
  before (the landed baseline) and after (section *Load*).

With `PALERMO_BENCH_DATABASE_URL=postgres://…` each is repeated on a throwaway PostgreSQL
database. The machines are small and shared: compare ratios, not absolute times.

## What is measured

* **Server time per request**, in-process with `django.test.Client`: the whole Django stack
  (middleware, session and user, view, template or JSON rendering) without network or a WSGI
  server. Each endpoint is requested a few times to warm up, then timed with
  `time.perf_counter` over repeated requests interleaved across endpoints; the median and the
  90th percentile are reported. `DEBUG` is off, as in production.
* **The peer**, measured in the same run on the same data: Django's admin changelist of the
  participants, `/admin/core/participant/`. It is the stock Django list page for the same rows,
  so it is a fair baseline for a server-rendered list of participants. The project's own
  `ParticipantAdmin` is used when it is registered (its columns, filters and search as they
  are; the report names them), else the script registers a plain one with the list page's
  columns; either way the script sets it to 50 rows a page, like the list page, for this run
  only. Page 1 of the list page and of the API are compared with admin page 1 (the same 50
  participants by name, which the script checks); the full list and the CSV export with the
  admin's `?all=`. The ratio *our median / admin median* is what to compare between runs and
  machines: absolute times on a small, shared machine are noisy.
* **Queries per request**, counted with `CaptureQueriesContext`, at full size and after adding
  1,000 and 5,000 synthetic participants (codes from unused three-letter combinations, named
  "Bench participant XXX", spread over the real regions, without treaty actions; deleted at the
  end). The paginated page and API must cost the same number of queries at every size.
* **Full size**: a throwaway SQLite database in a temporary directory, migrated and loaded with
  the real reference data (`load_reference_data`, `load_treaty_reference`): every M49
  participant and every shipped treaty action. Requests: UNTOC on 2010-07-13, signed in as a
  superuser. With `PALERMO_BENCH_DATABASE_URL=postgres://…` the run is repeated, in a second
  process, on a throwaway PostgreSQL database (`palermo_bench_<pid>`, created on that server
  and dropped by the script); otherwise PostgreSQL is skipped.

## Latest figures
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed requests at full size")
    parser.add_argument("--repeat-growth", type=int, default=15, help="timed requests when grown")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument("--database-url", help=argparse.SUPPRESS)  # internal: one engine only
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.json:  # child process: one engine, result as JSON on stdout
        result = run_engine(args)
        print(json.dumps(result, default=str))
        return

    started = time.perf_counter()
    # Each engine runs in its own process: settings are read once per process.
    engines = [None]
    postgres = os.environ.get("PALERMO_BENCH_DATABASE_URL", "").strip()
    if postgres:
        engines.append(postgres)
    results = []
    for url in engines:
        command = [
            sys.executable,
            __file__,
            "--json",
            f"--repeat={args.repeat}",
            f"--repeat-growth={args.repeat_growth}",
            f"--warmup={args.warmup}",
        ]
        if url:
            command.append(f"--database-url={url}")
        name = "PostgreSQL" if url else "SQLite"
        print(f"Measuring on {name}…", file=sys.stderr, flush=True)
        out = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palermo.settings")
    text = report(results, machine(), not postgres, time.perf_counter() - started)
    print(text)
    if not args.no_write:
        existing = REPORT.read_text(encoding="utf-8") if REPORT.exists() else ""
        marker = "## Latest figures\n"
        tail = ""
        if marker in existing:
            after = existing.split(marker, 1)[1]
            # Keep any hand-written interpretation that follows the generated figures.
            if "\n## " in after:
                tail = "\n## " + after.split("\n## ", 1)[1]
        REPORT.write_text(DOC_INTRO + "\n" + text + tail, encoding="utf-8")
        print(f"Written to {REPORT.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
