"""The Directory's pages: browsing, filtering, an entry, editing, confirming; the list's query
count; the State's profile panel."""

import datetime as dt

import pytest
from django.urls import reverse

from palermo.core.choices import Role
from palermo.directory.models import Authority
from tests.factories import AuthorityFactory, DirectoryAreaFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_list_shows_the_demo_entries_marked_fictional(client):
    response = client.get(reverse("directory:entries"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Fictional Central Authority for International Legal Assistance (demo)" in text
    assert 'class="demo-label"' in text
    assert "fictional" in text.lower()


def test_filter_by_area(client):
    response = client.get(reverse("directory:entries"), {"area": "som_sea"})
    text = response.content.decode()
    assert "Fictional Coast Guard Operations Centre (demo)" in text
    assert "Fictional Directorate of Extradition (demo)" not in text


def test_the_list_flags_entries_not_confirmed_for_twelve_months(client):
    old = AuthorityFactory(
        authority="Old authority (fictional)",
        last_confirmed=dt.date.today() - dt.timedelta(days=400),
    )
    fresh = AuthorityFactory(authority="Fresh authority (fictional)")
    response = client.get(reverse("directory:entries"), {"stale": "yes", "participant": "ARG"})
    text = response.content.decode()
    assert old.authority in text and fresh.authority not in text
    assert "status-stale" in text
    response = client.get(reverse("directory:entries"), {"stale": "no", "participant": "ARG"})
    assert fresh.authority in response.content.decode()


def test_the_list_costs_the_same_queries_however_many_entries(client, django_assert_num_queries):
    url = reverse("directory:entries")
    client.get(url)  # warm caches (content types, sessions)
    with django_assert_num_queries(6) as first:
        client.get(url)
    AuthorityFactory.create_batch(10, state="BRA")
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(url)


def test_an_entry_page(client):
    entry = AuthorityFactory(unit="Unit for tests", requirements="Send it in writing.")
    response = client.get(reverse("directory:entry", args=[entry.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert entry.authority in text and "Unit for tests" in text and "Send it in writing." in text


def test_a_focal_point_adds_an_entry_for_their_own_state(user_client):
    client = user_client("focal-point")
    area = DirectoryAreaFactory(code="prevention")
    response = client.post(
        reverse("directory:entry_new"),
        {
            "participant": Authority.objects.filter(participant__code="ARG").first().participant_id,
            "area": area.pk,
            "authority": "New prevention office (fictional)",
            "languages": "es, en",
            "channels": ["central_authority"],
            "convention_legal_basis": "unknown",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    entry = Authority.objects.get(authority="New prevention office (fictional)")
    assert entry.languages == ["es", "en"] and entry.participant.code == "ARG"


def test_a_focal_point_cannot_add_an_entry_for_another_state(user_client):
    from palermo.core.models import Participant

    client = user_client("focal-point")
    response = client.post(
        reverse("directory:entry_new"),
        {
            "participant": Participant.objects.get(code="BRA").pk,
            "area": DirectoryAreaFactory().pk,
            "authority": "Not theirs (fictional)",
        },
    )
    assert response.status_code == 200  # the form again, with the State refused
    assert not Authority.objects.filter(authority="Not theirs (fictional)").exists()


def test_a_focal_point_of_another_state_may_not_edit_or_confirm(client):
    entry = AuthorityFactory(last_confirmed=dt.date(2020, 1, 1))
    other = UserFactory(role=Role.FOCAL_POINT, state="BRA")
    client.force_login(other)
    assert client.get(reverse("directory:entry_edit", args=[entry.pk])).status_code == 403
    assert client.post(reverse("directory:entry_confirm", args=[entry.pk])).status_code == 403
    entry.refresh_from_db()
    assert entry.last_confirmed == dt.date(2020, 1, 1)


def test_the_state_confirms_its_entry(user_client):
    entry = AuthorityFactory(last_confirmed=dt.date(2020, 1, 1))
    client = user_client("focal-point")
    response = client.post(reverse("directory:entry_confirm", args=[entry.pk]))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.last_confirmed == dt.date.today()
    page = client.get(reverse("directory:entries"), {"participant": "ARG", "stale": "yes"})
    assert entry.authority not in page.content.decode()


def test_only_the_secretariat_deletes(user_client):
    entry = AuthorityFactory()
    assert (
        user_client("focal-point")
        .post(reverse("directory:entry_delete", args=[entry.pk]))
        .status_code
        == 403
    )
    assert Authority.objects.filter(pk=entry.pk).exists()
    assert (
        user_client("secretariat")
        .post(reverse("directory:entry_delete", args=[entry.pk]))
        .status_code
        == 302
    )
    assert not Authority.objects.filter(pk=entry.pk).exists()


def test_the_state_profile_has_a_directory_panel(client):
    response = client.get(reverse("core:participant", args=["ARG"]))
    text = response.content.decode()
    assert "profile-directory" in text
    assert "Fictional Directorate of Extradition (demo)" in text
