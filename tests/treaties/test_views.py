"""The Treaties pages through the test client, for every role and for anonymous visitors, with the
shipped treaty data (complete as at 2014-07-10, partial after): what a person sees, what they may download, what they are refused."""

import csv
import io
import json
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from palermo.core.models import Participant, Region, RegionalGroup
from palermo.platform.computed import advance_for, forget_local
from palermo.treaties.models import Declaration, Instrument, TreatyAction
from tests.conftest import ROLES

EVERYONE = [None, *ROLES]
NOT_SECRETARIAT = [r for r in ROLES if r != "secretariat"]
PARTIAL = "complete as at 2014-07-10."
CONTRACTING = "Consented, not yet in force"


def soup(response):
    return BeautifulSoup(response.content.decode(), "lxml")


def table_rows(response, selector="#results table.data-table tbody tr"):
    """The cells' text of each body row of the participants table."""
    return [
        [cell.get_text(" ", strip=True) for cell in tr.find_all(["td", "th"])]
        for tr in soup(response).select(selector)
    ]


def by_code(rows):
    """Participant rows keyed by ISO code (second column)."""
    return {row[1]: row for row in rows}


def json_script(response, element_id):
    return json.loads(soup(response).find("script", id=element_id).string)


def csv_rows(response):
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))


@pytest.fixture
def testland(db):
    """A participant that exists only in tests, so no real State gets invented treaty actions."""
    return Participant.objects.create(code="QTL", name="Testland")


def mark_complete(*codes):
    """Tick ``actions_complete``; ``save()`` so the cached rule engine notices the change."""
    for instrument in Instrument.objects.filter(code__in=codes):
        instrument.actions_complete = True
        instrument.save()


# -- pages everyone may read -------------------------------------------------------------------


@pytest.mark.parametrize("role", EVERYONE)
def test_instrument_list_shows_the_four_instruments_with_official_entry_into_force(
    user_client, role
):
    response = user_client(role).get("/treaties/")
    assert response.status_code == 200
    page = soup(response)
    titles = [a.get_text(strip=True) for a in page.select("article header h2 a")]
    assert titles == [
        "Organized Crime Convention",
        "Trafficking in Persons Protocol",
        "Smuggling of Migrants Protocol",
        "Firearms Protocol",
    ]
    untoc = page.select("article")[0].get_text(" ", strip=True)
    assert "Entered into force 2003-09-29" in untoc
    assert PARTIAL in response.content.decode()


@pytest.mark.parametrize("role", EVERYONE)
def test_instrument_detail_lists_articles_and_the_entry_into_force(user_client, role):
    response = user_client(role).get("/treaties/untoc/")  # codes are case-insensitive
    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text(strip=True) == "Organized Crime Convention"
    facts = page.select_one("dl.facts").get_text(" ", strip=True)
    assert "Entry into force 2003-09-29" in facts
    assert "XVIII-12" in facts
    links = {a["href"] for a in page.select("ol.article-index a")}
    assert "/treaties/UNTOC/articles/16/" in links
    assert "/treaties/UNTOC/articles/41/" in links


def test_unknown_instrument_and_article_are_404(user_client):
    client = user_client(None)
    assert client.get("/treaties/NOPE/").status_code == 404
    assert client.get("/treaties/UNTOC/articles/999/").status_code == 404


@pytest.mark.parametrize("role", EVERYONE)
def test_article_detail_shows_text_declarations_and_neighbours(user_client, role):
    response = user_client(role).get("/treaties/UNTOC/articles/16/")
    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text(" ", strip=True) == "Article 16. Extradition"
    assert "extradition is sought" in page.select_one(".article-text").get_text()
    # Argentina's (fictional, flagged) art. 16(5) notification is listed under the article.
    declarations = page.find("h2", string="Declarations and notifications under this article")
    listed = declarations.find_next("ul").get_text(" ", strip=True)
    assert "Argentina" in listed and "fictional demo record" in listed
    assert page.select_one('a[rel="prev"]')["href"] == "/treaties/UNTOC/articles/15/"
    assert page.select_one('a[rel="next"]')["href"] == "/treaties/UNTOC/articles/17/"


