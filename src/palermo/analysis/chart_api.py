"""The link chart's API: the graph of an investigation, a node's neighbourhood, saved charts.

The graph is bounded: past ``limit`` nodes only the most connected are sent (``truncated``
says so), with the links between them. Measures (``network.py``) are computed on the whole
network, so a threshold means the same whatever is on screen. Members only, as everywhere in
an investigation: a non-member gets 404 for every operation; viewers read, owners and editors
save charts. Every read is logged (``record_reads``), as the other analysis surfaces do.
"""

import datetime as dt
import json
import math
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as Reply
from ninja.errors import HttpError
from ninja.pagination import paginate

from palermo.core.api_auth import WRITE
from palermo.platform.access import allow, declare_api
from palermo.platform.api import ErrorOut, Pagination, RowId
from palermo.platform.audit import audited, record_reads
from palermo.platform.policies import policy_for, require, restrict
from palermo.platform.views import get_visible_or_404

from .models import LINK_SCHEMATA, Chart, Entity, Investigation
from .network import Network
from .queries import ends

router = Router(tags=["analysis"])

#: The pictogram of each FollowTheMoney schema on the chart (files in static/vendor/lucide/).
ICONS = {
    "Person": "user",
    "Organization": "building-2",
    "Company": "factory",
    "LegalEntity": "landmark",
    "Address": "map-pin",
    "Identification": "id-card",
    "Passport": "book-user",
    "BankAccount": "wallet",
    "CryptoWallet": "bitcoin",
    "Vehicle": "car",
    "Vessel": "ship",
    "RealEstate": "house",
    "Event": "calendar",
    "CourtCase": "gavel",
}
UNKNOWN_ICON = "circle-help"
METRICS = ("degree", "strength", "betweenness", "closeness", "eigenvector", "pagerank")
#: Past this many nodes betweenness is estimated from this many sources (Brandes & Pich).
EXACT_BETWEENNESS_UP_TO = 3000
BETWEENNESS_SAMPLE = 300
MAX_LIMIT = 20_000
#: A saved chart's state may not be larger than this once written as JSON.
MAX_STATE_BYTES = 5_000_000


# -- reading the graph -----------------------------------------------------------------------


@dataclass
class ChartGraph:
    nodes: list[dict]
    links: list[dict]
    network: Network


def _first(props: dict, name: str) -> str | None:
    values = props.get(name) or []
    return min(values) if values else None


def _when(props: dict) -> tuple[str | None, str | None]:
    start = _first(props, "startDate") or _first(props, "date")
    end = _first(props, "endDate")
    return start, end


def read_graph(investigation, user) -> ChartGraph:
    """Every node and link of ``investigation`` as ``user`` may see them, with the dates and
    amounts the chart filters on; one query, and the read is logged."""
    require(user, "view", investigation)
    rows = list(
        restrict(Entity.objects.filter(investigation=investigation), user)
        .only("pk", "ftm_id", "caption", "schema", "properties")
        .order_by("pk")
    )
    record_reads(user, rows, model=Entity)
    nodes, links = [], []
    known = {row.ftm_id for row in rows if row.schema not in LINK_SCHEMATA}
    for row in rows:
        props = row.properties or {}
        start, end = _when(props)
        if row.schema not in LINK_SCHEMATA:
            nodes.append(
                {
                    "id": row.ftm_id,
                    "entity": row.pk,
                    "type": row.schema,
                    "caption": row.caption or row.ftm_id,
                    "icon": ICONS.get(row.schema, UNKNOWN_ICON),
                    "date": start,
                }
            )
            continue
        source_prop, target_prop = ends(row.schema)
        amount = _first(props, "amount")
        pairs = [
            (s, t)
            for s in props.get(source_prop, [])
            for t in props.get(target_prop, [])
            if s in known and t in known
        ]
        for index, (source, target) in enumerate(pairs):
            links.append(
                {
                    "id": f"{row.pk}" if len(pairs) == 1 else f"{row.pk}.{index}",
                    "entity": row.pk,
                    "source": source,
                    "target": target,
                    "type": row.schema,
                    "weight": 1.0,
                    "date": start,
                    "end": end,
                    "amount": _amount(amount),
                    "currency": _first(props, "currency"),
                }
            )
    network = Network.build(
        [n["id"] for n in nodes], [(link["source"], link["target"], 1.0) for link in links]
    )
    return ChartGraph(nodes, links, network)


