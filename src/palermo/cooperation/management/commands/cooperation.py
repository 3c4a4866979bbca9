"""``palermo cooperation check FILE.json``: the completeness rules on a request described as
JSON (docs/user/cooperation.md lists the fields and the rules).

The log's actions (``import``, ``export`` …) are in ``cooperation/cli_log.py`` and ``render`` in
``cooperation/cli_render.py``: each module has ``add_parsers(sub)`` and ``HANDLERS`` (action →
``handler(command, options)``)."""

import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from palermo.core.management.commands._base import acting_user

from ... import cli_log, cli_render, context, rules


class Command(BaseCommand):
    help = "International cooperation requests: check one against the Convention and the requested State."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser(
            "check",
            help="The completeness rules on a request described as JSON, each finding with "
            "its article; exit code 1 if the request cannot be finalised.",
        )
        check.add_argument("file", help="The request, as JSON (see docs/user/cooperation.md).")
        check.add_argument(
            "--on", help="The day to check on (YYYY-MM-DD; default: today): party status."
        )
        check.add_argument("--as", dest="user", help="Read the Directory as this user.")
        check.add_argument("--json", action="store_true", help="Print JSON for scripts.")
        cli_log.add_parsers(sub)
        cli_render.add_parsers(sub)

    def handle(self, *args, **options):
        action = options["action"]
        for module in (cli_log, cli_render):
            if action in module.HANDLERS:
                return module.HANDLERS[action](self, options)
        return getattr(self, f"do_{action}")(options)

    def do_check(self, options):
        path = Path(options["file"])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file.") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"{path}: not JSON ({exc}).") from None
        try:
            on = date.fromisoformat(options["on"]) if options["on"] else None
        except ValueError:
            raise CommandError(f"--on: {options['on']!r} is not a date (YYYY-MM-DD).") from None
        try:
            request = rules.read_request(data)
        except rules.RequestError as exc:
            raise CommandError(f"{path}: {exc}") from None
        if not request.requested_state:
            raise CommandError(f"{path}: requested_state: name the requested State (its code).")
        user = acting_user(options["user"], anonymous=True)
        try:
            requested = context.requested(request.requested_state, request.kind, user, on)
        except context.UnknownState:
            raise CommandError(
                f"{path}: requested_state: no State with the code {request.requested_state!r}."
            ) from None
        report = rules.check(request, requested)
        if options["json"]:
            self.stdout.write(
                json.dumps({"requested_state": requested.code, **report.as_dict()}, indent=2)
            )
        else:
            for finding in report.findings:
                mark = " (acknowledged)" if finding.acknowledged else ""
                self.stdout.write(f"{finding.severity:9} {finding.source}: {finding.message}{mark}")
            self.stdout.write(
                "The request can be finalised."
                if report.finalisable
                else f"{len(report.blocking)} finding(s) stop the request."
            )
        if not report.finalisable:
            raise SystemExit(1)
