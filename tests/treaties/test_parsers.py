"""Tests for palermo.treaties.parsers (pure Python; run with -p no:django).

Real facts come from the CSV excerpts in shared/data/treaties/ (see SOURCES.md there).
The HTML fixtures in tests/treaties/data/ are reconstructed from the rows of
untoc_parties_untc_excerpt_2024-05-04.csv; inline HTML snippets below use obviously made-up
participant names ("Example State ...") and exist only to exercise markup and suffix handling.
"""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest

from palermo.treaties.parsers import (
    CONSENT_KINDS,
    CSV_COLUMNS,
    KINDS,
    ParsedAction,
    ParseError,
    detect_and_parse,
    parse_palermo_csv,
    parse_untc_date_cell,
    parse_untc_html,
    split_footnotes,
)

# Copies of shared/data/treaties, shipped with the package.
SHARED = Path(__file__).resolve().parents[2] / "src/palermo/treaties/data"
DATA = Path(__file__).parent / "data"

UNTC_CSV = SHARED / "untoc_parties_untc_excerpt_2024-05-04.csv"
NL_CSV = SHARED / "untoc_parties_nl_trb2007-70_excerpt.csv"
PACLII_CSV = SHARED / "tip_protocol_parties_paclii_2008_excerpt.csv"
WHATCONV_CSV = SHARED / "tip_protocol_parties_whatconvention_excerpt.csv"
COUNTS_CSV = SHARED / "untoc_instruments_status_counts.csv"
UNTC_HTML = DATA / "untc_xviii-12_excerpt_2024-05-04.html"

CONSENT_HEADER = "Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)"
GRID_ID = "ctl00_ctl00_ContentPlaceHolder1_ContentPlaceHolderInnerPage_tblgrid"


def parse_file(path: Path):
    return parse_palermo_csv(path.read_text(encoding="utf-8"))


def by_participant(actions: list[ParsedAction]) -> dict[str, list[ParsedAction]]:
    out: dict[str, list[ParsedAction]] = {}
    for action in actions:
        out.setdefault(action.participant, []).append(action)
    return out


def facts(actions):
    return {(a.participant, a.kind, a.date) for a in actions}


def error_keys(result):
    return [(e.row, e.field) for e in result.errors]


def grid(rows: str, consent_header: str = CONSENT_HEADER, sig_header: str = "Signature") -> str:
    return (
        f'<html><body><table id="{GRID_ID}">'
        f"<tr><td>Participant</td><td>{sig_header}</td><td>{consent_header}</td></tr>"
        f"{rows}</table></body></html>"
    )


# ----------------------------------------------------------------------------- real CSV files


def test_untc_csv_parses_without_errors_and_counts_actions():
    result = parse_file(UNTC_CSV)
    assert result.errors == []
    assert result.meta["data_rows"] == 18
    # 18 deposits; Bahrain, Bangladesh and Belize have no signature.
    assert sum(a.kind == "signature" for a in result.actions) == 15
    assert sum(a.kind in CONSENT_KINDS for a in result.actions) == 18
    assert result.meta["instrument"] == (
        "United Nations Convention against Transnational Organized Crime (UNTC XVIII-12)"
    )


def test_untc_csv_bahrain_accession_with_spreadsheet_row_number():
    bahrain = by_participant(parse_file(UNTC_CSV).actions)["Bahrain"]
    assert bahrain == [
        ParsedAction(
            row=14,
            participant="Bahrain",
            kind="accession",
            date=date(2004, 6, 7),
            source_text="accession",
            instrument="United Nations Convention against Transnational Organized Crime "
            "(UNTC XVIII-12)",
        )
    ]


def test_untc_csv_andorra_signature_and_ratification_on_row_5():
    andorra = by_participant(parse_file(UNTC_CSV).actions)["Andorra"]
    assert [(a.row, a.kind, a.date) for a in andorra] == [
        (5, "signature", date(2001, 11, 11)),
        (5, "ratification", date(2011, 9, 22)),
    ]
    assert andorra[0].source_text == "2001-11-11"


def test_untc_csv_first_and_last_rows():
    actions = parse_file(UNTC_CSV).actions
    assert (actions[0].row, actions[0].participant) == (2, "Afghanistan")
    assert (actions[-1].row, actions[-1].participant, actions[-1].kind) == (
        19,
        "Belize",
        "accession",
    )


