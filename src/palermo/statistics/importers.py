"""Import of observations (CSV, XLSX, JSON, SDMX-CSV as written by the export, and SDMX-ML
data messages through ``sdmx_ml``), all or nothing, through the platform's importer (column
mappings, row-level errors, provenance).

Columns: ``state`` (ISO alpha-3), ``year``, ``indicator`` (code), ``value`` (a count), and
optionally ``iccs`` (code, a string: ``0101``), ``sex`` (total, male, female, unknown), ``age``
(total or a band such as ``15-29``), ``citizenship`` (total, national, foreign, unknown),
``source`` (code; default ``national``), ``estimate``, ``break_in_series``,
``definition_differs``, ``confidential`` (yes/no) and ``note``. SDMX-CSV columns (``REF_AREA``,
``TIME_PERIOD``, ``OBS_VALUE`` …) are read as these fields.

Errors, each with its row and column, and nothing is written if there is one: an unknown State,
indicator, ICCS code or source; a year that is not a year; a value that is not a number or is
negative; a rate (rates are computed from population, never imported); a row given twice; a
part larger than its total (e.g. male above total, for the same State, year, indicator, code
and source, in the file or already recorded); a State the importing person does not act for (focal points and governmental experts import
their own State's figures; the Secretariat any).
A value more than ``JUMP_FACTOR`` times (or less than 1/``JUMP_FACTOR`` of) the same series'
value the year before, and differing by at least ``JUMP_MINIMUM``, is imported but flagged for
review (``needs_review``) with a warning.
"""

from __future__ import annotations

import math

import rules
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palermo.core.models import Participant
from palermo.core.permissions import acts_for_state, is_secretariat
from palermo.platform.imports import Importer, register_importer
from palermo.platform.policies import policy_for

from .choices import AGE_TOTAL, Citizenship, Sex, SourceKind, Unit
from .models import IccsCode, Indicator, Observation, Source
from .policies import REPORTING_ROLES
from .sdmx_ml import SdmxMlTable

IMPORT_OBSERVATIONS = "statistics.import_observations"
if not rules.perm_exists(IMPORT_OBSERVATIONS):
    rules.add_perm(IMPORT_OBSERVATIONS, is_secretariat | acts_for_state(*REPORTING_ROLES))

JUMP_FACTOR = 3.0
JUMP_MINIMUM = 10
DEFAULT_SOURCE = "national"

YES = {"yes", "y", "true", "1", "oui", "sí", "si"}
NO = {"no", "n", "false", "0", "non", ""}

#: SDMX-CSV column → field (the columns ``exports.sdmx_csv`` writes).
SDMX_COLUMNS = {
    "REF_AREA": "state",
    "TIME_PERIOD": "year",
    "INDICATOR": "indicator",
    "ICCS": "iccs",
    "SEX": "sex",
    "AGE": "age",
    "CITIZENSHIP": "citizenship",
    "SOURCE": "source",
    "UNIT_MEASURE": "unit",
    "OBS_VALUE": "value",
    "COMMENT": "note",
}
SDMX_SEX = {"_T": Sex.TOTAL, "M": Sex.MALE, "F": Sex.FEMALE, "_U": Sex.UNKNOWN}
SDMX_CITIZENSHIP = {
    "_T": Citizenship.TOTAL,
    "NAT": Citizenship.NATIONAL,
    "FOR": Citizenship.FOREIGN,
    "_U": Citizenship.UNKNOWN,
}
SDMX_UNIT = {"NR": Unit.COUNT, "PER_100000": Unit.RATE}
#: OBS_STATUS codes (SDMX CL_OBS_STATUS) → flag; several are separated by spaces.
SDMX_STATUS = {"E": "estimate", "B": "break_in_series", "D": "definition_differs"}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def from_sdmx(values: dict) -> dict:
    """A row of SDMX-CSV as the importer's fields."""
    row = {SDMX_COLUMNS.get(k, k): v for k, v in values.items()}
    if "SEX" in values:
        row["sex"] = SDMX_SEX.get(_text(values["SEX"]), _text(values["SEX"]))
    if "CITIZENSHIP" in values:
        code = _text(values["CITIZENSHIP"])
        row["citizenship"] = SDMX_CITIZENSHIP.get(code, code)
    if "AGE" in values:
        row["age"] = AGE_TOTAL if _text(values["AGE"]) == "_T" else _text(values["AGE"])
    if "UNIT_MEASURE" in values:
        row["unit"] = SDMX_UNIT.get(_text(values["UNIT_MEASURE"]), _text(values["UNIT_MEASURE"]))
    if "ICCS" in values and _text(values["ICCS"]) == "_Z":
        row["iccs"] = ""
    for code in _text(values.get("OBS_STATUS")).split():
        if code in SDMX_STATUS:
            row[SDMX_STATUS[code]] = "yes"
    if "CONF_STATUS" in values:
        row["confidential"] = "yes" if _text(values["CONF_STATUS"]) == "C" else "no"
    return row


