"""The Treaties declarations (UNTOC art. 18(13), 18(14); SOM art. 8(6)) prefill a new entry and
are compared with an existing one; a disagreement is shown on the page and in the API."""

import pytest
from django.urls import reverse

from palermo.directory.models import Authority
from palermo.directory.queries import disagreements
from palermo.treaties.choices import DeclarationKind, DeclarationSubject
from palermo.treaties.models import Declaration
from tests.factories import (
    AuthorityFactory,
    DeclarationFactory,
    DirectoryAreaFactory,
    InstrumentFactory,
    ParticipantFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def testland():
    state = ParticipantFactory(testland=True)
    DeclarationFactory(state=state, authority="Ministry of Justice of Testland (fictional)")
    DeclarationFactory(
        state=state,
        kind=DeclarationKind.DECLARATION,
        subject=DeclarationSubject.ACCEPTED_LANGUAGES,
        authority="",
        languages=["en", "fr"],
    )
    return state


def test_a_new_entry_is_prefilled_from_the_declarations(user_client, testland):
    response = user_client("secretariat").get(
        reverse("directory:entry_new"), {"participant": testland.code, "area": "mla"}
    )
    text = response.content.decode()
    assert 'id="prefilled"' in text
    assert 'value="Ministry of Justice of Testland (fictional)"' in text
    assert 'value="en, fr"' in text


def test_no_prefill_without_a_declaration(user_client, testland):
    response = user_client("secretariat").get(
        reverse("directory:entry_new"), {"participant": testland.code, "area": "extradition"}
    )
    assert 'id="prefilled"' not in response.content.decode()


def test_a_disagreement_is_shown(client, testland):
    entry = AuthorityFactory(
        state=testland, authority="Office of the Attorney General (fictional)", languages=["en"]
    )
    found = {d.field: d for d in disagreements(entry)}
    assert found["authority"].declared == "Ministry of Justice of Testland (fictional)"
    assert found["languages"].declared == "en, fr"
    text = client.get(reverse("directory:entry", args=[entry.pk])).content.decode()
    assert 'id="declaration-check"' in text and "disagreement-authority" in text
    assert "disagreement-languages" in text
    api = client.get(f"/api/directory/entries/{entry.pk}").json()
    assert {d["field"] for d in api["disagreements"]} == {"authority", "languages"}


def test_an_entry_that_agrees(client, testland):
    entry = AuthorityFactory(
        state=testland,
        authority="ministry of justice of  Testland (fictional)",  # case and spaces aside
        languages=["fr", "en"],
    )
    assert disagreements(entry) == []
    text = client.get(reverse("directory:entry", args=[entry.pk])).content.decode()
    assert "disagreement-" not in text and 'class="agrees"' in text


def test_the_som_article_8_6_authority(client):
    state = ParticipantFactory()
    Declaration.objects.create(
        participant=state,
        instrument=InstrumentFactory(code="SOM"),
        kind=DeclarationKind.NOTIFICATION,
        subject=DeclarationSubject.SOM_VESSEL_AUTHORITY,
        authority="Maritime Rescue Centre (fictional)",
    )
    entry = AuthorityFactory(
        state=state, area=DirectoryAreaFactory(code="som_sea"), authority="Navy HQ (fictional)"
    )
    assert [d.field for d in disagreements(entry)] == ["authority"]
    # Mutual legal assistance is not compared with the SOM declaration.
    other = AuthorityFactory(state=state, authority="Navy HQ (fictional)")
    assert disagreements(other) == []


def test_the_demo_shows_a_disagreement(client):
    entry = Authority.objects.get(participant__code="ARG", area__code="mla", is_demo=True)
    assert {d.field for d in disagreements(entry)} == {"authority", "languages"}
