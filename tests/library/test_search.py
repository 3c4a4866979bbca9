"""Library search on the platform's index (SQLite FTS5 or PostgreSQL, whichever the suite runs
on): ranking, facets with counts, snippets, provisions found in any script, and drafts found
only by who may see them, as their status changes."""

import pytest

from palermo.core.choices import Role
from palermo.core.models import User
from palermo.library import queries, services
from palermo.library.models import Law
from palermo.platform.search import PROVIDERS, access_disagreements
from tests.factories import UserFactory, library_record

pytestmark = pytest.mark.django_db

LIBRARY_PROVIDERS = ("legislation", "provisions", "cases", "bibliography", "strategies")


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Writes inside ``with commit():`` reach the index when the block ends, as on commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def people(db):
    get = User.objects.get
    return {
        "anonymous": None,
        "secretariat": get(username="secretariat"),
        "focal": get(username="focal-point"),
        "expert": get(username="expert"),
        "observer": get(username="observer"),
        "other": UserFactory(role=Role.FOCAL_POINT, state="BRA"),
    }


def find(query, user=None, **filters):
    from django.contrib.auth.models import AnonymousUser

    return queries.library_search(query, user or AnonymousUser(), filters)


def urls(found):
    return [r.url for r in found.results]


def facet(found, name):
    return {v.value: (v.label, v.count) for g in found.facets if g.name == name for v in g.values}


def test_provisions_are_found_in_arabic_chinese_and_russian(commit):
    with commit():
        library_record(
            state="EGY",
            number="ar-1",
            status="published",
            language="ar",
            provisions=[
                {"number": "م 1", "text": "يعاقب كل من ارتكب جريمة الاتجار بالبشر الوهمية"}
            ],
        )
        library_record(
            state="CHN",
            number="zh-1",
            status="published",
            language="zh",
            provisions=[{"number": "第1条", "text": "虚构条文：禁止拐卖妇女儿童的犯罪行为"}],
        )
        library_record(
            state="RUS",
            number="ru-1",
            status="published",
            language="ru",
            provisions=[
                {"number": "ст. 1", "text": "Вымышленная статья о торговле людьми и вербовке"}
            ],
        )
    arabic = find("الاتجار")
    assert any(r.url.startswith("/library/EGY/legislation/ar-1/") for r in arabic.results)
    hit = next(r for r in arabic.results if r.provider == "provisions")
    assert hit.language == "ar" and "<mark>" in hit.snippet_html
    chinese = find("拐卖")
    assert any(r.url.startswith("/library/CHN/legislation/zh-1/") for r in chinese.results)
    russian = find("вербовке")
    assert [r.provider for r in russian.results if "/RUS/" in r.url] == ["provisions"]
    assert facet(russian, "language").get("ru")[1] >= 1


def test_a_title_match_ranks_above_a_match_in_the_full_text(commit):
    with commit():
        library_record(
            number="rank-text",
            status="published",
            title="Fictional general act",
            full_text="Somewhere in the text the word quokkaterm appears once.",
        )
        library_record(number="rank-title", status="published", title="Fictional quokkaterm act")
    found = find("quokkaterm", kind="legislation")
    assert urls(found)[:2] == [
        "/library/ARG/legislation/rank-title/",
        "/library/ARG/legislation/rank-text/",
    ]
    assert "<mark>quokkaterm</mark>" in found.results[1].snippet_html


