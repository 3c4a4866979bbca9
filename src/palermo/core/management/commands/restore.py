import json

from django.core.management.base import BaseCommand, CommandError

from palermo.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Replace the database and the uploaded files with those of a backup made by "
        "“palermo backup” (same database engine). Stop the server and workers first. "
        "Example: palermo restore palermo-backup-20250101-020000.tar.gz"
    )
    # The checks open the database, which on a fresh machine fails before the restore can
    # create its folder; a database-level restore does not depend on them.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup archive (.tar.gz).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that already holds data; without it, only an empty one.",
        )
        parser.add_argument("--json", action="store_true", help="Print a JSON summary.")

    def handle(self, *args, **options):
        try:
            result = restore_backup(options["file"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
        else:
            self.stdout.write(result.message)
            for note in result.notes:
                self.stdout.write(f"note: {note}")
