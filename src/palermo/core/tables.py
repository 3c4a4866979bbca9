"""Shared list building block: sortable, filterable, paginated tables with CSV and XLSX export.

``DataTableView`` joins django-filter (the filter form), django-tables2 (sorting, pagination,
export through tablib) and django-htmx (an htmx request gets only the ``results`` partial, so
filtering and paging update the table in place; every link still works without JavaScript).
Subclasses give ``table_class``, ``filterset_class`` and ``get_queryset`` — always scoped with
``visible_to(user)`` where rows can be confidential, which the export then inherits.
"""

import django_filters
import django_tables2 as tables
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _
from django_filters.views import FilterView
from django_tables2.export import ExportMixin
from django_tables2.views import SingleTableMixin

from .choices import Role
from .models import Participant, RoleAssignment, User


class PalermoTable(tables.Table):
    """A table rendered by ``core/table.html``: htmx sort and page links, and a lean body loop
    (rendered cells only). Per-cell ``attrs`` and ``row_attrs`` are not rendered there; a table
    that needs them sets ``template_name = "django_tables2/table.html"`` in its ``Meta``."""

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


def users_with_roles():
    """Users with their role assignments and States in two more queries, however many rows."""
    return User.objects.prefetch_related(
        Prefetch(
            "role_assignments",
            queryset=RoleAssignment.objects.select_related("participant").order_by(
                "role", "participant__name"
            ),
        )
    )


def roles_text(user) -> str:
    """``National focal point (Argentina); Observer`` from the prefetched assignments."""
    return "; ".join(
        f"{a.get_role_display()} ({a.participant})" if a.participant else str(a.get_role_display())
        for a in user.role_assignments.all()
    )


class UserFilter(django_filters.FilterSet):
    """Filters of the user list, shared by the page and ``GET /api/users``.

    Role and State select through one assignment, so "focal point" + "Argentina" finds the
    focal points of Argentina, not a focal point elsewhere who observes for Argentina.
    """

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Role.choices, method="noop")
    state = django_filters.ModelChoiceFilter(
        label=_("State"),
        queryset=Participant.objects.order_by("name"),
        to_field_name="code",
        method="noop",
    )
    active = django_filters.BooleanFilter(field_name="is_active", label=_("Active"))

    class Meta:
        model = User
        fields = []

    def noop(self, queryset, name, value):
        return queryset  # applied together in filter_queryset

    def filter_text(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(username__icontains=word)
                | Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
            )
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        role, state = self.form.cleaned_data.get("role"), self.form.cleaned_data.get("state")
        if role or state:
            assignments = RoleAssignment.objects.all()
            if role:
                assignments = assignments.filter(role=role)
            if state:
                assignments = assignments.filter(participant=state)
            queryset = queryset.filter(pk__in=assignments.values("user_id"))
        return queryset


class UserTable(PalermoTable):
    username = tables.Column(
        verbose_name=_("User name"), linkify=("core:user", {"pk": tables.A("pk")})
    )
    full_name = tables.Column(
        verbose_name=_("Full name"),
        accessor="get_full_name",
        order_by=("last_name", "first_name"),
    )
    email = tables.EmailColumn(verbose_name=_("E-mail"))
    is_active = tables.Column(verbose_name=_("Active"))
    roles = tables.Column(verbose_name=_("Roles"), orderable=False, empty_values=())
    last_login = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("Last sign-in"))

    class Meta(PalermoTable.Meta):
        fields = ("username", "full_name", "email", "is_active", "roles", "last_login")

    def render_roles(self, record):
        return roles_text(record) or "—"

    def value_roles(self, record):
        return roles_text(record)

    def render_is_active(self, value):
        return _("yes") if value else _("no")

    def value_is_active(self, value):
        return str(self.render_is_active(value))
