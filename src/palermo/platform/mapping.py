"""Column mappings: which columns of a file fill which fields of an import, through which
transforms (join, split, date, number, lookup, trim/upper/lower) or with a constant.

A ``Mapping`` is data: ``Mapping.from_dict``/``to_dict`` (what a saved mapping stores) and
``load_mapping(path)`` for the YAML or JSON file given to ``palermo import … --mapping FILE``;
the format is documented, with an example, in docs/user/imports.md. ``validate`` checks the
mapping against the file's columns and the importer's fields before any row is read;
``apply(values)`` turns one row's values into the importer's fields, with an error per field.
Each field is compiled once into a plain closure (regular expressions too), so applying a
mapping costs a few microseconds a row.

Pure: no database and nothing from Django but gettext for the messages.
"""

from __future__ import annotations

import difflib
import inspect
import json
import re
from collections.abc import Callable, Iterable
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _

VERSION = 1


class _Missing:
    def __repr__(self):
        return "MISSING"


MISSING = _Missing()


@dataclass(frozen=True, slots=True)
class MappingError:
    """A problem with one field of one row (``apply``) or of the mapping itself (``validate``):
    the target field, the source column(s) involved, and what is wrong."""

    field: str | None
    column: str | None
    message: str

    def __str__(self) -> str:
        return self.message


class MappingSpecError(ValueError):
    """A mapping that cannot be used; ``problems`` lists every one found, located."""

    def __init__(self, problems: list[str], source: str | None = None):
        self.problems = list(problems)
        self.source = source
        prefix = f"{source}: " if source else ""
        super().__init__(prefix + "; ".join(self.problems))


