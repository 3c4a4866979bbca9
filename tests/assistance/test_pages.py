"""The Assistance pages as their readers meet them: the dashboard, programmes, activities, the
needs a State records and the Secretariat links, and what each reader may not see."""

from datetime import date

import pytest
from django.urls import reverse

from palermo.assistance import services
from palermo.assistance.choices import NeedStatus
from palermo.assistance.models import Activity, Budget, Need, Programme, Project
from palermo.core.choices import Role
from palermo.core.models import Participant, User
from palermo.platform.search import index_objects, search_all
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def state(code):
    return Participant.objects.get(code=code)


def activity(code, *, published=True, beneficiaries=("ARG",), **fields):
    a = Activity.objects.create(
        code=code,
        title=fields.pop("title", f"Fictional activity {code}"),
        published=published,
        demo=True,
        **fields,
    )
    a.beneficiaries.set([state(c) for c in beneficiaries])
    return a


@pytest.fixture
def need(secretariat):
    return services.record_need(
        acting_user=secretariat, participant=state("ARG"), title="Training of prosecutors"
    )


@pytest.fixture
def other_focal(db):
    return UserFactory(role=Role.FOCAL_POINT, state="BRA")


def test_dashboard_shows_figures_of_published_work_and_the_rates(client):
    programme = Programme.objects.create(code="p-dash", title="Dash programme", published=True)
    project = Project.objects.create(
        code="pr-dash", title="Dash project", programme=programme, published=True
    )
    project.beneficiaries.set([state("ARG")])
    Budget.objects.create(project=project, amount=1000, currency="EUR", year=2010)
    activity("a-dash-1", start=date(2010, 3, 1))
    activity("a-dash-hidden", published=False, start=date(2010, 3, 1))
    response = client.get(reverse("assistance:home"))
    assert response.status_code == 200
    text = response.content.decode()
    shown = response.context["summary"]["activities"]
    assert shown == Activity.objects.filter(published=True).exclude(origin="partner").count()
    assert "EUR" in text and "per USD" in text  # the rate used under the money totals
    assert "world-map" in text and "Argentina" in text


def test_dashboard_filters_by_period(client):
    activity("a-old", start=date(1999, 5, 1), end=date(1999, 6, 1))
    before = client.get(reverse("assistance:home")).context["summary"]["activities"]
    after = client.get(
        reverse("assistance:home"), {"date_from": "2020-01-01", "date_to": "2020-12-31"}
    ).context["summary"]["activities"]
    assert after < before


def test_unpublished_activity_is_hidden_from_the_public(client):
    shown = activity("a-public-x", title="Visible workshop on witness protection")
    hidden = activity("a-secret-x", published=False, title="Secret workshop on witness protection")
    listing = client.get(reverse("assistance:activities"), {"q": "witness protection"})
    text = listing.content.decode()
    assert shown.title in text and hidden.title not in text
    assert client.get(reverse("assistance:activity", args=[shown.pk])).status_code == 200
    assert client.get(reverse("assistance:activity", args=[hidden.pk])).status_code == 404
    # Argentina, which benefits, sees it.
    fp = client_for("focal-point")
    assert fp.get(reverse("assistance:activity", args=[hidden.pk])).status_code == 200


def client_for(username):
    from django.test import Client

    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


def test_activity_detail_shows_source_and_fictional_badge(client):
    a = activity("a-hist", origin="historical", source="CTOC/COP/WG.2/2010/4", paragraph=12)
    text = client.get(reverse("assistance:activity", args=[a.pk])).content.decode()
    assert "CTOC/COP/WG.2/2010/4" in text and "12" in text
    assert "Fictional" in text


def test_activity_list_exports_csv_of_what_the_reader_sees(client):
    activity("a-csv-1", title="Exported workshop")
    activity("a-csv-2", published=False, title="Unexported workshop")
    response = client.get(reverse("assistance:activities"), {"_export": "csv", "q": "workshop"})
    body = b"".join(response.streaming_content if response.streaming else [response.content])
    assert b"Exported workshop" in body and b"Unexported workshop" not in body


def test_programme_detail_shows_budget_in_currency_and_usd_to_the_secretariat(user_client):
    programme = Programme.objects.create(code="p-det", title="Detail programme", published=True)
    project = Project.objects.create(
        code="pr-det", title="Detail project", programme=programme, published=True
    )
    Budget.objects.create(project=project, amount=2000, currency="USD", year=2011)
    text = (
        user_client("secretariat")
        .get(reverse("assistance:programme", args=[programme.pk]))
        .content.decode()
    )
    assert "Detail project" in text and "2,000" in text
    public = user_client(None).get(reverse("assistance:programme", args=[programme.pk]))
    assert "Detail project" in public.content.decode()
    assert "2,000" not in public.content.decode()  # the ledger is not public


