"""Core's tables: users and their roles (the shared table mechanism is ``platform.tables``)."""

import django_filters
import django_tables2 as tables
from auditlog.models import LogEntry
from django import forms
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from palermo.platform.actors import SYSTEM_USERNAME
from palermo.platform.audit import visible_changes
from palermo.platform.models import ReadEvent
from palermo.platform.tables import PalermoTable

from .choices import Role
from .models import Job, Participant, RoleAssignment, User


def users_with_roles():
    """Users with their role assignments and States in two more queries, however many rows."""
    return User.objects.exclude(username=SYSTEM_USERNAME).prefetch_related(
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


class JobTable(PalermoTable):
    label = tables.Column(linkify=("core:job", {"pk": tables.A("pk")}), verbose_name=_("Job"))
    status = tables.Column()
    owner = tables.Column()
    created = tables.DateTimeColumn(format="Y-m-d H:i")
    message = tables.Column(orderable=False)

    class Meta(PalermoTable.Meta):
        model = Job
        fields = ("label", "status", "owner", "created", "message")


class JobFilter(django_filters.FilterSet):
    class Meta:
        model = Job
        fields = ["status", "kind"]


class AuditTable(PalermoTable):
    timestamp = tables.DateTimeColumn(format="Y-m-d H:i:s", verbose_name=_("When"))
    actor = tables.Column(verbose_name=_("Who"), default="—")
    action = tables.Column(verbose_name=_("Action"))
    content_type = tables.Column(verbose_name=_("Kind of record"))
    object_repr = tables.Column(verbose_name=_("Record"))
    changes = tables.Column(verbose_name=_("What changed"), orderable=False, empty_values=())

    class Meta(PalermoTable.Meta):
        model = LogEntry
        fields = ("timestamp", "actor", "action", "content_type", "object_repr", "changes")

    def render_action(self, record):
        return record.get_action_display()

    def render_changes(self, record):
        # Fields restricted from the reader are left out, values and names alike.
        changes = visible_changes(record, self.user)
        return "; ".join(_describe(field, value) for field, value in changes.items())

    def value_changes(self, record):
        return self.render_changes(record)


def _describe(field, value) -> str:
    """One change of an audit entry: ``field: old → new`` for a field, ``field: + a, b`` or
    ``field: − a`` for objects added to or removed from a many-to-many relation."""
    if isinstance(value, dict) and value.get("type") == "m2m":
        sign = {"add": "+", "delete": "−"}.get(value.get("operation"), value.get("operation", ""))
        return f"{field}: {sign} {', '.join(map(str, value.get('objects', [])))}"
    if isinstance(value, list | tuple) and len(value) == 2:
        return f"{field}: {value[0]} → {value[1]}"
    return f"{field}: {value}"


class AuditFilter(django_filters.FilterSet):
    actor__username = django_filters.CharFilter(label=_("User"), lookup_expr="iexact")
    object_repr = django_filters.CharFilter(label=_("Record"), lookup_expr="icontains")
    # Two fields rather than a range widget: each date input gets its own label.
    since = django_filters.DateFilter(
        field_name="timestamp",
        lookup_expr="date__gte",
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        field_name="timestamp",
        lookup_expr="date__lte",
        label=_("Until"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = LogEntry
        fields = ["action", "content_type"]


class ReadTable(PalermoTable):
    created = tables.DateTimeColumn(format="Y-m-d H:i:s", verbose_name=_("When"))
    user = tables.Column(verbose_name=_("Who"), default="—")
    surface = tables.Column(verbose_name=_("Through"))
    content_type = tables.Column(verbose_name=_("Kind of record"))
    object_repr = tables.Column(verbose_name=_("Record"), empty_values=())
    path = tables.Column(verbose_name=_("Address or command"))

    class Meta(PalermoTable.Meta):
        model = ReadEvent
        fields = ("created", "user", "surface", "content_type", "object_repr", "path")

    def render_object_repr(self, record):
        if record.object_pk:
            return record.object_repr or record.object_pk
        return ngettext("%(count)s record", "%(count)s records", record.count) % {
            "count": record.count
        }

    def value_object_repr(self, record):
        return self.render_object_repr(record)


class ReadFilter(django_filters.FilterSet):
    user__username = django_filters.CharFilter(label=_("User"), lookup_expr="iexact")
    object_repr = django_filters.CharFilter(label=_("Record"), lookup_expr="icontains")

    class Meta:
        model = ReadEvent
        fields = ["surface", "content_type"]
