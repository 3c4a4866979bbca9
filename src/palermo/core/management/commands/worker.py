from django.core.management import call_command
from django.core.management.base import BaseCommand

from palermo.platform.jobs import recover_on_start, start_recovery_sweeps, worker_name
from palermo.platform.schedule import start_scheduler


class Command(BaseCommand):
    help = (
        "Work background jobs (imports, reports) queued by the web site. Run one or more. "
        "On start, and then regularly, jobs left running by a stopped worker (silent for "
        "PALERMO_JOB_STALE_SECONDS) are marked failed, or queued again when they are safe to "
        "repeat. The daily tasks (reminders, purges) run from it too."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Stop when the queue is empty.")

    def handle(self, *args, **options):
        name = worker_name().replace(":", "-")[:64]
        counts = recover_on_start()
        if not options["batch"]:
            start_recovery_sweeps()  # a daemon thread: it ends with this process
            start_scheduler()  # the daily tasks, in another
        if any(counts.values()):
            self.stdout.write(
                "Jobs left by a stopped worker: {requeued} queued again, {failed} failed, "
                "{cancelled} cancelled.".format(**counts)
            )
        # Never the autoreloader: a reloading parent would leave its child running a job.
        call_command(
            "db_worker",
            batch=options["batch"],
            interval=1,
            reload=False,
            worker_id=name,
            verbosity=options["verbosity"],
        )
