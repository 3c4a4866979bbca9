import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from palermo.platform.audit import surface
from palermo.platform.choices import Surface
from palermo.platform.schedule import DAILY, last_runs, run_due


class Command(BaseCommand):
    help = (
        "The daily tasks the background worker runs (Directory reminders, the purge of old "
        "import files): list them with their last run, or `run` today's now (for a machine "
        "whose worker is not always on, from cron). A task runs once a day whoever runs it."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", choices=["list", "run"], default="list")
        parser.add_argument("--task", action="append", help="Only this task (repeatable).")
        parser.add_argument("--today", help="The day to run for (YYYY-MM-DD; default: today).")
        parser.add_argument("--json", action="store_true", help="Print JSON for scripts.")

    def handle(self, *args, **options):
        unknown = [t for t in options["task"] or [] if t not in DAILY]
        if unknown:
            raise CommandError(
                f"No daily task {unknown[0]!r}; the tasks are: {', '.join(sorted(DAILY))}."
            )
        if options["action"] == "run":
            try:
                today = date.fromisoformat(options["today"]) if options["today"] else None
            except ValueError as exc:
                raise CommandError(f"--today: {exc}") from None
            with surface(Surface.CLI, "palermo schedule run"):
                done = run_due(today, keys=options["task"])
            if options["json"]:
                self.stdout.write(json.dumps(done, indent=2, default=str))
                return
            for key, result in done.items():
                self.stdout.write(f"{key}: {result.get('error') or result.get('outcome')}")
            if not done:
                self.stdout.write("Nothing to run: every task has run today.")
            return
        rows = last_runs()
        if options["task"]:
            rows = [r for r in rows if r["task"] in options["task"]]
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        for row in rows:
            last = row["last_day"] or "never"
            state = f"failed: {row['error']}" if row["error"] else row["outcome"] or ""
            self.stdout.write(f"{row['task']} — {row['label']}: last run {last} {state}".rstrip())
