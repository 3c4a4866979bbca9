import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django_tables2.export import TableExport

from palermo.core.exports import EXPORTS


class Command(BaseCommand):
    help = (
        "Export a table as CSV or XLSX, with the same columns as the page's download. "
        "Example: palermo export treaty-status --instrument TIP --on 2010-07-13 -o tip.xlsx"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "table", help="; ".join(f"{k}: {v[1]}" for k, v in sorted(EXPORTS.items()))
        )
        parser.add_argument(
            "-o", "--output", help="File to write (.csv or .xlsx); default: CSV to standard output."
        )
        parser.add_argument(
            "--format", choices=["csv", "xlsx"], help="Default: from the file name."
        )
        parser.add_argument("--instrument", default="UNTOC")
        parser.add_argument("--on", help="Date as YYYY-MM-DD (default today).")

    def handle(self, *args, **options):
        name = options["table"].replace("_", "-")
        if name not in EXPORTS:
            raise CommandError(
                f"Unknown table “{name}”; choose one of: {', '.join(sorted(EXPORTS))}."
            )
        if options["on"]:
            try:
                options["on"] = date.fromisoformat(options["on"])
            except ValueError:
                raise CommandError(
                    f"--on “{options['on']}” is not a date (use YYYY-MM-DD)."
                ) from None
        output = options["output"]
        fmt = options["format"] or (
            output.rsplit(".", 1)[-1].lower() if output and "." in output else "csv"
        )
        if fmt not in ("csv", "xlsx"):
            raise CommandError("Choose --format csv or xlsx.")
        if fmt == "xlsx" and not output:
            raise CommandError("XLSX needs a file: add -o FILE.xlsx.")
        table = EXPORTS[name][0](options)
        data = TableExport(fmt, table).export()
        if output:
            mode = "wb" if isinstance(data, bytes) else "w"
            with open(
                output, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})
            ) as out:
                out.write(data)
            self.stdout.write(f"Wrote {output}")
        else:
            sys.stdout.write(data)
