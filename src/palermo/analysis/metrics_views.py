"""The network measures' page: choose a measure, run it on the investigation, read the table.

The same computations as ``palermo analysis metrics`` and ``disrupt`` (``graph.network_of`` and
``network.Network`` on igraph), for the investigation's members only (others get 404; the read
is logged). The table is sorted from the highest value down and downloads as CSV. The measures
run in the request: on the networks an investigation holds (thousands of entities) they take
well under a second, and past :data:`SAMPLE_ABOVE` entities betweenness is estimated from a
sample of sources, as the command's ``--sample`` does. Neither the command nor ``network.py``
runs them as background jobs, so neither does this page.
"""

import csv
from dataclasses import dataclass, field

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palermo.platform.access import allow, declare_routes
from palermo.platform.audit import surface
from palermo.platform.choices import Surface
from palermo.platform.tables import neutralise
from palermo.platform.views import get_visible_or_404

from .graph import network_of
from .models import Investigation
from .network import NetworkError

ROWS_PER_PAGE = 50
#: Betweenness from this many entities up is estimated from :data:`SAMPLE_SOURCES` sources.
SAMPLE_ABOVE = 5000
SAMPLE_SOURCES = 500

NODE_MEASURES = {
    "degree": gettext_lazy("Degree (number of distinct contacts)"),
    "strength": gettext_lazy("Weighted degree (sum of the ties' weights)"),
    "betweenness": gettext_lazy("Betweenness (on the shortest paths between others)"),
    "closeness": gettext_lazy("Closeness (near to everyone it can reach)"),
    "eigenvector": gettext_lazy("Eigenvector (tied to well-tied entities)"),
    "pagerank": gettext_lazy("PageRank"),
}
MEASURES = [
    *NODE_MEASURES.items(),
    ("communities", gettext_lazy("Communities (Leiden)")),
    ("brokers", gettext_lazy("Brokers between communities")),
    ("disruption", gettext_lazy("Disruption curve")),
]
STRATEGIES = [
    ("degree", gettext_lazy("Degree")),
    ("strength", gettext_lazy("Weighted degree")),
    ("betweenness", gettext_lazy("Betweenness")),
    ("random", gettext_lazy("Random (baseline)")),
]


class MeasureForm(forms.Form):
    measure = forms.ChoiceField(label=gettext_lazy("Measure"), choices=MEASURES)
    directed = forms.BooleanField(
        label=gettext_lazy("Follow direction (payer → payee, caller → receiver)"), required=False
    )
    unweighted = forms.BooleanField(
        label=gettext_lazy("Count hops, not tie strength"), required=False
    )
    strategy = forms.ChoiceField(
        label=gettext_lazy("Remove by (disruption)"), choices=STRATEGIES, required=False
    )
    per_step = forms.IntegerField(
        label=gettext_lazy("Entities removed per step (disruption)"),
        min_value=1,
        max_value=1000,
        required=False,
    )
    recompute = forms.BooleanField(
        label=gettext_lazy("Rank again after each step (disruption)"), required=False
    )
    max_removed = forms.IntegerField(
        label=gettext_lazy("Stop after removing (disruption)"), min_value=1, required=False
    )


@dataclass
class Result:
    """A measure's table: its columns (key, heading) and rows (dicts), sorted."""

    measure: str
    columns: list[tuple[str, str]]
    rows: list[dict]
    notes: list[str] = field(default_factory=list)
    #: (removed so far, share in the largest component) for the disruption chart.
    curve: list[tuple[int, float]] = field(default_factory=list)


def _round(value):
    return round(value, 6) if isinstance(value, float) else value


