from django.core.management.base import BaseCommand

from palermo.platform.jobs import Progress
from palermo.platform.registry import REFERENCE_LOADERS

from ._base import progress_bar


class Command(BaseCommand):
    help = (
        "Load the reference data shipped with Palermo (every module's: M49 regions, UN "
        "regional groups, participants, the instruments and their texts, the known treaty "
        "actions …). Safe to repeat."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, **options):
        with progress_bar(not options["quiet_progress"]) as callback:
            progress = Progress(callback=callback)
            results = [loader.load(progress) for loader in REFERENCE_LOADERS]
        self.stdout.write(
            self.style.SUCCESS("Loaded " + "; ".join(summary for summary, _notes in results) + ".")
        )
        for _summary, notes in results:
            for line in notes:
                self.stdout.write(f"  note: {line}")
