"""The Directory API's writes, from the refused side first."""

import pytest
from django.test import Client

from palermo.core.choices import Role
from palermo.core.services import create_api_token
from palermo.directory.models import Authority
from tests.factories import AuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db


def _client(user):
    if user is None:
        return Client()
    _token, secret = create_api_token(acting_user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def _body(**overrides):
    return {
        "participant": "ARG",
        "area": "extradition",
        "authority": "API authority (fictional)",
        "languages": ["es"],
        "channels": ["diplomatic"],
        **overrides,
    }


def test_a_focal_point_of_another_state_is_refused():
    other = UserFactory(role=Role.FOCAL_POINT, state="BRA")
    response = _client(other).post(
        "/api/directory/entries", _body(), content_type="application/json"
    )
    assert response.status_code == 403
    entry = AuthorityFactory()
    response = _client(other).put(
        f"/api/directory/entries/{entry.pk}", _body(), content_type="application/json"
    )
    assert response.status_code == 403
    assert _client(other).post(f"/api/directory/entries/{entry.pk}/confirm").status_code == 403
    assert not Authority.objects.filter(authority="API authority (fictional)").exists()


def test_a_practitioner_reads_but_does_not_write():
    practitioner = UserFactory(role=Role.PRACTITIONER)
    response = _client(practitioner).post(
        "/api/directory/entries", _body(), content_type="application/json"
    )
    assert response.status_code == 403
    assert (
        _client(None)
        .post("/api/directory/entries", _body(), content_type="application/json")
        .status_code
        == 401
    )


def test_the_focal_point_creates_and_moves_nothing_to_another_state(focal_point):
    client = _client(focal_point)
    response = client.post("/api/directory/entries", _body(), content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["participant"] == "ARG" and "contact_persons" not in created
    response = client.put(
        f"/api/directory/entries/{created['id']}",
        _body(participant="BRA"),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Authority.objects.get(pk=created["id"]).participant.code == "ARG"


def test_invalid_values_are_a_422_with_the_reason(secretariat):
    response = _client(secretariat).post(
        "/api/directory/entries", _body(languages=["spanish"]), content_type="application/json"
    )
    assert response.status_code == 422 and "ISO 639-1" in str(response.json()["detail"])
    response = _client(secretariat).post(
        "/api/directory/entries", _body(area="nowhere"), content_type="application/json"
    )
    assert response.status_code == 404 and "known areas" in response.json()["detail"]


def test_a_focal_point_keeps_the_restricted_fields_it_cannot_see(focal_point):
    entry = AuthorityFactory(contact_persons="Kept Person", direct_lines="+000 1")
    response = _client(focal_point).put(
        f"/api/directory/entries/{entry.pk}",
        _body(authority=entry.authority, area="mla", contact_persons="", direct_lines=""),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    entry.refresh_from_db()
    assert entry.contact_persons == "Kept Person" and entry.direct_lines == "+000 1"


def test_only_the_secretariat_deletes(focal_point, secretariat):
    entry = AuthorityFactory()
    assert _client(focal_point).delete(f"/api/directory/entries/{entry.pk}").status_code == 403
    assert _client(secretariat).delete(f"/api/directory/entries/{entry.pk}").status_code == 204
    assert not Authority.objects.filter(pk=entry.pk).exists()


def test_filters(client):
    items = client.get("/api/directory/entries", {"area": "som_sea"}).json()["items"]
    assert items and {i["area"] for i in items} == {"som_sea"}
    stale = client.get("/api/directory/entries", {"stale": "true"}).json()["items"]
    assert stale and all(i["stale"] for i in stale)
    assert client.get("/api/directory/areas").json()[0]["code"] == "mla"
