"""Reading a victimization survey's microdata: CSV, SPSS (.sav, .zsav) and Stata (.dta).

One row per respondent. The design columns are named by the caller (``SurveySpec``); the
answers follow one naming rule, for each crime type ``CRIME`` (any prefix, e.g. ``burglary``):

``CRIME_victim``
    1 if the respondent was a victim at least once in the reference period, 0 if not.
``CRIME_incidents`` (optional)
    How many times (a whole number ≥ 0; 0 exactly when ``CRIME_victim`` is 0).
``CRIME_reported`` (optional)
    How many of those incidents were reported to the police (a whole number from 0 to
    ``CRIME_incidents``; 0 for non-victims). With ``reported_is_count=False`` it is a 0/1 flag
    "reported at least one incident" instead, and only the victims' reporting rate is given.

Missing answers are empty cells (or ``NA``, ``.``, ``NaN``) in a CSV file, system- or
user-missing values in SPSS and Stata; a respondent missing an answer is left out of the
measures that need it (``surveys`` explains). Design columns (weight, strata, clusters) may not be
missing. Every error names the file, the row and the column: in a CSV file the row is the line
number, as a spreadsheet shows it (the header is row 1, the first respondent row 2); in SPSS and
Stata files it is the case number (the first respondent is row 1).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from palermo.statistics.surveys import Crime, Design, DesignError, _

MISSING = frozenset({"", "na", "n/a", ".", "nan"})
SUFFIXES = ("_victim", "_incidents", "_reported")
#: How many bad rows an error lists before "…".
SHOWN = 5


class SurveyFileError(ValueError):
    """A survey file that cannot be used, with where: the file, and the row and column."""

    def __init__(self, path, message: str, *, rows=(), column: str | None = None):
        self.path, self.message, self.column = Path(path), message, column
        self.rows = [int(r) for r in rows]
        where = [self.path.name]
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:SHOWN])
            more = _(" and %(n)s more") % {"n": len(self.rows) - SHOWN}
            where.append(
                (_("row %(rows)s") if len(self.rows) == 1 else _("rows %(rows)s"))
                % {"rows": shown + (more if len(self.rows) > SHOWN else "")}
            )
        if column is not None:
            where.append(_("column “%(column)s”") % {"column": column})
        super().__init__(f"{', '.join(where)}: {message}")


@dataclass(frozen=True)
class Table:
    """A file's columns: lists of text (CSV), or arrays of numbers or text (SPSS, Stata)."""

    path: Path
    columns: dict[str, list[str] | np.ndarray]
    #: The row number a person sees for each respondent (the line in a CSV file, blank lines
    #: skipped; the case number in SPSS/Stata).
    row_numbers: np.ndarray
    #: SPSS/Stata value labels: column → {code: label}.
    value_labels: dict[str, dict] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return int(self.row_numbers.shape[0])

    def rows(self, mask: np.ndarray) -> list[int]:
        return self.row_numbers[mask].tolist()

    def column(self, name: str) -> list[str] | np.ndarray:
        if name not in self.columns:
            known = ", ".join(self.columns) or _("none")
            raise SurveyFileError(
                self.path,
                _("no such column; the file has: %(known)s.") % {"known": known},
                column=name,
            )
        return self.columns[name]

    def numbers(self, name: str) -> np.ndarray:
        """The column as floats, NaN where missing; an error names the rows that are not numbers."""
        values = self.column(name)
        if isinstance(values, np.ndarray) and values.dtype.kind in "fiub":
            return values.astype(float)
        cells = list(values)
        try:  # the common case, at C speed: every cell a number
            return np.fromiter(map(float, cells), dtype=float, count=len(cells))
        except ValueError:
            pass
        out = np.empty(len(cells))
        bad = []
        for i, cell in enumerate(cells):
            try:
                out[i] = float(cell)
            except ValueError:
                if cell.strip().lower() in MISSING:
                    out[i] = np.nan
                else:
                    bad.append(i)
        if bad:
            raise SurveyFileError(
                self.path,
                _("“%(value)s” is not a number.") % {"value": cells[bad[0]].strip()},
                rows=self.row_numbers[bad],
                column=name,
            )
        return out

    def labels(self, name: str, *, value_labels: bool = False) -> np.ndarray:
        """The column as text labels, ``""`` where missing (numbers written without ``.0``).

        With ``value_labels``, an SPSS/Stata code that has a value label is shown as the label
        (``1`` → ``female``); used for groups, never for strata or PSUs, where two codes
        sharing a label would merge.
        """
        values = self.column(name)
        if isinstance(values, np.ndarray) and values.dtype.kind in "fiub":
            v = values.astype(float)
            whole = np.isfinite(v) & (v == np.round(v))
            text = np.where(whole, np.char.mod("%d", np.where(whole, v, 0)), values.astype(str))
            text = np.where(np.isnan(v), "", text)
            mapping = self.value_labels.get(name) if value_labels else None
            for code, label in (mapping or {}).items():
                text = np.where(v == float(code), str(label), text)
            return text
        text = np.strings.strip(np.asarray(values, dtype=str))
        return np.where(np.isin(np.strings.lower(text), list(MISSING)), "", text)


