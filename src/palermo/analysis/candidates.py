"""The candidate duplicates of an investigation: its people and organisations scored by
``resolution.find_candidates`` (Splink on DuckDB), each side with the source rows it comes from,
for its members only (the read is logged)."""

from palermo.platform.audit import record_reads
from palermo.platform.policies import require, restrict

from .models import Entity, Statement
from .resolution import DEFAULT_MIN_PROBABILITY, SCHEMATA, find_candidates


def candidates_of(investigation, user, *, min_probability: float = DEFAULT_MIN_PROBABILITY):
    require(user, "view", investigation)
    entities = list(
        restrict(Entity.objects.filter(investigation=investigation), user)
        .filter(schema__in=list(SCHEMATA))
        .only("pk", "ftm_id", "schema", "caption", "properties")
    )
    record_reads(user, entities, model=Entity)
    records = [{"id": e.ftm_id, "schema": e.schema, "properties": e.properties} for e in entities]
    found = find_candidates(records, min_probability=min_probability)
    by_id = {e.ftm_id: e for e in entities}
    wanted = {by_id[side].pk for p in found.pairs for side in (p.left, p.right)}
    sources: dict[int, set] = {}
    rows = (
        restrict(Statement.objects.filter(entity_id__in=wanted), user)
        .values_list("entity_id", "source_file", "source_row")
        .order_by()
        .distinct()
    )
    for entity_id, file, row in rows:
        if file:
            sources.setdefault(entity_id, set()).add((file, row))

    def side(ftm_id: str) -> dict:
        entity = by_id[ftm_id]
        return {
            "id": ftm_id,
            "caption": entity.caption,
            "schema": entity.schema,
            "sources": [
                {"file": file, "row": row} for file, row in sorted(sources.get(entity.pk, ()))
            ],
        }

    return {
        "investigation": investigation.pk,
        "records": found.records,
        "trained": found.trained,
        "min_probability": min_probability,
        "pairs": [
            {
                "left": side(p.left),
                "right": side(p.right),
                "match_probability": round(p.match_probability, 6),
                "match_weight": round(p.match_weight, 3),
                "evidence_for": [e.text for e in p.evidence_for],
                "evidence_against": [e.text for e in p.evidence_against],
            }
            for p in found.pairs
        ],
    }
