"""Access terms inside the index, and the bounded ranking of broad queries, on whichever backend
the suite runs (SQLite by default, PostgreSQL with PALERMO_DATABASE_URL)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client, override_settings

from palermo.core.models import User
from palermo.platform import actors
from palermo.platform import search as site
from palermo.platform.models import Job
from palermo.platform.policies import policy_for, secretariat
from palermo.platform.searchindex import backends, text
from palermo.platform.searchindex.models import Document

pytestmark = pytest.mark.django_db

KEY = "jobs-by-terms"


def job_terms(user):
    """The Job policy (``secretariat | owner("owner")``, and the system actor sees every row)
    restated as access terms."""
    if actors.is_system(user) or secretariat.test(user, None):
        return site.ALL
    return [f"owner:{user.pk}"] if getattr(user, "is_authenticated", False) else []


@pytest.fixture
def provider():
    registered = site.register_search(
        KEY,
        "Jobs (by access terms)",
        model=Job,
        fields={"label": "A", "message": "B"},
        result=lambda job: (job.label, f"/jobs/{job.pk}/"),
        access=lambda job: [f"owner:{job.owner_id}"],
        access_terms=job_terms,
        # A facet with letters outside ASCII (the migration spells its tokens in SQL).
        facets={"tag": lambda job: f"Étiquette {job.label.split()[-1]}"},
    )
    yield registered
    del site.PROVIDERS[KEY]
    site.FACETS.pop("tag", None)


@pytest.fixture
def people(db):
    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def jobs(provider, people, django_capture_on_commit_callbacks):
    """Two jobs of the analyst's, one of the focal point's, one of nobody's."""
    made = []
    with django_capture_on_commit_callbacks(execute=True):
        for label, owner in [
            ("Lantern inventory one", people["analyst"]),
            ("Lantern inventory two", people["analyst"]),
            ("Lantern census", people["focal-point"]),
            ("Lantern orphan", None),
        ]:
            made.append(Job.objects.create(kind="test", label=label, owner=owner, params={}))
    return made


def everyone(people):
    return [AnonymousUser(), *people.values()]


def found(user, query="lantern"):
    page = site.search(query, user, filters={"kind": KEY})
    return page.total, sorted(r.title for r in page.results)


def test_access_terms_agree_with_the_policy_for_every_user_and_row(people, jobs):
    assert site.access_disagreements(KEY, everyone(people)) == []
    # Every provider that declares access terms, over every role of the demo users.
    for key, provider in site.PROVIDERS.items():
        if provider.access is not None:
            assert site.access_disagreements(key, everyone(people)) == [], key


def test_a_searcher_finds_and_counts_only_what_their_terms_allow(people, jobs):
    assert found(people["analyst"]) == (2, ["Lantern inventory one", "Lantern inventory two"])
    assert found(people["focal-point"]) == (1, ["Lantern census"])
    assert found(people["secretariat"])[0] == 4
    # Refused: a user who owns none of them, and the public.
    assert found(people["observer"]) == (0, [])
    assert found(None) == (0, [])
    assert found(AnonymousUser()) == (0, [])


def test_access_terms_and_the_policy_subquery_match_the_same_documents(people, jobs, provider):
    parsed = text.parse("lantern")
    backend = backends.backend()
    policy = policy_for(Job)
    for user in everyone(people):
        by_terms = backend.search(parsed, site._clauses(user, [provider]))
        rows = policy.row_filter(user, "view")
        if rows is False:
            assert by_terms.total == 0
            continue
        if rows is True:
            clause = backends.Clause(KEY)
        else:
            clause = backends.Clause(KEY, *site._permitted_sql(policy, user, provider))
        by_policy = backend.search(parsed, [backends.Part(False, [clause])])
        assert by_terms.total == by_policy.total, user
        assert sorted(h.object_pk for h in by_terms.hits) == sorted(
            h.object_pk for h in by_policy.hits
        )


def test_term_checked_and_other_providers_share_one_search(people, jobs):
    """The core jobs provider (no access terms: the policy's EXISTS) and the term-checked one
    over the same records give the analyst the same counts in one statement."""
    page = site.search("lantern", people["analyst"])
    kinds = {v.value: v.count for g in page.facets if g.name == "kind" for v in g.values}
    assert kinds == {"jobs": 2, KEY: 2}


def test_the_policy_still_decides_the_page_when_terms_are_wrong(people, jobs, provider):
    """Terms that let everyone in: the page's results are checked against the policy (the
    count, from the index, is what the wrong terms say — which the agreement test catches)."""
    provider.access = lambda job: ["everyone"]
    provider.access_terms = lambda user: ["everyone"]
    site.rebuild([KEY])
    total, titles = found(people["observer"])
    assert titles == [] and total == 4
    assert site.access_disagreements(KEY, [people["observer"]])


def test_terms_saying_all_where_the_policy_restricts_fall_back_to_the_policy(
    people, jobs, provider
):
    provider.access_terms = lambda user: site.ALL
    assert found(people["observer"]) == (0, [])
    assert found(people["analyst"])[0] == 2