def test_nl_csv_signature_only_rows_give_a_signature_only():
    result = parse_file(NL_CSV)
    assert result.errors == []
    groups = by_participant(result.actions)
    signature_only = ["Andorra", "Angola", "Bahamas", "Barbados", "Burundi", "Congo", "Cuba"]
    for name in signature_only:
        assert [a.kind for a in groups[name]] == ["signature"], name
    andorra = groups["Andorra"][0]
    assert (andorra.row, andorra.date) == (5, date(2001, 11, 11))
    assert sum(a.kind == "signature" for a in result.actions) == 35
    assert sum(a.kind in CONSENT_KINDS for a in result.actions) == 35


def test_nl_csv_codes_r_and_t_map_to_ratification_and_accession_keeping_raw_text():
    groups = by_participant(parse_file(NL_CSV).actions)
    afghanistan = groups["Afghanistan"][1]
    assert (afghanistan.row, afghanistan.kind, afghanistan.date) == (
        2,
        "ratification",
        date(2003, 9, 24),
    )
    assert afghanistan.source_text == "ratification/acceptance/approval (NL code R)"
    bahrain = groups["Bahrain"]
    assert [(a.row, a.kind, a.date) for a in bahrain] == [(13, "accession", date(2004, 6, 7))]
    assert bahrain[0].source_text == "accession (NL code T, toetreding)"


def test_untoc_files_agree_on_signature_dates_of_common_participants():
    # SOURCES.md: 16 participants are in both UNTOC files and all signature dates agree.
    untc = {a.participant: a.date for a in parse_file(UNTC_CSV).actions if a.kind == "signature"}
    nl = {a.participant: a.date for a in parse_file(NL_CSV).actions if a.kind == "signature"}
    untc_all = {a.participant for a in parse_file(UNTC_CSV).actions}
    nl_all = {a.participant for a in parse_file(NL_CSV).actions}
    assert len(untc_all & nl_all) == 16
    common_signers = untc.keys() & nl.keys()
    assert common_signers and all(untc[p] == nl[p] for p in common_signers)


def test_paclii_csv_kiribati_accession_and_nauru_signature_only():
    result = parse_file(PACLII_CSV)
    assert result.errors == []
    groups = by_participant(result.actions)
    assert [(a.row, a.kind, a.date) for a in groups["Kiribati"]] == [
        (2, "accession", date(2005, 9, 15))
    ]
    assert [(a.row, a.kind, a.date) for a in groups["Nauru"]] == [
        (3, "signature", date(2001, 11, 12))
    ]


def test_whatconvention_csv_gives_consent_unspecified_never_a_guess():
    result = parse_file(WHATCONV_CSV)
    assert result.errors == []
    assert len(result.actions) == 15
    assert {a.kind for a in result.actions} == {"consent_unspecified"}
    myanmar = by_participant(result.actions)["Myanmar"][0]
    assert (myanmar.row, myanmar.date) == (16, date(2004, 3, 30))
    assert myanmar.source_text.startswith("not stated by source")


def test_counts_csv_is_rejected_for_missing_columns_on_row_1():
    result = parse_file(COUNTS_CSV)
    assert result.actions == []
    assert error_keys(result) == [
        (1, "participant"),
        (1, "signature_date"),
        (1, "deposit_date"),
        (1, "action_type"),
    ]


def test_every_emitted_kind_is_in_kinds():
    kinds = set()
    for path in (UNTC_CSV, NL_CSV, PACLII_CSV, WHATCONV_CSV):
        kinds |= {a.kind for a in parse_file(path).actions}
    kinds |= {a.kind for a in parse_untc_html(UNTC_HTML.read_text()).actions}
    assert kinds <= KINDS
    assert set(KINDS) == {
        "signature",
        "ratification",
        "acceptance",
        "approval",
        "accession",
        "succession",
        "formal_confirmation",
        "consent_unspecified",
    }


# ----------------------------------------------------------------------------- CSV errors


