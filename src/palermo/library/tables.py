"""The Library's browse tables, one per kind of record (CSV and XLSX come with them)."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from palermo.platform.tables import PalermoTable

from .models import Case, Law, Publication, Strategy


class RecordTable(PalermoTable):
    title = tables.Column(verbose_name=_("Title"))
    participant = tables.Column(verbose_name=_("State"), order_by=("participant__name",))
    number = tables.Column(verbose_name=_("Number"))
    status = tables.Column(verbose_name=_("Status"))
    address = tables.Column(verbose_name=_("Address"), accessor="pk", orderable=False)

    class Meta(PalermoTable.Meta):
        exclude = ()

    def render_title(self, value, record):
        demo = (
            format_html(' <span class="badge demo">{}</span>', _("fictional"))
            if record.is_demo
            else ""
        )
        return format_html('<a href="{}">{}</a>{}', record.get_absolute_url(), value, demo)

    def value_title(self, value):
        return value

    def render_participant(self, value):
        return value.localized_name

    def value_participant(self, record):
        return record.participant.code

    def render_status(self, value, record):
        return format_html(
            '<span class="status status-{}">{}</span>', record.status, record.get_status_display()
        )

    def value_status(self, record):
        return record.status

    def render_address(self, record):
        return record.get_absolute_url()

    def value_address(self, record):
        return record.get_absolute_url()


def _date(value):
    return value.isoformat() if value else ""


class LawTable(RecordTable):
    title_en = tables.Column(verbose_name=_("Title in English"))
    law_type = tables.Column(verbose_name=_("Type"))
    adopted = tables.Column(verbose_name=_("Adopted"))

    class Meta(RecordTable.Meta):
        model = Law
        fields = ()
        sequence = ("title", "title_en", "participant", "law_type", "adopted", "number", "status")

    def render_adopted(self, value):
        return _date(value)

    def value_adopted(self, value):
        return _date(value)


class CaseTable(RecordTable):
    court = tables.Column(verbose_name=_("Court"))
    decided = tables.Column(verbose_name=_("Decided"))

    class Meta(RecordTable.Meta):
        model = Case
        fields = ()
        sequence = ("title", "participant", "court", "decided", "number", "status")

    def render_decided(self, value):
        return _date(value)

    def value_decided(self, value):
        return _date(value)


class PublicationTable(RecordTable):
    authors = tables.Column(verbose_name=_("Authors"), orderable=False)
    year = tables.Column(verbose_name=_("Year"))
    publication_type = tables.Column(verbose_name=_("Type"))

    class Meta(RecordTable.Meta):
        model = Publication
        fields = ()
        sequence = ("title", "authors", "year", "publication_type", "participant", "number")

    def render_authors(self, value):
        return "; ".join(value)

    def value_authors(self, value):
        return "; ".join(value)


class StrategyTable(RecordTable):
    title_en = tables.Column(verbose_name=_("Title in English"))
    adopted = tables.Column(verbose_name=_("Adopted"))
    period = tables.Column(verbose_name=_("Period"), accessor="pk", orderable=False)

    class Meta(RecordTable.Meta):
        model = Strategy
        fields = ()
        sequence = ("title", "title_en", "participant", "adopted", "period", "number", "status")

    def render_adopted(self, value):
        return _date(value)

    def value_adopted(self, value):
        return _date(value)

    def render_period(self, record):
        if not (record.period_start or record.period_end):
            return "—"
        return f"{record.period_start or ''}–{record.period_end or ''}"

    def value_period(self, record):
        if not (record.period_start or record.period_end):
            return ""
        return f"{record.period_start or ''}–{record.period_end or ''}"
