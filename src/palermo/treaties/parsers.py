"""Parse treaty-participation files into rows, or into errors a clerk can act on.

Pure Python: no Django, no database, no network. Two input formats are understood:

* **Palermo CSV** (``parse_palermo_csv``): the layout of ``untc_2014_actions.csv`` and the
  ``*_excerpt.csv`` files, with the columns ``instrument, participant, signature_date,
  deposit_date, action_type``, and optionally ``iso3`` (the participant's ISO 3166 alpha-3 code,
  preferred to the name when given), ``source_url`` and ``source_note`` (the row's provenance,
  kept with its actions). Each row names its instrument, so one file may hold several (the
  Convention and its Protocols); a participant appears once per instrument. Dates are ISO
  ``YYYY-MM-DD``. Each row gives up to two actions: a signature (if ``signature_date``) and a
  deposit of an instrument of consent (if ``deposit_date``), whose kind is read from the leading
  words of ``action_type``. Row numbers are the ones a spreadsheet shows: the header is row 1,
  the first data row is row 2.

* **UN Treaty Collection status page** (``parse_untc_html``): a saved ``ViewDetails.aspx`` page of
  treaties.un.org (MTDSG chapter XVIII-12, -12-a, -12-b, -12-c). The participant grid is the
  ``<table>`` whose id ends in ``tblgrid`` (``ctl00_ctl00_ContentPlaceHolder1_
  ContentPlaceHolderInnerPage_tblgrid`` today, ``ctl00_ContentPlaceHolder1_tblgrid`` on older
  pages). Its first row holds the column headers; each later row is one participant. Dates read
  ``12 Dec 2000``; a suffix after the date gives the kind of the deposit (none = ratification,
  ``A`` acceptance, ``AA`` approval, ``a`` accession, ``d`` succession, ``c`` formal
  confirmation). Row numbers count the grid's data rows from 1 (the header row is not counted).

* **UN Treaty Collection MTDSG XML** (``parse_untc_xml``): the machine-readable status the
  depositary publishes for each treaty of the *Multilateral Treaties Deposited with the
  Secretary-General*, at ``https://treaties.un.org/doc/Publication/MTDSG/Volume%20II/
  Chapter%20XVIII/xviii-12.en.xml`` (``-12-a``, ``-12-b``, ``-12-c`` for the Protocols). The
  structure read, and only it, is the one public parsers of these files rely on (no schema is
  published): openclimatedata/kigali-amendment-entry-into-force ``scripts/process.py`` and its
  Doha Amendment twin (Python, ``Treaty/Participants/Table/TGroup/Thead/Row`` for the column
  headers and ``Treaty/Participants/Table/TGroup/Tbody/Rows`` for the participants, footnotes
  as ``<superscript>…</superscript>`` in the participant's text, dates such as
  ``"22 Apr\t 2016"`` with a trailing ``A``/``AA`` mark); faits-politiques (Go,
  ``Treaty>Participants>Table>TGroup>Tbody>Rows>Row`` with one ``Entry`` per column, the file
  declared ``encoding="ISO-8859-1"``, dates of re-joined participants in brackets such as
  ``[20 Jan\t 2021 A]``); a Basel Convention status generator (``.//Participants//Tbody//Row``,
  ``Entry`` text joined with its children). So::

      <?xml version="1.0" encoding="ISO-8859-1"?>
      <…>                                      the root (its name is not relied on)
        <Treaty>
          <Participants>
            <Table>
              <TGroup>
                <Thead><Row><Entry>Participant</Entry><Entry>Signature</Entry>
                  <Entry>Ratification, Acceptance(A), Approval(AA), Accession(a),
                    Succession(d)</Entry></Row></Thead>
                <Tbody><Rows>
                  <Row><Entry>Argentina&lt;superscript&gt;1&lt;/superscript&gt;</Entry>
                    <Entry>12 Dec\t 2000</Entry><Entry>19 Nov\t 2002</Entry></Row>
                  …
                </Rows></Tbody>

  The columns are understood as on the HTML page (same headers, same marks after a date, same
  footnotes); an empty ``Entry`` is an empty cell. The instrument is not read from the XML
  (where the title sits is not documented by these sources): it comes from the file name
  (``xviii-12-a.en.xml`` as published) or from the importer's ``--instrument``. A file with a
  DOCTYPE or entity declarations is refused (no MTDSG file has one; they are the way to attack
  an XML parser). Row numbers count the ``Rows`` children from 1.

``detect_and_parse`` picks the parser from the file name (or, failing that, from the content)
and decodes the bytes as UTF-8 (a byte-order mark is allowed); an XML file is decoded by the
XML parser itself, as its declaration says.

Kinds emitted (``ParsedAction.kind``): see ``KINDS``, members of the rule engine's
``ActionKind``. ``consent_unspecified`` means the source gives a date of deposit of an
instrument of consent to be bound but does not say which kind (e.g. "not stated by source"
rows); the importer must treat it as consent of unknown type and never guess ratification or
accession. ``ratification/acceptance/approval`` (the Dutch code R) is reported as
``ratification`` with the full original text in ``source_text``.

The parsers never stop at the first problem: every error found is returned, each naming the
row and the field (CSV column or UNTC column header) it concerns. Actions are only returned
for rows that have no error, so a caller that refuses to import when ``errors`` is non-empty
never sees half-validated data.

Error messages are English unless the parsers are given ``translate`` (a ``gettext``) and
``ntranslate`` (an ``ngettext``), as the rule engine is: each is a whole-sentence msgid with
named placeholders, marked with ``gettext_noop`` (or written in a ``.ngettext(...)`` call) so
that ``makemessages`` extracts it, and translated when the error is built.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from .engine import CONSENT_KINDS, ActionKind, english_plural, gettext_noop, join_sentences

#: Every value ``ParsedAction.kind`` can take: a signature or a consent to be bound (the files
#: never record a denunciation). ``CONSENT_KINDS`` is everything but the signature.
KINDS = CONSENT_KINDS | {ActionKind.SIGNATURE}

#: UNTC suffix after a date in the ratification column -> kind. No suffix means ratification.
UNTC_SUFFIX_KINDS = {
    "": ActionKind.RATIFICATION,
    "A": ActionKind.ACCEPTANCE,
    "AA": ActionKind.APPROVAL,
    "a": ActionKind.ACCESSION,
    "d": ActionKind.SUCCESSION,
    "c": ActionKind.FORMAL_CONFIRMATION,
}

CSV_COLUMNS = ("instrument", "participant", "signature_date", "deposit_date", "action_type")
#: Columns read when present: the participant's code, and the row's provenance.
CSV_OPTIONAL_COLUMNS = ("iso3", "source_url", "source_note")

Translate = Callable[[str], str]
NTranslate = Callable[[str, str, int], str]


@dataclass(frozen=True)
class ParsedAction:
    row: int
    participant: str
    kind: ActionKind
    date: date
    footnotes: tuple[str, ...] = ()
    source_text: str = ""
    #: The row's own instrument (multi-instrument CSV); empty: the file's instrument.
    instrument: str = ""
    iso3: str = ""
    source_url: str = ""
    source_note: str = ""


@dataclass(frozen=True)
class ParseError:
    row: int | None
    field: str | None
    message: str


@dataclass
class ParseResult:
    actions: list[ParsedAction] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)
    meta: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


# --------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------


class _Messages:
    """Builds the errors of one parse: translates a msgid with the callables the parser was
    given, then fills its named placeholders."""

    def __init__(self, translate: Translate, ntranslate: NTranslate) -> None:
        self._translate = translate
        self._ntranslate = ntranslate

    def __call__(self, msgid: str, /, **params: object) -> str:
        return self._translate(msgid) % params

    def ngettext(self, singular: str, plural: str, count: int, /, **params: object) -> str:
        """Under the name xgettext extracts by default (``ngettext:1,2``), as in the engine."""
        return self._ntranslate(singular, plural, count) % {**params, "count": count}

    def error(
        self, row: int | None, column: str | None, msgid: str, /, **params: object
    ) -> ParseError:
        return ParseError(row, column, self(msgid, **params))


_WS = re.compile(r"\s+")
# Trailing footnote markers after a participant name: "Argentina1", "Argentina 1", "China4,5",
# "North Macedonia 4 ,", "United Kingdom ... 6 , 18 , 19 ,". No participant name ends in a digit.
_TRAILING_FOOTNOTES = re.compile(r"(?:\s*,)?((?:\s*\d{1,3}\s*,?)+)\s*$")


def normalize_space(text: str) -> str:
    """Collapse all whitespace (tabs, newlines, no-break spaces) to single spaces and strip."""
    return _WS.sub(" ", text.replace("\xa0", " ")).strip()


def split_footnotes(name: str) -> tuple[str, tuple[str, ...]]:
    """Split trailing footnote numbers off a participant name.

    >>> split_footnotes("China4,5")
    ('China', ('4', '5'))
    """
    name = normalize_space(name)
    match = _TRAILING_FOOTNOTES.search(name)
    if not match or match.start() == 0:
        return name, ()
    notes = tuple(re.findall(r"\d{1,3}", match.group(1)))
    return name[: match.start()].rstrip(" ,"), notes


def _participant_key(name: str) -> str:
    return normalize_space(name).casefold()


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CONSENT_WORDS = re.compile(
    r"^(ratification|acceptance|approval|accession|succession|formal[ _]confirmation)\b",
    re.IGNORECASE,
)
_SIGNATURE_ONLY = re.compile(r"^signature[ _]only\b", re.IGNORECASE)
_NOT_STATED = re.compile(r"^(not stated|consent[ _]unspecified)\b", re.IGNORECASE)
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
_ISO3 = re.compile(r"^[A-Za-z]{3}$")


@dataclass
class _Seen:
    """A participant's rows for one instrument so far: the first, its signature, its deposit."""

    row: int
    signature: date | None = None
    signature_row: int = 0
    deposit_row: int = 0


