"""Importing observations: row-level errors, all or nothing, jumps flagged, the State's own
figures only, and the SDMX-CSV round trip."""

import pytest

from palermo.core.models import User
from palermo.platform.actors import system_user
from palermo.platform.imports import run_import
from palermo.statistics import exports
from palermo.statistics.importers import ObservationImporter
from palermo.statistics.models import Indicator, Observation

NAME = ObservationImporter.name
HEADER = "state,year,indicator,iccs,sex,value,confidential\n"


@pytest.fixture
def indicator(db):
    return Indicator.objects.create(code="offences-test", name="Offences (test)", kind="offences")


def run(text, user=None, name="figures.csv"):
    return run_import(NAME, name, (HEADER + text).encode(), acting_user=user or system_user())


def errors(report):
    return {(e.row, e.field, e.kind) for e in report.errors}


@pytest.mark.django_db
def test_a_good_file_is_imported(indicator):
    report = run(
        "ARG,2020,offences-test,0101,total,120,no\n"
        "ARG,2020,offences-test,0101,male,100,no\n"
        "ARG,2020,offences-test,0101,female,20,no\n"
    )
    assert report.ok, report.errors
    assert report.created == 3
    obs = Observation.objects.get(participant__code="ARG", indicator=indicator, sex="male")
    assert obs.value == 100 and obs.iccs_id == "0101" and obs.source.code == "national"
    assert obs.import_run_id is not None and obs.source_row == 3
    # the same file again updates, it does not duplicate
    again = run("ARG,2020,offences-test,0101,total,121,no\n")
    assert again.ok and again.updated == 1 and again.created == 0
    assert Observation.objects.filter(indicator=indicator).count() == 3


@pytest.mark.django_db
def test_bad_rows_are_reported_and_nothing_is_written(indicator):
    report = run(
        "ARG,2020,offences-test,0101,total,120,no\n"
        "ARG,2020,offences-test,9999,total,5,no\n"  # unknown ICCS code
        "ARG,2021,offences-test,0101,total,-3,no\n"  # negative count
        "ARG,2020,offences-test,0101,male,130,no\n"  # male above the total of row 2
        "XXX,2020,offences-test,0101,total,1,no\n"  # unknown State
        "ARG,20x0,offences-test,0101,total,1,no\n"  # not a year
        "ARG,2020,nothing,0101,total,1,no\n"  # unknown indicator
        "ARG,2020,offences-test,0101,total,1,no\n"  # row 2 again
    )
    assert not report.ok
    assert errors(report) == {
        (3, "iccs", "unknown"),
        (4, "value", "negative"),
        (5, "value", "part-above-total"),
        (6, "state", "unknown"),
        (7, "year", "invalid"),
        (8, "indicator", "unknown"),
        (9, None, "duplicate"),
    }
    assert "9999" in next(e.message for e in report.errors if e.field == "iccs")
    assert not Observation.objects.filter(indicator=indicator).exists()


@pytest.mark.django_db
def test_a_part_above_a_recorded_total(indicator):
    assert run("ARG,2019,offences-test,0101,total,50,no\n").ok
    report = run("ARG,2019,offences-test,0101,female,51,no\n")
    assert errors(report) == {(2, "value", "part-above-total")}


@pytest.mark.django_db
def test_rates_are_not_imported(indicator):
    report = run_import(
        NAME,
        "rates.csv",
        b"state,year,indicator,value,unit\nARG,2020,offences-test,3.5,rate\n",
        acting_user=system_user(),
    )
    assert errors(report) == {(2, "unit", "invalid")}


@pytest.mark.django_db
def test_a_missing_column(indicator):
    report = run_import(NAME, "x.csv", b"state,year,value\nARG,2020,3\n", acting_user=system_user())
    assert errors(report) == {(1, "indicator", "missing")}


