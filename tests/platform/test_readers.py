"""The streaming readers on real files written into tmp_path: what a person importing sees —
the values, the row numbers, what was detected, and every error with its row and column."""

import tracemalloc
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook

from palermo.platform.imports import ImportReport
from palermo.platform.readers import (
    CollectingSink,
    Row,
    Table,
    column_letter,
    detect_encoding,
    open_table,
)


def read(path, **options):
    sink = CollectingSink()
    table = open_table(path, report=sink, **options)
    rows = list(table)
    return table, rows, sink


def write(tmp_path, name, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return path


PAYMENTS = "name,amount,city\nÉlise Dupré,12.50,Zürich\nJosé,7,São Paulo\n"


# --- CSV: encodings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "prefix", "label"),
    [
        ("utf-8", b"", "UTF-8"),
        ("utf-8", b"\xef\xbb\xbf", "UTF-8 (with BOM)"),
        ("utf-16-le", b"\xff\xfe", "UTF-16 LE (with BOM)"),
        ("utf-16-be", b"\xfe\xff", "UTF-16 BE (with BOM)"),
        ("utf-16-le", b"", "UTF-16 LE"),
        ("utf-16-be", b"", "UTF-16 BE"),
        ("latin-1", b"", "Latin-1 (ISO 8859-1)"),
    ],
)
def test_csv_encodings_are_detected_and_reported(tmp_path, encoding, prefix, label):
    path = write(tmp_path, "payments.csv", prefix + PAYMENTS.encode(encoding))
    table, rows, sink = read(path)
    assert sink.errors == []
    assert table.encoding_label == label
    assert table.describe()["encoding"] == label
    assert table.columns == ["name", "amount", "city"]
    assert [(r.number, r.values) for r in rows] == [
        (2, {"name": "Élise Dupré", "amount": "12.50", "city": "Zürich"}),
        (3, {"name": "José", "amount": "7", "city": "São Paulo"}),
    ]


def test_windows_1252_is_chosen_when_its_own_characters_are_present(tmp_path):
    path = write(tmp_path, "prices.csv", "item,price\nCafé,3 €\n“Quoted”,2\n".encode("cp1252"))
    table, rows, sink = read(path)
    assert table.encoding_label == "Windows-1252"
    assert rows[0].values == {"item": "Café", "price": "3 €"}
    assert rows[1].values["item"] == "“Quoted”"


def test_detection_rules():
    assert detect_encoding("é".encode(), complete=True)[0] == "utf-8"
    assert detect_encoding("é".encode("latin-1"), complete=True)[0] == "latin-1"
    assert detect_encoding("€".encode("cp1252"), complete=True)[0] == "cp1252"
    # a multi-byte character cut by the end of the sample is still UTF-8
    assert detect_encoding("aé".encode()[:-1], complete=False)[0] == "utf-8"
    assert detect_encoding(bytes(range(256)), complete=True) is None


def test_a_non_utf8_byte_beyond_the_sample_is_an_error_at_its_row_and_offset(tmp_path):
    head = "name,amount\n" + "Anna,1\n" * 20000  # 140 KB of ASCII: detected as UTF-8
    path = write(tmp_path, "late.csv", head.encode() + "Zoë,2\nBob,3\n".encode("latin-1"))
    table, rows, sink = read(path)
    assert table.encoding_label == "UTF-8"
    assert len(rows) == 20000  # the rows before the bad byte were read
    offset = len(head.encode()) + 2
    assert sink.errors == [
        (
            20002,
            None,
            f"byte 0xEB at offset {offset} is not valid UTF-8, the encoding of the start of "
            "the file; save the whole file as UTF-8 or name its encoding",
        )
    ]
    # naming the encoding reads it all
    table, rows, sink = read(path, encoding="latin-1")
    assert sink.errors == [] and rows[-2].values == {"name": "Zoë", "amount": "2"}
    table, rows, sink = read(path, encoding="klingon")
    assert sink.errors == [(None, None, "“klingon” is not an encoding Palermo knows")]


# --- CSV: delimiters, shape ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("name;amount\nAnna;1,5\nBob;2\n", ";"),
        ("name\tamount\nAnna\t1,5\nBob\t2\n", "\t"),
        ("name|amount\nAnna|1,5\nBob|2\n", "|"),
        ('name,amount\nAnna,"1,5"\nBob,2\n', ","),
    ],
)
def test_delimiter_is_detected(tmp_path, text, delimiter):
    table, rows, sink = read(write(tmp_path, "d.csv", text.encode()))
    assert table.delimiter == delimiter
    assert rows[0].values == {"name": "Anna", "amount": "1,5"}
    assert sink.errors == []