@dataclass
class _CsvFile:
    """What the check of one row needs from the header and from the rows before it."""

    columns: list[str]
    index: dict[str, int]
    instruments: list[str] = field(default_factory=list)  # in the order first named
    #: (instrument, participant key) -> what its rows so far give
    participants: dict[tuple[str, str], _Seen] = field(default_factory=dict)
    data_rows: int = 0
    messages: _Messages | None = None


@dataclass(frozen=True)
class _CsvRow:
    number: int
    cells: list[str]
    index: dict[str, int]

    def cell(self, name: str) -> str:
        i = self.index.get(name)
        if i is None:
            return ""
        return self.cells[i] if i < len(self.cells) else ""


def parse_palermo_csv(
    text: str, *, translate: Translate = gettext_noop, ntranslate: NTranslate = english_plural
) -> ParseResult:
    """Parse a Palermo participation CSV (see module docstring) into actions or errors."""
    messages = _Messages(translate, ntranslate)
    result = ParseResult(meta={"format": "palermo_csv"})
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        result.errors.append(
            messages.error(None, None, gettext_noop("The file is empty: there is no header row."))
        )
        return result
    reader = csv.reader(io.StringIO(text, newline=""))
    file = _read_csv_header(reader, result, messages)
    if file is None:
        return result
    for row in _csv_rows(reader, file, result.errors, messages):
        file.data_rows += 1
        errors, actions = _parse_csv_row(row, file, messages)
        if errors:
            result.errors.extend(errors)
        else:
            result.actions.extend(actions)
    if file.data_rows == 0:
        result.errors.append(
            messages.error(None, None, gettext_noop("The file has a header row but no data rows."))
        )
    result.meta["instrument"] = file.instruments[0] if len(file.instruments) == 1 else None
    result.meta["instruments"] = file.instruments
    result.meta["data_rows"] = file.data_rows
    return result


