"""Shared list building block: sortable, filterable, paginated tables with CSV and XLSX export.

``DataTableView`` joins django-filter (the filter form), django-tables2 (sorting, pagination,
export through tablib) and django-htmx (an htmx request gets only the ``results`` partial, so
filtering and paging update the table in place; every link still works without JavaScript).

The view applies the model's policy itself: the rows are those the user may see (whatever
``get_queryset`` returns is narrowed), the columns of restricted fields are absent for a user
who may not see them, in the page and in its exports alike, and reads of sensitive records are
logged. A subclass gives ``table_class``, ``filterset_class`` and ``get_queryset``, nothing more.
"""

import django_tables2 as tables
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django_filters.views import FilterView
from django_tables2.columns import ManyToManyColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.export import ExportMixin, TableExport
from django_tables2.utils import Accessor, signature
from django_tables2.views import SingleTableMixin
from tablib import Dataset

from .audit import record_reads, surface
from .choices import Surface
from .policies import policy_for

#: What makes a spreadsheet read a cell as a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell a spreadsheet would run as a formula, quoted so it is shown as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeTableExport(TableExport):
    """django-tables2's export (CSV, XLSX …) with formula-looking text cells neutralised: an
    imported name such as ``=HYPERLINK(…)`` comes out as text, not as a live formula."""

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = Dataset(**{"title": _title(table), **(dataset_kwargs or {})})
        for i, row in enumerate(table.as_values(exclude_columns=exclude_columns)):
            if i == 0:
                dataset.headers = row
            else:
                dataset.append([neutralise(value) for value in row])
        return dataset


def _title(table) -> str:
    try:
        return str(table.Meta.model._meta.verbose_name_plural).title()
    except AttributeError:
        return "Export Data"


class _Cell:
    """How one column's cells are rendered, worked out once per table rather than per cell.

    The same steps as django-tables2's ``BoundRow.get_cell`` (the accessor, a model field's
    ``get_FOO_display``, the column's empty values and default, ``render_FOO`` called with the
    arguments it names, the column's link), and the same output as ``{{ cell }}`` in a template
    (local time, localized, escaped unless safe). What is saved: ``inspect.signature`` of the
    render method and the column look-up by name, for every cell — most of a list page's time.
    """

    __slots__ = ("bound", "column", "accessor", "render", "wants", "default", "empty", "link")

    def __init__(self, bound_column):
        self.bound = bound_column
        self.column = bound_column.column
        self.accessor = Accessor(bound_column.accessor)
        self.render = bound_column.render
        args, catch_all = signature(self.render)
        self.wants = None if catch_all else args
        self.default = bound_column.default
        self.empty = self.column.empty_values
        self.link = bound_column.link

    def value(self, record) -> tuple[bool, object]:
        """``(False, None)`` when the cell shows the column's default, else ``(True, value)``."""
        value = None
        penultimate, remainder = self.accessor.penultimate(record)
        if isinstance(penultimate, models.Model):
            try:
                field = self.accessor.get_field(record)
                display = getattr(penultimate, f"get_{remainder}_display", None)
                if getattr(field, "choices", ()) and display:
                    value, remainder = display(), None
            except FieldDoesNotExist:
                pass
        if remainder:
            try:
                value = self.accessor.resolve(record)
            except Exception:
                # A link column with a fixed text needs no value (django-tables2's issue #257).
                if isinstance(self.column, BaseLinkColumn) and self.column.text is not None:
                    return True, None
        if value in self.empty or (
            isinstance(self.column, ManyToManyColumn) and not value.exists()
        ):
            return False, None
        return True, value

    def html(self, row, table) -> str:
        shown, value = self.value(row.record)
        if not shown:
            content = self.default
        else:
            given = {
                "value": value,
                "record": row.record,
                "column": self.column,
                "bound_column": self.bound,
                "bound_row": row,
                "table": table,
            }
            if self.wants is None:
                content = self.render(**given)
            elif all(name in given for name in self.wants):
                content = self.render(**{name: given[name] for name in self.wants})
            else:
                content = None
            if self.link:
                content = self.link(content, **given)
        # What ``{{ cell }}`` does (django.template.base.render_value_in_context).
        content = localize(template_localtime(content))
        if not isinstance(content, str):
            content = str(content)
        return conditional_escape(content)


