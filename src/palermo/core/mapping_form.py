"""The mapping page's form: one line per importer field (its column, a second column to join,
a transform and its option), turned into a ``platform.mapping`` spec; and the preview of a
file's first rows through that spec, with each column's errors, before anything is imported."""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palermo.platform import readers
from palermo.platform.audit import audited
from palermo.platform.mapping import Mapping, MappingSpecError
from palermo.platform.models import ColumnMapping

PREVIEW_ROWS = 10
CONSTANT = "__constant__"

TRANSFORMS = [
    ("", gettext_lazy("as it is")),
    ("date", gettext_lazy("date or date-time, in the format given")),
    ("number", gettext_lazy("number, with the decimal sign given (e.g. “, .”)")),
    ("split", gettext_lazy("a part: separator and position (e.g. “/ 0”)")),
    ("lookup", gettext_lazy("looked up: “value=meaning; …”")),
    ("trim", gettext_lazy("spaces trimmed")),
    ("upper", gettext_lazy("in capitals")),
    ("lower", gettext_lazy("in small letters")),
]


@dataclass
class Preview:
    columns: list
    rows: list
    detected: dict
    problems: list = field(default_factory=list)


@dataclass
class Checked:
    """The preview rows through the mapping: each row's values and errors by field."""

    fields: list
    rows: list
    problems: list
    errors_by_column: dict
    yaml: str = ""


def read_preview(path, name: str, importer) -> Preview:
    sink = readers.CollectingSink()
    with readers.open_table(
        path, name=name, report=sink, formats=importer.formats, sheets=importer.sheets
    ) as table:
        rows = table.head(PREVIEW_ROWS, report=sink)
        problems = [message for _row, _field, message in sink.errors]
        return Preview(list(table.columns), rows, table.describe(), problems)


class MappingForm(forms.Form):
    saved = forms.ModelChoiceField(
        label=gettext_lazy("Start from a saved mapping"), queryset=None, required=False
    )
    save_as = forms.CharField(
        label=gettext_lazy("Save this mapping as"), max_length=120, required=False
    )

    def __init__(self, *args, importer, columns, saved, **kwargs):
        super().__init__(*args, **kwargs)
        self.importer = importer
        self.target = importer.target_fields()
        self.fields["saved"].queryset = saved
        choices = [("", _("— not filled —")), *[(c, c) for c in columns]]
        choices.append((CONSTANT, _("a constant value")))
        for name, label in self.target.items():
            required = name in importer.required_columns
            self.fields[f"{name}-column"] = forms.ChoiceField(
                label=f"{label}{' *' if required else ''}", choices=choices, required=False
            )
            self.fields[f"{name}-join"] = forms.ChoiceField(
                label=_("joined with"), choices=choices[:-1], required=False
            )
            self.fields[f"{name}-transform"] = forms.ChoiceField(
                label=_("read as"), choices=TRANSFORMS, required=False
            )
            self.fields[f"{name}-option"] = forms.CharField(
                label=_("format or value"), required=False, max_length=500
            )

    def lines(self):
        """The form's fields grouped by target field, for the template."""
        for name, label in self.target.items():
            yield {
                "name": name,
                "label": label,
                "required": name in self.importer.required_columns,
                "column": self[f"{name}-column"],
                "join": self[f"{name}-join"],
                "transform": self[f"{name}-transform"],
                "option": self[f"{name}-option"],
            }

    def clean(self):
        data = super().clean()
        try:
            self._spec = spec_from_lines(self.target, data)
            Mapping.from_dict(self._spec)
        except MappingSpecError as exc:
            raise ValidationError(exc.problems) from exc
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        return data

    def spec(self) -> dict:
        return self._spec

    def initial_spec(self) -> dict:
        return spec_from_lines(self.target, self.initial)


def spec_from_lines(target: dict, data: dict) -> dict:
    fields = {}
    for name in target:
        column = data.get(f"{name}-column") or ""
        option = (data.get(f"{name}-option") or "").strip()
        if not column:
            continue
        if column == CONSTANT:
            fields[name] = {"constant": option}
            continue
        entry: dict = {}
        steps = []
        other = data.get(f"{name}-join") or ""
        if other:
            entry["columns"] = [column, other]
            steps.append({"join": " "})
        else:
            entry["column"] = column
        transform = data.get(f"{name}-transform") or ""
        if transform:
            steps.append(_step(transform, option, name))
        if steps:
            entry["steps"] = steps
        fields[name] = entry if len(entry) > 1 or "columns" in entry else column
    return {"version": 1, "fields": fields}


