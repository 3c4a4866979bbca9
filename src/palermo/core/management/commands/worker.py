from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Work background jobs (imports, reports) queued by the web site. Run one or more."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Stop when the queue is empty.")

    def handle(self, *args, **options):
        call_command("db_worker", batch=options["batch"], interval=1)