class PalermoTable(tables.Table):
    """A table rendered by ``platform/table.html``: htmx sort and page links, and a lean body
    (``body_html``: rendered cells only, each column's rendering worked out once). Per-cell
    ``attrs`` and ``row_attrs`` are not rendered there; a table that needs them sets
    ``template_name = "django_tables2/table.html"`` in its ``Meta``."""

    class Meta:
        template_name = "platform/table.html"
        attrs = {"class": "data-table"}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user  # the reader, for cells that depend on what they may see

    def body_html(self):
        """The ``<tr>`` rows of the page shown, as one safe string ("" when there are none)."""
        cells = [_Cell(column) for column in self.columns]
        rows = []
        for i, row in enumerate(self.paginated_rows):
            tds = "".join(f"<td>{cell.html(row, self)}</td>" for cell in cells)
            rows.append(f'<tr class="{"odd" if i % 2 else "even"}">{tds}</tr>')
        return mark_safe("".join(rows))


class PermissionMixin(AccessMixin):
    """Refuse the view unless the user has ``permission`` (a django-rules name)."""

    permission: str | None = None

    def get_permission_object(self):
        return None

    def refuse(self):
        if not self.request.user.is_authenticated:
            return self.handle_no_permission()
        raise PermissionDenied

    def dispatch(self, request, *args, **kwargs):
        if self.permission and not request.user.has_perm(
            self.permission, self.get_permission_object()
        ):
            return self.refuse()
        return super().dispatch(request, *args, **kwargs)


def hidden_columns(table_class, hidden_fields: set[str]) -> list[str]:
    """Columns of ``table_class`` that show one of ``hidden_fields`` (by name or accessor)."""
    names = []
    for name, column in table_class.base_columns.items():
        accessor = str(column.accessor or name).split("__")[0].split(".")[0]
        if name in hidden_fields or accessor in hidden_fields:
            names.append(name)
    return names


class DataTableView(PermissionMixin, ExportMixin, SingleTableMixin, FilterView):
    template_name = "platform/data_table.html"
    paginate_by = 50
    export_formats = ("csv", "xlsx")
    export_trigger_param = "_export"
    export_class = SafeTableExport
    #: The policy action the rows are scoped by.
    action = "view"
    title = ""
    intro = ""

    def get_export_filename(self, export_format):
        name = self.export_name if hasattr(self, "export_name") else "palermo-table"
        return f"{name}.{export_format}"

    def dispatch(self, request, *args, **kwargs):
        model = self.get_model()
        if not policy_for(model).allows(request.user, self.action):
            return self.refuse()
        return super().dispatch(request, *args, **kwargs)

    def get_model(self):
        if getattr(self, "model", None) is not None:
            return self.model
        if self.filterset_class is not None:
            return self.filterset_class._meta.model
        return self.table_class._meta.model

    def get(self, request, *args, **kwargs):
        self._exporting = self.export_class.is_valid_format(
            request.GET.get(self.export_trigger_param)
        )
        return super().get(request, *args, **kwargs)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["queryset"] = policy_for(kwargs["queryset"]).queryset(
            self.request.user, self.action, kwargs["queryset"]
        )
        return kwargs

    def get_table_kwargs(self):
        kwargs = super().get_table_kwargs()
        if issubclass(self.get_table_class(), PalermoTable):
            kwargs["user"] = self.request.user
        hidden = policy_for(self.get_model()).hidden_fields(self.request.user)
        if hidden:
            kwargs["exclude"] = [
                *kwargs.get("exclude", ()),
                *hidden_columns(self.get_table_class(), hidden),
            ]
        return kwargs

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        if policy_for(self.get_model()).sensitive and not getattr(self, "_exporting", False):
            page = getattr(table, "page", None)
            rows = page.object_list if page is not None else table.rows
            record_reads(self.request.user, [row.record for row in rows], model=self.get_model())
        return table

    def create_export(self, export_format):
        response = super().create_export(export_format)
        if policy_for(self.get_model()).sensitive:
            with surface(Surface.EXPORT):
                record_reads(self.request.user, list(self.object_list), model=self.get_model())
        return response

    def get_template_names(self):
        names = super().get_template_names()
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return [f"{names[0]}#results"]
        return names

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=self.title, intro=self.intro, export_formats=self.export_formats)
        return context
