"""The catalogue of cases in which the Convention served as legal basis for cooperation: what
each reader finds on the page, in its downloads and in the API, and what stays out of it."""

import csv
import io
import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from palermo.cooperation import catalogue
from palermo.core.choices import Role
from palermo.core.models import User
from palermo.library.models import Case
from tests.factories import UserFactory, library_record

pytestmark = pytest.mark.django_db

PAGE = reverse("cooperation:catalogue")
EXPORT = reverse("cooperation:catalogue_export")
API = "/api/cooperation/catalogue"


def case(number, *, status="published", cooperation=(), state="ARG", **data):
    data.setdefault("crime_types", ["trafficking-in-persons"])
    data.setdefault("decided", "2019-05-02")
    return library_record(
        "case",
        state=state,
        number=number,
        status=status,
        title=data.pop("title", f"Fictional catalogue case {number}"),
        cooperation=list(cooperation),
        **data,
    )


def mla(partner="ITA", basis=True, description="Bank records requested (fictional)."):
    return {
        "kind": "mla",
        "partner": partner,
        "convention_legal_basis": basis,
        "description": description,
    }


def extradition(partner="BRA", basis=True):
    return {
        "kind": "extradition",
        "partner": partner,
        "convention_legal_basis": basis,
        "description": "Extradition of the first defendant (fictional).",
    }


def signed_in(username_or_user):
    client = Client()
    user = (
        User.objects.get(username=username_or_user)
        if isinstance(username_or_user, str)
        else username_or_user
    )
    client.force_login(user)
    return client


def page(client, **params):
    response = client.get(PAGE, {"state": "ARG", **params})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def cases():
    """Four Argentine cases: published with the Convention as basis, published with another
    basis, published with the basis not recorded, and a draft with the Convention as basis."""
    return {
        "flagged": case(
            "cat-flagged",
            title="Fictional flagged case",
            court="Tribunal Oral Federal 1",
            cooperation=[mla(), extradition(basis=False)],
        ),
        "other_basis": case(
            "cat-false", title="Fictional bilateral-treaty case", cooperation=[mla(basis=False)]
        ),
        "unknown": case(
            "cat-none", title="Fictional unknown-basis case", cooperation=[mla(basis=None)]
        ),
        "draft": case(
            "cat-draft",
            status="draft",
            title="Fictional draft flagged case",
            cooperation=[extradition(partner="CHL")],
        ),
    }


# Who finds what ---------------------------------------------------------------------------


def test_the_public_finds_published_flagged_cases_and_no_other(client, cases):
    html = page(client)
    assert "Fictional flagged case" in html
    assert cases["flagged"].get_absolute_url() in html  # links to the case's Library page
    assert "Fictional bilateral-treaty case" not in html  # the Convention was not the basis
    assert "Fictional unknown-basis case" not in html  # the basis is not recorded
    assert "Fictional draft flagged case" not in html  # a draft is its State's and ours only


def test_only_the_cooperation_under_the_convention_is_listed_with_the_case(client, cases):
    html = page(client)
    assert "Bank records requested (fictional)." in html
    assert "Extradition of the first defendant" not in html  # that one had another basis


def test_the_states_focal_point_and_the_secretariat_see_its_flagged_draft(cases):
    for who in ("focal-point", "secretariat"):
        html = page(signed_in(who))
        assert "Fictional draft flagged case" in html, who
        assert "status-draft" in html, who


def test_another_states_focal_point_and_an_observer_do_not_see_the_draft(cases):
    for who in (UserFactory(role=Role.FOCAL_POINT, state="BRA"), "observer", "analyst"):
        html = page(signed_in(who))
        assert "Fictional flagged case" in html
        assert "Fictional draft flagged case" not in html
        assert "status-draft" not in html


def test_the_query_follows_the_library_policy_for_every_reader(cases):
    anonymous = {c.number for c in catalogue.cases(None, {"state": "ARG"})}
    mine = {c.number for c in catalogue.cases(User.objects.get(username="focal-point"), {})}
    assert anonymous == {"cat-flagged"}
    assert {"cat-flagged", "cat-draft"} <= mine
    assert not {"cat-false", "cat-none"} & mine


def test_the_demo_catalogue_shows_the_fictional_flagged_cases(client):
    flagged = Case.objects.filter(
        is_demo=True, status="published", cooperation__convention_legal_basis=True
    ).distinct()
    assert flagged.exists()  # the demo content carries the flag on some cases
    html = client.get(PAGE).content.decode()
    shown = flagged.order_by("participant__name", "-decided", "number").first()
    assert shown.title in html.replace("&#x27;", "'")
    assert 'class="badge demo"' in html


