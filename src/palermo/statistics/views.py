"""Statistics pages: the table of aggregates by year and area, and a State's homicide series
(every source, the chosen value with its reason, the sub-region's figure), downloadable."""

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palermo.core.models import Participant
from palermo.platform.access import PUBLIC, allow, declare_routes
from palermo.platform.tables import DataTableView, neutralise

from . import services
from .forms import AggregateFilter
from .models import Aggregate, HomicideChoice
from .tables import AggregateTable

#: Classes of the world map, per 100,000 inhabitants (upper bounds; ours, for reading, not an
#: official scale), with a sequential palette (ColorBrewer Reds, colour-blind safe).
MAP_CLASSES = [
    (1, "#fee5d9"),
    (3, "#fcbba1"),
    (5, "#fc9272"),
    (10, "#fb6a4a"),
    (20, "#de2d26"),
    (None, "#a50f15"),
]


def _map_class(rate: float) -> str:
    """The key of the first class whose upper bound is above ``rate`` (the last has none)."""
    return next(
        f"c{i}" for i, (upper, _c) in enumerate(MAP_CLASSES) if upper is None or rate < upper
    )


def _map_categories() -> list[dict]:
    categories, lower = [], 0
    for i, (upper, colour) in enumerate(MAP_CLASSES):
        if upper is None:
            label = _("%(n)s or more") % {"n": lower}
        else:
            label = _("%(low)s to under %(high)s") % {"low": lower, "high": upper}
        categories.append({"key": f"c{i}", "label": label, "color": colour})
        lower = upper
    return categories


def home(request):
    """The latest year's world and regional figures, and a world map of each State's published
    value that year (as the reader may see it: a confidential one is left out)."""
    latest = Aggregate.objects.filter(
        indicator_id="homicide", level__in=["world", "region"]
    ).order_by("-year", "area")
    year = latest.values_list("year", flat=True).first()
    states = []
    map_data = {"categories": _map_categories(), "values": {}, "labels": {}, "links": {}}
    if year:
        choices = (
            HomicideChoice.objects.restrict(request.user)
            .filter(year=year)
            .select_related("participant")
            .order_by("participant__code")
        )
        for choice in choices:
            p = choice.participant
            states.append({"participant": p, "rate": choice.rate})
            if p.m49_code:
                map_data["values"][p.m49_code] = _map_class(choice.rate)
                map_data["labels"][p.m49_code] = f"{p.localized_name} ({choice.rate:.1f})"
                map_data["links"][p.m49_code] = reverse("statistics:state", args=[p.code])
    return render(
        request,
        "statistics/home.html",
        {
            "year": year,
            "aggregates": list(latest.filter(year=year)) if year else [],
            "states": states,
            "map_data": map_data,
            "topojson": static("vendor/countries-110m.json"),
        },
    )


class AggregateListView(DataTableView):
    template_name = "statistics/aggregates.html"
    table_class = AggregateTable
    filterset_class = AggregateFilter
    title = gettext_lazy("Intentional homicide: regional and global figures")
    intro = gettext_lazy(
        "Population-weighted rates per 100,000 by M49 region and sub-region, with the share "
        "of the population covered by observed data and the range where values were imputed."
    )
    export_name = "palermo-homicide-aggregates"

    def get_queryset(self):
        return Aggregate.objects.filter(indicator_id="homicide")

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return ["platform/data_table.html#results"]
        return [self.template_name]


def state_series(request, code):
    participant = Participant.objects.filter(code=code.upper()).first()
    if participant is None:
        raise Http404(_("No State with this code."))
    data = services.state_homicide(participant, request.user)
    shown = request.GET.get("source", "")
    codes = [s.code for s in data["sources"]]
    if shown and shown not in codes:
        shown = ""
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="palermo-homicide-{participant.code}.csv"'
        )
        out = csv.writer(response)
        wanted = [shown] if shown else codes
        out.writerow(
            [
                "state",
                "year",
                "population",
                *wanted,
                "chosen",
                "chosen_source",
                "reason",
                f"region_{data['area'] or ''}",
            ]
        )
        for row in data["rows"]:
            out.writerow(
                [participant.code, row["year"], row["population"]]
                + [row["by_source"].get(c) for c in wanted]
                + [row["chosen"], row["chosen_source"], neutralise(row["reason"]), row["region"]]
            )
        return response
    columns = [shown] if shown else codes
    return render(
        request,
        "statistics/state.html",
        {
            "participant": participant,
            "data": data,
            "shown": shown,
            "columns": columns,
            "chart": _chart(data, columns),
        },
    )


def _chart(data: dict, columns: list[str]) -> dict:
    """The series as the shared line chart reads it (``static/palermo/charts.js``): one line per
    source shown, the published value and the region's figure; a missing year is a gap."""

    def rounded(value):
        return None if value is None else round(value, 2)

    names = {s.code: s.name for s in data["sources"]}
    rows = data["rows"]
    datasets = [
        {"label": str(names[code]), "data": [rounded(r["by_source"].get(code)) for r in rows]}
        for code in columns
    ]
    datasets.append(
        {"label": str(_("Published value")), "data": [rounded(r["chosen"]) for r in rows]}
    )
    if data["area"]:
        datasets.append(
            {
                "label": str(data["area_name"] or _("Region")),
                "data": [rounded(r["region"]) for r in rows],
            }
        )
    return {
        "type": "line",
        "labels": [str(r["year"]) for r in rows],
        "datasets": datasets,
        "x_title": str(_("Year")),
        "y_title": str(_("Per 100,000 inhabitants")),
    }


def iccs_list(request):
    """The ICCS's four levels as one outline; with ``?q=``, the index terms and categories
    matching a national offence, ranked (``iccs.suggest``)."""
    from . import iccs
    from .models import IccsCode

    query = (request.GET.get("q") or "").strip()[:200]
    codes = IccsCode.objects.restrict(request.user).order_by("code")
    return render(
        request,
        "statistics/iccs_list.html",
        {
            "codes": codes,
            "query": query,
            "suggestions": iccs.suggest(query, limit=10) if query else [],
        },
    )


def iccs_detail(request, code):
    from .models import IccsCode

    item = (
        IccsCode.objects.restrict(request.user).select_related("parent").filter(code=code).first()
    )
    if item is None:
        raise Http404(_("No such ICCS code."))
    return render(
        request,
        "statistics/iccs_detail.html",
        {
            "item": item,
            "children": item.children.order_by("code"),
            "terms": item.index_terms.order_by("term"),
        },
    )


urlpatterns = [
    path("aggregates/", AggregateListView.as_view(), name="aggregates"),
    path("states/<str:code>/", state_series, name="state"),
    path("iccs/", iccs_list, name="iccs"),
    path("iccs/<str:code>/", iccs_detail, name="iccs_code"),
]

declare_routes(
    "statistics",
    {
        "aggregates": PUBLIC,
        "state": allow(*PUBLIC.allow, sample=lambda: {"code": "ARG"}),
        "iccs": PUBLIC,
        "iccs_code": allow(*PUBLIC.allow, sample=lambda: {"code": "0101"}),
    },
)