def test_bad_csv_collects_every_error_with_row_and_field():
    result = parse_file(DATA / "bad_rows.csv")
    assert error_keys(result) == [
        (3, "participant"),  # empty participant
        (4, "deposit_date"),  # 07-10-2002 is not ISO
        (5, "signature_date"),  # 2001-11-31 does not exist
        (6, "deposit_date"),  # deposit before signature
        (7, "action_type"),  # unknown action_type
        (8, "deposit_date"),  # Afghanistan again, with a second deposit
        (9, "deposit_date"),  # no signature and no deposit
        (10, "deposit_date"),  # "signature only" with a deposit date
        (11, "deposit_date"),  # "ratification" without a deposit date
        (14, None),  # one value too many
    ]
    # Only the clean rows (2 Afghanistan, 12 Azerbaijan's TIP row: one file may hold several
    # instruments, 13 Bahamas) produce actions.
    assert sorted({a.row for a in result.actions}) == [2, 12, 13]
    assert result.meta["instruments"] == [
        "United Nations Convention against Transnational Organized Crime (UNTC XVIII-12)",
        "Protocol to Prevent, Suppress and Punish Trafficking in Persons (UNTC XVIII-12-a)",
    ]


def test_bad_csv_messages_speak_plainly():
    messages = {(e.row, e.field): e.message for e in parse_file(DATA / "bad_rows.csv").errors}
    assert messages[(4, "deposit_date")] == (
        'deposit_date "07-10-2002" is not a date (expected YYYY-MM-DD)'
    )
    assert "2001-11-31" in messages[(5, "signature_date")]
    assert "before signature_date 2000-12-13" in messages[(6, "deposit_date")]
    assert '"ratified by parliament"' in messages[(7, "action_type")]
    assert "already has a deposit" in messages[(8, "deposit_date")]
    assert "row 2" in messages[(8, "deposit_date")]
    assert "signature only" in messages[(10, "deposit_date")]


def test_missing_column_file_names_the_column_on_row_1():
    result = parse_file(DATA / "missing_column.csv")
    assert result.errors == [
        ParseError(
            1,
            "action_type",
            'The header row has no "action_type" column (required columns: instrument, '
            "participant, signature_date, deposit_date, action_type).",
        )
    ]
    assert result.actions == []


@pytest.mark.parametrize(
    ("action_type", "kind"),
    [
        ("ratification", "ratification"),
        ("Acceptance", "acceptance"),
        ("approval", "approval"),
        ("accession (NL code T, toetreding)", "accession"),
        ("succession", "succession"),
        ("formal confirmation", "formal_confirmation"),
        ("ratification/acceptance/approval (NL code R)", "ratification"),
        (
            "not stated by source (listed under 'Ratification date'; no signature)",
            "consent_unspecified",
        ),
    ],
)
def test_csv_action_type_leading_word_gives_kind(action_type, kind):
    text = (
        "instrument,participant,signature_date,deposit_date,action_type\n"
        f'UNTOC,Example State,,2004-06-07,"{action_type}"\n'
    )
    result = parse_palermo_csv(text)
    assert result.errors == []
    assert [(a.kind, a.source_text) for a in result.actions] == [(kind, action_type)]


def test_csv_header_only_and_empty_text_are_errors():
    header_only = parse_palermo_csv(
        "instrument,participant,signature_date,deposit_date,action_type\n"
    )
    assert error_keys(header_only) == [(None, None)]
    assert "no data rows" in header_only.errors[0].message
    assert error_keys(parse_palermo_csv("")) == [(None, None)]


def test_csv_blank_lines_are_skipped_but_counted_in_row_numbers():
    text = (
        "instrument,participant,signature_date,deposit_date,action_type\n"
        "\n"
        "UNTOC,Example State,,2004-06-07,accession\n"
    )
    result = parse_palermo_csv(text)
    assert [(a.row, a.kind) for a in result.actions] == [(3, "accession")]


def test_csv_duplicate_detection_ignores_case_and_spacing():
    text = (
        "instrument,participant,signature_date,deposit_date,action_type\n"
        "UNTOC,Example State,,2004-06-07,accession\n"
        "UNTOC,example  state,,2004-06-08,accession\n"
    )
    assert error_keys(parse_palermo_csv(text)) == [(3, "deposit_date")]


# ----------------------------------------------------------------------------- UNTC HTML


