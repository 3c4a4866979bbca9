"""Assistance pages: the dashboard, programmes, activities, needs (a State's own), the need's
history, candidates and links, and the donor's view. Every read goes through the policies;
every write through ``services``; every figure through ``figures``."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palermo.core.models import Participant
from palermo.core.permissions import is_secretariat
from palermo.platform.access import PUBLIC, allow, declare_routes
from palermo.platform.policies import policy_for, restrict
from palermo.platform.tables import DataTableView
from palermo.platform.views import get_visible_or_404

from . import figures, services
from .forms import (
    ActivityFilter,
    DashboardFilters,
    LinkForm,
    NeedFilter,
    NeedForm,
    ProgrammeFilter,
    StatusForm,
)
from .models import Activity, Budget, Expenditure, Need, Programme, Report
from .money import Converter, MissingRate
from .tables import ActivityTable, NeedTable, ProgrammeTable

# Dashboard ----------------------------------------------------------------------------------


def _bars(rows, value="activities", label="label"):
    """Rows with the width (percent of the largest) of a server-side SVG bar."""
    top = max((float(r[value] or 0) for r in rows), default=0)
    return [
        {
            **r,
            "bar_label": r[label] or r["key"],
            "value": r[value],
            "width": round(float(r[value] or 0) / top * 100, 1) if top else 0,
        }
        for r in rows
    ]


def _filters(form) -> figures.Filters:
    data = form.cleaned_data if form.is_valid() else {}
    return figures.Filters(
        period=figures.Period(data.get("date_from"), data.get("date_to")),
        region=data["region"].code if data.get("region") else None,
        priority_area=data["priority_area"].code if data.get("priority_area") else None,
    )


def _map_data(state_rows):
    values, labels, links = {}, {}, {}
    codes = {r["key"]: r["activities"] for r in state_rows}
    for p in Participant.objects.filter(code__in=codes).exclude(m49_code=""):
        n = codes[p.code]
        values[p.m49_code] = "many" if n >= 5 else "some"
        labels[p.m49_code] = p.localized_name
        links[p.m49_code] = f"{reverse('assistance:activities')}?participant={p.code}"
    return {
        "categories": [
            {"key": "some", "label": str(_("1 to 4 activities")), "color": "#9ecae1"},
            {"key": "many", "label": str(_("5 activities or more")), "color": "#08519c"},
        ],
        "values": values,
        "labels": labels,
        "links": links,
    }


def home(request):
    form = DashboardFilters(request.GET or None)
    filters = _filters(form)
    user = request.user
    summary = figures.summary(user, filters)
    by_state = figures.breakdown(user, "state", filters)
    by_area = figures.breakdown(user, "priority_area", filters)
    return render(
        request,
        "assistance/home.html",
        {
            "form": form,
            "summary": summary,
            "by_priority_area": _bars(by_area),
            "gaps_by_priority_area": _bars(by_area, value="funding_gap_usd"),
            "by_region": _bars(figures.breakdown(user, "region", filters)),
            "by_year": _bars(figures.breakdown(user, "year", filters)),
            "by_state": by_state,
            "map_data": _map_data(by_state),
            "topojson": static("vendor/countries-110m.json"),
            "unmet": figures.unmet_needs(user, "region") if user.is_authenticated else [],
            "may_report": policy_for(Report).allows(user, "view"),
        },
    )


# Programmes ---------------------------------------------------------------------------------


class ProgrammeListView(DataTableView):
    template_name = "assistance/programme_list.html"
    table_class = ProgrammeTable
    filterset_class = ProgrammeFilter
    title = gettext_lazy("Programmes")
    intro = gettext_lazy("The Secretariat's programmes of technical assistance.")
    export_name = "palermo-programmes"

    def get_queryset(self):
        return Programme.objects.all()

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return ["platform/data_table.html#results"]
        return [self.template_name]


def _money_lines(lines, converter):
    """Budget or expenditure lines grouped by year and currency, with their dollars."""
    grouped = defaultdict(lambda: {"amount": 0, "usd": 0, "rate": None})
    for line in lines:
        row = grouped[(line.year, line.currency)]
        row["amount"] += line.amount
        try:
            conversion = converter.to_usd(line.amount, line.currency, line.year, line.month)
        except MissingRate as exc:
            row["rate"] = str(exc)
        else:
            row["usd"] += conversion.usd
            if line.currency != "USD":
                row["rate"] = conversion.label
    return [
        {"year": year, "currency": currency, **row}
        for (year, currency), row in sorted(grouped.items())
    ]


def programme_detail(request, pk):
    user = request.user
    programme = get_visible_or_404(Programme.objects.all(), user, pk=pk)
    projects = list(
        restrict(programme.projects.all(), user).prefetch_related(
            Prefetch("budgets", queryset=restrict(Budget.objects.all(), user)),
            Prefetch("expenditures", queryset=restrict(Expenditure.objects.all(), user)),
        )
    )
    converter = Converter()
    for project in projects:
        project.budget_rows = _money_lines(project.budgets.all(), converter)
        project.expenditure_rows = _money_lines(project.expenditures.all(), converter)
    activities = (
        restrict(programme.activities.all(), user)
        .select_related("type")
        .prefetch_related("beneficiaries")
        .order_by("-start", "code")
    )
    return render(
        request,
        "assistance/programme_detail.html",
        {
            "programme": programme,
            "projects": projects,
            "indicators": restrict(programme.indicators.all(), user),
            "evaluations": restrict(programme.evaluations.all(), user),
            "activities": activities,
            "rates": converter.rates_used(),
        },
    )


# Activities ---------------------------------------------------------------------------------


class ActivityListView(DataTableView):
    template_name = "assistance/activity_list.html"
    table_class = ActivityTable
    filterset_class = ActivityFilter
    title = gettext_lazy("Activities")
    intro = gettext_lazy(
        "Workshops, advice, tools and other activities: ours, partners' (IATI) and the "
        "historical record."
    )
    export_name = "palermo-activities"

    def get_queryset(self):
        return Activity.objects.select_related("type").prefetch_related("beneficiaries")

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return ["platform/data_table.html#results"]
        return [self.template_name]


def activity_detail(request, pk):
    user = request.user
    activity = get_visible_or_404(
        Activity.objects.select_related("type", "programme", "project", "reporting_organisation"),
        user,
        pk=pk,
    )
    return render(
        request,
        "assistance/activity_detail.html",
        {
            "activity": activity,
            "beneficiaries": activity.beneficiaries.all(),
            "priority_areas": activity.priority_areas.all(),
            "articles": activity.articles.select_related("instrument"),
            "participations": restrict(activity.participations.select_related("institution"), user),
            "documents": restrict(activity.documents.all(), user),
            "partners": activity.partners.all(),
            "programme": (
                activity.programme
                if activity.programme_id
                and policy_for(Programme).allows(user, "view", activity.programme)
                else None
            ),
        },
    )


# Needs --------------------------------------------------------------------------------------


class NeedListView(DataTableView):
    template_name = "assistance/need_list.html"
    table_class = NeedTable
    filterset_class = NeedFilter
    title = gettext_lazy("Needs for technical assistance")
    intro = gettext_lazy(
        "The assistance States need. A State sees its own needs; the Secretariat sees all."
    )
    export_name = "palermo-needs"

    def get_queryset(self):
        return Need.objects.select_related("participant", "type")

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return ["platform/data_table.html#results"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_add"] = policy_for(Need).allows(user, "add")
        context["unmet"] = {
            dimension: figures.unmet_needs(user, dimension)
            for dimension in ("region", "article", "type")
        }
        context["needs_map"] = _needs_map(figures.unmet_needs(user, "state"))
        context["topojson"] = static("vendor/countries-110m.json")
        return context


def _needs_map(state_rows):
    """The world map's data: each State shaded by how many of its needs still want assistance."""
    counts = {r["key"]: r["needs"] for r in state_rows if r["key"]}
    values, labels, links = {}, {}, {}
    for p in Participant.objects.filter(code__in=counts).exclude(m49_code=""):
        values[p.m49_code] = "many" if counts[p.code] >= 3 else "some"
        labels[p.m49_code] = p.localized_name
        links[p.m49_code] = f"{reverse('assistance:needs')}?participant={p.code}"
    return {
        "categories": [
            {"key": "some", "label": str(_("1 or 2 needs")), "color": "#fdae6b"},
            {"key": "many", "label": str(_("3 needs or more")), "color": "#d94801"},
        ],
        "values": values,
        "labels": labels,
        "links": links,
    }


