"""Streaming readers for imported files: CSV, XLSX, JSON and JSON lines, one row at a time.

``open_table(path, report=…)`` looks at the file (format, encoding, delimiter, sheets, header),
reports what is wrong with it to the import's error sink and returns a ``Table``; iterating the
table reads the file again from the start and yields ``Row`` objects lazily, so memory stays
constant whatever the size of the file. Row numbers are the ones a person sees: the physical
line of a CSV (header = row 1; a record whose quoted cell holds line breaks is numbered by its
first line), the spreadsheet row of an XLSX sheet, the line of a JSON-lines file and the
position (1, 2, …) of an object in a JSON list.

Pure: no database and nothing from Django but gettext for the messages. An importer that needs
another format (SDMX, a saved HTML page) subclasses ``Table`` and registers it for its suffix
with ``register_reader``, or passes ``readers={suffix: TableClass}`` to ``open_table``.

Decisions, documented for users in docs/user/imports.md:

- Encoding: a byte-order mark decides (UTF-8, UTF-16 LE/BE, UTF-32); without one, a regular NUL
  pattern in the sample means BOM-less UTF-16; otherwise valid UTF-8 wins, then cp1252 when bytes
  0x80–0x9F occur and decode as cp1252, else Latin-1. Only the first 64 KB are sampled; the rest
  is decoded incrementally and a byte that breaks the chosen encoding later is an error at its
  row and byte offset.
- Cell values: CSV cells are stripped text. XLSX cells keep their type: text (stripped, a text
  beginning with "=" stays text), ``int`` for whole numbers, ``float`` otherwise, ``bool``,
  ``datetime`` for a date-time (exact to the second), ``date`` for a date formatted without a
  time, ``time`` for a time of day. Formula cells give the value Excel last saved (never
  evaluated here). JSON values keep their type, non-integers as ``Decimal``; ``null`` and empty
  cells are ``""``. A JSON value that is itself an object or a list is an error at its row and
  key, never flattened or serialised.
"""

from __future__ import annotations

import codecs
import csv
import json
import operator
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from itertools import repeat
from pathlib import Path, PurePath
from typing import Protocol

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: The largest cell a file may hold, in characters (the cap applies to every format).
MAX_CELL_CHARS = 10 * 1024 * 1024
#: How much of a text file is looked at to detect its encoding and delimiter.
SAMPLE_BYTES = 64 * 1024
_CHUNK_BYTES = 256 * 1024
DELIMITERS = ",;\t|"


@dataclass(slots=True)
class Row:
    """One data row: its number as a person sees it, its values by column, its sheet (XLSX)."""

    number: int
    values: dict
    sheet: str | None = None


class ErrorSink(Protocol):
    """What readers report to; ``platform.imports.ImportReport`` is one."""

    def error(self, row: int | None, field: str | None, message: str) -> None: ...

    def warn(self, row: int | None, field: str | None, message: str) -> None: ...


class CollectingSink:
    """An error sink that keeps (row, field, message) tuples, for previews and tests."""

    def __init__(self):
        self.errors: list[tuple[int | None, str | None, str]] = []
        self.warnings: list[tuple[int | None, str | None, str]] = []

    def error(self, row, field, message):
        self.errors.append((row, field, str(message)))

    def warn(self, row, field, message):
        self.warnings.append((row, field, str(message)))


class _Counting:
    """Passes reports on, counting errors: "no data rows" is said only of a file whose rows
    were not all refused for another reason."""

    __slots__ = ("sink", "errors")

    def __init__(self, sink: ErrorSink):
        self.sink, self.errors = sink, 0

    def error(self, row, field, message):
        self.errors += 1
        self.sink.error(row, field, message)

    def warn(self, row, field, message):
        self.sink.warn(row, field, message)


def qualify(sheet: str | None, column: str | None) -> str | None:
    """The field of an error: the column, prefixed by its sheet for a workbook ("survey!name")."""
    if sheet is None:
        return column
    return f"{sheet}!{column}" if column else sheet


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- the table contract and the registry ----------------------------------------------------


