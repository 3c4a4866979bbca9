"""The complete treaty tables (issue 6): the shipped 2014 UN Treaty Collection tables and the
rules they must pass, the multi-instrument treaty file with its provenance, the MTDSG XML, the
facts that cannot be (refused on every write path), and the participant list paginated in SQL."""

import csv
import datetime as dt
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.test import Client

from palermo.core.models import Participant
from palermo.core.services import create_api_token
from palermo.platform.imports import run_import
from palermo.treaties import engine as rules
from palermo.treaties import services
from palermo.treaties.models import Instrument, TreatyAction
from palermo.treaties.parsers import (
    detect_and_parse,
    mtdsg_number_from_filename,
    parse_palermo_csv,
    parse_untc_xml,
)
from palermo.treaties.queries import build_engine, engine_inputs, get_engine, rule_exceptions
from palermo.treaties.tables import DatabaseStatusRows
from tests.factories import InstrumentFactory, record_action

D = dt.date.fromisoformat
K = rules.ActionKind
HERE = Path(__file__).parent / "data"
APP_DATA = Path(__file__).resolve().parents[2] / "src/palermo/treaties/data"
SHIPPED = APP_DATA / "untc_2014_actions.csv"
XML = HERE / "xviii-12-a.en.xml"
HEADER = (
    "instrument,participant,iso3,signature_date,deposit_date,action_type,source_url,source_note\n"
)
GAZETTE = "https://example.org/gazette/2020-17"  # a test value


def soup(response):
    return BeautifulSoup(response.content.decode(), "lxml")


def shipped_rows():
    with SHIPPED.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# -- the shipped tables -------------------------------------------------------------------------


def test_the_shipped_tables_are_loaded_whole_with_each_rows_provenance(db):
    rows = shipped_rows()
    assert len(rows) == 643
    expected = sum(bool(r["signature_date"]) + bool(r["deposit_date"]) for r in rows)
    # Korea and Japan have a 2014 signature row and a later row repeating the signature.
    repeated = 7
    assert TreatyAction.objects.count() == expected - repeated
    korea = TreatyAction.objects.get(
        participant__code="KOR", instrument__code="UNTOC", kind="ratification"
    )
    assert korea.date == D("2015-11-05")
    assert korea.source_url == "https://m.koreaherald.com/view.php?ud=20151106000324"
    assert korea.source_note.startswith("Korea Herald/Yonhap, 6 Nov 2015")
    eu = TreatyAction.objects.get(
        participant__name="European Union", instrument__code="TIP", kind="approval"
    )
    assert eu.date == D("2006-09-06")


def test_the_shipped_tables_pass_the_rules_with_only_their_sourced_anomalies(db):
    engine = get_engine()
    assert engine.refusals == []
    # The two anomalies of the UNTC record (data/SOURCES.md): accepted through a sourced
    # exception, never by editing the data.
    excepted = {(n.action.participant, n.action.instrument, n.rule) for n in engine.excepted}
    assert excepted == {
        ("ATG", "TIP", "consent_without_signature"),
        ("BHS", "FIREARMS", "consent_without_signature"),
    }
    assert all("source: https://github.com/zmjones/untreaties" in n.reason for n in engine.excepted)
    # Only deposits after the tables' date can lack what the rules check.
    assert engine.unverified and all(n.action.date > D("2014-07-10") for n in engine.unverified)
    # The complete tables reproduce every official entry into force (40th instrument + 90 days).
    for code, official in [
        ("UNTOC", "2003-09-29"),
        ("TIP", "2003-12-25"),
        ("SOM", "2004-01-28"),
        ("FIREARMS", "2005-07-03"),
    ]:
        assert engine.derived_entry_into_force(code) == D(official), code
    assert engine.discrepancies == []
    assert engine.qualifying_instruments("UNTOC")[39].participant == "ARM"


