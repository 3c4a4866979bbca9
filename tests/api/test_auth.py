"""Who the API takes the caller for, seen from the caller's side: no credentials, a broken token,
a signed-in browser session with and without its CSRF token."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from palermo.core.models import User
from palermo.core.services import create_api_token
from palermo.treaties.models import Declaration

pytestmark = pytest.mark.django_db

CSRF = "csrf0123456789abcdefghijklmnopqr"  # a 32-character secret, as Django's cookie holds

NEW_DECLARATION = {
    "participant": "ARG",
    "instrument": "UNTOC",
    "kind": "notification",
    "subject": "central_authority",
    "article": "18",
    "authority": "Test central authority (fictional)",
}


def browser(username=None):
    """A client that checks CSRF as a real browser request is checked."""
    client = Client(enforce_csrf_checks=True)
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def token_for(username, **kwargs):
    _token, key = create_api_token(
        acting_user=User.objects.get(username=username), name="test", **kwargs
    )
    return key


def assert_401(response, *words):
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["WWW-Authenticate"].startswith("Bearer")
    detail = response.json()["detail"]
    for word in words:
        assert word in detail
    return detail


@pytest.mark.parametrize(
    "method, url, body",
    [
        ("post", "/api/treaties/declarations", NEW_DECLARATION),
        ("post", "/api/treaties/actions", {}),
        ("put", "/api/treaties/instruments/UNTOC/facts", {}),
        ("delete", "/api/treaties/declarations/1", None),
        ("post", "/api/users/1/roles", {"role": "observer"}),
        ("get", "/api/users", None),
    ],
)
def test_a_write_without_credentials_is_401_saying_how_to_authenticate(method, url, body):
    kwargs = {"content_type": "application/json", "data": body} if body is not None else {}
    response = getattr(browser(), method)(url, **kwargs)
    assert_401(response, "Authorization: Bearer <token>", "/account/")


def test_an_unknown_token_is_401_even_on_a_public_read():
    response = browser().get("/api/participants", headers={"Authorization": "Bearer not-a-token"})
    detail = assert_401(response, "unknown or has been revoked", "/account/")
    assert "public data" in detail
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_an_expired_token_is_401_with_its_date_on_a_public_read():
    key = token_for("observer", expires=datetime(2020, 5, 17, 12, 0, tzinfo=UTC))
    response = browser().get(
        "/api/treaties/instruments", headers={"Authorization": f"Bearer {key}"}
    )
    assert_401(response, "expired on 2020-05-17", "/account/")


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Token abc"])
def test_an_authorization_header_that_is_not_a_bearer_token_is_401(header):
    response = browser().get("/api/me", headers={"Authorization": header})
    assert_401(response, "Bearer <token>")


def test_a_deactivated_users_token_is_401():
    key = token_for("analyst")
    User.objects.filter(username="analyst").update(is_active=False)
    response = browser().get("/api/me", headers={"Authorization": f"Bearer {key}"})
    assert_401(response, "unknown or has been revoked")


def test_a_valid_token_needs_no_csrf_token():
    key = token_for("secretariat", expires=datetime.now(UTC) + timedelta(days=1))
    response = browser().post(
        "/api/treaties/declarations",
        NEW_DECLARATION,
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 201


def test_a_signed_in_session_reads_without_csrf_token():
    assert browser("focal-point").get("/api/me").json()["username"] == "focal-point"


def test_a_signed_in_session_write_without_csrf_token_is_403_naming_csrf():
    response = browser("secretariat").post(
        "/api/treaties/declarations", NEW_DECLARATION, content_type="application/json"
    )
    assert response.status_code == 403
    detail = response.json()["detail"]
    assert detail.startswith("CSRF check failed") and "X-CSRFToken" in detail


def test_a_signed_in_session_write_with_its_csrf_token_goes_through():
    client = browser("secretariat")
    client.cookies["csrftoken"] = CSRF
    response = client.post(
        "/api/treaties/declarations",
        NEW_DECLARATION,
        content_type="application/json",
        headers={"X-CSRFToken": CSRF},
    )
    assert response.status_code == 201


def test_a_signed_in_session_without_the_role_is_403_not_401():
    declaration = Declaration.objects.first()
    client = browser("observer")
    client.cookies["csrftoken"] = CSRF
    response = client.delete(
        f"/api/treaties/declarations/{declaration.pk}", headers={"X-CSRFToken": CSRF}
    )
    assert response.status_code == 403
    assert "role does not allow" in response.json()["detail"]
    assert Declaration.objects.filter(pk=declaration.pk).exists()
