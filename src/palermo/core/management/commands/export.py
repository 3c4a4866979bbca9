import sys

from django.core.management.base import BaseCommand, CommandError

from palermo.platform.audit import surface
from palermo.platform.choices import Surface
from palermo.platform.exports import EXPORTS, SafeTableExport

from ._base import acting_user


class Command(BaseCommand):
    help = (
        "Export a table as CSV or XLSX, with the same columns as the page's download and what "
        "the user named with --as may see (without --as: what the public may see). "
        "Example: palermo export treaty-status --instrument TIP --on 2010-07-13 -o tip.xlsx"
    )

    def add_arguments(self, parser):
        tables = parser.add_subparsers(dest="table", required=True, metavar="TABLE", title="tables")
        for name, export in sorted(EXPORTS.items()):
            aliases = [name.replace("-", "_")] if "-" in name else []
            sub = tables.add_parser(
                name, aliases=aliases, help=export.help, description=export.help
            )
            sub.add_argument(
                "-o", "--output", help="File to write (.csv or .xlsx); default: CSV to stdout."
            )
            sub.add_argument("--format", choices=["csv", "xlsx"], help="Default: from the file.")
            sub.add_argument(
                "--as", dest="user", help="Export what this user may see (default: the public)."
            )
            if export.arguments:
                export.arguments(sub)

    def handle(self, *args, **options):
        export = EXPORTS[options["table"].replace("_", "-")]
        output = options["output"]
        fmt = options["format"] or (
            output.rsplit(".", 1)[-1].lower() if output and "." in output else "csv"
        )
        if fmt not in ("csv", "xlsx"):
            raise CommandError("Choose --format csv or xlsx.")
        if fmt == "xlsx" and not output:
            raise CommandError("XLSX needs a file: add -o FILE.xlsx.")
        user = acting_user(options["user"], anonymous=True)
        with surface(Surface.EXPORT, f"palermo export {export.name}"):
            table = export.table(options, user)
            data = SafeTableExport(fmt, table).export()
        if output:
            mode = "wb" if isinstance(data, bytes) else "w"
            with open(
                output, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})
            ) as out:
                out.write(data)
            self.stdout.write(f"Wrote {output}")
        else:
            sys.stdout.write(data)
