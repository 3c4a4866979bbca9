from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from palermo.core import server
from palermo.platform.jobs import start_embedded_worker
from palermo.settings import env_int


class Command(BaseCommand):
    help = (
        "Serve Palermo. Where processes can fork (Linux, macOS) and gunicorn is installed: "
        "gunicorn with one worker process per core plus one, and a `palermo worker` process "
        "for background jobs, started and stopped with it. With --single, on Windows or "
        "without gunicorn: Waitress in one process, with background jobs in a thread of it. "
        "In production, put it behind a TLS-terminating proxy and name the proxy's address "
        "with --trusted-proxy (or PALERMO_TRUSTED_PROXY)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--single",
            action="store_true",
            help="One process (Waitress): a demo or a laptop.",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            metavar="N",
            help="gunicorn worker processes (default: PALERMO_WEB_WORKERS, else the number of "
            "cores plus one).",
        )
        parser.add_argument(
            "--threads", type=int, default=8, help="Waitress's threads (with --single)."
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not work background jobs here (run `palermo worker` instead).",
        )
        parser.add_argument(
            "--trusted-proxy",
            default=settings.PALERMO_TRUSTED_PROXY,
            metavar="ADDRESS",
            help="The IP address of the TLS-terminating proxy in front (default: "
            "PALERMO_TRUSTED_PROXY, else none). Its forwarded headers are believed; every "
            "other client's are deleted.",
        )
        parser.add_argument(
            "--trusted-proxy-headers",
            default=",".join(settings.PALERMO_TRUSTED_PROXY_HEADERS),
            metavar="HEADERS",
            help="Comma-separated headers believed from the proxy (default: "
            "PALERMO_TRUSTED_PROXY_HEADERS, else x-forwarded-proto,x-forwarded-for).",
        )

    def handle(self, *args, **options):
        from palermo.wsgi import application

        trust = server.proxy_trust(
            options["trusted_proxy"], options["trusted_proxy_headers"].split(",")
        )
        if settings.SECURE_SSL_REDIRECT and not trust.address:
            # Both servers speak plain HTTP: without a proxy they believe, every request looks
            # like HTTP and would be redirected to HTTPS, forever.
            raise CommandError(
                "Production redirects every HTTP request to HTTPS, but `palermo serve` only "
                "speaks HTTP: put a TLS-terminating proxy in front and give its address with "
                "--trusted-proxy or PALERMO_TRUSTED_PROXY (e.g. 127.0.0.1), so that its "
                "X-Forwarded-Proto is believed. Without one every page would redirect to itself."
            )
        jobs = (
            not options["no_worker"] and "django_tasks_db" in settings.TASKS["default"]["BACKEND"]
        )
        url = f"http://{options['host']}:{options['port']}/"
        why_not = "--single was given" if options["single"] else server.gunicorn_missing_reason()

        if why_not is None:
            workers = options["workers"]
            if workers is None:
                try:
                    workers = env_int("PALERMO_WEB_WORKERS", server.default_web_workers(), 1)
                except ImproperlyConfigured as error:
                    raise CommandError(str(error)) from None
            if workers < 1:
                raise CommandError("--workers must be at least 1.")
            background = "background jobs in 1 worker process" if jobs else "no background jobs"

            def ready():
                self.announce(
                    f"Serving {url} with gunicorn, {workers} worker process"
                    f"{'es' if workers != 1 else ''}; {background}",
                    trust,
                )

            server.run_gunicorn(
                application,
                host=options["host"],
                port=options["port"],
                workers=workers,
                trust=trust,
                job_worker=server.JobWorker() if jobs else None,
                on_ready=ready,
            )
            return

        from waitress import serve

        if jobs:
            start_embedded_worker()
        background = "background jobs in a thread of it" if jobs else "no background jobs"
        self.announce(
            f"Serving {url} with Waitress, 1 process of {options['threads']} threads; {background}",
            trust,
            note=None if options["single"] else f"Not gunicorn: {why_not}.",
        )
        serve(
            application,
            host=options["host"],
            port=options["port"],
            threads=options["threads"],
            **server.waitress_options(trust),
        )

    def announce(self, line: str, trust: server.ProxyTrust, note: str | None = None) -> None:
        """Say what started, in one line, then why not gunicorn and whom it trusts (English, as
        every command's output); flushed, as the server then holds the process."""
        self.stdout.write(self.style.SUCCESS(line) + "  (Ctrl+C to stop)")
        if note:
            self.stdout.write(note)
        if trust.address:
            self.stdout.write(
                f"Trusting {', '.join(sorted(trust.headers))} from {trust.address} only."
            )
        self.stdout.flush()
