import functools

import django_filters
import django_tables2 as tables
from auditlog.models import LogEntry
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import ApiTokenForm, ImportForm, LanguageForm, RoleAssignmentForm, UserCreateForm
from .imports import IMPORTERS, start_import
from .jobs import job_state
from .models import Job, User
from .search import MIN_LENGTH, search_all
from .tables import DataTableView, PalermoTable, UserFilter, UserTable, users_with_roles


def home(request):
    modules = [
        {
            "title": _("Treaties"),
            "url": reverse("treaties:instruments"),
            "text": _(
                "Who is bound by the Convention and each Protocol, since when: status on any "
                "date, parties over time, a world map."
            ),
        },
        {
            "title": _("Review"),
            "url": "",
            "text": _("Self-assessment questionnaires and peer review of implementation."),
        },
        {
            "title": _("Library"),
            "url": "",
            "text": _("National legislation and case law, linked to the articles they implement."),
        },
        {
            "title": _("Directory"),
            "url": "",
            "text": _("Competent national authorities, their languages and channels."),
        },
        {
            "title": _("Cooperation"),
            "url": "",
            "text": _("A guided writer for mutual legal assistance and extradition requests."),
        },
        {
            "title": _("Statistics"),
            "url": "",
            "text": _("Crime and criminal justice data classified by the ICCS."),
        },
        {
            "title": _("Analysis"),
            "url": "",
            "text": _("Private workspaces for organized-crime network analysis."),
        },
        {
            "title": _("Assistance"),
            "url": "",
            "text": _("Technical assistance programmes matched to the needs found in reviews."),
        },
    ]
    return render(request, "core/home.html", {"modules": modules})


@login_required
def account(request):
    new_key = None
    form = ApiTokenForm()
    language_form = LanguageForm(initial={"language": request.user.language or get_language()})
    if request.method == "POST":
        if "language" in request.POST:
            language_form = LanguageForm(request.POST)
            if language_form.is_valid():
                language = language_form.cleaned_data["language"]
                services.set_preferred_language(acting_user=request.user, language=language)
                translation.activate(language)
                messages.success(request, _("Saved."))
                response = redirect("core:account")
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    language,
                    samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                )
                return response
        elif "revoke" in request.POST:
            token = get_object_or_404(request.user.api_tokens, pk=request.POST["revoke"])
            services.revoke_api_token(acting_user=request.user, token=token)
            messages.success(request, _("The token was revoked."))
            return redirect("core:account")
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            _token, new_key = services.create_api_token(
                acting_user=request.user, name=form.cleaned_data["name"]
            )
            form = ApiTokenForm()
    return render(
        request,
        "core/account.html",
        {
            "tokens": request.user.api_tokens.all(),
            "token_form": form,
            "language_form": language_form,
            "new_key": new_key,
        },
    )


@login_required
def notifications(request):
    if request.method == "POST":
        services.mark_notifications_read(acting_user=request.user)
        return redirect("core:notifications")
    page = Paginator(request.user.notifications.all(), 50).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page_obj": page})


@login_required
def job_detail(request, pk):
    job = get_object_or_404(Job.objects.visible_to(request.user).select_related("owner"), pk=pk)
    context = {"job": job, "state": job_state(job)}
    if request.htmx:
        return render(request, "core/job.html#progress", context)
    return render(request, "core/job.html", context)


class JobTable(PalermoTable):
    label = tables.Column(
        linkify=("core:job", {"pk": tables.A("pk")}), verbose_name=gettext_lazy("Job")
    )
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


class JobListView(DataTableView):
    permission = "core.view_own_jobs"
    table_class = JobTable
    filterset_class = JobFilter
    title = gettext_lazy("Background jobs")
    export_name = "palermo-jobs"

    def get_queryset(self):
        return Job.objects.visible_to(self.request.user).select_related("owner")


class AuditTable(PalermoTable):
    timestamp = tables.DateTimeColumn(format="Y-m-d H:i:s", verbose_name=gettext_lazy("When"))
    actor = tables.Column(verbose_name=gettext_lazy("Who"), default="—")
    action = tables.Column(verbose_name=gettext_lazy("Action"))
    content_type = tables.Column(verbose_name=gettext_lazy("Kind of record"))
    object_repr = tables.Column(verbose_name=gettext_lazy("Record"))
    changes = tables.Column(
        verbose_name=gettext_lazy("What changed"), orderable=False, empty_values=()
    )

    class Meta(PalermoTable.Meta):
        model = LogEntry
        fields = ("timestamp", "actor", "action", "content_type", "object_repr", "changes")

    def render_action(self, record):
        return record.get_action_display()

    def render_changes(self, record):
        return "; ".join(
            f"{field}: {old} → {new}" for field, (old, new) in (record.changes_dict or {}).items()
        )

    def value_changes(self, record):
        return self.render_changes(record)