@pytest.mark.django_db
def test_an_implausible_jump_is_flagged_not_refused(indicator):
    report = run(
        "ARG,2018,offences-test,0101,total,100,no\n"
        "ARG,2019,offences-test,0101,total,900,no\n"  # nine times the year before
        "ARG,2020,offences-test,0101,total,950,no\n"
    )
    assert report.ok and report.created == 3
    assert [(w.row, w.kind) for w in report.warnings] == [(3, "jump")]
    flagged = Observation.objects.filter(indicator=indicator, needs_review=True)
    assert list(flagged.values_list("year", flat=True)) == [2019]


@pytest.mark.django_db
def test_a_state_imports_its_own_figures_only(indicator):
    focal_point = User.objects.get(username="focal-point")  # Argentina
    report = run(
        "ARG,2020,offences-test,0101,total,10,no\nBRA,2020,offences-test,0101,total,10,no\n",
        user=focal_point,
    )
    assert errors(report) == {(3, "state", "refused")}
    assert not Observation.objects.filter(indicator=indicator).exists()
    assert run("ARG,2020,offences-test,0101,total,10,no\n", user=focal_point).ok
    from django.core.exceptions import PermissionDenied

    # A central-authority practitioner sees the State's figures but does not report them.
    for name in ("observer", "analyst", "practitioner"):
        with pytest.raises(PermissionDenied):
            run("ARG,2020,offences-test,0101,total,10,no\n", user=User.objects.get(username=name))


@pytest.mark.django_db
def test_sdmx_csv_round_trip(indicator, tmp_path):
    assert run(
        "ARG,2020,offences-test,0101,total,120,yes\n"
        "ARG,2020,offences-test,0101,female,20,no\n"
        "CHL,2020,offences-test,,total,7,no\n"
    ).ok
    Observation.objects.filter(participant__code="CHL", indicator=indicator).update(
        estimate=True, break_in_series=True, note="fictional"
    )
    secretariat = User.objects.get(username="secretariat")
    path = tmp_path / "out.csv"
    rows = exports.observations(secretariat, indicator=indicator.pk)
    assert exports.write(rows, path, "sdmx-csv") == 3
    text = path.read_text()
    assert text.splitlines()[0].startswith("DATAFLOW,REF_AREA,TIME_PERIOD")
    assert ",E B," in text or ",E B,".replace(" ", " ") in text
    before = sorted(
        (
            o.participant_id,
            o.iccs_id,
            o.sex,
            o.value,
            o.estimate,
            o.break_in_series,
            o.confidential,
            o.note,
        )
        for o in Observation.objects.filter(indicator=indicator)
    )
    Observation.objects.filter(indicator=indicator).delete()
    report = run_import(NAME, path, acting_user=system_user())
    assert report.ok, report.errors
    after = sorted(
        (
            o.participant_id,
            o.iccs_id,
            o.sex,
            o.value,
            o.estimate,
            o.break_in_series,
            o.confidential,
            o.note,
        )
        for o in Observation.objects.filter(indicator=indicator)
    )
    assert after == before


@pytest.mark.django_db
def test_xlsx_export(indicator, tmp_path):
    from openpyxl import load_workbook

    assert run("ARG,2020,offences-test,0101,total,120,no\n").ok
    path = tmp_path / "out.xlsx"
    assert exports.write(exports.observations(None, indicator=indicator.pk), path, "xlsx") == 1
    sheet = load_workbook(path).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("state", "year", "indicator")
    assert rows[1][:3] == ("ARG", 2020, "offences-test")


@pytest.mark.django_db
def test_a_national_layout_through_a_column_mapping(indicator):
    """A State's own spreadsheet layout, mapped onto the importer's fields."""
    content = "País,Año,Delitos\nARG,2017,40\nARG,2018,-1\n".encode()
    mapping = {
        "fields": {
            "state": "País",
            "year": "Año",
            "value": "Delitos",
            "indicator": {"constant": "offences-test"},
        }
    }
    report = run_import(NAME, "nacional.csv", content, acting_user=system_user(), mapping=mapping)
    assert errors(report) == {(3, "value", "negative")}
    content = "País,Año,Delitos\nARG,2017,40\n".encode()
    report = run_import(NAME, "nacional.csv", content, acting_user=system_user(), mapping=mapping)
    assert report.ok, report.errors
    assert Observation.objects.get(indicator=indicator, year=2017).value == 40
