"""`palermo search`: the site search from the command line, as a user sees it."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from palermo.core.models import User
from palermo.platform.grants import grant
from tests.examples.models import Casefile

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("search", *args, stdout=out)
    return out.getvalue()


def as_json(*args) -> dict:
    return json.loads(run(*args, "--json"))


@pytest.fixture
def casefile(django_capture_on_commit_callbacks):
    analyst = User.objects.get(username="analyst")
    with django_capture_on_commit_callbacks(execute=True):
        case = Casefile.objects.create(title="Lighthouse keepers", summary="Ships at the harbour")
    grant(case, to=analyst, role="owner", acting_user=analyst, first=True)
    return case


def test_prints_results_totals_and_facets():
    out = run("trafficking")
    assert "results — page 1 of" in out
    assert "\n1. " in out and "score " in out
    assert "Kind:" in out and "[kind=articles]" in out
    # Other modules' documents rank high for this word too: the kind narrows to the articles.
    articles = run("trafficking", "--kind", "articles")
    assert "\n1. " in articles and "/treaties/" in articles
    assert "<mark>" not in out  # plain snippets on a terminal


def test_json_fields():
    page = as_json("state")
    assert set(page) == {
        "query",
        "filters",
        "total",
        "total_exact",
        "page",
        "pages",
        "page_size",
        "results",
        "facets",
    }
    assert page["total"] > 20 and page["total_exact"] is True and page["page_size"] == 20
    first = page["results"][0]
    assert set(first) == {"rank", "title", "url", "kind", "language", "snippet", "score"}
    assert first["rank"] == 1 and first["score"] > 0
    kinds = next(f for f in page["facets"] if f["name"] == "kind")
    assert sum(v["count"] for v in kinds["values"]) == page["total"]


def test_kind_facet_and_page_narrow_the_list():
    page = as_json("trafficking")
    instrument = next(f for f in page["facets"] if f["name"] == "instrument")["values"][0]
    narrowed = as_json(
        "trafficking", "--kind", "articles", "--facet", f"instrument={instrument['value']}"
    )
    assert narrowed["total"] == instrument["count"]
    assert {r["kind"] for r in narrowed["results"]} == {"articles"}
    assert narrowed["filters"] == {"kind": "articles", "instrument": instrument["value"]}
    first, second = as_json("state"), as_json("state", "--page", "2")
    assert second["page"] == 2 and second["results"][0]["rank"] == 21
    assert {r["url"] for r in second["results"]}.isdisjoint(r["url"] for r in first["results"])


def test_without_as_it_searches_as_the_public(casefile):
    # The workspace is the analyst's: an anonymous visitor neither finds nor counts it.
    public = as_json("lighthouse")
    assert all(r["kind"] != "casefiles" for r in public["results"])
    assert all(
        v["value"] != "casefiles"
        for f in public["facets"]
        if f["name"] == "kind"
        for v in f["values"]
    )
    assert "[kind=casefiles]" not in run("lighthouse", "--as", "observer")
    mine = as_json("lighthouse", "--as", "analyst")
    assert [r["title"] for r in mine["results"] if r["kind"] == "casefiles"] == [
        "Lighthouse keepers"
    ]


def test_nothing_found():
    assert "Nothing found for “zzxqvw”." in run("zzxqvw")
    assert as_json("zzxqvw")["total"] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x"], "at least two letters"),
        (["trafficking", "--kind", "nonsense"], "No kind “nonsense”"),
        (["trafficking", "--facet", "colour=red"], "No facet “colour”"),
        (["trafficking", "--facet", "instrument"], "name=value"),
        (["trafficking", "--as", "nobody-here"], "No user named"),
        (["trafficking", "--page", "0"], "counts from 1"),
    ],
)
def test_refuses_what_it_cannot_do(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