def test_a_provider_declares_both_sides_of_access_or_neither():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="access_terms"):
        site.register_search(
            "half", "Half", model=Job, fields=["label"], result=str, access=lambda j: []
        )
    assert "half" not in site.PROVIDERS


def test_a_facet_filter_is_part_of_the_match(people, jobs):
    page = site.search("lantern", people["analyst"], filters={"kind": KEY, "tag": "Étiquette two"})
    assert (page.total, [r.title for r in page.results]) == (1, ["Lantern inventory two"])
    tags = {v.value: v.count for g in page.facets if g.name == "tag" for v in g.values}
    assert tags == {"Étiquette two": 1}
    refused = site.search("lantern", people["observer"], filters={"tag": "Étiquette two"})
    assert refused.total == 0


# Bounded ranking -----------------------------------------------------------------------------


def test_below_the_limit_counts_are_exact():
    page = site.search("state", None)
    assert page.total_exact and page.total > 20


@override_settings(SEARCH_RANK_LIMIT=10)
def test_a_broad_query_is_counted_as_more_than_the_limit():
    page = site.search("state", None)
    assert page.total == 10 and not page.total_exact
    assert len(page.results) == 10 and page.pages == 1
    kinds = {v.value: v.count for g in page.facets if g.name == "kind" for v in g.values}
    assert sum(kinds.values()) == 10  # the facets count the ranked set
    narrow = site.search("central authority", None, filters={"kind": "articles"})
    assert narrow.total <= 10 and narrow.total_exact


@override_settings(SEARCH_RANK_LIMIT=10)
def test_the_page_and_the_api_say_more_than():
    html = Client().get("/search/?q=state").content.decode()
    assert "More than 10 results" in html
    assert "the best of the first 10 found" in html
    groups = Client().get("/api/search?q=state").json()
    assert groups and all(g["total_exact"] is False for g in groups)
    exact = Client().get("/api/search?q=central authority&kind=articles").json()
    assert exact[0]["total_exact"] is True


# The index's schema after migrating ----------------------------------------------------------


def test_the_sqlite_delete_trigger_and_access_column_exist():
    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 table is SQLite's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = "
            "'searchindex_document'"
        )
        assert [name for (name,) in cursor.fetchall()] == ["searchindex_fts_delete"]
        cursor.execute("SELECT * FROM searchindex_fts LIMIT 0")
        assert [c[0] for c in cursor.description][-1] == "t"


def test_the_migration_keeps_an_existing_index(people, jobs, django_capture_on_commit_callbacks):
    """0003 on an index written before it (SQLite: the FTS5 table remade without, then with,
    the access column): every document is still found, and deleting one still removes its
    text."""
    from importlib import import_module

    migration = import_module("palermo.platform.searchindex.migrations.0003_access_terms")
    with connection.cursor() as cursor:
        # 0003 read the facet values from their own rows, which 0004 dropped: put them back
        # as they were (from each document's copy) for the replay.
        cursor.execute(
            "CREATE TABLE searchindex_facetvalue (id integer PRIMARY KEY, "
            "document_id integer NOT NULL, name varchar(40) NOT NULL, value varchar(200) NOT NULL)"
        )
        rows = [
            (pk, name, value)
            for pk, facets in Document.objects.values_list("pk", "facets")
            for name, value in facets
        ]
        cursor.executemany(
            "INSERT INTO searchindex_facetvalue (id, document_id, name, value) "
            "VALUES (%s, %s, %s, %s)",
            [(i, *row) for i, row in enumerate(rows, 1)],
        )
        if connection.vendor == "sqlite":
            for sql in migration.BACKWARD:
                cursor.execute(sql)
            cursor.execute("SELECT * FROM searchindex_fts LIMIT 0")
            assert "t" not in [c[0] for c in cursor.description]
            for sql in migration.FORWARD:
                cursor.execute(sql)
        else:  # an index written before 0003: no lexemes of ours in the vectors
            cursor.execute(
                "UPDATE searchindex_document SET vector = ts_delete(vector, ARRAY(SELECT "
                "lexeme FROM unnest(vector) WHERE lexeme LIKE '\\_%%'))"
            )
            assert site.search("lantern", None, filters={"tag": "Étiquette two"}).total == 0
            for sql in migration.POSTGRESQL_FORWARD:
                cursor.execute(sql)
        cursor.execute("DROP TABLE searchindex_facetvalue")
    assert site.search("lantern", people["secretariat"]).total == 8  # both providers
    # The facet tokens the migration wrote in SQL are the ones Python writes and searches.
    tagged = site.search("lantern", people["secretariat"], filters={"tag": "Étiquette two"})
    assert [r.title for r in tagged.results] == ["Lantern inventory two"]
    site.rebuild([KEY])  # as after a provider starts declaring terms
    assert found(people["analyst"])[0] == 2
    with django_capture_on_commit_callbacks(execute=True):
        jobs[0].delete()
    assert found(people["analyst"])[0] == 1
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM searchindex_fts")
            (fts,) = cursor.fetchone()
        assert fts == Document.objects.count()