def _step(transform: str, option: str, name: str):
    if transform == "date":
        return {"date": option or "iso"}
    if transform == "number":
        parts = option.split()
        number = {"decimal": parts[0] if parts else "."}
        if len(parts) > 1:
            number["thousands"] = parts[1]
        return {"number": number}
    if transform == "split":
        separator, _space, index = option.rpartition(" ")
        if not separator or not index.lstrip("-").isdigit():
            raise ValueError(
                _("field %(name)s: give the separator and the position of the part, e.g. “/ 0”")
                % {"name": name}
            )
        return {"split": {"separator": separator.strip() or " ", "index": int(index)}}
    if transform == "lookup":
        table = {}
        for pair in filter(None, (p.strip() for p in option.split(";"))):
            value, equals, meaning = pair.partition("=")
            if not equals:
                raise ValueError(
                    _("field %(name)s: write the lookup as “value=meaning; value=meaning”")
                    % {"name": name}
                )
            table[value.strip()] = meaning.strip()
        return {"lookup": {"table": table}}
    return transform


def lines_from_spec(spec: dict, target: dict) -> dict:
    """The form's initial values for a saved spec (the steps this form can show)."""
    initial = {}
    for name, entry in (spec.get("fields") or {}).items():
        if name not in target:
            continue
        if isinstance(entry, str):
            initial[f"{name}-column"] = entry
            continue
        if "constant" in entry:
            initial[f"{name}-column"] = CONSTANT
            initial[f"{name}-option"] = str(entry["constant"])
            continue
        columns = entry.get("columns") or [entry.get("column", "")]
        initial[f"{name}-column"] = columns[0]
        if len(columns) > 1:
            initial[f"{name}-join"] = columns[1]
        steps = list(entry.get("steps") or [])
        steps += [{k: v} for k, v in entry.items() if k not in ("column", "columns", "steps")]
        for step in steps:
            kind, options = (step, {}) if isinstance(step, str) else next(iter(step.items()))
            if kind == "join":
                continue
            initial[f"{name}-transform"] = kind
            initial[f"{name}-option"] = _option_text(kind, options)
    return initial


def _option_text(kind: str, options) -> str:
    if kind == "date":
        return options if isinstance(options, str) else options.get("format", "")
    if kind == "number":
        options = options if isinstance(options, dict) else {"decimal": options}
        return " ".join(filter(None, [options.get("decimal"), options.get("thousands")]))
    if kind == "split":
        options = options if isinstance(options, dict) else {"separator": options}
        return f"{options.get('separator', '')} {options.get('index', 0)}"
    if kind == "lookup":
        table = options.get("table", options) if isinstance(options, dict) else {}
        return "; ".join(f"{k}={v}" for k, v in table.items())
    return ""


def initial_for(saved_id, saved, run, preview: Preview) -> dict:
    """A saved mapping chosen on the import page, else each field from the column of its name."""
    from palermo.platform.imports import IMPORTERS

    target = IMPORTERS[run.importer].target_fields()
    if saved_id and str(saved_id).isdigit():
        mapping = saved.filter(pk=saved_id).first()
        if mapping is not None:
            return {"saved": mapping.pk, **lines_from_spec(mapping.spec, target)}
    same = {name: name for name in target if name in preview.columns}
    return {f"{name}-column": column for name, column in same.items()}


def check(preview: Preview, spec: dict, importer) -> Checked:
    mapping = Mapping.from_dict(spec)
    problems = [
        p.message
        for p in mapping.validate(
            preview.columns, importer.target_fields(), required=importer.required_columns
        )
    ]
    names = [f.field for f in mapping.fields]
    rows, by_column = [], {}
    if not problems:
        for row in preview.rows:
            values, errors = mapping.apply(row.values)
            errors_by_field = {e.field: e.message for e in errors}
            for error in errors:
                key = error.column or error.field
                by_column[key] = by_column.get(key, 0) + 1
            rows.append(
                {
                    "number": row.number,
                    "cells": [(_shown(values.get(n)), errors_by_field.get(n)) for n in names],
                }
            )
    return Checked(names, rows, problems, by_column, mapping.to_yaml())


def _shown(value):
    """A converted value as the importer receives it: dates in ISO form, numbers exact."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def save_mapping(form, spec: dict, *, importer, acting_user) -> ColumnMapping:
    name = (form.cleaned_data.get("save_as") or "").strip()
    if not name:
        raise ValidationError(_("Give the mapping a name to save it."))
    try:
        with transaction.atomic(), audited(acting_user):
            return ColumnMapping.objects.create(
                name=name,
                importer=importer.name,
                spec={**spec, "name": name},
                owner=acting_user,
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("A mapping named “%(name)s” exists for this importer; choose another name.")
            % {"name": name}
        ) from exc
