"""An entry's links to Library laws: shown on the entry page and in the API, a draft law only to
who may see it (the Library's policy), never to the public."""

import pytest
from django.test import Client

from palermo.core.choices import Role
from tests.factories import AuthorityFactory, UserFactory, library_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    entry = AuthorityFactory()
    published = library_record(
        state="ARG",
        number="law-published",
        status="published",
        title="Fictional published extradition law",
    )
    draft = library_record(
        state="ARG", number="law-draft", status="draft", title="Fictional draft extradition law"
    )
    entry.laws.set([published, draft])
    return entry


def _client(user=None):
    client = Client()
    if user:
        client.force_login(user)
    return client


def test_the_public_sees_the_published_law_and_not_the_draft(entry):
    page = _client().get(f"/directory/{entry.pk}/").content.decode()
    assert "Fictional published extradition law" in page
    assert "/library/ARG/legislation/law-published/" in page
    assert "Fictional draft extradition law" not in page
    detail = _client().get(f"/api/directory/entries/{entry.pk}").json()
    assert detail["laws"] == ["/library/ARG/legislation/law-published/"]


def test_the_states_focal_point_sees_the_draft_law_too(entry):
    focal_point = UserFactory(role=Role.FOCAL_POINT, state="ARG")
    page = _client(focal_point).get(f"/directory/{entry.pk}/").content.decode()
    assert "Fictional draft extradition law" in page
    other = UserFactory(role=Role.FOCAL_POINT, state="BRA")
    page = _client(other).get(f"/directory/{entry.pk}/").content.decode()
    assert "Fictional draft extradition law" not in page
