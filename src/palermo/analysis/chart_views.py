"""The link chart's pages: an investigation's chart, and a saved chart opened again.

The page is a shell: ``static/palermo/linkchart.js`` draws the network from the chart API
(``chart_api.py``) with the vendored WebGL renderer (sigma.js). Members only, like every page
of an investigation: a non-member gets 404; viewers see the chart and its saved versions, but
only owners and editors are offered to save. Each read is logged.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from palermo.platform.access import allow, declare_routes
from palermo.platform.audit import record_reads
from palermo.platform.policies import policy_for, restrict
from palermo.platform.views import get_visible_or_404

from .chart_api import ICONS, METRICS, UNKNOWN_ICON
from .models import LINK_SCHEMATA, Chart, Investigation

#: Colours of the node types on the chart (Okabe-Ito, then greys): one per FollowTheMoney schema.
COLOURS = {
    "Person": "#0072B2",
    "Organization": "#009E73",
    "Company": "#D55E00",
    "LegalEntity": "#CC79A7",
    "Address": "#56B4E9",
    "Identification": "#999999",
    "Passport": "#777777",
    "BankAccount": "#E69F00",
    "CryptoWallet": "#B8860B",
    "Vehicle": "#4D4D4D",
    "Vessel": "#2F4F4F",
    "RealEstate": "#8B5A2B",
    "Event": "#9B1C1C",
    "CourtCase": "#5A3E85",
}
METRIC_LABELS = {
    "degree": _("Degree"),
    "strength": _("Weighted degree"),
    "betweenness": _("Betweenness"),
    "closeness": _("Closeness"),
    "eigenvector": _("Eigenvector"),
    "pagerank": _("PageRank"),
}


#: The words linkchart.js shows, translated here (the script has no catalogue of its own).
STRINGS = {
    "pick": _("Click a node to see its details and expand it."),
    "degree": _("Neighbours in the investigation"),
    "onChart": _("Neighbours on the chart"),
    "evidence": _("Open its evidence"),
    "hops": _("How far to expand"),
    "hopsN": _("%(n)s step(s)"),
    "expand": _("Expand"),
    "expanding": _("Expanding…"),
    "expanded": _("%(added)s node(s) added around %(name)s."),
    "layoutRunning": _("Laying out the network…"),
    "layoutDone": _("Layout finished."),
    "computing": _("Computing the measure on the whole investigation…"),
    "noDates": _("No dated events, calls or payments on the chart."),
    "timelineSummary": _(
        "In the time window: %(events)s events, %(calls)s calls, %(payments)s payments, "
        "%(other)s other dated links."
    ),
    "windowAll": _("All dates"),
    "windowFromTo": _("From %(since)s to %(until)s"),
    "showing": _(
        "Showing %(shown)s of %(loaded)s nodes loaded (%(total)s in the investigation), "
        "%(links)s links."
    ),
    "truncated": _(
        "Only the most connected nodes are loaded; expand a node to add its neighbours."
    ),
    "needTitle": _("Give the chart a title before saving it."),
    "saved": _("Saved “%(title)s”."),
    "notFound": _("No node on the chart is named like “%(text)s”."),
    "atLeast": _("%(value)s or more"),
}


@login_required
def chart_page(request, pk, saved=None):
    """The link chart of an investigation, or one of its saved charts (``saved``)."""
    investigation = get_visible_or_404(Investigation.objects.all(), request.user, pk=pk)
    charts = list(
        restrict(Chart.objects.filter(investigation=investigation), request.user)
        .select_related("created_by")
        .only("pk", "title", "updated", "created_by__username", "investigation_id")[:100]
    )
    record_reads(request.user, charts, model=Chart)
    opened = None
    if saved is not None:
        opened = get_visible_or_404(
            Chart.objects.filter(investigation=investigation), request.user, pk=saved
        )
    can_save = policy_for(Chart).allows(request.user, "add", Chart(investigation=investigation))
    return render(
        request,
        "analysis/chart.html",
        {
            "investigation": investigation,
            "charts": charts,
            "opened": opened,
            "can_save": can_save,
            "title": opened.title if opened else _("Link chart"),
            "legend": [
                {"schema": schema, "icon": ICONS.get(schema, UNKNOWN_ICON), "colour": colour}
                for schema, colour in COLOURS.items()
            ],
            "link_types": LINK_SCHEMATA,
            "metrics": [(name, METRIC_LABELS[name]) for name in METRICS],
            "strings": STRINGS,
            "config": {
                "investigation": investigation.pk,
                "chart": opened.pk if opened else None,
                "canSave": can_save,
                "colours": COLOURS,
                "icons": ICONS,
                "unknownIcon": UNKNOWN_ICON,
                "metricLabels": METRIC_LABELS,
            },
        },
    )


def chart_saved(request, pk, chart):
    return chart_page(request, pk, saved=chart)


urlpatterns = [
    path("<int:pk>/chart/", chart_page, name="chart"),
    path("<int:pk>/charts/<int:chart>/", chart_saved, name="chart_saved"),
]


def _investigation_args():
    from .urls import _investigation_args as sample

    return sample()


def _saved_args():
    from .chart_api import _chart_args

    args = _chart_args()
    return {"pk": args["investigation_id"], "chart": args["chart_id"]}


declare_routes(
    "analysis",
    {
        "chart": allow("analyst", sample=_investigation_args, hidden=True),
        "chart_saved": allow("analyst", sample=_saved_args, hidden=True),
    },
)
