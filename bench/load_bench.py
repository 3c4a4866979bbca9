"""Load benchmark: the key pages and API lists under 1, 5 and 20 concurrent clients, against a
hello-world view served by the same server in the same run, before and after.

A throwaway site is built as bench/run.py builds one — the real reference data (every
participant, the shipped UNTC actions) in a SQLite file in a temporary directory; with
``PALERMO_BENCH_DATABASE_URL`` also in a throwaway PostgreSQL database on that server
(``palermo_load_bench_<pid>``, dropped afterwards). Then the real ``palermo serve`` is started
in production mode (DEBUG off, HTTPS through a trusted proxy: wrk connects from 127.0.0.1, the
trusted address, and sends ``X-Forwarded-Proto: https`` as the TLS proxy would) with the bench
URLconf (bench/load_urls.py: the product's URLs plus ``/bench/hello/``), twice on the same
database:

- **before**: the landed baseline, commit ``BASELINE`` (Waitress, one process), its source
  extracted read-only with ``git archive BASELINE src | tar -x`` and put first on PYTHONPATH;
- **after**: this working tree (gunicorn, one worker per core plus one; ``--workers 3,5`` starts
  one server per count, to compare them; ``--workers single,3`` the same code on Waitress
  beside gunicorn, to see what the server alone changes).

Which code each server runs is checked (the module path of ``palermo`` under that PYTHONPATH,
and the banner the server prints). wrk (Debian package ``wrk``, ``make system-deps``) drives
every URL of the table below at each concurrency for ``--duration`` seconds (default 20), one
wrk thread, the servers interleaved URL by URL; bench/load_report.lua reports p50/p95 and every
answer that is not 2xx as JSON. Reported per server, URL and concurrency: requests/s, p50 and
p95 in ms, errors, and throughput as a ratio to the same server's hello-world view at the same
concurrency; then the targets of issue 13 at 20 clients.

    make bench        # or: .venv/bin/python bench/load_bench.py [--duration 5] [--no-write]

The report is printed and written into docs/benchmarks.md between ``<!-- bench:load -->`` and
``<!-- /bench:load -->``; ``--no-write`` only prints it. To compare database connection
settings, ``PALERMO_BENCH_CONN_MAX_AGE=0`` or ``PALERMO_BENCH_CONN_HEALTH_CHECKS=1`` apply to
every server of a run (bench/load_settings.py); ``--engines postgresql`` skips SQLite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from benchlib import throwaway_postgres, write_section

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
REPORT = ROOT / "docs" / "benchmarks.md"
LUA = BENCH / "load_report.lua"
BEGIN, END = "<!-- bench:load -->", "<!-- /bench:load -->"
BASELINE = "812c6a3"
QUERY = "instrument=UNTOC&on=2010-07-13"

# What is measured: (key, label, path). Every module adds its key pages and API lists here.
URLS = [
    ("hello", "Hello-world view (the yardstick)", "/bench/hello/"),
    ("home", "Home page", "/"),
    ("instruments", "Instrument list", "/treaties/"),
    ("instrument", "Instrument page (UNTOC)", "/treaties/UNTOC/"),
    ("participants", "Participant list, UNTOC on 2010-07-13", f"/treaties/participants/?{QUERY}"),
    ("status_api", "API: status of participants on a date", f"/api/treaties/status?{QUERY}"),
    ("search", "Site search", "/search/?q=trafficking"),
    ("instruments_api", "API: instruments", "/api/treaties/instruments"),
    ("participants_api", "API: participants", "/api/participants"),
]
CONCURRENCY = (1, 5, 20)
# Issue 13, at 20 clients: (key, least share of hello-world's requests/s, p95 below, in ms).
TARGETS = [("participants", 0.20, 500), ("status_api", 0.40, None)]
TARGET_CLIENTS = 20
TRUSTED = "127.0.0.1"  # where wrk connects from: the proxy's address in this set-up
HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}
SECRET_KEY = secrets.token_urlsafe(50)  # one for every server of the run


def fail(message: str) -> None:
    print(message, file=sys.stderr)
    raise SystemExit(1)


def wrk_version() -> str:
    if not shutil.which("wrk"):
        fail(
            "wrk is not installed. Install it with `make system-deps` (as root on Debian or "
            "Ubuntu: apt-get install wrk; macOS: brew install wrk), then run this again."
        )
    out = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return (out.stdout + out.stderr).split("Copyright")[0].strip()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- the site ---------------------------------------------------------------------------------


def base_env(data_dir: Path, database_url: str, src: Path) -> dict:
    """Production settings for a server of the code in ``src`` on ``database_url``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PALERMO_", "DJANGO_"))}
    env.update(
        PYTHONPATH=os.pathsep.join([str(src), str(BENCH)]),
        DJANGO_SETTINGS_MODULE="load_settings",
        PALERMO_PRODUCTION="1",
        PALERMO_SECRET_KEY=SECRET_KEY,
        PALERMO_ALLOWED_HOSTS="127.0.0.1,localhost",
        PALERMO_DATA_DIR=str(data_dir),
        PALERMO_DATABASE_URL=database_url,
        PALERMO_TRUSTED_PROXY=TRUSTED,
        PALERMO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    return env


def palermo(env: dict, *args: str, timeout: float = 600) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "palermo.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        fail(f"palermo {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def served_code(env: dict) -> str:
    """The folder of the ``palermo`` package this environment imports."""
    out = subprocess.run(
        [sys.executable, "-c", "import palermo, pathlib; print(pathlib.Path(palermo.__file__))"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return str(Path(out.stdout.strip()).parent)


def extract_baseline(commit: str, into: Path) -> Path | None:
    """The baseline's ``src`` extracted read-only from git (None if git cannot give it)."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "src"], capture_output=True
    )
    if archive.returncode != 0:
        print(f"Baseline {commit} not available: {archive.stderr.decode()}", file=sys.stderr)
        return None
    into.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into / "src"


class Server:
    """One ``palermo serve`` of one version of the code, on its own port and data folder."""

    def __init__(self, name: str, label: str, src: Path, work: Path, database_url: str, args):
        self.name, self.label, self.src = name, label, src
        self.data_dir = work / name
        self.data_dir.mkdir(parents=True)
        self.env = base_env(self.data_dir, database_url, src)
        for name in ("PALERMO_BENCH_CONN_MAX_AGE", "PALERMO_BENCH_CONN_HEALTH_CHECKS"):
            if name in os.environ:  # bench/load_settings.py: connection settings to compare
                self.env[name] = os.environ[name]
        self.args = list(args)
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.banner = ""
        self.code = ""

    def prepare(self) -> None:
        self.code = served_code(self.env)
        if not self.code.startswith(str(self.src)):
            fail(f"{self.name}: palermo is imported from {self.code}, not from {self.src}")
        palermo(self.env, "collectstatic", "--noinput", "-v0")

    def start(self) -> None:
        log = open(self.data_dir / "serve.log", "w")  # noqa: SIM115 (open while it runs)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "palermo.cli", "serve", "--no-worker"]
            + ["--host", "127.0.0.1", "--port", str(self.port), *self.args],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                fail(f"{self.name} exited: {(self.data_dir / 'serve.log').read_text()}")
            lines = (self.data_dir / "serve.log").read_text().splitlines()
            banner = [line for line in lines if "Serving http" in line or "running at" in line]
            if banner and self.get("/bench/hello/")[0] == 200:
                self.banner = banner[0].split("  (Ctrl")[0].strip()
                return
            time.sleep(0.2)
        fail(f"{self.name} did not answer within 60 s: {(self.data_dir / 'serve.log').read_text()}")

    def get(self, path: str) -> tuple[int, bytes]:
        request = urllib.request.Request(self.url(path), headers=HEADERS)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except OSError:
            return 0, b""

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: a graceful stop of the whole group
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait(10)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


urllib.request.install_opener(urllib.request.build_opener(NoRedirect))


# -- measuring --------------------------------------------------------------------------------


def wrk(url: str, connections: int, seconds: float) -> dict:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s"]
    for name, value in HEADERS.items():
        command += ["-H", f"{name}: {value}"]
    command += ["-s", str(LUA), url]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    lines = [line for line in out.stdout.splitlines() if line.startswith("PALERMO_LOAD ")]
    if not lines:
        fail(f"wrk gave no report for {url}:\n{out.stdout}\n{out.stderr}")
    raw = json.loads(lines[-1].split(" ", 1)[1])
    errors = sum(raw[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    return {
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "requests": raw["requests"],
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "errors": errors + raw["not_2xx"],
        "not_2xx": raw["not_2xx"],
        "socket_errors": errors,
        "kb_per_request": raw["bytes"] / max(1, raw["requests"]) / 1024,
    }


def measure(servers: list[Server], urls, concurrency, seconds: float, warmup: float) -> dict:
    """Every URL at every concurrency on every server, the servers interleaved URL by URL
    (which goes first alternates), so a slow patch of a shared machine hits both."""
    results: dict = {s.name: {"available": {}, "runs": {}} for s in servers}
    for server in servers:
        for key, _label, path in urls:
            status, _body = server.get(path)
            results[server.name]["available"][key] = status
            if status == 200 and warmup:
                wrk(server.url(path), max(concurrency), warmup)
    step = 0
    for clients in concurrency:
        for key, label, path in urls:
            order = servers if step % 2 == 0 else servers[::-1]
            step += 1
            for server in order:
                if results[server.name]["available"][key] != 200:
                    continue
                print(f"  {server.name}: {label}, {clients} clients…", file=sys.stderr, flush=True)
                run = wrk(server.url(path), clients, seconds)
                results[server.name]["runs"][f"{key}@{clients}"] = run
    return results


def run_engine(engine: str, database_url: str, args, work: Path, baseline_src) -> dict:
    after_src = ROOT / "src"
    servers: list[Server] = []
    if "before" in args.servers and baseline_src:
        servers.append(
            Server("before", f"before ({BASELINE})", baseline_src, work, database_url, [])
        )
    if "after" in args.servers:
        for n in args.workers or [None]:
            if n == "single":  # the same code on Waitress: what the server alone changes
                name, extra = "after-single", ["--single"]
            else:
                name = "after" if n is None else f"after-{n}w"
                extra = [] if n is None else ["--workers", n]
            servers.append(Server(name, "after (this tree)", after_src, work, database_url, extra))
    if not servers:
        fail("No server to measure.")
    # The database is built by the newest code (its schema is a superset of the baseline's).
    builder = servers[-1]
    palermo(builder.env, "migrate", "--noinput", "-v0")
    loaded = palermo(builder.env, "load-reference", "--quiet-progress").splitlines()[0]
    for server in servers:
        server.prepare()
    try:
        for server in servers:
            server.start()
        load_before = os.getloadavg()
        started = time.perf_counter()
        results = measure(
            servers, selected_urls(args), args.concurrency, args.duration, args.warmup
        )
        seconds = time.perf_counter() - started
        load_after = os.getloadavg()
    finally:
        for server in servers:
            server.stop()
    return {
        "engine": engine,
        "loaded": loaded,
        "seconds": seconds,
        "load_average": [load_before[0], load_after[0]],
        "servers": [
            {"name": s.name, "label": s.label, "banner": s.banner, "code": s.code} for s in servers
        ],
        "results": results,
    }


def selected_urls(args):
    return [u for u in URLS if not args.urls or u[0] in args.urls or u[0] == "hello"]


# -- the report -------------------------------------------------------------------------------


def fmt(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def ratio(run: dict, hello: dict | None) -> str:
    return f"{run['rps'] / hello['rps']:.0%}" if hello and hello["rps"] else "–"


def engine_section(result: dict, args) -> list[str]:
    servers = result["servers"]
    labels = {key: label for key, label, _path in URLS}
    lines = [
        f"### {result['engine']}",
        "",
        f"{result['loaded']} Served (the banner each server printed; the code it imported):",
        "",
    ]
    for s in servers:
        lines.append(f"- **{s['name']}**: “{s['banner']}” — `palermo` from `{s['code']}`")
    head = " | ".join(f"{s['name']} req/s | p50 / p95 ms | errors | × hello" for s in servers)
    lines += [
        "",
        f"| URL | clients | {head} |",
        "|---|---:|" + "---:|---:|---:|---:|" * len(servers),
    ]
    for key, _label, path in selected_urls(args):
        for clients in args.concurrency:
            cells = []
            for s in servers:
                data = result["results"][s["name"]]
                run = data["runs"].get(f"{key}@{clients}")
                if run is None:
                    status = data["available"].get(key)
                    cells.append(f"not measured (HTTP {status}) | | |")
                    continue
                hello = data["runs"].get(f"hello@{clients}")
                cells.append(
                    f"{fmt(run['rps'])} | {fmt(run['p50_ms'])} / {fmt(run['p95_ms'])} | "
                    f"{run['errors']} | {'1' if key == 'hello' else ratio(run, hello)}"
                )
            lines.append(f"| {labels[key]} <br>`{path}` | {clients} | {' | '.join(cells)} |")
    lines += [
        "",
        f"Targets (issue 13, at {TARGET_CLIENTS} clients, ratio to the same server's "
        "hello-world view):",
        "",
    ]
    for s in servers:
        lines.append(f"- **{s['name']}**: " + "; ".join(target_lines(result, s["name"])) + ".")
    lines += [
        "",
        f"The sweep took {result['seconds']:.0f} s; 1-minute load average "
        f"{result['load_average'][0]:.1f} at its start, {result['load_average'][1]:.1f} at its "
        "end (above the 2 cores means other work shared the machine).",
        "",
    ]
    return lines


def target_lines(result: dict, name: str) -> list[str]:
    runs = result["results"][name]["runs"]
    hello = runs.get(f"hello@{TARGET_CLIENTS}")
    out = []
    for key, share, p95 in TARGETS:
        run = runs.get(f"{key}@{TARGET_CLIENTS}")
        label = {"participants": "participant list", "status_api": "status API"}.get(key, key)
        if run is None or hello is None:
            out.append(f"{label}: not measured")
            continue
        met = run["rps"] >= share * hello["rps"] and (p95 is None or run["p95_ms"] < p95)
        met = met and run["errors"] == 0
        want = f"≥ {share:.0%}" + (f", p95 < {p95} ms" if p95 else "")
        out.append(
            f"{label} {fmt(run['rps'])} req/s = {run['rps'] / hello['rps']:.1%} of "
            f"{fmt(hello['rps'])}, p95 {fmt(run['p95_ms'])} ms, {run['errors']} errors "
            f"(want {want}): **{'met' if met else 'not met'}**"
        )
    return out


def report(results: list[dict], args, wrk_label: str) -> str:
    import django

    info = (
        f"Measured {dt.date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} "
        f"cores, Python {platform.python_version()}, Django {django.get_version()}, "
        f"{wrk_label}"
    )
    lines = [
        BEGIN,
        "## Load: requests per second under concurrent clients, before and after",
        "",
        f"{info}: `bench/load_bench.py`. The real `palermo serve` in production mode (DEBUG "
        "off; HTTPS through the trusted proxy's `X-Forwarded-Proto`, sent by wrk from the "
        "trusted address) with `--no-worker`, on one throwaway database per engine loaded with "
        f"the real reference data; anonymous requests. Each URL is driven by wrk (one thread, "
        f"`--timeout 10s`) for {args.duration:g} s at each concurrency after a {args.warmup:g} s "
        "warm-up, the servers interleaved URL by URL. Latency is wrk's, from sending a request "
        "to its answer; errors are socket errors, time-outs and answers that are not 2xx. "
        "`× hello` is requests/s as a share of the same server's hello-world view "
        "(`/bench/hello/`, bench/load_urls.py: the same middleware, no database) at the same "
        "concurrency in the same run.",
        "",
    ]
    for result in results:
        lines += engine_section(result, args)
    if not any(r["engine"] == "PostgreSQL" for r in results):
        lines.append("PostgreSQL: not measured (set `PALERMO_BENCH_DATABASE_URL`).")
        lines.append("")
    lines += [END, ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds per run (20)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds per URL and server (2)")
    parser.add_argument(
        "--concurrency",
        type=lambda v: [int(c) for c in v.split(",")],
        default=list(CONCURRENCY),
        help="comma-separated client counts (1,5,20)",
    )
    parser.add_argument(
        "--urls", type=lambda v: v.split(","), default=None, help="keys of the URL table"
    )
    parser.add_argument(
        "--servers",
        type=lambda v: v.split(","),
        default=["before", "after"],
        help="before,after (default both)",
    )
    parser.add_argument(
        "--workers",
        type=lambda v: v.split(","),
        default=None,
        help="gunicorn workers of the after server; several (3,5) start one server each, "
        "'single' one on Waitress (--single)",
    )
    parser.add_argument(
        "--engines",
        type=lambda v: v.lower().split(","),
        default=["sqlite", "postgresql"],
        help="sqlite,postgresql (PostgreSQL only with PALERMO_BENCH_DATABASE_URL)",
    )
    parser.add_argument("--baseline", default=BASELINE, help=f"commit of 'before' ({BASELINE})")
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md")
    args = parser.parse_args()
    globals()["BASELINE"] = args.baseline
    wrk_label = wrk_version()
    sys.path.insert(0, str(ROOT / "src"))

    work = Path(tempfile.mkdtemp(prefix="palermo-load-bench-"))
    drops = []
    try:
        baseline_src = None
        if "before" in args.servers:
            baseline_src = extract_baseline(args.baseline, work / "baseline")
        engines = []
        if "sqlite" in args.engines:
            engines.append(("SQLite", f"sqlite:///{work / 'palermo.sqlite3'}"))
        server_url = os.environ.get("PALERMO_BENCH_DATABASE_URL")
        if server_url and "postgresql" in args.engines:
            url, drop = throwaway_postgres(server_url, "palermo_load_bench")
            drops.append(drop)
            engines.append(("PostgreSQL", url))
        results = []
        for engine, url in engines:
            print(f"Load bench on {engine}…", file=sys.stderr, flush=True)
            results.append(run_engine(engine, url, args, work / engine.lower(), baseline_src))
    finally:
        for drop in drops:
            drop()
        shutil.rmtree(work, ignore_errors=True)
    text = report(results, args, wrk_label)
    print(json.dumps(results, indent=2) if args.json else text)
    if not args.no_write:
        write_section(REPORT, BEGIN, END, text)
        print(f"Written to {REPORT.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