def _read_csv_header(reader, result: ParseResult, messages: _Messages) -> _CsvFile | None:
    """The header row's columns, or None (with errors) if it is unreadable or lacks one."""
    try:
        header = next(reader)
    except csv.Error as exc:
        result.errors.append(
            messages.error(
                1,
                None,
                gettext_noop("The header row cannot be read as CSV: %(problem)s."),
                problem=exc,
            )
        )
        return None
    columns = [normalize_space(h).lower() for h in header]
    result.meta["columns"] = columns
    missing = [c for c in CSV_COLUMNS if c not in columns]
    for name in missing:
        result.errors.append(
            messages.error(
                1,
                name,
                gettext_noop(
                    'The header row has no "%(column)s" column (required columns: %(required)s).'
                ),
                column=name,
                required=", ".join(CSV_COLUMNS),
            )
        )
    if missing:
        return None
    known = [name for name in CSV_COLUMNS + CSV_OPTIONAL_COLUMNS if name in columns]
    return _CsvFile(columns, {name: columns.index(name) for name in known}, messages=messages)


def _csv_rows(
    reader, file: _CsvFile, errors: list[ParseError], messages: _Messages
) -> Iterator[_CsvRow]:
    """The rows after the header that are not blank, numbered as a spreadsheet shows them. A
    row the csv module cannot read ends the file, with an error."""
    row_no = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            errors.append(
                messages.error(
                    row_no + 1,
                    None,
                    gettext_noop("This row cannot be read as CSV: %(problem)s."),
                    problem=exc,
                )
            )
            return
        row_no += 1
        if any(c.strip() for c in cells):
            yield _CsvRow(row_no, cells, file.index)


def _parse_csv_row(
    row: _CsvRow, file: _CsvFile, messages: _Messages
) -> tuple[list[ParseError], list[ParsedAction]]:
    """Every error of one row, in the order of its columns; or, if there is none, its actions
    (a signature, a deposit, or both)."""
    participant, footnotes = split_footnotes(row.cell("participant"))
    instrument = normalize_space(row.cell("instrument"))
    signature, signature_error = _csv_date(row, "signature_date", messages)
    deposit, deposit_error = _csv_date(row, "deposit_date", messages)
    kind, kind_error = _csv_deposit_kind(row, messages)
    errors = [
        error
        for error in (
            _check_csv_width(row, file, messages),
            _check_csv_instrument(row, instrument, file, messages),
            None if participant else _empty(row.number, "participant", messages),
            _check_csv_iso3(row, messages),
            signature_error,
            deposit_error,
            kind_error,
            _check_csv_order(row, signature, deposit, messages),
            _check_csv_source_url(row, messages),
        )
        if error is not None
    ]
    if not errors:
        repeat = _check_csv_participant(row, instrument, participant, signature, deposit, file)
        if isinstance(repeat, ParseError):
            errors.append(repeat)
        elif repeat:
            signature = None  # the same signature as on an earlier row of this participant
    if errors:
        return errors, []
    provenance = {
        "instrument": instrument,
        "iso3": row.cell("iso3").strip().upper(),
        "source_url": row.cell("source_url").strip(),
        "source_note": normalize_space(row.cell("source_note")),
    }
    actions = []
    if signature:
        actions.append(
            ParsedAction(
                row=row.number,
                participant=participant,
                kind=ActionKind.SIGNATURE,
                date=signature,
                footnotes=footnotes,
                source_text=row.cell("signature_date").strip(),
                **provenance,
            )
        )
    if deposit and kind:
        actions.append(
            ParsedAction(
                row=row.number,
                participant=participant,
                kind=kind,
                date=deposit,
                footnotes=footnotes,
                source_text=row.cell("action_type").strip(),
                **provenance,
            )
        )
    return [], actions


def _check_csv_width(row: _CsvRow, file: _CsvFile, messages: _Messages) -> ParseError | None:
    if len(row.cells) <= len(file.columns):
        return None
    return ParseError(
        row.number,
        None,
        messages.ngettext(
            "This row has %(values)s values but the header has %(count)s column (is there an unquoted comma in a name?).",
            "This row has %(values)s values but the header has %(count)s columns (is there an unquoted comma in a name?).",
            len(file.columns),
            values=len(row.cells),
        ),
    )


def _check_csv_instrument(
    row: _CsvRow, instrument: str, file: _CsvFile, messages: _Messages
) -> ParseError | None:
    """Each row names its instrument (a file may hold several)."""
    if not instrument:
        return _empty(row.number, "instrument", messages)
    if instrument not in file.instruments:
        file.instruments.append(instrument)
    return None


def _check_csv_participant(
    row: _CsvRow,
    instrument: str,
    participant: str,
    signature: date | None,
    deposit: date | None,
    file: _CsvFile,
    messages: _Messages | None = None,
) -> ParseError | bool:
    """A participant may have several rows for one instrument (a table as it stood on a date,
    then a row adding a later deposit), if they agree: one signature date, one deposit. Names
    are compared without case or spacing. True when this row's signature repeats an earlier
    row's (so it is not a second action)."""
    messages = messages or file.messages
    key = (instrument.casefold(), _participant_key(participant))
    seen = file.participants.get(key)
    if seen is None:
        file.participants[key] = _Seen(
            row.number, signature, row.number if signature else 0, row.number if deposit else 0
        )
        return False
    if signature and seen.signature and signature != seen.signature:
        return messages.error(
            row.number,
            "signature_date",
            gettext_noop(
                'participant "%(value)s" has the signature date %(first)s for %(instrument)s in row %(row)s; a participant signs once.'
            ),
            value=participant,
            first=seen.signature.isoformat(),
            instrument=instrument,
            row=seen.signature_row,
        )
    if deposit and seen.deposit_row:
        return messages.error(
            row.number,
            "deposit_date",
            gettext_noop(
                'participant "%(value)s" already has a deposit for %(instrument)s in row %(row)s; each participant deposits one instrument of consent.'
            ),
            value=participant,
            instrument=instrument,
            row=seen.deposit_row,
        )
    repeated = bool(signature and seen.signature)
    if signature and not seen.signature:
        seen.signature, seen.signature_row = signature, row.number
    if deposit:
        seen.deposit_row = row.number
    return repeated


def _check_csv_iso3(row: _CsvRow, messages: _Messages) -> ParseError | None:
    value = row.cell("iso3").strip()
    if not value or _ISO3.match(value):
        return None
    return messages.error(
        row.number,
        "iso3",
        gettext_noop(
            'iso3 "%(value)s" is not an ISO 3166 alpha-3 code (three letters, e.g. ARG); leave it empty for a participant without one.'
        ),
        value=value,
    )