def test_a_single_column_file_is_one_column(tmp_path):
    table, rows, sink = read(write(tmp_path, "one.csv", b"name\nAnna\nBob\n"))
    assert table.columns == ["name"] and [r.values["name"] for r in rows] == ["Anna", "Bob"]


def test_row_numbers_are_physical_lines_even_with_multiline_cells(tmp_path):
    text = 'name,note\nAnna,"line one\nline two\nline three"\n\nBob,plain\n'
    table, rows, sink = read(write(tmp_path, "notes.csv", text.encode()))
    assert [(r.number, r.values["name"]) for r in rows] == [(2, "Anna"), (6, "Bob")]
    assert rows[0].values["note"] == "line one\nline two\nline three"


def test_old_mac_line_endings(tmp_path):
    table, rows, sink = read(write(tmp_path, "mac.csv", b"a,b\r1,2\r3,4\r"))
    assert [(r.number, r.values) for r in rows] == [
        (2, {"a": "1", "b": "2"}),
        (3, {"a": "3", "b": "4"}),
    ]


def test_formula_looking_cells_are_text(tmp_path):
    table, rows, sink = read(write(tmp_path, "f.csv", b'name,total\n=cmd|"/c calc"!A1,=1+1\n'))
    assert rows[0].values == {"name": '=cmd|"/c calc"!A1', "total": "=1+1"}


def test_a_one_megabyte_cell_is_read(tmp_path):
    big = "x" * 1_000_000
    table, rows, sink = read(write(tmp_path, "big.csv", f"id,text\n1,{big}\n2,short\n".encode()))
    assert sink.errors == []
    assert len(rows[0].values["text"]) == 1_000_000 and rows[1].values["text"] == "short"


def test_a_cell_over_the_cap_is_an_error_at_its_row_and_column(tmp_path):
    path = write(tmp_path, "cap.csv", ("id,text\n1,ok\n2," + "y" * 1500 + "\n3,ok\n").encode())
    table, rows, sink = read(path, max_cell_chars=1000)
    assert sink.errors == [(3, "text", "this cell holds 1500 characters; the limit is 1000")]
    assert [r.number for r in rows] == [2, 4]


def test_duplicate_headers_name_the_column_and_both_positions(tmp_path):
    table, rows, sink = read(write(tmp_path, "dup.csv", b"name, amount ,name\nA,1,B\n"))
    assert sink.errors == [
        (
            1,
            "name",
            "column “name” appears twice in the header (column 1 and column 3); rename one of them",
        )
    ]
    assert table.columns == ["name", "amount"]  # headers are stripped


def test_data_under_an_empty_header_is_an_error_naming_the_position(tmp_path):
    table, rows, sink = read(write(tmp_path, "blank.csv", b"name,,amount\nA,,1\nB,x,2\nC,y,3\n"))
    assert sink.errors == [(3, "column 2", "column 2 has data but no header")]


def test_rows_with_more_cells_than_the_header_are_errors(tmp_path):
    table, rows, sink = read(write(tmp_path, "wide.csv", b"name,amount\nA,1\nB,1,000\nC,2,,\n"))
    assert sink.errors == [
        (3, None, "this row has 3 cells but the header has 2; a cell holds an unquoted “,”?")
    ]
    assert [r.values for r in rows] == [{"name": "A", "amount": "1"}, {"name": "C", "amount": "2"}]


def test_header_without_rows_and_empty_file(tmp_path):
    assert read(write(tmp_path, "h.csv", b"name,amount\n\n"))[2].errors == [
        (None, None, "the CSV file has a header row but no data rows")
    ]
    table, rows, sink = read(write(tmp_path, "empty.csv", b""))
    assert not table.ok and sink.errors == [(None, None, "the CSV file is empty")]


def test_binary_renamed_csv_is_refused(tmp_path):
    table, rows, sink = read(write(tmp_path, "photo.csv", bytes(range(256)) * 40))
    assert not table.ok and rows == []
    assert sink.errors == [
        (
            None,
            None,
            "this file holds binary data, not text: it cannot be a CSV file (was another kind "
            "of file renamed?)",
        )
    ]
    zipped = tmp_path / "book.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("a.txt", "hello")
    table, rows, sink = read(write(tmp_path, "book.csv", zipped.read_bytes()))
    assert "a ZIP archive (an XLSX workbook?), not a CSV file" in sink.errors[0][2]


