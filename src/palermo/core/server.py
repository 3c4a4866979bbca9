"""The servers behind ``palermo serve``: gunicorn's pre-fork workers, or Waitress in one process.

One Python process runs one request at a time on one core (the GIL), so a site served by one
process cannot use a second core however many threads it has. Where the operating system can
fork, gunicorn's master starts several worker processes that share the listening socket; a
new connection goes to whichever idle worker accepts it first. Waitress stays for one process (the demo, a
laptop), for Windows (no fork), and wherever gunicorn is not installed.

Background jobs are worked by a ``palermo worker`` child that the gunicorn master starts once
it listens, restarts if it dies and stops when it stops, in its own session so that a Ctrl-C
in the terminal reaches it once, through the master, and it finishes its current job. Not a
thread in each web worker: a job's Python work would hold that process's GIL and stall the
requests it is serving, and there would be one queue poller per web worker.

The trusted proxy is one decision for both servers: Waitress's own ``proxy_headers_middleware``
(what ``waitress.serve`` wraps the application in) believes ``X-Forwarded-*`` from the trusted
address only and deletes them from every other client. Gunicorn itself only sets the scheme
from a trusted address (``forwarded_allow_ips``, ``secure_scheme_headers``) and passes forged
headers on, and never sets the client's address from ``X-Forwarded-For``; so under gunicorn
the application is wrapped in the same middleware, and gunicorn's own options are set to the
same address and header, never to its defaults (which trust 127.0.0.1 and three headers).
"""

from __future__ import annotations

import ipaddress
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass

from django.core.management.base import CommandError
from waitress.adjustments import KNOWN_PROXY_HEADERS

logger = logging.getLogger(__name__)

# A request still running after this long is a stuck worker: gunicorn replaces the process.
# Generous, as Waitress has no such limit and exports of whole tables are written in the request.
REQUEST_TIMEOUT = 120
# On SIGTERM, how long requests in flight and the current background job get to finish.
GRACEFUL_SECONDS = 30
# The job worker is started again after it dies, but not more often than this.
JOB_WORKER_RESTART_SECONDS = 5


@dataclass(frozen=True)
class ProxyTrust:
    """Which forwarded headers are believed, and from which one address (``None``: nobody)."""

    address: str | None
    headers: frozenset[str]


def proxy_trust(address: str | None, headers: list[str]) -> ProxyTrust:
    """Check ``--trusted-proxy`` and ``--trusted-proxy-headers``; refuse what would let a client
    claim HTTPS or another address."""
    if not address:
        return ProxyTrust(None, frozenset())
    if address == "*":
        raise CommandError(
            "A trusted proxy of '*' would let any client claim HTTPS and any address: give the "
            "one address the proxy connects from."
        )
    try:
        ipaddress.ip_address(address)
    except ValueError:
        raise CommandError(f"The trusted proxy must be an IP address, not “{address}”.") from None
    wanted = frozenset(h.strip().lower() for h in headers if h.strip())
    if unknown := wanted - KNOWN_PROXY_HEADERS:
        raise CommandError(
            f"Unknown proxy header(s) {', '.join(sorted(unknown))}; the known ones are "
            f"{', '.join(sorted(KNOWN_PROXY_HEADERS))}."
        )
    if not wanted:
        raise CommandError("Name the headers to believe from the proxy (--trusted-proxy-headers).")
    return ProxyTrust(address, wanted)


def waitress_options(trust: ProxyTrust) -> dict:
    """Waitress's keyword arguments for ``trust``: forwarded headers believed from the proxy,
    deleted from everyone else (also when there is no proxy)."""
    options = {"clear_untrusted_proxy_headers": True}
    if trust.address:
        options.update(
            trusted_proxy=trust.address,
            trusted_proxy_count=1,
            trusted_proxy_headers=sorted(trust.headers),
        )
    return options


def behind_proxy(application, trust: ProxyTrust):
    """``application`` seen through the trust decision Waitress makes for itself: from the
    proxy, the scheme and client address it forwarded; from anyone else, no forwarded header."""
    from waitress.proxy_headers import proxy_headers_middleware

    return proxy_headers_middleware(
        application,
        trusted_proxy=trust.address,
        trusted_proxy_count=1,
        trusted_proxy_headers=set(trust.headers),
        clear_untrusted=True,
    )


def gunicorn_trust_settings(trust: ProxyTrust) -> dict:
    """Gunicorn's own forwarded-header settings for ``trust``, replacing its trusting defaults."""
    proto = trust.address and "x-forwarded-proto" in trust.headers
    return {
        "forwarded_allow_ips": trust.address or "",
        "secure_scheme_headers": {"X-FORWARDED-PROTO": "https"} if proto else {},
        "forwarder_headers": "",  # no header may set SCRIPT_NAME or PATH_INFO
    }