# Filters and counts -----------------------------------------------------------------------


def test_filters_narrow_the_cases_and_the_cooperation_shown(client, cases):
    case(
        "cat-second",
        title="Fictional second flagged case",
        crime_types=["money-laundering"],
        decided="2021-03-01",
        cooperation=[extradition(partner="BRA"), mla(partner="ITA", description="MLA two.")],
    )
    assert "Fictional second flagged case" in page(client)
    by_kind = page(client, kind="extradition")
    assert "Fictional second flagged case" in by_kind
    assert "Fictional flagged case" not in by_kind
    assert "MLA two." not in by_kind  # the case's MLA is not of the chosen kind
    by_partner = page(client, partner="ITA")
    assert "Fictional flagged case" in by_partner and "MLA two." in by_partner
    assert "Fictional flagged case" not in page(client, crime_type="money-laundering")
    assert "Fictional second flagged case" in page(client, year="2021")
    assert "Fictional flagged case" not in page(client, year="2021")


def test_counts_by_kind_and_by_partner_state(client, cases):
    case("cat-second", cooperation=[extradition(partner="BRA"), mla(partner="ITA")])
    figures = catalogue.counts(None, {"state": "ARG"})
    assert figures.cases == 2
    assert figures.cooperation == 3
    assert [(t.value, t.count) for t in figures.by_kind] == [("mla", 2), ("extradition", 1)]
    assert [(t.value, t.count) for t in figures.by_partner] == [("ITA", 2), ("BRA", 1)]
    html = page(client)
    assert '<td data-kind="mla">2</td>' in html
    assert '<td data-partner="ITA">2</td>' in html
    assert "2 cases" in html and "3 instances of cooperation under the Convention" in html