def test_facets_count_states_kinds_articles_crime_types_and_filter(commit):
    with commit():
        library_record(
            number="facet-1",
            status="published",
            adopted="2011-05-01",
            provisions=[
                {
                    "number": "Art. 1",
                    "text": "Fictional wombatword laundering offence.",
                    "articles": ["UNTOC 6(1)(a)"],
                    "crime_types": ["money-laundering"],
                }
            ],
        )
        library_record(
            state="BRA",
            number="facet-2",
            status="published",
            provisions=[
                {
                    "number": "Art. 1",
                    "text": "Fictional wombatword smuggling.",
                    "articles": ["SOM 6"],
                }
            ],
        )
    found = find("wombatword")
    assert facet(found, "kind")["provisions"][1] == 2
    assert facet(found, "article")["UNTOC-6"] == ("UNTOC art. 6", 1)
    assert facet(found, "article")["SOM-6"][1] == 1
    assert facet(found, "state")["ARG"] == ("Argentina", 1)
    assert facet(found, "crime_type")["money-laundering"][1] == 1
    assert facet(found, "year")["2011"][1] == 1
    assert "section" not in {g.name for g in found.facets}
    narrowed = find("wombatword", article="UNTOC-6")
    assert {r.url.split("#")[0] for r in narrowed.results} == {"/library/ARG/legislation/facet-1/"}
    by_region = find("wombatword", region="019")  # the Americas (M49)
    assert len(by_region.results) == 2
    assert facet(find("wombatword"), "region")["019"][1] == 2
    assert not find("wombatword", region="150").results  # Europe


def test_library_search_keeps_to_the_library(commit):
    found = find("extradition")
    assert found.results and all(r.provider in LIBRARY_PROVIDERS for r in found.results)


@pytest.mark.parametrize("kind", ["legislation", "case", "bibliography", "strategy"])
def test_a_draft_is_found_only_by_its_state_and_the_secretariat(commit, people, kind):
    with commit():
        record = library_record(
            kind, number="draft-1", status="draft", title="Fictional numbatword draft"
        )
    who_finds = {name for name, user in people.items() if find("numbatword", user).results}
    assert who_finds == {"secretariat", "focal", "expert"}
    with commit():
        services.submit(record, acting_user=people["focal"])
        services.publish(record, acting_user=people["secretariat"])
    assert {name for name, user in people.items() if find("numbatword", user).results} == set(
        people
    )
    with commit():
        services.withdraw(record, acting_user=people["secretariat"])
    assert not find("numbatword").results
    assert find("numbatword", people["expert"]).results


def test_editing_a_law_reindexes_its_provisions(commit, people):
    with commit():
        law = library_record(
            number="follow-1",
            status="draft",
            title="Old fictional title",
            provisions=[{"number": "Art. 1", "text": "Fictional dugongword provision."}],
        )
    with commit():
        law.title_en = "Renamed fictional act"
        services.save_record(law, acting_user=people["focal"])
    hit = next(r for r in find("dugongword", people["focal"]).results if r.provider == "provisions")
    assert "Renamed fictional act" in hit.title
    with commit():
        services.submit(Law.objects.get(pk=law.pk), acting_user=people["focal"])
    assert not find("dugongword", people["other"]).results


def test_the_index_access_terms_agree_with_the_policy(commit, people):
    with commit():
        library_record(number="agree-1", status="draft")
        library_record("case", state="BRA", number="agree-2", status="submitted")
        library_record("strategy", number="agree-3", status="published")
    users = [u for u in people.values() if u is not None]
    for key in LIBRARY_PROVIDERS:
        assert PROVIDERS[key].access is not None
        assert access_disagreements(key, users) == []


def test_the_search_api_gives_results_snippets_and_facets(
    client, commit, django_assert_max_num_queries
):
    with commit():
        library_record(
            number="api-1",
            status="published",
            provisions=[
                {"number": "Art. 1", "text": "Fictional platypusword.", "articles": ["TIP 3(a)"]}
            ],
        )
    with django_assert_max_num_queries(12):
        data = client.get("/api/library/search", {"q": "platypusword"}).json()
    assert data["count"] == 1
    provision = next(r for r in data["items"] if r["kind"] == "provisions")
    assert "<mark>platypusword</mark>" in provision["snippet_html"]
    articles = next(f for f in data["facets"] if f["name"] == "article")
    assert articles["values"] == [
        {"value": "TIP-3", "label": "TIP art. 3", "count": 1, "selected": False}
    ]
    only = client.get("/api/library/search", {"q": "platypusword", "kind": "cases"}).json()
    assert only["count"] == 0
