"""The analysis pages: my investigations, an investigation's entities, one entity's evidence.

Every page goes through the investigation's policy: a person who is not a member gets 404 (the
investigation's existence is not revealed), the Secretariat included; each read is logged.
"""

import django_filters
from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from palermo.platform.audit import record_reads
from palermo.platform.policies import policy_for
from palermo.platform.tables import DataTableView
from palermo.platform.views import get_visible_or_404

from . import services
from .models import SCHEMATA, Entity, Investigation, Statement
from .tables import EntityTable, InvestigationTable


class InvestigationListView(DataTableView):
    table_class = InvestigationTable
    model = Investigation
    title = _("My investigations")
    intro = _(
        "Investigations you are a member of. Nobody else sees them, the Secretariat included."
    )
    export_name = "palermo-investigations"

    def get_queryset(self):
        return Investigation.objects.select_related("created_by")


class EntityFilter(django_filters.FilterSet):
    schema = django_filters.ChoiceFilter(
        label=_("Schema"), choices=[(s, s) for s in SCHEMATA], widget=forms.Select
    )
    caption = django_filters.CharFilter(label=_("Name contains"), lookup_expr="icontains")

    class Meta:
        model = Entity
        fields = ["schema", "caption"]


class EntityListView(DataTableView):
    """One investigation's entities, by schema; the investigation page."""

    table_class = EntityTable
    filterset_class = EntityFilter
    template_name = "analysis/investigation.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.investigation = get_visible_or_404(
            Investigation.objects.all(), request.user, pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    @property
    def title(self):
        return self.investigation.title

    @property
    def export_name(self):
        return f"palermo-investigation-{self.investigation.pk}-entities"

    def get_queryset(self):
        return Entity.objects.filter(investigation=self.investigation)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            investigation=self.investigation,
            members=services.members(self.investigation),
            can_import=policy_for(Investigation).allows(
                self.request.user, "change", self.investigation
            ),
        )
        return context


@login_required
def entity_detail(request, pk, entity):
    investigation = get_visible_or_404(Investigation.objects.all(), request.user, pk=pk)
    item = get_visible_or_404(
        Entity.objects.filter(investigation=investigation), request.user, pk=entity
    )
    statements = list(
        Statement.objects.restrict(request.user)
        .filter(entity=item)
        .select_related("import_run")
        .prefetch_related("annotations")
    )
    record_reads(request.user, statements, model=Statement)
    proxy = item.to_ftm(statements)
    names = {}
    refs = {s.value for s in statements if _is_ref(item, s.prop)}
    if refs:
        names = {
            e.ftm_id: e
            for e in Entity.objects.filter(investigation=investigation, ftm_id__in=sorted(refs))
        }
    mentioned_by = list(
        Entity.objects.filter(
            investigation=investigation, statements__value=item.ftm_id
        ).distinct()[:200]
    )
    rows = [
        {
            "statement": s,
            "label": _prop_label(item, s.prop),
            "linked": names.get(s.value) if s.prop and _is_ref(item, s.prop) else None,
        }
        for s in statements
    ]
    return render(
        request,
        "analysis/entity.html",
        {
            "investigation": investigation,
            "entity": item,
            "caption": proxy.caption,
            "rows": rows,
            "mentioned_by": mentioned_by,
            "annotations": list(item.annotations.select_related("created_by")),
        },
    )


def _is_ref(entity, prop) -> bool:
    found = entity.ftm_schema.get(prop)
    return bool(found and found.type.name == "entity")


def _prop_label(entity, prop) -> str:
    found = entity.ftm_schema.get(prop)
    return found.label if found else prop
