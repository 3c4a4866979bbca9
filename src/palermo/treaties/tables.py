import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from palermo.core.tables import PalermoTable

from .choices import Status


class StatusTable(PalermoTable):
    name = tables.Column(verbose_name=_("Participant"))
    code = tables.Column(verbose_name=_("ISO code"))
    region = tables.Column(verbose_name=_("Region"))
    group = tables.Column(verbose_name=_("UN regional group"))
    status = tables.Column(verbose_name=_("Status"))
    # A plain column: DateColumn compiles a template per cell, a fifth of the page's time.
    in_force_from = tables.Column(verbose_name=_("In force for it from"), default="—")

    class Meta(PalermoTable.Meta):
        order_by = ("name",)
        exclude = ()

    def render_name(self, value, record):
        # The link by hand rather than linkify=, whose per-cell machinery (attribute dicts, the
        # URL callable's signature inspected) cost more than the rest of the row.
        return format_html(
            '<a href="{}">{}</a>', reverse("core:participant", args=[record["code"]]), value
        )

    def value_name(self, value):
        return value

    def render_status(self, value):
        return format_html('<span class="status status-{}">{}</span>', value, Status(value).label)

    def render_in_force_from(self, value):
        return value.isoformat()

    def value_in_force_from(self, value):
        return value.isoformat() if value else ""  # an empty cell, so spreadsheets see dates

    def value_status(self, value):
        return str(Status(value).label)