def test_without_the_exceptions_the_anomalies_are_refused_by_their_rule(db):
    engine = rules.TreatyEngine(*engine_inputs())
    refused = {(r.action.participant, r.action.instrument): r for r in engine.refusals}
    assert set(refused) == {("ATG", "TIP"), ("BHS", "FIREARMS")}
    assert refused[("ATG", "TIP")].rule == "consent_without_signature"
    assert refused[("ATG", "TIP")].reason == (
        "Antigua and Barbuda cannot ratify TIP on 2010-02-17: it has not signed TIP, and only a "
        "signatory ratifies, accepts or approves it; a State that did not sign accedes (TIP art. "
        "16(3))."
    )


def test_a_rule_exception_needs_a_source_and_a_known_rule():
    with pytest.raises(ValueError, match="needs its source"):
        rules.RuleException("ATG", "TIP", K.RATIFICATION, D("2010-02-17"), "before_adoption", " ")
    with pytest.raises(ValueError, match="is not a rule"):
        rules.RuleException("ATG", "TIP", K.RATIFICATION, D("2010-02-17"), "whim", "a source")
    assert len(rule_exceptions()) == 2


@pytest.mark.parametrize(
    "excerpt",
    [
        "untoc_parties_untc_excerpt_2024-05-04.csv",
        "untoc_parties_nl_trb2007-70_excerpt.csv",
        "tip_protocol_parties_paclii_2008_excerpt.csv",
    ],
)
def test_the_excerpts_kept_as_cross_check_sources_agree_with_the_tables(excerpt):
    """Every date an excerpt gives is the one the complete tables give."""

    def key(instrument):
        return "TIP" if "Trafficking" in instrument else "UNTOC"

    tables = {(r["instrument"], r["participant"]): r for r in shipped_rows()}
    aliases = {"Czech Republic": "Czechia", "Bosnia-Herzegovina": "Bosnia and Herzegovina"}
    with (APP_DATA / excerpt).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    checked = 0
    for row in rows:
        name = aliases.get(row["participant"], row["participant"])
        full = tables.get((key(row["instrument"]), name))
        if full is None:
            continue
        for column in ("signature_date", "deposit_date"):
            if row[column]:
                assert row[column] == full[column], (excerpt, name, column)
                checked += 1
    assert checked >= 15


# -- the multi-instrument file ------------------------------------------------------------------


def test_one_file_holds_several_instruments_each_row_keeping_its_provenance(
    testland, secretariat, user_client
):
    content = (
        HEADER
        + f'UNTOC,Testland,QTL,2001-01-01,2020-02-02,ratification,{GAZETTE},"Gazette 17, p. 3"\n'
        + f"Protocol against the Smuggling of Migrants by Land Sea and Air (XVIII-12-b),"
        f"Testland,QTL,,2020-06-01,accession,{GAZETTE},\n"
        + "FIREARMS,Testland,,,2021-01-05,not stated,,the notice does not say which kind\n"
    ).encode()
    report = run_import("treaty-actions", "several.csv", content, acting_user=secretariat)
    assert report.ok, report.errors
    assert (report.rows, report.created) == (3, 4)
    actions = {
        (a.instrument.code, a.kind): a
        for a in TreatyAction.objects.filter(participant=testland).select_related("instrument")
    }
    assert set(actions) == {
        ("UNTOC", "signature"),
        ("UNTOC", "ratification"),
        ("SOM", "accession"),
        ("FIREARMS", "consent_unspecified"),
    }
    assert actions["UNTOC", "ratification"].source_url == GAZETTE
    assert actions["UNTOC", "ratification"].source_note == "Gazette 17, p. 3"
    assert actions["FIREARMS", "consent_unspecified"].source_note == (
        "the notice does not say which kind"
    )
    # The provenance is shown where the action's source is shown.
    page = soup(user_client(None).get("/participants/QTL/"))
    cells = [td.get_text(" ", strip=True) for td in page.select("td.notice-source")]
    assert any(GAZETTE in c and "Gazette 17, p. 3" in c for c in cells)
    assert page.select_one(f'td.notice-source a[href="{GAZETTE}"]') is not None
    # And in the API.
    listed = Client().get("/api/treaties/actions", {"participant": "QTL"}).json()["items"]
    assert {a["source_url"] for a in listed} == {GAZETTE, ""}


