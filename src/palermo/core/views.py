import functools

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palermo.platform.choices import JobStatus
from palermo.platform.imports import IMPORTERS, create_pending_run, start_import
from palermo.platform.jobs import NotCancellable, cancel_job, job_state, may_cancel
from palermo.platform.models import ReadEvent
from palermo.platform.policies import restrict
from palermo.platform.registry import home_cards, profile_panels
from palermo.platform.search import search, too_short
from palermo.platform.tables import DataTableView
from palermo.platform.views import get_visible_or_404

from . import services
from .forms import ApiTokenForm, ImportForm, LanguageForm, RoleAssignmentForm, UserCreateForm
from .models import Job, Participant, User
from .tables import (
    AuditFilter,
    AuditTable,
    JobFilter,
    JobTable,
    ReadFilter,
    ReadTable,
    UserFilter,
    UserTable,
    users_with_roles,
)


def home(request):
    return render(request, "core/home.html", {"modules": home_cards()})


def participant_profile(request, code):
    """A State's profile: each module's panel about it, the Treaties panel first."""
    participant = get_object_or_404(
        restrict(Participant.objects.with_regions(), request.user), code=code.upper()
    )
    return render(
        request,
        "core/participant.html",
        {"participant": participant, "panels": profile_panels(request, participant)},
    )


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
                    samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                    secure=settings.LANGUAGE_COOKIE_SECURE,
                    httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                )
                return response
        elif "revoke" in request.POST:
            # A malformed or unknown number is "no such token of yours", never a server error.
            number = request.POST["revoke"].strip()
            if not number.isdigit() or int(number) > 2**63 - 1:
                raise Http404(_("No such API token."))
            token = get_object_or_404(request.user.api_tokens, pk=int(number))
            services.revoke_api_token(acting_user=request.user, token=token)
            messages.success(request, _("The token was revoked."))
            return redirect("core:account")
        else:
            form = ApiTokenForm(request.POST)
        if "language" not in request.POST and form.is_valid():
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


def _job_context(request, job):
    return {"job": job, "state": job_state(job), "may_cancel": may_cancel(request.user, job)}


@login_required
def job_detail(request, pk):
    job = get_visible_or_404(Job.objects.select_related("owner"), request.user, pk=pk)
    context = _job_context(request, job)
    if request.htmx:
        return render(request, "core/job.html#progress", context)
    return render(request, "core/job.html", context)


@login_required
@require_POST
def job_cancel(request, pk):
    """The job page's Cancel button: a queued job never runs, a running one stops."""
    job = get_visible_or_404(Job.objects.select_related("owner"), request.user, pk=pk)
    level = messages.SUCCESS
    try:
        job = cancel_job(job, acting_user=request.user)
    except NotCancellable as exc:
        job.refresh_from_db()
        level, notice = messages.WARNING, str(exc)
    else:
        notice = (
            _("The job was cancelled before it started.")
            if job.status == JobStatus.CANCELLED
            else _("The job will stop at its next step.")
        )
    if request.htmx:  # the progress box replaces itself, with the notice inside
        context = _job_context(request, job) | {"notice": notice}
        return render(request, "core/job.html#progress", context)
    messages.add_message(request, level, notice)
    return redirect("core:job", pk=job.pk)


class JobListView(DataTableView):
    table_class = JobTable
    filterset_class = JobFilter
    title = gettext_lazy("Background jobs")
    export_name = "palermo-jobs"

    def get_queryset(self):
        return Job.objects.select_related("owner")


class AuditLogView(DataTableView):
    permission = "core.view_auditlog"
    table_class = AuditTable
    filterset_class = AuditFilter
    title = gettext_lazy("Audit trail")
    intro = gettext_lazy(
        "Every change to the records you may see: who made it, when, and what changed."
    )
    export_name = "palermo-audit-trail"

    def get_queryset(self):
        return LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")


class ReadLogView(DataTableView):
    permission = "core.view_auditlog"
    table_class = ReadTable
    filterset_class = ReadFilter
    title = gettext_lazy("Who read what")
    intro = gettext_lazy(
        "Every read of a confidential record: who, which record, and through which surface. "
        "You see the reads of the records you are responsible for."
    )
    export_name = "palermo-reads"

    def get_queryset(self):
        return ReadEvent.objects.select_related("user", "content_type")


@login_required
def import_data(request):
    # Each importer says who may use it (a State's focal points import their Library drafts
    # and needs); the page offers the importers the user may use, and none is refused here.
    importers = [imp for imp in IMPORTERS.values() if imp.offered_to(request.user)]
    if not importers:
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("action") == "map":
            run = create_pending_run(
                data["importer"], data["file"], acting_user=request.user, dry_run=data["dry_run"]
            )
            url = reverse("core:import-mapping", args=[run.pk])
            if data["mapping"]:
                url += f"?mapping={data['mapping'].pk}"
            return redirect(url)
        job = start_import(
            data["importer"],
            data["file"],
            acting_user=request.user,
            dry_run=data["dry_run"],
            mapping=data["mapping"],
        )
        return redirect("core:job", pk=job.pk)
    return render(request, "core/import.html", {"form": form, "importers": importers})


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
            return ["platform/data_table.html#results"]  # the partial lives in the parent template
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
    from axes.models import AccessAttempt

    locked = AccessAttempt.objects.filter(
        username=user.username, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).exists()
    return render(
        request,
        "core/users_detail.html",
        {"person": user, "role_form": form, "locked": locked},
    )


@require_POST
@_may_manage_users
def user_unlock(request, pk):
    """Lift the pause on signing in that wrong passwords put on this account."""
    user = get_object_or_404(User, pk=pk)
    services.unlock_signin(acting_user=request.user, username=user.username)
    messages.success(request, _("%(user)s can try to sign in again.") % {"user": user})
    return redirect("core:user", pk=user.pk)


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


def _search_url(query, filters, **changes):
    from django.utils.http import urlencode

    params = {"q": query, **filters, **changes}
    return "?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _facet_links(query, filters, found):
    """Each facet value as a link that adds its filter (or, when chosen, removes it)."""
    return [
        {
            "name": group.name,
            "label": group.label,
            "values": [
                {
                    "label": value.label,
                    "count": value.count,
                    "selected": value.selected,
                    "url": _search_url(
                        query, filters, **{group.name: None if value.selected else value.value}
                    ),
                }
                for value in group.values
            ],
        }
        for group in found.facets
    ]


def _page_links(query, filters, found):
    links = {}
    if found.page > 1:
        links["previous"] = _search_url(query, filters, page=found.page - 1)
    if found.page < found.pages:
        links["next"] = _search_url(query, filters, page=found.page + 1)
    return links


def site_search(request):
    """One box for the whole site: one ranked list with facets as filter links (kind, language,
    instrument, region …) and pages; an htmx request gets just the results."""
    query = request.GET.get("q", "").strip()
    try:
        page = max(1, min(int(request.GET.get("page", 1)), 10_000))
    except ValueError:
        page = 1
    # Facet filters: every parameter named after a facet (the others are ignored).
    found = search(query, request.user, filters=request.GET.dict(), page=page)
    filters = found.filters
    context = {
        "query": query,
        "found": found,
        "filters": filters,
        "too_short": bool(query) and too_short(query),
        "facet_links": _facet_links(query, filters, found),
        "page_links": _page_links(query, filters, found),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "core/search.html#results", context)
    return render(request, "core/search.html", context)