def test_reading_is_lazy_and_memory_stays_small(tmp_path):
    path = tmp_path / "many.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("reference,date,amount,payer\n")
        for i in range(200_000):
            out.write(f"PAY-{i:07d},05/03/2024,{i}.50,Payer number {i}\n")
    sink = CollectingSink()
    table = open_table(path, report=sink)
    rows = iter(table)
    first = next(rows)
    assert first.number == 2
    assert table.position < table.size / 4  # only the first chunk was read
    tracemalloc.start()
    count = 1 + sum(1 for _row in rows)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 200_000 and sink.errors == []
    assert table.size > 9_000_000
    assert peak < 8_000_000  # a list of the rows would need well over 100 MB


# --- XLSX ------------------------------------------------------------------------------------


def workbook(tmp_path, name="book.xlsx", sheets=None):
    book = Workbook()
    book.remove(book.active)
    for title, rows in (sheets or {}).items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def test_xlsx_every_sheet_with_types_kept(tmp_path):
    path = workbook(
        tmp_path,
        sheets={
            "calls": [
                ["caller", "started", "day", "duration", "rate", "flag"],
                ["+331", datetime(2024, 3, 5, 14, 37, 9), date(2024, 3, 5), 42, 2.5, True],
            ],
            "notes": [["note"], ["first"], [None], ["third"]],
        },
    )
    table, rows, sink = read(path)
    assert sink.errors == [] and table.sheets == ["calls", "notes"]
    assert table.columns_by_sheet == {
        "calls": ["caller", "started", "day", "duration", "rate", "flag"],
        "notes": ["note"],
    }
    call = rows[0]
    assert (call.sheet, call.number) == ("calls", 2)
    assert call.values == {
        "caller": "+331",
        "started": datetime(2024, 3, 5, 14, 37, 9),
        "day": date(2024, 3, 5),
        "duration": 42,
        "rate": 2.5,
        "flag": True,
    }
    assert type(call.values["duration"]) is int and type(call.values["day"]) is date
    assert [(r.sheet, r.number, r.values) for r in rows[1:]] == [
        ("notes", 2, {"note": "first"}),
        ("notes", 4, {"note": "third"}),
    ]


def test_xlsx_declared_sheets_only_and_a_missing_one(tmp_path):
    path = workbook(
        tmp_path,
        sheets={
            "survey": [["type", "name"], ["text", "q1"]],
            "choices": [["list_name", "name"], ["yn", "yes"]],
            "notes": [["x"], ["ignored"]],
        },
    )
    table, rows, sink = read(path, sheets=["survey", "choices"], optional_sheets=["settings"])
    assert sink.errors == [] and table.sheets == ["survey", "choices"]
    assert [r.sheet for r in rows] == ["survey", "choices"]
    assert [r.values for r in table.rows("choices")] == [{"list_name": "yn", "name": "yes"}]
    table, rows, sink = read(path, sheets=["survey", "settings"])
    assert sink.errors == [
        (
            None,
            "settings",
            "the workbook has no sheet “settings” (its sheets: “survey”, “choices”, “notes”)",
        )
    ]


def test_xlsx_formulas_are_never_evaluated(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "data"
    sheet.append(["label", "total"])
    sheet.append(['=HYPERLINK("http://x")', "=1+1"])
    sheet["A2"].data_type = "s"  # typed as text in Excel: it stays text
    path = tmp_path / "formulas.xlsx"
    book.save(path)
    table, rows, sink = read(path)
    # a real formula gives the value Excel saved; never calculated here, so none
    assert rows[0].values == {"label": '=HYPERLINK("http://x")', "total": ""}


def test_xlsx_header_problems_name_sheet_and_letter(tmp_path):
    path = workbook(
        tmp_path,
        sheets={"data": [["name", "amount", None, "name"], ["A", 1, "stray", "B"], ["C", 2]]},
    )
    table, rows, sink = read(path)
    assert sink.errors == [
        (1, "data!name", "column “name” appears twice in the header (A and D); rename one of them"),
        (2, "data!C", "column C of sheet “data” has data but no header"),
    ]
    assert column_letter(0) == "A" and column_letter(27) == "AB"


def test_xlsx_sheet_without_data_rows(tmp_path):
    path = workbook(tmp_path, sheets={"payments": [["name", "amount"]]})
    assert read(path)[2].errors == [(None, "payments", "sheet “payments” has no data rows")]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            b"name,amount\nA,1\n",
            "it is not a ZIP archive, as every XLSX file is (a CSV file renamed?)",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
            "it is an Excel 97–2003 (.xls) workbook",
        ),
    ],
)
def test_broken_xlsx_is_refused(tmp_path, content, reason):
    table, rows, sink = read(write(tmp_path, "broken.xlsx", content))
    assert not table.ok and rows == []
    assert sink.errors[0][2].startswith("not a readable XLSX workbook: " + reason)


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "other.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    table, rows, sink = read(path)
    assert not table.ok and sink.errors[0][2].startswith("not a readable XLSX workbook (")


