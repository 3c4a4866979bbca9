"""Parse treaty-participation files into rows, or into errors a clerk can act on.

Pure Python: no Django, no database, no network. Two input formats are understood:

* **Palermo CSV** (``parse_palermo_csv``): the layout of the ``*_excerpt.csv`` files, with the
  columns ``instrument, participant, signature_date, deposit_date, action_type``. Dates are ISO
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

``detect_and_parse`` picks the parser from the file name (or, failing that, from the content)
and decodes the bytes as UTF-8 (a byte-order mark is allowed).

Kinds emitted (``ParsedAction.kind``): see ``KINDS``. ``consent_unspecified`` means the source
gives a date of deposit of an instrument of consent to be bound but does not say which kind
(e.g. "not stated by source" rows); the importer must treat it as consent of unknown type and
never guess ratification or accession. ``ratification/acceptance/approval`` (the Dutch code R)
is reported as ``ratification`` with the full original text in ``source_text``.

The parsers never stop at the first problem: every error found is returned, each naming the
row and the field (CSV column or UNTC column header) it concerns. Actions are only returned
for rows that have no error, so a caller that refuses to import when ``errors`` is non-empty
never sees half-validated data.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

SIGNATURE = "signature"
RATIFICATION = "ratification"
ACCEPTANCE = "acceptance"
APPROVAL = "approval"
ACCESSION = "accession"
SUCCESSION = "succession"
FORMAL_CONFIRMATION = "formal_confirmation"
CONSENT_UNSPECIFIED = "consent_unspecified"

#: Every value ``ParsedAction.kind`` can take.
KINDS = frozenset(
    {
        SIGNATURE,
        RATIFICATION,
        ACCEPTANCE,
        APPROVAL,
        ACCESSION,
        SUCCESSION,
        FORMAL_CONFIRMATION,
        CONSENT_UNSPECIFIED,
    }
)
#: Kinds that are the deposit of an instrument of consent to be bound (everything but signature).
CONSENT_KINDS = KINDS - {SIGNATURE}

#: UNTC suffix after a date in the ratification column -> kind. No suffix means ratification.
UNTC_SUFFIX_KINDS = {
    "": RATIFICATION,
    "A": ACCEPTANCE,
    "AA": APPROVAL,
    "a": ACCESSION,
    "d": SUCCESSION,
    "c": FORMAL_CONFIRMATION,
}

CSV_COLUMNS = ("instrument", "participant", "signature_date", "deposit_date", "action_type")


@dataclass(frozen=True)
class ParsedAction:
    row: int
    participant: str
    kind: str
    date: date
    footnotes: tuple[str, ...] = ()
    source_text: str = ""


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
_NOT_STATED = re.compile(r"^(not stated by source|consent[ _]unspecified)\b", re.IGNORECASE)


def _parse_iso_date(value: str, column: str, row: int, errors: list[ParseError]) -> date | None:
    """Parse an ISO date cell; an empty cell gives None, a bad one adds an error."""
    value = value.strip()
    if not value:
        return None
    if not _ISO_DATE.match(value):
        errors.append(
            ParseError(row, column, f'{column} "{value}" is not a date (expected YYYY-MM-DD)')
        )
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(
            ParseError(
                row,
                column,
                f'{column} "{value}" is not a real calendar date (expected YYYY-MM-DD)',
            )
        )
        return None


def _csv_deposit_kind(action_type: str) -> str | None:
    """Kind of deposit named by an action_type cell; None if it names no deposit kind."""
    text = normalize_space(action_type)
    match = _CONSENT_WORDS.match(text)
    if match:
        return match.group(1).lower().replace(" ", "_")
    if _NOT_STATED.match(text):
        return CONSENT_UNSPECIFIED
    return None


def parse_palermo_csv(text: str) -> ParseResult:
    """Parse a Palermo participation CSV (see module docstring) into actions or errors."""
    result = ParseResult(meta={"format": "palermo_csv"})
    errors = result.errors
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        errors.append(ParseError(None, None, "The file is empty: there is no header row."))
        return result

    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except csv.Error as exc:
        errors.append(ParseError(1, None, f"The header row cannot be read as CSV: {exc}."))
        return result
    columns = [normalize_space(h).lower() for h in header]
    result.meta["columns"] = columns
    missing = [c for c in CSV_COLUMNS if c not in columns]
    for name in missing:
        errors.append(
            ParseError(
                1,
                name,
                f'The header row has no "{name}" column (required columns: '
                f"{', '.join(CSV_COLUMNS)}).",
            )
        )
    if missing:
        return result
    index = {name: columns.index(name) for name in CSV_COLUMNS}

    seen: dict[str, int] = {}  # participant key -> first row
    instruments: list[str] = []  # the file's instrument (first non-empty value)
    instrument_row = 0
    data_rows = 0
    row_no = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row_no += 1
            errors.append(ParseError(row_no, None, f"This row cannot be read as CSV: {exc}."))
            break
        row_no += 1
        if not any(c.strip() for c in cells):
            continue  # blank line
        data_rows += 1
        row_errors: list[ParseError] = []
        if len(cells) > len(columns):
            row_errors.append(
                ParseError(
                    row_no,
                    None,
                    f"This row has {len(cells)} values but the header has {len(columns)} "
                    "columns (is there an unquoted comma in a name?).",
                )
            )

        def cell(name: str, cells: list[str] = cells) -> str:
            i = index[name]
            return cells[i] if i < len(cells) else ""

        instrument = normalize_space(cell("instrument"))
        if not instrument:
            row_errors.append(ParseError(row_no, "instrument", "instrument is empty."))
        elif not instruments:
            instruments.append(instrument)
            instrument_row = row_no
        elif instrument != instruments[0]:
            row_errors.append(
                ParseError(
                    row_no,
                    "instrument",
                    f'instrument "{instrument}" differs from "{instruments[0]}" in row '
                    f"{instrument_row}; one file must hold one instrument.",
                )
            )

        raw_participant = cell("participant")
        participant, footnotes = split_footnotes(raw_participant)
        if not participant:
            row_errors.append(ParseError(row_no, "participant", "participant is empty."))
        else:
            key = _participant_key(participant)
            if key in seen:
                row_errors.append(
                    ParseError(
                        row_no,
                        "participant",
                        f'participant "{participant}" is already listed in row {seen[key]}; '
                        "each participant may appear only once per file.",
                    )
                )
            else:
                seen[key] = row_no

        raw_signature = cell("signature_date")
        raw_deposit = cell("deposit_date")
        raw_action = cell("action_type")
        signature = _parse_iso_date(raw_signature, "signature_date", row_no, row_errors)
        deposit = _parse_iso_date(raw_deposit, "deposit_date", row_no, row_errors)
        action_text = normalize_space(raw_action)
        has_signature = bool(raw_signature.strip())
        has_deposit = bool(raw_deposit.strip())

        kind: str | None = None
        if not has_signature and not has_deposit:
            row_errors.append(
                ParseError(
                    row_no,
                    "deposit_date",
                    "This row has neither a signature_date nor a deposit_date; "
                    "there is nothing to record.",
                )
            )
        elif _SIGNATURE_ONLY.match(action_text):
            if has_deposit:
                row_errors.append(
                    ParseError(
                        row_no,
                        "deposit_date",
                        f'action_type says "{action_text}" but deposit_date is filled in '
                        f'("{raw_deposit.strip()}"); clear one of them.',
                    )
                )
            elif not has_signature:
                row_errors.append(
                    ParseError(
                        row_no,
                        "signature_date",
                        f'action_type says "{action_text}" but signature_date is empty.',
                    )
                )
        elif not action_text:
            if has_deposit:
                row_errors.append(
                    ParseError(
                        row_no,
                        "action_type",
                        "action_type is empty, so the kind of the deposit "
                        "(ratification, accession, ...) is unknown.",
                    )
                )
        else:
            kind = _csv_deposit_kind(action_text)
            if kind is None:
                row_errors.append(
                    ParseError(
                        row_no,
                        "action_type",
                        f'action_type "{action_text}" is not understood (expected it to start '
                        "with ratification, acceptance, approval, accession, succession, "
                        'formal confirmation, "signature only" or "not stated by source").',
                    )
                )
            elif not has_deposit:
                row_errors.append(
                    ParseError(
                        row_no,
                        "deposit_date",
                        f'action_type says "{action_text}" but deposit_date is empty.',
                    )
                )

        if signature and deposit and deposit < signature:
            row_errors.append(
                ParseError(
                    row_no,
                    "deposit_date",
                    f"deposit_date {deposit.isoformat()} is before signature_date "
                    f"{signature.isoformat()}.",
                )
            )

        if row_errors:
            errors.extend(row_errors)
            continue
        if signature:
            result.actions.append(
                ParsedAction(
                    row=row_no,
                    participant=participant,
                    kind=SIGNATURE,
                    date=signature,
                    footnotes=footnotes,
                    source_text=raw_signature.strip(),
                )
            )
        if deposit and kind:
            result.actions.append(
                ParsedAction(
                    row=row_no,
                    participant=participant,
                    kind=kind,
                    date=deposit,
                    footnotes=footnotes,
                    source_text=raw_action.strip(),
                )
            )

    if data_rows == 0:
        errors.append(ParseError(None, None, "The file has a header row but no data rows."))
    result.meta["instrument"] = instruments[0] if instruments else None
    result.meta["data_rows"] = data_rows
    return result


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


def parse_untc_html(html: str) -> ParseResult:
    """Parse a saved treaties.un.org status page (see module docstring)."""
    from bs4 import BeautifulSoup  # imported here so CSV-only callers do not need bs4

    result = ParseResult(meta={"format": "untc_html"})
    errors = result.errors
    soup = BeautifulSoup(html, "lxml")
    _page_meta(soup, result.meta)

    table = soup.find("table", id=lambda v: bool(v) and v.lower().endswith("tblgrid"))
    if table is None:
        errors.append(
            ParseError(
                None,
                None,
                'No participant table found: expected a table whose id ends in "tblgrid", '
                "as on the treaties.un.org status page (save the whole page, not only its text).",
            )
        )
        return result
    result.meta["table_id"] = table.get("id")

    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    if not rows:
        errors.append(ParseError(None, None, "The participant table has no rows."))
        return result

    header_cells = rows[0].find_all(["td", "th"], recursive=False)
    headers = [_cell_text(c) for c in header_cells]
    result.meta["columns"] = headers
    roles = [_classify_column(h) for h in headers]
    for h, role in zip(headers, roles, strict=True):
        if role is None:
            errors.append(
                ParseError(
                    None,
                    h,
                    f'The participant table has a column "{h}" that this importer does not '
                    "understand (expected Participant, Signature and Ratification, ... columns).",
                )
            )
    if "participant" not in roles:
        errors.append(
            ParseError(
                None,
                "Participant",
                f'The participant table\'s header row has no "Participant" column '
                f"(found: {', '.join(headers) or 'nothing'}).",
            )
        )
    if errors:
        return result
    participant_col = roles.index("participant")
    legends = [set(_LEGEND.findall(h)) for h in headers]

    seen: dict[str, int] = {}
    data_rows = 0
    for row_no, tr in enumerate(rows[1:], start=1):
        cells = tr.find_all(["td", "th"], recursive=False)
        if not any(_cell_text(c) for c in cells):
            continue
        data_rows += 1
        row_errors: list[ParseError] = []
        cells = cells + [None] * (len(headers) - len(cells))
        if len(cells) > len(headers):
            row_errors.append(
                ParseError(
                    row_no,
                    None,
                    f"Row {row_no} of the table has {len(cells)} cells but the header has "
                    f"{len(headers)} columns.",
                )
            )

        name_cell = cells[participant_col]
        sup_notes = _pop_superscripts(name_cell) if name_cell is not None else ()
        participant, trailing_notes = split_footnotes(
            _cell_text(name_cell) if name_cell is not None else ""
        )
        footnotes = sup_notes + trailing_notes
        name_header = headers[participant_col]
        if not participant:
            row_errors.append(ParseError(row_no, name_header, "The participant name is empty."))
        elif participant.startswith("[") or participant.endswith("]"):
            row_errors.append(
                ParseError(
                    row_no,
                    name_header,
                    f'Participant "{participant}" is shown in brackets, which UNTC uses for a '
                    "participant that has withdrawn; enter its actions by hand.",
                )
            )
        else:
            key = _participant_key(participant)
            if key in seen:
                row_errors.append(
                    ParseError(
                        row_no,
                        name_header,
                        f'Participant "{participant}" is already listed in row {seen[key]} '
                        "of the table.",
                    )
                )
            else:
                seen[key] = row_no

        row_actions: list[ParsedAction] = []
        signature_date: date | None = None
        deposits: list[tuple[date, str]] = []
        for col, (header, role) in enumerate(zip(headers, roles, strict=True)):
            cell = cells[col]
            if role == "participant" or cell is None:
                continue
            source_text = _cell_text(cell)
            cell_notes = _pop_superscripts(cell)
            text = _cell_text(cell)
            if not text:
                continue
            try:
                parsed = parse_untc_date_cell(text)
            except ValueError:
                row_errors.append(
                    ParseError(row_no, header, f'"{source_text}" is not a real calendar date.')
                )
                continue
            if parsed is None:
                row_errors.append(
                    ParseError(
                        row_no,
                        header,
                        f'"{source_text}" is not a date the importer can read '
                        '(expected e.g. "12 Dec 2000" or "26 Sep 2003 a").',
                    )
                )
                continue
            day, suffix, date_notes = parsed
            if role == "signature":
                if suffix not in ("", "d"):
                    row_errors.append(
                        ParseError(
                            row_no,
                            header,
                            f'"{source_text}" ends in "{suffix}", which is not a known mark '
                            'for a signature (only "d", succession to signature, is).',
                        )
                    )
                    continue
                kind = SIGNATURE  # "d" here = succession to signature, still a signature
                signature_date = day
            else:
                if suffix not in UNTC_SUFFIX_KINDS:
                    row_errors.append(
                        ParseError(
                            row_no,
                            header,
                            f'"{source_text}" ends in "{suffix}", which is not a known UNTC '
                            "mark (known: A = acceptance, AA = approval, a = accession, "
                            "d = succession, c = formal confirmation, none = ratification).",
                        )
                    )
                    continue
                if suffix and legends[col] and suffix not in legends[col]:
                    row_errors.append(
                        ParseError(
                            row_no,
                            header,
                            f'"{source_text}" ends in "{suffix}", which this column\'s header '
                            "does not list.",
                        )
                    )
                    continue
                kind = UNTC_SUFFIX_KINDS[suffix]
                deposits.append((day, header))
            row_actions.append(
                ParsedAction(
                    row=row_no,
                    participant=participant,
                    kind=kind,
                    date=day,
                    footnotes=footnotes + cell_notes + date_notes,
                    source_text=source_text,
                )
            )

        if not row_actions and not row_errors:
            row_errors.append(
                ParseError(
                    row_no,
                    None,
                    f'Participant "{participant}" has no signature and no deposit date.',
                )
            )
        for deposit, deposit_header in deposits:
            if signature_date and deposit < signature_date:
                row_errors.append(
                    ParseError(
                        row_no,
                        deposit_header,
                        f"The deposit date {deposit.isoformat()} is before the signature date "
                        f"{signature_date.isoformat()}.",
                    )
                )
        if row_errors:
            errors.extend(row_errors)
        else:
            result.actions.extend(row_actions)

    if data_rows == 0:
        errors.append(ParseError(None, None, "The participant table has no data rows."))
    result.meta["data_rows"] = data_rows
    return result


# --------------------------------------------------------------------------------------------
# Format detection
# --------------------------------------------------------------------------------------------

_UNSUPPORTED_EXTENSIONS = {
    ".xlsx": "an Excel workbook",
    ".xls": "an Excel workbook",
    ".ods": "a spreadsheet (OpenDocument)",
    ".pdf": "a PDF document",
    ".doc": "a Word document",
    ".docx": "a Word document",
    ".xml": "an XML file (the MTDSG XML is not supported yet)",
    ".json": "a JSON file",
}
_HINT = 'Upload a CSV file (save as "CSV UTF-8") or a saved treaties.un.org status page (.html).'


def _extension(filename: str) -> str:
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return "." + base.rsplit(".", 1)[-1].lower() if "." in base else ""


def detect_and_parse(filename: str, content: bytes) -> ParseResult:
    """Decode ``content`` (UTF-8, BOM allowed) and parse it as CSV or UNTC HTML."""
    ext = _extension(filename)
    meta = {"filename": filename}

    def fail(message: str) -> ParseResult:
        return ParseResult(errors=[ParseError(None, None, message)], meta=meta)

    if ext in _UNSUPPORTED_EXTENSIONS:
        return fail(
            f'"{filename}" is {_UNSUPPORTED_EXTENSIONS[ext]}, not a format this '
            f"importer reads. {_HINT}"
        )
    if content.startswith(b"PK\x03\x04"):
        return fail(
            f'"{filename}" is a zip-based file (probably an Excel workbook), not CSV '
            f"or HTML. {_HINT}"
        )
    if content.startswith(b"%PDF"):
        return fail(f'"{filename}" is a PDF document, not CSV or HTML. {_HINT}')
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return fail(
            f'"{filename}" is encoded as UTF-16, not UTF-8. Save it again as '
            '"CSV UTF-8" (or UTF-8 HTML) and upload it again.'
        )
    if not content.strip():
        return fail(f'"{filename}" is empty.')
    has_bom = content.startswith(b"\xef\xbb\xbf")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = content[exc.start : exc.start + 1].hex()
        line = content[: exc.start].count(b"\n") + 1
        return fail(
            f'"{filename}" is not UTF-8 text: byte 0x{bad} on line {line} cannot be decoded '
            "(the file was probably saved as Windows-1252/Latin-1). Save it again as "
            '"CSV UTF-8" (or UTF-8 HTML) and upload it again.'
        )
    meta["encoding"] = "utf-8-sig" if has_bom else "utf-8"

    if ext == ".csv":
        fmt = "csv"
    elif ext in (".html", ".htm") or text.lstrip().startswith("<"):
        fmt = "html"
    elif "participant" in text.split("\n", 1)[0].lower() and "," in text.split("\n", 1)[0]:
        fmt = "csv"
    else:
        return fail(
            f'Cannot tell what kind of file "{filename}" is: it is neither a CSV file '
            f"with a participant column nor an HTML page. {_HINT}"
        )

    result = parse_palermo_csv(text) if fmt == "csv" else parse_untc_html(text)
    result.meta = {**meta, **result.meta}
    return result