def _check_csv_source_url(row: _CsvRow, messages: _Messages) -> ParseError | None:
    value = row.cell("source_url").strip()
    if not value or (_URL.match(value) and len(value) <= 500):
        return None
    return messages.error(
        row.number,
        "source_url",
        gettext_noop(
            'source_url "%(value)s" is not a web address (expected one starting with https:// or http://, at most 500 characters).'
        ),
        value=value[:80],
    )


def _empty(row: int, column: str, messages: _Messages) -> ParseError:
    # Translators: %(column)s is the name of a column of the file, e.g. "instrument".
    return messages.error(row, column, gettext_noop("%(column)s is empty."), column=column)


def _csv_date(
    row: _CsvRow, column: str, messages: _Messages
) -> tuple[date | None, ParseError | None]:
    """An ISO date cell: (the date or None if the cell is empty, None) or (None, an error)."""
    value = row.cell(column).strip()
    if not value:
        return None, None
    if _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value), None
        except ValueError:
            msgid = gettext_noop(
                '%(column)s "%(value)s" is not a real calendar date (expected YYYY-MM-DD)'
            )
    else:
        msgid = gettext_noop('%(column)s "%(value)s" is not a date (expected YYYY-MM-DD)')
    return None, messages.error(row.number, column, msgid, column=column, value=value)


def _csv_deposit_kind(
    row: _CsvRow, messages: _Messages
) -> tuple[ActionKind | None, ParseError | None]:
    """The kind of deposit ``action_type`` names, checked against the two date cells."""
    action_text = normalize_space(row.cell("action_type"))
    raw_deposit = row.cell("deposit_date").strip()
    has_signature = bool(row.cell("signature_date").strip())
    has_deposit = bool(raw_deposit)
    if not has_signature and not has_deposit:
        return None, messages.error(
            row.number,
            "deposit_date",
            gettext_noop(
                "This row has neither a signature_date nor a deposit_date; there is nothing to record."
            ),
        )
    if _SIGNATURE_ONLY.match(action_text):
        if not has_deposit:
            return None, None
        return None, messages.error(
            row.number,
            "deposit_date",
            gettext_noop(
                'action_type says "%(value)s" but deposit_date is filled in ("%(deposit)s"); clear one of them.'
            ),
            value=action_text,
            deposit=raw_deposit,
        )
    if not action_text:
        if not has_deposit:
            return None, None
        return None, messages.error(
            row.number,
            "action_type",
            gettext_noop(
                "action_type is empty, so the kind of the deposit (ratification, accession, ...) is unknown."
            ),
        )
    kind = _deposit_kind_named(action_text)
    if kind is None:
        return None, messages.error(
            row.number,
            "action_type",
            gettext_noop(
                'action_type "%(value)s" is not understood (expected it to start with ratification, acceptance, approval, accession, succession, formal confirmation, "signature only" or "not stated by source").'
            ),
            value=action_text,
        )
    if not has_deposit:
        return kind, messages.error(
            row.number,
            "deposit_date",
            gettext_noop('action_type says "%(value)s" but deposit_date is empty.'),
            value=action_text,
        )
    return kind, None


def _deposit_kind_named(action_text: str) -> ActionKind | None:
    """Kind of deposit named by the leading words of an action_type cell; None if none is."""
    match = _CONSENT_WORDS.match(action_text)
    if match:
        return ActionKind(match.group(1).lower().replace(" ", "_"))
    if _NOT_STATED.match(action_text):
        return ActionKind.CONSENT_UNSPECIFIED
    return None


def _check_csv_order(
    row: _CsvRow, signature: date | None, deposit: date | None, messages: _Messages
) -> ParseError | None:
    if not (signature and deposit and deposit < signature):
        return None
    return messages.error(
        row.number,
        "deposit_date",
        gettext_noop("deposit_date %(deposit)s is before signature_date %(signature)s."),
        deposit=deposit.isoformat(),
        signature=signature.isoformat(),
    )


# --------------------------------------------------------------------------------------------
# UN Treaty Collection HTML
# --------------------------------------------------------------------------------------------

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
# "12 Dec 2000", " 7 Jun 2004\ta", "21 May 2004 AA", optionally followed by footnote numbers.
_UNTC_DATE = re.compile(
    r"^(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]{3,9})\.?\s+(?P<year>\d{4})"
    r"(?:\s*(?P<suffix>[A-Za-z]{1,3}))?"
    r"(?P<notes>(?:\s+\d{1,3}\s*,?)*)\s*$"
)
_LEGEND = re.compile(r"\(\s*([A-Za-z]{1,3})\s*\)")
_STATUS_AS_AT = re.compile(
    r"STATUS\s+AS\s+AT\s*:?\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})([^A-Za-z]*(?:[A-Z]{2,4}\b)?)?",
    re.IGNORECASE,
)
_ENTRY_INTO_FORCE = re.compile(
    r"Entry\s+into\s+force\s*:\s*(.+?)(?=\s+Registration\s*:|\s+Status\s*:|$)", re.IGNORECASE
)
_LONG_DATE = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})")
_COUNTS = re.compile(r"Signatories\s*:?\s*(\d+)\s*\.?\s*Parties\s*:?\s*(\d+)", re.IGNORECASE)
_TITLE = re.compile(
    r"CHAPTER\s+(?P<chapter>[IVXLC]+)\b.*?\s(?P<number>\d{1,3})\s*\.\s*"
    r"(?:(?P<letter>[a-z])\s*\)\s*)?(?P<title>[A-Z].+?)\s+"
    r"(?P<place>[A-Z][A-Za-z]+(?:\s[A-Z][A-Za-z]+)?),\s+\d{1,2}\s+[A-Z][a-z]+\s+\d{4}"
)


_FULL_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


def _month_from_name(name: str) -> int | None:
    """Month number for "Dec", "December" or "Sept"; None for anything else."""
    low = name.lower()
    if low in _MONTHS:
        return _MONTHS[low]
    if low in _FULL_MONTHS:
        return _FULL_MONTHS.index(low) + 1
    if low == "sept":
        return 9
    return None