def _candidates(need, user):
    try:
        from .matching import candidates
    except ImportError:
        return []
    return candidates(need, user)


@login_required
def need_detail(request, pk):
    user = request.user
    need = get_visible_or_404(Need.objects.select_related("participant", "type"), user, pk=pk)
    policy = policy_for(Need)
    can_link = is_secretariat(user) and policy.allows(user, "link", need)
    linked = restrict(Activity.objects.filter(need_links__need=need).select_related("type"), user)
    link_form = None
    if can_link:
        link_form = LinkForm(
            activities=restrict(Activity.objects.exclude(need_links__need=need), user).order_by(
                "-start", "code"
            )
        )
    return render(
        request,
        "assistance/need_detail.html",
        {
            "need": need,
            "events": need.events.select_related("by").order_by("at", "pk"),
            "linked": linked,
            "articles": need.articles.select_related("instrument"),
            "priority_areas": need.priority_areas.all(),
            "candidates": _candidates(need, user),
            "status_form": StatusForm(initial={"status": need.status})
            if policy.allows(user, "set_status", need)
            else None,
            "link_form": link_form,
        },
    )


@login_required
def need_new(request):
    if not policy_for(Need).allows(request.user, "add"):
        raise PermissionDenied(_("Only a State's focal point or expert, or the Secretariat."))
    form = NeedForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            need = services.record_need(
                acting_user=request.user,
                priority_areas=data.pop("priority_areas"),
                **data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            form.add_error("participant", str(exc) or _("You may not record a need for it."))
        else:
            messages.success(request, _("The need is recorded."))
            return redirect("assistance:need", pk=need.pk)
    return render(request, "assistance/need_form.html", {"form": form})


def _need_for_write(request, pk, action):
    if request.method != "POST":
        return None, HttpResponseNotAllowed(["POST"])
    need = get_visible_or_404(Need.objects.all(), request.user, pk=pk)
    if not policy_for(Need).allows(request.user, action, need):
        raise PermissionDenied
    return need, None


@login_required
def need_status(request, pk):
    need, refused = _need_for_write(request, pk, "set_status")
    if refused:
        return refused
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.set_status(
                need,
                form.cleaned_data["status"],
                acting_user=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The status is changed."))
    return redirect("assistance:need", pk=need.pk)


@login_required
def need_link(request, pk):
    if not is_secretariat(request.user):
        raise PermissionDenied(_("The Secretariat links activities to needs."))
    need, refused = _need_for_write(request, pk, "link")
    if refused:
        return refused
    form = LinkForm(request.POST, activities=restrict(Activity.objects.all(), request.user))
    if form.is_valid():
        try:
            services.link_activity(
                need,
                form.cleaned_data["activity"],
                acting_user=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The activity is linked."))
    else:
        messages.error(request, _("Choose an activity you may see."))
    return redirect("assistance:need", pk=need.pk)


# Donor's view -------------------------------------------------------------------------------


def donor_view(request):
    region = request.GET.get("region") or None
    try:
        from .matching import donor_view as compute
    except ImportError:
        rows = []
    else:
        rows = compute(request.user, region)
    return render(request, "assistance/donor_view.html", {"rows": rows, "region": region})


urlpatterns = [
    path("programmes/", ProgrammeListView.as_view(), name="programmes"),
    path("programmes/<int:pk>/", programme_detail, name="programme"),
    path("activities/", ActivityListView.as_view(), name="activities"),
    path("activities/<int:pk>/", activity_detail, name="activity"),
    path("needs/", NeedListView.as_view(), name="needs"),
    path("needs/new/", need_new, name="need_new"),
    path("needs/<int:pk>/", need_detail, name="need"),
    path("needs/<int:pk>/status/", need_status, name="need_status"),
    path("needs/<int:pk>/link/", need_link, name="need_link"),
    path("donors/", donor_view, name="donor_view"),
]


# Samples for the permission matrix (tests/test_permission_matrix.py) --------------------------


def _sample_programme():
    programme, _created = Programme.objects.get_or_create(
        code="matrix-programme",
        defaults={"title": "Matrix programme (fictional)", "published": True, "demo": True},
    )
    return {"pk": programme.pk}


def _sample_activity():
    activity, _created = Activity.objects.get_or_create(
        code="matrix-activity",
        defaults={"title": "Matrix activity (fictional)", "published": True, "demo": True},
    )
    return {"pk": activity.pk}


def _sample_need():
    need = Need.objects.filter(participant__code="ARG").order_by("pk").first()
    if need is None:
        need = Need.objects.create(
            participant=Participant.objects.get(code="ARG"),
            title="Matrix need (fictional)",
            demo=True,
        )
    return {"pk": need.pk}


def _sample_link():
    return {**_sample_need(), "activity": _sample_activity()["pk"]}


STATE_NEEDS = ("secretariat", "focal-point", "expert")
#: Who sees a list of needs (their own State's) and may record one.
NEED_ROLES = (*STATE_NEEDS, "focal-point@other", "expert@other")
declare_routes(
    "assistance",
    {
        "programmes": PUBLIC,
        "programme": allow(*PUBLIC.allow, sample=_sample_programme),
        "activities": PUBLIC,
        "activity": allow(*PUBLIC.allow, sample=_sample_activity),
        # A State's people see its needs (the list shows theirs only), the Secretariat all.
        "needs": allow(*NEED_ROLES),
        "need_new": allow(*NEED_ROLES),
        "need": allow(*STATE_NEEDS, sample=_sample_need, hidden=True),
        "need_status": allow(
            *STATE_NEEDS,
            sample=_sample_need,
            method="POST",
            hidden=True,
            data={"status": "open"},
        ),
        "need_link": allow(
            "secretariat",
            sample=_sample_need,
            method="POST",
            data=lambda: {"activity": _sample_activity()["pk"]},
        ),
        "donor_view": PUBLIC,
    },
)