class StepError(ValueError):
    """Raised by a transform for a value it cannot convert; the message is shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class OptionError(ValueError):
    """Raised by a transform factory for options that make no sense."""


# --- transforms ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transform:
    name: str
    factory: Callable[..., Callable]
    options: tuple[str, ...]
    required: tuple[str, ...]
    #: The option a bare value stands for ("date: '%d/%m/%Y'" is the format).
    primary: str | None
    #: Takes the tuple of several columns' values (join) rather than one value.
    takes_many: bool = False


TRANSFORMS: dict[str, Transform] = {}


def register_transform(name: str, *, primary: str | None = None, takes_many: bool = False):
    """Register ``factory(**options) -> callable(value)``; the callable raises ``StepError``
    for a bad value and the factory ``OptionError`` for bad options. Modules may add their own."""

    def decorate(factory):
        params = inspect.signature(factory).parameters.values()
        options = tuple(p.name for p in params)
        required = tuple(p.name for p in params if p.default is inspect.Parameter.empty)
        TRANSFORMS[name] = Transform(
            name,
            factory,
            options,
            required,
            primary or (options[0] if options else None),
            takes_many,
        )
        return factory

    return decorate


def _show(value) -> str:
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


@register_transform("trim")
def _trim():
    return lambda value: value.strip() if isinstance(value, str) else value


@register_transform("upper")
def _upper():
    return lambda value: value.upper() if isinstance(value, str) else value


@register_transform("lower")
def _lower():
    return lambda value: value.lower() if isinstance(value, str) else value


@register_transform("join", takes_many=True)
def _join(*, separator: str = " ", skip_empty: bool = True):
    if not isinstance(separator, str):
        raise OptionError(_("separator must be text"))

    def join(values):
        if skip_empty:
            return separator.join(
                [v if v.__class__ is str else _text(v) for v in values if v is not None and v != ""]
            )
        return separator.join(["" if v is None else _text(v) for v in values])

    return join


def _text(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


@register_transform("split")
def _split(*, separator: str, index: int = 0, maxsplit: int = -1, missing: str = "error"):
    if not isinstance(separator, str) or not separator:
        raise OptionError(_("separator must be a non-empty text"))
    if not isinstance(index, int) or isinstance(index, bool):
        raise OptionError(_("index must be a whole number (0 is the first part)"))
    if missing not in ("error", "empty"):
        raise OptionError(_("missing must be “error” or “empty”"))

    def split(value):
        text = _text(value)
        parts = text.split(separator, maxsplit)
        try:
            return parts[index].strip()
        except IndexError:
            if missing == "empty":
                return None
            raise StepError(
                _("“%(value)s” has no part %(n)s when split at “%(sep)s”")
                % {"value": _show(text), "n": index + 1 if index >= 0 else index, "sep": separator}
            ) from None

    return split


_EXAMPLE = datetime(2024, 3, 5, 14, 37, 9)
_TIME_DIRECTIVES = re.compile(r"%[HIMSfpXcTRrz]")
_FAST_DIRECTIVES = {
    "d": r"(?P<d>\d{1,2})",
    "m": r"(?P<m>\d{1,2})",
    "Y": r"(?P<Y>\d{4})",
    "y": r"(?P<y>\d{2})",
    "H": r"(?P<H>\d{1,2})",
    "M": r"(?P<M>\d{1,2})",
    "S": r"(?P<S>\d{1,2})",
    "f": r"(?P<f>\d{1,6})",
}
_DIRECTIVE = re.compile(r"%(.)")


def _date_parser(fmt: str, as_datetime: bool) -> Callable[[str], date]:
    """A parser for one strptime format giving a date or a datetime: a regular expression
    compiled once for the common directives (%d %m %Y %y %H %M %S %f), ``strptime`` else."""
    if fmt.lower() == "iso":
        iso = datetime.fromisoformat
        return iso if as_datetime else lambda text: iso(text).date()
    slow = datetime.strptime
    fallback = (
        (lambda text: slow(text, fmt)) if as_datetime else (lambda text: slow(text, fmt).date())
    )
    pattern, order, pos = [], [], 0
    for match in _DIRECTIVE.finditer(fmt):
        literal = fmt[pos : match.start()]
        pattern.append(r"\s+" if literal.isspace() else re.escape(literal))
        code = match.group(1)
        if code == "%":
            pattern.append("%")
        elif code in _FAST_DIRECTIVES and code not in order:
            pattern.append(_FAST_DIRECTIVES[code])
            order.append(code)
        else:
            return fallback
        pos = match.end()
    tail = fmt[pos:]
    pattern.append(r"\s+" if tail.isspace() else re.escape(tail))
    if "Y" not in order and "y" not in order:
        return fallback
    matcher = re.compile("".join(pattern) + r"\Z").match
    shape = _("it does not have that shape")
    at = {code: i for i, code in enumerate(order)}
    if not as_datetime and set(order) == {"d", "m", "Y"}:
        di, mi, yi = at["d"], at["m"], at["Y"]

        def parse_date(text: str) -> date:
            found = matcher(text)
            if found is None:
                raise ValueError(shape)
            g = found.groups()
            return date(int(g[yi]), int(g[mi]), int(g[di]))

        return parse_date

    def parse(text: str) -> date:
        found = matcher(text)
        if found is None:
            raise ValueError(shape)
        g = found.groups()
        if "Y" in at:
            year = int(g[at["Y"]])
        else:
            year = int(g[at["y"]])
            year += 2000 if year < 69 else 1900
        part = [int(g[at[c]]) if c in at else default for c, default in _PARTS]
        micro = g[at["f"]] if "f" in at else ""
        value = datetime(year, *part, int(micro.ljust(6, "0")) if micro else 0)
        return value if as_datetime else value.date()

    return parse


_PARTS = (("m", 1), ("d", 1), ("H", 0), ("M", 0), ("S", 0))


@register_transform("date")
def _date(*, format: str | list = "iso", type: str = "auto"):  # noqa: A002 - the file's words
    formats = [format] if isinstance(format, str) else list(format or [])
    if not formats or not all(isinstance(f, str) and f for f in formats):
        raise OptionError(_("format must be a strptime format such as “%d/%m/%Y”, or a list"))
    if type not in ("auto", "date", "datetime"):
        raise OptionError(_("type must be “date”, “datetime” or “auto”"))
    for fmt in formats:
        if fmt.lower() != "iso":
            try:
                _EXAMPLE.strftime(fmt)
            except ValueError as exc:
                raise OptionError(
                    _("“%(f)s” is not a date format (%(err)s)") % {"f": fmt, "err": exc}
                ) from exc
    as_datetime = type == "datetime" or (
        type == "auto" and any(_TIME_DIRECTIVES.search(f) for f in formats)
    )
    parsers = [_date_parser(f, as_datetime) for f in formats]
    shown = " / ".join(f if f.lower() != "iso" else "ISO 8601" for f in formats)
    example = " / ".join(
        _EXAMPLE.isoformat(" ") if f.lower() == "iso" else _EXAMPLE.strftime(f) for f in formats
    )

    def fail(text, reason):
        return StepError(
            _("“%(value)s” is not a date like “%(example)s” (format %(format)s: %(reason)s)")
            % {"value": _show(text), "example": example, "format": shown, "reason": reason}
        )

    def convert(value):
        if isinstance(value, str):
            text = value.strip()
        elif isinstance(value, datetime):
            return value if as_datetime else value.date()
        elif isinstance(value, date):
            return datetime.combine(value, time()) if as_datetime else value
        else:
            text = _text(value)
        reason = ""
        for parse in parsers:
            try:
                return parse(text)
            except ValueError as exc:
                reason = str(exc)
        raise fail(text, reason)

    return convert


_SPACES = ("\u00a0", "\u202f")


@register_transform("number", primary="decimal")
def _number(*, decimal: str = ".", thousands: str | None = None, integer: bool = False):
    if decimal not in (".", ","):
        raise OptionError(_("decimal must be “.” or “,”"))
    if thousands is not None and (thousands == decimal or thousands not in (".", ",", " ", "'")):
        raise OptionError(_("thousands must be one of . , ' or a space, and not the decimal"))
    separators = [thousands, *_SPACES] if thousands == " " else [thousands] if thousands else []
    group = "[" + "".join(re.escape(s) for s in separators) + "]" if separators else None
    whole = rf"\d{{1,3}}(?:{group}\d{{3}})+|\d+" if group else r"\d+"
    matcher = re.compile(
        rf"[+-]?(?:(?:{whole})(?:{re.escape(decimal)}\d*)?|{re.escape(decimal)}\d+)(?:[eE][+-]?\d+)?\Z"
    ).match
    example = f"1{thousands}234{decimal}56" if thousands else f"1234{decimal}56"

    def finish(number: Decimal, shown):
        if not number.is_finite():
            raise StepError(_("“%(value)s” is not a number") % {"value": _show(shown)})
        if integer:
            if number != number.to_integral_value():
                raise StepError(_("“%(value)s” is not a whole number") % {"value": _show(shown)})
            return int(number)
        return number

    def convert(value):
        if isinstance(value, str):
            text = value.strip()
            if matcher(text) is None:
                raise StepError(
                    _("“%(value)s” is not a number written like %(example)s")
                    % {"value": _show(text), "example": example}
                )
            for sep in separators:
                text = text.replace(sep, "")
            if decimal != ".":
                text = text.replace(decimal, ".")
            return finish(Decimal(text), value)
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise StepError(_("“%(value)s” is not a number") % {"value": _show(_text(value))})
        if isinstance(value, int):
            return value if integer else Decimal(value)
        try:
            number = value if isinstance(value, Decimal) else Decimal(repr(value))
        except InvalidOperation:
            raise StepError(_("“%(value)s” is not a number") % {"value": value}) from None
        return finish(number, value)

    return convert


@register_transform("lookup", primary="table")
def _lookup(*, table: dict, default=MISSING, ignore_case: bool = False):
    if not isinstance(table, MappingABC) or not table:
        raise OptionError(_("table must map each value of the file to the value to store"))
    fold = str.casefold if ignore_case else None
    known = {}
    for key, result in table.items():
        text = _text(key).strip()
        known[fold(text) if fold else text] = result
    sample = ", ".join(_text(k) for k in list(table)[:10]) + (", …" if len(table) > 10 else "")

    def convert(value):
        text = value if isinstance(value, str) else _text(value)
        if fold:
            text = fold(text)
        try:
            return known[text]
        except KeyError:
            if default is not MISSING:
                return default
            raise StepError(
                _("“%(value)s” is not one of the values the mapping knows (%(known)s)")
                % {"value": _show(value), "known": sample}
            ) from None

    return convert


# --- the mapping --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    name: str
    options: dict = field(default_factory=dict)

    def to_data(self):
        if not self.options:
            return self.name
        return {self.name: dict(self.options)}


@dataclass(frozen=True)
class FieldMap:
    """How one target field is filled: from one column, several (joined) or a constant."""

    field: str
    columns: tuple[str, ...] = ()
    constant: object = MISSING
    steps: tuple[Step, ...] = ()
    required: bool = False
    default: object = MISSING

    @property
    def where(self) -> str | None:
        return ", ".join(self.columns) or None

    def to_data(self) -> dict:
        data: dict = {}
        if self.constant is not MISSING:
            data["constant"] = self.constant
        elif len(self.columns) == 1:
            data["column"] = self.columns[0]
        else:
            data["columns"] = list(self.columns)
        if self.steps:
            data["steps"] = [s.to_data() for s in self.steps]
        if self.required:
            data["required"] = True
        if self.default is not MISSING:
            data["default"] = self.default
        return data


_FIELD_KEYS = {"column", "columns", "constant", "steps", "required", "default"}
_TOP_KEYS = {"version", "name", "description", "fields"}


def _parse_step(data, where: str, problems: list[str]) -> Step | None:
    if isinstance(data, str):
        name, options = data, {}
    elif isinstance(data, MappingABC) and len(data) == 1:
        name, options = next(iter(data.items()))
    else:
        problems.append(
            _("%(where)s: a step is a transform name or {name: options}") % {"where": where}
        )
        return None
    transform = TRANSFORMS.get(name)
    if transform is None:
        problems.append(
            _("%(where)s: unknown transform “%(name)s” (transforms: %(all)s)")
            % {"where": where, "name": name, "all": ", ".join(sorted(TRANSFORMS))}
        )
        return None
    if options is None or (options is True and not transform.options):
        options = {}
    elif not isinstance(options, MappingABC) or (name == "lookup" and "table" not in options):
        if transform.primary is None:
            problems.append(
                _("%(where)s: transform “%(name)s” takes no options")
                % {"where": where, "name": name}
            )
            return None
        options = {transform.primary: options}
    options = dict(options)
    unknown = sorted(set(options) - set(transform.options))
    if unknown:
        problems.append(
            _("%(where)s: unknown option “%(option)s” for transform %(name)s (options: %(all)s)")
            % {
                "where": where,
                "option": unknown[0],
                "name": name,
                "all": ", ".join(transform.options) or "—",
            }
        )
        return None
    missing = [o for o in transform.required if o not in options]
    if missing:
        problems.append(
            _("%(where)s: transform %(name)s needs the option “%(option)s”")
            % {"where": where, "name": name, "option": missing[0]}
        )
        return None
    try:
        transform.factory(**options)
    except OptionError as exc:
        problems.append(f"{where}: {name}: {exc}")
        return None
    return Step(name, options)


def _parse_field(name: str, spec, problems: list[str]) -> FieldMap | None:
    where = _("field %(name)s") % {"name": name}
    if isinstance(spec, str):
        spec = {"column": spec}
    if not isinstance(spec, MappingABC):
        problems.append(
            _("%(where)s: give a column name or {column: …, steps: […]}") % {"where": where}
        )
        return None
    spec = dict(spec)
    shorthand = [k for k in spec if k in TRANSFORMS]
    unknown = [k for k in spec if k not in _FIELD_KEYS and k not in TRANSFORMS]
    if unknown:
        problems.append(
            _("%(where)s: unknown key “%(key)s” (keys: %(all)s, or a transform name)")
            % {"where": where, "key": unknown[0], "all": ", ".join(sorted(_FIELD_KEYS))}
        )
        return None
    if shorthand and ("steps" in spec or len(shorthand) > 1):
        problems.append(
            _("%(where)s: several transforms must be listed in order under “steps”")
            % {"where": where}
        )
        return None
    raw_steps = [{shorthand[0]: spec.pop(shorthand[0])}] if shorthand else spec.get("steps") or []
    if not isinstance(raw_steps, list):
        problems.append(_("%(where)s: “steps” must be a list") % {"where": where})
        return None
    sources = [k for k in ("column", "columns", "constant") if k in spec]
    if len(sources) != 1:
        problems.append(
            _("%(where)s: give exactly one of column, columns or constant") % {"where": where}
        )
        return None
    columns: tuple[str, ...] = ()
    if "column" in spec:
        if not isinstance(spec["column"], str) or not spec["column"].strip():
            problems.append(_("%(where)s: column must be a column name") % {"where": where})
            return None
        columns = (spec["column"].strip(),)
    elif "columns" in spec:
        value = spec["columns"]
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(c, str) and c.strip() for c in value)
        ):
            problems.append(
                _("%(where)s: columns must be a list of column names") % {"where": where}
            )
            return None
        columns = tuple(c.strip() for c in value)
    steps = []
    for i, raw in enumerate(raw_steps, start=1):
        step = _parse_step(raw, f"{where}, " + _("step %(n)s") % {"n": i}, problems)
        if step is None:
            return None
        steps.append(step)
    joins = [i for i, s in enumerate(steps) if TRANSFORMS[s.name].takes_many]
    if len(columns) > 1 and joins != [0]:
        problems.append(
            _('%(where)s: several columns need “join” as their first step (join: " ")')
            % {"where": where}
        )
        return None
    if len(columns) <= 1 and joins:
        problems.append(_("%(where)s: join needs several columns") % {"where": where})
        return None
    required = spec.get("required", False)
    if not isinstance(required, bool):
        problems.append(_("%(where)s: required must be true or false") % {"where": where})
        return None
    if "constant" in spec and (steps or "default" in spec):
        problems.append(_("%(where)s: a constant takes no steps and no default") % {"where": where})
        return None
    return FieldMap(
        field=name,
        columns=columns,
        constant=spec.get("constant", MISSING),
        steps=tuple(steps),
        required=required,
        default=spec.get("default", MISSING),
    )


class Mapping:
    """Target fields filled from source columns; see the module docstring."""

    def __init__(self, fields: Iterable[FieldMap], *, name: str = "", description: str = ""):
        self.fields = list(fields)
        self.name = name
        self.description = description
        self._compiled = None

    def __repr__(self):
        return f"<Mapping {[f.field for f in self.fields]}>"

    def __eq__(self, other):
        return isinstance(other, Mapping) and self.to_dict() == other.to_dict()

    @classmethod
    def from_dict(cls, data, *, source: str | None = None) -> Mapping:
        """The mapping a dict describes (a saved mapping, a parsed file); raises
        ``MappingSpecError`` listing every problem found."""
        problems: list[str] = []
        if not isinstance(data, MappingABC):
            raise MappingSpecError([_("a mapping is an object with a “fields” entry")], source)
        unknown = sorted(set(data) - _TOP_KEYS)
        if unknown:
            problems.append(
                _("unknown entry “%(key)s” (entries: %(all)s)")
                % {"key": unknown[0], "all": ", ".join(sorted(_TOP_KEYS))}
            )
        version = data.get("version", VERSION)
        if version != VERSION:
            problems.append(
                _("version %(v)s is not known (this Palermo reads version %(ours)s)")
                % {"v": version, "ours": VERSION}
            )
        specs = data.get("fields")
        if not isinstance(specs, MappingABC) or not specs:
            problems.append(_("“fields” must map each field to its column or its rule"))
            raise MappingSpecError(problems, source)
        fields = []
        for name, spec in specs.items():
            parsed = _parse_field(str(name), spec, problems)
            if parsed is not None:
                fields.append(parsed)
        if problems:
            raise MappingSpecError(problems, source)
        return cls(
            fields, name=str(data.get("name") or ""), description=str(data.get("description") or "")
        )

    def to_dict(self) -> dict:
        data: dict = {"version": VERSION}
        if self.name:
            data["name"] = self.name
        if self.description:
            data["description"] = self.description
        data["fields"] = {f.field: f.to_data() for f in self.fields}
        return data

    def to_yaml(self) -> str:
        import yaml

        return yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False)

    @classmethod
    def identity(cls, fields: Iterable[str]) -> Mapping:
        """Each field from the column of the same name (an import without a mapping file)."""
        return cls(FieldMap(name, columns=(name,)) for name in fields)

    @property
    def columns(self) -> list[str]:
        """The source columns the mapping reads, in order."""
        return list(dict.fromkeys(c for f in self.fields for c in f.columns))

    def validate(
        self,
        columns: Iterable[str],
        fields: Iterable[str] | None = None,
        required: Iterable[str] = (),
    ) -> list[MappingError]:
        """What stops this mapping from being used on a file with these columns for an
        importer with these target fields (None: any) of which ``required`` must be filled."""
        columns = list(columns)
        present = set(columns)
        folded = {c.casefold(): c for c in columns}
        problems = []
        for fm in self.fields:
            for column in fm.columns:
                if column in present:
                    continue
                hint = ""
                if column.casefold() in folded:
                    hint = _(" (the file has “%(c)s”)") % {"c": folded[column.casefold()]}
                else:
                    close = difflib.get_close_matches(column, columns, n=1, cutoff=0.75)
                    if close:
                        hint = _(" (did you mean “%(c)s”?)") % {"c": close[0]}
                problems.append(
                    MappingError(
                        fm.field,
                        column,
                        _("column “%(column)s” named by field %(field)s is not in the file%(hint)s")
                        % {"column": column, "field": fm.field, "hint": hint},
                    )
                )
        if fields is not None:
            targets = list(fields)
            for fm in self.fields:
                if fm.field not in targets:
                    close = difflib.get_close_matches(fm.field, targets, n=1, cutoff=0.6)
                    hint = _(" (did you mean “%(f)s”?)") % {"f": close[0]} if close else ""
                    problems.append(
                        MappingError(
                            fm.field,
                            fm.where,
                            _(
                                "“%(field)s” is not a field of this import%(hint)s; its fields are %(all)s"
                            )
                            % {"field": fm.field, "hint": hint, "all": ", ".join(targets)},
                        )
                    )
        mapped = {f.field for f in self.fields}
        for name in required:
            if name not in mapped:
                problems.append(
                    MappingError(
                        name,
                        None,
                        _("field %(field)s is required but the mapping does not fill it")
                        % {"field": name},
                    )
                )
        return problems

    def _compile(self):
        self._compiled = [(f.field, _compile_field(f), f.where) for f in self.fields]
        return self._compiled

    def apply(self, values: dict) -> tuple[dict, list[MappingError]]:
        """One row's values (column → cell) as the importer's fields, with an error for each
        field that could not be filled (its value is then None)."""
        out = {}
        errors = []
        for name, run, where in self._compiled or self._compile():
            try:
                out[name] = run(values)
            except StepError as exc:
                out[name] = None
                errors.append(MappingError(name, where, exc.message))
        return out, errors


def _empty_error(fm: FieldMap) -> StepError:
    if fm.columns:
        return StepError(
            _("%(columns)s is empty; field %(field)s needs a value")
            % {"columns": ", ".join(f"“{c}”" for c in fm.columns), "field": fm.field}
        )
    return StepError(_("field %(field)s needs a value") % {"field": fm.field})


def _compile_field(fm: FieldMap) -> Callable[[dict], object]:
    if fm.constant is not MISSING:
        constant = fm.constant
        return lambda values: constant
    steps = [TRANSFORMS[s.name].factory(**s.options) for s in fm.steps]
    required, default = fm.required, fm.default
    has_default = default is not MISSING
    if len(fm.columns) > 1:
        columns = fm.columns
        join, after = steps[0], steps[1:]

        def run_many(values):
            cells = tuple(values.get(c) for c in columns)
            if all(v is None or v == "" for v in cells):
                if not has_default:
                    if required:
                        raise _empty_error(fm)
                    return None
                value = default
            else:
                value = join(cells)
            for step in after:
                value = step(value)
            if required and (value is None or value == ""):
                raise _empty_error(fm)
            return value

        return run_many
    column = fm.columns[0]
    if len(steps) == 1 and not required and not has_default:
        step = steps[0]

        def run_one(values):
            value = values.get(column)
            if value is None or value == "":
                return None
            return step(value)

        return run_one
    if not steps and not required and not has_default:

        def run_plain(values):
            value = values.get(column)
            return None if value == "" else value

        return run_plain

    def run(values):
        value = values.get(column)
        if value is None or value == "":
            if not has_default:
                if required:
                    raise _empty_error(fm)
                return None
            value = default
        for step in steps:
            value = step(value)
        if required and (value is None or value == ""):
            raise _empty_error(fm)
        return value

    return run


# --- files --------------------------------------------------------------------------------------


def _yaml_loader():
    """PyYAML's SafeLoader, except that only true/false are booleans: in a lookup table "NO"
    (Norway), "yes" or "off" stay text."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    bool_tag = "tag:yaml.org,2002:bool"
    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != bool_tag]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    Loader.add_implicit_resolver(
        bool_tag, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )
    return Loader