class AuditFilter(django_filters.FilterSet):
    actor__username = django_filters.CharFilter(label=gettext_lazy("User"), lookup_expr="iexact")
    object_repr = django_filters.CharFilter(label=gettext_lazy("Record"), lookup_expr="icontains")
    # Two fields rather than a range widget: each date input gets its own label.
    since = django_filters.DateFilter(
        field_name="timestamp",
        lookup_expr="date__gte",
        label=gettext_lazy("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        field_name="timestamp",
        lookup_expr="date__lte",
        label=gettext_lazy("Until"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = LogEntry
        fields = ["action", "content_type"]


class AuditLogView(DataTableView):
    permission = "core.view_auditlog"
    table_class = AuditTable
    filterset_class = AuditFilter
    title = gettext_lazy("Audit trail")
    intro = gettext_lazy("Every change to the data: who made it, when, and what changed.")
    export_name = "palermo-audit-trail"

    def get_queryset(self):
        return LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")


@login_required
def import_data(request):
    if not request.user.has_perm("core.import_data"):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = start_import(
            form.cleaned_data["importer"],
            form.cleaned_data["file"],
            acting_user=request.user,
            dry_run=form.cleaned_data["dry_run"],
        )
        return redirect("core:job", pk=job.pk)
    return render(request, "core/import.html", {"form": form, "importers": IMPORTERS.values()})


class UserListView(DataTableView):
    permission = "core.manage_users"
    table_class = UserTable
    filterset_class = UserFilter
    template_name = "core/users.html"
    title = gettext_lazy("Users")
    intro = gettext_lazy("Everyone who can sign in, with their roles. Open a user to change them.")
    export_name = "palermo-users"

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return ["core/data_table.html#results"]  # the partial lives in the parent template
        return [self.template_name]

    def get_queryset(self):
        return users_with_roles()


def _may_manage_users(view):
    """Sign-in first (a redirect), then the Secretariat's permission (403)."""

    @login_required
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm("core.manage_users"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@_may_manage_users
def user_create(request):
    form = UserCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "password_confirm"}
        try:
            user = services.create_user(acting_user=request.user, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("User %(username)s created. Now give them a role.") % {"username": user}
            )
            return redirect("core:user", pk=user.pk)
    return render(request, "core/users_form.html", {"form": form})


@_may_manage_users
def user_detail(request, pk):
    """A user and their roles; the form on the page adds a role (POST here)."""
    user = get_object_or_404(users_with_roles(), pk=pk)
    form = RoleAssignmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.assign_role(
                acting_user=request.user,
                user=user,
                role=form.cleaned_data["role"],
                participant=form.cleaned_data["participant"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Role added: %(role)s.") % {"role": assignment})
            return redirect("core:user", pk=user.pk)
    return render(request, "core/users_detail.html", {"person": user, "role_form": form})


@require_POST
@_may_manage_users
def user_remove_role(request, pk, assignment_pk):
    user = get_object_or_404(User, pk=pk)
    assignment = get_object_or_404(
        user.role_assignments.select_related("participant"), pk=assignment_pk
    )
    try:
        services.remove_role(acting_user=request.user, assignment=assignment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Role removed: %(role)s.") % {"role": assignment})
    return redirect("core:user", pk=user.pk)


@require_POST
@_may_manage_users
def user_set_active(request, pk):
    user = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_user_active(acting_user=request.user, user=user, active=active)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(user)s can sign in again.") % {"user": user}
            if active
            else _("%(user)s can no longer sign in.") % {"user": user},
        )
    return redirect("core:user", pk=user.pk)


def site_search(request):
    """One box for the whole site; an htmx request gets just the results."""
    query = request.GET.get("q", "").strip()
    groups = search_all(query, request.user)
    context = {"query": query, "groups": groups, "too_short": 0 < len(query) < MIN_LENGTH}
    if request.htmx and not request.htmx.boosted:
        return render(request, "core/search.html#results", context)
    return render(request, "core/search.html", context)
