import json
import time

from django.core.management.base import BaseCommand, CommandError

from palermo.platform.search import PROVIDERS, index_status, rebuild

from ._base import progress_bar


class Command(BaseCommand):
    help = (
        "The site search index. `rebuild` writes every provider's documents again from the "
        "database (all-or-nothing per provider), after a restore, a bulk load or a change of "
        "the indexed fields; `status` says how many documents each provider has. "
        "Example: palermo search-index rebuild --provider articles --json"
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        build = actions.add_parser("rebuild", help="Rebuild the index (default: every provider).")
        build.add_argument(
            "--provider",
            action="append",
            metavar="KEY",
            help=f"Only this provider (repeatable): {', '.join(sorted(PROVIDERS))}.",
        )
        build.add_argument("--json", action="store_true", help="Print a JSON summary.")
        build.add_argument("--quiet-progress", action="store_true", help="No progress bar.")
        status = actions.add_parser("status", help="Documents per provider.")
        status.add_argument("--json", action="store_true", help="Print JSON for scripts.")

    def handle(self, *args, **options):
        if options["action"] == "status":
            return self.status(options)
        keys = options["provider"] or None
        unknown = [k for k in keys or [] if k not in PROVIDERS]
        if unknown:
            raise CommandError(
                f"No search provider “{unknown[0]}”; choose from {', '.join(sorted(PROVIDERS))}."
            )
        started = time.monotonic()
        with progress_bar(not options["quiet_progress"]) as callback:
            counts = rebuild(keys, progress=callback)
        seconds = round(time.monotonic() - started, 2)
        if options["json"]:
            summary = {"providers": counts, "documents": sum(counts.values()), "seconds": seconds}
            self.stdout.write(json.dumps(summary, indent=2))
            return
        for key, count in counts.items():
            self.stdout.write(f"{key}: {count} documents")
        self.stdout.write(
            self.style.SUCCESS(f"Rebuilt the search index: {sum(counts.values())} documents.")
        )

    def status(self, options):
        rows = index_status()
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        for key, row in rows.items():
            self.stdout.write(f"{key}: {row['documents']} of {row['records']} records indexed")
