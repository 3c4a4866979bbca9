"""``palermo statistics aggregate|recompute|import|export``: JSON fields, files, clear errors."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from palermo.statistics.models import Aggregate, Indicator, Observation

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("statistics", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


FIELDS = {
    "area",
    "name",
    "level",
    "year",
    "rate",
    "count",
    "population",
    "population_observed",
    "coverage",
    "rate_low",
    "rate_high",
    "states",
    "observed",
    "interpolated",
    "imputed",
}


def test_aggregate_json_gives_each_regions_rate_count_and_coverage():
    result = json.loads(run("aggregate", "--indicator", "homicide", "--year", "2012", "--json"))
    assert result["year"] == 2012
    areas = {a["area"]: a for a in result["areas"]}
    assert {"001", "002", "019", "142", "150", "009", "419"} <= set(areas)
    for a in areas.values():
        assert set(a) == FIELDS
        assert 0 <= a["coverage"] <= 1
        assert a["rate_low"] <= a["rate"] <= a["rate_high"]
        # the rate is the count over the population, per 100,000
        assert a["rate"] == pytest.approx(a["count"] / a["population"] * 1e5, rel=1e-3)
    world = areas["001"]
    # the world is the sum of its five regions
    regions = [a for a in areas.values() if a["level"] == "region"]
    assert world["population"] == sum(a["population"] for a in regions)
    assert world["count"] == pytest.approx(sum(a["count"] for a in regions), rel=1e-4)


def test_aggregate_of_one_region_and_its_subregions():
    result = json.loads(
        run("aggregate", "--year", "2015", "--region", "019", "--details", "--json")
    )
    codes = [a["area"] for a in result["areas"]]
    assert codes == ["019", "021", "419"]
    details = result["areas"][0]["details"]
    assert {"USA", "BRA", "ARG"} <= {d["state"] for d in details}
    assert {d["fill"] for d in details} <= {"observed", "interpolated", "imputed"}


def test_aggregate_errors():
    with pytest.raises(CommandError, match="not an M49 region"):
        run("aggregate", "--year", "2012", "--region", "999")
    with pytest.raises(CommandError, match="No homicide figures for 1950"):
        run("aggregate", "--year", "1950")


def test_recompute_stores_every_year():
    Aggregate.objects.all().delete()
    result = json.loads(run("recompute", "--json"))
    assert result["years"] == 31  # 1990 to 2020
    assert Aggregate.objects.count() == result["aggregates"]
    assert set(Aggregate.objects.values_list("year", flat=True)) == set(range(1990, 2021))


def test_import_and_export(tmp_path):
    Indicator.objects.create(code="prison-test", name="Prisoners (test)", kind="prison")
    good = tmp_path / "prison.csv"
    good.write_text("state,year,indicator,value\nARG,2020,prison-test,1000\n")
    report = json.loads(run("import", str(good), "--json"))
    assert report["ok"] and report["created"] == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("state,year,indicator,value\nARG,2020,prison-test,-1\n")
    with pytest.raises(CommandError, match="nothing was imported"):
        run("import", str(bad))
    out = tmp_path / "out.csv"
    summary = json.loads(
        run("export", "--format", "csv", "-o", str(out), "--indicator", "prison-test", "--json")
    )
    assert summary["observations"] == 1
    assert out.read_text().splitlines()[1].startswith("ARG,2020,prison-test")
    assert Observation.objects.filter(indicator_id="prison-test").count() == 1


def test_palermo_export_writes_the_aggregates_table(capsys):
    """``palermo export homicide-aggregates``: the aggregates page's columns and rows."""
    import csv
    import io

    from django.core.management import call_command

    from palermo.statistics.models import Aggregate

    call_command("export", "homicide-aggregates", "--year", "2012", "--level", "world")
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0][:3] == ["Year", "Area", "Rate per 100,000"]
    world = Aggregate.objects.get(indicator_id="homicide", year=2012, level="world")
    assert len(rows) == 2 and rows[1][0] == "2012"
    assert float(rows[1][2]) == pytest.approx(world.rate, abs=0.01)
