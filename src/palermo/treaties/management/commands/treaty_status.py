import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from palermo.core.models import Participant
from palermo.treaties.choices import Status
from palermo.treaties.models import Instrument
from palermo.treaties.queries import TreatyResults, status_rows


class Command(BaseCommand):
    help = (
        "Status of every participant towards an instrument on a date, with the counts. "
        "Example: palermo treaty-status --instrument UNTOC --on 2010-07-13"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--instrument", default="UNTOC", help="UNTOC, TIP, SOM or FIREARMS (default UNTOC)."
        )
        parser.add_argument("--on", help="Date as YYYY-MM-DD (default today).")
        parser.add_argument("--region", help="M49 region or sub-region code, e.g. 150 for Europe.")
        parser.add_argument(
            "--status",
            choices=[s.value for s in Status],
            help="Only participants with this status.",
        )
        parser.add_argument(
            "--all", action="store_true", help="List participants with no action too."
        )
        parser.add_argument("--json", action="store_true", help="Print JSON for scripts.")

    def handle(self, *args, **options):
        code = options["instrument"].upper()
        instrument = Instrument.objects.filter(code=code).first()
        if instrument is None:
            known = ", ".join(Instrument.objects.values_list("code", flat=True)) or "none loaded"
            raise CommandError(f"No instrument “{code}”; known: {known}.")
        try:
            on = date.fromisoformat(options["on"]) if options["on"] else date.today()
        except ValueError:
            raise CommandError(f"--on “{options['on']}” is not a date (use YYYY-MM-DD).") from None
        participants = Participant.objects.in_region(options["region"]).order_by("name")
        results = TreatyResults()
        rows = status_rows(instrument, on, participants, results)
        if options["status"]:
            rows = [r for r in rows if r["status"] == options["status"]]
        elif not options["all"]:
            rows = [r for r in rows if r["status"] != Status.NONE]
        counts = results.counts(instrument.code, on)
        # Complete on that date: every action recorded, or the table's date not passed yet.
        until = instrument.actions_complete_until
        complete = instrument.actions_complete or bool(until and on <= until)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "instrument": instrument.code,
                        "on": on.isoformat(),
                        "partial_data": not complete,
                        "complete_as_at": until.isoformat() if until else None,
                        "counts": {
                            "parties": counts.parties,
                            "contracting": counts.contracting,
                            "signatories": counts.signatories,
                            "denounced": counts.denounced,
                        },
                        "participants": [
                            {
                                "code": r["code"],
                                "name": r["name_en"],
                                "status": r["status"],
                                "in_force_from": r["in_force_from"].isoformat()
                                if r["in_force_from"]
                                else None,
                            }
                            for r in rows
                        ],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        self.stdout.write(f"{instrument.short_title} ({instrument.code}) on {on.isoformat()}")
        self.stdout.write(
            f"  parties: {counts.parties}   consented, not yet in force: "
            f"{counts.contracting}   signatories: {counts.signatories}   "
            f"denounced: {counts.denounced}"
        )
        if not complete and until:
            self.stdout.write(
                f"  (complete as at {until.isoformat()}; after that date only the treaty actions "
                "loaded so far are counted)"
            )
        elif not complete:
            self.stdout.write("  (partial data: only the treaty actions loaded so far are counted)")
        self.stdout.write("")
        for r in rows:
            since = f"  in force from {r['in_force_from']}" if r["in_force_from"] else ""
            label = str(Status(r["status"]).label)
            self.stdout.write(f"{r['code']}  {r['name_en']:<40} {label}{since}")
