"""Column mappings: the documented file format, each transform on good and bad values, the
checks against a file's columns and an importer's fields, and the errors a person sees."""

import json
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from palermo.platform.mapping import (
    TRANSFORMS,
    FieldMap,
    Mapping,
    MappingError,
    MappingSpecError,
    StepError,
    load_mapping,
)
from palermo.platform.readers import CollectingSink, open_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "user" / "imports.md"


def documented(language: str) -> str:
    """The example mapping of the user documentation, so that the documented example works."""
    blocks = re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    return blocks[0]


def transform(name, **options):
    return TRANSFORMS[name].factory(**options)


def one(spec, values):
    """The value and errors of one field mapped by ``spec`` from ``values``."""
    mapping = Mapping.from_dict({"fields": {"f": spec}})
    out, errors = mapping.apply(values)
    return out["f"], [e.message for e in errors]


# --- the documented file ------------------------------------------------------------------------


def test_the_documented_yaml_example_maps_a_real_csv(tmp_path):
    mapping_file = tmp_path / "payments.yaml"
    mapping_file.write_text(documented("yaml"), encoding="utf-8")
    mapping = load_mapping(mapping_file)
    csv_file = tmp_path / "payments.csv"
    csv_file.write_text(
        "Référence;Date;Horodatage;Montant;Prénom;Nom;IBAN;Pays;Canal\n"
        "P-1;05/03/2024;05.03.2024 14:37;1.234,56;Jean;Dupont;FR76-3000-6000; italie ;\n"
        "P-2;31/02/2024;05.03.2024 14:37:09;12,5O;Anna;;DE89-3704;Atlantis;Card\n",
        encoding="utf-8",
    )
    table = open_table(csv_file, report=CollectingSink())
    assert mapping.validate(table.columns, fields=[f.field for f in mapping.fields]) == []
    first, second = list(table)
    values, errors = mapping.apply(first.values)
    assert errors == []
    assert values == {
        "reference": "P-1",
        "paid_on": date(2024, 3, 5),
        "recorded_at": datetime(2024, 3, 5, 14, 37),
        "amount": Decimal("1234.56"),
        "payer": "JEAN DUPONT",
        "bank_country": "FR76",
        "country": "ITA",
        "currency": "EUR",
        "channel": "transfer",
    }
    values, errors = mapping.apply(second.values)
    assert values["recorded_at"] == datetime(2024, 3, 5, 14, 37, 9)
    assert values["payer"] == "ANNA" and values["country"] == "UNK" and values["channel"] == "card"
    assert errors == [
        MappingError(
            "paid_on",
            "Date",
            "“31/02/2024” is not a date like “05/03/2024” (format %d/%m/%Y: day is out of range "
            "for month)",
        ),
        MappingError("amount", "Montant", "“12,5O” is not a number written like 1.234,56"),
    ]


def test_the_documented_json_example_and_round_trip(tmp_path):
    path = tmp_path / "payments.json"
    path.write_text(documented("json"), encoding="utf-8")
    mapping = load_mapping(path)
    assert Mapping.from_dict(mapping.to_dict()) == mapping
    assert Mapping.from_dict(json.loads(json.dumps(mapping.to_dict()))) == mapping
    values, errors = mapping.apply(
        {"Référence": "R", "Date": "01/02/2024", "Montant": "3,5", "Prénom": "a", "Nom": "b"}
    )
    assert values == {
        "reference": "R",
        "paid_on": date(2024, 2, 1),
        "amount": Decimal("3.5"),
        "payer": "A B",
        "currency": "EUR",
    }
    yaml_path = tmp_path / "again.yaml"
    yaml_path.write_text(mapping.to_yaml(), encoding="utf-8")
    assert load_mapping(yaml_path) == mapping