class Table:
    """A file opened for import. ``open()`` inspects it and reports header problems; iterating
    (or ``rows()``) re-reads it from the start, yielding ``Row`` objects one at a time.

    Subclasses (custom readers) set ``format`` and ``label`` and implement ``open`` and
    ``_rows(sheet, sink)``; they call ``refuse(message)`` for a file that cannot be read at all.
    """

    format = ""
    label = ""

    def __init__(
        self,
        path: str | Path,
        *,
        name: str | None = None,
        report: ErrorSink,
        sheets: Sequence[str] | None = None,
        optional_sheets: Sequence[str] = (),
        encoding: str | None = None,
        delimiter: str | None = None,
        max_cell_chars: int = MAX_CELL_CHARS,
    ):
        self.path = Path(path)
        self.name = name or self.path.name
        self.report = report
        self.requested_sheets = list(sheets) if sheets is not None else None
        self.optional_sheets = list(optional_sheets)
        self.encoding = encoding
        self.encoding_label: str | None = None
        self.delimiter = delimiter
        self.max_cell_chars = max_cell_chars
        #: The sheets that will be read, in order (XLSX); [] for other formats.
        self.sheets: list[str] = []
        #: Every sheet of the workbook (XLSX).
        self.available_sheets: list[str] = []
        #: The header of each sheet read (key None for a format without sheets).
        self.columns_by_sheet: dict[str | None, list[str]] = {}
        #: False when the file was refused; iterating then yields nothing.
        self.ok = True
        self.size = self.path.stat().st_size if self.path.exists() else 0
        #: Bytes read so far (text formats) or rows read (XLSX), for a progress bar.
        self.position = 0

    @property
    def columns(self) -> list[str]:
        """The header of the table (of its first sheet for a workbook)."""
        return next(iter(self.columns_by_sheet.values()), [])

    def describe(self) -> dict:
        """What was detected, for the report shown to the person importing."""
        return {
            "format": self.format,
            "encoding": self.encoding_label,
            "delimiter": self.delimiter,
            "sheets": list(self.sheets),
            "columns": {k or "": list(v) for k, v in self.columns_by_sheet.items()},
        }

    def refuse(self, message: str, row: int | None = None, field: str | None = None) -> None:
        self.report.error(row, field, message)
        self.ok = False

    def open(self) -> None:
        raise NotImplementedError

    def rows(self, sheet: str | None = None, *, report: ErrorSink | None = None) -> Iterator[Row]:
        """Every data row (of one sheet if named), read lazily; problems go to ``report`` (the
        table's own sink by default, e.g. a ``CollectingSink`` for a preview)."""
        if not self.ok:
            return iter(())
        return self._rows(sheet, _Counting(report or self.report))

    def __iter__(self) -> Iterator[Row]:
        return self.rows()

    def head(self, n: int = 20, *, report: ErrorSink | None = None) -> list[Row]:
        """The first ``n`` data rows, for a preview; the rest of the file is not read."""
        rows = []
        iterator = self.rows(report=report or CollectingSink())
        try:
            for row in iterator:
                rows.append(row)
                if len(rows) >= n:
                    break
        finally:
            close = getattr(iterator, "close", None)
            if close:
                close()
        return rows

    def close(self) -> None:
        """Release what the reader holds open (the XLSX archive)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _rows(self, sheet: str | None, sink: ErrorSink) -> Iterator[Row]:
        raise NotImplementedError

    # Shared header checks -------------------------------------------------------------------

    def _check_header(
        self, cells: Sequence[str], sheet: str | None, position: Callable[[int], str]
    ) -> tuple[list[str], list[tuple[int, str]], set[int]]:
        """Names, the (index, name) pairs to read and the indexes without a header; duplicate
        names are errors naming both positions, the later column being ignored."""
        names = [c.strip() if isinstance(c, str) else _header_text(c) for c in cells]
        seen: dict[str, int] = {}
        pairs, blank = [], set()
        for index, name in enumerate(names):
            if not name:
                blank.add(index)
                continue
            if name in seen:
                self.report.error(
                    1,
                    qualify(sheet, name),
                    _(
                        "column “%(name)s” appears twice in the header (%(first)s and %(second)s); "
                        "rename one of them"
                    )
                    % {"name": name, "first": position(seen[name]), "second": position(index)},
                )
                continue
            seen[name] = index
            pairs.append((index, name))
        return [name for _i, name in pairs], pairs, blank


READERS: dict[str, type[Table]] = {}


def register_reader(*suffixes: str):
    """Class decorator: read files with these suffixes (without the dot) with this Table."""

    def decorate(cls):
        for suffix in suffixes:
            READERS[suffix.lower().lstrip(".")] = cls
        return cls

    return decorate


class _Refused(Table):
    format = ""

    def open(self) -> None:
        self.ok = False


def open_table(
    path: str | Path,
    *,
    report: ErrorSink,
    name: str | None = None,
    formats: Iterable[str] | None = None,
    readers: dict[str, type[Table]] | None = None,
    sheets: Sequence[str] | None = None,
    optional_sheets: Sequence[str] = (),
    encoding: str | None = None,
    delimiter: str | None = None,
    max_cell_chars: int = MAX_CELL_CHARS,
) -> Table:
    """Open the file at ``path`` for streaming import and report what is wrong with it.

    ``name`` is the name the person gave the file (its suffix chooses the reader; the path may
    be a temporary name); ``formats`` limits the suffixes accepted; ``readers`` adds or replaces
    readers for this call (an importer's own). ``sheets`` are the XLSX sheets that must be there
    (all sheets when None), ``optional_sheets`` those read when present. ``encoding`` and
    ``delimiter`` override detection for text files. Always returns a Table; when the file
    cannot be read at all ``table.ok`` is False, the reason is in ``report`` and iterating
    yields nothing.
    """
    shown = name or Path(path).name
    suffix = PurePath(shown).suffix.lower().lstrip(".")
    available = {**READERS, **(readers or {})}
    accepted = [s.lower().lstrip(".") for s in formats] if formats is not None else None
    options = {
        "name": shown,
        "report": report,
        "sheets": sheets,
        "optional_sheets": optional_sheets,
        "encoding": encoding,
        "delimiter": delimiter,
        "max_cell_chars": max_cell_chars,
    }
    cls = available.get(suffix)
    if cls is None or (accepted is not None and suffix not in accepted):
        allowed = ", ".join(f".{s}" for s in (accepted or sorted(available)))
        if suffix:
            message = _("unsupported file type “.%(suffix)s”: use %(allowed)s") % {
                "suffix": suffix,
                "allowed": allowed,
            }
        else:
            message = _("the file name has no suffix to say its type: use %(allowed)s") % {
                "allowed": allowed
            }
        report.error(None, None, message)
        table = _Refused(path, **options)
        table.open()
        return table
    table = cls(path, **options)
    if not table.path.is_file():
        table.refuse(_("the file “%(name)s” cannot be found") % {"name": shown})
        return table
    table.open()
    return table


# --- text: encoding, lines -------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 LE (with BOM)"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 BE (with BOM)"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8 (with BOM)"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE (with BOM)"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE (with BOM)"),
)
_LABELS = {
    "utf-8": "UTF-8",
    "utf-16-le": "UTF-16 LE",
    "utf-16-be": "UTF-16 BE",
    "cp1252": "Windows-1252",
    "latin-1": "Latin-1 (ISO 8859-1)",
}
_C1 = re.compile(rb"[\x80-\x9f]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_MAGIC = (
    (b"PK\x03\x04", gettext_lazy("a ZIP archive (an XLSX workbook?)")),
    (b"\xd0\xcf\x11\xe0", gettext_lazy("an Excel 97–2003 (.xls) workbook")),
    (b"%PDF", gettext_lazy("a PDF document")),
    (b"\x89PNG", gettext_lazy("a PNG image")),
    (b"\xff\xd8\xff", gettext_lazy("a JPEG image")),
    (b"\x1f\x8b", gettext_lazy("a gzip archive")),
)


def detect_encoding(sample: bytes, *, complete: bool) -> tuple[str, int, str] | None:
    """(codec, BOM length, label) for a text file starting with ``sample`` (``complete`` when
    the sample is the whole file), or None when the bytes are not text."""
    for bom, codec, label in _BOMS:
        if sample.startswith(bom):
            return codec, len(bom), label
    if b"\x00" in sample:
        even, odd = sample[0::2], sample[1::2]
        nul_even, nul_odd = even.count(0), odd.count(0)
        codec = None
        if odd and nul_odd > 0.3 * len(odd) and nul_even < 0.05 * len(even):
            codec = "utf-16-le"
        elif even and nul_even > 0.3 * len(even) and nul_odd < 0.05 * len(odd):
            codec = "utf-16-be"
        if codec is None:
            return None
        try:
            codecs.getincrementaldecoder(codec)().decode(sample, complete)
        except UnicodeDecodeError:
            return None
        return codec, 0, _LABELS[codec]
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, complete)
        return "utf-8", 0, _LABELS["utf-8"]
    except UnicodeDecodeError:
        pass
    if _C1.search(sample):
        try:
            sample.decode("cp1252")
            return "cp1252", 0, _LABELS["cp1252"]
        except UnicodeDecodeError:
            pass
    return "latin-1", 0, _LABELS["latin-1"]


class _Undecodable(Exception):
    def __init__(self, line: int, offset: int, byte: int):
        super().__init__(line, offset, byte)
        self.line, self.offset, self.byte = line, offset, byte


_LONE_CR = re.compile(r"\r(?!\n)")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)")


def _split(buf: str) -> tuple[Iterable[str], int, str]:
    """Complete lines (with their ending: LF, CRLF or a lone CR), how many, and the rest."""
    if "\r" in buf and _LONE_CR.search(buf):
        hold = ""
        if buf.endswith("\r"):  # perhaps the first half of CRLF split across chunks
            buf, hold = buf[:-1], "\r"
        lines = _LINE.findall(buf)
        return lines, len(lines), buf[sum(map(len, lines)) :] + hold
    parts = buf.split("\n")
    rest = parts.pop()
    return map(operator.add, parts, repeat("\n")), len(parts), rest


def _lines(raw, codec: str, offset: int, table: Table) -> Iterator[str]:
    """Decoded lines of a binary file, read a chunk at a time. A byte the codec rejects raises
    ``_Undecodable`` with its line and absolute offset once the lines before it are out."""
    decoder = codecs.getincrementaldecoder(codec)()
    pending = ""
    line = 0
    while True:
        chunk = raw.read(_CHUNK_BYTES)
        final = not chunk
        try:
            text = decoder.decode(chunk, final)
        except UnicodeDecodeError as exc:
            held = len(exc.object) - len(chunk)
            good = exc.object[: exc.start].decode(codec, errors="replace")
            lines, count, _rest = _split(pending + good)
            yield from lines
            raise _Undecodable(
                line + count + 1, offset - held + exc.start, exc.object[exc.start]
            ) from None
        offset += len(chunk)
        table.position = offset
        buf = pending + text if pending else text
        if final:
            if buf:
                yield buf
            return
        lines, count, pending = _split(buf)
        line += count
        yield from lines


class _TextTable(Table):
    """Shared by CSV and JSON lines: encoding detection and refusing binary files."""

    bom = 0

    def _detect(self) -> str | None:
        """The decoded sample, or None (the file was refused)."""
        if self.size == 0:
            self.refuse(_("the %(what)s is empty") % {"what": self.label})
            return None
        with self.path.open("rb") as raw:
            sample = raw.read(SAMPLE_BYTES)
        complete = len(sample) >= self.size
        for magic, what in _MAGIC:
            if sample.startswith(magic):
                self.refuse(
                    _(
                        "this file is %(what)s, not a %(format)s; give it its real suffix or "
                        "export the data again"
                    )
                    % {"format": self.label, "what": what}
                )
                return None
        if self.encoding:
            try:
                codec, label = codecs.lookup(self.encoding).name, self.encoding
            except LookupError:
                self.refuse(
                    _("“%(name)s” is not an encoding Palermo knows") % {"name": self.encoding}
                )
                return None
            for bom, bom_codec, _label in _BOMS:
                if sample.startswith(bom) and codecs.lookup(bom_codec).name == codec:
                    self.bom = len(bom)
        else:
            found = detect_encoding(sample, complete=complete)
            if found is None:
                return self._binary()
            codec, self.bom, label = found
        self.encoding, self.encoding_label = codec, label
        try:
            text = codecs.getincrementaldecoder(codec)().decode(sample[self.bom :], complete)
        except (UnicodeDecodeError, LookupError):
            self.refuse(_("the file cannot be read as %(encoding)s") % {"encoding": label})
            return None
        controls = len(_CONTROL.findall(text))
        if "\x00" in text or controls > max(8, len(text) // 100):
            return self._binary()
        return text

    def _binary(self) -> None:
        self.refuse(
            _(
                "this file holds binary data, not text: it cannot be a %(format)s (was another "
                "kind of file renamed?)"
            )
            % {"format": self.label}
        )
        return None

    def _text_lines(self, raw) -> Iterator[str]:
        raw.seek(self.bom)
        return _lines(raw, self.encoding, self.bom, self)

    def _undecodable(self, exc: _Undecodable, sink: ErrorSink) -> None:
        sink.error(
            exc.line,
            None,
            _(
                "byte 0x%(byte)02X at offset %(offset)s is not valid %(encoding)s, the encoding "
                "of the start of the file; save the whole file as UTF-8 or name its encoding"
            )
            % {"byte": exc.byte, "offset": exc.offset, "encoding": self.encoding_label},
        )


# --- CSV -------------------------------------------------------------------------------------


def sniff_delimiter(text: str) -> str:
    """The delimiter of CSV text among , ; TAB |: csv.Sniffer on the first lines, checked
    against the header line, whose own counts decide when the Sniffer cannot."""
    lines = text.splitlines()[:50]
    header = lines[0] if lines else ""
    counts = {d: header.count(d) for d in DELIMITERS}
    try:
        found = csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        found = None
    if found and counts.get(found):
        return found
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


@register_reader("csv", "tsv")
class CsvTable(_TextTable):
    format = "csv"
    label = gettext_lazy("CSV file")

    def open(self) -> None:
        text = self._detect()
        if text is None:
            return
        if not self.delimiter:
            self.delimiter = sniff_delimiter(text)
        limit = max(csv.field_size_limit(), 2 * self.max_cell_chars + 2)
        csv.field_size_limit(limit)
        header = None
        with self.path.open("rb") as raw:
            reader = csv.reader(self._text_lines(raw), delimiter=self.delimiter)
            try:
                for cells in reader:
                    if any(c.strip() for c in cells):
                        header = cells
                        self._header_line = reader.line_num
                        break
            except (csv.Error, _Undecodable) as exc:
                self.refuse(
                    _("the header row of the CSV file cannot be read (%(err)s)") % {"err": exc},
                    row=1,
                )
                return
        if header is None:
            self.refuse(_("the CSV file has no header row"), row=1)
            return
        names, self._pairs, self._blank = self._check_header(
            header, None, lambda i: _("column %(n)s") % {"n": i + 1}
        )
        self._width = len(header)
        self.columns_by_sheet[None] = names

    def _rows(self, sheet, sink):
        delimiter, cap, width = self.delimiter, self.max_cell_chars, self._width
        pairs, blank = self._pairs, self._blank
        simple = not blank and len(pairs) == width
        names = [name for _i, name in pairs]
        noted_blank: set[int] = set()
        strip = str.strip
        count = 0
        always, seen = cap < 2 * _CHUNK_BYTES, -1
        with self.path.open("rb") as raw:
            reader = csv.reader(self._text_lines(raw), delimiter=delimiter)
            start = 1
            try:
                for cells in reader:
                    number, start = start, reader.line_num + 1
                    if number <= self._header_line or not cells:
                        continue
                    if len(cells) > width:
                        extra = cells[width:]
                        if any(map(strip, extra)):
                            sink.error(
                                number,
                                None,
                                _(
                                    "this row has %(cells)s cells but the header has "
                                    "%(header)s; a cell holds an unquoted “%(delimiter)s”?"
                                )
                                % {
                                    "cells": len(cells),
                                    "header": width,
                                    "delimiter": delimiter_name(delimiter),
                                },
                            )
                            continue
                        cells = cells[:width]
                    # A cell over the cap (≥ 2 chunks) makes the reader fetch a chunk within
                    # its row, so the lengths need checking only on rows where one was read.
                    if always or self.position != seen:
                        seen = self.position
                        if max(map(len, cells)) > cap:
                            self._too_long(cells, number, sink)
                            continue
                    if simple and len(cells) == width:
                        values = dict(zip(names, map(strip, cells)))  # noqa: B905 - same length
                    else:
                        n = len(cells)
                        values = {name: strip(cells[i]) if i < n else "" for i, name in pairs}
                        for i in blank:
                            if i < n and cells[i].strip() and i not in noted_blank:
                                noted_blank.add(i)
                                sink.error(
                                    number,
                                    _("column %(n)s") % {"n": i + 1},
                                    _("column %(n)s has data but no header") % {"n": i + 1},
                                )
                    if any(values.values()):
                        count += 1
                        yield Row(number, values)
            except _Undecodable as exc:
                self._undecodable(exc, sink)
                return
            except csv.Error as exc:
                message = str(exc)
                if "field limit" in message:
                    message = _("a cell starting in this row is longer than %(max)s characters") % {
                        "max": cap
                    }
                sink.error(
                    start, None, _("the CSV file cannot be read here: %(err)s") % {"err": message}
                )
                return
        if not count and not sink.errors:
            sink.error(None, None, _("the CSV file has a header row but no data rows"))

    def _too_long(self, cells, number, sink):
        for i, cell in enumerate(cells):
            if len(cell) > self.max_cell_chars:
                name = dict(self._pairs).get(i) or _("column %(n)s") % {"n": i + 1}
                sink.error(
                    number,
                    name,
                    _("this cell holds %(size)s characters; the limit is %(max)s")
                    % {"size": len(cell), "max": self.max_cell_chars},
                )


def delimiter_name(delimiter: str) -> str:
    """The delimiter as a person reads it: "TAB" for a tab."""
    return {"\t": "TAB"}.get(delimiter, delimiter)


_delimiter_name = delimiter_name


def _header_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


# --- XLSX ------------------------------------------------------------------------------------

_MIDNIGHT = time(0, 0)
_TIME_CODES = re.compile(r"[hs]|am/pm|a/p", re.IGNORECASE)
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def _format_has_time(number_format: str) -> bool:
    return bool(_TIME_CODES.search(_QUOTED.sub("", number_format or "")))


@register_reader("xlsx", "xlsm")
class XlsxTable(Table):
    format = "xlsx"
    label = gettext_lazy("XLSX workbook")

    _workbook = None

    def open(self) -> None:
        self._layout: dict[str, tuple[list[tuple[int, str]], set[int], int]] = {}
        with self.path.open("rb") as raw:
            magic = raw.read(8)
        if not zipfile.is_zipfile(self.path):
            if magic.startswith(b"\xd0\xcf\x11\xe0"):
                why = _("it is an Excel 97–2003 (.xls) workbook; save it as .xlsx")
            elif not magic:
                why = _("the file is empty")
            else:
                why = _("it is not a ZIP archive, as every XLSX file is (a CSV file renamed?)")
            self.refuse(_("not a readable XLSX workbook: %(why)s") % {"why": why})
            return
        workbook = self._load()
        if workbook is None:
            return
        self.available_sheets = list(workbook.sheetnames)
        self.sheets = self._select(self.available_sheets)
        for name in self.sheets:
            sheet = workbook[name]
            sheet.reset_dimensions()
            header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
            names, pairs, blank = self._check_header(header, name, column_letter)
            self.columns_by_sheet[name] = names
            self._layout[name] = (pairs, blank, len(header))

    def _load(self):
        from openpyxl import load_workbook

        try:
            self._workbook = load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged workbook
            self.refuse(
                _("not a readable XLSX workbook (%(err)s)")
                % {"err": str(exc) or type(exc).__name__}
            )
            return None
        return self._workbook

    def _select(self, available: list[str]) -> list[str]:
        if self.requested_sheets is None and not self.optional_sheets:
            return list(available)
        by_fold = {s.casefold(): s for s in available}
        chosen = []
        for wanted in self.requested_sheets or []:
            found = wanted if wanted in available else by_fold.get(wanted.casefold())
            if found is None:
                self.report.error(
                    None,
                    wanted,
                    _("the workbook has no sheet “%(sheet)s” (its sheets: %(sheets)s)")
                    % {"sheet": wanted, "sheets": ", ".join(f"“{s}”" for s in available)},
                )
            else:
                chosen.append(found)
        for wanted in self.optional_sheets:
            found = wanted if wanted in available else by_fold.get(wanted.casefold())
            if found is not None and found not in chosen:
                chosen.append(found)
        return chosen

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None

    def _rows(self, sheet, sink):
        if sheet is not None and sheet not in self.sheets:
            raise KeyError(sheet)
        workbook = self._workbook or self._load()
        if workbook is None:
            return
        complete = False
        try:
            total = 0
            for name in [sheet] if sheet else self.sheets:
                count, errors_before = 0, sink.errors
                for row in self._sheet_rows(workbook[name], name, sink):
                    count += 1
                    yield row
                total += count
                if not count and errors_before == sink.errors:
                    message = _("sheet “%(sheet)s” has no data rows") % {"sheet": name}
                    declared = name in (self.requested_sheets or [])
                    if declared or len(self.sheets) == 1:
                        sink.error(None, name, message)
                    else:
                        sink.warn(None, name, message)
            if not total and len(self.sheets) > 1 and not sheet and not sink.errors:
                sink.error(None, None, _("the workbook has no data rows"))
            complete = True
        finally:
            if complete:
                self.close()

    def _sheet_rows(self, sheet, name, sink) -> Iterator[Row]:
        pairs, blank, width = self._layout[name]
        by_index = dict(pairs)
        empty = dict.fromkeys(by_index.values(), "")
        noted: set[int] = set()
        cap = self.max_cell_chars
        formats: dict[str, bool] = {}
        for number, cells in _sheet_cells(sheet):
            self.position += 1
            values = dict(empty)
            filled = False
            for index, value, cell in cells:
                if value is None:
                    continue
                if isinstance(value, str):
                    value = value.strip()
                    if not value:
                        continue
                    if len(value) > cap:
                        sink.error(
                            number,
                            qualify(name, column_letter(index)),
                            _("this cell holds %(size)s characters; the limit is %(max)s")
                            % {"size": len(value), "max": cap},
                        )
                        continue
                elif isinstance(value, float):
                    if value.is_integer() and abs(value) < 2**53:
                        value = int(value)
                elif isinstance(value, datetime) and value.time() == _MIDNIGHT:
                    # a date, or a date-time at midnight? The cell's number format says.
                    style = cell.number_format
                    if style not in formats:
                        formats[style] = _format_has_time(style)
                    if not formats[style]:
                        value = value.date()
                key = by_index.get(index)
                if key is None:
                    if index not in noted and (index in blank or index >= width):
                        noted.add(index)
                        letter = column_letter(index)
                        sink.error(
                            number,
                            qualify(name, letter),
                            _("column %(letter)s of sheet “%(sheet)s” has data but no header")
                            % {"letter": letter, "sheet": name},
                        )
                    continue
                values[key] = value
                filled = True
            if filled:
                yield Row(number, values, name)


def _sheet_cells(sheet) -> Iterator[tuple[int, Iterator[tuple[int, object, object]]]]:
    """(row number, (0-based column, value, cell)) for each row after the header."""
    sheet.reset_dimensions()  # a writer's wrong <dimension> must not cut rows or columns
    for number, row in enumerate(sheet.iter_rows(min_row=2), start=2):
        yield number, ((i, cell.value, cell) for i, cell in enumerate(row))


# --- JSON and JSON lines -----------------------------------------------------------------------


def _kind(value) -> str:
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, int | float | Decimal):
        return _("a number")
    if isinstance(value, str):
        return _("a text")
    if value is None:
        return _("null")
    if isinstance(value, list):
        return _("a list")
    return _("an object")


def _not_an_object(number: int, what: str, sink: ErrorSink) -> None:
    sink.error(
        number,
        None,
        _("row %(n)s is %(what)s, not an object with one value per column")
        % {"n": number, "what": what},
    )


def _nested(number: int, key: str, what: str, sink: ErrorSink) -> None:
    sink.error(
        number,
        key,
        _("the cell holds %(what)s; give a single value (text, number, true/false or null)")
        % {"what": what},
    )


def _json_cell(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return value


class _JsonBase(_TextTable):
    def _first_columns(self, sample_rows: int = 100) -> None:
        """The columns: every key of the first rows (a JSON writer may leave out null keys)."""
        iterator = self._rows(None, CollectingSink())
        columns: dict[str, None] = {}
        try:
            for count, row in enumerate(iterator, start=1):
                columns.update(dict.fromkeys(row.values))
                if count >= sample_rows:
                    break
        finally:
            iterator.close()
        self.columns_by_sheet[None] = list(columns)

    def _object(self, number: int, items: Iterable[tuple[str, object]], sink) -> dict | None:
        values, good = {}, True
        for key, value in items:
            name = key.strip()
            if isinstance(value, dict | list):
                _nested(number, name, _kind(value), sink)
                good = False
                continue
            if not name:
                if value not in (None, ""):
                    sink.error(number, None, _("a value has an empty key"))
                    good = False
                continue
            if name in values:
                sink.error(number, name, _("the key “%(key)s” appears twice") % {"key": name})
                good = False
                continue
            value = _json_cell(value)
            if isinstance(value, str) and len(value) > self.max_cell_chars:
                sink.error(
                    number,
                    name,
                    _("this cell holds %(size)s characters; the limit is %(max)s")
                    % {"size": len(value), "max": self.max_cell_chars},
                )
                good = False
                continue
            values[name] = value
        return values if good else None


@register_reader("json")
class JsonTable(_JsonBase):
    """A JSON list of objects, or an object whose "rows" member is that list, streamed with
    ijson's event parser (no prefixes kept, so a deeply nested value costs no memory)."""

    format = "json"
    label = gettext_lazy("JSON file")

    def open(self) -> None:
        text = self._detect()
        if text is None:
            return
        first = text.lstrip()[:1]
        if first not in ("[", "{"):
            self.refuse(
                _(
                    "not a JSON file: it should hold a list of objects, one per row, and begin "
                    "with “[” (or be an object with a “rows” list, beginning with “{”)"
                )
            )
            return
        self._top = first
        self._first_columns()

    def _source(self, raw):
        raw.seek(self.bom)
        if self.encoding == "utf-8":
            return raw
        return _Recoded(raw, self.encoding)

    def _rows(self, sheet, sink):
        import ijson

        number = number_done = 0
        count = 0
        with self.path.open("rb") as raw:
            events = ijson.basic_parse(self._source(raw), use_float=False)
            try:
                if not self._enter_rows(events, sink):
                    return
                for event, value in events:
                    if event == "end_array":
                        break
                    number += 1
                    if number % 1024 == 0:
                        self.position = raw.tell()
                    if event == "start_map":
                        values = self._object(number, _members(events), sink)
                        number_done = number
                        if values is not None and any(v != "" for v in values.values()):
                            count += 1
                            yield Row(number, values)
                    elif event == "start_array":
                        _skip(events)
                        number_done = number
                        _not_an_object(number, _("a list"), sink)
                    else:
                        number_done = number
                        _not_an_object(number, _kind(value), sink)
            except ijson.JSONError as exc:
                detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                sink.error(
                    number if number > number_done else number + 1,
                    None,
                    _("the JSON file is not valid JSON here (%(err)s)") % {"err": detail},
                )
                return
            except UnicodeDecodeError:
                sink.error(
                    number + 1,
                    None,
                    _("the JSON file is not valid %(encoding)s here")
                    % {"encoding": self.encoding_label},
                )
                return
        if not count and not sink.errors:
            sink.error(None, None, _("the JSON file has no rows"))

    def _enter_rows(self, events, sink) -> bool:
        event, _value = next(events)
        if event == "start_array":
            return True
        for event, value in events:
            if event == "map_key":
                kind, _inner = next(events)
                if value != "rows":
                    if kind in ("start_map", "start_array"):
                        _skip(events)
                    continue
                if kind == "start_array":
                    return True
                sink.error(None, "rows", _("“rows” should be a list of objects, one per row"))
                return False
            if event == "end_map":
                break
        sink.error(
            None,
            None,
            _("the JSON file is an object without a “rows” list; give a list of objects"),
        )
        return False


class _Recoded:
    """A UTF-16/32 or 8-bit file read as UTF-8 bytes, for ijson (only ``read`` is offered, so
    ijson cannot bypass the recoding)."""

    def __init__(self, raw, codec: str):
        self._raw = raw
        self._decoder = codecs.getincrementaldecoder(codec)()

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson asks for nothing to learn whether the file gives bytes
            return b""
        while True:
            chunk = self._raw.read(size if size and size > 0 else _CHUNK_BYTES)
            text = self._decoder.decode(chunk, not chunk)
            if text or not chunk:
                return text.encode("utf-8")


_OPENERS = ("start_map", "start_array")
_CLOSERS = ("end_map", "end_array")


def _skip(events) -> None:
    """Consume the rest of a value whose start event was just read."""
    depth = 1
    for event, _value in events:
        if event in _OPENERS:
            depth += 1
        elif event in _CLOSERS:
            depth -= 1
            if not depth:
                return


def _members(events) -> Iterator[tuple[str, object]]:
    """The (key, value) pairs of an object whose start_map was just read; nested values are
    skipped and stand as an empty dict or list, for the caller to report."""
    key = None
    for event, value in events:
        if event == "map_key":
            key = value
        elif event == "end_map":
            return
        elif event == "start_map":
            _skip(events)
            yield key, {}
        elif event == "start_array":
            _skip(events)
            yield key, []
        else:
            yield key, value


@register_reader("jsonl", "ndjson")
class JsonLinesTable(_JsonBase):
    """One JSON object per line; the row number is the line number."""

    format = "jsonl"
    label = gettext_lazy("JSON lines file")

    def open(self) -> None:
        if self._detect() is None:
            return
        self._first_columns()

    def _rows(self, sheet, sink):
        loads = json.loads
        count = 0
        number = 0
        with self.path.open("rb") as raw:
            try:
                for number, line in enumerate(self._text_lines(raw), start=1):  # noqa: B007
                    line = line.strip()
                    if not line:
                        continue
                    try:
                        data = loads(line, parse_float=Decimal)
                    except RecursionError:
                        sink.error(number, None, _("this line is nested too deeply to be a row"))
                        continue
                    except ValueError as exc:
                        sink.error(
                            number,
                            None,
                            _("this line is not valid JSON (%(err)s)")
                            % {"err": getattr(exc, "msg", str(exc))},
                        )
                        continue
                    if not isinstance(data, dict):
                        _not_an_object(number, _kind(data), sink)
                        continue
                    values = self._object(number, data.items(), sink)
                    if values is not None and any(v != "" for v in values.values()):
                        count += 1
                        yield Row(number, values)
            except _Undecodable as exc:
                self._undecodable(exc, sink)
                return
        if not count and not sink.errors:
            sink.error(None, None, _("the JSON lines file has no rows"))
