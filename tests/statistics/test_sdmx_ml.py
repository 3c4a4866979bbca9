"""SDMX-ML: the export read back by the importer gives the same observations; a message written
by another producer (generic data, its own dataflow) is imported; bad files are refused with a
reason and nothing is written."""

import pytest
from lxml import etree

from palermo.core.models import User
from palermo.platform.actors import system_user
from palermo.platform.imports import run_import
from palermo.statistics import exports, sdmx_ml
from palermo.statistics.importers import ObservationImporter
from palermo.statistics.models import Indicator, Observation

NAME = ObservationImporter.name
HEADER = "state,year,indicator,iccs,sex,value,confidential\n"
SS = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message}"


@pytest.fixture
def indicator(db):
    return Indicator.objects.create(code="offences-test", name="Offences (test)", kind="offences")


def snapshot(indicator):
    return sorted(
        (
            o.participant.code,
            o.year,
            o.iccs_id,
            o.sex,
            o.source.code,
            o.value,
            o.estimate,
            o.break_in_series,
            o.definition_differs,
            o.confidential,
            o.note,
        )
        for o in Observation.objects.filter(indicator=indicator).select_related(
            "participant", "source"
        )
    )


@pytest.mark.django_db
def test_the_sdmx_ml_export_imports_back_to_the_same_observations(indicator, tmp_path):
    csv = (
        "ARG,2019,offences-test,0101,total,110,no\n"
        "ARG,2020,offences-test,0101,total,120,yes\n"
        "ARG,2020,offences-test,0101,female,20,no\n"
        "CHL,2020,offences-test,,total,7,no\n"
    )
    assert run_import(NAME, "f.csv", (HEADER + csv).encode(), acting_user=system_user()).ok
    Observation.objects.filter(participant__code="CHL").update(
        estimate=True, break_in_series=True, note="fictional & <noted>"
    )
    before = snapshot(indicator)
    path = tmp_path / "out.xml"
    secretariat = User.objects.get(username="secretariat")
    assert (
        exports.write(exports.observations(secretariat, indicator=indicator.pk), path, "sdmx-ml")
        == 4
    )

    # It is SDMX-ML 2.1 structure-specific data: one series per State and disaggregation, the
    # years as observations, the dataflow named in the header.
    root = etree.parse(str(path)).getroot()
    assert root.tag == f"{SS}StructureSpecificData"
    series = root.findall(f".//{SS}DataSet/Series")
    assert len(series) == 3
    argentina = next(s for s in series if s.get("REF_AREA") == "ARG" and s.get("SEX") == "_T")
    assert [o.get("TIME_PERIOD") for o in argentina] == ["2019", "2020"]
    assert argentina[1].get("CONF_STATUS") == "C" and argentina[1].get("OBS_VALUE") == "120"

    Observation.objects.filter(indicator=indicator).delete()
    report = run_import(NAME, path, acting_user=system_user())
    assert report.ok, report.errors
    assert report.created == 4
    assert snapshot(indicator) == before


GENERIC = """<?xml version="1.0" encoding="UTF-8"?>
<message:GenericData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
    xmlns:generic="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic"
    xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">
  <message:Header>
    <message:ID>NSO-EXAMPLE-1</message:ID>
    <message:Test>true</message:Test>
    <message:Prepared>2026-11-30T10:00:00</message:Prepared>
    <message:Sender id="NSO_FICTIONAL"/>
    <message:Structure structureID="NSO_CRIME" dimensionAtObservation="TIME_PERIOD">
      <common:Structure><Ref agencyID="NSO_FICTIONAL" id="NSO_CRIME" version="2.0"/></common:Structure>
    </message:Structure>
  </message:Header>
  <message:DataSet structureRef="NSO_CRIME">
    <generic:Series>
      <generic:SeriesKey>
        <generic:Value id="REF_AREA" value="ARG"/>
        <generic:Value id="INDICATOR" value="offences-test"/>
        <generic:Value id="ICCS" value="0101"/>
        <generic:Value id="SEX" value="M"/>
      </generic:SeriesKey>
      <generic:Obs>
        <generic:ObsDimension value="2021"/>
        <generic:ObsValue value="80"/>
        <generic:Attributes><generic:Value id="OBS_STATUS" value="E"/></generic:Attributes>
      </generic:Obs>
      <generic:Obs>
        <generic:ObsDimension value="2022"/>
        <generic:ObsValue value="85"/>
      </generic:Obs>
    </generic:Series>
  </message:DataSet>
</message:GenericData>
"""


@pytest.mark.django_db
def test_a_generic_message_from_another_producer_is_imported(indicator):
    report = run_import(NAME, "nso.xml", GENERIC.encode(), acting_user=system_user())
    assert report.ok, report.errors
    rows = snapshot(indicator)
    assert [(r[0], r[1], r[2], r[3], r[5], r[6]) for r in rows] == [
        ("ARG", 2021, "0101", "male", 80, True),
        ("ARG", 2022, "0101", "male", 85, False),
    ]


@pytest.mark.django_db
def test_an_unknown_code_in_an_sdmx_ml_message_is_reported_at_its_observation(indicator):
    text = GENERIC.replace('value="ARG"', 'value="XYZ"')
    report = run_import(NAME, "nso.xml", text.encode(), acting_user=system_user())
    assert not report.ok
    assert {(e.row, e.field) for e in report.errors} == {(1, "state"), (2, "state")}
    assert not Observation.objects.filter(indicator=indicator).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content, says",
    [
        (b"<not-sdmx/>", "is not an SDMX-ML message"),
        (b"this is not XML at all", "is not an SDMX-ML message"),
    ],
    ids=["other-xml", "not-xml"],
)
def test_a_file_that_is_not_sdmx_ml_data_is_refused_with_its_reason(indicator, content, says):
    report = run_import(NAME, "bad.xml", content, acting_user=system_user())
    assert not report.ok
    assert any(says in e.message for e in report.errors), [e.message for e in report.errors]
    assert not Observation.objects.filter(indicator=indicator).exists()


def test_the_structure_names_palermos_dimensions_in_key_order():
    dsd, flow = sdmx_ml.structure()
    assert [d.id for d in dsd.dimensions.components] == [
        *sdmx_ml.SERIES_DIMENSIONS,
        "TIME_PERIOD",
    ]
    assert (flow.id, flow.maintainer.id, flow.version) == ("DF_CRIME_CJ", "PALERMO", "1.0")
    assert flow.structure is dsd
