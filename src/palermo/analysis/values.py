"""Messy cell values made clean, before FollowTheMoney's property types check them.

Pure: no database, no Django but gettext for the messages. Each function returns the clean
value or raises ``ValueError`` with a sentence saying what is wrong, which the importer reports
with its row and column.

- ``parse_date``: ``2024-03-01``, ``2024-03-01 14:05``, ``01/03/2024``, ``01.03.2024``,
  ``01-03-2024`` (day first by default; ``day_first=False`` reads them month first),
  ``1 March 2024``, ``March 1, 2024``, ``1 Mar 2024``; spreadsheet dates as they are. A numeric
  date is never guessed: with ``day_first`` "03/25/2024" is an error, not the 25th of March.
- ``split_joined_name``: ``"PETROV, Ivan"`` → first name, last name and the name as written
  in running text (``"Ivan Petrov"``).
- ``party_schema``: the FollowTheMoney schema a name suggests (a company form → Company, a
  "SURNAME, First" name → Person, else LegalEntity).
- ``parse_amount``, ``check_iban``, ``check_currency``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}

_TIME = r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
_ISO = re.compile(r"(?P<Y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + _TIME + r"\Z")
_NUMERIC = re.compile(
    r"(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<Y>\d{4})" + _TIME + r"\Z"
)
_DAY_MONTH = re.compile(
    r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon>[A-Za-z]+)\.?,?\s+(?P<Y>\d{4})\Z"
)
_MONTH_DAY = re.compile(
    r"(?P<mon>[A-Za-z]+)\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<Y>\d{4})\Z"
)


def _build(year: int, month: int, day: int, found, text: str) -> str:
    try:
        day_value = date(year, month, day)
    except ValueError:
        raise ValueError(
            _("“%(value)s” is not a date: day %(d)s of month %(m)s of %(y)s does not exist")
            % {"value": text, "d": day, "m": month, "y": year}
        ) from None
    hour = found.groupdict().get("H") if found is not None else None
    if hour is None:
        return day_value.isoformat()
    try:
        moment = datetime(
            year, month, day, int(hour), int(found.group("M")), int(found.group("S") or 0)
        )
    except ValueError:
        raise ValueError(
            _("“%(value)s” has a time that does not exist") % {"value": text}
        ) from None
    return moment.isoformat()


def parse_date(value, *, day_first: bool = True) -> str:
    """The date (``YYYY-MM-DD``) or date and time (``YYYY-MM-DDTHH:MM:SS``) a cell holds."""
    if isinstance(value, datetime):
        return value.replace(microsecond=0, tzinfo=None).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = " ".join(str(value).split())
    found = _ISO.match(text)
    if found:
        return _build(int(found["Y"]), int(found["m"]), int(found["d"]), found, text)
    found = _NUMERIC.match(text)
    if found:
        first, second = int(found["a"]), int(found["b"])
        day, month = (first, second) if day_first else (second, first)
        if month > 12:
            order = _("day first (DD/MM/YYYY)") if day_first else _("month first (MM/DD/YYYY)")
            raise ValueError(
                _(
                    "“%(value)s” has no month %(m)s: dates are read %(order)s; "
                    "for the other order use the option %(option)s"
                )
                % {
                    "value": text,
                    "m": month,
                    "order": order,
                    "option": "--month-first" if day_first else "--day-first",
                }
            )
        return _build(int(found["Y"]), month, day, found, text)
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        found = pattern.match(text)
        if found:
            month = MONTHS.get(found["mon"].lower())
            if month is None:
                raise ValueError(
                    _("“%(value)s”: “%(month)s” is not a month name in English")
                    % {"value": text, "month": found["mon"]}
                )
            return _build(int(found["Y"]), month, int(found["d"]), None, text)
    raise ValueError(
        _(
            "“%(value)s” is not a date Palermo can read (2024-03-01, 01/03/2024, 01.03.2024 "
            "or 1 March 2024)"
        )
        % {"value": text}
    )


def split_joined_name(text: str) -> tuple[str, str, str] | None:
    """``"PETROV, Ivan"`` → ``("Ivan", "Petrov", "Ivan Petrov")``; None without a comma.

    A surname written in capitals (as registers and passports do) is given in title case in
    the running name; the statement keeps the name as written in the file.
    """
    if text.count(",") != 1:
        return None
    last, first = (part.strip() for part in text.split(","))
    if not last or not first:
        return None
    if last.isupper():
        last = last.title()
    return first, last, f"{first} {last}"


_COMPANY_FORMS = re.compile(
    r"(?:^|\s)(ltd|limited|llc|l\.l\.c\.|inc|corp|co|plc|gmbh|ag|sa|s\.a\.|srl|s\.r\.l\.|"
    r"spa|s\.p\.a\.|sarl|bv|b\.v\.|nv|oy|ab|as|ooo|zao|oao|fze|fzco|lp|llp|pte|pty|"
    r"holding|holdings|group|trading|bank)\.?(?:\s|$)",
    re.IGNORECASE,
)


def party_schema(name: str) -> str:
    """The FollowTheMoney schema a party's name suggests; LegalEntity when nothing does."""
    if _COMPANY_FORMS.search(name):
        return "Company"
    if split_joined_name(name) is not None:
        return "Person"
    return "LegalEntity"


def parse_amount(value) -> str:
    """A money amount as plain decimal text: ``1,234.50`` → ``1234.50``; a comma alone as the
    decimal mark is refused (say it with the mapping's ``number: ","`` step)."""
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return str(Decimal(str(value)))
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(
            _("“%(value)s” is not an amount (write 1234.50 or 1,234.50)") % {"value": value}
        ) from None
    if not number.is_finite():
        raise ValueError(_("“%(value)s” is not an amount") % {"value": value})
    return str(number)


def check_iban(text: str) -> str:
    """The IBAN without spaces, upper case, or an error when its check digits are wrong
    (ISO 13616: the number moved and read as digits leaves 1 when divided by 97)."""
    iban = re.sub(r"\s+", "", text).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", iban):
        raise ValueError(_("“%(value)s” is not shaped like an IBAN") % {"value": text})
    digits = "".join(str(int(c, 36)) for c in iban[4:] + iban[:4])
    if int(digits) % 97 != 1:
        raise ValueError(
            _("“%(value)s” is not an IBAN: its check digits are wrong") % {"value": text}
        )
    return iban


def looks_like_iban(text: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z]{2}\d{2}[A-Za-z0-9 ]{10,40}", text.strip()))


def check_currency(text: str) -> str:
    """An ISO 4217 code (``eur`` → ``EUR``), or an error naming the value."""
    import pycountry

    code = text.strip().upper()
    if pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError(_("“%(value)s” is not an ISO 4217 currency code") % {"value": text})
    return code