def test_first_article_has_no_previous_link(user_client):
    page = soup(user_client(None).get("/treaties/UNTOC/articles/1/"))
    assert page.select_one('a[rel="prev"]') is None
    assert page.select_one('a[rel="next"]')["href"] == "/treaties/UNTOC/articles/2/"


@pytest.mark.parametrize("role", EVERYONE)
def test_search_within_the_text_lists_article_16_with_marked_words(user_client, role):
    response = user_client(role).get("/treaties/UNTOC/", {"q": "extradition"})
    assert response.status_code == 200
    hits = soup(response).select("#search-results section.search-hit")
    found = {hit.h3.a["href"]: hit for hit in hits}
    assert "/treaties/UNTOC/articles/16/" in found
    art16 = found["/treaties/UNTOC/articles/16/"]
    assert art16.h3.find("mark").get_text() == "Extradition"
    marks = art16.find_all("mark")
    assert len(marks) > 10 and all(m.get_text().lower() == "extradition" for m in marks)
    # Every listed article really contains the word, and the count sentence agrees.
    assert f"{len(hits)} articles contain “extradition”." in response.content.decode()


def test_search_escapes_the_text_and_finds_nothing_for_absent_words(user_client):
    response = user_client(None).get("/treaties/UNTOC/", {"q": "<script>zzqx"})
    content = response.content.decode()
    assert "0 articles contain “&lt;script&gt;zzqx”." in content
    assert "<script>zzqx" not in content


def test_search_by_htmx_returns_only_the_results(user_client):
    response = user_client(None).get(
        "/treaties/UNTOC/",
        {"q": "extradition"},
        headers={"HX-Request": "true", "HX-Target": "search-results"},
    )
    content = response.content.decode()
    assert "<html" not in content
    assert content.lstrip().startswith('<div id="search-results"')
    assert "/treaties/UNTOC/articles/16/" in content


# -- participants list ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", EVERYONE)
def test_participants_on_a_date_show_status_and_entry_into_force(user_client, role):
    client = user_client(role)
    response = client.get("/treaties/participants/", {"instrument": "UNTOC", "on": "2003-10-01"})
    assert response.status_code == 200
    assert PARTIAL in response.content.decode()
    rows = by_code(table_rows(response))
    # Afghanistan deposited on 2003-09-24, after the 40th instrument: in force from its 30th
    # day (art. 38(2)), so on 2003-10-01 it has consented but is not yet bound.
    assert rows["AFG"][4:] == [CONTRACTING, "—"]
    assert rows["ALB"][4:] == ["Party", "2003-09-29"]
    assert rows["ALB"][2:4] == ["Europe", "Eastern European Group"]
    later = by_code(
        table_rows(
            client.get("/treaties/participants/", {"instrument": "UNTOC", "on": "2003-10-24"})
        )
    )
    assert later["AFG"][4:] == ["Party", "2003-10-24"]


def test_participants_summary_counts_match_the_rows(user_client):
    client = user_client(None)
    params = {"instrument": "UNTOC", "on": "2010-07-13"}
    summary = soup(client.get("/treaties/participants/", params)).select_one("#results .summary")
    exported = csv_rows(client.get("/treaties/participants/", {**params, "_export": "csv"}))
    parties = sum(1 for r in exported if r["Status"] == "Party")
    assert parties > 30
    text = summary.get_text(" ", strip=True)
    assert f"Organized Crime Convention on 2010-07-13: {parties} parties" in text


def test_filter_by_name_or_code(user_client):
    client = user_client(None)
    params = {"on": "2010-07-13", "instrument": "UNTOC"}
    rows = table_rows(client.get("/treaties/participants/", {**params, "q": "andorra"}))
    assert [r[:2] + r[4:5] for r in rows] == [["Andorra", "AND", "Signatory"]]
    rows = by_code(table_rows(client.get("/treaties/participants/", {**params, "q": "afg"})))
    assert list(rows) == ["AFG"]


