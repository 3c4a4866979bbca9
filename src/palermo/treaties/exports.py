"""Treaties' export for ``palermo export``: participants and their status on a date."""

from datetime import date

from django.core.management.base import CommandError

from palermo.platform.exports import Export, register_export

from .tables import StatusTable


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--on “{text}” is not a date (use YYYY-MM-DD).") from None


def _arguments(parser):
    parser.add_argument("--instrument", default="UNTOC", help="Instrument code (default UNTOC).")
    parser.add_argument("--on", help="Date as YYYY-MM-DD (default today).")


def _rows(options):
    from palermo.core.models import Participant

    from .models import Instrument
    from .queries import status_rows

    code = (options.get("instrument") or "UNTOC").upper()
    instrument = Instrument.objects.filter(code=code).first()
    if instrument is None:
        raise CommandError(f"No instrument “{code}”.")
    on = _date(options["on"]) if options.get("on") else date.today()
    return status_rows(instrument, on, Participant.objects.all())


register_export(
    Export(
        name="treaty-status",
        help="Participants and their status on a date (--instrument, --on).",
        table_class=StatusTable,
        rows=_rows,
        arguments=_arguments,
        public=True,  # treaty status is public data, computed from public records
    )
)