def cores() -> int:
    """The cores this process may run on (a container or ``taskset`` may allow fewer)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS
        return os.cpu_count() or 1


def default_web_workers() -> int:
    """cores + 1: measured on 2 cores with bench/load_bench.py against 2 × cores + 1 (see
    docs/operating.md); one more than the cores, so a core is not idle while a worker waits
    for the database."""
    return cores() + 1


def gunicorn_missing_reason() -> str | None:
    """Why gunicorn cannot serve here, or None if it can."""
    if not hasattr(os, "fork"):
        return "this system cannot fork processes (Windows)"
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return "gunicorn is not installed"
    return None


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class JobWorker:
    """The ``palermo worker`` child of a gunicorn master: started, kept alive, stopped."""

    def __init__(self, command: list[str] | None = None):
        self.command = command or [sys.executable, "-m", "palermo.cli", "worker"]
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0
        self.stopping = False
        self.asked = False

    def start(self) -> None:
        self.started_at = time.monotonic()
        self.asked = False
        # Its own session: the terminal's Ctrl-C goes to the server's process group, and the
        # master passes one SIGTERM on, so the current job finishes rather than being cut
        # short by a second signal.
        self.process = subprocess.Popen(
            self.command, start_new_session=True, preexec_fn=_die_with_parent
        )

    def keep_running(self) -> None:
        """Start the worker again if it has ended (the master calls this about every second)."""
        if self.stopping or self.process is None or self.process.poll() is None:
            return
        if time.monotonic() - self.started_at < JOB_WORKER_RESTART_SECONDS:
            return
        logger.error(
            "The background job worker (pid %s) ended with %s; starting another.",
            self.process.pid,
            self.process.returncode,
        )
        self.start()

    def ask_to_stop(self) -> None:
        """Ask the worker, once, to finish its current job and stop (a second signal would cut
        the job short)."""
        self.stopping = True
        if self.process is not None and self.process.poll() is None and not self.asked:
            self.asked = True
            self.process.send_signal(signal.SIGTERM)

    def stop(self, timeout: float = GRACEFUL_SECONDS) -> None:
        """Stop the worker; after ``timeout`` seconds kill it (its job is then settled by the
        next worker as a stopped worker's)."""
        self.ask_to_stop()
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            logger.warning("The background job worker was still busy after %s s: stopped.", timeout)
            process.kill()
            process.wait(10)


def _die_with_parent() -> None:
    """Linux: the job worker receives SIGTERM if the master dies without stopping it (killed
    with SIGKILL), so no worker is left behind working jobs for a site that is gone."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def run_gunicorn(
    application,
    *,
    host: str,
    port: int,
    workers: int,
    trust: ProxyTrust,
    job_worker: JobWorker | None,
    on_ready,
) -> None:
    """Serve ``application`` with gunicorn's sync workers until SIGTERM or SIGINT.

    The application is loaded once, here, before the workers are forked (``preload_app``), so
    they start at once and share its memory; no database connection may be open then, or the
    workers would share its socket.
    """
    from django.db import connections
    from gunicorn.app.base import BaseApplication
    from gunicorn.arbiter import Arbiter

    wsgi = behind_proxy(application, trust)
    settings = {
        "bind": [bind_address(host, port)],
        "workers": workers,
        "worker_class": "sync",
        "preload_app": True,
        "timeout": REQUEST_TIMEOUT,
        "graceful_timeout": GRACEFUL_SECONDS,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "palermo",
        # No control socket: its default path is shared by every gunicorn of the user, so two
        # sites (or a test and a site) on one machine would take each other's.
        "control_socket_disable": True,
        **gunicorn_trust_settings(trust),
    }

    def when_ready(arbiter):
        if job_worker is not None:
            job_worker.start()
        on_ready()

    class Server(BaseApplication):
        def load_config(self):
            for key, value in settings.items():
                self.cfg.set(key, value)
            self.cfg.set("when_ready", when_ready)

        def load(self):
            return wsgi

    class Master(Arbiter):
        def manage_workers(self):
            super().manage_workers()
            if job_worker is not None:
                job_worker.keep_running()

        def stop(self, graceful=True):
            # The job worker finishes its job while the web workers finish their requests.
            if job_worker is not None:
                job_worker.ask_to_stop()
            super().stop(graceful)

    connections.close_all()
    try:
        Master(Server()).run()
    finally:
        if job_worker is not None:
            job_worker.stop()