def test_yaml_keeps_no_and_yes_as_text_and_reports_syntax_errors(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(
        "fields:\n  country:\n    column: c\n    lookup: {NO: NOR, yes: Y, on: ON}\n",
        encoding="utf-8",
    )
    mapping = load_mapping(path)
    assert mapping.apply({"c": "NO"})[0] == {"country": "NOR"}
    assert mapping.apply({"c": "yes"})[0] == {"country": "Y"}
    path.write_text("fields:\n  paid_on:\n    column: d\n    date: %d/%m/%Y\n", encoding="utf-8")
    with pytest.raises(MappingSpecError) as caught:
        load_mapping(path)
    assert str(caught.value).startswith("m.yaml: line 4: found character")
    assert 'put a date format in quotes: format: "%d/%m/%Y"' in str(caught.value)


def test_mistakes_in_the_mapping_are_all_listed_with_their_place():
    with pytest.raises(MappingSpecError) as caught:
        Mapping.from_dict(
            {
                "fields": {
                    "amount": {"column": "Montant", "numbr": ","},
                    "paid": {"column": "D", "steps": [{"date": {"fmt": "%d"}}]},
                    "payer": {"columns": ["a", "b"], "steps": ["upper"]},
                    "ref": {"column": "R", "column2": "x"},
                    "split": {"column": "S", "split": {"index": 1}},
                    "both": {"column": "x", "constant": 1},
                }
            }
        )
    assert caught.value.problems == [
        "field amount: unknown key “numbr” (keys: column, columns, constant, default, required, "
        "steps, or a transform name)",
        "field paid, step 1: unknown option “fmt” for transform date (options: format, type)",
        'field payer: several columns need “join” as their first step (join: " ")',
        "field ref: unknown key “column2” (keys: column, columns, constant, default, required, "
        "steps, or a transform name)",
        "field split, step 1: transform split needs the option “separator”",
        "field both: give exactly one of column, columns or constant",
    ]
    with pytest.raises(MappingSpecError) as caught:
        Mapping.from_dict({"fields": {"a": {"column": "x", "steps": ["numbr"]}}})
    assert "unknown transform “numbr” (transforms: date, join, lookup, lower, number" in str(
        caught.value
    )
    with pytest.raises(MappingSpecError, match="version 2 is not known"):
        Mapping.from_dict({"version": 2, "fields": {"a": "x"}})


# --- checks against the file and the importer ---------------------------------------------------


def test_validate_names_missing_columns_unknown_and_unfilled_fields():
    mapping = Mapping.from_dict(
        {"fields": {"amount": "Montant", "paid_on": "DATE", "amout": "Somme", "ref": "Refrence"}}
    )
    problems = mapping.validate(
        ["Date", "Reference", "Somme"],
        fields=["amount", "paid_on", "ref", "payer"],
        required=["payer"],
    )
    assert [(p.field, p.column, p.message) for p in problems] == [
        ("amount", "Montant", "column “Montant” named by field amount is not in the file"),
        (
            "paid_on",
            "DATE",
            "column “DATE” named by field paid_on is not in the file (the file has “Date”)",
        ),
        (
            "ref",
            "Refrence",
            "column “Refrence” named by field ref is not in the file (did you mean “Reference”?)",
        ),
        (
            "amout",
            "Somme",
            "“amout” is not a field of this import (did you mean “amount”?); its fields are "
            "amount, paid_on, ref, payer",
        ),
        ("payer", None, "field payer is required but the mapping does not fill it"),
    ]
    assert Mapping.identity(["a", "b"]).validate(["a", "b"], fields=["a", "b"]) == []


# --- each transform ------------------------------------------------------------------------------


def test_trim_upper_lower():
    assert one({"column": "c", "steps": ["trim", "upper"]}, {"c": "  fra "}) == ("FRA", [])
    assert one({"column": "c", "lower": True}, {"c": "ARG"}) == ("arg", [])
    assert one({"column": "c", "upper": None}, {"c": 12}) == (12, [])  # numbers pass through


def test_join():
    spec = {"columns": ["first", "last"], "join": " "}
    assert one(spec, {"first": "Jean", "last": "Dupont"}) == ("Jean Dupont", [])
    assert one(spec, {"first": "", "last": "Dupont"}) == ("Dupont", [])
    assert one(spec, {"first": "", "last": ""}) == (None, [])
    keep = {"columns": ["a", "b", "c"], "join": {"separator": ";", "skip_empty": False}}
    assert one(keep, {"a": "x", "b": "", "c": 3}) == ("x;;3", [])
    with pytest.raises(MappingSpecError, match="join needs several columns"):
        Mapping.from_dict({"fields": {"f": {"column": "a", "join": " "}}})


def test_split():
    assert one({"column": "c", "split": " "}, {"c": "Jean Dupont"}) == ("Jean", [])
    last = {"column": "c", "split": {"separator": " ", "index": -1}}
    assert one(last, {"c": "Jean Pierre Dupont"}) == ("Dupont", [])
    rest = {"column": "c", "split": {"separator": " ", "index": 1, "maxsplit": 1}}
    assert one(rest, {"c": "Jean Pierre Dupont"}) == ("Pierre Dupont", [])
    second = {"column": "c", "split": {"separator": " ", "index": 1}}
    assert one(second, {"c": "Madonna"}) == (None, ["“Madonna” has no part 2 when split at “ ”"])
    lenient = {"column": "c", "split": {"separator": " ", "index": 1, "missing": "empty"}}
    assert one(lenient, {"c": "Madonna"}) == (None, [])


def test_date_with_formats_and_real_dates():
    day = {"column": "d", "date": "%d/%m/%Y"}
    assert one(day, {"d": "05/03/2024"}) == (date(2024, 3, 5), [])
    assert one(day, {"d": "5/3/2024"}) == (date(2024, 3, 5), [])
    assert one(day, {"d": datetime(2024, 3, 5, 14, 37, 9)}) == (date(2024, 3, 5), [])
    assert one(day, {"d": date(2024, 3, 5)}) == (date(2024, 3, 5), [])
    assert one(day, {"d": "2024-03-05"})[1] == [
        "“2024-03-05” is not a date like “05/03/2024” (format %d/%m/%Y: it does not have that shape)"
    ]
    assert one(day, {"d": "31/02/2024"})[1][0].endswith("day is out of range for month)")
    stamp = {"column": "d", "date": "%d.%m.%Y %H:%M"}
    assert one(stamp, {"d": "05.03.2024 14:37"}) == (datetime(2024, 3, 5, 14, 37), [])
    assert one(stamp, {"d": datetime(2024, 3, 5, 14, 37, 9)}) == (
        datetime(2024, 3, 5, 14, 37, 9),
        [],
    )
    assert one(stamp, {"d": date(2024, 3, 5)}) == (datetime(2024, 3, 5), [])
    assert one(stamp, {"d": "05.03.2024 25:00"})[1][0].endswith("hour must be in 0..23)")
    several = {"column": "d", "date": {"format": ["%Y-%m-%d", "%d %B %Y", "%y%m%d"]}}
    assert one(several, {"d": "5 March 2024"}) == (date(2024, 3, 5), [])
    assert one(several, {"d": "240305"}) == (date(2024, 3, 5), [])
    assert one(several, {"d": 240305}) == (date(2024, 3, 5), [])  # a number cell
    iso = {"column": "d", "date": {"format": "iso", "type": "datetime"}}
    assert one(iso, {"d": "2024-03-05T14:37:09"}) == (datetime(2024, 3, 5, 14, 37, 9), [])
    assert one({"column": "d", "date": "iso"}, {"d": "2024-03-05"}) == (date(2024, 3, 5), [])
    with pytest.raises(MappingSpecError, match="type must be"):
        Mapping.from_dict({"fields": {"f": {"column": "d", "date": {"type": "week"}}}})


def test_number_with_decimal_comma_thousands_and_plain():
    euro = {"column": "n", "number": {"decimal": ",", "thousands": "."}}
    assert one(euro, {"n": "1.234,56"}) == (Decimal("1234.56"), [])
    assert one(euro, {"n": "1234,56"}) == (Decimal("1234.56"), [])
    assert one(euro, {"n": "-12.345.678"}) == (Decimal("-12345678"), [])
    assert one(euro, {"n": "1,234.56"}) == (
        None,
        ["“1,234.56” is not a number written like 1.234,56"],
    )
    assert one(euro, {"n": "12.34,5"})[1] == ["“12.34,5” is not a number written like 1.234,56"]
    plain = {"column": "n", "number": {}}
    assert one(plain, {"n": "1234.5"}) == (Decimal("1234.5"), [])
    assert one(plain, {"n": "1.5e3"}) == (Decimal("1.5e3"), [])
    assert one(plain, {"n": "NaN"})[1] == ["“NaN” is not a number written like 1234.56"]
    assert one(plain, {"n": "12 apples"})[1] == ["“12 apples” is not a number written like 1234.56"]
    spaced = {"column": "n", "number": {"decimal": ",", "thousands": " "}}
    assert one(spaced, {"n": "1\u202f234\u00a0567,8"}) == (Decimal("1234567.8"), [])
    whole = {"column": "n", "number": {"integer": True}}
    assert one(whole, {"n": "42"}) == (42, [])
    assert one(whole, {"n": "4.5"})[1] == ["“4.5” is not a whole number"]
    # cells that already hold numbers (XLSX, JSON)
    assert one(plain, {"n": 42}) == (Decimal(42), [])
    assert one(plain, {"n": 0.1}) == (Decimal("0.1"), [])
    assert one(plain, {"n": Decimal("2.50")}) == (Decimal("2.50"), [])
    assert one(plain, {"n": True})[1] == ["“True” is not a number"]
    with pytest.raises(MappingSpecError, match="decimal must be"):
        Mapping.from_dict({"fields": {"f": {"column": "n", "number": ";"}}})


def test_constant_and_lookup():
    assert one({"constant": "EUR"}, {}) == ("EUR", [])
    table = {"column": "c", "lookup": {"France": "FRA", "Italie": "ITA", 1: "one"}}
    assert one(table, {"c": "Italie"}) == ("ITA", [])
    assert one(table, {"c": 1}) == ("one", [])  # an XLSX number matches a key written 1
    assert one(table, {"c": "italie"}) == (
        None,
        ["“italie” is not one of the values the mapping knows (France, Italie, 1)"],
    )
    folded = {"column": "c", "lookup": {"table": {"France": "FRA"}, "ignore_case": True}}
    assert one(folded, {"c": "FRANCE"}) == ("FRA", [])
    fallback = {"column": "c", "lookup": {"table": {"France": "FRA"}, "default": None}}
    assert one(fallback, {"c": "Mars"}) == (None, [])


def test_required_and_default():
    assert one({"column": "c", "required": True}, {"c": ""}) == (
        None,
        ["“c” is empty; field f needs a value"],
    )
    assert one({"column": "c", "required": True}, {}) == (
        None,
        ["“c” is empty; field f needs a value"],
    )
    spec = {"column": "c", "default": "0", "number": ","}
    assert one(spec, {"c": ""}) == (Decimal(0), [])
    assert one({"column": "c"}, {"c": ""}) == (None, [])
    split_empty = {
        "column": "c",
        "required": True,
        "split": {"separator": "-", "index": 1, "missing": "empty"},
    }
    assert one(split_empty, {"c": "abc"})[1] == ["“c” is empty; field f needs a value"]


def test_apply_reports_every_field_and_step_errors_are_step_errors():
    mapping = Mapping(
        [
            FieldMap("amount", columns=("a",), steps=()),
            FieldMap("day", columns=("d",), required=True),
        ]
    )
    values, errors = mapping.apply({"a": "1"})
    assert values == {"amount": "1", "day": None}
    assert errors == [MappingError("day", "d", "“d” is empty; field day needs a value")]
    with pytest.raises(StepError):
        transform("number")("x")
