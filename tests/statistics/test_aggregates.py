"""Aggregates on a small hand-checked set (pure), then against the World Bank's own figures."""

import csv

import pytest

from palermo.statistics.aggregates import Area, StateSeries, compute
from palermo.statistics.reference import DATA

M = 1_000_000
WORLD = Area("001", "World", "world")
S1 = Area("S1", "Sub-region one", "subregion")
S2 = Area("S2", "Sub-region two", "subregion")


def states(extra=()):
    return [
        StateSeries("AAA", "R", "S1", {2011: 1 * M, 2013: 1 * M}, {2010: 10.0, 2012: 20.0}),
        StateSeries("BBB", "R", "S1", {2011: 3 * M, 2013: 3 * M}, {2011: 5.0, 2013: 6.0}),
        StateSeries("CCC", "R", "S1", {2011: 1 * M}, {}),
        StateSeries("DDD", "R", "S2", {2011: 2 * M}, {2011: 2.0}),
        *extra,
    ]


def by_area(results):
    return {r.area: r for r in results}


def test_interpolation_then_imputation_by_hand():
    # 2011: AAA interpolated (10 → 20): 15; BBB observed 5; CCC imputed with S1's median of
    # {15, 5} = 10 (range 5 to 15); DDD observed 2.
    found = by_area(compute(states(), 2011, [WORLD, S1, S2]))
    world = found["001"]
    # counts: 150 + 150 + 100 + 40 = 440 victims over 7 million people
    assert world.count == pytest.approx(440)
    assert world.population == 7 * M
    assert world.rate == pytest.approx(440 / 70)  # 440 per 7 million: per 100,000
    assert world.rate_low == pytest.approx(390 / 70)
    assert world.rate_high == pytest.approx(490 / 70)
    assert world.coverage == pytest.approx(5 / 7)  # BBB and DDD observed
    assert (world.observed, world.interpolated, world.imputed) == (2, 1, 1)
    s1 = found["S1"]
    assert s1.rate == pytest.approx(8.0)
    assert (s1.rate_low, s1.rate_high) == (pytest.approx(7.0), pytest.approx(9.0))
    assert s1.coverage == pytest.approx(0.6)


def test_without_imputation_the_range_is_the_value():
    s2 = by_area(compute(states(), 2011, [S2]))["S2"]
    assert s2.rate == s2.rate_low == s2.rate_high == pytest.approx(2.0)
    assert s2.coverage == 1 and s2.imputed == 0


def test_no_extrapolation_and_fallback_to_the_region():
    extra = [StateSeries("EEE", "R", "S3", {2011: 1 * M}, {})]
    s3 = Area("S3", "Sub-region three", "subregion")
    found = by_area(compute(states(extra), 2011, [WORLD, s3]))
    # S3 has no value of its own: no aggregate for it
    assert "S3" not in found
    # EEE took region R's median of {15, 5, 2} = 5 (range 2 to 15)
    world = found["001"]
    assert world.count == pytest.approx(440 + 50)
    assert world.rate_low == pytest.approx((390 + 20) / 80)
    assert world.rate_high == pytest.approx((490 + 150) / 80)
    # 2013: AAA's series ends in 2012: imputed from BBB (6), not carried forward
    s1 = by_area(compute(states(), 2013, [S1]))["S1"]
    assert (s1.observed, s1.imputed) == (1, 1)
    assert s1.rate == pytest.approx(6.0)


WB_TO_M49 = {"WLD": "001", "NAC": "021", "LCN": "419"}


@pytest.mark.django_db
def test_close_to_the_world_banks_aggregates():
    """The World Bank's figures use UNODC's series only, World Bank regions and its own
    gap-filling; ours choose between two sources and impute by M49 sub-region. Within 20 %
    for the world and the regions whose membership nearly coincides (docs/user/statistics.md)."""
    from palermo.statistics.models import Aggregate

    with open(DATA / "homicide_wb_aggregates.csv", newline="", encoding="utf-8") as f:
        theirs = [r for r in csv.DictReader(f) if r["wb_code"] in WB_TO_M49]
    assert len(theirs) >= 9
    for row in theirs:
        ours = Aggregate.objects.get(
            indicator_id="homicide", area=WB_TO_M49[row["wb_code"]], year=int(row["year"])
        )
        assert ours.rate == pytest.approx(float(row["rate_per_100k"]), rel=0.2), row
        assert ours.rate_low <= ours.rate <= ours.rate_high
        assert 0.9 <= ours.coverage <= 1