def test_lists_use_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    for i in range(15):
        activity(f"a-many-{i}", beneficiaries=("ARG", "BRA"))
    with django_assert_max_num_queries(25):
        client.get(reverse("assistance:activities"))
    with django_assert_max_num_queries(25):
        client.get(reverse("assistance:programmes"))


def test_need_list_queries_are_bounded(user_client, secretariat, django_assert_max_num_queries):
    for i in range(10):
        services.record_need(acting_user=secretariat, participant=state("ARG"), title=f"N{i}")
    c = user_client("secretariat")
    with django_assert_max_num_queries(40):
        assert c.get(reverse("assistance:needs")).status_code == 200


def test_focal_point_records_a_need_for_their_state(user_client):
    c = user_client("focal-point")
    response = c.post(
        reverse("assistance:need_new"),
        {
            "participant": state("ARG").pk,
            "title": "Help with a witness protection law",
            "priority": "high",
            "origin": "request",
        },
    )
    need = Need.objects.get(title="Help with a witness protection law")
    assert response.status_code == 302 and need.participant.code == "ARG"
    page = c.get(reverse("assistance:need", args=[need.pk])).content.decode()
    assert "Open" in page and "Recorded" in page  # the first event of its history


def test_focal_point_cannot_record_a_need_for_another_state(user_client):
    c = user_client("focal-point")
    response = c.post(
        reverse("assistance:need_new"),
        {
            "participant": state("BRA").pk,
            "title": "Not theirs",
            "priority": "high",
            "origin": "request",
        },
    )
    assert response.status_code == 200  # the form refuses the State
    assert not Need.objects.filter(title="Not theirs").exists()


def test_need_is_not_shown_to_anonymous_or_another_state(client, need, other_focal):
    url = reverse("assistance:need", args=[need.pk])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(other_focal)
    assert client.get(url).status_code == 404
    assert need.title not in client.get(reverse("assistance:needs")).content.decode()


def test_a_state_sees_only_its_own_needs_in_the_list(user_client, secretariat, need):
    services.record_need(acting_user=secretariat, participant=state("BRA"), title="Brazil's need")
    text = user_client("focal-point").get(reverse("assistance:needs")).content.decode()
    assert need.title in text and "Brazil&#x27;s need" not in text and "Brazil's need" not in text


def test_secretariat_links_an_activity_and_the_need_becomes_planned(user_client, need):
    a = activity("a-link", status="planned")
    c = user_client("secretariat")
    page = c.get(reverse("assistance:need", args=[need.pk])).content.decode()
    assert "Link an activity" in page
    c.post(reverse("assistance:need_link", args=[need.pk]), {"activity": a.pk})
    need.refresh_from_db()
    assert need.status == NeedStatus.PLANNED
    page = c.get(reverse("assistance:need", args=[need.pk])).content.decode()
    assert a.title in page and "Planned" in page


def test_a_focal_point_cannot_link_to_another_states_need(user_client, secretariat):
    brazil = services.record_need(
        acting_user=secretariat, participant=state("BRA"), title="Brazil's need"
    )
    a = activity("a-nolink")
    c = user_client("focal-point")
    response = c.post(reverse("assistance:need_link", args=[brazil.pk]), {"activity": a.pk})
    assert response.status_code in (403, 404)
    assert not brazil.links.exists()
    own = services.record_need(acting_user=secretariat, participant=state("ARG"), title="Own")
    page = c.get(reverse("assistance:need", args=[own.pk])).content.decode()
    assert "Link an activity" not in page  # the link form is the Secretariat's


def test_status_change_from_the_need_page(user_client, need):
    c = user_client("focal-point")
    c.post(reverse("assistance:need_status", args=[need.pk]), {"status": "withdrawn", "note": ""})
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN  # withdrawing needs a reason
    c.post(
        reverse("assistance:need_status", args=[need.pk]),
        {"status": "withdrawn", "note": "Met by another donor"},
    )
    need.refresh_from_db()
    assert need.status == NeedStatus.WITHDRAWN


def test_donor_view_page_opens(client):
    assert client.get(reverse("assistance:donor_view")).status_code == 200


def test_search_finds_needs_only_for_their_state_and_the_secretariat(secretariat, other_focal):
    need = services.record_need(
        acting_user=secretariat, participant=state("ARG"), title="Zyxwvut forensic laboratory"
    )
    hidden = activity("a-search-hidden", published=False, title="Qwertyuiop secret seminar")
    index_objects(Need, [need.pk])
    index_objects(Activity, [hidden.pk])

    def found(user, words):
        return [r.title for g in search_all(words, user) for r in g.results]

    from django.contrib.auth.models import AnonymousUser

    assert any("Zyxwvut" in t for t in found(secretariat, "Zyxwvut"))
    assert any("Zyxwvut" in t for t in found(User.objects.get(username="focal-point"), "Zyxwvut"))
    assert not found(other_focal, "Zyxwvut")
    assert not found(AnonymousUser(), "Zyxwvut")
    assert not found(AnonymousUser(), "Qwertyuiop")
    assert found(secretariat, "Qwertyuiop")