def parse_untc_date_cell(text: str) -> tuple[date, str, tuple[str, ...]] | None:
    """Read a UNTC grid date cell. Returns (date, suffix, footnotes) or None if unreadable.

    Raises ValueError if the cell looks like a date but is not a real calendar date.
    """
    match = _UNTC_DATE.match(normalize_space(text))
    if not match:
        return None
    month = _month_from_name(match.group("month"))
    if month is None:
        return None
    day = date(int(match.group("year")), month, int(match.group("day")))  # may raise
    notes = tuple(re.findall(r"\d{1,3}", match.group("notes") or ""))
    return day, match.group("suffix") or "", notes


def _cell_text(cell) -> str:
    return normalize_space(cell.get_text(" "))


def _pop_superscripts(cell) -> tuple[str, ...]:
    notes: list[str] = []
    for sup in cell.find_all("sup"):
        notes.extend(re.findall(r"\w+", sup.get_text(" ")))
        sup.decompose()
    return tuple(notes)


def _classify_column(header: str) -> str | None:
    low = header.lower()
    if low.startswith("participant"):
        return "participant"
    if low.startswith("signature"):
        return "signature"
    if re.search(r"ratification|acceptance|approval|accession|succession|confirmation", low):
        return "consent"
    return None


def _page_meta(soup, meta: dict) -> None:
    text = normalize_space(soup.get_text(" "))
    match = _STATUS_AS_AT.search(text)
    if match:
        day, month, year = (int(match.group(i)) for i in (1, 2, 3))
        meta["status_as_at_text"] = normalize_space(match.group(0).split(":", 1)[-1])
        try:
            meta["status_as_at"] = date(year, month, day)
        except ValueError:
            meta["status_as_at"] = None
    match = _ENTRY_INTO_FORCE.search(text)
    if match:
        eif_text = match.group(1).strip()
        meta["entry_into_force_text"] = eif_text
        long_date = _LONG_DATE.match(eif_text)
        meta["entry_into_force"] = None
        if long_date:
            month = _month_from_name(long_date.group(2))
            if month:
                with contextlib.suppress(ValueError):
                    meta["entry_into_force"] = date(
                        int(long_date.group(3)), month, int(long_date.group(1))
                    )
    match = _COUNTS.search(text)
    if match:
        meta["signatories"] = int(match.group(1))
        meta["parties"] = int(match.group(2))
    match = _TITLE.search(text)
    if match:
        mtdsg = f"{match.group('chapter')}-{match.group('number')}"
        if match.group("letter"):
            mtdsg += f"-{match.group('letter')}"
        meta["mtdsg_no"] = mtdsg
        meta["title"] = match.group("title").strip()
    elif soup.title and soup.title.string:
        meta["title"] = normalize_space(soup.title.string)


class _Grid(NamedTuple):
    """The participant grid's header row: each column's header, role and legend of marks."""

    headers: list[str]
    roles: list[str | None]  # "participant", "signature", "consent" or None (not understood)
    legends: list[set[str]]  # the marks a column's header lists, e.g. {"A", "AA", "a"}
    participant_col: int


class _DateCell(NamedTuple):
    kind: ActionKind
    date: date
    notes: tuple[str, ...]
    source_text: str


def parse_untc_html(
    html: str, *, translate: Translate = gettext_noop, ntranslate: NTranslate = english_plural
) -> ParseResult:
    """Parse a saved treaties.un.org status page (see module docstring)."""
    from bs4 import BeautifulSoup  # imported here so CSV-only callers do not need bs4

    messages = _Messages(translate, ntranslate)
    result = ParseResult(meta={"format": "untc_html"})
    soup = BeautifulSoup(html, "lxml")
    _page_meta(soup, result.meta)

    table = soup.find("table", id=lambda v: bool(v) and v.lower().endswith("tblgrid"))
    if table is None:
        result.errors.append(
            messages.error(
                None,
                None,
                gettext_noop(
                    'No participant table found: expected a table whose id ends in "tblgrid", as on the treaties.un.org status page (save the whole page, not only its text).'
                ),
            )
        )
        return result
    result.meta["table_id"] = table.get("id")
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    if not rows:
        result.errors.append(
            messages.error(None, None, gettext_noop("The participant table has no rows."))
        )
        return result
    grid = _read_grid_header(rows[0], result, messages)
    if grid is None:
        return result

    seen: dict[str, int] = {}  # participant key -> first row
    data_rows = 0
    for row_no, tr in enumerate(rows[1:], start=1):
        cells = _own_cells(tr)
        if not any(_cell_text(c) for c in cells):
            continue
        data_rows += 1
        errors, actions = _parse_grid_row(row_no, cells, grid, seen, messages)
        if errors:
            result.errors.extend(errors)
        else:
            result.actions.extend(actions)
    if data_rows == 0:
        result.errors.append(
            messages.error(None, None, gettext_noop("The participant table has no data rows."))
        )
    result.meta["data_rows"] = data_rows
    return result


def _own_cells(tr) -> list:
    return tr.find_all(["td", "th"], recursive=False)


def _read_grid_header(header_row, result: ParseResult, messages: _Messages) -> _Grid | None:
    """The grid's columns, or None (with errors) if one is not understood or there is no
    Participant column."""
    headers = [_cell_text(c) for c in _own_cells(header_row)]
    result.meta["columns"] = headers
    roles = [_classify_column(h) for h in headers]
    for header, role in zip(headers, roles, strict=True):
        if role is None:
            result.errors.append(
                messages.error(
                    None,
                    header,
                    gettext_noop(
                        'The participant table has a column "%(column)s" that this importer does not understand (expected Participant, Signature and Ratification, ... columns).'
                    ),
                    column=header,
                )
            )
    if "participant" not in roles:
        found = ", ".join(headers)
        if found:
            message = messages(
                gettext_noop(
                    'The participant table\'s header row has no "Participant" column (found: %(found)s).'
                ),
                found=found,
            )
        else:
            message = messages(
                gettext_noop(
                    'The participant table\'s header row has no "Participant" column (found: nothing).'
                )
            )
        result.errors.append(ParseError(None, "Participant", message))
    if result.errors:
        return None
    legends = [set(_LEGEND.findall(h)) for h in headers]
    return _Grid(headers, roles, legends, roles.index("participant"))