def test_a_multi_instrument_file_reports_each_bad_row_where_it_is(testland, secretariat):
    content = (
        HEADER
        + "UNTOC,Testland,QTL,2001-01-01,,signature only,not a web address,\n"
        + "The Kyoto Protocol,Testland,QTL,,2020-02-02,accession,,\n"
        + "TIP,Testland,ARG,,2020-02-02,accession,,\n"
        + "SOM,Testland,QTL,2001-01-01,,signature only,,\n"
        + "SOM,Testland,QTL,2001-02-02,,signature only,,\n"
    ).encode()
    before = TreatyAction.objects.count()
    report = run_import("treaty-actions", "bad.csv", content, acting_user=secretariat)
    assert not report.ok
    located = {(e.row, e.field): e.message for e in report.errors}
    assert set(located) == {
        (2, "source_url"),
        (3, "instrument"),
        (4, "participant"),
        (6, "signature_date"),
    }
    assert (
        "“The Kyoto Protocol” is not an instrument this importer knows" in located[3, "instrument"]
    )
    assert "iso3 ARG is Argentina" in located[4, "participant"]
    assert "signature date 2001-01-01 for SOM in row 5" in located[6, "signature_date"]
    assert TreatyAction.objects.count() == before


def test_a_later_row_may_add_a_deposit_to_a_signature_only_row():
    text = (
        "instrument,participant,signature_date,deposit_date,action_type\n"
        "UNTOC,Example State,2000-12-13,,\n"
        "TIP,Example State,2000-12-13,,\n"
        "UNTOC,Example State,2000-12-13,2015-11-05,ratification\n"
    )
    result = parse_palermo_csv(text)
    assert result.errors == []
    assert [(a.row, a.instrument, a.kind) for a in result.actions] == [
        (2, "UNTOC", K.SIGNATURE),
        (3, "TIP", K.SIGNATURE),
        (4, "UNTOC", K.RATIFICATION),  # the signature repeated on row 4 is not a second one
    ]


# -- the MTDSG XML ------------------------------------------------------------------------------


def test_the_mtdsg_xml_fixture_is_read_as_published():
    result = parse_untc_xml(XML.read_bytes())
    assert result.errors == []
    assert result.meta["columns"][0] == "Participant"
    by_name = {}
    for action in result.actions:
        by_name.setdefault(action.participant, []).append((action.row, action.kind, action.date))
    assert by_name["Albania"] == [
        (1, K.SIGNATURE, D("2000-12-12")),
        (1, K.RATIFICATION, D("2002-08-21")),
    ]
    # ISO-8859-1 decoded; "a" after the date = accession.
    assert by_name["Côte d'Ivoire"] == [(6, K.ACCESSION, D("2012-10-25"))]
    assert by_name["European Union"][1] == (7, K.APPROVAL, D("2006-09-06"))
    assert by_name["Japan"] == [(8, K.SIGNATURE, D("2002-12-09"))]
    # The footnote written as <superscript>1</superscript> in the participant's text.
    argentina = [a for a in result.actions if a.participant == "Argentina"]
    assert argentina and all(a.footnotes == ("1",) for a in argentina)


def test_the_instrument_of_an_mtdsg_file_comes_from_its_published_name():
    assert mtdsg_number_from_filename("xviii-12-a.en.xml") == "XVIII-12-A"
    assert mtdsg_number_from_filename("downloads/XVIII-12.en.xml") == "XVIII-12"
    assert mtdsg_number_from_filename("status.xml") is None
    result = detect_and_parse("xviii-12-a.en.xml", XML.read_bytes())
    assert result.meta["format"] == "untc_xml" and result.meta["mtdsg_no"] == "XVIII-12-A"


@pytest.mark.parametrize(
    ("content", "row", "field", "words"),
    [
        (b"<?xml version='1.0'?><Document><Treaty>", 1, None, "not well-formed XML"),
        (
            b"<?xml version='1.0'?><!DOCTYPE d [<!ENTITY a 'aaaa'>]><d>&a;</d>",
            None,
            None,
            "DOCTYPE or entities",
        ),
        (b"<?xml version='1.0'?><Document><Treaty/></Document>", None, None, "TGroup"),
    ],
)
def test_an_unreadable_xml_file_says_why(content, row, field, words):
    result = parse_untc_xml(content)
    assert result.actions == []
    [error] = result.errors
    assert (error.row, error.field) == (row, field)
    assert words in error.message


