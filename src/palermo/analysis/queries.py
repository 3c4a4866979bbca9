"""Reads worth naming: the links of an investigation, as the network analysis reads them."""

from dataclasses import dataclass

from followthemoney import model as ftm

from palermo.platform.audit import record_reads
from palermo.platform.policies import require, restrict

from .models import LINK_SCHEMATA, Entity

#: Links that are not FollowTheMoney edges but join two parties all the same.
NON_EDGE_ENDS = {"Call": ("caller", "receiver")}


@dataclass(frozen=True)
class Link:
    source: str  # FollowTheMoney id
    target: str
    schema: str
    entity: int  # the link's own Entity row


def ends(schema_name: str) -> tuple[str, str]:
    """The properties naming a link's two ends: an FTM edge's source and target (payer →
    beneficiary, owner → asset …), caller → receiver for a call."""
    if schema_name in NON_EDGE_ENDS:
        return NON_EDGE_ENDS[schema_name]
    schema = ftm.get(schema_name)
    return schema.edge_source, schema.edge_target


def nodes(investigation, user) -> list[Entity]:
    """Every entity of ``investigation`` that is not a link (``ftm_id``, ``caption``,
    ``schema``), as ``user`` may see them (members only; the read is logged): the nodes of its
    network."""
    require(user, "view", investigation)
    rows = list(
        restrict(Entity.objects.filter(investigation=investigation), user)
        .exclude(schema__in=LINK_SCHEMATA)
        .only("pk", "ftm_id", "caption", "schema")
        .order_by("pk")
    )
    record_reads(user, rows, model=Entity)
    return rows


def links(investigation, user) -> list[Link]:
    """Every link between two entities of ``investigation`` that ``user`` may see (members
    only; the read is logged). A link with several values at one end gives one Link a pair."""
    require(user, "view", investigation)
    rows = list(
        restrict(Entity.objects.filter(investigation=investigation), user)
        .filter(schema__in=LINK_SCHEMATA)
        .only("pk", "ftm_id", "caption", "schema", "properties")
    )
    record_reads(user, rows, model=Entity)
    found = []
    for row in rows:
        source_prop, target_prop = ends(row.schema)
        props = row.properties or {}
        for source in props.get(source_prop, []):
            for target in props.get(target_prop, []):
                found.append(Link(source, target, row.schema, row.pk))
    return found