def _parse_grid_row(
    row_no: int, cells: list, grid: _Grid, seen: dict[str, int], messages: _Messages
) -> tuple[list[ParseError], list[ParsedAction]]:
    """Every error of one participant's row; or, if there is none, its actions."""
    errors: list[ParseError] = []
    if len(cells) > len(grid.headers):
        errors.append(_grid_width_error(row_no, len(cells), grid, messages))
    cells = cells + [None] * (len(grid.headers) - len(cells))
    participant, footnotes, error = _grid_participant(row_no, cells, grid, seen, messages)
    if error is not None:
        errors.append(error)
    dates: list[tuple[str, _DateCell]] = []  # (column header, what its cell records)
    for col, (header, role) in enumerate(zip(grid.headers, grid.roles, strict=True)):
        cell = cells[col]
        if role == "participant" or cell is None:
            continue
        read = _read_grid_date(row_no, header, role, cell, grid.legends[col], messages)
        if isinstance(read, ParseError):
            errors.append(read)
        elif read is not None:
            dates.append((header, read))
    return _row_actions(row_no, participant, footnotes, dates, errors, messages)


def _row_actions(row_no, participant, footnotes, dates, errors, messages):
    """The actions of one participant's row (HTML grid or XML), after the checks every row of
    the depositary's table gets: at least one date, no deposit before the signature."""
    if not dates and not errors:
        errors.append(
            messages.error(
                row_no,
                None,
                gettext_noop('Participant "%(name)s" has no signature and no deposit date.'),
                name=participant,
            )
        )
    errors += _deposits_before_signature(row_no, dates, messages)
    actions = [
        ParsedAction(
            row=row_no,
            participant=participant,
            kind=cell.kind,
            date=cell.date,
            footnotes=footnotes + cell.notes,
            source_text=cell.source_text,
        )
        for _header, cell in dates
    ]
    return errors, actions


def _grid_width_error(row_no: int, width: int, grid: _Grid, messages: _Messages) -> ParseError:
    return ParseError(
        row_no,
        None,
        messages.ngettext(
            "Row %(row)s of the table has %(cells)s cells but the header has %(count)s column.",
            "Row %(row)s of the table has %(cells)s cells but the header has %(count)s columns.",
            len(grid.headers),
            row=row_no,
            cells=width,
        ),
    )


def _deposits_before_signature(
    row_no: int, dates: list[tuple[str, _DateCell]], messages: _Messages
) -> list[ParseError]:
    signatures = [cell.date for _header, cell in dates if cell.kind is ActionKind.SIGNATURE]
    if not signatures:
        return []
    signature = signatures[-1]
    return [
        messages.error(
            row_no,
            header,
            gettext_noop(
                "The deposit date %(deposit)s is before the signature date %(signature)s."
            ),
            deposit=cell.date.isoformat(),
            signature=signature.isoformat(),
        )
        for header, cell in dates
        if cell.kind is not ActionKind.SIGNATURE and cell.date < signature
    ]


def _grid_participant(
    row_no: int, cells: list, grid: _Grid, seen: dict[str, int], messages: _Messages
) -> tuple[str, tuple[str, ...], ParseError | None]:
    """The row's participant name and footnotes (superscript and trailing), and any error: an
    empty name, a withdrawn participant (in brackets), or a name listed before."""
    name_cell = cells[grid.participant_col]
    sup_notes = _pop_superscripts(name_cell) if name_cell is not None else ()
    participant, trailing_notes = split_footnotes(
        _cell_text(name_cell) if name_cell is not None else ""
    )
    footnotes = sup_notes + trailing_notes
    header = grid.headers[grid.participant_col]
    error = _check_grid_participant(row_no, header, participant, seen, messages)
    return participant, footnotes, error


def _check_grid_participant(
    row_no: int, header: str, participant: str, seen: dict[str, int], messages: _Messages
) -> ParseError | None:
    """An empty name, a withdrawn participant (in brackets), or a name listed before."""
    key = _participant_key(participant)
    if not participant:
        msgid, params = gettext_noop("The participant name is empty."), {}
    elif participant.startswith("[") or participant.endswith("]"):
        msgid = gettext_noop(
            'Participant "%(name)s" is shown in brackets, which UNTC uses for a participant that has withdrawn; enter its actions by hand.'
        )
        params = {"name": participant}
    elif key in seen:
        msgid = gettext_noop(
            'Participant "%(name)s" is already listed in row %(row)s of the table.'
        )
        params = {"name": participant, "row": seen[key]}
    else:
        seen[key] = row_no
        return None
    return messages.error(row_no, header, msgid, **params)


def _read_grid_date(
    row_no: int, header: str, role: str, cell, legend: set[str], messages: _Messages
) -> _DateCell | ParseError | None:
    """One date cell of a Signature or consent column: the action it records, an error, or
    None if the cell is empty. Its superscript footnotes are taken out of the cell."""
    source_text = _cell_text(cell)
    cell_notes = _pop_superscripts(cell)
    text = _cell_text(cell)
    if not text:
        return None
    return _grid_date(row_no, header, role, text, source_text, cell_notes, legend, messages)


def _grid_date(
    row_no: int,
    header: str,
    role: str,
    text: str,
    source_text: str,
    cell_notes: tuple[str, ...],
    legend: set[str],
    messages: _Messages,
) -> _DateCell | ParseError:
    """The action a date cell's text (footnotes taken out) records, or an error."""

    def error(msgid: str, **params: object) -> ParseError:
        return messages.error(row_no, header, msgid, text=source_text, **params)

    try:
        parsed = parse_untc_date_cell(text)
    except ValueError:
        return error(gettext_noop('"%(text)s" is not a real calendar date.'))
    if parsed is None:
        return error(
            gettext_noop(
                '"%(text)s" is not a date the importer can read (expected e.g. "12 Dec 2000" or "26 Sep 2003 a").'
            )
        )
    day, suffix, date_notes = parsed
    if role == "signature":
        if suffix not in ("", "d"):
            return error(
                gettext_noop(
                    '"%(text)s" ends in "%(suffix)s", which is not a known mark for a signature (only "d", succession to signature, is).'
                ),
                suffix=suffix,
            )
        kind = ActionKind.SIGNATURE  # "d" here = succession to signature, still a signature
    elif suffix not in UNTC_SUFFIX_KINDS:
        return error(
            gettext_noop(
                '"%(text)s" ends in "%(suffix)s", which is not a known UNTC mark (known: A = acceptance, AA = approval, a = accession, d = succession, c = formal confirmation, none = ratification).'
            ),
            suffix=suffix,
        )
    elif suffix and legend and suffix not in legend:
        return error(
            gettext_noop(
                '"%(text)s" ends in "%(suffix)s", which this column\'s header does not list.'
            ),
            suffix=suffix,
        )
    else:
        kind = UNTC_SUFFIX_KINDS[suffix]
    return _DateCell(kind, day, cell_notes + date_notes, source_text)