def read_table(path) -> Table:
    """Reads a CSV (UTF-8, comma or semicolon), SPSS .sav/.zsav or Stata .dta file."""
    path = Path(path)
    if not path.is_file():
        raise SurveyFileError(path, _("no such file."))
    suffix = path.suffix.lower()
    if suffix in {".sav", ".zsav", ".dta"}:
        return _read_readstat(path, suffix)
    if suffix in {".csv", ".txt"}:
        return _read_csv(path)
    raise SurveyFileError(path, _("unknown format; use a .csv, .sav (SPSS) or .dta (Stata) file."))


def _read_csv(path: Path) -> Table:
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            head = f.readline()
            f.seek(0)
            delimiter = ";" if head.count(";") > head.count(",") else ","
            rows = list(csv.reader(f, delimiter=delimiter))
    except UnicodeDecodeError:
        raise SurveyFileError(path, _("the file is not UTF-8 text.")) from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise SurveyFileError(path, _("the file is empty."), rows=[1])
    header = [cell.strip() for cell in rows[0]]
    numbers = [i for i, row in enumerate(rows) if i and "".join(row).strip()]
    body = [rows[i] for i in numbers]
    numbers = [i + 1 for i in numbers]  # line numbers, the header being line 1
    _check_header(path, header)
    ragged = [numbers[i] for i, row in enumerate(body) if len(row) != len(header)]
    if ragged:
        raise SurveyFileError(
            path,
            _("%(n)s columns are expected, as in the header.") % {"n": len(header)},
            rows=ragged,
        )
    if not body:
        raise SurveyFileError(path, _("the file has a header but no respondents."))
    # Kept as Python strings: a column becomes numbers or labels only when it is used.
    columns = {
        name: list(cells) for name, cells in zip(header, zip(*body, strict=True), strict=True)
    }
    return Table(path, columns, row_numbers=np.array(numbers))


def _read_readstat(path: Path, suffix: str) -> Table:
    import pyreadstat

    reader = pyreadstat.read_dta if suffix == ".dta" else pyreadstat.read_sav
    try:
        data, meta = reader(str(path), output_format="dict")  # user-missing → NaN
    except Exception as error:  # pyreadstat raises its own ReadstatError and others
        raise SurveyFileError(path, _("cannot be read (%(error)s).") % {"error": error}) from None
    _check_header(path, list(data))
    columns = {}
    for name, values in data.items():
        values = np.asarray(values)
        if values.dtype.kind == "O":  # text, with None for missing
            values = np.array(["" if v is None else str(v) for v in values.tolist()], dtype=str)
        columns[name] = values
    n = len(next(iter(columns.values()))) if columns else 0
    labels = {
        name: mapping
        for name, mapping in (meta.variable_value_labels or {}).items()
        if all(isinstance(code, int | float) for code in mapping)
    }
    return Table(path, columns, row_numbers=np.arange(1, n + 1), value_labels=labels)


def _check_header(path: Path, header: list[str]) -> None:
    blank = [i + 1 for i, name in enumerate(header) if not name]
    if blank:
        raise SurveyFileError(
            path, _("column %(n)s of the header has no name.") % {"n": blank[0]}, rows=[1]
        )
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise SurveyFileError(path, _("the column name appears twice."), column=name)
        seen.add(name)


@dataclass(frozen=True)
class SurveySpec:
    """Which columns hold the design, which crime types and groups to estimate."""

    weight: str | None = None
    strata: str | None = None
    cluster: str | None = None
    #: Crime types (the column prefixes); empty = every ``*_victim`` column of the file.
    crimes: tuple[str, ...] = ()
    by: tuple[str, ...] = ()
    single_psu: str = "adjust"
    reported_is_count: bool = True


@dataclass
class Survey:
    """A checked survey, ready for ``surveys.estimate``."""

    path: Path
    design: Design
    crimes: list[Crime]
    groups: dict[str, np.ndarray]
    notes: list[str] = field(default_factory=list)


def crime_types(table: Table) -> list[str]:
    """The crime types of a file: every prefix of a ``*_victim`` column, in file order."""
    return [name[: -len("_victim")] for name in table.columns if name.endswith("_victim")]


