"""`palermo serve` in production mode behind a real TLS-terminating proxy, over real sockets.

A fresh site (its own data directory, SQLite, migrated, static files collected) is served in a
subprocess on a free loopback port, once by each server `palermo serve` can start: gunicorn
(the default where processes fork) and Waitress (`--single`). The guarantees are the same for
both. In front runs a small reverse proxy written here, like nginx's ``proxy_pass`` with
``X-Forwarded-Proto https`` and ``$proxy_add_x_forwarded_for``: it connects to the server from
127.0.0.2, the address Palermo is told to trust. Requests made straight to the server come
from 127.0.0.1, an untrusted client. Every wait is bounded and both servers are stopped
whatever happens.
"""

import http.client
import os
import re
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest

HOST = "palermo.test"
PROXY_ADDRESS = "127.0.0.2"  # where the proxy connects from; Linux routes all of 127/8 locally
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
}
TIMEOUT = 20
# The servers `palermo serve` chooses between, and the options that choose each.
SERVERS = {"gunicorn": [], "waitress": ["--single"]}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(data_dir, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PALERMO_", "DJANGO_"))}
    env.update(
        PALERMO_PRODUCTION="1",
        PALERMO_SECRET_KEY=secrets.token_urlsafe(50),
        PALERMO_ALLOWED_HOSTS=HOST,
        PALERMO_DATA_DIR=str(data_dir),
        PALERMO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PALERMO_TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
        **extra,
    )
    return env


def palermo(*args) -> list[str]:
    return [sys.executable, "-m", "palermo.cli", *args]


class Forwarder(BaseHTTPRequestHandler):
    """A reverse proxy that has terminated TLS: forwards to Palermo and says so."""

    upstream: tuple[str, int]

    def forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        upstream = http.client.HTTPConnection(
            *self.upstream, timeout=TIMEOUT, source_address=(PROXY_ADDRESS, 0)
        )
        upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        for name, value in self.headers.items():
            if name.lower() not in HOP_BY_HOP | {"x-forwarded-for", "x-forwarded-proto"}:
                upstream.putheader(name, value)
        chain = [self.headers.get("X-Forwarded-For"), self.client_address[0]]
        upstream.putheader("X-Forwarded-For", ", ".join(filter(None, chain)))
        upstream.putheader("X-Forwarded-Proto", "https")
        if body is not None:
            upstream.putheader("Content-Length", str(len(body)))
        upstream.endheaders(body)
        response = upstream.getresponse()
        data = response.read()
        upstream.close()
        self.send_response_only(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_HEAD = forward

    def log_message(self, *args):
        pass


def wait_for_port(port: int, process: subprocess.Popen, log) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"palermo serve exited with {process.returncode}: {log.read_text()}")
        with socket.socket() as sock:
            sock.settimeout(1)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    pytest.fail(f"palermo serve did not listen on {port} within {TIMEOUT} s: {log.read_text()}")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, as systemd stops it; gunicorn then lets its workers finish (seconds on a busy
    machine) before it exits."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=45)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


_prepared = {}


def prepared_site(tmp_path_factory, name: str):
    """A new data directory holding a migrated site with its static files collected, copied
    from one prepared once per test run (migrating takes seconds; copying, none)."""
    if "template" not in _prepared:
        template = tmp_path_factory.mktemp("palermo-prepared")
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
            done = subprocess.run(
                palermo(*command),
                env=production_env(template),
                capture_output=True,
                text=True,
                timeout=180,
            )
            assert done.returncode == 0, done.stderr
        _prepared["template"] = template
    data_dir = tmp_path_factory.mktemp(name) / "site"
    shutil.copytree(_prepared["template"], data_dir)
    return data_dir


def start_serve(data_dir, *args, env=None, **popen):
    """`palermo serve` on a free port, its output in ``serve.log``; returns (process, port)."""
    port = free_port()
    log = data_dir / "serve.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            palermo("serve", "--host", "127.0.0.1", "--port", str(port), *args),
            env=env or production_env(data_dir, PALERMO_TRUSTED_PROXY=PROXY_ADDRESS),
            stdout=out,
            stderr=subprocess.STDOUT,
            **popen,
        )
    try:
        wait_for_port(port, process, log)
    except BaseException:
        stop(process)
        raise
    return process, port


@pytest.fixture(scope="module", params=sorted(SERVERS))
def site(request, tmp_path_factory):
    data_dir = prepared_site(tmp_path_factory, f"palermo-production-{request.param}")
    server, port = start_serve(data_dir, "--no-worker", *SERVERS[request.param])
    proxy = None
    try:
        handler = type("ToPalermo", (Forwarder,), {"upstream": ("127.0.0.1", port)})
        proxy = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        proxy.daemon_threads = True
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        yield SimpleNamespace(
            app_port=port,
            proxy_port=proxy.server_address[1],
            data_dir=data_dir,
            log=data_dir / "serve.log",
            server=request.param,
        )
    finally:
        if proxy is not None:
            proxy.shutdown()
            proxy.server_close()
        stop(server)


