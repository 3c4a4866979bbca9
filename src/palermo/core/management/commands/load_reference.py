from django.core.management.base import BaseCommand

from palermo.core.jobs import Progress
from palermo.core.reference import load_reference_data

from ._base import progress_bar


class Command(BaseCommand):
    help = (
        "Load the reference data shipped with Palermo: M49 regions, UN regional groups, "
        "participants, the instruments and their texts, and the known treaty actions."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, **options):
        from palermo.treaties.reference import load_treaty_reference

        with progress_bar(not options["quiet_progress"]) as callback:
            progress = Progress(callback=callback)
            core = load_reference_data(progress)
            treaties = load_treaty_reference(progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {core['participants']} participants, {core['regions']} regions, "
                f"{core['groups']} UN regional groups, {treaties['instruments']} instruments with "
                f"{treaties['articles']} articles, and {treaties['actions']} treaty actions "
                f"(partial data: see the notes on the pages)."
            )
        )
        for line in treaties["warnings"]:
            self.stdout.write(f"  note: {line}")