def test_untc_html_fixture_matches_the_csv_it_was_built_from():
    html = parse_untc_html(UNTC_HTML.read_text(encoding="utf-8"))
    csv = parse_file(UNTC_CSV)
    assert html.errors == []
    assert len(html.actions) == 33
    assert facts(html.actions) == facts(csv.actions)


def test_untc_html_meta_status_as_at_and_entry_into_force():
    meta = parse_untc_html(UNTC_HTML.read_text(encoding="utf-8")).meta
    assert meta["status_as_at"] == date(2024, 5, 4)
    assert meta["status_as_at_text"] == "04-05-2024 03:15:34 EDT"
    assert meta["entry_into_force"] == date(2003, 9, 29)
    assert meta["entry_into_force_text"] == "29 September 2003, in accordance with article 38."
    assert (meta["signatories"], meta["parties"]) == (147, 192)
    assert meta["mtdsg_no"] == "XVIII-12"
    assert meta["title"] == "United Nations Convention against Transnational Organized Crime"
    assert meta["table_id"] == GRID_ID
    assert meta["columns"] == ["Participant", "Signature", CONSENT_HEADER]


def test_untc_html_row_numbers_count_data_rows_after_header():
    groups = by_participant(parse_untc_html(UNTC_HTML.read_text(encoding="utf-8")).actions)
    assert [(a.row, a.kind, a.date, a.source_text) for a in groups["Bahrain"]] == [
        (13, "accession", date(2004, 6, 7), "7 Jun 2004 a")
    ]
    assert [(a.row, a.kind) for a in groups["Afghanistan"]] == [
        (1, "signature"),
        (1, "ratification"),
    ]
    assert groups["Belize"][0].row == 18


def test_untc_html_strips_superscript_footnote_from_argentina():
    groups = by_participant(parse_untc_html(UNTC_HTML.read_text(encoding="utf-8")).actions)
    assert "Argentina" in groups
    assert all(a.footnotes == ("1",) for a in groups["Argentina"])
    assert groups["Albania"][0].footnotes == ()


def test_untc_html_reads_padded_days_and_nbsp():
    groups = by_participant(parse_untc_html(UNTC_HTML.read_text(encoding="utf-8")).actions)
    # Algeria's ratification cell is "&nbsp;7 Oct 2002" on several indented lines.
    assert groups["Algeria"][1].date == date(2002, 10, 7)
    assert groups["Algeria"][1].source_text == "7 Oct 2002"


@pytest.mark.parametrize(
    ("cell", "kind"),
    [
        ("12 Dec 2000", "ratification"),
        ("24 Jan 2003 A", "acceptance"),
        ("21 May 2004 AA", "approval"),
        ("26 Sep 2003 a", "accession"),
        ("17 Jul 2006 d", "succession"),
        ("8 Sep 2003 c", "formal_confirmation"),
        ("&nbsp;8 Sep 2003\t c", "formal_confirmation"),
    ],
)
def test_untc_html_every_suffix_maps_to_its_kind(cell, kind):
    header = (
        "Ratification, Acceptance(A), Approval(AA), Formal confirmation(c), Accession(a), "
        "Succession(d)"
    )
    result = parse_untc_html(
        grid(
            f"<tr><td>Example State</td><td>&nbsp;</td><td>{cell}</td></tr>", consent_header=header
        )
    )
    assert result.errors == []
    assert [a.kind for a in result.actions] == [kind]


def test_untc_suffix_not_in_column_legend_is_an_error():
    # The XVIII-12 header has no "Formal confirmation(c)", so "c" there is suspicious.
    result = parse_untc_html(grid("<tr><td>Example State</td><td></td><td>8 Sep 2003 c</td></tr>"))
    assert error_keys(result) == [(1, CONSENT_HEADER)]
    assert result.actions == []


def test_untc_succession_to_signature_is_a_signature():
    result = parse_untc_html(
        grid(
            "<tr><td>Example State</td><td>17 Jul 2006 d</td><td></td></tr>",
            sig_header="Signature, Succession to signature(d)",
        )
    )
    assert result.errors == []
    assert [(a.kind, a.source_text) for a in result.actions] == [("signature", "17 Jul 2006 d")]