class _Row:
    def __init__(self, row, report):
        self.number, self.report, self.ok = row.number, report, True
        self.values = from_sdmx(row.values) if "OBS_VALUE" in row.values else row.values

    def error(self, field, message, kind="invalid"):
        self.report.error(self.number, field, message, kind)
        self.ok = False

    def get(self, field) -> str:
        return _text(self.values.get(field))

    def boolean(self, field) -> bool:
        text = self.get(field).lower()
        if text in YES:
            return True
        if text not in NO:
            self.error(field, _("“%(v)s” is not yes or no") % {"v": self.get(field)})
        return False

    def choice(self, field, choices, default):
        text = self.get(field).lower() or default
        if text not in choices.values:
            self.error(
                field,
                _("“%(v)s” is not one of %(known)s")
                % {"v": self.get(field), "known": ", ".join(choices.values)},
                "unknown",
            )
        return text


@register_importer
class ObservationImporter(Importer):
    name = "statistics-observations"
    label = gettext_lazy("Statistics: observations")
    help = gettext_lazy(
        "One row per figure: State, year, indicator, ICCS code, disaggregation, count; "
        "see docs/user/statistics.md."
    )
    permission = IMPORT_OBSERVATIONS
    models = (Observation,)
    #: SDMX-ML (``.xml``) besides the platform's formats: read by ``sdmx_ml.SdmxMlTable``.
    formats = (*Importer.formats, "xml")
    readers = {"xml": SdmxMlTable}
    fields = {
        "state": "State (ISO 3166 alpha-3)",
        "year": "Year",
        "indicator": "Indicator (code)",
        "value": "Value (a count)",
        "iccs": "ICCS code",
        "sex": "Sex (total, male, female, unknown)",
        "age": "Age (total or a band such as 15-29)",
        "citizenship": "Citizenship (total, national, foreign, unknown)",
        "source": "Source (code)",
        "estimate": "Estimate (yes/no)",
        "break_in_series": "Break in series (yes/no)",
        "definition_differs": "Definition differs (yes/no)",
        "confidential": "Confidential (yes/no)",
        "note": "Note",
    }
    required = ("state", "year", "indicator", "value")

    def parse(self, source, report):
        report.options["_lookups"] = {
            "states": dict(Participant.objects.values_list("code", "pk")),
            "indicators": set(Indicator.objects.values_list("code", flat=True)),
            "iccs": set(IccsCode.objects.values_list("code", flat=True)),
            "sources": dict(Source.objects.values_list("code", "pk")),
        }
        rows = super().parse(source, report)
        return self._check_required(rows, report)

    def _check_required(self, rows, report):
        first = True
        for row in rows:
            if first:
                first = False
                mapped = report.options.get("_mapping") is not None
                columns = row.values if mapped or not report.columns else report.columns
                present = {SDMX_COLUMNS.get(c, c) for c in columns}
                missing = [c for c in self.required if c not in present]
                for column in missing:
                    report.error(1, column, _("the required column is missing"), "missing")
                if missing:
                    return
            yield row

    def validate(self, rows, report, progress):
        """Every row checked alone, then against the others and what is recorded (totals,
        duplicates, jumps): a list, since a row's validity depends on the rest."""
        items = [item for item in (self.validate_row(r, report) for r in rows) if item]
        self._cross_check(items, report)
        return items

    def validate_row(self, row, report):
        look = report.options["_lookups"]
        check = _Row(row, report)
        code = check.get("state").upper()
        state = look["states"].get(code)
        if not code:
            check.error("state", _("the value is empty"), "missing")
        elif state is None:
            check.error(
                "state",
                _("“%(code)s” is not a State's ISO 3166 alpha-3 code") % {"code": code},
                "unknown",
            )
        year = None
        try:
            year = int(check.get("year"))
            if not 1900 <= year <= 2100:
                raise ValueError
        except ValueError:
            check.error("year", _("“%(v)s” is not a year") % {"v": check.get("year")})
        indicator = check.get("indicator")
        if indicator not in look["indicators"]:
            check.error(
                "indicator",
                _("“%(code)s” is not an indicator; use one of %(known)s")
                % {"code": indicator, "known": ", ".join(sorted(look["indicators"]))},
                "unknown",
            )
        iccs = check.get("iccs")
        if iccs and iccs not in look["iccs"]:
            check.error("iccs", _("“%(code)s” is not an ICCS code") % {"code": iccs}, "unknown")
        source = check.get("source") or DEFAULT_SOURCE
        if source not in look["sources"] and source != DEFAULT_SOURCE:
            check.error(
                "source", _("“%(code)s” is not a source code") % {"code": source}, "unknown"
            )
        unit = check.get("unit").lower() or Unit.COUNT
        if unit != Unit.COUNT:
            check.error(
                "unit",
                _("only counts are imported: rates are computed from the population"),
            )
        value = None
        try:
            value = float(check.get("value").replace(",", ""))
            if not math.isfinite(value):
                raise ValueError
        except ValueError:
            check.error("value", _("“%(v)s” is not a number") % {"v": check.get("value")})
        if value is not None and value < 0:
            check.error("value", _("a count cannot be negative (%(v)s)") % {"v": value}, "negative")
        values = {
            "participant_id": state,
            "year": year,
            "indicator_id": indicator,
            "iccs_id": iccs or None,
            "sex": check.choice("sex", Sex, Sex.TOTAL),
            "age": check.get("age") or AGE_TOTAL,
            "citizenship": check.choice("citizenship", Citizenship, Citizenship.TOTAL),
            "source": source,
            "value": value,
            "unit": Unit.COUNT,
            "estimate": check.boolean("estimate"),
            "break_in_series": check.boolean("break_in_series"),
            "definition_differs": check.boolean("definition_differs"),
            "confidential": check.boolean("confidential"),
            "note": check.get("note")[:300],
        }
        if not check.ok:
            return None
        return row.number, code, values

    @staticmethod
    def series_key(v) -> tuple:
        return (v["participant_id"], v["indicator_id"], v["iccs_id"], v["source"])

    @staticmethod
    def key(v) -> tuple:
        return (*ObservationImporter.series_key(v), v["year"], v["sex"], v["age"], v["citizenship"])

    def _recorded(self, items) -> dict:
        """What is already recorded for the series of the file: key → (pk, value)."""
        states = {v["participant_id"] for _n, _c, v in items}
        indicators = {v["indicator_id"] for _n, _c, v in items}
        found = {}
        rows = Observation.objects.filter(
            participant_id__in=states, indicator_id__in=indicators
        ).values_list(
            "pk",
            "participant_id",
            "indicator_id",
            "iccs_id",
            "source__code",
            "year",
            "sex",
            "age",
            "citizenship",
            "value",
        )
        for pk, *key, value in rows:
            found[tuple(key)] = (pk, value)
        return found

    def _cross_check(self, items, report):
        recorded = self._recorded(items)
        in_file: dict[tuple, int] = {}
        for number, _code, v in items:
            key = self.key(v)
            if key in in_file:
                report.error(
                    number,
                    None,
                    _("the same figure is already given on row %(row)s") % {"row": in_file[key]},
                    "duplicate",
                )
            in_file.setdefault(key, number)
        values = {key: value for key, (_pk, value) in recorded.items()}
        values.update({self.key(v): v["value"] for _n, _c, v in items})
        for number, _code, v in items:
            totals = []
            if v["sex"] != Sex.TOTAL:
                totals.append(("sex", {"sex": Sex.TOTAL}))
            if v["age"] != AGE_TOTAL:
                totals.append(("age", {"age": AGE_TOTAL}))
            if v["citizenship"] != Citizenship.TOTAL:
                totals.append(("citizenship", {"citizenship": Citizenship.TOTAL}))
            for field, change in totals:
                total = values.get(self.key({**v, **change}))
                if total is not None and v["value"] > total:
                    report.error(
                        number,
                        "value",
                        _("%(part)s (%(field)s %(which)s) is larger than its total, %(total)s")
                        % {"part": v["value"], "field": field, "which": v[field], "total": total},
                        "part-above-total",
                    )
        for number, _code, v in items:
            before = values.get(self.key({**v, "year": v["year"] - 1}))
            v["needs_review"] = False
            if before is None:
                continue
            low, high = sorted((before, v["value"]))
            if high - low >= JUMP_MINIMUM and (low == 0 or high / low > JUMP_FACTOR):
                v["needs_review"] = True
                report.warn(
                    number,
                    "value",
                    _("%(v)s after %(b)s the year before: flagged for review")
                    % {"v": v["value"], "b": before},
                    "jump",
                )
        for _number, _code, v in items:
            v["_existing"] = recorded.get(self.key(v))

    def write(self, items, report, *, acting_user, progress):
        policy = policy_for(Observation)
        states = {}
        for number, code, v in items:
            if code not in states:
                states[code] = policy.allows(
                    acting_user, "add", Observation(participant_id=v["participant_id"])
                )
            if not states[code]:
                report.error(
                    number,
                    "state",
                    _("you may import figures of your own State only, not of %(code)s")
                    % {"code": code},
                    "refused",
                )
        if report.error_total:
            return
        sources = self._sources(items)
        create, update = [], []
        fields = [
            "value",
            "estimate",
            "break_in_series",
            "definition_differs",
            "confidential",
            "needs_review",
            "note",
        ]
        for number, _code, v in items:
            existing = v.pop("_existing")
            data = {k: val for k, val in v.items() if k != "source"}
            data["source_id"] = sources[v["source"]]
            if existing is None:
                create.append(self.stamp(Observation(**data), report, number))
                continue
            update.append(Observation(pk=existing[0], **data))
        Observation.objects.bulk_create(create, batch_size=self.batch_size)
        if update:
            Observation.objects.bulk_update(update, fields, batch_size=self.batch_size)
        report.created, report.updated = len(create), len(update)

    @staticmethod
    def _sources(items) -> dict:
        codes = dict(Source.objects.values_list("code", "pk"))
        if DEFAULT_SOURCE not in codes and any(v["source"] == DEFAULT_SOURCE for *_x, v in items):
            source = Source.objects.create(
                code=DEFAULT_SOURCE,
                name="National statistics (as reported by the State)",
                kind=SourceKind.NATIONAL,
            )
            codes[DEFAULT_SOURCE] = source.pk
        return codes
