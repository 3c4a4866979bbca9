"""Network analysis of an investigation's graph: centralities, components, communities, brokers,
paths, neighbourhoods and disruption.

Pure Python over a compiled library: no database, no Django. The caller hands over node ids
(any hashable value: a UUID, a primary key, a string) and edges; every result comes back keyed by
those ids, never by the library's internal vertex numbers.

The compiled library is igraph (C core, GPL-2.0-or-later, maintained since 2006), chosen by
measurement against networkit and rustworkx (``bench/analysis_network_bench.py``, figures in
``docs/benchmarks.md``). networkit is as fast or faster on some tasks but its parallel community
detection is reproducible only single-threaded and its sampled betweenness is a different
estimator from networkx's; rustworkx has no community detection and no weighted or sampled
betweenness. igraph has every algorithm below with networkx's conventions, so every figure can be
checked against networkx, which is the oracle of the tests and is never imported here.

Conventions, chosen so that each figure equals networkx's on the same graph:

* **Building.** Parallel edges are merged and their weights summed (in an undirected graph
  ``a→b`` and ``b→a`` are the same edge). Self-loops are dropped unless ``self_loops=True``
  (a person calling themselves carries no information about the network; when kept, a loop
  counts twice in the degree, as in networkx). Weights must be positive and finite.
* **Weights are strengths.** A weight says how strong a tie is (number of calls, amount paid).
  Path-based measures (betweenness, closeness, shortest paths) need a *distance*, so they use
  ``distance = 1 / weight``: a strong tie is a short one. Degree-like measures (strength,
  eigenvector, PageRank) use the weight itself.
* **Directed graphs.** In/out degree and strength are available; betweenness and paths follow
  the direction; closeness uses *incoming* distance by default (how easily the others reach a
  node, networkx's convention; ``mode="out"`` for the other); eigenvector counts in-edges;
  PageRank follows the direction and spreads a dangling node's rank evenly. Components are weak
  or strong; communities and brokers are found on the undirected graph (weights of both
  directions summed), as modularity-based methods expect.
* **Selections.** :meth:`Network.subgraph` gives the induced subgraph of a selection and
  :meth:`Network.filter_edges` keeps the edges of some types or of a time window; every method
  then works on that graph alone.
"""

from __future__ import annotations

import math
import numbers
import random
import warnings
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Literal

import igraph as ig
import numpy as np

NodeId = Hashable
Mode = Literal["all", "in", "out"]

_PLAIN_NUMBERS = (int, float)

#: Scores closer than this (relative to the largest) are ties in a disruption ranking, broken
#: by the order in which the nodes were given, so that rounding noise in the last bits of a
#: betweenness never reorders the removals.
TIE_TOLERANCE = 1e-9


class NetworkError(ValueError):
    """Bad input for a network computation; the message says what is wrong and where."""


