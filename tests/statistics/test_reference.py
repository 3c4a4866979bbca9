"""The shipped reference data: copies equal to ../shared/data, the ICCS's integrity, both
homicide series loaded with their source, rates computed from population."""

import csv
import filecmp
from pathlib import Path

import pytest

from palermo.core.models import Participant
from palermo.statistics.choices import SourceKind, Unit
from palermo.statistics.models import IccsCode, IccsIndexTerm, Observation, Population
from palermo.statistics.reference import DATA, load_all
from palermo.statistics.services import homicide_observations

SHARED = Path("/work/shared/data")
LENGTHS = {1: 2, 2: 4, 3: 5, 4: 6}


@pytest.mark.parametrize(
    "name,folder",
    [
        ("iccs.csv", "iccs"),
        ("iccs_definitions.csv", "iccs"),
        ("iccs_labels_es.csv", "iccs"),
        ("iccs_alphabetical_index.csv", "iccs"),
        ("homicide.csv", "homicide"),
        ("population_wb.csv", "homicide"),
        ("homicide_wb_aggregates.csv", "homicide"),
    ],
)
def test_copies_equal_the_shared_data(name, folder):
    original = SHARED / folder / name
    if not original.exists():
        pytest.skip("../shared/data is not on this machine")
    assert filecmp.cmp(DATA / name, original, shallow=False)


def _csv(name):
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.django_db
def test_iccs_integrity():
    codes = {c.code: c for c in IccsCode.objects.all()}
    assert len(codes) == len(_csv("iccs.csv")) == 320
    assert {c.level for c in codes.values()} == {1, 2, 3, 4}
    for code in codes.values():
        assert len(code.code) == LENGTHS[code.level], code.code
        if code.level == 1:
            assert code.parent_id is None
        else:
            parent = codes[code.parent_id]  # every parent exists
            assert parent.level == code.level - 1
            assert code.code.startswith(parent.code)
    homicide = codes["0101"]
    assert homicide.label == "Intentional homicide"
    assert homicide.label_es == "Homicidio intencional"
    assert "Murder" in homicide.inclusions and "euthanasia" in homicide.exclusions
    assert codes["01"].code == "01"  # leading zeros kept


@pytest.mark.django_db
def test_index_terms_keep_the_dangling_codes():
    rows = _csv("iccs_alphabetical_index.csv")
    assert IccsIndexTerm.objects.count() == len(rows)
    known = {r["code"] for r in _csv("iccs.csv")}
    dangling = [r for r in rows if r["iccs_code"] not in known]
    assert len(dangling) == 14  # as the data's README says
    assert IccsIndexTerm.objects.filter(category__isnull=True).count() == 14


@pytest.mark.django_db
def test_both_homicide_series_with_their_source_text():
    codes = set(Participant.objects.values_list("code", flat=True))
    rows = [r for r in _csv("homicide.csv") if r["iso3"] in codes]
    assert homicide_observations().count() == len(rows)
    for kind, prefix in ((SourceKind.CRIMINAL_JUSTICE, "UNODC"), (SourceKind.PUBLIC_HEALTH, "WHO")):
        found = homicide_observations().filter(source__kind=kind)
        assert found.count() == sum(1 for r in rows if r["source"].startswith(prefix))
        citations = set(found.values_list("source__citation", flat=True))
        assert citations == {r["source"] for r in rows if r["source"].startswith(prefix)}
    # UNODC publishes rates only; WHO counts, whose rates Palermo computes.
    assert (
        not homicide_observations()
        .filter(source__kind=SourceKind.CRIMINAL_JUSTICE, unit=Unit.COUNT)
        .exists()
    )
    assert (
        not homicide_observations()
        .filter(source__kind=SourceKind.PUBLIC_HEALTH, unit=Unit.RATE)
        .exists()
    )


@pytest.mark.django_db
def test_computed_rates_match_the_rates_the_who_rows_state():
    """The file's WHO rate was computed from World Bank population by its compiler: ours,
    computed from our population table, must agree within what the rounding of the file's
    counts (to 0.1) and rates (to 4 decimals) allows."""
    from palermo.statistics.rates import rate

    pops = {
        (p.participant.code, p.year): p.population
        for p in Population.objects.select_related("participant")
    }
    checked = 0
    for r in _csv("homicide.csv"):
        if r["count"] and (r["iso3"], int(r["year"])) in pops:
            population = pops[(r["iso3"], int(r["year"]))]
            ours = rate(float(r["count"]), population)
            allowed = rate(0.05, population) + 0.00005 + 1e-9
            assert abs(ours - float(r["rate_per_100k"])) <= allowed, r
            checked += 1
    assert checked > 3000


@pytest.mark.django_db
def test_loading_again_changes_nothing():
    before = (
        Observation.objects.count(),
        Population.objects.count(),
        IccsCode.objects.count(),
        set(Observation.objects.values_list("pk", flat=True)[:50]),
    )
    load_all()
    after = (
        Observation.objects.count(),
        Population.objects.count(),
        IccsCode.objects.count(),
        set(Observation.objects.values_list("pk", flat=True)[:50]),
    )
    assert before == after