# --------------------------------------------------------------------------------------------
# UN Treaty Collection MTDSG XML
# --------------------------------------------------------------------------------------------

_SUPERSCRIPT = re.compile(r"<superscript>(.*?)</superscript>", re.IGNORECASE | re.DOTALL)
_XML_FILENAME = re.compile(r"(?:^|/)([ivxlc]+-\d+(?:-[a-z])?)\.[a-z]{2}\.xml$", re.IGNORECASE)


def _xml_entry(entry) -> tuple[str, tuple[str, ...]]:
    """An ``Entry``'s text and its footnotes, whether the ``<superscript>`` markup is escaped
    in the text (as the published files have it) or real child elements."""
    if entry is None:
        return "", ()
    notes: list[str] = []
    parts = [entry.text or ""]
    for child in entry:
        if child.tag.lower() == "superscript":
            notes += re.findall(r"\w+", "".join(child.itertext()))
        else:
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    text = "".join(parts)
    for match in _SUPERSCRIPT.finditer(text):
        notes += re.findall(r"\w+", match.group(1))
    return normalize_space(_SUPERSCRIPT.sub(" ", text)), tuple(notes)


def _xml_children(element, name: str) -> list:
    return [child for child in element if child.tag == name] if element is not None else []


def parse_untc_xml(
    content: bytes, *, translate: Translate = gettext_noop, ntranslate: NTranslate = english_plural
) -> ParseResult:
    """Parse a UN Treaty Collection MTDSG XML status file (see module docstring)."""
    from xml.etree import ElementTree

    messages = _Messages(translate, ntranslate)
    result = ParseResult(meta={"format": "untc_xml"})
    head = content[:4096].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in content.upper():
        result.errors.append(
            messages.error(
                None,
                None,
                gettext_noop(
                    "The XML file declares a DOCTYPE or entities, which UN Treaty Collection files never do; it is not read."
                ),
            )
        )
        return result
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError as exc:
        line, column = exc.position
        result.errors.append(
            messages.error(
                line,
                None,
                gettext_noop(
                    "The file is not well-formed XML: %(problem)s (line %(line)s, column %(column)s)."
                ),
                problem=str(exc).split(":")[0],
                line=line,
                column=column + 1,
            )
        )
        return result
    table = root.find(".//Participants/Table")
    group = table.find("TGroup") if table is not None else None
    group = group if group is not None else table
    if group is None:
        result.errors.append(
            messages.error(
                None,
                None,
                gettext_noop(
                    "No participant table found: expected Treaty/Participants/Table/TGroup, as in the MTDSG XML files of treaties.un.org."
                ),
            )
        )
        return result
    header_row = next(iter(_xml_children(group.find("Thead"), "Row")), None)
    headers = [_xml_entry(e)[0] for e in _xml_children(header_row, "Entry")]
    grid = _xml_grid(headers, result, messages)
    if grid is None:
        return result
    body = group.find("Tbody")
    rows_element = body.find("Rows") if body is not None else None
    rows = _xml_children(rows_element if rows_element is not None else body, "Row")
    seen: dict[str, int] = {}
    data_rows = 0
    for row_no, row in enumerate(rows, start=1):
        cells = [_xml_entry(e) for e in _xml_children(row, "Entry")]
        if not any(text for text, _notes in cells):
            continue
        data_rows += 1
        errors, actions = _parse_xml_row(row_no, cells, grid, seen, messages)
        if errors:
            result.errors.extend(errors)
        else:
            result.actions.extend(actions)
    if data_rows == 0:
        result.errors.append(
            messages.error(None, None, gettext_noop("The participant table has no data rows."))
        )
    result.meta["data_rows"] = data_rows
    return result


def _xml_grid(headers: list[str], result: ParseResult, messages: _Messages) -> _Grid | None:
    """The columns of ``Thead``, read by the same rules as the HTML grid's header row."""
    result.meta["columns"] = headers
    roles = [_classify_column(h) for h in headers]
    for header, role in zip(headers, roles, strict=True):
        if role is None:
            result.errors.append(
                messages.error(
                    None,
                    header,
                    gettext_noop(
                        'The participant table has a column "%(column)s" that this importer does not understand (expected Participant, Signature and Ratification, ... columns).'
                    ),
                    column=header,
                )
            )
    if "participant" not in roles:
        result.errors.append(
            messages.error(
                None,
                "Participant",
                gettext_noop(
                    'The participant table\'s header row has no "Participant" column (found: %(found)s).'
                ),
                found=", ".join(headers) or "—",
            )
        )
    if result.errors:
        return None
    legends = [set(_LEGEND.findall(h)) for h in headers]
    return _Grid(headers, roles, legends, roles.index("participant"))


def _parse_xml_row(
    row_no: int,
    cells: list[tuple[str, tuple[str, ...]]],
    grid: _Grid,
    seen: dict[str, int],
    messages: _Messages,
) -> tuple[list[ParseError], list[ParsedAction]]:
    errors: list[ParseError] = []
    if len(cells) > len(grid.headers):
        errors.append(_grid_width_error(row_no, len(cells), grid, messages))
    cells = cells + [("", ())] * (len(grid.headers) - len(cells))
    name_text, name_notes = cells[grid.participant_col]
    participant, trailing = split_footnotes(name_text)
    footnotes = name_notes + trailing
    header = grid.headers[grid.participant_col]
    error = _check_grid_participant(row_no, header, participant, seen, messages)
    if error is not None:
        errors.append(error)
    dates: list[tuple[str, _DateCell]] = []
    for col, (header, role) in enumerate(zip(grid.headers, grid.roles, strict=True)):
        text, notes = cells[col]
        if role == "participant" or not text:
            continue
        read = _grid_date(row_no, header, role, text, text, notes, grid.legends[col], messages)
        if isinstance(read, ParseError):
            errors.append(read)
        else:
            dates.append((header, read))
    return _row_actions(row_no, participant, footnotes, dates, errors, messages)


