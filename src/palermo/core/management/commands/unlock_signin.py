import ipaddress

from django.core.management.base import BaseCommand, CommandError

from ._base import acting_user, refused_as_error


class Command(BaseCommand):
    help = (
        "Lift the pause on signing in after too many failed attempts, for an account "
        "(palermo unlock-signin USER) and/or from an address (--address IP). "
        "The pause also ends by itself (PALERMO_SIGNIN_LOCK_MINUTES, 15 by default)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", default="", help="The account's user name.")
        parser.add_argument("--address", default="", help="The IP address signing in from.")
        parser.add_argument(
            "--as", dest="user", help="Record the unlocking as done by this Secretariat user."
        )

    def handle(self, *args, **options):
        from palermo.core import services

        username, address = options["username"].strip(), options["address"].strip()
        if not username and not address:
            raise CommandError("Name an account (USER) or an address (--address IP), or both.")
        if address:
            try:
                ipaddress.ip_address(address)
            except ValueError:
                raise CommandError(f"“{address}” is not an IP address.") from None
        with refused_as_error():
            cleared = services.unlock_signin(
                acting_user=acting_user(options["user"]), username=username, address=address
            )
        what = " and ".join(
            part
            for part in (username and f"account “{username}”", address and f"address {address}")
            if part
        )
        if cleared:
            self.stdout.write(
                self.style.SUCCESS(f"Unlocked {what}: {cleared} failure record(s) cleared.")
            )
        else:
            self.stdout.write(f"Nothing to unlock for {what}: no failed sign-ins recorded.")