def run(graph, data: dict) -> Result:
    """Run the chosen measure on ``graph`` (an ``InvestigationNetwork``)."""
    network = graph.network
    measure = data["measure"]
    weighted = not data.get("unweighted")
    notes = []
    sample = None
    if len(network) >= SAMPLE_ABOVE:
        sample = SAMPLE_SOURCES
    entity = [("caption", _("Entity")), ("schema", _("Schema"))]
    if measure in NODE_MEASURES:
        if measure == "degree":
            values = network.degree()
        elif measure == "strength":
            values = network.strength()
        elif measure == "betweenness":
            values = network.betweenness(weighted=weighted, sample=sample)
            if sample:
                notes.append(
                    _("Estimated from %(k)d randomly drawn sources (%(n)d entities).")
                    % {"k": sample, "n": len(network)}
                )
        elif measure == "closeness":
            values = network.closeness(weighted=weighted)
        elif measure == "eigenvector":
            values = network.eigenvector(weighted=weighted)
        else:
            values = network.pagerank(weighted=weighted)
        rows = [{**graph.label(node), "value": _round(value)} for node, value in values.items()]
        rows.sort(key=lambda r: (-r["value"], r["caption"], r["id"]))
        for rank, row in enumerate(rows, 1):
            row["rank"] = rank
        columns = [("rank", _("Rank")), *entity, ("value", str(NODE_MEASURES[measure]))]
        return Result(measure, columns, rows, notes)
    if measure == "communities":
        found = network.communities(weighted=weighted) if len(network) else None
        rows = []
        for number, group in enumerate(found.groups if found else []):
            names = sorted(graph.label(n)["caption"] or str(n) for n in group)
            rows.append(
                {
                    "community": number,
                    "size": len(group),
                    "members": ", ".join(names[:30]) + (" …" if len(names) > 30 else ""),
                }
            )
        if found:
            notes.append(_("Modularity %(q).3f.") % {"q": found.modularity})
        columns = [
            ("community", _("Community")),
            ("size", _("Entities")),
            ("members", _("Members")),
        ]
        return Result(measure, columns, rows, notes)
    if measure == "brokers":
        found = network.brokers(weighted=weighted) if len(network) else []
        rows = [
            {
                **graph.label(b.node),
                "community": b.community,
                "participation": _round(b.participation),
                "external_share": _round(b.external_share),
                "communities_reached": b.communities_reached,
                "betweenness": _round(b.betweenness),
            }
            for b in found
        ]
        columns = [
            *entity,
            ("community", _("Own community")),
            ("participation", _("Participation coefficient")),
            ("external_share", _("Share of ties outside")),
            ("communities_reached", _("Other communities reached")),
            ("betweenness", _("Betweenness")),
        ]
        return Result(measure, columns, rows, notes)
    result = network.disrupt(
        data.get("strategy") or "degree",
        per_step=data.get("per_step") or 1,
        recompute=bool(data.get("recompute")),
        max_removed=data.get("max_removed"),
        weighted=weighted,
        sample=sample,
    )
    rows = [
        {
            "step": s.step,
            "removed": ", ".join(graph.label(n)["caption"] or str(n) for n in s.removed) or "—",
            "removed_total": s.removed_total,
            "largest_component": s.largest_component,
            "largest_share": round(s.largest_share, 6),
        }
        for s in result.steps
    ]
    columns = [
        ("step", _("Step")),
        ("removed", _("Removed at this step")),
        ("removed_total", _("Removed so far")),
        ("largest_component", _("Largest connected group")),
        ("largest_share", _("Share of all entities")),
    ]
    return Result(measure, columns, rows, notes, result.curve())


def _polyline(curve: list[tuple[int, float]], width: int = 600, height: int = 240) -> dict:
    """The disruption curve as an SVG polyline (x: removed, y: share in the largest group)."""
    top = max((x for x, _y in curve), default=0) or 1
    points = " ".join(
        f"{40 + x / top * (width - 60):.1f},{10 + (1 - y) * (height - 40):.1f}" for x, y in curve
    )
    return {"points": points, "width": width, "height": height, "top": top}


def _csv(investigation, result: Result) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"palermo-investigation-{investigation.pk}-{result.measure}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    keys = [key for key, _label in result.columns]
    if result.measure in NODE_MEASURES or result.measure == "brokers":
        keys.insert(0, "id")
        writer.writerow(["FollowTheMoney id", *(label for _key, label in result.columns)])
    else:
        writer.writerow([label for _key, label in result.columns])
    for row in result.rows:
        writer.writerow([neutralise(row.get(key, "")) for key in keys])
    return response


def chart_url(investigation) -> str | None:
    try:
        return reverse("analysis:chart", kwargs={"pk": investigation.pk})
    except NoReverseMatch:
        return None


@login_required
def metrics(request, pk):
    investigation = get_visible_or_404(Investigation.objects.all(), request.user, pk=pk)
    form = MeasureForm(request.GET if "measure" in request.GET else None)
    context = {
        "investigation": investigation,
        "form": form,
        "chart_url": chart_url(investigation),
        "result": None,
        "error": None,
    }
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        exporting = request.GET.get("format") == "csv"
        try:
            with surface(Surface.EXPORT if exporting else Surface.PAGE, request.get_full_path()):
                graph = network_of(investigation, request.user, directed=data["directed"])
            result = run(graph, data)
        except NetworkError as exc:
            context["error"] = str(exc)
        else:
            if exporting:
                return _csv(investigation, result)
            query = request.GET.copy()
            query.pop("page", None)
            query.pop("format", None)
            page = Paginator(result.rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
            context.update(
                result=result,
                page_obj=page,
                rows=[[row.get(key, "") for key, _label in result.columns] for row in page],
                query=query.urlencode(),
                summary=graph.network.summary(),
                curve=_polyline(result.curve) if result.curve else None,
                measure_label=dict(MEASURES)[result.measure],
            )
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        return render(request, "analysis/metrics.html#results", context)
    return render(request, "analysis/metrics.html", context)


urlpatterns = [path("<int:pk>/measures/", metrics, name="metrics")]


def _metrics_args():
    from .urls import _investigation

    investigation, _entity = _investigation()
    return {"pk": investigation.pk}


declare_routes(
    "analysis",
    {
        "metrics": allow("analyst", sample=_metrics_args, hidden=True, query={"measure": "degree"}),
    },
)
