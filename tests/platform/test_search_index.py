"""The full-text search index, on whichever backend the suite runs (SQLite by default,
PostgreSQL with PALERMO_DATABASE_URL): the same tests, the same answers."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import transaction

from palermo.core.models import Participant, User
from palermo.platform.grants import grant
from palermo.platform.models import ReadEvent
from palermo.platform.search import index_objects, paused, rebuild, search, search_all
from palermo.platform.searchindex import text
from palermo.platform.searchindex.models import Document
from palermo.treaties.models import Article
from tests.examples.models import Casefile

pytestmark = pytest.mark.django_db


def keys(page):
    return [(r.provider, r.url) for r in page.results]


def titles(page):
    return [r.title for r in page.results]


def counts(page, facet):
    return {v.value: v.count for g in page.facets if g.name == facet for v in g.values}


@pytest.fixture
def people(db):
    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def casefiles(people, django_capture_on_commit_callbacks):
    """Three workspaces of the analyst's; the secretariat sees the third only."""
    analyst = people["analyst"]
    with django_capture_on_commit_callbacks(execute=True):
        cases = [
            Casefile.objects.create(title="Lighthouse keepers", summary="Ships at the harbour"),
            Casefile.objects.create(
                title="Harbour ledger", summary="Payments", informant_phone="+39 555 0100"
            ),
            Casefile.objects.create(
                title="Quiet <b>file</b>", summary="A lighthouse seen from the <harbour> road"
            ),
        ]
    for case in cases:
        grant(case, to=analyst, role="owner", acting_user=analyst, first=True)
    grant(cases[2], to=people["secretariat"], role="viewer", acting_user=analyst)
    return cases


# Languages and scripts ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["франция", "ФРАНЦИЯ", "Франция", "فرنسا", "فَرَنْسَا", "法国", "法", "France", "FRANCE"],
)
def test_france_is_found_in_every_script_and_case(query):
    page = search(query, None, filters={"kind": "participants"})
    assert ("participants", "/participants/FRA/") in keys(page)


def test_a_chinese_substring_matches_inside_a_longer_name():
    longest = max(Participant.objects.exclude(name_zh=""), key=lambda p: len(p.name_zh))
    assert len(longest.name_zh) > 4
    for middle in (longest.name_zh[1:3], longest.name_zh[2:5]):  # not at the name's start
        page = search(middle, None, filters={"kind": "participants"})
        assert ("participants", f"/participants/{longest.code}/") in keys(page), middle


def test_diacritics_are_ignored_both_ways():
    for query in ("cote d ivoire", "Côte", "COTE"):
        page = search(query, None, filters={"kind": "participants"})
        assert ("participants", "/participants/CIV/") in keys(page), query


def test_folding_in_python_matches_every_script():
    assert text.fold("Côte d’Ivoire ΕΛΛΆΔΑ Straße") == "cote d’ivoire ελλαδα strasse"
    assert text.fold("مُكَافَحَة") == text.fold("مكافحة")
    assert text.fold("Йошкар-Ола ёж") == "йошкар-ола еж"
    assert text.tokens("中华人民共和国") == ["中华", "华人", "人民", "民共", "共和", "和国"]


# Query language ----------------------------------------------------------------------------


def total(query, **filters):
    return search(query, None, filters={"kind": "articles", **filters}).total


def test_prefix_phrase_and_boolean_queries():
    assert total("extradition") > 0
    assert total("extradit*") >= total("extradition")
    assert ("articles", "/treaties/UNTOC/articles/16/") in keys(
        search("extradit*", None, filters={"kind": "articles"})
    )
    both = total("central authority")
    phrase = total('"central authority"')
    assert 0 < phrase <= both
    assert total('"authority central"') < phrase
    assert total("extradition OR confiscation") >= max(total("extradition"), total("confiscation"))
    assert total("extradition -confiscation") == total("extradition") - total(
        "extradition confiscation"
    )
    assert total("extradition NOT confiscation") == total("extradition -confiscation")


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "AND",
        "OR OR",
        "NOT",
        "-",
        "*",
        "**",
        'a"b',
        "(",
        ")",
        "'",
        "\\",
        "{a}",
        "title:x",
        "a NEAR b",
        "NEAR(a b)",
        "^a",
        "a:*",
        "!a",
        "a & b | !c",
        "' OR 1=1 --",
        "\x00",
        "a" * 300,
    ],
)
def test_any_input_is_a_query_and_never_an_error(query):
    page = search(query, None)
    assert page.total >= 0
    search_all(query, None)