def wait_for_output(log, text: str) -> str:
    """The server's output once it contains ``text`` (bounded wait: gunicorn prints its line
    just after it starts listening)."""
    deadline = time.monotonic() + TIMEOUT
    while text not in (output := log.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return output


def test_each_server_says_what_it_started(site):
    banner = {"gunicorn": " with gunicorn, ", "waitress": " with Waitress, 1 process"}
    assert banner[site.server] in wait_for_output(site.log, banner[site.server])


def request(port, method, path, headers=None, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
        response = connection.getresponse()
        return SimpleNamespace(
            status=response.status,
            headers=response.headers,
            text=response.read().decode("utf-8", "replace"),
        )
    finally:
        connection.close()


def cookies_of(response) -> SimpleCookie:
    jar = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return jar


def form_post(site, path, data, page="/accounts/login/"):
    """GET a page through the proxy, then POST one of its forms to ``path`` with the CSRF
    token, as a browser on https://palermo.test would."""
    page = request(site.proxy_port, "GET", page)
    assert page.status == 200, page.text[:500]
    csrf = cookies_of(page)["csrftoken"].value
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return request(
        site.proxy_port,
        "POST",
        path,
        headers={
            "Cookie": f"csrftoken={csrf}",
            "Origin": f"https://{HOST}",
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Forwarded-For": "203.0.113.99",  # forged by the client; the proxy appends
        },
        body=urlencode({**data, "csrfmiddlewaretoken": token}),
    )


def test_pages_through_the_trusted_proxy_are_served_as_https(site):
    response = request(site.proxy_port, "GET", "/")
    assert response.status == 200, (response.status, response.headers.get("Location"))
    assert "Transnational Organized Crime" in response.text
    # Django saw HTTPS: it sends HSTS and marks its cookies Secure.
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert cookies_of(response)["csrftoken"]["secure"] is True
    assert request(site.proxy_port, "GET", "/accounts/login/").status == 200


def test_static_files_are_served_compressed_and_cached_for_good(site):
    """WhiteNoise, after collectstatic in production: file names carry a hash of the content,
    so a browser may keep them forever; text files are sent compressed."""
    page = request(site.proxy_port, "GET", "/")
    stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page.text).group(1)
    response = request(site.proxy_port, "GET", stylesheet, headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Content-Type"].startswith("text/css")
    cache = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert {"max-age=315360000", "immutable"} <= cache
    plain = request(site.proxy_port, "GET", stylesheet)
    assert plain.status == 200 and "Content-Encoding" not in plain.headers
    assert len(plain.text) > 0


def test_a_direct_request_forging_https_is_not_believed(site):
    response = request(
        site.app_port,
        "GET",
        "/",
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"},
    )
    assert response.status == 301
    assert response.headers["Location"] == f"https://{HOST}/"
    assert "Strict-Transport-Security" not in response.headers


def test_sign_in_failures_through_the_proxy_count_against_the_real_client_address(site):
    answers = [
        form_post(site, "/accounts/login/", {"username": "nobody", "password": f"guess-{n}"})
        for n in range(5)
    ]
    assert [a.status for a in answers] == [200, 200, 200, 200, 429]
    assert "correct username and password" in answers[0].text
    assert "Signing in is paused" in answers[-1].text
    with sqlite3.connect(site.data_dir / "palermo.sqlite3", timeout=TIMEOUT) as db:
        addresses = {row[0] for row in db.execute("SELECT ip_address FROM axes_accessattempt")}
    # The client seen by the proxy; neither the proxy itself nor the address the client forged.
    assert addresses == {"127.0.0.1"}


def test_the_language_cookie_is_secure_lax_and_http_only_in_production(site):
    response = form_post(site, "/i18n/setlang/", {"language": "fr", "next": "/"}, page="/")
    assert response.status == 302, response.text[:500]
    cookie = cookies_of(response)["django_language"]
    assert cookie.value == "fr"
    assert cookie["secure"] is True and cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def refused_serve(tmp_path, *args, **env):
    return subprocess.run(
        palermo("serve", "--no-worker", "--port", str(free_port()), *args),
        env=production_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_serve_without_a_trusted_proxy_refuses_to_start(tmp_path):
    result = refused_serve(tmp_path)
    assert result.returncode != 0
    assert "--trusted-proxy" in result.stderr and "redirect to itself" in result.stderr


def test_serve_refuses_to_trust_everyone_or_a_name(tmp_path):
    result = refused_serve(tmp_path, "--trusted-proxy", "*")
    assert result.returncode != 0 and "any client claim HTTPS" in result.stderr
    result = refused_serve(tmp_path, "--trusted-proxy", "proxy.example")
    assert result.returncode != 0 and "must be an IP address" in result.stderr
    result = refused_serve(tmp_path, "--trusted-proxy", "127.0.0.2", "--trusted-proxy-headers", "x")
    assert result.returncode != 0 and "Unknown proxy header(s) x" in result.stderr