@pytest.mark.parametrize(
    ("raw", "name", "notes"),
    [
        ("Argentina1", "Argentina", ("1",)),
        ("Argentina 1", "Argentina", ("1",)),
        ("China4,5", "China", ("4", "5")),
        ("North Macedonia 4 ,", "North Macedonia", ("4",)),
        (
            "United Kingdom of Great Britain and Northern Ireland 6 , 18 , 19 ,",
            "United Kingdom of Great Britain and Northern Ireland",
            ("6", "18", "19"),
        ),
        ("European Union", "European Union", ()),
        ("Bolivia (Plurinational State of)", "Bolivia (Plurinational State of)", ()),
        ("\xa0Belize\t", "Belize", ()),
    ],
)
def test_split_footnotes(raw, name, notes):
    assert split_footnotes(raw) == (name, notes)


def test_untc_html_footnote_styles_in_cells():
    rows = (
        "<tr><td>Example State One <sup>1</sup></td><td>12 Dec 2000</td><td>24 Sep 2003</td></tr>"
        "<tr><td>Example State Two4,5</td><td>&nbsp;</td><td>26 Sep 2003\ta</td></tr>"
        "<tr><td>European Union</td><td>12 Dec 2000</td><td>21 May 2004 AA</td></tr>"
    )
    result = parse_untc_html(grid(rows))
    assert result.errors == []
    assert [(a.participant, a.footnotes) for a in result.actions] == [
        ("Example State One", ("1",)),
        ("Example State One", ("1",)),
        ("Example State Two", ("4", "5")),
        ("European Union", ()),
        ("European Union", ()),
    ]


def test_untc_html_bad_rows_file():
    result = parse_untc_html((DATA / "untc_bad_rows.html").read_text(encoding="utf-8"))
    assert error_keys(result) == [(3, CONSENT_HEADER), (4, CONSENT_HEADER)]
    unknown, unreadable = result.errors
    assert '"x"' in unknown.message and "7 Jun 2004 x" in unknown.message
    assert '"11 Aug 200" is not a date' in unreadable.message
    assert {a.participant for a in result.actions} == {"Afghanistan", "Albania", "Belize"}
    assert [a.row for a in result.actions if a.participant == "Belize"] == [5]


def test_untc_html_missing_table_file():
    result = parse_untc_html((DATA / "untc_no_table.html").read_text(encoding="utf-8"))
    assert result.actions == []
    assert error_keys(result) == [(None, None)]
    assert "tblgrid" in result.errors[0].message


def test_untc_html_old_table_id_and_th_header_are_accepted():
    html = (
        '<table id="ctl00_ContentPlaceHolder1_tblgrid"><tr><th>Participant</th><th>Signature</th>'
        f"<th>{CONSENT_HEADER}</th></tr>"
        "<tr><td>Example State</td><td>12 Dec 2000</td><td>24 Sep 2003</td></tr></table>"
    )
    result = parse_untc_html(html)
    assert result.errors == []
    assert [(a.row, a.kind) for a in result.actions] == [(1, "signature"), (1, "ratification")]


def test_untc_html_other_tables_are_ignored():
    html = (
        "<table id='somethingElse'><tr><td>Participant</td></tr>"
        "<tr><td>Example Decoy</td></tr></table>"
        + grid("<tr><td>Example State</td><td></td><td>26 Sep 2003 a</td></tr>")
    )
    assert [a.participant for a in parse_untc_html(html).actions] == ["Example State"]


def test_untc_html_invalid_calendar_date_duplicate_and_empty_row():
    rows = (
        "<tr><td>Example State</td><td>31 Feb 2001</td><td>24 Sep 2003</td></tr>"
        "<tr><td>Example Other</td><td>12 Dec 2000</td><td>24 Sep 2003</td></tr>"
        "<tr><td>Example Other</td><td>12 Dec 2000</td><td>24 Sep 2003</td></tr>"
        "<tr><td>Example Empty</td><td>&nbsp;</td><td>&nbsp;</td></tr>"
        "<tr><td>Example Early</td><td>12 Dec 2000</td><td>1 Jan 1999</td></tr>"
    )
    result = parse_untc_html(grid(rows))
    assert error_keys(result) == [
        (1, "Signature"),
        (3, "Participant"),
        (4, None),
        (5, CONSENT_HEADER),
    ]
    assert "not a real calendar date" in result.errors[0].message


