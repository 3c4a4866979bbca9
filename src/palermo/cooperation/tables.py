"""The log's table and its CSV/XLSX export (the platform's).

The list's queryset carries two annotations the table sorts by: ``counterpart_name`` (the
requested State of an outgoing request, the requesting State of an incoming one) and
``exchanged_on`` (the day it was sent, or received)."""

import django_tables2 as tables
from django.db.models import Case, F, When
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from palermo.platform.tables import PalermoTable

from .models import Direction, Request
from .services import OPEN


def annotate_log(queryset):
    """The annotations the log's table shows and sorts by."""
    return queryset.annotate(
        counterpart_name=Case(
            When(direction=Direction.OUTGOING, then=F("requested_state__name")),
            default=F("requesting_state__name"),
        ),
        exchanged_on=Case(
            When(direction=Direction.INCOMING, then=F("received_on")),
            default=F("sent_on"),
        ),
    )


def is_overdue(request, today=None) -> bool:
    """Its deadline has passed and it is still under way."""
    today = today or timezone.localdate()
    return bool(request.deadline and request.deadline < today and request.status in OPEN)


class RequestTable(PalermoTable):
    reference = tables.Column(verbose_name=_("Reference"))
    title = tables.Column(verbose_name=_("Title"))
    direction = tables.Column(verbose_name=_("Direction"))
    kind = tables.Column(verbose_name=_("Kind"))
    counterpart_name = tables.Column(verbose_name=_("Counterpart State"))
    status = tables.Column(verbose_name=_("Status"))
    exchanged_on = tables.Column(verbose_name=_("Sent or received"), default="—")
    deadline = tables.Column(verbose_name=_("Deadline"), default="—")

    class Meta(PalermoTable.Meta):
        model = Request
        fields = ()
        sequence = (
            "reference",
            "title",
            "direction",
            "kind",
            "counterpart_name",
            "status",
            "exchanged_on",
            "deadline",
        )
        order_by = ("-exchanged_on", "reference")
        empty_text = _("No request in the log yet, or none matches these filters.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        self.detail_url = reverse("cooperation:request", args=[0]).replace("/0/", "/{}/")

    def render_reference(self, value, record):
        return format_html('<a href="{}">{}</a>', self.detail_url.format(record.pk), value)

    def value_reference(self, value):
        return value

    def render_title(self, value, record):
        if record.is_demo:
            return format_html('{} <span class="badge demo">{}</span>', value, _("fictional"))
        return value

    def render_counterpart_name(self, record):
        return record.counterpart_state.localized_name

    def value_counterpart_name(self, record):
        return record.counterpart_state.code

    def render_exchanged_on(self, value):
        return value.isoformat()

    def value_exchanged_on(self, value):
        return value.isoformat()

    def render_deadline(self, value, record):
        if is_overdue(record, self.today):
            return format_html(
                '<span class="overdue">{}</span> <span class="badge overdue">{}</span>',
                value.isoformat(),
                _("overdue"),
            )
        return value.isoformat()

    def value_deadline(self, value):
        return value.isoformat()
