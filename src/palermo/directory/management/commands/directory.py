"""``palermo directory import|export|remind``: the Directory from the command line, through the
same importer, rows, policy and services as the pages and the API."""

import json
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from palermo.core.management.commands._base import (
    acting_user,
    import_file,
    refused_as_error,
)
from palermo.platform.audit import record_reads, surface
from palermo.platform.choices import Surface
from palermo.platform.exports import SafeTableExport
from palermo.platform.policies import policy_for

from ... import edition, services
from ...api import entry_out
from ...exports import entries
from ...importers import DirectoryImporter
from ...models import Authority


def _day(text):
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"“{text}” is not a date (use YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = (
        "The Directory of competent authorities. "
        "palermo directory import FILE [--dry-run] [--as USER] [--json]; "
        "palermo directory export [--format csv|xlsx|pdf|json] [-o FILE] [--area CODE] "
        "[--state ISO3] [--stale] [--by area|state] [--as USER]; "
        "palermo directory remind [--today YYYY-MM-DD] [--dry-run] [--json]"
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        imp = commands.add_parser(
            "import", help="Import entries from CSV, XLSX or JSON (all or nothing)."
        )
        imp.add_argument("file", help="Path of the file to import.")
        imp.add_argument("--dry-run", action="store_true", help="Check every row, write nothing.")
        imp.add_argument("--as", dest="user", help="Author recorded (default: the system actor).")
        imp.add_argument("--json", action="store_true", help="Print the import report as JSON.")

        exp = commands.add_parser("export", help="Export what a user may see of the Directory.")
        exp.add_argument("-o", "--output", help="File to write (default: standard output).")
        exp.add_argument(
            "--format",
            choices=["csv", "xlsx", "pdf", "json"],
            help="Default: from the file's suffix, else CSV.",
        )
        exp.add_argument("--area", help="Only this area (code, e.g. mla).")
        exp.add_argument("--state", help="Only this State (ISO 3166 alpha-3).")
        exp.add_argument("--stale", action="store_true", help="Only entries to confirm.")
        exp.add_argument("--by", choices=["area", "state"], default="area", help="PDF grouping.")
        exp.add_argument(
            "--as", dest="user", help="Export what this user may see (default: the public)."
        )
        exp.add_argument("--json", action="store_true", help="Same as --format json.")

        rem = commands.add_parser(
            "remind",
            help="Remind States and the Secretariat of entries not confirmed for 12 months.",
        )
        rem.add_argument("--today", help="The day to count from (YYYY-MM-DD; default today).")
        rem.add_argument("--dry-run", action="store_true", help="List, notify nobody.")
        rem.add_argument("--as", dest="user", help="Who sends them (default: the system actor).")
        rem.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args, **options):
        return getattr(self, f"do_{options['action']}")(options)

    def do_import(self, options):
        import_file(self, DirectoryImporter.name, options, label="palermo directory import")

    def do_export(self, options):
        output = options["output"]
        fmt = "json" if options["json"] else options["format"]
        if not fmt:
            suffix = output.rsplit(".", 1)[-1].lower() if output and "." in output else "csv"
            fmt = suffix if suffix in ("csv", "xlsx", "pdf", "json") else "csv"
        if fmt in ("xlsx", "pdf") and not output:
            raise CommandError(f"{fmt.upper()} needs a file: add -o FILE.{fmt}.")
        user = acting_user(options["user"], anonymous=True)
        rows = policy_for(Authority).queryset(user, "view", entries(options))
        with surface(Surface.EXPORT, "palermo directory export"):
            if fmt in ("csv", "xlsx"):
                from palermo.platform.exports import EXPORTS

                data = SafeTableExport(fmt, EXPORTS["directory"].table(options, user)).export()
            elif fmt == "pdf":
                if not edition.pdf_available():
                    raise CommandError(
                        "PDF needs the fpdf2 library, which is not installed; export CSV or XLSX."
                    )
                data = edition.render_pdf(list(rows), user=user, by=options["by"])
            else:
                hidden = policy_for(Authority).hidden_fields(user)
                items = [{k: v for k, v in entry_out(e).items() if k not in hidden} for e in rows]
                record_reads(user, list(rows), model=Authority)
                data = json.dumps(
                    {"count": len(items), "entries": items},
                    default=str,
                    indent=2,
                    ensure_ascii=False,
                )
        if output:
            binary = isinstance(data, bytes | bytearray)
            with open(
                output,
                "wb" if binary else "w",
                **({} if binary else {"encoding": "utf-8", "newline": ""}),
            ) as out:
                out.write(data)
            self.stdout.write(f"Wrote {output}")
        else:
            sys.stdout.write(data if isinstance(data, str) else data.decode())

    def do_remind(self, options):
        today = _day(options["today"]) if options["today"] else None
        with refused_as_error(), surface(Surface.CLI, "palermo directory remind"):
            report = services.send_reminders(
                acting_user=acting_user(options["user"]), today=today, dry_run=options["dry_run"]
            )
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
            return
        for state in report["states"]:
            self.stdout.write(
                f"{state['state']}: {len(state['entries'])} entries to confirm; "
                f"notified {state['notified']} ({', '.join(state['recipients'])})"
            )
        self.stdout.write(
            f"{report['entries']} entries of {len(report['states'])} States reminded"
            + (" (dry run: nobody notified)" if report["dry_run"] else "")
        )
