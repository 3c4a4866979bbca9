from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Prepare a demo site: migrate, load the reference data and the fictional demo "
        "content, print the demo logins, then serve on 127.0.0.1:8000."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Prepare only; do not serve.")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Refusing to load demo users with known passwords in production.")
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_reference", quiet_progress=False)
        from palermo.platform.jobs import Progress
        from palermo.platform.registry import DEMO_LOADERS

        with transaction.atomic():
            results = [loader.load(Progress()) for loader in DEMO_LOADERS]
        url = f"http://127.0.0.1:{options['port']}/"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Palermo demo ready: {url}"))
        self.stdout.write("Demo content (fictional): " + ", ".join(s for s, _n in results) + ".")
        for _summary, notes in results:
            for line in notes:
                self.stdout.write(line)
        if not options["no_serve"]:
            call_command("serve", port=options["port"], single=True)  # one process: a laptop