def test_a_bad_date_in_the_xml_names_its_row_and_column():
    content = (
        XML.read_bytes()
        .replace(b"21 Aug\t 2002", b"31 Feb\t 2002")
        .replace(b"25 Oct\t 2012 a", b"25 Oct\t 2012 x")
    )
    result = parse_untc_xml(content)
    header = "Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)"
    assert [(e.row, e.field) for e in result.errors] == [(1, header), (6, header)]
    assert result.errors[0].message == '"31 Feb 2002" is not a real calendar date.'
    assert 'ends in "x"' in result.errors[1].message
    assert {a.participant for a in result.actions} == {
        "Algeria",
        "Argentina",
        "Armenia",
        "Australia",
        "European Union",
        "Japan",
    }


def test_importing_the_published_xml_finds_the_loaded_table_unchanged(secretariat):
    before = TreatyAction.objects.count()
    report = run_import("treaty-actions", XML.name, XML.read_bytes(), acting_user=secretariat)
    assert report.ok, report.errors
    assert (report.rows, report.created, report.unchanged) == (8, 0, 14)
    assert TreatyAction.objects.count() == before


def test_an_xml_row_for_a_new_deposit_is_imported_with_the_rules(testland, secretariat):
    row = b"<Row><Entry>Testland</Entry><Entry /><Entry>2 Feb\t 2020 a</Entry></Row>"
    content = XML.read_bytes().replace(b"</Rows>", row + b"</Rows>")
    report = run_import("treaty-actions", "status.xml", content, acting_user=secretariat)
    # Not a published name, so the file does not say which instrument it is.
    assert [e.field for e in report.errors] == ["instrument"]
    report = run_import(
        "treaty-actions",
        "status.xml",
        content,
        acting_user=secretariat,
        options={"instrument": "TIP"},
    )
    assert report.ok and report.created == 1
    action = TreatyAction.objects.get(participant=testland)
    assert (action.instrument.code, action.kind, action.date) == (
        "TIP",
        "accession",
        D("2020-02-02"),
    )
    # Testland has no known UNTOC consent; 2020 is after the tables' date: accepted, noted.
    assert any("accepted but not verified" in w.message for w in report.warnings)


# -- facts that cannot be, refused on every write path -----------------------------------------


@pytest.mark.parametrize(
    ("kind", "day", "rule", "reason"),
    [
        (
            "signature",
            dt.date(1990, 5, 1),
            "before_adoption",
            "Testland cannot sign UNTOC on 1990-05-01: that date is before UNTOC was adopted, on "
            "2000-11-15, and no action can precede its adoption.",
        ),
        (
            "accession",
            dt.date(1995, 3, 3),
            "before_adoption",
            "Testland cannot accede to UNTOC on 1995-03-03: that date is before UNTOC was "
            "adopted, on 2000-11-15, and no action can precede its adoption.",
        ),
        (
            "accession",
            dt.date(2999, 1, 1),
            "in_the_future",
            "Testland cannot accede to UNTOC on 2999-01-01: that date is later than today",
        ),
        (
            "signature",
            dt.date(2005, 6, 1),
            "outside_signature_period",
            "Testland cannot sign UNTOC on 2005-06-01: UNTOC was open for signature only from "
            "2000-12-12 to 2002-12-12 (UNTOC art. 36(1)); a State that did not sign in that "
            "period accedes instead.",
        ),
    ],
)
def test_impossible_actions_are_refused_by_the_service_with_their_rule(
    testland, secretariat, kind, day, rule, reason
):
    with pytest.raises(ValidationError) as refused:
        record_action(testland, acting_user=secretariat, kind=kind, date=day)
    assert refused.value.messages[0].startswith(reason)
    assert build_engine().validate(rules.Action("QTL", "UNTOC", K(kind), day)).rule == rule
    assert not TreatyAction.objects.filter(participant=testland).exists()


