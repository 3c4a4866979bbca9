"""Shared list building block: sortable, filterable, paginated tables with CSV and XLSX export.

``DataTableView`` joins django-filter (the filter form), django-tables2 (sorting, pagination,
export through tablib) and django-htmx (an htmx request gets only the ``results`` partial, so
filtering and paging update the table in place; every link still works without JavaScript).
Subclasses give ``table_class``, ``filterset_class`` and ``get_queryset`` — always scoped with
``visible_to(user)`` where rows can be confidential, which the export then inherits.
"""

import django_tables2 as tables
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django_filters.views import FilterView
from django_tables2.export import ExportMixin
from django_tables2.views import SingleTableMixin


class PalermoTable(tables.Table):
    class Meta:
        template_name = "core/table.html"
        attrs = {"class": "data-table"}


class PermissionMixin(AccessMixin):
    """Refuse the view unless the user has ``permission`` (a django-rules name)."""

    permission: str | None = None

    def get_permission_object(self):
        return None

    def dispatch(self, request, *args, **kwargs):
        if self.permission and not request.user.has_perm(
            self.permission, self.get_permission_object()
        ):
            if not request.user.is_authenticated:
                return self.handle_no_permission()
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class DataTableView(PermissionMixin, ExportMixin, SingleTableMixin, FilterView):
    template_name = "core/data_table.html"
    paginate_by = 50
    export_formats = ("csv", "xlsx")
    export_trigger_param = "_export"
    title = ""
    intro = ""

    def get_export_filename(self, export_format):
        name = self.export_name if hasattr(self, "export_name") else "palermo-table"
        return f"{name}.{export_format}"

    def get_template_names(self):
        names = super().get_template_names()
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return [f"{names[0]}#results"]
        return names

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=self.title, intro=self.intro, export_formats=self.export_formats)
        return context
