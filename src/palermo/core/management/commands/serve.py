from django.conf import settings
from django.core.management.base import BaseCommand

from palermo.core.jobs import start_embedded_worker


class Command(BaseCommand):
    help = (
        "Serve Palermo with the Waitress WSGI server, with a background-job worker in the "
        "same process (no other server to run)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not work background jobs here (run `palermo worker` instead).",
        )

    def handle(self, *args, **options):
        from waitress import serve

        from palermo.wsgi import application

        if not options["no_worker"] and "django_tasks_db" in settings.TASKS["default"]["BACKEND"]:
            start_embedded_worker()
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(self.style.SUCCESS(f"Palermo is running at {url}  (Ctrl+C to stop)"))
        serve(application, host=options["host"], port=options["port"], threads=options["threads"])
