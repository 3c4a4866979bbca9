"""Only the Secretariat deletes a declaration recorded by mistake; a focal point cannot, even
for their own State."""

import pytest
from auditlog.models import LogEntry

from palermo.core.models import User
from palermo.core.services import create_api_token
from palermo.treaties.models import Declaration
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db


@pytest.fixture
def declaration():
    return Declaration.objects.filter(participant__code="ARG", is_demo=True).first()


def url(d):
    return f"/treaties/participants/ARG/declarations/{d.pk}/delete/"


@pytest.mark.parametrize("username", [r for r in ROLES if r != "secretariat"])
def test_other_roles_cannot_delete(user_client, declaration, username):
    client = user_client(username)
    assert client.post(url(declaration)).status_code == 403
    assert url(declaration) not in client.get("/participants/ARG/").content.decode()
    assert Declaration.objects.filter(pk=declaration.pk).exists()


def test_anonymous_visitors_are_sent_to_sign_in(user_client, declaration):
    response = user_client(None).post(url(declaration))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_secretariat_deletes_and_the_audit_trail_keeps_it(user_client, declaration):
    client = user_client("secretariat")
    assert url(declaration) in client.get("/participants/ARG/").content.decode()
    assert client.get(url(declaration)).status_code == 405
    assert client.post(url(declaration)).status_code == 302
    assert not Declaration.objects.filter(pk=declaration.pk).exists()
    entry = LogEntry.objects.filter(object_pk=str(declaration.pk), action=LogEntry.Action.DELETE)
    assert entry.get().actor.username == "secretariat"


def test_the_api_refuses_a_focal_point_and_lets_the_secretariat_delete(client, declaration):
    _t, fp_key = create_api_token(acting_user=User.objects.get(username="focal-point"), name="f")
    path = f"/api/treaties/declarations/{declaration.pk}"
    refused = client.delete(path, headers={"Authorization": f"Bearer {fp_key}"})
    assert refused.status_code == 403 and "treaties.delete_declaration" in refused.json()["detail"]
    _t, key = create_api_token(acting_user=User.objects.get(username="secretariat"), name="s")
    assert client.delete(path, headers={"Authorization": f"Bearer {key}"}).status_code == 204
    assert not Declaration.objects.filter(pk=declaration.pk).exists()