def _amount(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def measure(network: Network, names: list[str]) -> tuple[dict[str, dict], bool]:
    """The requested measures of every node, and whether betweenness was estimated."""
    values: dict[str, dict] = {}
    sampled = False
    for name in names:
        if name == "degree":
            values[name] = network.degree()
        elif name == "strength":
            values[name] = network.strength()
        elif name == "betweenness":
            sample = None
            if len(network) > EXACT_BETWEENNESS_UP_TO:
                sample, sampled = BETWEENNESS_SAMPLE, True
            values[name] = network.betweenness(sample=sample)
        elif name == "closeness":
            values[name] = network.closeness()
        elif name == "eigenvector":
            values[name] = network.eigenvector()
        elif name == "pagerank":
            values[name] = network.pagerank()
    return values, sampled


def parse_metrics(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [name for name in names if name not in METRICS]
    if unknown:
        raise HttpError(
            422,
            _("query parameter 'metrics': unknown measure %(names)s; choose from %(all)s.")
            % {"names": ", ".join(unknown), "all": ", ".join(METRICS)},
        )
    return list(dict.fromkeys(names))


def select(graph: ChartGraph, keep: list[str], names: list[str], limit: int) -> dict:
    """The answer for the nodes ``keep`` (ranked: the first ``limit`` are sent), the links
    between them, and the measures ``names`` of each."""
    degree = graph.network.degree()
    values, sampled = measure(graph.network, names)
    chosen = set(keep[:limit])
    by_id = {node["id"]: node for node in graph.nodes}
    nodes = []
    for node_id in keep[:limit]:
        item = dict(by_id[node_id], degree=degree[node_id])
        item["metrics"] = {name: values[name][node_id] for name in names}
        nodes.append(item)
    links = [link for link in graph.links if link["source"] in chosen and link["target"] in chosen]
    return {
        "nodes": nodes,
        "links": links,
        "truncated": len(keep) > limit,
        "total_nodes": len(graph.nodes),
        "total_links": len(graph.links),
        "metrics": names,
        "sampled": sampled,
    }


def most_connected(network: Network, nodes=None) -> list:
    """Node ids by decreasing degree (ties: the order they were recorded)."""
    degree = network.degree()
    order = list(network.nodes if nodes is None else nodes)
    position = {node: i for i, node in enumerate(order)}
    return sorted(order, key=lambda node: (-degree[node], position[node]))


# -- schemas ---------------------------------------------------------------------------------


class NodeOut(Schema):
    id: str = Field(description="The entity's FollowTheMoney id.")
    entity: int = Field(description="The entity's record number (for its page and expand).")
    type: str = Field(description="FollowTheMoney schema: Person, Company, BankAccount …")
    caption: str
    icon: str = Field(description="Pictogram key: static/vendor/lucide/<icon>.svg.")
    date: str | None = Field(description="Earliest date of the entity itself (an Event's).")
    degree: int = Field(description="Distinct neighbours in the whole investigation.")
    metrics: dict[str, float] = Field(description="The measures asked for with ?metrics=.")


class LinkOut(Schema):
    id: str
    entity: int = Field(description="The link's own entity (a Payment, a Call …).")
    source: str
    target: str
    type: str = Field(description="FollowTheMoney schema of the link: Payment, Call, Ownership …")
    weight: float
    date: str | None = Field(description="Start date (or date) of the link, ISO 8601.")
    end: str | None = Field(description="End date, if the link has one.")
    amount: float | None = None
    currency: str | None = None


class GraphOut(Schema):
    nodes: list[NodeOut]
    links: list[LinkOut]
    truncated: bool = Field(description="True when nodes past `limit` were left out.")
    total_nodes: int
    total_links: int
    metrics: list[str]
    sampled: bool = Field(description="Betweenness estimated from a sample of sources.")


class GraphQuery(Schema):
    limit: int = Field(
        5000, ge=1, le=MAX_LIMIT, description="At most this many nodes, the most connected first."
    )
    metrics: str = Field(
        "", description=f"Comma-separated measures to compute: {', '.join(METRICS)}."
    )


class ExpandQuery(GraphQuery):
    hops: int = Field(1, ge=1, le=3, description="Steps from the node (1 to 3).")
    limit: int = Field(500, ge=1, le=MAX_LIMIT, description="At most this many nodes.")


class Position(Schema):
    id: str = Field(max_length=200)
    x: float
    y: float


class Viewport(Schema):
    x: float = 0.5
    y: float = 0.5
    ratio: float = Field(1.0, gt=0)
    angle: float = 0.0


class ChartState(Schema):
    """What the link chart writes: where each node is, what is filtered, selected and seen."""

    nodes: list[Position] = Field(default_factory=list, max_length=MAX_LIMIT)
    layout: str = Field("", max_length=40)
    filters: dict = Field(default_factory=dict)
    selection: list[str] = Field(default_factory=list, max_length=MAX_LIMIT)
    viewport: Viewport | None = None


class ChartIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "title": "Brokers between the cells (fictional)",
                    "state": {"nodes": [{"id": "a", "x": 0, "y": 0}], "layout": "forceatlas2"},
                }
            ]
        }
    }

    title: str = Field(min_length=1, max_length=200)
    state: ChartState = Field(default_factory=ChartState)