def test_a_ratification_in_1995_is_refused_before_anything_else(testland, secretariat):
    with pytest.raises(ValidationError, match="before UNTOC was adopted, on 2000-11-15"):
        record_action(testland, acting_user=secretariat, kind="ratification", date=D("1995-06-01"))


def test_the_firearms_protocol_opened_for_signature_30_days_after_its_adoption(
    testland, secretariat
):
    record_action(testland, acting_user=secretariat, kind="signature", date=D("2001-01-01"))
    firearms = InstrumentFactory(code="FIREARMS")
    with pytest.raises(ValidationError, match="only from 2001-06-30 to 2002-12-12"):
        record_action(
            testland,
            acting_user=secretariat,
            instrument=firearms,
            kind="signature",
            date=D("2001-06-29"),
        )
    record_action(
        testland,
        acting_user=secretariat,
        instrument=firearms,
        kind="signature",
        date=D("2001-06-30"),
    )


def test_impossible_rows_of_a_file_are_refused_where_they_are(testland, otherland, secretariat):
    content = (
        HEADER
        + "UNTOC,Testland,QTL,1990-01-01,,signature only,,\n"
        + "UNTOC,Otherland,QTO,,2999-01-01,accession,,\n"
    ).encode()
    report = run_import("treaty-actions", "impossible.csv", content, acting_user=secretariat)
    assert {(e.row, e.field) for e in report.errors} == {(2, "signature_date"), (3, "deposit_date")}
    assert not TreatyAction.objects.filter(participant__in=[testland, otherland]).exists()


