"""The statistics' tables: aggregates by year and area (with their exports)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from palermo.platform.tables import PalermoTable

from .models import Aggregate


class AggregateTable(PalermoTable):
    year = tables.Column(verbose_name=_("Year"))
    area_name = tables.Column(verbose_name=_("Area"))
    rate = tables.Column(verbose_name=_("Rate per 100,000"))
    rate_low = tables.Column(verbose_name=_("Low"))
    rate_high = tables.Column(verbose_name=_("High"))
    count = tables.Column(verbose_name=_("Victims"))
    population = tables.Column(verbose_name=_("Population"))
    coverage = tables.Column(verbose_name=_("Covered by observed data"))
    imputed = tables.Column(verbose_name=_("States imputed"))

    class Meta(PalermoTable.Meta):
        model = Aggregate
        fields = ()
        sequence = (
            "year",
            "area_name",
            "rate",
            "rate_low",
            "rate_high",
            "count",
            "population",
            "coverage",
            "imputed",
        )
        order_by = ("-year", "area")

    def render_rate(self, value):
        return f"{value:.2f}"

    def render_rate_low(self, value):
        return f"{value:.2f}"

    def render_rate_high(self, value):
        return f"{value:.2f}"

    def render_count(self, value):
        return f"{value:,.0f}"

    def render_population(self, value):
        return f"{value:,}"

    def render_coverage(self, value):
        return f"{value:.0%}"
