"""Pages of the example workspace: a shared table view and a detail page, nothing else —
the policy applies itself (rows, restricted column, read log)."""

import django_filters
import django_tables2 as tables
from django.http import JsonResponse

from palermo.platform.policies import visible_values
from palermo.platform.tables import DataTableView, PalermoTable
from palermo.platform.views import get_visible_or_404

from .models import Casefile


class CasefileTable(PalermoTable):
    title = tables.Column()
    summary = tables.Column()
    informant_phone = tables.Column(verbose_name="Informant's phone")

    class Meta(PalermoTable.Meta):
        model = Casefile
        fields = ("title", "summary", "informant_phone")


class CasefileFilter(django_filters.FilterSet):
    class Meta:
        model = Casefile
        fields = ["title"]


class CasefileListView(DataTableView):
    table_class = CasefileTable
    filterset_class = CasefileFilter
    title = "Workspaces"
    export_name = "workspaces"

    def get_queryset(self):
        return Casefile.objects.all()  # no filter here: the view applies the policy


def casefile_detail(request, pk):
    case = get_visible_or_404(Casefile.objects.all(), request.user, pk=pk)
    return JsonResponse(visible_values(case, request.user, ["title", "summary", "informant_phone"]))