# Ranking, snippets, facets -------------------------------------------------------------------


def test_a_title_match_outranks_a_text_match(people, casefiles):
    page = search("harbour", people["analyst"], filters={"kind": "casefiles"})
    assert titles(page)[0] == "Harbour ledger"  # the word is its title (weight A)
    assert set(titles(page)) == {"Harbour ledger", "Lighthouse keepers", "Quiet <b>file</b>"}
    scores = [r.score for r in page.results]
    assert scores == sorted(scores, reverse=True)


def test_snippets_mark_the_words_and_escape_the_text(people, casefiles):
    page = search("lighthouse harbour", people["analyst"], filters={"kind": "casefiles"})
    quiet = next(r for r in page.results if r.title == "Quiet <b>file</b>")
    assert quiet.snippet == "A lighthouse seen from the <harbour> road"
    assert quiet.snippet_html == (
        "A <mark>lighthouse</mark> seen from the &lt;<mark>harbour</mark>&gt; road"
    )
    html = _page(people["analyst"], "lighthouse harbour")
    assert "&lt;<mark>harbour</mark>&gt;" in html and "<harbour>" not in html
    assert "Quiet &lt;b&gt;file&lt;/b&gt;" in html


def test_facets_count_the_permitted_matches():
    page = search("trafficking", None)
    kinds = counts(page, "kind")
    assert page.total == sum(kinds.values()) > 0
    instruments = counts(page, "instrument")
    assert instruments and sum(instruments.values()) >= kinds.get("articles", 0)
    code, count = next(iter(instruments.items()))
    narrowed = search("trafficking", None, filters={"instrument": code})
    assert narrowed.total == count
    assert counts(narrowed, "instrument") == {code: count}
    # The language facet and filter: each language's count is what its filter finds, and
    # nothing in another language (articles and declarations are English; Library records
    # of the demo content are in their own languages).
    languages = counts(page, "language")
    assert languages.get("en")
    for language, count in languages.items():
        narrowed = search("trafficking", None, filters={"language": language})
        assert narrowed.total == count
        assert {r.language for r in narrowed.results} == {language}
    assert search("trafficking", None, filters={"language": "xx"}).total == 0


def test_pages_of_a_ranked_list():
    first = search("state", None, page_size=5)
    second = search("state", None, page=2, page_size=5)
    assert first.total > 10 and len(first.results) == len(second.results) == 5
    assert not set(keys(first)) & set(keys(second))
    assert first.start == 1 and second.start == 6


def test_the_page_shows_facets_as_links_and_pages(client):
    html = client.get("/search/?q=trafficking").content.decode()
    assert 'id="facet-kind"' in html and 'id="facet-instrument"' in html
    assert "?q=trafficking&amp;kind=articles" in html
    narrowed = client.get("/search/?q=trafficking&kind=articles&nonsense=1").content.decode()
    assert 'aria-current="true"' in narrowed and 'data-kind="declarations"' not in narrowed


def test_the_api_keeps_its_groups_and_adds_marked_snippets(client):
    groups = client.get("/api/search?q=extradition&kind=articles").json()
    assert [g["key"] for g in groups] == ["articles"]
    first = groups[0]["results"][0]
    assert "<mark>" in first["snippet_html"].lower() and first["provider"] == "articles"
    assert first["language"] == "en" and first["score"] > 0


# Permissions inside the query ---------------------------------------------------------------


def _page(user, query):
    from django.test import Client

    client = Client()
    if user:
        client.force_login(user)
    return client.get("/search/", {"q": query}).content.decode()


def test_records_the_user_may_not_see_are_neither_listed_nor_counted(people, casefiles):
    analyst = search("harbour", people["analyst"])
    assert counts(analyst, "kind")["casefiles"] == 3
    secretariat = search("harbour", people["secretariat"])
    assert counts(secretariat, "kind").get("casefiles") == 1
    assert titles(secretariat).count("Quiet <b>file</b>") == 1
    for username in ("observer", "focal-point"):
        refused = search("harbour lighthouse", people[username])
        assert "casefiles" not in counts(refused, "kind")
        assert refused.total == 0 and not refused.results
    anonymous = search("lighthouse", None)
    assert "casefiles" not in counts(anonymous, "kind")
    assert "Lighthouse keepers" not in _page(None, "lighthouse")


