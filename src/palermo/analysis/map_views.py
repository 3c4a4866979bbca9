"""The map of an investigation: its placed addresses, events and properties, the kernel
density surface and the Getis-Ord Gi* hot spots (``places.py``), drawn over the vendored
country outlines, or over a tile server's map when one is configured (``PALERMO_MAP_TILES``).

Members only, like everything in an investigation; every read is logged."""

import csv

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path

from palermo.platform.access import allow, declare_routes
from palermo.platform.audit import DETAIL_LIMIT, record_reads
from palermo.platform.views import get_visible_or_404

from . import places
from .models import Entity, Investigation

CELL_CHOICES = (1, 2, 5, 10, 25, 50, 100)
DEFAULT_CELL_KM = 5


def _cell_km(request) -> float:
    try:
        value = float(request.GET.get("cell_km", DEFAULT_CELL_KM))
    except ValueError:
        return DEFAULT_CELL_KM
    return min(max(value, 0.1), 500.0)


def _analysed(request, pk):
    investigation = get_visible_or_404(Investigation.objects.all(), request.user, pk=pk)
    points, unplaced = places.points_of(investigation, request.user)
    record_reads(request.user, [investigation], model=Investigation)
    read = {p.entity_id for p in points}
    record_reads(
        request.user,
        [*Entity.objects.filter(pk__in=read).only("pk", "caption"), *unplaced]
        if len(read) + len(unplaced) <= DETAIL_LIMIT
        else len(read) + len(unplaced),
        model=Entity,
    )
    return investigation, points, len(unplaced)


def _point(p: places.Point) -> dict:
    return {
        "id": p.entity_id,
        "caption": p.caption,
        "schema": p.schema,
        "lat": p.lat,
        "lon": p.lon,
        "how": p.how,
    }


def _hot_cells(result: dict) -> list[dict]:
    return [{k: v for k, v in cell.items() if k not in ("row", "col")} for cell in result["cells"]]


@login_required
def investigation_map(request, pk):
    investigation, points, unplaced = _analysed(request, pk)
    cell_km = _cell_km(request)
    hot = places.hot_spots(points, cell_km)
    surface = places.density(points)
    if request.GET.get("format") == "csv":
        return _csv(investigation, points)
    data = {
        "points": [_point(p) for p in points],
        "density": surface["cells"],
        "hot_spots": _hot_cells(hot),
        "tiles": settings.MAP_TILES,
        "attribution": settings.MAP_TILES_ATTRIBUTION,
    }
    if request.GET.get("format") == "json":
        return JsonResponse({**data, "unplaced": unplaced, "cell_km": hot["cell_km"]})
    return render(
        request,
        "analysis/map.html",
        {
            "investigation": investigation,
            "points": points,
            "unplaced": unplaced,
            "hot": [c for c in hot["cells"] if c["hot"]],
            "cell_km": hot["cell_km"],
            "cell_choices": CELL_CHOICES,
            "data": data,
        },
    )


def _csv(investigation, points) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="places-{investigation.pk}.csv"'
    out = csv.writer(response)
    out.writerow(["entity", "schema", "caption", "latitude", "longitude", "how"])
    for p in points:
        out.writerow([p.entity_id, p.schema, p.caption, p.lat, p.lon, p.how])
    return response


urlpatterns = [path("<int:pk>/map/", investigation_map, name="map")]


def _sample():
    from .urls import _investigation

    investigation, _entity = _investigation()
    return {"pk": investigation.pk}


declare_routes("analysis", {"map": allow("analyst", sample=_sample, hidden=True)})