# --- JSON and JSON lines -------------------------------------------------------------------------


def test_json_list_and_rows_object(tmp_path):
    text = '[{"name": " Anna ", "amount": 12.50, "count": 3, "paid": true, "note": null}]'
    table, rows, sink = read(write(tmp_path, "a.json", text.encode()))
    assert sink.errors == [] and table.format == "json" and table.columns[0] == "name"
    assert rows == [
        Row(1, {"name": "Anna", "amount": Decimal("12.50"), "count": 3, "paid": True, "note": ""})
    ]
    text = '{"source": {"deep": [1, [2]]}, "rows": [{"a": 1}, {"a": 2}]}'
    table, rows, sink = read(write(tmp_path, "b.json", text.encode()))
    assert [r.values for r in rows] == [{"a": 1}, {"a": 2}]


def test_json_rows_that_are_not_objects_and_nested_cells(tmp_path):
    text = '[{"a": 1}, 7, ["x"], {"a": {"b": 1}}, {"a": [1, 2]}, {"a": 2}]'
    table, rows, sink = read(write(tmp_path, "c.json", text.encode()))
    assert [r.number for r in rows] == [1, 6]
    assert sink.errors == [
        (2, None, "row 2 is a number, not an object with one value per column"),
        (3, None, "row 3 is a list, not an object with one value per column"),
        (
            4,
            "a",
            "the cell holds an object; give a single value (text, number, true/false or null)",
        ),
        (5, "a", "the cell holds a list; give a single value (text, number, true/false or null)"),
    ]