class UnknownNode(NetworkError, KeyError):
    """A node id that is not in the graph."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class NoPath(NetworkError):
    """No path joins the two nodes."""


@dataclass(frozen=True, slots=True)
class Edge:
    """One observed tie: a call, a payment, a shared address. ``weight`` is its strength
    (positive); ``type`` and ``timestamp`` let a caller filter before analysing."""

    source: NodeId
    target: NodeId
    weight: float = 1.0
    type: str = ""
    timestamp: datetime | date | float | None = None


@dataclass(frozen=True, slots=True)
class Communities:
    """A partition of the nodes. ``membership`` maps each node to its community number;
    communities are numbered from 0 by decreasing size (ties: first node's input order)."""

    method: str
    membership: dict[NodeId, int]
    groups: list[list[NodeId]]
    modularity: float

    def __len__(self) -> int:
        return len(self.groups)


@dataclass(frozen=True, slots=True)
class Broker:
    """A node tied into communities other than its own.

    ``participation`` is Guimerà & Amaral's participation coefficient, ``1 − Σ_c (k_ic / k_i)²``
    over the communities ``c`` of the node's neighbours, with ``k`` the (weighted) strength: 0 when
    all ties stay inside one community, approaching 1 when they are spread evenly over many.
    ``external_share`` is the share of its strength going to other communities, and
    ``communities_reached`` how many other communities it touches."""

    node: NodeId
    community: int
    participation: float
    external_share: float
    communities_reached: int
    betweenness: float


@dataclass(frozen=True, slots=True)
class DisruptionStep:
    """The network after one step of a disruption: the nodes removed at that step and the size
    of the largest connected component left, absolute and as a share of the original nodes."""

    step: int
    removed: list[NodeId]
    removed_total: int
    largest_component: int
    largest_share: float


@dataclass(frozen=True, slots=True)
class Disruption:
    """A disruption curve, step 0 being the intact network; ready to chart as
    ``removed_total`` → ``largest_share``."""

    strategy: str
    recompute: bool
    per_step: int
    nodes: int
    steps: list[DisruptionStep] = field(default_factory=list)

    def curve(self) -> list[tuple[int, float]]:
        """(nodes removed so far, share of the original nodes in the largest component)."""
        return [(s.removed_total, s.largest_share) for s in self.steps]


def _as_number(moment: Any, where: str) -> float:
    if moment is None:
        return math.nan
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.timestamp()
    if isinstance(moment, date):
        return datetime(moment.year, moment.month, moment.day, tzinfo=UTC).timestamp()
    if isinstance(moment, numbers.Real) and not isinstance(moment, bool):
        return float(moment)
    raise NetworkError(f"{where}: timestamp {moment!r} is not a date, a datetime or a number.")


def _unpack(edge: Any, position: int) -> tuple[Any, Any, Any, Any, Any]:
    if isinstance(edge, Edge):
        return edge.source, edge.target, edge.weight, edge.type, edge.timestamp
    if isinstance(edge, tuple | list) and 2 <= len(edge) <= 5:
        source, target, weight, kind, moment = (*edge, *(1.0, "", None)[len(edge) - 2 :])
        return source, target, weight, kind, moment
    raise NetworkError(
        f"edge {position}: expected an Edge or a tuple (source, target[, weight[, type"
        f"[, timestamp]]]), got {edge!r}."
    )


class Network:
    """A graph over the caller's node ids. Build it with :meth:`build`; it is immutable, and
    :meth:`subgraph` and :meth:`filter_edges` return new networks."""

    def __init__(
        self,
        ids: Sequence[NodeId],
        src: np.ndarray,
        dst: np.ndarray,
        weight: np.ndarray,
        types: np.ndarray,
        times: np.ndarray,
        *,
        directed: bool,
        self_loops: bool,
    ) -> None:
        self._ids = tuple(ids)
        self._index = {node: i for i, node in enumerate(self._ids)}
        self.directed = directed
        self.self_loops = self_loops
        # The observed edges, kept for filtering by type and time.
        self._raw = (src, dst, weight, types, times)
        n = len(self._ids)
        a, b = src, dst
        if not directed:
            a, b = np.minimum(src, dst), np.maximum(src, dst)
        key = a.astype(np.int64) * max(n, 1) + b
        unique, inverse = np.unique(key, return_inverse=True)
        self._w = np.bincount(inverse, weights=weight, minlength=len(unique)).astype(float)
        self._s = (unique // max(n, 1)).astype(np.int64)
        self._t = (unique % max(n, 1)).astype(np.int64)
        self._g = ig.Graph(n=n, edges=np.column_stack([self._s, self._t]), directed=directed)
        self._d = 1.0 / self._w if len(self._w) else self._w

    # -- building --------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        nodes: Iterable[NodeId],
        edges: Iterable[Edge | tuple],
        *,
        directed: bool = False,
        self_loops: bool = False,
    ) -> Network:
        """The network of ``nodes`` joined by ``edges`` (each an :class:`Edge` or a tuple
        ``(source, target[, weight[, type[, timestamp]]])``). Every endpoint must be one of
        ``nodes``; a node id may appear only once."""
        ids: list[NodeId] = []
        index: dict[NodeId, int] = {}
        for position, node in enumerate(nodes):
            if node is None:
                raise NetworkError(f"node {position}: the id is empty.")
            try:
                known = node in index
            except TypeError:
                raise NetworkError(f"node {position}: id {node!r} cannot be an id.") from None
            if known:
                raise NetworkError(
                    f"node {position}: id {node!r} was already given at position {index[node]}."
                )
            index[node] = position
            ids.append(node)
        src: list[int] = []
        dst: list[int] = []
        weights: list[Any] = []
        types: list[str] = []
        times: list[float] = []
        get = index.get
        for position, edge in enumerate(edges):
            if type(edge) is tuple and len(edge) == 3:  # the common case, kept fast
                source, target, weight = edge
                kind, moment = "", None
            else:
                source, target, weight, kind, moment = _unpack(edge, position)
            try:
                s, t = get(source), get(target)
            except TypeError:  # an unhashable endpoint
                s = t = None
            if s is None or t is None:
                end, value = ("source", source) if s is None else ("target", target)
                raise NetworkError(f"edge {position}: {end} {value!r} is not among the nodes.")
            if type(weight) not in _PLAIN_NUMBERS and (
                isinstance(weight, bool) or not isinstance(weight, numbers.Real | Decimal)
            ):
                raise NetworkError(f"edge {position}: weight {weight!r} is not a number.")
            src.append(s)
            dst.append(t)
            weights.append(weight)
            types.append(str(kind) if kind else "")
            times.append(math.nan if moment is None else _as_number(moment, f"edge {position}"))
        weight_array = np.array(weights, dtype=float)
        bad = ~(np.isfinite(weight_array) & (weight_array > 0))
        if bad.any():
            position = int(np.flatnonzero(bad)[0])
            raise NetworkError(
                f"edge {position}: weight {weights[position]!r} must be a positive, finite number "
                "(it is the strength of the tie)."
            )
        src_array, dst_array = np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64)
        keep = slice(None) if self_loops else src_array != dst_array
        return cls(
            ids,
            src_array[keep],
            dst_array[keep],
            weight_array[keep],
            np.array(types, dtype=object)[keep],
            np.array(times, dtype=float)[keep],
            directed=directed,
            self_loops=self_loops,
        )

    def _derive(self, keep_nodes: np.ndarray | None, keep_edges: np.ndarray) -> Network:
        src, dst, weight, types, times = (column[keep_edges] for column in self._raw)
        ids: Sequence[NodeId] = self._ids
        if keep_nodes is not None:
            renumber = np.full(len(self._ids), -1, dtype=np.int64)
            renumber[keep_nodes] = np.arange(len(keep_nodes))
            src, dst = renumber[src], renumber[dst]
            ids = [self._ids[i] for i in keep_nodes]
        return Network(
            ids, src, dst, weight, types, times, directed=self.directed, self_loops=self.self_loops
        )

    def subgraph(self, nodes: Iterable[NodeId]) -> Network:
        """The induced subgraph of a selection: those nodes (in this network's order) and every
        edge between two of them."""
        chosen = np.zeros(len(self._ids), dtype=bool)
        chosen[self._indices(nodes)] = True
        src, dst = self._raw[0], self._raw[1]
        return self._derive(np.flatnonzero(chosen), chosen[src] & chosen[dst])

    def filter_edges(
        self,
        *,
        types: Iterable[str] | None = None,
        since: datetime | date | float | None = None,
        until: datetime | date | float | None = None,
    ) -> Network:
        """The same nodes with only the edges of ``types`` and/or whose timestamp lies in
        ``[since, until]``; when a time bound is given, edges without a timestamp are left out."""
        keep = np.ones(len(self._raw[0]), dtype=bool)
        if types is not None:
            keep &= np.isin(self._raw[3], np.array(list(types), dtype=object))
        times = self._raw[4]
        if since is not None:
            keep &= times >= _as_number(since, "since")
        if until is not None:
            keep &= times <= _as_number(until, "until")
        return self._derive(None, keep)

    # -- what it holds ---------------------------------------------------------------------

    @property
    def nodes(self) -> tuple[NodeId, ...]:
        return self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, node: object) -> bool:
        return node in self._index

    @property
    def edge_count(self) -> int:
        """Edges after merging parallel ones."""
        return len(self._w)

    def edges(self) -> list[tuple[NodeId, NodeId, float]]:
        """The merged edges as (source, target, summed weight)."""
        ids = self._ids
        return [
            (ids[s], ids[t], w)
            for s, t, w in zip(self._s.tolist(), self._t.tolist(), self._w.tolist(), strict=True)
        ]

    def _indices(self, nodes: Iterable[NodeId]) -> list[int]:
        try:
            return [self._index[node] for node in nodes]
        except KeyError as missing:
            raise UnknownNode(f"unknown node id {missing.args[0]!r}.") from None
        except TypeError as unhashable:
            raise UnknownNode(f"unknown node id: {unhashable}.") from None

    def _is_node(self, value: object) -> bool:
        """Whether ``value`` is one node id rather than a collection of them (a tuple can be
        an id)."""
        try:
            return value in self._index
        except TypeError:
            return False

    def _one(self, node: NodeId) -> int:
        return self._indices([node])[0]

    def _keyed(self, values: Iterable[float]) -> dict[NodeId, float]:
        return dict(zip(self._ids, (float(v) for v in values), strict=True))

    def summary(self) -> dict[str, float | int | bool]:
        """The figures an analyst reads first: size, density, components."""
        n, m = len(self._ids), self.edge_count
        pairs = n * (n - 1) if self.directed else n * (n - 1) / 2
        weak = self._g.connected_components(mode="weak").sizes() if n else []
        return {
            "nodes": n,
            "edges": m,
            "directed": self.directed,
            "density": m / pairs if pairs else 0.0,
            "components": len(weak),
            "largest_component": max(weak, default=0),
            "isolates": int((np.array(self._g.degree(), dtype=np.int64) == 0).sum()),
        }

    # -- centralities ----------------------------------------------------------------------

    def degree(self, mode: Mode = "all") -> dict[NodeId, int]:
        """Number of distinct neighbours (``"in"``/``"out"`` in a directed graph)."""
        return dict(zip(self._ids, self._g.degree(mode=_mode(mode)), strict=True))

    def strength(self, mode: Mode = "all") -> dict[NodeId, float]:
        """Weighted degree: the sum of the weights of a node's edges."""
        return self._keyed(self._g.strength(mode=_mode(mode), weights=self._w.tolist()))

    def betweenness(
        self, *, weighted: bool = True, sample: int | None = None, seed: int = 0
    ) -> dict[NodeId, float]:
        """Share of shortest paths between other pairs that pass through each node, normalised
        as networkx does (by ``(n−1)(n−2)``, ordered pairs when directed).

        With ``sample=k`` only the shortest paths from ``k`` source nodes drawn with ``seed``
        are counted and scaled up (Brandes & Pich 2007), as ``networkx.betweenness_centrality(
        k=…, seed=…)`` does with the same nodes; use it on graphs too large for the exact count.
        """
        n = len(self._ids)
        if n == 0:
            return {}
        distance = self._d.tolist() if weighted else None
        if sample is None or sample >= n:
            raw = np.array(self._g.betweenness(directed=self.directed, weights=distance))
            if n > 2:
                raw = raw * ((1 if self.directed else 2) / ((n - 1) * (n - 2)))
            return self._keyed(raw)
        if sample < 1:
            raise NetworkError(f"sample must be at least 1, not {sample}.")
        sources = [self._index[x] for x in random.Random(seed).sample(list(self._ids), sample)]
        raw = np.array(
            self._g.betweenness(directed=self.directed, weights=distance, sources=sources)
        )
        if not self.directed:
            raw = raw * 2  # igraph counts each unordered pair once
        if n > 2:
            is_source = np.zeros(n, dtype=bool)
            is_source[sources] = True
            scale_source = 1 / ((sample - 1) * (n - 2)) if sample > 1 else math.nan
            raw = raw * np.where(is_source, scale_source, 1 / (sample * (n - 2)))
        return self._keyed(raw)

    def closeness(self, *, weighted: bool = True, mode: Literal["in", "out"] = "in") -> dict:
        """How near a node is to the nodes it can reach: ``(r−1) / Σ distance`` over the ``r−1``
        nodes reachable, scaled by ``(r−1)/(n−1)`` so that a node in a small component does not
        look central (Wasserman & Faust; networkx's ``wf_improved``). 0 for an isolated node.
        In a directed graph ``mode="in"`` uses the distances *to* the node."""
        n = len(self._ids)
        if n == 0:
            return {}
        graph_mode = mode if self.directed else "all"
        values = np.array(
            self._g.closeness(mode=graph_mode, weights=self._d.tolist() if weighted else None),
            dtype=float,
        )
        values = np.nan_to_num(values, nan=0.0)
        if n > 1:
            values *= (self._reachable(graph_mode) - 1) / (n - 1)
        return self._keyed(values)

    def _reachable(self, mode: str) -> np.ndarray:
        """How many nodes each node reaches (itself included) following ``mode``."""
        if not self.directed or mode == "all":
            membership = np.array(self._g.connected_components(mode="weak").membership)
            return np.bincount(membership)[membership].astype(float)
        strong = self._g.connected_components(mode="strong")
        if len(strong) == 1:
            return np.full(len(self._ids), float(len(self._ids)))
        return np.array(self._g.neighborhood_size(order=len(self._ids), mode=mode), dtype=float)

    def eigenvector(self, *, weighted: bool = True) -> dict[NodeId, float]:
        """Eigenvector centrality scaled to unit Euclidean norm, as networkx's; in a directed
        graph a node scores from the nodes pointing to it. Meaningful on a connected graph: on a
        disconnected one the components other than the dominant one get (near) zero."""
        n = len(self._ids)
        if n == 0:
            return {}
        if self.edge_count == 0:
            return self._keyed(np.full(n, 1 / math.sqrt(n)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            values = np.array(
                self._g.eigenvector_centrality(weights=self._w.tolist() if weighted else None)
            )
        values = np.abs(values)
        norm = np.linalg.norm(values)
        return self._keyed(values / norm if norm else values)

    def pagerank(self, *, weighted: bool = True, damping: float = 0.85) -> dict[NodeId, float]:
        """PageRank (sums to 1), following edge direction and weights; a node without out-edges
        spreads its rank evenly over all nodes, as networkx does."""
        if not 0 <= damping < 1:
            raise NetworkError(f"damping must be in [0, 1), not {damping}.")
        if not self._ids:
            return {}
        values = self._g.pagerank(
            directed=self.directed,
            damping=damping,
            weights=self._w.tolist() if weighted else None,
            implementation="prpack",
        )
        return self._keyed(values)

    def metrics(
        self, *, weighted: bool = True, sample: int | None = None, closeness: bool = True
    ) -> dict[NodeId, dict[str, float]]:
        """Every node measure at once, per node (what ``palermo analysis metrics`` shows).
        Betweenness and closeness cost a shortest-path search from every node: on a large
        graph pass ``sample`` (betweenness from that many sources, see :meth:`betweenness`) and
        ``closeness=False``."""
        table: dict[str, dict[NodeId, float]] = {"degree": self.degree()}
        if self.directed:
            table["in_degree"] = self.degree("in")
            table["out_degree"] = self.degree("out")
        table["strength"] = self.strength()
        table["betweenness"] = self.betweenness(weighted=weighted, sample=sample)
        if closeness:
            table["closeness"] = self.closeness(weighted=weighted)
        table["eigenvector"] = self.eigenvector(weighted=weighted)
        table["pagerank"] = self.pagerank(weighted=weighted)
        return {node: {name: values[node] for name, values in table.items()} for node in self._ids}

    # -- structure -------------------------------------------------------------------------

    def components(self, mode: Literal["weak", "strong"] = "weak") -> list[list[NodeId]]:
        """Connected components, largest first (ties: input order); ``"strong"`` follows edge
        direction in a directed graph."""
        if mode not in ("weak", "strong"):
            raise NetworkError(f"mode must be 'weak' or 'strong', not {mode!r}.")
        parts = self._g.connected_components(mode=mode if self.directed else "weak")
        groups = [[self._ids[i] for i in sorted(part)] for part in parts]
        return sorted(groups, key=lambda g: (-len(g), self._index[g[0]]))

    def _undirected(self, weighted: bool) -> tuple[ig.Graph, list[float] | None]:
        if not self.directed:
            return self._g, self._w.tolist() if weighted else None
        graph = self._g.copy()
        graph.es["weight"] = self._w.tolist()
        graph.to_undirected(mode="collapse", combine_edges="sum")
        return graph, graph.es["weight"] if weighted and self.edge_count else None

    def communities(
        self,
        *,
        method: Literal["leiden", "louvain"] = "leiden",
        resolution: float = 1.0,
        weighted: bool = True,
        seed: int = 0,
        iterations: int = 2,
    ) -> Communities:
        """Communities that maximise modularity: Leiden (Traag, Waltman & van Eck 2019; its
        communities are guaranteed connected) or Louvain (Blondel et al. 2008). Both are
        randomised; the same ``seed`` gives the same partition (igraph's random generator is
        swapped for the call, so two calls in parallel threads may not be reproducible).

        Leiden runs ``iterations`` passes (2, its authors' default; a negative number runs until
        a pass no longer improves): on 500,000 edges two passes take a few seconds, running to
        stability ten times as long for about 1% more modularity."""
        if method not in ("leiden", "louvain"):
            raise NetworkError(f"method must be 'leiden' or 'louvain', not {method!r}.")
        graph, weights = self._undirected(weighted)
        if not self._ids:
            return Communities(method, {}, [], 0.0)
        ig.set_random_number_generator(random.Random(seed))
        try:
            if method == "leiden":
                found = graph.community_leiden(
                    objective_function="modularity",
                    weights=weights,
                    resolution=resolution,
                    n_iterations=iterations,
                )
            else:
                found = graph.community_multilevel(weights=weights, resolution=resolution)
        finally:
            ig.set_random_number_generator(random)
        membership = np.array(found.membership)
        return self._partition(method, membership, graph, weights, resolution)

    def _partition(self, method, membership, graph, weights, resolution) -> Communities:
        sizes = np.bincount(membership)
        first = np.full(len(sizes), len(membership))
        np.minimum.at(first, membership, np.arange(len(membership)))
        order = sorted(range(len(sizes)), key=lambda c: (-sizes[c], first[c]))
        renumber = np.empty(len(sizes), dtype=np.int64)
        renumber[order] = np.arange(len(sizes))
        membership = renumber[membership]
        groups: list[list[NodeId]] = [[] for _ in order]
        for node, community in zip(self._ids, membership.tolist(), strict=True):
            groups[community].append(node)
        modularity = 0.0  # undefined without edges; nothing is gained by any partition
        if graph.ecount():
            modularity = graph.modularity(
                membership.tolist(), weights=weights, resolution=resolution
            )
        return Communities(
            method, dict(zip(self._ids, membership.tolist(), strict=True)), groups, modularity
        )

    def brokers(
        self, communities: Communities | None = None, *, weighted: bool = True
    ) -> list[Broker]:
        """The nodes with ties into communities other than their own, most brokering first:
        by participation coefficient, then by betweenness (see :class:`Broker`). Communities are
        found with :meth:`communities` unless given."""
        if communities is None:
            communities = self.communities(weighted=weighted)
        missing = [node for node in self._ids if node not in communities.membership]
        if missing:
            raise NetworkError(
                f"the communities do not cover node {missing[0]!r} "
                f"({len(missing)} nodes missing); find them on this network."
            )
        membership = np.array([communities.membership[node] for node in self._ids], dtype=np.int64)
        n, c = len(self._ids), int(membership.max(initial=-1)) + 1
        if n == 0 or self.edge_count == 0:
            return []
        w = self._w if weighted else np.ones(self.edge_count)
        # Each edge counts for both its ends (direction ignored).
        ends = np.concatenate([self._s, self._t])
        others = np.concatenate([self._t, self._s])
        weights = np.concatenate([w, w])
        key = ends * c + membership[others]
        unique, inverse = np.unique(key, return_inverse=True)
        per_pair = np.bincount(inverse, weights=weights)
        node_of, community_of = unique // c, unique % c
        total = np.bincount(ends, weights=weights, minlength=n)
        share = per_pair / total[node_of]
        participation = 1 - np.bincount(node_of, weights=share**2, minlength=n)
        external = community_of != membership[node_of]
        external_strength = np.bincount(node_of, weights=per_pair * external, minlength=n)
        reached = np.bincount(node_of, weights=external.astype(float), minlength=n)
        candidates = np.flatnonzero(reached > 0)
        if not len(candidates):
            return []
        between = self.betweenness(weighted=weighted)
        brokers = [
            Broker(
                node=self._ids[i],
                community=int(membership[i]),
                participation=float(participation[i]),
                external_share=float(external_strength[i] / total[i]),
                communities_reached=int(reached[i]),
                betweenness=between[self._ids[i]],
            )
            for i in candidates.tolist()
        ]
        return sorted(
            brokers, key=lambda b: (-b.participation, -b.betweenness, self._index[b.node])
        )

    # -- paths and neighbourhoods ----------------------------------------------------------

    def shortest_path(
        self, source: NodeId, target: NodeId, *, weighted: bool = True
    ) -> list[NodeId]:
        """One shortest path from ``source`` to ``target`` (following direction), as node ids;
        weighted paths minimise the sum of ``1 / weight``. Raises :class:`NoPath`."""
        s, t = self._one(source), self._one(target)
        with warnings.catch_warnings():  # igraph warns when the target is out of reach
            warnings.simplefilter("ignore", RuntimeWarning)
            path = self._g.get_shortest_path(
                s, t, weights=self._d.tolist() if weighted else None, mode="out", output="vpath"
            )
        if not path:
            raise NoPath(f"no path from {source!r} to {target!r}.")
        return [self._ids[i] for i in path]

    def all_shortest_paths(
        self, source: NodeId, target: NodeId, *, weighted: bool = True
    ) -> list[list[NodeId]]:
        """Every shortest path from ``source`` to ``target``, sorted. Raises :class:`NoPath`."""
        s, t = self._one(source), self._one(target)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            paths = self._g.get_all_shortest_paths(
                s, to=t, weights=self._d.tolist() if weighted else None, mode="out"
            )
        if not paths:
            raise NoPath(f"no path from {source!r} to {target!r}.")
        return sorted([self._ids[i] for i in path] for path in paths)

    def path_length(self, source: NodeId, target: NodeId, *, weighted: bool = True) -> float:
        """The length of a shortest path (sum of ``1 / weight``, or hops). Raises
        :class:`NoPath`."""
        s, t = self._one(source), self._one(target)
        length = self._g.distances(
            s, t, weights=self._d.tolist() if weighted else None, mode="out"
        )[0][0]
        if math.isinf(length):
            raise NoPath(f"no path from {source!r} to {target!r}.")
        return float(length)

    def neighbourhood(
        self, seeds: NodeId | Iterable[NodeId], hops: int = 1, *, mode: Mode = "all"
    ) -> list[NodeId]:
        """The nodes within ``hops`` steps of any seed (the seeds included), in this network's
        order: what a link chart shows when an analyst expands a node."""
        if hops < 0:
            raise NetworkError(f"hops must be 0 or more, not {hops}.")
        indices = self._indices([seeds] if self._is_node(seeds) else seeds)
        found = np.zeros(len(self._ids), dtype=bool)
        for reached in self._g.neighborhood(indices, order=hops, mode=_mode(mode)):
            found[reached] = True
        return [self._ids[i] for i in np.flatnonzero(found).tolist()]

    # -- disruption ------------------------------------------------------------------------

    def disrupt(
        self,
        strategy: Literal["degree", "strength", "betweenness", "random"] = "degree",
        *,
        per_step: int = 1,
        recompute: bool = True,
        max_removed: int | None = None,
        seed: int = 0,
        weighted: bool = False,
        sample: int | None = None,
        component: Literal["weak", "strong"] = "weak",
    ) -> Disruption:
        """Remove the highest-ranked nodes ``per_step`` at a time and record the largest
        connected component after each step (Duijn, Kashirin & Sloot 2014; Bright et al.).

        ``strategy`` ranks by degree, strength, betweenness (``weighted`` uses ``1/weight`` as
        distance; ``sample`` sources estimate it on large graphs) or a ``seed``-ed random order.
        With ``recompute`` the ranking is computed again on what is left after each step (the
        adaptive attack); otherwise once, on the intact network. Ties are broken by input
        order. Stops when ``max_removed`` nodes are gone or none is left."""
        if strategy not in ("degree", "strength", "betweenness", "random"):
            raise NetworkError(
                f"strategy must be degree, strength, betweenness or random, not {strategy!r}."
            )
        if per_step < 1:
            raise NetworkError(f"per_step must be at least 1, not {per_step}.")
        if component not in ("weak", "strong"):
            raise NetworkError(f"component must be 'weak' or 'strong', not {component!r}.")
        n = len(self._ids)
        limit = n if max_removed is None else min(max(max_removed, 0), n)
        graph = self._g.copy()
        graph.es["w"] = self._w.tolist()
        graph.vs["i"] = list(range(n))
        order: list[int] = []
        if strategy == "random":
            order = np.random.default_rng(seed).permutation(n).tolist()
        elif not recompute:
            order = self._ranking(graph, strategy, weighted, sample, seed)
        result = Disruption(strategy, recompute, per_step, n)
        intact = self._largest(graph, component)
        result.steps.append(DisruptionStep(0, [], 0, intact, intact / n if n else 0.0))
        removed_total = 0
        step = 0
        while removed_total < limit:
            step += 1
            take = min(per_step, limit - removed_total)
            if order:
                chosen = order[removed_total : removed_total + take]
                alive = {v: k for k, v in enumerate(graph.vs["i"])}
                local = [alive[i] for i in chosen]
            else:
                local = self._ranking(graph, strategy, weighted, sample, seed)[:take]
                chosen = [graph.vs[v]["i"] for v in local]
            graph.delete_vertices(local)
            removed_total += take
            largest = self._largest(graph, component)
            result.steps.append(
                DisruptionStep(
                    step,
                    [self._ids[i] for i in chosen],
                    removed_total,
                    largest,
                    largest / n if n else 0.0,
                )
            )
        return result

    def _ranking(self, graph: ig.Graph, strategy: str, weighted: bool, sample, seed) -> list[int]:
        """Vertex positions of ``graph`` from the highest score down (ties: input order)."""
        m = graph.vcount()
        if m == 0:
            return []
        if strategy == "degree":
            scores = np.array(graph.degree(), dtype=float)
        elif strategy == "strength":
            scores = np.array(graph.strength(weights="w"), dtype=float)
        else:
            distance = [1 / w for w in graph.es["w"]] if weighted else None
            if sample is not None and sample < m:
                sources = random.Random(seed).sample(range(m), sample)
                scores = np.array(
                    graph.betweenness(directed=self.directed, weights=distance, sources=sources)
                )
            else:
                scores = np.array(graph.betweenness(directed=self.directed, weights=distance))
        top = scores.max(initial=0.0)
        if top > 0:
            scores = np.round(scores / top / TIE_TOLERANCE)
        original = np.array(graph.vs["i"])
        return np.lexsort((original, -scores)).tolist()

    @staticmethod
    def _largest(graph: ig.Graph, component: str) -> int:
        if graph.vcount() == 0:
            return 0
        mode = component if graph.is_directed() else "weak"
        return max(graph.connected_components(mode=mode).sizes())


def _mode(mode: str) -> str:
    if mode not in ("all", "in", "out"):
        raise NetworkError(f"mode must be 'all', 'in' or 'out', not {mode!r}.")
    return mode