def test_filter_by_region_and_subregion(user_client):
    client = user_client(None)
    southern_europe = by_code(
        table_rows(client.get("/treaties/participants/", {"region": "039", "on": "2010-07-13"}))
    )
    assert {"ALB", "AND"} <= southern_europe.keys()
    assert "AFG" not in southern_europe and "ARG" not in southern_europe
    assert southern_europe["AND"][4] == "Signatory"
    asia = csv_rows(client.get("/treaties/participants/", {"region": "142", "_export": "csv"}))
    codes = {r["ISO code"] for r in asia}
    assert {"AFG", "BHR"} <= codes and "ALB" not in codes
    assert {r["Region"] for r in asia} == {"Asia"}


def test_filter_by_group_and_status(user_client):
    rows = by_code(
        table_rows(
            user_client(None).get(
                "/treaties/participants/",
                {"group": "asia-pacific", "status": "party", "on": "2005-01-01"},
            )
        )
    )
    assert {"AFG", "BHR"} <= rows.keys()  # Bahrain acceded 2004-06-07: party from 2004-07-07
    assert "ALB" not in rows  # another group
    assert rows["BHR"][4:] == ["Party", "2004-07-07"]
    assert {row[4] for row in rows.values()} == {"Party"}


def test_filter_by_status_on_the_date_chosen(user_client):
    client = user_client(None)
    signatories = by_code(
        table_rows(
            client.get("/treaties/participants/", {"status": "signatory", "on": "2010-07-13"})
        )
    )
    assert "AND" in signatories
    assert "ALB" not in signatories
    parties = by_code(
        table_rows(
            client.get(
                "/treaties/participants/", {"status": "party", "on": "2011-10-22", "region": "039"}
            )
        )
    )
    assert parties["AND"][4:] == ["Party", "2011-10-22"]


def test_status_of_a_protocol(user_client):
    rows = by_code(
        table_rows(
            user_client(None).get(
                "/treaties/participants/", {"instrument": "TIP", "on": "2005-01-01", "q": "Bahrain"}
            )
        )
    )
    assert rows["BHR"][4:] == ["Party", "2004-07-07"]