def test_a_filter_value_not_in_the_catalogue_is_an_error_next_to_its_field(client, cases):
    response = client.get(PAGE, {"partner": "ZZZ"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "error-text" in html and "ZZZ" in html
    assert "Fictional flagged case" not in html


def test_an_htmx_request_gets_only_the_results(client, cases):
    response = client.get(PAGE, {"state": "ARG"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "Fictional flagged case" in html


# Downloads --------------------------------------------------------------------------------


def test_the_csv_has_a_row_per_instance_of_cooperation_under_the_convention(client, cases):
    case("cat-second", cooperation=[extradition(partner="BRA"), mla(partner="ITA")])
    response = client.get(EXPORT, {"format": "csv", "state": "ARG"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "palermo-cooperation-catalogue.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    found = sorted((r["Case number"], r["Kind code"], r["Partner State"]) for r in rows)
    assert found == [
        ("cat-flagged", "mla", "ITA"),
        ("cat-second", "extradition", "BRA"),
        ("cat-second", "mla", "ITA"),
    ]
    first = next(r for r in rows if r["Case number"] == "cat-flagged")
    assert first["State"] == "ARG"
    assert first["Court"] == "Tribunal Oral Federal 1"
    assert first["Year"] == "2019"
    assert first["Crime type codes"] == "trafficking-in-persons"
    assert first["Kind of cooperation"] == "Mutual legal assistance"
    assert first["Description"] == "Bank records requested (fictional)."
    site = settings.PALERMO_SITE_URL.rstrip("/")
    assert first["Address"] == f"{site}/library/ARG/case/cat-flagged/"
    assert first["Fictional"] == "true"
    assert "Status" not in first  # everything the public sees is published


def test_the_draft_is_in_its_states_csv_only(client, cases):
    public = client.get(EXPORT, {"format": "csv"}).content.decode()
    assert "cat-flagged" in public and "cat-draft" not in public
    own = signed_in("focal-point").get(EXPORT, {"format": "csv", "state": "ARG"})
    rows = list(csv.DictReader(io.StringIO(own.content.decode())))
    assert {"cat-flagged", "cat-draft"} == {r["Case number"] for r in rows}
    assert {r["Status"] for r in rows} == {"published", "draft"}
    other = signed_in(UserFactory(role=Role.FOCAL_POINT, state="BRA"))
    assert "cat-draft" not in other.get(EXPORT, {"format": "csv"}).content.decode()


def test_a_formula_in_a_description_is_exported_as_text(client):
    case("cat-formula", cooperation=[mla(description='=HYPERLINK("http://x")')])
    body = client.get(EXPORT, {"format": "csv", "state": "ARG"}).content.decode()
    assert "'=HYPERLINK" in body


def test_the_json_and_xlsx_downloads(client, cases):
    response = client.get(EXPORT, {"format": "json", "state": "ARG", "kind": "mla"})
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["filters"] == {"state": "ARG", "kind": "mla"}
    assert data["count"] == 1
    (item,) = data["cases"]
    assert item["number"] == "cat-flagged"
    assert item["url"] == "/library/ARG/case/cat-flagged/"
    assert item["year"] == 2019
    assert item["crime_types"][0]["code"] == "trafficking-in-persons"
    assert item["cooperation"] == [
        {
            "kind": "mla",
            "kind_label": "Mutual legal assistance",
            "partner": "ITA",
            "partner_name": "Italy",
            "description": "Bank records requested (fictional).",
        }
    ]
    xlsx = client.get(EXPORT, {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_a_bad_format_or_filter_is_refused_with_what_is_wrong(client, cases):
    response = client.get(EXPORT, {"format": "pdf"})
    assert response.status_code == 400
    assert "pdf" in response.content.decode() and "csv, xlsx or json" in response.content.decode()
    response = client.get(EXPORT, {"format": "csv", "kind": "espionage"})
    assert response.status_code == 400
    assert "kind:" in response.content.decode() and "espionage" in response.content.decode()


def test_the_pages_download_links_keep_the_filters(client, cases):
    html = page(client, kind="mla")
    assert f"{EXPORT}?state=ARG&amp;kind=mla&amp;format=csv" in html
    response = client.get(PAGE, {"state": "ARG", "_export": "csv"})
    assert response.status_code == 302
    assert response["Location"] == f"{EXPORT}?state=ARG&format=csv"


def test_palermo_export_gives_the_public_no_draft(cases):
    from django.contrib.auth.models import AnonymousUser

    from palermo.platform.exports import EXPORTS, SafeTableExport

    export = EXPORTS["cooperation-catalogue"]
    options = {"state": "ARG", "partner": None, "kind": None, "crime_type": None, "year": None}
    public = SafeTableExport("csv", export.table(options, AnonymousUser())).export()
    assert "cat-flagged" in public and "cat-draft" not in public
    secretariat = User.objects.get(username="secretariat")
    assert "cat-draft" in SafeTableExport("csv", export.table(options, secretariat)).export()


# API --------------------------------------------------------------------------------------


def test_the_api_lists_the_catalogue_paginated_with_the_same_filters(client, cases):
    case("cat-second", cooperation=[extradition(partner="BRA")])
    response = client.get(API, {"state": "ARG"})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    assert [i["number"] for i in data["items"]] == ["cat-flagged", "cat-second"]
    flagged = data["items"][0]
    assert flagged["status"] == "published"
    assert flagged["court"] == "Tribunal Oral Federal 1"
    assert [c["kind"] for c in flagged["cooperation"]] == ["mla"]
    assert client.get(API, {"state": "ARG", "kind": "extradition"}).json()["count"] == 1
    page_two = client.get(API, {"state": "ARG", "page_size": 1, "page": 2}).json()
    assert [i["number"] for i in page_two["items"]] == ["cat-second"]


def test_the_api_gives_the_draft_to_its_state_only(client, cases):
    assert "cat-draft" not in client.get(API, {"state": "ARG"}).content.decode()
    other = signed_in(UserFactory(role=Role.FOCAL_POINT, state="BRA"))
    assert "cat-draft" not in other.get(API, {"state": "ARG"}).content.decode()
    mine = signed_in("focal-point").get(API, {"state": "ARG"}).json()
    assert "cat-draft" in [i["number"] for i in mine["items"]]


def test_the_api_refuses_a_bad_filter_with_its_name(client):
    response = client.get(API, {"kind": "espionage"})
    assert response.status_code == 422
    assert "query parameter 'kind'" in response.json()["detail"][0]


# Cost -------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 15])
def test_the_page_costs_the_same_queries_however_many_cases(
    client, count, django_assert_max_num_queries
):
    for i in range(count):
        case(f"cat-cost-{i}", cooperation=[mla(), extradition()])
    with django_assert_max_num_queries(15):
        html = client.get(PAGE, {"state": "ARG"}).content.decode()
    assert html.count('class="catalogue-cooperation"') == count


def test_the_api_and_export_cost_the_same_queries_however_many_cases(
    client, django_assert_max_num_queries
):
    for i in range(12):
        case(f"cat-cost-{i}", cooperation=[mla(), extradition()])
    with django_assert_max_num_queries(5):
        assert client.get(API, {"state": "ARG"}).json()["count"] == 12
    with django_assert_max_num_queries(8):
        assert client.get(EXPORT, {"format": "csv", "state": "ARG"}).status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(EXPORT, {"format": "json", "state": "ARG"}).status_code == 200
