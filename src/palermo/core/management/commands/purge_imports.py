import json

from django.core.management.base import BaseCommand

from palermo.platform.imports import keep_days, purge_import_files


class Command(BaseCommand):
    help = (
        "Delete the uploaded files of imports whose keeping time is up "
        "(PALERMO_IMPORT_KEEP_DAYS). Each import job also does this when it starts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args, **options):
        deleted = purge_import_files()
        if options["json"]:
            self.stdout.write(json.dumps({"deleted": deleted, "keep_days": keep_days()}))
        else:
            self.stdout.write(f"{deleted} kept import file(s) deleted.")
