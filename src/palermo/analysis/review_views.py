"""The review of candidate pairs: evidence for and against, accept, reject, withdraw.

The candidates are scored by ``candidates.candidates_of`` (Splink on DuckDB), highest first;
the decisions and the clusters they make come from ``decisions``. A member who is not an editor
or an owner reads the pairs but cannot decide; anyone else gets 404 (the investigation's
existence is not revealed). Every decision is recorded in the audit trail with who and why.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from palermo.platform.access import allow, declare_routes
from palermo.platform.policies import policy_for
from palermo.platform.views import get_visible_or_404

from . import decisions
from .candidates import candidates_of
from .models import Decision, Entity, Investigation
from .resolution import ResolutionError

PAIRS_PER_PAGE = 20
DEFAULT_MIN_SCORE = 0.5

STATUS_CHOICES = [
    ("", gettext_lazy("All pairs")),
    ("open", gettext_lazy("Not decided")),
    ("accept", gettext_lazy("Accepted as the same")),
    ("reject", gettext_lazy("Rejected as different")),
]


class ReviewFilter(forms.Form):
    min_score = forms.FloatField(
        label=gettext_lazy("Lowest score"),
        min_value=0,
        max_value=1,
        required=False,
        help_text=gettext_lazy("The match probability, from 0 to 1."),
    )
    max_score = forms.FloatField(
        label=gettext_lazy("Highest score"), min_value=0, max_value=1, required=False
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Decision"), choices=STATUS_CHOICES, required=False
    )


class DecisionForm(forms.Form):
    left = forms.IntegerField(widget=forms.HiddenInput)
    right = forms.IntegerField(widget=forms.HiddenInput)
    score = forms.FloatField(widget=forms.HiddenInput, required=False)
    verdict = forms.ChoiceField(choices=Decision.Verdict.choices)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


def chart_url(investigation) -> str | None:
    """The link chart of the investigation, when the link chart is installed."""
    try:
        return reverse("analysis:chart", kwargs={"pk": investigation.pk})
    except NoReverseMatch:
        return None


def _side(found: dict, entity: Entity | None) -> dict:
    return {
        **found,
        "entity": entity,
        "properties": sorted((entity.properties or {}).items()) if entity else [],
    }


@login_required
def review(request, pk):
    investigation = get_visible_or_404(Investigation.objects.all(), request.user, pk=pk)
    may_decide = policy_for(investigation).allows(request.user, "change", investigation)
    data = request.GET.copy()
    data.setdefault("min_score", str(DEFAULT_MIN_SCORE))
    filters = ReviewFilter(data)
    pairs, error, found = [], None, {"records": 0, "trained": False}
    state = decisions.state_of(investigation, request.user)
    status = ""
    if filters.is_valid():
        low = filters.cleaned_data["min_score"]
        low = DEFAULT_MIN_SCORE if low is None else low
        high = filters.cleaned_data["max_score"]
        status = filters.cleaned_data["status"]
        try:
            found = candidates_of(investigation, request.user, min_probability=low)
        except ResolutionError as exc:
            error = str(exc)
        else:
            pairs = [p for p in found["pairs"] if high is None or p["match_probability"] <= high]
    # Every pair's verdict first (one query for the ids), so that the filter by decision
    # applies before the pages are cut.
    named = {side["id"] for p in pairs for side in (p["left"], p["right"])}
    pks = dict(
        Entity.objects.filter(investigation=investigation, ftm_id__in=sorted(named)).values_list(
            "ftm_id", "pk"
        )
    )
    judged = []
    for pair in pairs:
        left, right = pks.get(pair["left"]["id"]), pks.get(pair["right"]["id"])
        if left is None or right is None:
            continue
        verdict = state.verdict(left, right)
        implied = not verdict and state.same(left, right)
        current = verdict.verdict if verdict else ("accept" if implied else "open")
        if status and current != status:
            continue
        judged.append((pair, verdict, implied, state.conflict_for(left, right)))
    page = Paginator(judged, PAIRS_PER_PAGE).get_page(request.GET.get("page"))
    shown = {side["id"] for p, *_rest in page.object_list for side in (p["left"], p["right"])}
    entities = {
        e.ftm_id: e
        for e in Entity.objects.filter(investigation=investigation, ftm_id__in=sorted(shown))
    }
    rows = [
        {
            **pair,
            "left": _side(pair["left"], entities.get(pair["left"]["id"])),
            "right": _side(pair["right"], entities.get(pair["right"]["id"])),
            "verdict": verdict,
            "implied": implied,
            "conflict": conflict,
        }
        for pair, verdict, implied, conflict in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "investigation": investigation,
        "filters": filters,
        "page_obj": page,
        "pairs": rows,
        "total": len(judged),
        "records": found["records"],
        "trained": found["trained"],
        "error": error,
        "may_decide": may_decide,
        "verdicts": Decision.Verdict.choices,
        "state": state,
        "groups": _groups(investigation, state),
        "history": decisions.history(investigation, request.user, limit=10),
        "query": query.urlencode(),
        "chart_url": chart_url(investigation),
        "here": request.get_full_path(),
    }
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        return render(request, "analysis/review.html#results", context)
    return render(request, "analysis/review.html", context)


def _groups(investigation, state) -> list[list[Entity]]:
    groups = state.merged_groups()[:50]
    wanted = {pk for group in groups for pk in group}
    by_pk = {
        e.pk: e
        for e in Entity.objects.filter(investigation=investigation, pk__in=wanted).only(
            "pk", "caption", "schema", "ftm_id"
        )
    }
    return [[by_pk[pk] for pk in sorted(group) if pk in by_pk] for group in groups]


@login_required
@require_POST
def decide(request, pk):
    investigation = get_visible_or_404(Investigation.objects.all(), request.user, pk=pk)
    if not policy_for(investigation).allows(request.user, "change", investigation):
        raise PermissionDenied(_("Viewers read the pairs; editors and owners decide."))
    form = DecisionForm(request.POST)
    back = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    back = back or reverse("analysis:review", kwargs={"pk": investigation.pk})
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label or name}: {' '.join(errors)}"
            for name, errors in form.errors.items()
        )
        messages.error(
            request, _("The decision was not recorded. %(problems)s") % {"problems": problems}
        )
        return redirect(back)
    data = form.cleaned_data
    sides = {
        e.pk: e
        for e in Entity.objects.filter(
            investigation=investigation, pk__in=[data["left"], data["right"]]
        )
    }
    if data["left"] not in sides or data["right"] not in sides:
        messages.error(request, _("The decision was not recorded: no such entity here."))
        return redirect(back)
    try:
        decision = decisions.decide(
            investigation,
            sides[data["left"]],
            sides[data["right"]],
            verdict=data["verdict"],
            reason=data["reason"],
            score=data["score"],
            acting_user=request.user,
        )
    except ValidationError as exc:
        messages.error(
            request,
            _("The decision was not recorded. %(problems)s") % {"problems": " ".join(exc.messages)},
        )
        return redirect(back)
    left, right = decision.left, decision.right
    words = {
        Decision.Verdict.ACCEPT: _("Recorded: %(left)s and %(right)s are the same entity."),
        Decision.Verdict.REJECT: _("Recorded: %(left)s and %(right)s are different."),
        Decision.Verdict.WITHDRAW: _("Withdrawn: the decision on %(left)s and %(right)s."),
    }
    messages.success(
        request, words[decision.verdict] % {"left": left.caption, "right": right.caption}
    )
    state = decisions.state_of(investigation, request.user)
    conflict = state.conflict_for(left.pk, right.pk)
    if conflict:
        messages.warning(request, conflict.text)
    return redirect(back)


@login_required
def merged(request, pk, entity):
    investigation = get_visible_or_404(Investigation.objects.all(), request.user, pk=pk)
    item = get_visible_or_404(
        Entity.objects.filter(investigation=investigation), request.user, pk=entity
    )
    state = decisions.state_of(investigation, request.user)
    view = decisions.merged(investigation, item, request.user, state)
    cluster = state.cluster_of(item.pk)
    ties = [
        d
        for key, d in sorted(state.verdicts.items())
        if d.verdict == Decision.Verdict.ACCEPT and set(key) <= cluster
    ]
    by_pk = {m.pk: m for m in view.members}
    return render(
        request,
        "analysis/review_merged.html",
        {
            "investigation": investigation,
            "entity": item,
            "merged": view,
            "ties": [(by_pk.get(d.left_id), by_pk.get(d.right_id), d) for d in ties],
        },
    )


urlpatterns = [
    path("<int:pk>/review/", review, name="review"),
    path("<int:pk>/review/decide/", decide, name="decide"),
    path("<int:pk>/review/merged/<int:entity>/", merged, name="review_merged"),
]


# Samples for the permission matrix (called inside its test transaction) -------------------


def _pair():
    """The demo analyst's investigation with two people who may be one."""
    from .urls import _investigation

    investigation, first = _investigation()
    second = Entity.objects.create(
        investigation=investigation,
        ftm_id="matrix-sample-2",
        schema="Person",
        caption="Sample person",
        properties={"name": ["Sample person"]},
    )
    return investigation, first, second


def _review_args():
    investigation, _first, _second = _pair()
    return {"pk": investigation.pk}


def _merged_args():
    investigation, first, _second = _pair()
    return {"pk": investigation.pk, "entity": first.pk}


_decided: dict = {}


def _decide_args():
    investigation, first, second = _pair()
    _decided.update(left=first.pk, right=second.pk)
    return {"pk": investigation.pk}


def _decide_data():
    return {
        "left": _decided["left"],
        "right": _decided["right"],
        "verdict": "accept",
        "reason": "Matrix sample",
    }


declare_routes(
    "analysis",
    {
        # Members only (others: 404); viewers read, editors and owners decide.
        "review": allow("analyst", sample=_review_args, hidden=True),
        "review_merged": allow("analyst", sample=_merged_args, hidden=True),
        "decide": allow(
            "analyst", sample=_decide_args, method="POST", data=_decide_data, hidden=True
        ),
    },
)
