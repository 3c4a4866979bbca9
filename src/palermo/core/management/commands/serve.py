import ipaddress

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from palermo.platform.jobs import start_embedded_worker


def trusted_proxy_options(address: str | None, headers: list[str]) -> dict:
    """Waitress's options for a TLS-terminating proxy at ``address``.

    From that one address Waitress believes the forwarded ``headers``: X-Forwarded-Proto makes
    the request HTTPS (so production's redirect to HTTPS, secure cookies and HSTS work), and
    X-Forwarded-For gives the client's address (so sign-in throttling and the audit trail see
    the person, not the proxy; with one proxy, the last address it appended). From every other
    client those headers are deleted before Django sees them, so nobody can claim HTTPS or
    another address by writing them.
    """
    options = {"clear_untrusted_proxy_headers": True}
    if not address:
        return options
    if address == "*":
        raise CommandError(
            "A trusted proxy of '*' would let any client claim HTTPS and any address: give the "
            "one address the proxy connects from."
        )
    try:
        ipaddress.ip_address(address)
    except ValueError:
        raise CommandError(f"The trusted proxy must be an IP address, not “{address}”.") from None
    from waitress.adjustments import KNOWN_PROXY_HEADERS

    wanted = {h.strip().lower() for h in headers if h.strip()}
    if unknown := wanted - KNOWN_PROXY_HEADERS:
        raise CommandError(
            f"Unknown proxy header(s) {', '.join(sorted(unknown))}; Waitress knows "
            f"{', '.join(sorted(KNOWN_PROXY_HEADERS))}."
        )
    if not wanted:
        raise CommandError("Name the headers to believe from the proxy (--trusted-proxy-headers).")
    options.update(
        trusted_proxy=address, trusted_proxy_count=1, trusted_proxy_headers=sorted(wanted)
    )
    return options


class Command(BaseCommand):
    help = (
        "Serve Palermo with the Waitress WSGI server, with a background-job worker in the "
        "same process (no other server to run). In production, put it behind a "
        "TLS-terminating proxy and name the proxy's address with --trusted-proxy "
        "(or PALERMO_TRUSTED_PROXY)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
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
        from waitress import serve

        from palermo.wsgi import application

        proxy = trusted_proxy_options(
            options["trusted_proxy"], options["trusted_proxy_headers"].split(",")
        )
        if settings.SECURE_SSL_REDIRECT and "trusted_proxy" not in proxy:
            # Waitress speaks plain HTTP: without a proxy it believes, every request looks like
            # HTTP and would be redirected to HTTPS, forever.
            raise CommandError(
                "Production redirects every HTTP request to HTTPS, but Waitress only speaks "
                "HTTP: put a TLS-terminating proxy in front and give its address with "
                "--trusted-proxy or PALERMO_TRUSTED_PROXY (e.g. 127.0.0.1), so that Waitress "
                "believes its X-Forwarded-Proto. Without one every page would redirect to itself."
            )
        if not options["no_worker"] and "django_tasks_db" in settings.TASKS["default"]["BACKEND"]:
            start_embedded_worker()
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(self.style.SUCCESS(f"Palermo is running at {url}  (Ctrl+C to stop)"))
        if "trusted_proxy" in proxy:
            self.stdout.write(
                f"Trusting {', '.join(proxy['trusted_proxy_headers'])} from "
                f"{proxy['trusted_proxy']} only."
            )
        serve(
            application,
            host=options["host"],
            port=options["port"],
            threads=options["threads"],
            **proxy,
        )