def mtdsg_number_from_filename(filename: str) -> str | None:
    """``XVIII-12-A`` from ``xviii-12-a.en.xml``, the name treaties.un.org publishes under."""
    match = _XML_FILENAME.search(filename.replace("\\", "/"))
    return match.group(1).upper() if match else None


# --------------------------------------------------------------------------------------------
# Format detection
# --------------------------------------------------------------------------------------------

# A file this importer does not read, by extension: the first sentence of the error.
_UNSUPPORTED_EXTENSIONS = {
    ".xlsx": gettext_noop('"%(filename)s" is an Excel workbook, not a format this importer reads.'),
    ".xls": gettext_noop('"%(filename)s" is an Excel workbook, not a format this importer reads.'),
    ".ods": gettext_noop(
        '"%(filename)s" is a spreadsheet (OpenDocument), not a format this importer reads.'
    ),
    ".pdf": gettext_noop('"%(filename)s" is a PDF document, not a format this importer reads.'),
    ".doc": gettext_noop('"%(filename)s" is a Word document, not a format this importer reads.'),
    ".docx": gettext_noop('"%(filename)s" is a Word document, not a format this importer reads.'),
    ".json": gettext_noop('"%(filename)s" is a JSON file, not a format this importer reads.'),
}
_HINT = gettext_noop(
    'Upload a CSV file (save as "CSV UTF-8") or a saved treaties.un.org status page (.html).'
)
_SAVE_AS_UTF8 = gettext_noop('Save it again as "CSV UTF-8" (or UTF-8 HTML) and upload it again.')


def _extension(filename: str) -> str:
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return "." + base.rsplit(".", 1)[-1].lower() if "." in base else ""


class _Unreadable(Exception):
    """A file the parsers cannot read at all: the sentence (a msgid) for its error, and possibly
    a second one, ``then``, telling what to do."""

    def __init__(self, msgid: str, then: str | None = None, /, **params: object) -> None:
        super().__init__(msgid)
        self.msgid, self.then, self.params = msgid, then, params

    def message(self, messages: _Messages, filename: str) -> str:
        first = messages(self.msgid, filename=filename, **self.params)
        return join_sentences(first, messages(self.then)) if self.then else first


def detect_and_parse(
    filename: str,
    content: bytes,
    *,
    translate: Translate = gettext_noop,
    ntranslate: NTranslate = english_plural,
) -> ParseResult:
    """Decode ``content`` (UTF-8, BOM allowed) and parse it as CSV or UNTC HTML."""
    meta = {"filename": filename}
    if _is_mtdsg_xml(filename, content):
        result = parse_untc_xml(content, translate=translate, ntranslate=ntranslate)
        number = mtdsg_number_from_filename(filename)
        result.meta = {**meta, **({"mtdsg_no": number} if number else {}), **result.meta}
        return result
    try:
        text = _decode(filename, content)
        meta["encoding"] = "utf-8-sig" if content.startswith(b"\xef\xbb\xbf") else "utf-8"
        parse = _parser_for(filename, text)
    except _Unreadable as problem:
        message = problem.message(_Messages(translate, ntranslate), filename)
        return ParseResult(errors=[ParseError(None, None, message)], meta=meta)
    result = parse(text, translate=translate, ntranslate=ntranslate)
    result.meta = {**meta, **result.meta}
    return result


def _is_mtdsg_xml(filename: str, content: bytes) -> bool:
    """An .xml file, or an XML document (not an HTML page) with a participant table."""
    if _extension(filename) == ".xml":
        return True
    start = content.lstrip()[:200].lower()
    return start.startswith(b"<?xml") and b"<html" not in start and b"<Participants" in content


def _decode(filename: str, content: bytes) -> str:
    """The text of a UTF-8 file (a byte-order mark is dropped); raises ``_Unreadable`` for a
    file of another format or encoding, or an empty one."""
    ext = _extension(filename)
    if ext in _UNSUPPORTED_EXTENSIONS:
        raise _Unreadable(_UNSUPPORTED_EXTENSIONS[ext], _HINT)
    if content.startswith(b"PK\x03\x04"):
        raise _Unreadable(
            gettext_noop(
                '"%(filename)s" is a zip-based file (probably an Excel workbook), not CSV or HTML.'
            ),
            _HINT,
        )
    if content.startswith(b"%PDF"):
        raise _Unreadable(gettext_noop('"%(filename)s" is a PDF document, not CSV or HTML.'), _HINT)
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _Unreadable(
            gettext_noop('"%(filename)s" is encoded as UTF-16, not UTF-8.'), _SAVE_AS_UTF8
        )
    if not content.strip():
        raise _Unreadable(gettext_noop('"%(filename)s" is empty.'))
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _Unreadable(
            gettext_noop(
                '"%(filename)s" is not UTF-8 text: byte 0x%(byte)s on line %(line)s cannot be decoded (the file was probably saved as Windows-1252/Latin-1).'
            ),
            _SAVE_AS_UTF8,
            byte=content[exc.start : exc.start + 1].hex(),
            line=content[: exc.start].count(b"\n") + 1,
        ) from None


def _parser_for(filename: str, text: str) -> Callable[..., ParseResult]:
    """CSV or UNTC HTML, by the file's extension or else by its first characters."""
    ext = _extension(filename)
    first_line = text.split("\n", 1)[0]
    if ext == ".csv":
        return parse_palermo_csv
    if ext in (".html", ".htm") or text.lstrip().startswith("<"):
        return parse_untc_html
    if "participant" in first_line.lower() and "," in first_line:
        return parse_palermo_csv
    raise _Unreadable(
        gettext_noop(
            'Cannot tell what kind of file "%(filename)s" is: it is neither a CSV file with a participant column nor an HTML page.'
        ),
        _HINT,
    )
