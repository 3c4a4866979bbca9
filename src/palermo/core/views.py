import django_filters
import django_tables2 as tables
from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services
from .forms import ApiTokenForm, ImportForm
from .imports import IMPORTERS, start_import
from .jobs import job_state
from .models import Job
from .tables import DataTableView, PalermoTable


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
    if request.method == "POST":
        if "revoke" in request.POST:
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
    timestamp = django_filters.DateFromToRangeFilter(
        label=gettext_lazy("Date (from – to)"),
        widget=django_filters.widgets.RangeWidget(attrs={"type": "date"}),
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
