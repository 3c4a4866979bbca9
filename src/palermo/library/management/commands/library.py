"""``palermo library import|export``: Library records in their JSON format (or CSV).

``palermo library import FILE [--as USER] [--dry-run] [--json]`` imports all or nothing (the
``library`` importer: the same checks and report as the import page and ``palermo import
library``). ``palermo library export [--kind K] [--format jsonl|csv] [--as USER]
[--output FILE] [--status S|all] [--state CODE] [--json]`` writes the records USER may see —
without ``--as``, what the public sees: published records only. With ``--json`` each command
prints one JSON object describing what it did (docs/user/library.md).
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from palermo.core.management.commands._base import (
    acting_user,
    import_file,
)
from palermo.platform.audit import surface
from palermo.platform.choices import Surface

from ... import exports
from ...choices import RecordKind, RecordStatus


class Command(BaseCommand):
    help = (
        "Import or export Library records (the Library's JSON format, JSON lines, or CSV). "
        "Examples: palermo library import laws.jsonl --as focal-point; "
        "palermo library export --format csv --output library.csv"
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        importing = actions.add_parser("import", help="Import a file of records, all or nothing.")
        importing.add_argument("file", help="A .jsonl, .json or .csv file of records.")
        importing.add_argument("--as", dest="user", help="Who imports (default: the system actor).")
        importing.add_argument("--dry-run", action="store_true", help="Check, write nothing.")
        importing.add_argument("--json", action="store_true", help="Print the report as JSON.")

        exporting = actions.add_parser("export", help="Export the records a user may see.")
        exporting.add_argument("--kind", choices=RecordKind.values, help="One kind of record.")
        exporting.add_argument("--format", choices=["jsonl", "csv"], default=None)
        exporting.add_argument(
            "--as", dest="user", help="Export what this user may see (default: the public)."
        )
        exporting.add_argument(
            "--status",
            choices=[*RecordStatus.values, "all"],
            default=None,
            help="Records of this status (default: published; “all”: every status USER sees).",
        )
        exporting.add_argument("--state", help="Records of one State (its code).")
        exporting.add_argument("-o", "--output", help="File to write (default: standard output).")
        exporting.add_argument(
            "--json", action="store_true", help="Print a JSON summary (needs --output)."
        )

    def handle(self, *args, **options):
        if options["action"] == "import":
            return self.import_file(options)
        return self.export(options)

    def import_file(self, options):
        import_file(self, "library", options, label="palermo library import")

    def export(self, options):
        output = options["output"]
        fmt = options["format"] or (
            "csv" if output and output.lower().endswith(".csv") else "jsonl"
        )
        if options["json"] and not output:
            raise CommandError("--json prints a summary: give the records a file with --output.")
        user = acting_user(options["user"], anonymous=True)
        filters = {"status": options["status"] or RecordStatus.PUBLISHED}
        if options["state"]:
            filters["state"] = options["state"].upper()
        with surface(Surface.CLI, "palermo library export"):
            records = exports.export_records(user, kind=options["kind"], filters=filters)
            if output:
                with open(output, "w", encoding="utf-8", newline="") as out:
                    count = exports.write(records, fmt, out)
            else:
                count = exports.write(records, fmt, sys.stdout)
        summary = {
            "file": output,
            "format": fmt,
            "kind": options["kind"],
            "status": filters["status"],
            "state": filters.get("state"),
            "as": getattr(user, "username", "") or None,
            "records": count,
        }
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=2))
        elif output:
            self.stdout.write(f"Wrote {count} records to {output}")
