from datetime import date

from palermo.core.exports import register_export


@register_export("treaty-status", "Participants and their status (--instrument, --on).")
def treaty_status(options):
    from palermo.core.models import Participant

    from .models import Instrument
    from .queries import status_rows
    from .tables import StatusTable

    code = (options.get("instrument") or "UNTOC").upper()
    instrument = Instrument.objects.filter(code=code).first()
    if instrument is None:
        from django.core.management.base import CommandError

        raise CommandError(f"No instrument “{code}”.")
    on = options.get("on") or date.today()
    return StatusTable(status_rows(instrument, on, Participant.objects.all()))
