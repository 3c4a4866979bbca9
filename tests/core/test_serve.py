"""`palermo serve` as an operator runs it: real processes, real sockets, real signals.

Each test starts the real command in a subprocess on a free loopback port, in production mode
on a fresh site (SQLite, migrated, static files collected; see test_proxy.py), with the job
queue in the database as in production. The processes it started are read from ``/proc``
(Linux). Requests come from the trusted proxy's address with ``X-Forwarded-Proto: https``, as
the TLS proxy in front would send them. Every wait is bounded; every server is stopped.
"""

import http.client
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest

from tests.core.test_proxy import (
    HOST,
    PROXY_ADDRESS,
    TIMEOUT,
    cookies_of,
    prepared_site,
    production_env,
    start_serve,
    stop,
    wait_for_output,
)

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads the processes from /proc"
)


def cores() -> int:
    return len(os.sched_getaffinity(0))


def site_env(data_dir, **extra) -> dict:
    env = production_env(data_dir, PALERMO_TRUSTED_PROXY=PROXY_ADDRESS, **extra)
    env["PALERMO_TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"  # production's queue
    return env


def process_state(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a live process, None once it is gone (or a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    state, ppid = stat.rsplit(")", 1)[1].split()[:2]  # the name may hold spaces
    return None if state in "ZX" else (state, int(ppid))


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        state = process_state(int(entry.name)) if entry.name.isdigit() else None
        if state and state[1] == pid:
            found.append(int(entry.name))
    return sorted(found)


def command_line(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")[:-1]
    except OSError:
        return []


def is_job_worker(pid: int) -> bool:
    return command_line(pid)[-2:] == ["palermo.cli", "worker"]


def processes_of(master: int, web_workers: int) -> SimpleNamespace:
    """The master's web workers and job workers, once as many web workers as expected have
    been forked (bounded wait)."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        kids = children(master)
        web = [pid for pid in kids if not is_job_worker(pid)]
        jobs = [pid for pid in kids if is_job_worker(pid)]
        if (len(web) >= web_workers and jobs) or time.monotonic() > deadline:
            return SimpleNamespace(web=web, jobs=jobs, all=kids)
        time.sleep(0.1)


def wait_gone(pids, seconds=TIMEOUT) -> list[int]:
    """The processes among ``pids`` still alive after at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while (alive := [p for p in pids if process_state(p)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive


def fetch(port, path, headers=None, method="GET", body=None):
    """A request as the TLS proxy forwards it: from the trusted address, marked HTTPS."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=TIMEOUT, source_address=(PROXY_ADDRESS, 0)
    )
    try:
        connection.request(
            method,
            path,
            body=body,
            headers={"Host": HOST, "X-Forwarded-Proto": "https", **(headers or {})},
        )
        response = connection.getresponse()
        return SimpleNamespace(
            status=response.status,
            headers=response.headers,
            body=response.read(),
        )
    finally:
        connection.close()


@pytest.fixture(scope="module")
def gunicorn_site(tmp_path_factory):
    data_dir = prepared_site(tmp_path_factory, "palermo-serve-gunicorn")
    env = site_env(data_dir, PALERMO_SIGNIN_FAILURE_LIMIT="1000")
    process, port = start_serve(data_dir, env=env)
    try:
        yield SimpleNamespace(
            process=process, port=port, data_dir=data_dir, log=data_dir / "serve.log"
        )
    finally:
        stop(process)


def test_gunicorn_starts_a_worker_per_core_plus_one_and_a_job_worker_and_says_so(gunicorn_site):
    expected = cores() + 1
    line = (
        f"Serving http://127.0.0.1:{gunicorn_site.port}/ with gunicorn, {expected} worker "
        "processes; background jobs in 1 worker process"
    )
    assert line in wait_for_output(gunicorn_site.log, line)
    processes = processes_of(gunicorn_site.process.pid, expected)
    assert len(processes.web) == expected, processes
    assert len(processes.jobs) == 1, processes
    page = fetch(gunicorn_site.port, "/")
    assert page.status == 200 and b"Transnational Organized Crime" in page.body


def test_sqlite_writes_from_several_workers_wait_for_a_lock_instead_of_failing(gunicorn_site):
    """Failed sign-ins write (django-axes' attempt and failure rows, the audit entry). Sent at
    once to several worker processes while another connection holds SQLite's write lock, each
    waits for the lock (WAL, busy timeout) and is answered normally."""
    names = [f"nobody-{n}" for n in range(12)]
    answers = {}

    def fail_to_sign_in(name):
        page = fetch(gunicorn_site.port, "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1)
        answers[name] = fetch(
            gunicorn_site.port,
            "/accounts/login/",
            method="POST",
            headers={
                "Cookie": f"csrftoken={cookies_of(page)['csrftoken'].value}",
                "Origin": f"https://{HOST}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            body=urlencode(
                {"username": name, "password": "wrong", "csrfmiddlewaretoken": token.decode()}
            ),
        )

    database = gunicorn_site.data_dir / "palermo.sqlite3"
    lock = sqlite3.connect(database, timeout=TIMEOUT, isolation_level=None)
    try:
        lock.execute("BEGIN IMMEDIATE")  # the write lock, as a long import holds it
        threads = [threading.Thread(target=fail_to_sign_in, args=(n,)) for n in names]
        for thread in threads:
            thread.start()
        time.sleep(3)  # the requests reach their writes and wait behind the lock
        lock.execute("COMMIT")
        for thread in threads:
            thread.join(TIMEOUT)
    finally:
        lock.close()
    assert sorted(answers) == sorted(names)
    for name, answer in answers.items():
        assert answer.status == 200, (name, answer.status, answer.body[:300])
        assert b"correct username and password" in answer.body
    with sqlite3.connect(database, timeout=TIMEOUT) as db:
        recorded = {row[0] for row in db.execute("SELECT username FROM axes_accessattempt")}
    assert set(names) <= recorded


def test_a_job_worker_that_dies_is_started_again(gunicorn_site):
    master = gunicorn_site.process.pid
    (first,) = processes_of(master, cores() + 1).jobs
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        jobs = [p for p in children(master) if is_job_worker(p)]
        if jobs and jobs != [first]:
            break
        time.sleep(0.2)
    assert jobs and first not in jobs, jobs
    assert "The background job worker" in gunicorn_site.log.read_text()


@pytest.mark.parametrize(
    "how",
    ["Ctrl-C: SIGINT to the process group", "SIGTERM to the server"],
)
def test_stopping_serve_stops_every_process_it_started(tmp_path_factory, how):
    data_dir = prepared_site(tmp_path_factory, "palermo-serve-stop")
    if how.startswith("Ctrl-C"):
        workers, env, args = 2, site_env(data_dir, PALERMO_WEB_WORKERS="2"), []
    else:
        workers, env, args = 1, site_env(data_dir), ["--workers", "1"]
    process, port = start_serve(data_dir, *args, env=env, start_new_session=True)
    try:
        noun = "process" if workers == 1 else "processes"
        line = f"with gunicorn, {workers} worker {noun}; background jobs in 1 worker process"
        assert line in wait_for_output(data_dir / "serve.log", line)
        started = processes_of(process.pid, workers)
        assert (len(started.web), len(started.jobs)) == (workers, 1), started
        assert fetch(port, "/").status == 200
        if how.startswith("Ctrl-C"):
            os.killpg(process.pid, signal.SIGINT)  # what the terminal does
        else:
            process.send_signal(signal.SIGTERM)  # what systemd does
        assert process.wait(TIMEOUT * 3) == 0
        assert wait_gone(started.all) == []
    finally:
        stop(process)


def test_single_serves_with_waitress_in_one_process(tmp_path_factory):
    data_dir = prepared_site(tmp_path_factory, "palermo-serve-single")
    process, port = start_serve(data_dir, "--single", env=site_env(data_dir))
    try:
        line = (
            f"Serving http://127.0.0.1:{port}/ with Waitress, 1 process of 8 threads; "
            "background jobs in a thread of it"
        )
        assert line in wait_for_output(data_dir / "serve.log", line)
        assert fetch(port, "/").status == 200
        assert children(process.pid) == []
        assert "gunicorn" not in (data_dir / "serve.log").read_text()
    finally:
        stop(process)


def test_without_gunicorn_serve_falls_back_to_waitress_and_says_why(tmp_path_factory):
    data_dir = prepared_site(tmp_path_factory, "palermo-serve-no-gunicorn")
    hidden = data_dir.parent / "hide-gunicorn" / "gunicorn"
    hidden.mkdir(parents=True)
    (hidden / "__init__.py").write_text("raise ImportError('hidden by the test')\n")
    env = site_env(data_dir)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(hidden.parent), env.get("PYTHONPATH")]))
    process, port = start_serve(data_dir, env=env)
    try:
        output = wait_for_output(data_dir / "serve.log", "Not gunicorn")
        assert " with Waitress, 1 process of 8 threads; " in output
        assert "Not gunicorn: gunicorn is not installed." in output
        assert fetch(port, "/").status == 200
        assert children(process.pid) == []
    finally:
        stop(process)


@pytest.mark.parametrize(
    "args, env, message",
    [
        (["--workers", "0"], {}, "--workers must be at least 1"),
        ([], {"PALERMO_WEB_WORKERS": "many"}, "PALERMO_WEB_WORKERS='many' is not a whole number"),
    ],
)
def test_a_bad_worker_count_is_refused(tmp_path, args, env, message):
    result = subprocess.run(
        [sys.executable, "-m", "palermo.cli", "serve", *args],
        env=site_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and message in result.stderr