class ChartSummaryOut(Schema):
    id: int
    title: str
    created_by: str
    created: dt.datetime
    updated: dt.datetime
    nodes: int = Field(description="How many nodes the chart holds.")


class ChartOut(ChartSummaryOut):
    state: dict


def chart_summary(chart: Chart) -> dict:
    return {
        "id": chart.pk,
        "title": chart.title,
        "created_by": chart.created_by.username,
        "created": chart.created,
        "updated": chart.updated,
        "nodes": len((chart.state or {}).get("nodes", [])),
    }


def chart_out(chart: Chart) -> dict:
    return dict(chart_summary(chart), state=chart.state or {})


# -- writing charts (the services of saved charts) -------------------------------------------


def _clean_state(state: ChartState) -> dict:
    data = state.model_dump()
    if len(json.dumps(data)) > MAX_STATE_BYTES:
        raise HttpError(
            422,
            _("field 'state': the chart is larger than %(mb)s MB; save fewer nodes.")
            % {"mb": MAX_STATE_BYTES // 1_000_000},
        )
    return data


def save_chart(investigation, *, title: str, state: dict, acting_user) -> Chart:
    """A new saved chart of ``investigation``; owners and editors only."""
    chart = Chart(investigation=investigation, title=title.strip(), state=state)
    policy_for(Chart).require(acting_user, "add", chart)
    chart.created_by = acting_user
    with transaction.atomic(), audited(acting_user):
        chart.full_clean()
        chart.save()
    return chart


def update_chart(chart: Chart, *, title: str, state: dict, acting_user) -> Chart:
    policy_for(Chart).require(acting_user, "change", chart)
    with transaction.atomic(), audited(acting_user):
        chart.title, chart.state = title.strip(), state
        chart.full_clean()
        chart.save()
    return chart


def delete_chart(chart: Chart, *, acting_user) -> None:
    policy_for(Chart).require(acting_user, "delete", chart)
    with transaction.atomic(), audited(acting_user):
        chart.delete()


# -- operations ------------------------------------------------------------------------------


def _investigation(request, investigation_id) -> Investigation:
    return get_visible_or_404(Investigation.objects.all(), request.auth, pk=investigation_id)


def _chart(request, investigation, chart_id) -> Chart:
    return get_visible_or_404(
        Chart.objects.filter(investigation=investigation).select_related("created_by"),
        request.auth,
        pk=chart_id,
    )


@router.get(
    "/investigations/{investigation_id}/graph",
    response={200: GraphOut, 404: ErrorOut, 422: ErrorOut},
    auth=WRITE,
)
def graph(request, investigation_id: RowId, query: Query[GraphQuery]):
    """The investigation's nodes and links for the link chart: at most ``limit`` nodes, the
    most connected first, with the measures asked for."""
    investigation = _investigation(request, investigation_id)
    names = parse_metrics(query.metrics)
    found = read_graph(investigation, request.auth)
    return select(found, most_connected(found.network), names, query.limit)


@router.get(
    "/investigations/{investigation_id}/expand/{entity_id}",
    response={200: GraphOut, 404: ErrorOut, 422: ErrorOut},
    auth=WRITE,
)
def expand(request, investigation_id: RowId, entity_id: RowId, query: Query[ExpandQuery]):
    """The nodes within ``hops`` steps of one entity and the links between them: what the
    chart adds when an analyst expands a node. The entity itself always comes first."""
    investigation = _investigation(request, investigation_id)
    names = parse_metrics(query.metrics)
    seed = get_visible_or_404(
        Entity.objects.filter(investigation=investigation).exclude(schema__in=LINK_SCHEMATA),
        request.auth,
        pk=entity_id,
    )
    found = read_graph(investigation, request.auth)
    around = found.network.neighbourhood(seed.ftm_id, query.hops)
    ranked = [seed.ftm_id] + [n for n in most_connected(found.network, around) if n != seed.ftm_id]
    return select(found, ranked, names, query.limit)


@router.get(
    "/investigations/{investigation_id}/charts",
    response={200: list[ChartSummaryOut], 404: ErrorOut},
    auth=WRITE,
)
@paginate(Pagination, page_size=50)
def list_charts(request, investigation_id: RowId):
    """The investigation's saved charts, the most recently changed first."""
    investigation = _investigation(request, investigation_id)
    rows = list(
        restrict(Chart.objects.filter(investigation=investigation), request.auth).select_related(
            "created_by"
        )
    )
    record_reads(request.auth, rows, model=Chart)
    return [chart_summary(chart) for chart in rows]


@router.post(
    "/investigations/{investigation_id}/charts",
    response={201: ChartOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=WRITE,
)
def create_chart(request, investigation_id: RowId, payload: ChartIn):
    """Save a chart (owners and editors; a viewer is refused with 403)."""
    investigation = _investigation(request, investigation_id)
    chart = save_chart(
        investigation,
        title=payload.title,
        state=_clean_state(payload.state),
        acting_user=request.auth,
    )
    return Reply(201, chart_out(chart))


@router.get(
    "/investigations/{investigation_id}/charts/{chart_id}",
    response={200: ChartOut, 404: ErrorOut},
    auth=WRITE,
)
def get_chart(request, investigation_id: RowId, chart_id: RowId):
    investigation = _investigation(request, investigation_id)
    return chart_out(_chart(request, investigation, chart_id))


@router.put(
    "/investigations/{investigation_id}/charts/{chart_id}",
    response={200: ChartOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=WRITE,
)
def put_chart(request, investigation_id: RowId, chart_id: RowId, payload: ChartIn):
    """Replace a saved chart's title and state (owners and editors)."""
    investigation = _investigation(request, investigation_id)
    chart = update_chart(
        _chart(request, investigation, chart_id),
        title=payload.title,
        state=_clean_state(payload.state),
        acting_user=request.auth,
    )
    return chart_out(chart)


@router.delete(
    "/investigations/{investigation_id}/charts/{chart_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut},
    auth=WRITE,
)
def remove_chart(request, investigation_id: RowId, chart_id: RowId):
    investigation = _investigation(request, investigation_id)
    delete_chart(_chart(request, investigation, chart_id), acting_user=request.auth)
    return Reply(204, None)


# -- samples for the permission matrix -------------------------------------------------------


def _sample_investigation():
    from .urls import _investigation as sample

    investigation, entity = sample()
    return investigation, entity


def _graph_args():
    investigation, _entity = _sample_investigation()
    return {"investigation_id": investigation.pk}


def _expand_args():
    investigation, entity = _sample_investigation()
    return {"investigation_id": investigation.pk, "entity_id": entity.pk}


def _chart_args():
    from palermo.core.models import User

    investigation, _entity = _sample_investigation()
    chart = save_chart(
        investigation,
        title="Matrix chart (fictional)",
        state={},
        acting_user=User.objects.get(username="analyst"),
    )
    return {"investigation_id": investigation.pk, "chart_id": chart.pk}


CHART_BODY = {"title": "Matrix chart (fictional)", "state": {"layout": "circular"}}

declare_api(
    "/api/analysis",
    {
        "GET /investigations/{investigation_id}/graph": allow(
            "analyst", sample=_graph_args, hidden=True
        ),
        "GET /investigations/{investigation_id}/expand/{entity_id}": allow(
            "analyst", sample=_expand_args, hidden=True
        ),
        "GET /investigations/{investigation_id}/charts": allow(
            "analyst", sample=_graph_args, hidden=True
        ),
        "POST /investigations/{investigation_id}/charts": allow(
            "analyst", sample=_graph_args, hidden=True, data=CHART_BODY
        ),
        "GET /investigations/{investigation_id}/charts/{chart_id}": allow(
            "analyst", sample=_chart_args, hidden=True
        ),
        "PUT /investigations/{investigation_id}/charts/{chart_id}": allow(
            "analyst", sample=_chart_args, hidden=True, data=CHART_BODY
        ),
        "DELETE /investigations/{investigation_id}/charts/{chart_id}": allow(
            "analyst", sample=_chart_args, hidden=True
        ),
    },
)
