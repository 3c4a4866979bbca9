"""Messy values: dates in every format a sheet mixes, joined names, amounts, IBANs, currencies."""

import pytest

from palermo.analysis import values


@pytest.mark.parametrize(
    "text, day_first, expected",
    [
        ("2024-03-01", True, "2024-03-01"),
        ("01/03/2024", True, "2024-03-01"),
        ("01/03/2024", False, "2024-01-03"),
        ("1 March 2024", True, "2024-03-01"),
        ("March 1, 2024", True, "2024-03-01"),
        ("1st Mar 2024", True, "2024-03-01"),
        ("03.01.2024", True, "2024-01-03"),
        ("03.01.2024", False, "2024-03-01"),
        ("01-03-2024", True, "2024-03-01"),
        ("2024-03-01 14:05", True, "2024-03-01T14:05:00"),
        ("01/03/2024 09:40:12", True, "2024-03-01T09:40:12"),
    ],
)
def test_dates_in_mixed_formats(text, day_first, expected):
    assert values.parse_date(text, day_first=day_first) == expected


def test_spreadsheet_dates_are_taken_as_they_are():
    from datetime import date, datetime

    assert values.parse_date(date(2024, 3, 1)) == "2024-03-01"
    assert values.parse_date(datetime(2024, 3, 1, 8, 15)) == "2024-03-01T08:15:00"


@pytest.mark.parametrize(
    "text, words",
    [
        ("31/02/2024", "does not exist"),
        ("03/25/2024", "--month-first"),
        ("1 Frimaire 2024", "not a month name"),
        ("yesterday", "not a date"),
    ],
)
def test_dates_that_cannot_be_read_say_why(text, words):
    with pytest.raises(ValueError, match=words):
        values.parse_date(text)


def test_month_first_dates_name_the_other_option():
    with pytest.raises(ValueError, match="--day-first"):
        values.parse_date("25/03/2024", day_first=False)


def test_joined_names():
    assert values.split_joined_name("PETROV, Ivan") == ("Ivan", "Petrov", "Ivan Petrov")
    assert values.split_joined_name("de la Cruz, Ana María") == (
        "Ana María",
        "de la Cruz",
        "Ana María de la Cruz",
    )
    assert values.split_joined_name("Ivan Petrov") is None
    assert values.split_joined_name("A, B, C") is None


def test_party_schema_from_the_name():
    assert values.party_schema("Orion Trading S.r.l.") == "Company"
    assert values.party_schema("Adriatic Shipping Ltd") == "Company"
    assert values.party_schema("PETROV, Ivan") == "Person"
    assert values.party_schema("Marco Bellini") == "LegalEntity"


def test_amounts():
    assert values.parse_amount("9,500.00") == "9500.00"
    assert values.parse_amount("1 200") == "1200"
    assert values.parse_amount(12.5) == "12.5"
    with pytest.raises(ValueError, match="not an amount"):
        values.parse_amount("nine thousand")
    with pytest.raises(ValueError):
        values.parse_amount("NaN")


def test_iban_check_digits():
    # The example IBAN of ISO 13616's documentation, with spaces and in lower case.
    assert values.check_iban("gb29 nwbk 6016 1331 9268 19") == "GB29NWBK60161331926819"
    with pytest.raises(ValueError, match="check digits"):
        values.check_iban("GB29 NWBK 6016 1331 9268 18")


def test_currencies_are_iso_4217():
    assert values.check_currency("eur") == "EUR"
    with pytest.raises(ValueError, match="ISO 4217"):
        values.check_currency("EURO")
