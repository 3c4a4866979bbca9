"""Content rendered once per data version (``platform.pages``): the same for every user, served
from the cache until a write changes the data, and never a user's own."""

import pytest
from bs4 import BeautifulSoup
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import palermo.urls  # noqa: F401  (loads every view and operation: they register their pages)
from palermo.core.choices import Role
from palermo.platform import computed, pages
from palermo.platform.pages import CACHED_PAGES
from tests.factories import ParticipantFactory, UserFactory, record_action

pytestmark = pytest.mark.django_db


def main(response) -> str:
    """What the cached content fills: the page's ``<main>``, or an API response's body."""
    assert response.status_code == 200
    if response["Content-Type"].startswith("application/json"):
        return response.content.decode()
    return BeautifulSoup(response.content, "lxml").select_one("main").decode_contents()


@pytest.fixture
def users():
    """A signed-in user of every role (those acting for a State: Argentina)."""
    return {role.value: UserFactory(role=role) for role in Role}


def clients(users):
    """A visitor, and a signed-in user of every role."""
    yield "anonymous", Client()
    for name, user in users.items():
        client = Client()
        client.force_login(user)
        yield name, client


@pytest.fixture(autouse=True)
def fresh_memory():
    computed.forget_local()
    yield
    computed.forget_local()


@pytest.mark.parametrize("name", sorted(CACHED_PAGES))
def test_every_user_would_be_shown_the_same_content_rendered_for_them(name, users, monkeypatch):
    """What lets the content be shared: rendered for each user as themselves, with nothing
    kept between them, it is the same for all. A template or context that showed anything
    of the reader's own (a link only the Secretariat has, a name) fails here."""
    monkeypatch.setattr(pages, "public_request", lambda request: request)
    contents = {}
    for who, client in clients(users):
        computed.forget_local()
        caches["default"].clear()
        contents[who] = main(client.get(CACHED_PAGES[name]))
    assert len(set(contents.values())) == 1, sorted(contents)


@pytest.mark.parametrize("name", sorted(CACHED_PAGES))
def test_the_content_kept_is_what_the_public_sees_whoever_asked_first(name, users, monkeypatch):
    url = CACHED_PAGES[name]
    everyone = list(clients(users))
    public = main(Client().get(url))
    rendered_for = []
    make_public = pages.public_request

    def spy(request):  # who each kept content or response is computed for
        public_copy = make_public(request)
        rendered_for.append(public_copy.user.is_authenticated)
        return public_copy

    monkeypatch.setattr(pages, "public_request", spy)
    for first in (everyone[-1], everyone[0]):  # a signed-in role, then the public
        computed.forget_local()
        caches["default"].clear()
        main(first[1].get(url))
        assert {main(client.get(url)) for _who, client in everyone} == {public}
    # Computed once per emptied cache, for an anonymous visitor even when a signed-in user
    # asked: the content above cannot be someone's own, whatever a template shows.
    assert rendered_for == [False, False]


def test_the_participant_list_is_served_from_the_cache_until_an_action_is_recorded():
    url = "/treaties/participants/?instrument=UNTOC&on=2030-01-01&q=Zed"
    zed = ParticipantFactory(name="Zedland")
    client = Client()
    first = main(client.get(url))
    assert "Zedland" in first and "No action" in first

    with CaptureQueriesContext(connection) as queries:
        again = main(client.get(url))
    assert again == first
    assert len(queries) <= 2  # the data version, the session-less user: no rows rebuilt

    secretariat = UserFactory(role=Role.SECRETARIAT)
    record_action(zed, acting_user=secretariat)  # a ratification of the Convention in 2020
    after = main(client.get(url))
    assert after != first
    assert "Party" in after


def test_an_api_caller_with_a_token_is_still_checked_and_answered_for_itself():
    url = CACHED_PAGES["treaties.status-api"]
    public = Client().get(url)
    assert public.status_code == 200
    refused = Client().get(url, headers={"Authorization": "Bearer not-a-token"})
    assert refused.status_code == 401  # not the public answer kept a moment ago
    assert "unknown or has been revoked" in refused.json()["detail"]


def test_the_status_api_follows_a_recorded_action():
    zed = ParticipantFactory(name="Zedland")
    url = "/api/treaties/status?instrument=UNTOC&on=2030-01-01&q=Zedland"
    client = Client()
    assert [r["status"] for r in client.get(url).json()["items"]] == ["none"]
    with CaptureQueriesContext(connection) as queries:
        assert [r["status"] for r in client.get(url).json()["items"]] == ["none"]
    assert len(queries) == 1  # the data version: the answer itself is kept

    record_action(zed, acting_user=UserFactory(role=Role.SECRETARIAT))
    assert [r["status"] for r in client.get(url).json()["items"]] == ["party"]


def test_a_page_and_its_htmx_partial_at_the_same_address_are_kept_apart():
    url = "/treaties/participants/?instrument=UNTOC&on=2010-07-13&q=Andorra"
    client = Client()
    partial = client.get(url, headers={"HX-Request": "true"})
    assert b'<div id="results">' in partial.content and b"<form" not in partial.content
    page = client.get(url)  # e.g. the back button, after the filter form updated the list
    soup = BeautifulSoup(page.content, "lxml")
    assert soup.select_one("form.filters #id_q")["value"] == "Andorra"
    assert soup.select_one("#results tbody a").get_text() == "Andorra"
