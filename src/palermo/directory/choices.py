from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How a State accepts requests (UNTOC art. 18(13): through its central authority; in
    urgent circumstances, where the States agree, through INTERPOL)."""

    CENTRAL_AUTHORITY = "central_authority", _("Central authority")
    DIPLOMATIC = "diplomatic", _("Diplomatic channels")
    INTERPOL = "interpol", _("INTERPOL")


#: Entries not confirmed for this many days are stale: flagged, and their State reminded.
STALE_AFTER_DAYS = 365
#: A stale entry's State is not reminded of it again before this many days have passed.
REMIND_EVERY_DAYS = 30
