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
        from palermo.core.demo import DEMO_PASSWORD, load_demo_users
        from palermo.treaties.demo import load_demo

        with transaction.atomic():
            users = load_demo_users()
            load_demo()
        url = f"http://127.0.0.1:{options['port']}/"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Palermo demo ready: {url}"))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}) — fictional users:")
        for username, role, state in users:
            self.stdout.write(f"  {username:<14} {role}{f' ({state})' if state else ''}")
        if not options["no_serve"]:
            call_command("serve", port=options["port"])
