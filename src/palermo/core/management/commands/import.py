import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from palermo.core.imports import IMPORTERS, run_import
from palermo.core.jobs import Progress

from ._base import acting_user, progress_bar, refused_as_error


class Command(BaseCommand):
    help = (
        "Import a file, all or nothing. Example: palermo import treaty-actions status.html "
        "--instrument UNTOC"
    )

    def add_arguments(self, parser):
        parser.add_argument("importer", help="What the file holds: " + ", ".join(sorted(IMPORTERS)))
        parser.add_argument("file", help="Path of the file to import.")
        parser.add_argument("--instrument", help="Instrument code if the file does not name it.")
        parser.add_argument("--source", help="Where the file comes from (recorded with each row).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row, write nothing."
        )
        parser.add_argument("--as", dest="user", help="User name to record as the author.")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, **options):
        name = options["importer"].replace("_", "-")
        if name not in IMPORTERS:
            raise CommandError(
                f"Unknown importer “{name}”; choose one of: {', '.join(sorted(IMPORTERS))}."
            )
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        extra = {k: options[k] for k in ("instrument", "source") if options.get(k)}
        with progress_bar(not options["json"]) as callback, refused_as_error():
            report = run_import(
                name,
                path.name,
                path.read_bytes(),
                acting_user=acting_user(options["user"]),
                dry_run=options["dry_run"],
                progress=Progress(callback=callback),
                options=extra,
            )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), default=str, indent=2))
        else:
            for error in report.errors:
                self.stderr.write(f"error: {error}")
            for warning in report.warnings:
                self.stdout.write(f"note: {warning}")
            self.stdout.write(report.message)
        if not report.ok:
            raise CommandError("Nothing was imported.", returncode=1)
