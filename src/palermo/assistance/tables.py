"""The tables of the Assistance lists and their CSV/XLSX export (the platform's)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from palermo.platform.tables import PalermoTable

from .models import Activity, Need, Programme


def _link(table, name, record, text):
    cache = f"_url_{name}"
    if not hasattr(table, cache):
        setattr(table, cache, reverse(name, args=[0]).replace("/0/", "/{}/"))
    return format_html('<a href="{}">{}</a>', getattr(table, cache).format(record.pk), text)


def _demo(value):
    return format_html('<span class="demo-label">{}</span>', _("Fictional")) if value else ""


class ProgrammeTable(PalermoTable):
    code = tables.Column(verbose_name=_("Code"))
    title = tables.Column(verbose_name=_("Title"))
    kind = tables.Column(verbose_name=_("Kind"))
    status = tables.Column(verbose_name=_("Status"))
    start = tables.Column(verbose_name=_("Start"), default="—")
    end = tables.Column(verbose_name=_("End"), default="—")
    demo = tables.Column(verbose_name=_("Fictional"), orderable=False)

    class Meta(PalermoTable.Meta):
        model = Programme
        fields = ()
        sequence = ("code", "title", "kind", "status", "start", "end", "demo")
        order_by = ("code",)

    def render_title(self, value, record):
        return _link(self, "assistance:programme", record, value)

    def value_title(self, value):
        return value

    def render_kind(self, record):
        return record.get_kind_display()

    def render_status(self, record):
        return record.get_status_display()

    def render_demo(self, value):
        return _demo(value)

    def value_demo(self, value):
        return "yes" if value else "no"


class ActivityTable(PalermoTable):
    code = tables.Column(verbose_name=_("Code"))
    title = tables.Column(verbose_name=_("Title"))
    type = tables.Column(verbose_name=_("Type"), order_by=("type__position",), default="—")
    beneficiaries = tables.Column(verbose_name=_("States"), orderable=False, accessor="pk")
    status = tables.Column(verbose_name=_("Status"))
    origin = tables.Column(verbose_name=_("Origin"))
    start = tables.Column(verbose_name=_("Start"), default="—")
    demo = tables.Column(verbose_name=_("Fictional"), orderable=False)

    class Meta(PalermoTable.Meta):
        model = Activity
        fields = ()
        sequence = ("code", "title", "type", "beneficiaries", "status", "origin", "start", "demo")
        order_by = ("-start", "code")

    def render_title(self, value, record):
        return _link(self, "assistance:activity", record, value)

    def value_title(self, value):
        return value

    def render_type(self, record):
        return record.type.local_name if record.type_id else "—"

    def value_type(self, record):
        return record.type.code if record.type_id else ""

    def render_beneficiaries(self, record):
        return ", ".join(p.code for p in record.beneficiaries.all()) or "—"

    def value_beneficiaries(self, record):
        return ", ".join(p.code for p in record.beneficiaries.all())

    def render_status(self, record):
        return record.get_status_display()

    def render_origin(self, record):
        return record.get_origin_display()

    def render_demo(self, value):
        return _demo(value)

    def value_demo(self, value):
        return "yes" if value else "no"


class NeedTable(PalermoTable):
    participant = tables.Column(verbose_name=_("State"), order_by=("participant__name",))
    title = tables.Column(verbose_name=_("Need"))
    type = tables.Column(verbose_name=_("Type"), default="—")
    priority = tables.Column(verbose_name=_("Priority"))
    status = tables.Column(verbose_name=_("Status"))
    created = tables.Column(verbose_name=_("Recorded"))

    class Meta(PalermoTable.Meta):
        model = Need
        fields = ()
        sequence = ("participant", "title", "type", "priority", "status", "created")
        order_by = ("participant", "-created")

    def render_participant(self, record):
        return record.participant.localized_name

    def value_participant(self, record):
        return record.participant.code

    def render_title(self, value, record):
        return _link(self, "assistance:need", record, value)

    def value_title(self, value):
        return value

    def render_type(self, record):
        return record.type.local_name if record.type_id else "—"

    def value_type(self, record):
        return record.type.code if record.type_id else ""

    def render_priority(self, record):
        return record.get_priority_display()

    def render_status(self, record):
        return record.get_status_display()

    def render_created(self, value):
        return value.date().isoformat()

    def value_created(self, value):
        return value.date().isoformat()
