"""Places: entities placed by their coordinates or offline by the gazetteer, the density
surface peaking where places cluster, Getis-Ord Gi* hot spots where they were injected and
not elsewhere; the map page for members only, its reads logged."""

import csv
import io

import numpy as np
import pytest
from django.urls import reverse

from palermo.analysis import places
from palermo.analysis.models import Entity
from palermo.platform.models import ReadEvent

from .helpers import team


class Row:
    """What ``places.place`` reads of an entity."""

    def __init__(self, schema="Address", **properties):
        self.pk, self.caption, self.schema = 1, "x", schema
        self.properties = {k: [v] for k, v in properties.items()}


def test_coordinates_win_and_the_gazetteer_places_names_in_any_script():
    here = places.place(Row(latitude="6.5", longitude="3.4", city="Cairo"))
    assert (here.lat, here.lon, here.how) == (6.5, 3.4, "coordinates")
    lagos = places.place(Row(full="12 Marina Road, Lagos, Nigeria"))
    assert lagos.how.startswith("gazetteer: Lagos (NG)")
    assert places.place(Row(schema="Event", location="Лагос")).how.startswith("gazetteer: Lagos")
    assert places.place(Row(city="القاهرة")).how.startswith("gazetteer: Cairo (EG)")
    # The country decides between namesakes; without one, the most populous.
    assert "(AR)" in places.place(Row(city="Córdoba", country="ar")).how
    assert "(ES)" in places.place(Row(city="Cordoba", country="ESP")).how
    assert places.place(Row(city="Nowhereville-sur-Rien")) is None
    assert places.place(Row(latitude="95", longitude="3")) is None  # not a latitude


def cluster_and_scatter(seed=1):
    rng = np.random.default_rng(seed)
    cluster = [
        places.Point(
            i, "c", "Address", 6.45 + rng.normal(0, 0.005), 3.39 + rng.normal(0, 0.005), ""
        )
        for i in range(40)
    ]
    scatter = [
        places.Point(100 + i, "s", "Address", 6 + rng.uniform(0, 1), 3 + rng.uniform(0, 1), "")
        for i in range(40)
    ]
    return cluster, scatter


def test_hot_spots_are_where_the_places_cluster_and_nowhere_else():
    cluster, scatter = cluster_and_scatter()
    result = places.hot_spots(cluster + scatter, cell_km=5)
    hot = [c for c in result["cells"] if c["hot"]]
    assert hot
    for cell in hot:  # every hot cell is the cluster's or touches it (Gi* counts neighbours)
        assert 6.45 - 0.1 < (cell["south"] + cell["north"]) / 2 < 6.45 + 0.1
        assert 3.39 - 0.1 < (cell["west"] + cell["east"]) / 2 < 3.39 + 0.1
    busiest = max(result["cells"], key=lambda c: c["points"])
    assert busiest["hot"] and busiest["points"] >= 30
    # Places spread evenly have no hot spot at the 5% level (seeded: the same each run).
    assert not [
        c for c in places.hot_spots(scatter, cell_km=20)["cells"] if c["hot"] and c["points"] > 3
    ]


def test_the_density_surface_peaks_on_the_cluster():
    cluster, scatter = cluster_and_scatter()
    surface = places.density(cluster + scatter)
    peak = max(surface["cells"], key=lambda c: c["value"])
    assert peak["value"] == 1.0
    assert abs((peak["south"] + peak["north"]) / 2 - 6.45) < 0.05
    assert abs((peak["west"] + peak["east"]) / 2 - 3.39) < 0.05
    assert places.density(cluster[:2]) == {"cells": [], "size": 40}  # too few for a surface


@pytest.mark.django_db
def test_the_map_page_is_for_members_and_its_reads_are_logged(client):
    investigation, owner, editor, viewer, outsider = team()
    for i, city in enumerate(["Lagos", "Lagos", "Abuja", "Atlantis of the Deep"]):
        Entity.objects.create(
            investigation=investigation,
            ftm_id=f"addr-{i}",
            schema="Address",
            caption=f"Address {i} (fictional)",
            properties={"city": [city], "country": ["ng"]},
        )
    url = reverse("analysis:map", kwargs={"pk": investigation.pk})
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.get(url, {"format": "json"}).status_code == 404

    client.force_login(viewer)
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "3 places are on the map" in text and "1 address or event could not be placed" in text
    assert "gazetteer: Lagos (NG)" in text and "gazetteer: Abuja (NG)" in text
    data = client.get(url, {"format": "json"}).json()
    assert len(data["points"]) == 3 and data["unplaced"] == 1 and data["tiles"] == ""
    rows = list(csv.reader(io.StringIO(client.get(url, {"format": "csv"}).content.decode())))
    assert rows[0] == ["entity", "schema", "caption", "latitude", "longitude", "how"]
    assert len(rows) == 4
    read = set(
        ReadEvent.objects.filter(user=viewer, content_type__model="entity").values_list(
            "object_pk", flat=True
        )
    )
    assert read == {
        str(pk)
        for pk in Entity.objects.filter(investigation=investigation).values_list("pk", flat=True)
    }