def test_untc_html_unknown_column_and_missing_participant_column():
    html = f'<table id="x_tblgrid"><tr><td>State</td><td>{CONSENT_HEADER}</td></tr></table>'
    result = parse_untc_html(html)
    assert error_keys(result) == [(None, "State"), (None, "Participant")]


def test_untc_html_bracketed_withdrawn_participant_is_not_imported_silently():
    result = parse_untc_html(
        grid("<tr><td>[Example State]</td><td>12 Dec 2000</td><td>24 Sep 2003</td></tr>")
    )
    assert error_keys(result) == [(1, "Participant")]
    assert result.actions == []


def test_untc_html_status_in_comment_is_not_taken_as_as_of_date():
    html = "<!-- STATUS AS AT : 01-01-2000 -->" + grid(
        "<tr><td>Example State</td><td></td><td>26 Sep 2003 a</td></tr>"
    )
    assert "status_as_at" not in parse_untc_html(html).meta


def test_untc_html_older_status_line_format():
    html = (
        "<p>STATUS AS AT : 26/09/2008 11:45:00</p><p>Entry into force : 25 December 2003, "
        "in accordance with article 17</p>"
        + grid("<tr><td>Example State</td><td></td><td>26 Sep 2003 a</td></tr>")
    )
    meta = parse_untc_html(html).meta
    assert meta["status_as_at"] == date(2008, 9, 26)
    assert meta["entry_into_force"] == date(2003, 12, 25)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 Dec 2000", (date(2000, 12, 12), "", ())),
        ("\xa07 Jun 2004\ta", (date(2004, 6, 7), "a", ())),
        ("29 May\t 2013", (date(2013, 5, 29), "", ())),
        ("21 May 2004 AA 3", (date(2004, 5, 21), "AA", ("3",))),
        ("11 Aug 200", None),
        ("2004-06-07", None),
        ("12 Foo 2000", None),
    ],
)
def test_parse_untc_date_cell(text, expected):
    assert parse_untc_date_cell(text) == expected


def test_parse_untc_date_cell_rejects_impossible_dates():
    with pytest.raises(ValueError):
        parse_untc_date_cell("30 Feb 2004")


# ----------------------------------------------------------------------------- detect_and_parse


def test_detect_csv_by_extension_with_bom():
    content = b"\xef\xbb\xbf" + UNTC_CSV.read_bytes()
    result = detect_and_parse("untoc.CSV", content)
    assert result.errors == []
    assert result.meta["format"] == "palermo_csv"
    assert result.meta["encoding"] == "utf-8-sig"
    assert len(result.actions) == 33


def test_detect_html_by_extension_and_by_sniffing():
    content = UNTC_HTML.read_bytes()
    for name in ("status.html", "status.htm", "status.aspx", "status"):
        result = detect_and_parse(name, content)
        assert result.errors == [], name
        assert result.meta["format"] == "untc_html", name
        assert result.meta["filename"] == name
        assert len(result.actions) == 33


def test_detect_csv_by_sniffing_header():
    result = detect_and_parse("export.txt", UNTC_CSV.read_bytes())
    assert result.meta["format"] == "palermo_csv"
    assert result.errors == []


def test_detect_undecodable_bytes_names_file_and_encoding():
    content = (
        b"instrument,participant,signature_date,deposit_date,action_type\n"
        b"UNTOC,C\xf4te d'Ivoire,2000-12-15,,signature only\n"
    )
    result = detect_and_parse("cotedivoire.csv", content)
    assert result.actions == []
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error.row, error.field) == (None, None)
    assert '"cotedivoire.csv"' in error.message
    assert "UTF-8" in error.message and "0xf4" in error.message and "line 2" in error.message


@pytest.mark.parametrize(
    ("filename", "content", "words"),
    [
        ("status.xlsx", b"PK\x03\x04rest", "Excel"),
        ("status.bin", b"PK\x03\x04rest", "Excel"),
        ("status.pdf", b"%PDF-1.4", "PDF"),
        ("notes.txt", b"just some notes\nnothing else\n", "Cannot tell"),
        ("empty.csv", b"", "empty"),
        ("utf16.csv", "participant".encode("utf-16"), "UTF-16"),
    ],
)
def test_detect_rejects_unknown_formats_clearly(filename, content, words):
    result = detect_and_parse(filename, content)
    assert result.actions == []
    assert len(result.errors) == 1
    assert result.errors[0].row is None
    assert words in result.errors[0].message
    assert filename in result.errors[0].message


