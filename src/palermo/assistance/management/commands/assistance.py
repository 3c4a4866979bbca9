"""``palermo assistance report|iati-export|iati-import``: the periodic report and IATI files
from the command line, through the same code as the pages.

``palermo assistance report --from DATE --to DATE --format docx|pdf -o FILE [--report ID]
[--as USER] [--json]`` writes the report over the period (with the narratives of the saved
report ``ID``, whose period is used when --from/--to are not given); without ``--as`` it is the
Secretariat's report (the system actor sees everything). ``palermo assistance iati-export -o
FILE.xml [--as USER] [--json]`` (without ``--as``: what the public sees) and ``palermo assistance iati-import FILE.xml [--as USER]
[--json]``. With ``--json`` each prints one JSON object describing what it did
(docs/user/assistance.md).
"""

import json
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from palermo.core.management.commands._base import acting_user, refused_as_error
from palermo.platform.audit import surface
from palermo.platform.choices import Surface


def _day(text):
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise CommandError(f"“{text}” is not a date (use YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = (
        "Technical assistance. "
        "palermo assistance report --from YYYY-MM-DD --to YYYY-MM-DD --format docx|pdf -o FILE "
        "[--report ID] [--as USER] [--json]; "
        "palermo assistance iati-export -o FILE.xml [--as USER] [--json]; "
        "palermo assistance iati-import FILE.xml [--as USER] [--json]"
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        rep = actions.add_parser("report", help="Write the periodic report (DOCX or PDF).")
        rep.add_argument("--from", dest="date_from", help="First day (YYYY-MM-DD).")
        rep.add_argument("--to", dest="date_to", help="Last day (YYYY-MM-DD).")
        rep.add_argument(
            "--format", choices=["docx", "pdf"], help="Default: from the file's suffix."
        )
        rep.add_argument("-o", "--output", required=True, help="File to write.")
        rep.add_argument(
            "--report", type=int, help="A saved report: its narratives (and its period)."
        )
        rep.add_argument("--as", dest="user", help="What this user may see (default: everything).")
        rep.add_argument("--json", action="store_true", help="Print a JSON summary.")

        exp = actions.add_parser("iati-export", help="Export programmes and activities as IATI.")
        exp.add_argument("-o", "--output", required=True, help="The .xml file to write.")
        exp.add_argument(
            "--as",
            dest="user",
            help="Export what this user may see (default: the public, published work only).",
        )
        exp.add_argument("--json", action="store_true", help="Print a JSON summary.")

        imp = actions.add_parser("iati-import", help="Import a partner's IATI activity file.")
        imp.add_argument("file", help="The IATI activity XML file.")
        imp.add_argument("--as", dest="user", help="Who imports (default: the system actor).")
        imp.add_argument("--json", action="store_true", help="Print a JSON summary.")

    def handle(self, *args, **options):
        action = options["action"].replace("-", "_")
        with refused_as_error():
            return getattr(self, f"do_{action}")(options)

    def _print(self, options, summary: dict, sentence: str):
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=2, default=str))
        else:
            self.stdout.write(sentence)

    def do_report(self, options):
        from palermo.assistance import report
        from palermo.assistance.models import Report

        output = Path(options["output"])
        fmt = options["format"] or output.suffix.lower().lstrip(".")
        if fmt not in ("docx", "pdf"):
            raise CommandError("Give --format docx or pdf (or a file ending in .docx or .pdf).")
        user = acting_user(options["user"])
        saved = None
        if options["report"] is not None:
            saved = Report.objects.restrict(user).filter(pk=options["report"]).first()
            if saved is None:
                raise CommandError(f"No report {options['report']}.")
        date_from = _day(options["date_from"]) if options["date_from"] else None
        date_to = _day(options["date_to"]) if options["date_to"] else None
        if saved:
            date_from, date_to = date_from or saved.date_from, date_to or saved.date_to
        if date_from is None or date_to is None:
            raise CommandError("Give the period: --from YYYY-MM-DD --to YYYY-MM-DD.")
        if date_to < date_from:
            raise CommandError(f"The period ends ({date_to}) before it starts ({date_from}).")
        if not output.parent.is_dir():
            raise CommandError(f"No folder {output.parent} to write {output.name} in.")
        with surface(Surface.CLI, "palermo assistance report"):
            try:
                data = report.build(
                    user,
                    date_from,
                    date_to,
                    saved.narratives if saved else None,
                    saved.title if saved else "",
                )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
            report.write(data, output, fmt)
        summary = {
            "file": str(output),
            "format": fmt,
            "bytes": output.stat().st_size,
            "report": saved.pk if saved else None,
            "as": getattr(user, "username", "") or None,
            **report.as_dict(data),
        }
        self._print(
            options,
            summary,
            f"Wrote the report {date_from} to {date_to} ({len(data.sections)} sections, "
            f"{data.counts['activities']} activities) to {output}",
        )

    def do_iati_export(self, options):
        from palermo.assistance import iati

        user = acting_user(options["user"], anonymous=True)
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"No folder {output.parent} to write {output.name} in.")
        with surface(Surface.CLI, "palermo assistance iati-export"):
            try:
                result = iati.export_xml(user, output)
            except iati.IatiError as exc:
                raise CommandError(str(exc), returncode=1) from None
        result = {"file": str(output), **(result or {})}
        self._print(options, result, f"Wrote {output}: {_counts(result)}")

    def do_iati_import(self, options):
        from palermo.assistance import iati

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        user = acting_user(options["user"])
        with surface(Surface.CLI, "palermo assistance iati-import"):
            try:
                result = iati.import_file(path, user)
            except iati.IatiError as exc:
                if options["json"]:
                    self.stdout.write(
                        json.dumps({"file": str(path), "errors": exc.errors}, indent=2)
                    )
                raise CommandError(str(exc), returncode=1) from None
        result = {"file": str(path), **(result or {})}
        self._print(options, result, f"Imported {path}: {_counts(result)}")


def _counts(result: dict) -> str:
    parts = [
        f"{k} {v}" for k, v in result.items() if isinstance(v, int) and not isinstance(v, bool)
    ]
    return ", ".join(parts) or "done"
