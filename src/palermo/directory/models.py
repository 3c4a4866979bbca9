"""Directory: the competent national authorities of each State, per area of cooperation.

An entry says where a request of one kind goes in one State: the authority and its unit, how to
reach it, which languages and channels it accepts, what an incoming request must contain, and
when the State last confirmed all of this. Contact persons and direct lines are restricted
fields (``policies.py``): only registered authorities (central-authority practitioners) and the
Secretariat see them, on every surface.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from palermo.core.models import Participant, TimeStamped
from palermo.platform.models import ImportedRecord
from palermo.platform.policies import RestrictedQuerySet

from .choices import STALE_AFTER_DAYS, Channel


class Area(TimeStamped):
    """An area of cooperation a State designates authorities for (reference data,
    ``data/areas.csv``), with the article that asks for it."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    instrument = models.CharField(_("instrument"), max_length=20, blank=True)
    article = models.CharField(_("article"), max_length=10, blank=True)
    #: The Treaties declaration subject that names this area's authority (cross-checked).
    declaration_subject = models.CharField(_("declaration subject"), max_length=30, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self):
        return self.local_name

    @property
    def local_name(self) -> str:
        return gettext(self.name)

    @property
    def basis(self) -> str:
        if not self.instrument:
            return ""
        return f"{self.instrument} art. {self.article}" if self.article else self.instrument


def stale_before(today: date | None = None) -> date:
    """Entries last confirmed before this day are stale."""
    return (today or date.today()) - timedelta(days=STALE_AFTER_DAYS)


class AuthorityQuerySet(RestrictedQuerySet):
    def with_related(self):
        return self.select_related("participant", "area")

    def stale(self, today: date | None = None):
        """Entries never confirmed, or not confirmed for 12 months."""
        return self.filter(
            Q(last_confirmed__isnull=True) | Q(last_confirmed__lt=stale_before(today))
        )

    def fresh(self, today: date | None = None):
        return self.filter(last_confirmed__gte=stale_before(today))


def _languages_ok(value) -> bool:
    return isinstance(value, list) and all(
        isinstance(code, str) and len(code) == 2 and code.isalpha() and code.islower()
        for code in value
    )


class Authority(ImportedRecord, TimeStamped):
    """A competent authority of one State for one area of cooperation: a Directory entry."""

    participant = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="directory_entries",
        verbose_name=_("State"),
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="entries", verbose_name=_("area")
    )
    authority = models.CharField(_("authority"), max_length=300)
    unit = models.CharField(_("unit"), max_length=300, blank=True)
    address = models.TextField(_("address"), blank=True)
    contact_persons = models.TextField(
        _("contact persons"),
        blank=True,
        help_text=_("One per line: name, title, e-mail. Seen only by registered authorities."),
    )
    phone = models.CharField(_("telephone"), max_length=100, blank=True)
    direct_lines = models.TextField(
        _("direct lines"),
        blank=True,
        help_text=_("Direct and out-of-hours numbers. Seen only by registered authorities."),
    )
    email = models.EmailField(_("e-mail"), max_length=200, blank=True)
    hours = models.CharField(_("office hours"), max_length=200, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=60, blank=True, help_text=_("e.g. UTC-03:00")
    )
    languages = models.JSONField(
        _("accepted languages"),
        default=list,
        blank=True,
        help_text=_('ISO 639-1 codes, e.g. ["es", "en"].'),
    )
    channels = models.JSONField(
        _("accepted channels"),
        default=list,
        blank=True,
        help_text=_("Central authority, diplomatic channels, INTERPOL."),
    )
    urgent_procedure = models.TextField(_("urgent requests"), blank=True)
    requirements = models.TextField(
        _("legal and procedural requirements for incoming requests"), blank=True
    )
    convention_legal_basis = models.BooleanField(
        _("accepts the Convention as legal basis"), null=True, blank=True
    )
    last_confirmed = models.DateField(_("last confirmed"), null=True, blank=True)
    #: When the State and the Secretariat were last reminded that the entry is stale.
    reminded_on = models.DateField(_("last reminded"), null=True, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)
    is_demo = models.BooleanField(_("fictional demo record"), default=False)
    laws = models.ManyToManyField(
        "library.Law",
        blank=True,
        related_name="directory_entries",
        verbose_name=_("laws in the Library"),
        help_text=_("The laws that govern requests to this authority."),
    )

    objects = AuthorityQuerySet.as_manager()

    class Meta:
        ordering = ["participant__name", "area__order", "authority", "pk"]
        verbose_name = _("competent authority")
        verbose_name_plural = _("competent authorities")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "area", "authority"],
                name="directory_one_entry_per_authority_and_area",
                violation_error_message=_("This State already lists this authority for this area."),
            )
        ]

    def __str__(self):
        return f"{self.participant.name} — {self.area.name}: {self.authority}"

    def is_stale(self, today: date | None = None) -> bool:
        return self.last_confirmed is None or self.last_confirmed < stale_before(today)

    @property
    def stale(self) -> bool:
        return self.is_stale()

    def channel_labels(self) -> list[str]:
        return [str(Channel(c).label) for c in self.channels if c in Channel.values]

    def clean(self):
        """Rules of the record, so pages, API and imports apply the same ones."""
        super().clean()
        errors = {}
        if not _languages_ok(self.languages):
            errors["languages"] = _(
                'Give a list of two-letter ISO 639-1 codes in lower case, e.g. ["es", "en"].'
            )
        if not isinstance(self.channels, list) or any(
            c not in Channel.values for c in self.channels
        ):
            errors["channels"] = _("Choose channels among: %(known)s.") % {
                "known": ", ".join(Channel.values)
            }
        if self.last_confirmed and self.last_confirmed > date.today():
            errors["last_confirmed"] = _("The date of confirmation cannot be in the future.")
        if errors:
            raise ValidationError(errors)