def test_the_api_refuses_an_impossible_action_with_the_reason(testland):
    from palermo.core.models import User

    _token, key = create_api_token(acting_user=User.objects.get(username="secretariat"), name="t")
    response = Client(headers={"Authorization": f"Bearer {key}"}).post(
        "/api/treaties/actions",
        {
            "participant": "QTL",
            "instrument": "UNTOC",
            "kind": "accession",
            "date": "2999-01-01",
            "source": "a test",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "that date is later than today" in str(response.json()["detail"])


def test_the_action_page_refuses_a_signature_of_1990(testland, user_client):
    client = user_client("secretariat")
    untoc = Instrument.objects.get(code="UNTOC")
    response = client.post(
        "/treaties/actions/new/",
        {
            "participant": testland.pk,
            "instrument": untoc.pk,
            "kind": "signature",
            "date": "1990-01-01",
            "source": "a test",
        },
    )
    assert response.status_code == 200
    assert "before UNTOC was adopted, on 2000-11-15" in response.content.decode()
    assert not TreatyAction.objects.filter(participant=testland).exists()


def test_an_entry_into_force_in_the_year_772_or_without_a_source_is_refused(secretariat):
    untoc = InstrumentFactory()
    with pytest.raises(ValidationError) as refused:
        services.update_instrument_facts(
            acting_user=secretariat,
            instrument=untoc,
            actions_complete=False,
            official_entry_into_force=dt.date(772, 1, 1),
            entry_into_force_source="",
        )
    errors = refused.value.message_dict["official_entry_into_force"]
    assert errors[0].startswith("The entry into force of UNTOC cannot be on 0772-01-01")
    assert "not before 2001-02-13" in errors[0]
    assert errors[1].startswith("The entry into force of UNTOC on 0772-01-01 is a sourced fact")
    untoc.refresh_from_db()
    assert untoc.official_entry_into_force == D("2003-09-29")


def test_the_api_refuses_an_unsourced_entry_into_force(db):
    from palermo.core.models import User

    _token, key = create_api_token(acting_user=User.objects.get(username="secretariat"), name="t")
    response = Client(headers={"Authorization": f"Bearer {key}"}).put(
        "/api/treaties/instruments/UNTOC/facts",
        {"official_entry_into_force": "2003-09-29", "entry_into_force_source": ""},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "is a sourced fact" in str(response.json()["detail"])


def test_a_refused_user_cannot_record_even_a_possible_action(testland, user_client):
    """The permission rule, from the refused side: a focal point may not record actions."""
    client = user_client("focal-point")
    untoc = Instrument.objects.get(code="UNTOC")
    response = client.post(
        "/treaties/actions/new/",
        {
            "participant": testland.pk,
            "instrument": untoc.pk,
            "kind": "signature",
            "date": "2001-01-01",
            "source": "a test",
        },
    )
    assert response.status_code == 403
    assert not TreatyAction.objects.filter(participant=testland).exists()


# -- the notice ---------------------------------------------------------------------------------


def test_the_notice_says_complete_as_at_2014_and_names_the_later_deposits(user_client):
    page = soup(user_client(None).get("/treaties/participants/", {"instrument": "UNTOC"}))
    notice = page.select_one("#partial-notice").get_text(" ", strip=True)
    assert "Organized Crime Convention: complete as at 2014-07-10." in notice
    assert "Later actions are to be imported" in notice
    for later in ("Bhutan (Accession, 2023-02-20)", "Republic of Korea (Ratification, 2015-11-05)"):
        assert later in notice


# -- the participant list, paginated in SQL -----------------------------------------------------


def test_sorted_by_name_or_region_only_the_page_shown_is_built(db):
    built = []

    def build(page):
        rows = list(page.values_list("code", flat=True))
        built.append(len(rows))
        return rows

    for sort in ("name", "-region", "group", "code"):
        built.clear()
        data = DatabaseStatusRows(Participant.objects.all(), build)
        data.order_by((sort,))
        assert len(data) == Participant.objects.count()
        page = data[50:100]
        assert len(page) == 50 and built == [50]


def test_sorting_by_region_in_the_database_matches_the_regions_shown(user_client):
    client = user_client(None)
    rows = [
        [td.get_text(" ", strip=True) for td in tr.find_all(["td", "th"])]
        for tr in soup(client.get("/treaties/participants/", {"sort": "region"})).select(
            "#results table.data-table tbody tr"
        )
    ]
    regions = [row[2] for row in rows]
    filled = [region for region in regions if region != "—"]
    # Participants with no region (shown "—") first, as when every row is sorted in Python.
    assert len(rows) == 50 and filled == sorted(filled)
    assert regions == ["—"] * (len(regions) - len(filled)) + filled


def test_the_secretariat_moves_the_date_of_completeness_and_the_notice_follows(user_client):
    from palermo.core.models import User

    _token, key = create_api_token(acting_user=User.objects.get(username="secretariat"), name="t")
    api = Client(headers={"Authorization": f"Bearer {key}"})
    facts = {
        "official_entry_into_force": "2003-12-25",
        "entry_into_force_source": "https://treaties.un.org/",
    }
    answer = api.put(
        "/api/treaties/instruments/TIP/facts",
        {**facts, "actions_complete_until": "2024-04-20"},
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["actions_complete_until"] == "2024-04-20"
    # Left out of a later request, it stays.
    answer = api.put("/api/treaties/instruments/TIP/facts", facts, content_type="application/json")
    assert answer.json()["actions_complete_until"] == "2024-04-20"
    page = soup(user_client(None).get("/treaties/map/", {"instrument": "TIP"}))
    assert "complete as at 2024-04-20." in page.select_one("#partial-notice").get_text(" ")
    # From the refused side: an observer's token may not change it.
    _token, key = create_api_token(acting_user=User.objects.get(username="observer"), name="t")
    refused = Client(headers={"Authorization": f"Bearer {key}"}).put(
        "/api/treaties/instruments/TIP/facts",
        {**facts, "actions_complete_until": "2030-01-01"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert Instrument.objects.get(code="TIP").actions_complete_until == D("2024-04-20")


def test_an_anomaly_of_the_record_is_shown_with_its_source_on_the_profile(user_client):
    page = soup(user_client(None).get("/participants/ATG/"))
    notes = [li.get_text(" ", strip=True) for li in page.select("aside.notice li")]
    [note] = [n for n in notes if "TIP" in n]
    assert note.startswith("Antigua and Barbuda cannot ratify TIP on 2010-02-17")
    assert "Accepted as the depositary's record has it (source: https://github.com/zmjones" in note
