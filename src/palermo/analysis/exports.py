"""Exports of an investigation: FollowTheMoney entity JSON lines, a CSV of statements, and its
network as GraphML or GEXF (for Gephi, yEd, Cytoscape).

``ftm-jsonl`` is the format Aleph, OpenSanctions and the ``ftm`` tools read: one JSON object a
line, ``{"id", "schema", "properties": {prop: [values]}}``, the union of each entity's
statements. ``csv`` is the evidence itself: one row a statement, with its value as cleaned,
as written in the source, and its source (import, file, row, column). Both go through the
policy (members only) and are logged in the read audit as exports.

``graphml`` and ``gexf`` are the network: a node per entity that is not a link (its caption as
label, its schema and FollowTheMoney id as attributes), an edge per pair of entities and kind of
link (Payment, Call, Ownership …) from source to target, weighted by how many such links join
them.
"""

import csv
import json
from collections import Counter
from xml.etree import ElementTree as ET

from palermo.platform.audit import record_reads, surface
from palermo.platform.choices import Surface
from palermo.platform.policies import require, restrict
from palermo.platform.tables import neutralise

from .models import Entity, Investigation, Statement

FORMATS = ("ftm-jsonl", "csv", "graphml", "gexf")
STATEMENT_COLUMNS = (
    "entity_id",
    "schema",
    "property",
    "value",
    "original_value",
    "import",
    "file",
    "row",
    "column",
    "recorded",
)


def _entities(investigation: Investigation, user):
    require(user, "view", investigation)
    rows = restrict(Entity.objects.filter(investigation=investigation), user)
    return rows.order_by("pk")


def write_ftm(investigation: Investigation, user, out) -> int:
    """Write the investigation's entities as FollowTheMoney JSON lines; returns how many."""
    entities = list(_entities(investigation, user))
    with surface(Surface.EXPORT):
        record_reads(user, [investigation])
        record_reads(user, entities, model=Entity)
    for entity in entities:
        out.write(json.dumps(entity.to_ftm().to_dict(), ensure_ascii=False, sort_keys=True))
        out.write("\n")
    return len(entities)


def write_csv(investigation: Investigation, user, out) -> int:
    """Write every statement of the investigation with its source; returns how many rows."""
    _entities(investigation, user)
    statements = list(
        restrict(Statement.objects.filter(investigation=investigation), user)
        .select_related("entity")
        .order_by("entity_id", "prop", "pk")
    )
    with surface(Surface.EXPORT):
        record_reads(user, [investigation])
        record_reads(user, statements, model=Statement)
    writer = csv.writer(out)
    writer.writerow(STATEMENT_COLUMNS)
    for s in statements:
        writer.writerow(
            [
                s.entity.ftm_id,
                s.entity.schema,
                s.prop,
                neutralise(s.value),
                neutralise(s.original_value),
                str(s.import_run_id or ""),
                neutralise(s.source_file),
                "" if s.source_row is None else s.source_row,
                neutralise(s.source_column),
                s.created.isoformat(),
            ]
        )
    return len(statements)


def _network(investigation: Investigation, user):
    """The nodes ``[(ftm_id, caption, schema)]`` and the edges ``{(source, target, schema):
    links}`` of the investigation, for ``user`` (members only; logged as an export)."""
    from .queries import links, nodes

    with surface(Surface.EXPORT):
        record_reads(user, [investigation])
        found_nodes = nodes(investigation, user)
        found = links(investigation, user)
    known = {e.ftm_id for e in found_nodes}
    edges = Counter(
        (link.source, link.target, link.schema)
        for link in found
        if link.source in known and link.target in known
    )
    return [(e.ftm_id, e.caption, e.schema) for e in found_nodes], edges


def _xml(root, out) -> None:
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")


def write_graphml(investigation: Investigation, user, out) -> int:
    """The network as GraphML (directed, weighted); returns how many nodes."""
    nodes, edges = _network(investigation, user)
    root = ET.Element("graphml", xmlns="http://graphml.graphdrawing.org/xmlns")
    for key, scope, kind in (
        ("label", "node", "string"),
        ("schema", "node", "string"),
        ("type", "edge", "string"),
        ("weight", "edge", "double"),
    ):
        ET.SubElement(root, "key", {"id": key, "for": scope, "attr.name": key, "attr.type": kind})
    graph = ET.SubElement(root, "graph", id="investigation", edgedefault="directed")
    for ftm_id, caption, schema in nodes:
        node = ET.SubElement(graph, "node", id=ftm_id)
        ET.SubElement(node, "data", key="label").text = caption
        ET.SubElement(node, "data", key="schema").text = schema
    for i, ((source, target, schema), count) in enumerate(sorted(edges.items())):
        edge = ET.SubElement(graph, "edge", id=f"e{i}", source=source, target=target)
        ET.SubElement(edge, "data", key="type").text = schema
        ET.SubElement(edge, "data", key="weight").text = str(float(count))
    _xml(root, out)
    return len(nodes)


def write_gexf(investigation: Investigation, user, out) -> int:
    """The network as GEXF 1.3, Gephi's format (directed, weighted); returns how many nodes."""
    nodes, edges = _network(investigation, user)
    root = ET.Element("gexf", xmlns="http://gexf.net/1.3", version="1.3")
    ET.SubElement(ET.SubElement(root, "meta"), "description").text = investigation.title
    graph = ET.SubElement(root, "graph", mode="static", defaultedgetype="directed")
    for scope, title in (("node", "schema"), ("edge", "type")):
        attributes = ET.SubElement(graph, "attributes", {"class": scope})
        ET.SubElement(attributes, "attribute", id="0", title=title, type="string")
    node_list = ET.SubElement(graph, "nodes")
    for ftm_id, caption, schema in nodes:
        node = ET.SubElement(node_list, "node", id=ftm_id, label=caption or ftm_id)
        ET.SubElement(ET.SubElement(node, "attvalues"), "attvalue", {"for": "0", "value": schema})
    edge_list = ET.SubElement(graph, "edges")
    for i, ((source, target, schema), count) in enumerate(sorted(edges.items())):
        edge = ET.SubElement(
            edge_list, "edge", id=str(i), source=source, target=target, weight=str(float(count))
        )
        ET.SubElement(ET.SubElement(edge, "attvalues"), "attvalue", {"for": "0", "value": schema})
    _xml(root, out)
    return len(nodes)


def write(investigation: Investigation, user, out, fmt: str) -> int:
    if fmt == "ftm-jsonl":
        return write_ftm(investigation, user, out)
    if fmt == "csv":
        return write_csv(investigation, user, out)
    if fmt == "graphml":
        return write_graphml(investigation, user, out)
    if fmt == "gexf":
        return write_gexf(investigation, user, out)
    raise ValueError(f"unknown format {fmt!r} (formats: {', '.join(FORMATS)})")