def load_mapping(path: str | Path) -> Mapping:
    """The mapping in a YAML (.yaml, .yml) or JSON (.json) file; ``MappingSpecError`` names
    the file and the line or field of every problem."""
    import yaml

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise MappingSpecError([_("the mapping file does not exist")], path.name) from None
    except UnicodeDecodeError:
        raise MappingSpecError([_("the mapping file is not UTF-8 text")], path.name) from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except ValueError as exc:
            where = _("line %(n)s") % {"n": getattr(exc, "lineno", "?")}
            raise MappingSpecError(
                [f"{where}: " + _("not valid JSON (%(err)s)") % {"err": getattr(exc, "msg", exc)}],
                path.name,
            ) from None
        except RecursionError:
            raise MappingSpecError([_("the mapping is nested too deeply")], path.name) from None
    else:
        try:
            data = yaml.load(text, Loader=_yaml_loader())  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = _("line %(n)s") % {"n": mark.line + 1} if mark else ""
            problem = getattr(exc, "problem", None) or str(exc)
            hint = ""
            if "%" in (getattr(exc, "problem", "") or "") or "'%'" in str(exc):
                hint = _(' (put a date format in quotes: format: "%d/%m/%Y")')
            raise MappingSpecError([f"{where}: {problem}{hint}".strip(": ")], path.name) from None
    return Mapping.from_dict(data, source=path.name)
