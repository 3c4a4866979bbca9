"""An investigation as a network: its entities are the nodes, its links (payments, calls,
ownerships … : ``queries.links``) the edges, each link of weight 1 (several links between the
same two entities add up). What ``palermo analysis metrics`` and ``disrupt`` compute on, through
``network.Network``; only members may read it, and the read is logged."""

from dataclasses import dataclass

from . import queries
from .network import Network


@dataclass
class InvestigationNetwork:
    network: Network
    #: FollowTheMoney id → (caption, schema) of each node.
    labels: dict[str, tuple[str, str]]

    def label(self, node: str) -> dict:
        caption, schema = self.labels.get(node, ("", ""))
        return {"id": node, "caption": caption, "schema": schema}


def network_of(investigation, user, *, directed: bool = False) -> InvestigationNetwork:
    """The network of ``investigation`` as ``user`` may see it (its members only)."""
    edges = queries.links(investigation, user)  # refuses who may not see it; logs the read
    nodes = queries.nodes(investigation, user)
    labels = {e.ftm_id: (e.caption, e.schema) for e in nodes}
    known = set(labels)
    network = Network.build(
        labels,
        [(e.source, e.target, 1.0) for e in edges if e.source in known and e.target in known],
        directed=directed,
    )
    return InvestigationNetwork(network, labels)
