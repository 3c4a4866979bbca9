"""Saved searches: saved from the search page, listed, run and deleted by their owner alone."""

import pytest
from django.test import Client
from django.urls import reverse

from palermo.core.models import User
from palermo.library import services
from palermo.library.models import SavedSearch
from tests.library.test_views import login, make_case, publish

pytestmark = pytest.mark.django_db


def signed_in(username):
    return login(Client(), User.objects.get(username=username))


def test_save_this_search_then_run_and_delete_it():
    publish(make_case(title="Forced labour test case"))
    client = signed_in("observer")
    page = client.get(reverse("library:search"), {"q": "forced labour", "state": "ARG"})
    assert 'id="save-search"' in page.content.decode()
    response = client.post(
        reverse("library:saved_create"),
        {"name": "Forced labour in Argentina", "q": "forced labour", "state": "ARG"},
    )
    assert response.status_code == 302 and "q=forced+labour" in response["Location"]
    saved = SavedSearch.objects.get(owner__username="observer")
    assert saved.query == "forced labour" and saved.filters == {"state": "ARG"}

    listing = client.get(reverse("library:saved")).content.decode()
    assert "Forced labour in Argentina" in listing
    run = client.get(reverse("library:saved_run", args=[saved.pk]))
    assert run.status_code == 302
    assert "q=forced+labour" in run["Location"] and "state=ARG" in run["Location"]
    results = client.get(run["Location"]).content.decode()
    assert "Forced labour test case" in results

    assert client.get(reverse("library:saved_delete", args=[saved.pk])).status_code == 405
    assert client.post(reverse("library:saved_delete", args=[saved.pk])).status_code == 302
    assert not SavedSearch.objects.filter(pk=saved.pk).exists()


def test_a_saved_search_is_its_owners_alone():
    owner = User.objects.get(username="focal-point")
    saved = services.save_search(acting_user=owner, name="Mine", query="smuggling", filters={})
    saved = SavedSearch.objects.get(owner=owner, name="Mine")
    for username in ("expert", "secretariat"):
        other = signed_in(username)
        assert other.get(reverse("library:saved_run", args=[saved.pk])).status_code == 404
        assert other.post(reverse("library:saved_delete", args=[saved.pk])).status_code == 404
        assert "Mine" not in other.get(reverse("library:saved")).content.decode()
    assert SavedSearch.objects.filter(pk=saved.pk).exists()


def test_an_anonymous_visitor_cannot_save_a_search(client):
    page = client.get(reverse("library:search"), {"q": "forced labour"}).content.decode()
    assert 'id="save-search"' not in page
    response = client.post(reverse("library:saved_create"), {"name": "x", "q": "forced"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not SavedSearch.objects.exists()


def test_a_search_needs_a_name_to_be_saved():
    client = signed_in("observer")
    response = client.post(
        reverse("library:saved_create"), {"name": "", "q": "forced"}, follow=True
    )
    assert "Give the search a name" in response.content.decode()
    assert not SavedSearch.objects.filter(owner__username="observer").exists()