@pytest.mark.parametrize("url", ["/treaties/participants/", "/treaties/map/"])
def test_bad_filter_values_are_reported_not_crashing(user_client, url):
    client = user_client(None)
    response = client.get(url, {"on": "13/07/2010"})
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()
    # The rest of the page still shows today's status.
    assert date.today().isoformat() in response.content.decode()
    response = client.get(url, {"instrument": "NOPE"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert "Organized Crime Convention" in response.content.decode()


def test_sorting_by_name_both_ways(user_client):
    client = user_client(None)
    ascending = [r[1] for r in table_rows(client.get("/treaties/participants/", {"region": "039"}))]
    descending = [
        r[1]
        for r in table_rows(
            client.get("/treaties/participants/", {"region": "039", "sort": "-name"})
        )
    ]
    assert ascending.index("ALB") < ascending.index("AND")
    assert descending == list(reversed(ascending))


def test_pagination_fifty_rows_a_page(user_client):
    client = user_client(None)
    first = table_rows(client.get("/treaties/participants/"))
    second_response = client.get("/treaties/participants/", {"page": 2})
    second = table_rows(second_response)
    assert len(first) == len(second) == 50
    assert first[0][1] == "AFG"
    assert not {r[1] for r in first} & {r[1] for r in second}
    total = Participant.objects.count()
    assert f"Page 2 of {-(-total // 50)} ({total} rows)" in second_response.content.decode()


def test_htmx_request_gets_only_the_results_partial(user_client):
    response = user_client(None).get(
        "/treaties/participants/",
        {"on": "2003-10-01", "q": "Afghanistan"},
        headers={"HX-Request": "true"},
    )
    content = response.content.decode()
    assert "<html" not in content
    assert content.lstrip().startswith('<div id="results"')
    assert by_code(table_rows(response))["AFG"][4] == CONTRACTING


def test_csv_export_reflects_the_filters(user_client):
    response = user_client(None).get(
        "/treaties/participants/",
        {"instrument": "UNTOC", "on": "2010-07-13", "region": "039", "_export": "csv"},
    )
    assert response.status_code == 200
    assert "palermo-status-UNTOC-2010-07-13.csv" in response["Content-Disposition"]
    rows = {r["ISO code"]: r for r in csv_rows(response)}
    assert list(next(iter(rows.values())).keys()) == [
        "Participant",
        "ISO code",
        "Region",
        "UN regional group",
        "Status",
        "In force for it from",
    ]
    assert rows["AND"]["Status"] == "Signatory"
    assert rows["ALB"]["Status"] == "Party"
    assert rows["ALB"]["In force for it from"] == "2003-09-29"
    assert "AFG" not in rows  # Southern Asia
    assert {r["Region"] for r in rows.values()} == {"Europe"}


def test_xlsx_export_reflects_the_filters(user_client):
    from openpyxl import load_workbook

    response = user_client(None).get(
        "/treaties/participants/",
        {"instrument": "UNTOC", "on": "2003-10-01", "group": "asia-pacific", "_export": "xlsx"},
    )
    assert response.status_code == 200
    assert "palermo-status-UNTOC-2003-10-01.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *data = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header[:2] == ["Participant", "ISO code"]
    rows = {row[1]: row for row in data}
    assert rows["AFG"][4] == CONTRACTING
    assert rows["BHR"][4] == "No action"  # accession only on 2004-06-07
    assert "ALB" not in rows
    assert {row[3] for row in data} == {"Asia-Pacific Group"}


def _extra_participants(n=300):
    """Test-only participants with regions, named to sort first so they fill the first page."""
    taken = set(Participant.objects.values_list("code", flat=True))
    codes = [
        f"Q{a}{b}"
        for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        if f"Q{a}{b}" not in taken
    ][:n]
    region, subregion = Region.objects.get(code="150"), Region.objects.get(code="039")
    group = RegionalGroup.objects.get(code="eastern-european")
    Participant.objects.bulk_create(
        [
            Participant(
                code=code,
                name=f"Aa test participant {code}",
                m49_code="",
                region=region,
                subregion=subregion,
                regional_group=group,
            )
            for code in codes
        ]
    )
    advance_for(Participant)  # a bulk write sends no signal: it advances the data itself


def _computed_afresh():
    """Nothing kept: the next request computes its page (engine, statuses, content)."""
    forget_local()
    caches["default"].clear()


@pytest.mark.parametrize(
    "params",
    [
        {"on": "2010-07-13"},
        {"on": "2010-07-13", "region": "150", "sort": "-name"},
        {"on": "2010-07-13", "sort": "region"},
        {"on": "2010-07-13", "sort": "-group"},
        {"on": "2010-07-13", "_export": "csv"},
    ],
)
def test_participants_list_queries_do_not_grow_with_participants(
    user_client, django_assert_max_num_queries, params
):
    client = user_client("observer")
    url = "/treaties/participants/"
    client.get(url, params)  # the session and its user
    _computed_afresh()  # nothing kept: this request computes its rows and counts
    with CaptureQueriesContext(connection) as before:
        client.get(url, params)
    baseline = len(before.captured_queries)  # read now: the next request resets the log
    _extra_participants()
    _computed_afresh()
    with django_assert_max_num_queries(baseline):
        response = client.get(url, params)
    if "_export" in params:
        rows = csv_rows(response)
        assert len(rows) == Participant.objects.count()
    else:
        rows = table_rows(response)
        if params.get("sort") in (None, "-name"):
            assert rows[0][0].startswith("Aa test participant") == (params.get("sort") != "-name")
        assert len(rows) == 50


# -- participant profile ------------------------------------------------------------------------


def profile_rows(response):
    return {row[0]: row[1:] for row in table_rows(response, "#profile-status tbody tr")}


@pytest.mark.parametrize("role", EVERYONE)
def test_profile_shows_status_on_the_chosen_date(user_client, role):
    client = user_client(role)
    url = "/participants/AND/"
    signed = profile_rows(client.get(url, {"on": "2010-07-13"}))["Organized Crime Convention"]
    assert signed[:2] == ["Signatory", "2001-11-11"]
    assert signed[2] == "2011-09-22 (Ratification)"
    waiting = profile_rows(client.get(url, {"on": "2011-10-21"}))["Organized Crime Convention"]
    assert waiting[0] == CONTRACTING
    bound = client.get(url, {"on": "2011-10-22"})
    assert profile_rows(bound)["Organized Crime Convention"][0] == "Party"
    assert profile_rows(bound)["Organized Crime Convention"][3] == "2011-10-22"
    assert "Status on 2011-10-22" in bound.content.decode()
    assert PARTIAL in bound.content.decode()


def test_profile_of_a_participant_with_a_protocol(user_client):
    rows = profile_rows(user_client(None).get("/participants/bhr/", {"on": "2004-06-06"}))
    assert rows["Organized Crime Convention"][0] == "No action"
    rows = profile_rows(user_client(None).get("/participants/BHR/", {"on": "2004-07-07"}))
    assert rows["Organized Crime Convention"][0] == "Party"
    assert rows["Trafficking in Persons Protocol"][0] == "Party"
    assert rows["Trafficking in Persons Protocol"][2] == "2004-06-07 (Accession)"
    assert rows["Firearms Protocol"][0] == "No action"


def test_profile_of_unknown_participant_is_404(user_client):
    assert user_client(None).get("/participants/XYZ/").status_code == 404


@pytest.mark.parametrize(
    ("role", "own_state_link", "other_state_link", "curator_links"),
    [
        (None, False, False, False),
        ("observer", False, False, False),
        ("expert", False, False, False),
        ("practitioner", False, False, False),
        ("analyst", False, False, False),
        ("focal-point", True, False, False),
        ("secretariat", True, True, True),
    ],
)
def test_profile_offers_only_the_links_the_role_may_use(
    user_client, role, own_state_link, other_state_link, curator_links
):
    client = user_client(role)
    arg = client.get("/participants/ARG/").content.decode()
    bra = client.get("/participants/BRA/").content.decode()
    assert ("/treaties/participants/ARG/declarations/new/" in arg) is own_state_link
    assert ("/treaties/participants/BRA/declarations/new/" in bra) is other_state_link
    assert ("/treaties/actions/new/" in arg) is curator_links
    assert ("/delete/" in arg) is curator_links


# -- map and timeline ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", EVERYONE)
def test_map_data_give_the_status_by_m49_code(user_client, role):
    client = user_client(role)
    response = client.get("/treaties/map/", {"instrument": "UNTOC", "on": "2003-10-01"})
    assert response.status_code == 200
    assert PARTIAL in response.content.decode()
    data = json_script(response, "map-data")
    assert data["values"]["004"] == "contracting"  # Afghanistan
    assert data["values"]["008"] == "party"  # Albania
    assert data["values"]["020"] == "signatory"  # Andorra
    assert "048" not in data["values"]  # Bahrain: nothing yet
    assert data["labels"]["032"] == "Argentina"
    assert data["links"]["032"] == "/participants/ARG/"
    assert [c["key"] for c in data["categories"]] == [
        "party",
        "contracting",
        "signatory",
        "denounced",
    ]
    later = json_script(client.get("/treaties/map/", {"on": "2011-10-22"}), "map-data")
    assert later["values"]["004"] == "party"
    assert later["values"]["020"] == "party"
    assert later["values"]["048"] == "party"


def test_map_of_a_protocol(user_client):
    data = json_script(
        user_client(None).get("/treaties/map/", {"instrument": "TIP", "on": "2004-07-07"}),
        "map-data",
    )
    assert data["values"]["048"] == "party"  # Bahrain
    assert "004" not in data["values"]  # Afghanistan: no TIP action known


def _expected_untoc_parties(on: date) -> int:
    """Independent of the engine: art. 38(2) for the known UNTOC consents."""
    official = date(2003, 9, 29)
    deposits = TreatyAction.objects.filter(instrument__code="UNTOC").exclude(
        kind__in=["signature", "denunciation"]
    )
    return sum(1 for a in deposits if max(official, a.date + timedelta(days=30)) <= on)


@pytest.mark.parametrize("role", EVERYONE)
def test_timeline_counts_parties_by_the_entry_into_force_rules(user_client, role):
    response = user_client(role).get("/treaties/timeline/")
    assert response.status_code == 200
    assert PARTIAL in response.content.decode()
    chart = json_script(response, "timeline-data")
    untoc = next(d for d in chart["datasets"] if d["label"] == "Organized Crime Convention")
    by_date = dict(zip(chart["labels"], untoc["data"], strict=True))
    for day in ("2003-09-29", "2003-10-24", "2011-10-22"):
        assert by_date[day] == _expected_untoc_parties(date.fromisoformat(day)), day
    # Afghanistan joins on its 30th day.
    assert by_date["2003-10-24"] > by_date["2003-09-29"]
    assert untoc["data"][-1] == _expected_untoc_parties(date(2100, 1, 1))


def test_partial_notice_disappears_once_actions_are_complete(user_client):
    client = user_client(None)
    mark_complete("UNTOC")
    # The map speaks of one instrument: complete for UNTOC, still partial for TIP.
    assert PARTIAL not in client.get("/treaties/map/", {"instrument": "UNTOC"}).content.decode()
    assert PARTIAL in client.get("/treaties/map/", {"instrument": "TIP"}).content.decode()
    assert PARTIAL in client.get("/treaties/timeline/").content.decode()
    mark_complete("TIP", "SOM", "FIREARMS")
    for url in ("/treaties/", "/treaties/participants/", "/treaties/timeline/", "/treaties/map/"):
        assert PARTIAL not in client.get(url).content.decode(), url


# -- writes from the pages: who is refused -------------------------------------------------------


def declaration_form(participant, **overrides):
    untoc = Instrument.objects.get(code="UNTOC")
    data = {
        "participant": participant.pk,
        "instrument": untoc.pk,
        "kind": "notification",
        "subject": "central_authority",
        "article": untoc.articles.get(number="18").pk,
        "date": "",
        "text": "",
        "takes_convention_as_legal_basis": "unknown",
        "authority": "Test central authority (fictional)",
        "authority_address": "",
        "languages": "[]",
        "source": "test",
    }
    return {**data, **overrides}


def action_form(participant, instrument="UNTOC", **overrides):
    data = {
        "participant": participant.pk,
        "instrument": Instrument.objects.get(code=instrument).pk,
        "kind": "ratification",
        "date": "2020-02-02",
        "source": "test record",
        "source_text": "",
    }
    return {**data, **overrides}


def _arg_declaration():
    return Declaration.objects.get(participant__code="ARG", subject="central_authority")


def test_anonymous_is_sent_to_sign_in_for_every_write(user_client, testland):
    client = user_client(None)
    arg = Participant.objects.get(code="ARG")
    action = TreatyAction.objects.filter(participant=arg).first()
    declaration = _arg_declaration()
    before = (TreatyAction.objects.count(), Declaration.objects.count())
    for method, url, data in [
        ("get", "/treaties/participants/ARG/declarations/new/", None),
        ("post", "/treaties/participants/ARG/declarations/new/", declaration_form(arg)),
        ("get", f"/treaties/participants/ARG/declarations/{declaration.pk}/", None),
        (
            "post",
            f"/treaties/participants/ARG/declarations/{declaration.pk}/",
            declaration_form(arg, authority="changed"),
        ),
        ("get", "/treaties/actions/new/", None),
        ("post", "/treaties/actions/new/", action_form(testland)),
        ("post", f"/treaties/actions/{action.pk}/delete/", {}),
        ("get", "/import/", None),
    ]:
        send = getattr(client, method)
        response = send(url) if data is None else send(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"/accounts/login/?next={url}"), url
    assert (TreatyAction.objects.count(), Declaration.objects.count()) == before
    assert _arg_declaration().authority == declaration.authority


def test_focal_point_records_a_declaration_for_their_own_state(user_client):
    client = user_client("focal-point")
    arg = Participant.objects.get(code="ARG")
    assert client.get("/treaties/participants/ARG/declarations/new/").status_code == 200
    response = client.post(
        "/treaties/participants/ARG/declarations/new/",
        declaration_form(arg, kind="declaration", subject="dispute_settlement", article=""),
    )
    assert response.status_code == 302
    assert response["Location"] == "/participants/ARG/"
    assert Declaration.objects.filter(participant=arg, subject="dispute_settlement").exists()
    profile = client.get(response["Location"]).content.decode()
    assert "Not bound by the settlement of disputes clause (art. 35(3))" in profile


def test_focal_point_edits_their_own_states_declaration(user_client):
    client = user_client("focal-point")
    declaration = _arg_declaration()
    url = f"/treaties/participants/ARG/declarations/{declaration.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, declaration_form(declaration.participant, authority="New authority (test)")
    )
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.authority == "New authority (test)"


def test_focal_point_is_refused_another_states_declarations(user_client):
    client = user_client("focal-point")
    bra = Participant.objects.get(code="BRA")
    brazil = Declaration.objects.create(
        participant=bra,
        instrument=Instrument.objects.get(code="UNTOC"),
        kind="notification",
        subject="central_authority",
        authority="Test authority (fictional)",
    )
    before = Declaration.objects.count()
    assert client.get("/treaties/participants/BRA/declarations/new/").status_code == 403
    assert (
        client.post("/treaties/participants/BRA/declarations/new/", declaration_form(bra))
    ).status_code == 403
    url = f"/treaties/participants/BRA/declarations/{brazil.pk}/"
    assert client.get(url).status_code == 403
    assert client.post(url, declaration_form(bra, authority="changed")).status_code == 403
    assert Declaration.objects.count() == before
    brazil.refresh_from_db()
    assert brazil.authority == "Test authority (fictional)"


def test_focal_point_cannot_slip_another_state_into_their_own_form(user_client):
    client = user_client("focal-point")
    bra = Participant.objects.get(code="BRA")
    response = client.post("/treaties/participants/ARG/declarations/new/", declaration_form(bra))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Declaration.objects.filter(participant=bra).exists()


@pytest.mark.parametrize("role", ["observer", "expert", "practitioner", "analyst"])
def test_other_roles_are_refused_declarations_even_for_their_own_state(user_client, role):
    client = user_client(role)
    arg = Participant.objects.get(code="ARG")
    before = Declaration.objects.count()
    assert client.get("/treaties/participants/ARG/declarations/new/").status_code == 403
    response = client.post("/treaties/participants/ARG/declarations/new/", declaration_form(arg))
    assert response.status_code == 403
    assert Declaration.objects.count() == before


def test_declaration_form_explains_a_missing_legal_basis_answer(user_client):
    client = user_client("secretariat")
    arg = Participant.objects.get(code="ARG")
    before = Declaration.objects.count()
    response = client.post(
        "/treaties/participants/ARG/declarations/new/",
        declaration_form(arg, subject="extradition_legal_basis", authority=""),
    )
    assert response.status_code == 200
    assert (
        "Say whether the Convention is taken as the legal basis for extradition."
        in response.content.decode()
    )
    assert Declaration.objects.count() == before


@pytest.mark.parametrize("role", NOT_SECRETARIAT)
def test_only_the_secretariat_records_deletes_and_imports(user_client, role, testland):
    client = user_client(role)
    action = TreatyAction.objects.filter(participant__code="AND").first()
    before = TreatyAction.objects.count()
    assert client.get("/treaties/actions/new/").status_code == 403
    assert client.post("/treaties/actions/new/", action_form(testland)).status_code == 403
    assert client.post(f"/treaties/actions/{action.pk}/delete/").status_code == 403
    page = client.get("/import/")
    if page.status_code == 200:  # a State's roles import other things, not treaty actions
        offered = {key for key, _label in page.context["form"].fields["importer"].choices}
        assert "treaty-actions" not in offered
    else:
        assert page.status_code == 403
    assert TreatyAction.objects.count() == before


def test_secretariat_records_and_deletes_an_action(user_client, testland):
    client = user_client("secretariat")
    response = client.post("/treaties/actions/new/", action_form(testland))
    assert response.status_code == 302
    assert response["Location"] == "/participants/QTL/"
    action = TreatyAction.objects.get(participant=testland)
    profile = client.get(response["Location"])
    assert "Recorded: Testland — UNTOC — Ratification 2020-02-02" in profile.content.decode()
    assert profile_rows(profile)["Organized Crime Convention"][2].startswith("2020-02-02")
    # A link followed by mistake (GET) deletes nothing.
    assert client.get(f"/treaties/actions/{action.pk}/delete/").status_code == 405
    assert TreatyAction.objects.filter(pk=action.pk).exists()
    response = client.post(f"/treaties/actions/{action.pk}/delete/")
    assert response.status_code == 302
    assert not TreatyAction.objects.filter(participant=testland).exists()
    rows = profile_rows(client.get("/participants/QTL/"))
    assert rows["Organized Crime Convention"][0] == "No action"


def test_a_second_ratification_is_refused_with_the_reason(user_client):
    client = user_client("secretariat")
    albania = Participant.objects.get(code="ALB")
    before = TreatyAction.objects.count()
    response = client.post(
        "/treaties/actions/new/", action_form(albania, kind="accession", date="2005-05-05")
    )
    assert response.status_code == 200
    errors = soup(response).select_one(".field-errors").get_text(" ", strip=True)
    assert "Albania cannot accede to UNTOC on 2005-05-05" in errors
    assert "already bound by its instrument of ratification of 2002-08-21" in errors
    response = client.post("/treaties/actions/new/", action_form(albania, date="2005-05-05"))
    assert "This participant already has this action for this instrument." in (
        response.content.decode()
    )
    assert TreatyAction.objects.count() == before


# -- rule-engine refusals reach the person who typed the action ---------------------------------


def test_protocol_ratification_without_convention_is_refused_when_data_are_complete(
    user_client, testland
):
    mark_complete("UNTOC")
    client = user_client("secretariat")
    response = client.post("/treaties/actions/new/", action_form(testland, instrument="TIP"))
    assert response.status_code == 200
    errors = soup(response).select_one(".field-errors").get_text(" ", strip=True)
    assert "Testland cannot ratify TIP on 2020-02-02" in errors
    assert "not a party to the Convention (UNTOC art. 37(2))" in errors
    assert not TreatyAction.objects.filter(participant=testland).exists()


def test_protocol_ratification_without_convention_is_accepted_but_flagged_when_data_are_partial(
    user_client, testland
):
    client = user_client("secretariat")
    response = client.post("/treaties/actions/new/", action_form(testland, instrument="TIP"))
    assert response.status_code == 302
    assert TreatyAction.objects.filter(participant=testland, instrument__code="TIP").exists()
    profile = client.get("/participants/QTL/", {"on": "2020-03-03"})
    note = soup(profile).select_one("aside.notice ul").get_text(" ", strip=True)
    assert "Testland's instrument of ratification of TIP (2020-02-02)" in note
    assert "accepted but not verified" in note and "UNTOC art. 37(2)" in note
    # Only the Protocol's own clause applies: bound from the 30th day after deposit.
    assert profile_rows(profile)["Trafficking in Persons Protocol"][0] == "Party"


def test_the_old_profile_address_redirects_to_the_state_profile(user_client):
    response = user_client(None).get("/treaties/participants/arg/", {"on": "2010-07-13"})
    assert response.status_code == 301
    assert response["Location"] == "/participants/ARG/?on=2010-07-13"
    page = user_client(None).get(response["Location"]).content.decode()
    assert 'id="panel-treaties"' in page and "Status on 2010-07-13" in page
