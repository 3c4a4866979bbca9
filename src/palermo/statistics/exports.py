"""Observations as CSV, XLSX, SDMX-CSV and SDMX-ML (``sdmx_ml``), for what the user may see (the policy applies:
confidential figures only for their State and the Secretariat).

SDMX-CSV (version 1) has one column per dimension and attribute, the first naming the
dataflow; codes follow the SDMX cross-domain code lists (SEX ``_T``/``M``/``F``, OBS_STATUS
``E`` estimate, ``B`` break, ``D`` definition differs — several separated by a space —,
CONF_STATUS ``C`` confidential / ``F`` free). The importer reads it back (``importers``).
"""

import csv

from .importers import SDMX_CITIZENSHIP, SDMX_SEX, SDMX_STATUS, SDMX_UNIT
from .models import Observation

DATAFLOW = "PALERMO:DF_CRIME_CJ(1.0)"
COLUMNS = [
    "state",
    "year",
    "indicator",
    "iccs",
    "sex",
    "age",
    "citizenship",
    "source",
    "value",
    "unit",
    "estimate",
    "break_in_series",
    "definition_differs",
    "confidential",
    "note",
]
SDMX = [
    "DATAFLOW",
    "REF_AREA",
    "TIME_PERIOD",
    "INDICATOR",
    "ICCS",
    "SEX",
    "AGE",
    "CITIZENSHIP",
    "SOURCE",
    "UNIT_MEASURE",
    "OBS_VALUE",
    "OBS_STATUS",
    "CONF_STATUS",
    "COMMENT",
]
FORMATS = ("csv", "xlsx", "sdmx-csv", "sdmx-ml")


def observations(user, *, indicator=None, state=None, year=None):
    qs = Observation.objects.restrict(user).select_related("participant", "source")
    if indicator:
        qs = qs.filter(indicator_id=indicator)
    if state:
        qs = qs.filter(participant__code=state.upper())
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("participant__code", "indicator_id", "year", "iccs_id", "sex", "pk")


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def plain_row(o) -> list:
    return [
        o.participant.code,
        o.year,
        o.indicator_id,
        o.iccs_id or "",
        o.sex,
        o.age,
        o.citizenship,
        o.source.code,
        o.value,
        o.unit,
        _yes(o.estimate),
        _yes(o.break_in_series),
        _yes(o.definition_differs),
        _yes(o.confidential),
        o.note,
    ]


def sdmx_row(o) -> list:
    sex = {v: k for k, v in SDMX_SEX.items()}
    citizenship = {v: k for k, v in SDMX_CITIZENSHIP.items()}
    unit = {v: k for k, v in SDMX_UNIT.items()}
    status = [code for code, flag in SDMX_STATUS.items() if getattr(o, flag)]
    return [
        DATAFLOW,
        o.participant.code,
        o.year,
        o.indicator_id,
        o.iccs_id or "_Z",
        sex[o.sex],
        "_T" if o.age == "total" else o.age,
        citizenship[o.citizenship],
        o.source.code,
        unit[o.unit],
        o.value,
        " ".join(status) or "A",
        "C" if o.confidential else "F",
        o.note,
    ]


def write(rows, path, fmt: str) -> int:
    """Write the observations to ``path``; returns how many."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: use one of {', '.join(FORMATS)}")
    if fmt == "sdmx-ml":
        from . import sdmx_ml

        return sdmx_ml.write(rows, path)
    header, convert = (SDMX, sdmx_row) if fmt == "sdmx-csv" else (COLUMNS, plain_row)
    n = 0
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("observations")
        sheet.append(header)
        for o in rows:
            sheet.append([_cell(v) for v in convert(o)])
            n += 1
        book.save(path)
        return n
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(header)
        for o in rows:
            out.writerow([_cell(v) for v in convert(o)])
            n += 1
    return n


def _cell(value):
    from palermo.platform.tables import neutralise

    return neutralise(value)


# ``palermo export homicide-aggregates``: the aggregates page's table ----------------------


def _aggregate_arguments(parser):
    parser.add_argument("--year", type=int, help="Only this year.")
    parser.add_argument(
        "--level", choices=["world", "region", "subregion"], help="Only this level."
    )
    parser.add_argument("--area", help="Only this area (M49 code, e.g. 419).")


def _aggregates(options):
    from .models import Aggregate

    rows = Aggregate.objects.filter(indicator_id="homicide").order_by("year", "level", "area")
    if options.get("year"):
        rows = rows.filter(year=options["year"])
    if options.get("level"):
        rows = rows.filter(level=options["level"])
    if options.get("area"):
        rows = rows.filter(area=options["area"])
    return rows


def _register_export():
    from palermo.platform.exports import Export, register_export

    from .tables import AggregateTable

    register_export(
        Export(
            name="homicide-aggregates",
            help="Regional and global homicide figures by year (--year, --level, --area).",
            table_class=AggregateTable,
            rows=_aggregates,
            arguments=_aggregate_arguments,
        )
    )


_register_export()
