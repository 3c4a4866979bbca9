"""The analysis app's tables: my investigations, an investigation's entities."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from palermo.platform.tables import PalermoTable

from .models import Entity, Investigation


class InvestigationTable(PalermoTable):
    title = tables.Column(verbose_name=_("Title"))
    description = tables.Column(verbose_name=_("Description"), orderable=False)
    created_by = tables.Column(verbose_name=_("Created by"), order_by=("created_by__username",))
    created = tables.DateTimeColumn(verbose_name=_("Created"), format="Y-m-d")

    class Meta(PalermoTable.Meta):
        model = Investigation
        fields = ("title", "description", "created_by", "created")

    def render_title(self, value, record):
        demo = (
            format_html(' <span class="badge demo">{}</span>', _("fictional"))
            if record.is_demo
            else ""
        )
        url = reverse("analysis:investigation", kwargs={"pk": record.pk})
        return format_html('<a href="{}">{}</a>{}', url, value, demo)

    def value_title(self, value):
        return value

    def render_created_by(self, value):
        return value.username

    def value_created_by(self, value):
        return value.username


class EntityTable(PalermoTable):
    caption = tables.Column(verbose_name=_("Entity"))
    schema = tables.Column(verbose_name=_("Schema"))
    ftm_id = tables.Column(verbose_name=_("FollowTheMoney id"), orderable=False)
    updated = tables.DateTimeColumn(verbose_name=_("Updated"), format="Y-m-d H:i")

    class Meta(PalermoTable.Meta):
        model = Entity
        fields = ("caption", "schema", "ftm_id", "updated")

    def render_caption(self, value, record):
        url = reverse(
            "analysis:entity", kwargs={"pk": record.investigation_id, "entity": record.pk}
        )
        return format_html('<a href="{}">{}</a>', url, value or record.ftm_id)

    def value_caption(self, value):
        return value
