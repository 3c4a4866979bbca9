"""The stored aggregates of every year against an independent implementation of the method
of docs/user/statistics.md, written directly in SQL and run by DuckDB over the same inputs
(the chosen values, the population, the States' M49 regions)."""

import pytest

from palermo.core.choices import ParticipantKind
from palermo.core.models import Participant
from palermo.statistics.models import Aggregate, HomicideChoice, Population

duckdb = pytest.importorskip("duckdb")

METHOD = """
WITH years AS (SELECT DISTINCT year FROM chosen),
counted AS (SELECT p.* FROM pop p JOIN years USING (year)),
bounds AS (
    SELECT c.*, o.rate AS observed_rate,
        (SELECT max(b.year) FROM chosen b WHERE b.code = c.code AND b.year < c.year) AS y0,
        (SELECT min(a.year) FROM chosen a WHERE a.code = c.code AND a.year > c.year) AS y1
    FROM counted c LEFT JOIN chosen o ON o.code = c.code AND o.year = c.year
),
own AS (
    SELECT b.*,
        COALESCE(
            observed_rate,
            CASE WHEN y0 IS NOT NULL AND y1 IS NOT NULL
                 THEN r0.rate + (r1.rate - r0.rate) * (b.year - y0) / (y1 - y0) END
        ) AS own_rate
    FROM bounds b
    LEFT JOIN chosen r0 ON r0.code = b.code AND r0.year = b.y0
    LEFT JOIN chosen r1 ON r1.code = b.code AND r1.year = b.y1
),
pools AS (
    SELECT *,
        median(own_rate) OVER (PARTITION BY subregion, year) AS s_med,
        min(own_rate) OVER (PARTITION BY subregion, year) AS s_min,
        max(own_rate) OVER (PARTITION BY subregion, year) AS s_max,
        median(own_rate) OVER (PARTITION BY region, year) AS r_med,
        min(own_rate) OVER (PARTITION BY region, year) AS r_min,
        max(own_rate) OVER (PARTITION BY region, year) AS r_max,
        median(own_rate) OVER (PARTITION BY year) AS w_med,
        min(own_rate) OVER (PARTITION BY year) AS w_min,
        max(own_rate) OVER (PARTITION BY year) AS w_max
    FROM own
),
filled AS (
    SELECT code, region, subregion, year, population, own_rate,
        observed_rate IS NOT NULL AS is_observed,
        COALESCE(own_rate, s_med, r_med, w_med) AS rate,
        COALESCE(own_rate, CASE WHEN s_med IS NOT NULL THEN s_min
                                WHEN r_med IS NOT NULL THEN r_min ELSE w_min END) AS low,
        COALESCE(own_rate, CASE WHEN s_med IS NOT NULL THEN s_max
                                WHEN r_med IS NOT NULL THEN r_max ELSE w_max END) AS high
    FROM pools
),
areas AS (
    SELECT '001' AS area, * FROM filled
    UNION ALL SELECT region AS area, * FROM filled WHERE region IS NOT NULL
    UNION ALL SELECT subregion AS area, * FROM filled WHERE subregion IS NOT NULL
)
SELECT year, area,
    sum(rate * population) / sum(population) AS rate,
    sum(rate * population) / 1e5 AS count,
    sum(low * population) / sum(population) AS rate_low,
    sum(high * population) / sum(population) AS rate_high,
    sum(CASE WHEN is_observed THEN population ELSE 0 END) / sum(population) AS coverage,
    count(*) AS states
FROM areas
WHERE rate IS NOT NULL
GROUP BY year, area
HAVING count(own_rate) > 0
"""


@pytest.mark.django_db
def test_every_stored_aggregate_equals_the_sql_method():
    regions = {
        pk: (code, region, subregion)
        for pk, code, region, subregion in Participant.objects.filter(
            kind=ParticipantKind.STATE
        ).values_list("pk", "code", "region_id", "subregion_id")
    }
    db = duckdb.connect()
    db.execute(
        "CREATE TABLE pop (code VARCHAR, region VARCHAR, subregion VARCHAR, year INTEGER, "
        "population DOUBLE)"
    )
    db.executemany(
        "INSERT INTO pop VALUES (?, ?, ?, ?, ?)",
        [
            (*regions[pid], year, n)
            for pid, year, n in Population.objects.values_list(
                "participant_id", "year", "population"
            )
            if pid in regions
        ],
    )
    db.execute("CREATE TABLE chosen (code VARCHAR, year INTEGER, rate DOUBLE)")
    db.executemany(
        "INSERT INTO chosen VALUES (?, ?, ?)",
        [
            (regions[pid][0], year, rate)
            for pid, year, rate in HomicideChoice.objects.values_list(
                "participant_id", "year", "rate"
            )
        ],
    )
    theirs = {(r[0], r[1]): r[2:] for r in db.execute(METHOD).fetchall()}
    ours = {
        (a.year, a.area): (a.rate, a.count, a.rate_low, a.rate_high, a.coverage, a.states)
        for a in Aggregate.objects.filter(indicator_id="homicide")
    }
    assert len(ours) > 600
    assert set(ours) == set(theirs)
    for key, values in ours.items():
        assert values == pytest.approx(theirs[key], rel=1e-9), key
