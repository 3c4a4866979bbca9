"""The Library's reading pages: front page, browse lists, a record, its versions, search and
its exports, each from the refused side too (a draft is found by nobody who may not see it)."""

import csv
import io
import json
import re

import pytest
from django.test import TestCase
from django.urls import reverse

from palermo.core.choices import Role
from palermo.core.models import Participant, User
from palermo.library import services
from palermo.library.models import (
    RECORD_MODELS,
    Case,
    CaseParty,
    CaseSummary,
    Charge,
    CrimeType,
    CrossCuttingIssue,
    Law,
    Provision,
    Publication,
    Strategy,
)
from palermo.platform.actors import system_user
from palermo.treaties.models import Article
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


# Test data: made through the services, as the pages and imports make it ------------------


def committed():
    """Run what the writes schedule on commit (the search index) at the end of the block, as
    the commit of a real request would."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def vocabulary():
    crime, _ = CrimeType.objects.get_or_create(
        code="test-trafficking", defaults={"name": "Test trafficking in persons"}
    )
    issue, _ = CrossCuttingIssue.objects.get_or_create(
        code="test-victims", defaults={"name": "Test victim protection"}
    )
    return crime, issue


def make_law(state="ARG", number="law-1", title="Ley de prueba sobre trata", **fields):
    crime, issue = vocabulary()
    law = Law(
        participant=Participant.objects.get(code=state),
        number=number,
        title=title,
        title_en=fields.pop("title_en", "Test law on trafficking"),
        language=fields.pop("language", "es"),
        law_type=fields.pop("law_type", "act"),
        **fields,
    )
    provision = Provision(number="Art. 1", heading="Definición", text="Texto de prueba")
    article = Article.objects.get(instrument__code="TIP", number="3")
    with committed():
        services.save_record(law, acting_user=system_user())
        provision.law = law
        services.save_part(
            provision,
            acting_user=system_user(),
            m2m={"articles": [(article, "a")], "crime_types": [crime], "issues": [issue]},
        )
    return law


def make_case(state="ARG", number="case-1", title="Test case of forced labour", **fields):
    crime, issue = vocabulary()
    case = Case(
        participant=Participant.objects.get(code=state), number=number, title=title, **fields
    )
    with committed():
        services.save_record(case, acting_user=system_user(), m2m={"crime_types": [crime]})
    return case


def publish(record):
    """Through the workflow: submitted by the State's focal point, published by the
    Secretariat (a record of another State is submitted by the system)."""
    submitter = (
        User.objects.get(username="focal-point")
        if record.participant.code == "ARG"
        else system_user()
    )
    with committed():
        services.submit(record, acting_user=submitter)
        record.refresh_from_db()
        services.publish(record, acting_user=User.objects.get(username="secretariat"))
    record.refresh_from_db()
    return record


def other_focal_point():
    return UserFactory(role=Role.FOCAL_POINT, state="BRA")


def login(client, user):
    client.force_login(user)
    return client


def url_of(record, name="library:record", **extra):
    return reverse(
        name, args=[record.participant.code, record.KIND, record.number, *extra.values()]
    )


# The front page ---------------------------------------------------------------------------


def test_front_page_counts_published_records_and_lists_recent_ones(client):
    law = publish(make_law(title="Ley publicada de prueba"))
    make_law(number="law-draft", title="Borrador secreto de prueba")
    response = client.get(reverse("library:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ley publicada de prueba" in html or "Test law on trafficking" in html
    assert law.get_absolute_url() in html
    assert "Borrador secreto de prueba" not in html
    assert 'action="/library/search/"' in html
    for list_url in ("/library/legislation/", "/library/cases/", "/library/bibliography/"):
        assert list_url in html


def test_front_page_notices_fictional_demo_content_only_where_there_is_some(client):
    for model in RECORD_MODELS.values():  # the demo loaded with the test database
        model.objects.filter(is_demo=True).update(is_demo=False)
    make_law()
    assert "demo-notice" not in client.get(reverse("library:home")).content.decode()
    publish(make_law(number="demo-1", is_demo=True))
    assert "demo-notice" in client.get(reverse("library:home")).content.decode()


# Browse lists -----------------------------------------------------------------------------


def test_legislation_list_shows_published_laws_and_hides_drafts_from_the_public(client):
    publish(make_law(number="pub-1", title_en="Published test law"))
    make_law(number="draft-1", title_en="Draft test law")
    html = client.get(reverse("library:legislation")).content.decode()
    assert "Published test law" in html
    assert "Draft test law" not in html
    assert 'name="status"' not in html  # no status filter: everything they see is published


def test_the_states_focal_point_finds_its_draft_in_the_list_another_state_does_not(client):
    make_law(number="draft-1", title_en="Draft test law")
    mine = login(client, User.objects.get(username="focal-point"))
    html = mine.get(reverse("library:legislation"), {"status": "draft"}).content.decode()
    assert "Draft test law" in html
    assert 'name="status"' in html
    other = login(client.__class__(), other_focal_point())
    assert "Draft test law" not in other.get(reverse("library:legislation")).content.decode()


def test_list_filters_by_state_crime_type_article_and_year(client):
    publish(make_law(number="arg-1", title_en="Argentine test law", adopted="2008-04-09"))
    publish(make_law(state="BRA", number="bra-1", title_en="Brazilian test law"))
    url = reverse("library:legislation")

    def titles(**params):
        return client.get(url, params).content.decode()

    assert "Brazilian test law" not in titles(state="ARG")
    assert "Argentine test law" in titles(state="ARG")
    assert "Argentine test law" in titles(crime_type="test-trafficking")
    assert "Argentine test law" in titles(article="TIP 3")
    assert "Argentine test law" not in titles(article="TIP 5")
    assert "Argentine test law" in titles(year="2008")
    assert "Argentine test law" not in titles(year="2009")


def test_list_exports_csv_and_xlsx_of_what_the_reader_sees(client):
    publish(make_law(number="pub-1", title_en="Published test law"))
    make_law(number="draft-1", title_en="Draft test law")
    response = client.get(reverse("library:legislation"), {"_export": "csv"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Published test law" in body and "Draft test law" not in body
    assert "/library/ARG/legislation/pub-1/" in body  # the stable address, in the export only
    xlsx = client.get(reverse("library:legislation"), {"_export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


@pytest.mark.parametrize("count", [2, 12])
def test_list_pages_cost_the_same_queries_however_many_rows(
    client, count, django_assert_num_queries
):
    for i in range(count):
        publish(make_case(number=f"case-{i}", title=f"Test case {i}"))
    client.get(reverse("library:cases"))  # warm caches (content types, sessions)
    with django_assert_num_queries(7):
        response = client.get(reverse("library:cases"))
    assert response.status_code == 200
    assert response.content.decode().count('class="status') == 0  # no status to the public


@pytest.mark.parametrize(
    "name", ["library:legislation", "library:cases", "library:bibliography", "library:strategies"]
)
def test_each_kind_has_a_list(client, name):
    assert client.get(reverse(name)).status_code == 200


# The record page --------------------------------------------------------------------------


def test_a_laws_page_shows_its_provisions_with_links_to_the_articles_they_implement(client):
    law = publish(make_law(source_url="https://example.org/ley", licence="CC BY 4.0"))
    html = client.get(law.get_absolute_url()).content.decode()
    assert 'lang="es"' in html
    assert "Art. 1" in html and "Texto de prueba" in html
    article_url = reverse("treaties:article", args=["TIP", "3"])
    assert f'href="{article_url}"' in html
    assert "TIP 3(a)" in html
    assert "Test trafficking in persons" in html and "Test victim protection" in html
    assert "https://example.org/ley" in html and "CC BY 4.0" in html
    # Sections with nothing in them are absent, not empty headings.
    assert 'id="amendments"' not in html and 'id="full-text"' not in html
    assert "demo-banner" not in html


def test_a_cases_page_shows_each_summary_in_its_language_and_its_charges(client):
    law = make_law()
    case = make_case(decided="2019-05-01", lessons_learned="Test lesson.")
    system = system_user()
    services.save_part(
        CaseSummary(case=case, language="en", text="English summary."), acting_user=system
    )
    services.save_part(
        CaseSummary(case=case, language="ar", text="ملخص الوقائع"), acting_user=system
    )
    defendant = CaseParty(case=case, kind="defendant", initials="J.P.", sex="male")
    services.save_part(defendant, acting_user=system)
    charge = Charge(case=case, defendant=defendant, offence="Trafficking", verdict="convicted")
    services.save_part(charge, acting_user=system, m2m={"provisions": [law.provisions.get()]})
    publish(law)
    case = publish(case)
    html = client.get(case.get_absolute_url()).content.decode()
    assert re.search(r'<article[^>]*lang="ar"[^>]*dir="rtl"', html)
    assert re.search(r'<article[^>]*lang="en"[^>]*dir="ltr"', html)
    assert "ملخص الوقائع" in html and "English summary." in html
    assert "J.P." in html and "Trafficking" in html and "Test lesson." in html
    assert f'href="/library/ARG/legislation/{law.number}/#provision-' in html
    assert 'id="cooperation"' not in html and 'id="attachments"' not in html
    assert 'id="proceedings"' not in html


def test_a_charge_does_not_link_to_a_provision_of_a_draft_the_reader_may_not_see(client):
    law = make_law(title_en="Draft law cited")  # stays a draft
    case = make_case()
    charge = Charge(case=case, offence="Trafficking")
    services.save_part(
        charge, acting_user=system_user(), m2m={"provisions": [law.provisions.get()]}
    )
    case = publish(case)
    html = client.get(case.get_absolute_url()).content.decode()
    assert "Trafficking" in html
    assert "Draft law cited" not in html and "/legislation/law-1/" not in html


def test_a_fictional_record_says_so(client):
    case = publish(make_case(is_demo=True))
    assert "Fictional demo record" in client.get(case.get_absolute_url()).content.decode()


def test_a_draft_is_found_by_nobody_who_may_not_see_it(client):
    case = make_case(title="Secret draft test case")
    url = case.get_absolute_url()
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client.get(url_of(case, "library:record_json")).status_code == 302
    for user in (
        other_focal_point(),
        User.objects.get(username="practitioner"),  # Argentina's, but drafts are not theirs
        User.objects.get(username="observer"),
    ):
        reader = login(client.__class__(), user)
        assert reader.get(url).status_code == 404
        assert reader.get(url_of(case, "library:record_json")).status_code == 404
    # … nor in lists, search or exports.
    assert "Secret draft test case" not in client.get(reverse("library:cases")).content.decode()
    found = client.get(reverse("library:search"), {"q": "secret draft"}).content.decode()
    assert "Secret draft test case" not in found
    export = client.get(reverse("library:search_export"), {"q": "secret draft", "format": "jsonl"})
    assert export.content == b""
    # … while the State's own expert sees it.
    expert = login(client.__class__(), User.objects.get(username="expert"))
    assert expert.get(url).status_code == 200


def test_an_unknown_address_is_not_found(client, user_client):
    assert user_client("observer").get("/library/ARG/case/nothing-here/").status_code == 404
    assert client.get("/library/ARG/chapter/1/").status_code == 404  # no such kind


def test_download_this_record_gives_the_record_format(client):
    law = publish(make_law())
    response = client.get(url_of(law, "library:record_json"))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["kind"] == "legislation" and data["state"] == "ARG" and data["number"] == "law-1"
    assert data["provisions"][0]["articles"] == ["TIP 3(a)"]


# Versions ---------------------------------------------------------------------------------


def test_each_publication_keeps_a_version_with_its_own_page(client, secretariat):
    case = publish(make_case(title="First test title"))
    services.withdraw(case, acting_user=secretariat)
    case.refresh_from_db()
    case.title = "Second test title"
    services.save_record(case, acting_user=secretariat)
    publish(case)
    html = client.get(case.get_absolute_url()).content.decode()
    assert "Second test title" in html
    assert url_of(case, "library:version", version=1) in html
    assert url_of(case, "library:version", version=2) in html
    first = client.get(url_of(case, "library:version", version=1)).content.decode()
    assert "First test title" in first and "The record has changed since" in first
    assert client.get(url_of(case, "library:version", version=3)).status_code == 404


def test_a_withdrawn_records_versions_are_not_shown_to_the_public(client, secretariat):
    case = publish(make_case())
    services.withdraw(case, acting_user=secretariat)
    response = client.get(url_of(case, "library:version", version=1))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    observer = login(client.__class__(), User.objects.get(username="observer"))
    assert observer.get(url_of(case, "library:version", version=1)).status_code == 404


# Search -----------------------------------------------------------------------------------


def test_search_ranks_results_with_snippets_and_facets_that_filter(client):
    publish(make_case(number="c-arg", title="Forced labour test case in vineyards"))
    publish(make_case(state="BRA", number="c-bra", title="Forced labour test case in mines"))
    response = client.get(reverse("library:search"), {"q": "forced labour"})
    html = response.content.decode()
    assert "vineyards" in html and "mines" in html
    assert "<mark>" in html
    assert 'id="facet-state"' in html
    # The State facet's link adds the filter …
    links = re.findall(r'href="([^"]*state=ARG[^"]*)"', html)
    assert links
    narrowed = client.get(links[0].replace("&amp;", "&")).content.decode()
    assert "vineyards" in narrowed and "mines" not in narrowed
    assert "(remove)" in narrowed  # … and, chosen, removes it.


def test_search_answers_htmx_with_the_results_only(client):
    publish(make_case(title="Forced labour test case"))
    response = client.get(
        reverse("library:search"), {"q": "forced labour"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="library-results"')
    assert "<html" not in html


def test_search_exports_the_results_as_csv_and_json_lines(client):
    publish(make_case(number="c-1", title="Quokka forced labour case one"))
    publish(make_case(number="c-2", title="Quokka forced labour case two"))
    make_case(number="c-draft", title="Quokka forced labour draft")
    params = {"q": "quokka"}
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(
                    reverse("library:search_export"), {**params, "format": "csv"}
                ).content.decode()
            )
        )
    )
    assert {r["number"] for r in rows} == {"c-1", "c-2"}
    assert all(r["url"].endswith(f"/library/ARG/case/{r['number']}/") for r in rows)
    lines = (
        client.get(reverse("library:search_export"), {**params, "format": "jsonl"})
        .content.decode()
        .splitlines()
    )
    records = [json.loads(line) for line in lines]
    assert {r["number"] for r in records} == {"c-1", "c-2"}
    assert all(r["kind"] == "case" for r in records)


def test_the_secretariat_finds_drafts_in_search(client, secretariat):
    make_case(title="Forced labour test draft")
    html = login(client, secretariat).get(reverse("library:search"), {"q": "forced"}).content
    assert b"Forced labour test draft" in html


def test_kinds_of_records_share_the_browse_lists(client):
    """Publications and strategies get lists and pages of their own."""
    crime, _issue = vocabulary()
    publication = Publication(
        participant=Participant.objects.get(code="ARG"),
        number="pub-1",
        title="A test book on smuggling",
        authors=["Test Author"],
        year=2015,
        language="en",
    )
    services.save_record(publication, acting_user=system_user(), m2m={"crime_types": [crime]})
    strategy = Strategy(
        participant=Participant.objects.get(code="ARG"),
        number="str-1",
        title="Plan nacional de prueba",
        language="es",
        period_start=2020,
        period_end=2024,
    )
    services.save_record(strategy, acting_user=system_user())
    publish(publication)
    publish(strategy)
    assert b"A test book on smuggling" in client.get(reverse("library:bibliography")).content
    assert b"Plan nacional de prueba" in client.get(reverse("library:strategies")).content
    html = client.get(publication.get_absolute_url()).content.decode()
    assert "Test Author" in html and "Test trafficking in persons" in html
    html = client.get(strategy.get_absolute_url()).content.decode()
    assert "2020–2024" in html


def test_a_list_answers_htmx_with_the_table_only(client):
    publish(make_case(title="Forced labour test case"))
    response = client.get(reverse("library:cases"), {"q": "forced"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "Forced labour test case" in html and "<html" not in html


@pytest.mark.parametrize("parts", [1, 4])
def test_a_cases_page_costs_the_same_queries_however_many_sections(
    client, parts, django_assert_num_queries
):
    law = make_law()
    case = make_case()
    system = system_user()
    for i in range(parts):
        party = CaseParty(case=case, kind="defendant", initials=f"A{i}", nationality_id=None)
        services.save_part(party, acting_user=system)
        charge = Charge(case=case, defendant=party, offence=f"Offence {i}")
        services.save_part(charge, acting_user=system, m2m={"provisions": [law.provisions.get()]})
        services.save_part(
            CaseSummary(case=case, language=["en", "fr", "es", "ar"][i], text="Summary"),
            acting_user=system,
        )
    publish(law)
    case = publish(case)
    client.get(case.get_absolute_url())
    with django_assert_num_queries(11):
        response = client.get(case.get_absolute_url())
    assert response.content.decode().count('class="cited-provision"') == parts


@pytest.mark.parametrize("count", [1, 6])
def test_a_contributors_list_costs_the_same_queries_however_many_rows(
    client, count, django_assert_num_queries
):
    for i in range(count):
        make_law(number=f"law-{i}")  # drafts: the focal point sees them, with their status
    client.force_login(User.objects.get(username="focal-point"))
    client.get(reverse("library:legislation"))
    with django_assert_num_queries(12):
        response = client.get(reverse("library:legislation"))
    assert response.content.decode().count('class="status status-draft"') >= count