# ----------------------------------------------------------------------------- translation


PARSERS = Path(__file__).resolve().parents[2] / "src/palermo/treaties/parsers.py"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _marked_msgids() -> set[str]:
    """The literals makemessages extracts from parsers.py: ``gettext_noop("...")`` and the
    first two arguments of a ``.ngettext(...)`` call (xgettext's default ``ngettext:1,2``)."""
    found = set()
    for node in ast.walk(ast.parse(PARSERS.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        wanted = {"gettext_noop": 1, "ngettext": 2}.get(name, 0)
        found |= {arg.value for arg in node.args[:wanted] if isinstance(arg, ast.Constant)}
    return found


# One input per kind of error: a file, a CSV, a UNTC page.
BAD_FILES = [
    ("status.xlsx", b"PK\x03\x04rest"),
    ("status.bin", b"PK\x03\x04rest"),
    ("status.pdf", b"%PDF-1.4"),
    ("notes.txt", b"just some notes\nnothing else\n"),
    ("empty.csv", b""),
    ("utf16.csv", "participant".encode("utf-16")),
    ("latin1.csv", b"instrument,participant\nUNTOC,C\xf4te d'Ivoire\n"),
    ("bad.csv", (DATA / "bad_rows.csv").read_bytes()),
    ("wide.csv", b"instrument,participant,signature_date,deposit_date,action_type\nU,A,,,,x\n"),
    ("counts.csv", COUNTS_CSV.read_bytes()),
    ("bad.html", (DATA / "untc_bad_rows.html").read_bytes()),
    ("none.html", (DATA / "untc_no_table.html").read_bytes()),
    (
        "grid.html",
        grid(
            "<tr><td>[Example State]</td><td></td><td></td></tr>"
            "<tr><td>Example State</td><td>31 Feb 2000</td><td>1 Jan 2001 c</td></tr>"
            "<tr><td>Example State</td><td>1 Jan 2002 x</td><td>1 Jan 2001</td><td>4</td></tr>"
            "<tr><td></td><td>1 Jan 2002</td><td>1 Jan 2001</td></tr>",
            consent_header="Ratification, Accession(a)",
        ).encode(),
    ),
]


def test_every_parser_message_is_a_msgid_that_makemessages_extracts():
    asked = set()

    def translate(msgid):
        asked.add(msgid)
        return msgid

    def ntranslate(singular, plural, count):
        asked.update((singular, plural))
        return singular if count == 1 else plural

    errors = 0
    for name, content in BAD_FILES:
        errors += len(detect_and_parse(name, content, translate=translate).errors)
        errors += len(
            detect_and_parse(name, content, translate=translate, ntranslate=ntranslate).errors
        )
    assert errors > 30
    assert len(asked) > 25
    assert asked <= _marked_msgids()


def test_parser_messages_are_translated_whole_then_filled():
    text = (DATA / "bad_rows.csv").read_text(encoding="utf-8")
    english = parse_palermo_csv(text)
    plurals = []

    def ntranslate(singular, plural, count):
        plurals.append(count)
        return f"«{singular if count == 1 else plural}»"

    translated = parse_palermo_csv(
        text, translate=lambda msgid: f"«{msgid}»", ntranslate=ntranslate
    )
    assert len(english.errors) == 10
    assert [(e.row, e.field, f"«{e.message}»") for e in english.errors] == [
        (e.row, e.field, e.message) for e in translated.errors
    ]
    # The extra value of the last row: the plural form is chosen by the header's 5 columns.
    assert plurals == [5]


def test_named_placeholders_let_a_translation_reorder_them():
    def translate(msgid):
        return "(%(value)s) %(column)s ?" if "not a real calendar date" in msgid else msgid

    csv_text = ",".join(CSV_COLUMNS) + "\nUNTOC,Example State,2000-13-01,,signature only\n"
    result = parse_palermo_csv(csv_text, translate=translate)
    assert [(e.field, e.message) for e in result.errors] == [
        ("signature_date", "(2000-13-01) signature_date ?")
    ]