def test_json_nested_100000_deep_is_a_clear_error(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    text = f'[{{"a": 1}}, {{"a": {deep}}}, {deep}, {{"a": 3}}]'
    table, rows, sink = read(write(tmp_path, "deep.json", text.encode()))
    assert [r.number for r in rows] == [1, 4]
    assert sink.errors == [
        (2, "a", "the cell holds a list; give a single value (text, number, true/false or null)"),
        (3, None, "row 3 is a list, not an object with one value per column"),
    ]


def test_json_problems_are_spoken_of_as_json(tmp_path):
    assert read(write(tmp_path, "e.json", b"[]"))[2].errors == [
        (None, None, "the JSON file has no rows")
    ]
    assert read(write(tmp_path, "f.json", b'{"meta": 1}'))[2].errors == [
        (None, None, "the JSON file is an object without a “rows” list; give a list of objects")
    ]
    table, rows, sink = read(write(tmp_path, "g.json", b"name,amount\nA,1\n"))
    assert not table.ok and sink.errors[0][2].startswith("not a JSON file")
    table, rows, sink = read(write(tmp_path, "h.json", b'[{"a": 1}, {"a": 2,, }]'))
    assert [r.number for r in rows] == [1]
    assert sink.errors[0][:2] == (2, None)
    assert sink.errors[0][2].startswith("the JSON file is not valid JSON here (")


def test_json_in_utf16(tmp_path):
    path = write(tmp_path, "w.json", '[{"name": "Zoë"}]'.encode("utf-16"))
    assert read(path)[1] == [Row(1, {"name": "Zoë"})]


def test_json_lines(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    text = f'{{"a": 1}}\n\n{{"a": 2.5, "b": "x"}}\n[1]\n{deep}\n{{bad\n{{"a": {{"n": 1}}}}\n'
    table, rows, sink = read(write(tmp_path, "calls.jsonl", text.encode()))
    assert table.format == "jsonl" and table.columns == ["a", "b"]  # keys of the first rows
    assert [(r.number, r.values) for r in rows] == [
        (1, {"a": 1}),
        (3, {"a": Decimal("2.5"), "b": "x"}),
    ]
    assert sink.errors == [
        (4, None, "row 4 is a list, not an object with one value per column"),
        (5, None, "this line is nested too deeply to be a row"),
        (
            6,
            None,
            "this line is not valid JSON (Expecting property name enclosed in double quotes)",
        ),
        (
            7,
            "a",
            "the cell holds an object; give a single value (text, number, true/false or null)",
        ),
    ]
    assert read(write(tmp_path, "none.ndjson", b"\n\n"))[2].errors == [
        (None, None, "the JSON lines file has no rows")
    ]


# --- choosing a reader ---------------------------------------------------------------------------


def test_unsupported_or_refused_suffix(tmp_path):
    path = write(tmp_path, "upload-123", b"a,b\n1,2\n")
    table, rows, sink = read(path, name="report.pdf")
    assert sink.errors == [
        (
            None,
            None,
            "unsupported file type “.pdf”: use .csv, .json, .jsonl, .ndjson, .tsv, .xlsm, .xlsx",
        )
    ]
    table, rows, sink = read(path, name="data.csv", formats=["xlsx"])
    assert sink.errors == [(None, None, "unsupported file type “.csv”: use .xlsx")]
    table, rows, sink = read(path, name="data.csv")  # the person's name chooses the reader
    assert rows == [Row(2, {"a": "1", "b": "2"})]


def test_an_importer_can_bring_its_own_reader(tmp_path):
    class KeyValueTable(Table):
        format = "kv"
        label = "key-value file"

        def open(self):
            self.columns_by_sheet[None] = ["key", "value"]

        def _rows(self, sheet, sink):
            with self.path.open(encoding="utf-8") as lines:
                for number, line in enumerate(lines, start=1):
                    key, _sep, value = line.strip().partition("=")
                    if not _sep:
                        sink.error(number, None, "no “=” on this line")
                        continue
                    yield Row(number, {"key": key, "value": value})

    path = write(tmp_path, "settings.kv", b"a=1\nbroken\nb=2\n")
    table, rows, sink = read(path, readers={"kv": KeyValueTable})
    assert [r.values["key"] for r in rows] == ["a", "b"]
    assert sink.errors == [(2, None, "no “=” on this line")]


def test_errors_reach_the_import_report_with_file_row_and_field(tmp_path):
    path = write(tmp_path, "dup.csv", b"name,name\nA,B\n")
    report = ImportReport(importer="test", file="dup.csv")
    table = open_table(path, report=report)
    list(table)
    assert [str(e) for e in report.errors] == [
        "dup.csv, row 1, field “name”: column “name” appears twice in the header (column 1 "
        "and column 2); rename one of them"
    ]


def test_head_reads_only_the_first_rows(tmp_path):
    path = write(tmp_path, "h.csv", b"a\n" + b"x\n" * 1000)
    table = open_table(path, report=CollectingSink())
    assert [r.number for r in table.head(3)] == [2, 3, 4]


def test_a_file_name_without_suffix(tmp_path):
    table, rows, sink = read(write(tmp_path, "payments", b"a\n1\n"), formats=["csv", "xlsx"])
    assert sink.errors == [
        (None, None, "the file name has no suffix to say its type: use .csv, .xlsx")
    ]


def test_a_cell_over_a_large_cap_is_found_among_many_rows(tmp_path):
    rows_before = "".join(f"{i},short\n" for i in range(30_000))
    text = "id,text\n" + rows_before + "x," + "z" * 700_000 + "\n" + "last,ok\n"
    path = write(tmp_path, "large.csv", text.encode())
    table, rows, sink = read(path, max_cell_chars=600_000)
    assert sink.errors == [
        (30_002, "text", "this cell holds 700000 characters; the limit is 600000")
    ]
    assert rows[-1].values == {"id": "last", "text": "ok"}


def test_xlsx_a_call_at_midnight_keeps_its_time_and_a_time_is_a_time(tmp_path):
    from datetime import time

    path = workbook(
        tmp_path,
        sheets={"calls": [["started", "at"], [datetime(2024, 3, 5, 0, 0, 0), time(14, 37, 9)]]},
    )
    table, rows, sink = read(path)
    assert rows[0].values == {"started": datetime(2024, 3, 5, 0, 0), "at": time(14, 37, 9)}
    assert type(rows[0].values["started"]) is datetime


def test_no_data_rows_is_not_said_of_rows_refused_for_another_reason(tmp_path):
    table, rows, sink = read(write(tmp_path, "w.csv", b"a\n1,2\n3,4\n"))
    assert [e[0] for e in sink.errors] == [2, 3]
    table, rows, sink = read(write(tmp_path, "n.json", b"[1, 2]"))
    assert [e[0] for e in sink.errors] == [1, 2]
