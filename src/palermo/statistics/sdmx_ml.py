"""Observations as SDMX-ML 2.1 (the XML that statistical offices and .Stat exchange), written
and read with the maintained ``sdmx1`` library.

Writing: a structure-specific data message of the dataflow ``PALERMO:DF_CRIME_CJ(1.0)``, one
series per State, indicator, ICCS code, disaggregation, source and unit, one observation per
year. Its dimensions, attributes and codes are SDMX-CSV's (``exports.SDMX``): REF_AREA,
INDICATOR, ICCS, SEX, AGE, CITIZENSHIP, SOURCE, UNIT_MEASURE, TIME_PERIOD; OBS_VALUE;
OBS_STATUS, CONF_STATUS, COMMENT.

Reading: any SDMX-ML data message (2.1 or 3.0, generic or structure-specific, series or flat),
as a ``readers.Table`` whose rows are the observations in the order of the file (row 1 is the
first observation), with one column per dimension and attribute, named by its SDMX id, and
OBS_VALUE — so the observations importer reads them as it reads SDMX-CSV. A message whose
dimensions are not Palermo's is read the same way; a column the importer does not know is
reported by its name. The whole message is parsed at once (``sdmx1`` keeps it in memory):
statistics files are small beside what that allows.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palermo.platform.readers import Row, Table

AGENCY = "PALERMO"
DATAFLOW_ID = "DF_CRIME_CJ"
STRUCTURE_ID = "DSD_CRIME_CJ"
VERSION = "1.0"
#: The series dimensions, in key order; TIME_PERIOD is the dimension at the observation.
SERIES_DIMENSIONS = (
    "REF_AREA",
    "INDICATOR",
    "ICCS",
    "SEX",
    "AGE",
    "CITIZENSHIP",
    "SOURCE",
    "UNIT_MEASURE",
)
ATTRIBUTES = ("OBS_STATUS", "CONF_STATUS", "COMMENT")


def structure():
    """The data structure definition and the dataflow of Palermo's observations."""
    from sdmx.model import common
    from sdmx.model import v21 as model

    agency = common.Agency(id=AGENCY)
    dsd = model.DataStructureDefinition(id=STRUCTURE_ID, maintainer=agency, version=VERSION)
    for order, name in enumerate(SERIES_DIMENSIONS):
        dsd.dimensions.getdefault(name, order=order)
    dsd.dimensions.getdefault("TIME_PERIOD", cls=common.TimeDimension, order=len(SERIES_DIMENSIONS))
    dsd.measures.getdefault("OBS_VALUE")
    for name in ATTRIBUTES:
        dsd.attributes.getdefault(name, related_to=model.PrimaryMeasureRelationship())
    flow = model.DataflowDefinition(
        id=DATAFLOW_ID, maintainer=agency, version=VERSION, structure=dsd
    )
    return dsd, flow


def write(rows: Iterable, path) -> int:
    """Write the observations (``Observation`` rows) to ``path`` as SDMX-ML; returns how many."""
    import sdmx
    from sdmx import message
    from sdmx.model import common
    from sdmx.model import v21 as model

    from .exports import SDMX, sdmx_row

    dsd, flow = structure()
    measure = dsd.measures.get("OBS_VALUE")
    attributes = {name: dsd.attributes.get(name) for name in ATTRIBUTES}
    dataset = model.StructureSpecificDataSet(structured_by=dsd, described_by=flow)
    series: dict[tuple, tuple] = {}
    n = 0
    for observation in rows:
        values = dict(zip(SDMX, sdmx_row(observation), strict=True))
        key = tuple(str(values[name]) for name in SERIES_DIMENSIONS)
        if key not in series:
            series[key] = (
                common.SeriesKey(
                    described_by=dsd.dimensions,
                    values={
                        name: common.KeyValue(
                            id=name, value=value, value_for=dsd.dimensions.get(name)
                        )
                        for name, value in zip(SERIES_DIMENSIONS, key, strict=True)
                    },
                ),
                [],
            )
        series_key, observations = series[key]
        attached = {
            name: common.AttributeValue(value=str(values[name]), value_for=attributes[name])
            for name in ATTRIBUTES
            if values[name] not in ("", None)
        }
        observations.append(
            model.Observation(
                dimension=common.Key(
                    TIME_PERIOD=str(values["TIME_PERIOD"]), described_by=dsd.dimensions
                ),
                value=_number(values["OBS_VALUE"]),
                value_for=measure,
                series_key=series_key,
                attached_attribute=attached,
            )
        )
        n += 1
    for series_key, observations in series.values():
        dataset.add_obs(observations, series_key=series_key)
    data = message.DataMessage(
        data=[dataset],
        dataflow=flow,
        observation_dimension=dsd.dimensions.get("TIME_PERIOD"),
        header=message.Header(
            id=f"PALERMO-{datetime.now():%Y%m%d%H%M%S}",
            prepared=datetime.now().replace(microsecond=0),
            sender=common.Agency(id=AGENCY),
        ),
    )
    with open(path, "wb") as out:
        out.write(sdmx.to_xml(data, pretty_print=True))
    return n


def _number(value):
    """A count written as a count ("120", not "120.0")."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@contextmanager
def _quiet():
    """sdmx1 logs that a structure-specific message came without its structure: expected."""
    log = logging.getLogger("sdmx")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def _text(value) -> str:
    value = getattr(value, "value", value)
    return "" if value is None else str(value)


class SdmxMlTable(Table):
    """An SDMX-ML data message read as a table of observations (see the module's docstring)."""

    format = "sdmx-ml"
    label = gettext_lazy("SDMX-ML")

    def open(self) -> None:
        import sdmx
        from sdmx import message

        try:
            with _quiet():
                parsed = sdmx.read_sdmx(self.path, format="XML")
        except Exception as exc:  # noqa: BLE001 — sdmx1 raises many kinds; the file is refused
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            self.refuse(
                _("%(name)s is not an SDMX-ML message that can be read: %(reason)s")
                % {"name": self.name, "reason": reason[:300]}
            )
            return
        if not isinstance(parsed, message.DataMessage) or not parsed.data:
            self.refuse(
                _(
                    "%(name)s is an SDMX-ML message without data (a structure or an error "
                    "message?): export the data, not its structure"
                )
                % {"name": self.name}
            )
            return
        self._records = list(self._observations(parsed))
        if not self._records:
            self.refuse(
                _("%(name)s: the SDMX-ML message holds no observation") % {"name": self.name}
            )
            return
        columns: list[str] = []
        for record in self._records:
            for name in record:
                if name not in columns:
                    columns.append(name)
        self.columns_by_sheet[None] = columns

    @staticmethod
    def _observations(parsed) -> Iterator[dict]:
        for dataset in parsed.data:
            shared = {name: _text(value) for name, value in dataset.attrib.items()}
            for observation in dataset.obs:
                values = {name: _text(kv) for name, kv in observation.key.values.items()}
                values["OBS_VALUE"] = _text(observation.value)
                values.update(shared)
                values.update({name: _text(av) for name, av in observation.attrib.items()})
                yield values

    def _rows(self, sheet, sink) -> Iterator[Row]:
        columns = self.columns
        for number, record in enumerate(self._records, start=1):
            self.position = number
            yield Row(number, {name: record.get(name, "") for name in columns})
