import json

from django.core.management.base import BaseCommand, CommandError

from palermo.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded files into one archive, safely while the site "
        "runs. Example: palermo backup /var/backups/palermo/"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "destination",
            nargs="?",
            help=(
                "Archive to write, or a folder to write it in; default: "
                "palermo-backup-YYYYmmdd-HHMMSS.tar.gz (UTC time) in the current folder."
            ),
        )
        parser.add_argument("--json", action="store_true", help="Print a JSON summary.")

    def handle(self, *args, **options):
        try:
            result = create_backup(options["destination"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
        else:
            self.stdout.write(result.message)
