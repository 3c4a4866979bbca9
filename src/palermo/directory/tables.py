import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from palermo.platform.tables import PalermoTable

from .choices import Channel
from .models import Authority, stale_before


def _yes_no(value):
    if value is None:
        return ""
    return str(_("Yes")) if value else str(_("No"))


class AuthorityTable(PalermoTable):
    """The Directory's list and its CSV/XLSX export. The columns of restricted fields
    (contact persons, direct lines) are dropped by the shared view and export for a reader who
    may not see them."""

    participant = tables.Column(verbose_name=_("State"), order_by=("participant__name",))
    area = tables.Column(verbose_name=_("Area"), order_by=("area__order",))
    authority = tables.Column(verbose_name=_("Authority"))
    unit = tables.Column(verbose_name=_("Unit"))
    phone = tables.Column(verbose_name=_("Telephone"))
    email = tables.Column(verbose_name=_("E-mail"))
    languages = tables.Column(verbose_name=_("Languages"), orderable=False)
    channels = tables.Column(verbose_name=_("Channels"), orderable=False)
    contact_persons = tables.Column(verbose_name=_("Contact persons"), orderable=False)
    direct_lines = tables.Column(verbose_name=_("Direct lines"), orderable=False)
    last_confirmed = tables.Column(verbose_name=_("Last confirmed"), default="—")
    stale = tables.Column(verbose_name=_("To confirm"), accessor="pk", orderable=False, default="—")
    is_demo = tables.Column(verbose_name=_("Fictional"), orderable=False)

    class Meta(PalermoTable.Meta):
        model = Authority
        fields = ()
        sequence = (
            "participant",
            "area",
            "authority",
            "unit",
            "phone",
            "email",
            "languages",
            "channels",
            "contact_persons",
            "direct_lines",
            "last_confirmed",
            "stale",
            "is_demo",
        )
        order_by = ("participant", "area")

    def _cutoff(self):
        if not hasattr(self, "_stale_before"):
            self._stale_before = stale_before()
        return self._stale_before

    def render_participant(self, record):
        return record.participant.localized_name

    def value_participant(self, record):
        return record.participant.code

    def render_area(self, record):
        return record.area.local_name

    def value_area(self, record):
        return record.area.code

    def render_authority(self, value, record):
        if not hasattr(self, "_entry_url"):
            self._entry_url = reverse("directory:entry", args=[0]).replace("/0/", "/{}/")
        return format_html('<a href="{}">{}</a>', self._entry_url.format(record.pk), value)

    def value_authority(self, value):
        return value

    def render_languages(self, value):
        return ", ".join(value)

    def value_languages(self, value):
        return ", ".join(value or [])

    def render_channels(self, value):
        return ", ".join(str(Channel(c).label) for c in value if c in Channel.values)

    def value_channels(self, value):
        return ", ".join(value or [])

    def render_last_confirmed(self, value):
        return value.isoformat()

    def value_last_confirmed(self, value):
        return value.isoformat() if value else ""

    def _is_stale(self, record):
        return record.last_confirmed is None or record.last_confirmed < self._cutoff()

    def render_stale(self, record):
        if self._is_stale(record):
            return format_html('<span class="status status-stale">{}</span>', _("To confirm"))
        return "—"

    def value_stale(self, record):
        return "yes" if self._is_stale(record) else "no"

    def render_is_demo(self, value):
        if value:
            return format_html('<span class="demo-label">{}</span>', _("Fictional"))
        return ""

    def value_is_demo(self, value):
        return "yes" if value else "no"