def load(path, spec: SurveySpec) -> Survey:
    """Reads and checks a survey file; every error names the file, the rows and the column."""
    table = read_table(path)
    notes: list[str] = []
    if spec.weight:
        weights = table.numbers(spec.weight)
        _refuse(table, spec.weight, np.isnan(weights), _("the weight is missing."))
        _refuse(table, spec.weight, weights < 0, _("the weight is negative."))
        _refuse(table, spec.weight, np.isinf(weights), _("the weight is not a finite number."))
    else:
        weights = np.ones(table.n)
        notes.append(_("No weight column given: every respondent counts once (weight 1)."))
    strata = clusters = None
    if spec.strata:
        strata = table.labels(spec.strata)
        _refuse(table, spec.strata, strata == "", _("the stratum is missing."))
    if spec.cluster:
        clusters = table.labels(spec.cluster)
        _refuse(table, spec.cluster, clusters == "", _("the cluster (PSU) is missing."))
    else:
        notes.append(_("No cluster column given: every respondent is taken as its own PSU."))
    try:
        design = Design.build(weights, strata, clusters, single_psu=spec.single_psu)
    except DesignError as error:
        raise SurveyFileError(table.path, str(error)) from None
    if design.single_psu_strata:
        notes.append(
            _("Strata with a single PSU (rule “%(rule)s”): %(strata)s.")
            % {"rule": spec.single_psu, "strata": ", ".join(design.single_psu_strata)}
        )

    found = crime_types(table)
    if not found:
        raise SurveyFileError(
            table.path,
            _("no crime type: no column is named CRIME_victim (e.g. burglary_victim)."),
        )
    names = list(spec.crimes) or found
    unknown = [c for c in names if c not in found]
    if unknown:
        raise SurveyFileError(
            table.path,
            _("no column %(column)s; the crime types of the file are: %(known)s.")
            % {"column": f"{unknown[0]}_victim", "known": ", ".join(found)},
            column=f"{unknown[0]}_victim",
        )
    crimes = [_crime(table, name, spec.reported_is_count) for name in names]
    groups = {}
    for column in spec.by:
        groups[column] = table.labels(column, value_labels=True)
        missing = int((groups[column] == "").sum())
        if missing:
            notes.append(
                _("%(n)s respondents have no “%(column)s” and are in none of its groups.")
                % {"n": missing, "column": column}
            )
    return Survey(table.path, design, crimes, groups, notes)


def _crime(table: Table, name: str, reported_is_count: bool) -> Crime:
    victim_col, incidents_col, reported_col = (name + s for s in SUFFIXES)
    v = table.numbers(victim_col)
    _refuse(
        table,
        victim_col,
        ~np.isnan(v) & (v != 0) & (v != 1),
        _("the victim flag must be 0 (no) or 1 (yes)."),
    )
    k = r = None
    if incidents_col in table.columns:
        k = table.numbers(incidents_col)
        _whole(table, incidents_col, k)
        both = ~np.isnan(v) & ~np.isnan(k)
        _refuse(
            table,
            incidents_col,
            both & (v == 0) & (k > 0),
            _("incidents are counted for a respondent whose %(flag)s is 0.") % {"flag": victim_col},
        )
        _refuse(
            table,
            incidents_col,
            both & (v == 1) & (k == 0),
            _("no incident for a respondent whose %(flag)s is 1.") % {"flag": victim_col},
        )
    if reported_col in table.columns:
        r = table.numbers(reported_col)
        _whole(table, reported_col, r)
        if not reported_is_count:
            _refuse(
                table,
                reported_col,
                ~np.isnan(r) & (r > 1),
                _("with the yes/no reading of reporting, the value must be 0 or 1."),
            )
        _refuse(
            table,
            reported_col,
            ~np.isnan(v) & ~np.isnan(r) & (v == 0) & (r > 0),
            _("a report to the police for a respondent whose %(flag)s is 0.")
            % {"flag": victim_col},
        )
        if k is not None and reported_is_count:
            _refuse(
                table,
                reported_col,
                ~np.isnan(k) & ~np.isnan(r) & (r > k),
                _("more incidents reported than in %(column)s.") % {"column": incidents_col},
            )
    return Crime(name, v, k, r, reported_is_count=reported_is_count)


def _whole(table: Table, column: str, values: np.ndarray) -> None:
    known = ~np.isnan(values)
    _refuse(table, column, known & (values < 0), _("a count cannot be negative."))
    _refuse(
        table,
        column,
        known & (np.isinf(values) | (values != np.round(values))),
        _("a count must be a whole number."),
    )


def _refuse(table: Table, column: str, bad: np.ndarray, message: str) -> None:
    if bad.any():
        raise SurveyFileError(table.path, message, rows=table.rows(bad), column=column)