def test_a_restricted_field_is_neither_matched_nor_quoted(people, casefiles):
    # Only the Secretariat may see the informant's phone; the analyst owns the workspace.
    assert search("555", people["analyst"]).total == 0
    assert "0100" not in _page(people["analyst"], "ledger payments")
    grant(casefiles[1], to=people["secretariat"], role="viewer", acting_user=people["analyst"])
    found = search("555", people["secretariat"])
    assert titles(found) == ["Harbour ledger"]


def test_reads_of_sensitive_records_are_logged_as_search(people, casefiles):
    search("lighthouse", people["analyst"])
    reads = ReadEvent.objects.filter(user=people["analyst"])
    assert sorted(reads.values_list("surface", flat=True)) == ["search", "search"]


# Keeping the index up to date --------------------------------------------------------------


def test_the_index_changes_on_commit_and_not_on_rollback(
    people, django_capture_on_commit_callbacks
):
    secretariat = people["secretariat"]
    with django_capture_on_commit_callbacks(execute=False) as pending:
        case = Casefile.objects.create(title="Zephyrine workspace")
        grant(case, to=secretariat, role="owner", acting_user=secretariat, first=True)
        assert search("zephyrine", secretariat).total == 0  # not committed yet
    for callback in pending:
        callback()
    assert titles(search("zephyrine", secretariat)) == ["Zephyrine workspace"]

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                case.title = "Aquilonia workspace"
                case.save()
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert search("aquilonia", secretariat).total == 0
    assert titles(search("zephyrine", secretariat)) == ["Zephyrine workspace"]

    with django_capture_on_commit_callbacks(execute=True):
        case.title = "Aquilonia workspace"
        case.save()
    assert titles(search("aquilonia", secretariat)) == ["Aquilonia workspace"]
    assert search("zephyrine", secretariat).total == 0

    with django_capture_on_commit_callbacks(execute=True):
        case.delete()
    assert search("aquilonia", secretariat).total == 0
    assert not Document.objects.filter(provider="casefiles", object_pk=str(case.pk)).exists()


def test_a_related_change_reindexes_the_documents_that_quote_it(
    django_capture_on_commit_callbacks,
):
    argentina = Participant.objects.get(code="ARG")
    before = search("Argentina", None, filters={"kind": "declarations"}).total
    assert before > 0
    with django_capture_on_commit_callbacks(execute=True):
        argentina.name = "Argentine Republic Zyx"
        argentina.save()
    assert search("zyx", None, filters={"kind": "declarations"}).total == before


def test_changes_made_while_paused_wait_for_the_rebuild(people, django_capture_on_commit_callbacks):
    secretariat = people["secretariat"]
    with django_capture_on_commit_callbacks(execute=True), paused():
        case = Casefile.objects.create(title="Paused sonder workspace")
        grant(case, to=secretariat, role="owner", acting_user=secretariat, first=True)
    assert search("sonder", secretariat).total == 0
    with django_capture_on_commit_callbacks(execute=True):  # no longer paused
        case.title = "Resumed sonder workspace"
        case.save()
    assert titles(search("sonder", secretariat)) == ["Resumed sonder workspace"]
    documents = Document.objects.filter(provider="casefiles", object_pk=str(case.pk))
    with django_capture_on_commit_callbacks(execute=True), paused():
        case.delete()
    assert documents.exists()  # stale (a search shows no record that is gone) …
    rebuild(["casefiles"])
    assert not documents.exists()  # … until the rebuild


def test_bulk_writes_call_index_objects(people):
    secretariat = people["secretariat"]
    cases = Casefile.objects.bulk_create([Casefile(title=f"Bulk vellichor {i}") for i in range(3)])
    for case in cases:
        grant(case, to=secretariat, role="owner", acting_user=secretariat, first=True)
    assert search("vellichor", secretariat).total == 0  # bulk_create sends no signal
    assert index_objects(Casefile, [c.pk for c in cases]) == 3
    assert search("vellichor", secretariat).total == 3


def test_rebuild_command(people):
    articles = Article.objects.count()
    Document.objects.filter(provider="articles").delete()
    assert search("extradition", None, filters={"kind": "articles"}).total == 0
    out = io.StringIO()
    call_command("search_index", "rebuild", "--provider", "articles", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["providers"] == {"articles": articles} and summary["documents"] == articles
    assert search("extradition", None, filters={"kind": "articles"}).total > 0
    out = io.StringIO()
    call_command("search_index", "status", "--json", stdout=out)
    assert json.loads(out.getvalue())["articles"] == {"documents": articles, "records": articles}


def test_rebuild_refuses_an_unknown_provider():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No search provider “nope”"):
        call_command("search_index", "rebuild", "--provider", "nope", stdout=io.StringIO())
