"""Core pages and API for each role, refusals included."""

import pytest
from auditlog.models import LogEntry
from django.core import mail

from palermo.core import services
from palermo.core.models import ApiToken, Notification, User
from palermo.platform.actors import system_user
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", [None, *ROLES])
def test_home_explains_the_product_to_everyone(user_client, username):
    page = user_client(username).get("/").content.decode()
    assert "Transnational Organized Crime" in page
    assert 'href="/treaties/"' in page


def test_sign_in_and_out(client):
    page = client.post("/accounts/login/", {"username": "observer", "password": "wrong"})
    assert page.status_code == 200 and "correct username and password" in page.content.decode()
    response = client.post("/accounts/login/", {"username": "observer", "password": "palermo-demo"})
    assert response.status_code == 302
    assert "observer" in client.get("/").content.decode()
    client.post("/accounts/logout/")
    assert "Sign in" in client.get("/").content.decode()


def test_the_page_is_right_to_left_in_arabic(client):
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    page = client.get("/").content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-hans" dir="ltr">' in client.get("/").content.decode()


@pytest.mark.parametrize(
    "username", ["focal-point", "expert", "observer", "practitioner", "analyst"]
)
def test_others_see_only_the_audit_entries_of_records_they_may_see(user_client, username):
    observer = User.objects.get(username="observer")
    services.create_api_token(acting_user=observer, name="observer's secret script")
    page = user_client(username).get("/audit/").content.decode()
    assert user_client(username).get("/audit/").status_code == 200
    # A token is its owner's and the Secretariat's: nobody else learns it exists.
    assert ("observer&#x27;s secret script" in page) == (username == "observer")


def test_anonymous_visitors_are_sent_to_sign_in(user_client):
    for url in ("/audit/", "/account/", "/notifications/", "/jobs/", "/import/"):
        response = user_client(None).get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_audit_trail_shows_who_changed_what_and_exports(user_client, secretariat):
    observer = User.objects.get(username="observer")
    services.create_api_token(acting_user=observer, name="nightly export")
    client = user_client("secretariat")
    page = client.get("/audit/?object_repr=nightly").content.decode()
    assert "nightly export" in page and "Demo Observer" in page
    assert "name: None → nightly export" in page
    csv = client.get("/audit/?object_repr=nightly&_export=csv").content.decode()
    assert csv.splitlines()[0].startswith("When,Who,Action")
    assert "nightly export" in csv
    assert LogEntry.objects.filter(actor=observer).exists()


@pytest.mark.parametrize("username", ["observer", "analyst"])
def test_the_import_page_is_refused_to_other_roles(user_client, username):
    assert user_client(username).get("/import/").status_code == 403


def test_api_tokens_are_shown_once_and_can_be_revoked(user_client):
    client = user_client("analyst")
    page = client.post("/account/", {"name": "my script"}).content.decode()
    token = ApiToken.objects.get(name="my script")
    assert token.prefix in page and "will not be shown again" in page
    assert token.key_hash not in page
    client.post("/account/", {"revoke": token.pk})
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_someone_else_cannot_revoke_my_token(user_client):
    owner = User.objects.get(username="analyst")
    token, _key = services.create_api_token(acting_user=owner, name="mine")
    assert user_client("observer").post("/account/", {"revoke": token.pk}).status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_api_identifies_the_token_holder_and_rejects_bad_tokens(client):
    user = User.objects.get(username="focal-point")
    _token, key = services.create_api_token(acting_user=user, name="t")
    me = client.get("/api/me", headers={"Authorization": f"Bearer {key}"}).json()
    assert me["username"] == "focal-point"
    assert me["roles"] == [{"role": "focal_point", "state": "ARG"}]
    assert client.get("/api/me").json()["authenticated"] is False
    bad = client.get(
        "/api/jobs/00000000-0000-0000-0000-000000000000", headers={"Authorization": "Bearer nope"}
    )
    assert bad.status_code == 401 and "detail" in bad.json()


def test_participants_api_is_paginated_and_searchable(client):
    first = client.get("/api/participants").json()
    assert first["count"] == 249 and len(first["items"]) == 50
    found = client.get("/api/participants?q=France").json()["items"]
    assert found[0]["code"] == "FRA" and "GUF" in [p["code"] for p in found]
    assert found[0]["names"]["ar"] == "فرنسا" and found[0]["regional_group"].startswith("Western")
    europe = client.get("/api/participants?region=150").json()
    assert europe["count"] > 40 and all(p["region"] == "Europe" for p in europe["items"])
    assert client.get("/api/participants/XXX").status_code == 404


def test_notifications_are_listed_and_marked_read(user_client, django_capture_on_commit_callbacks):
    user = User.objects.get(username="expert")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([user], title="Review cycle opened", body="Please answer.", url="/")
    assert mail.outbox[-1].subject == "[Palermo] Review cycle opened"
    client = user_client("expert")
    page = client.get("/").content.decode()
    assert 'class="badge"' in page
    assert "Review cycle opened" in client.get("/notifications/").content.decode()
    client.post("/notifications/")
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()


def test_a_state_bound_role_needs_a_state():
    from django.core.exceptions import ValidationError

    from palermo.core.choices import Role

    user = User.objects.create(username="new")
    with pytest.raises(ValidationError, match="act for a State"):
        services.assign_role(acting_user=system_user(), user=user, role=Role.FOCAL_POINT)


def test_only_the_secretariat_assigns_roles(focal_point):
    from django.core.exceptions import PermissionDenied

    from palermo.core.choices import Role

    user = User.objects.create(username="new")
    with pytest.raises(PermissionDenied):
        services.assign_role(acting_user=focal_point, user=user, role=Role.OBSERVER)


def test_the_audit_trail_filters_by_date(user_client):
    observer = User.objects.get(username="observer")
    services.create_api_token(acting_user=observer, name="dated token")
    client = user_client("secretariat")
    assert "dated token" in client.get("/audit/?since=2000-01-01").content.decode()
    assert "dated token" not in client.get("/audit/?since=2999-01-01").content.decode()
    assert "dated token" not in client.get("/audit/?until=2000-01-01").content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"revoke": "abc"},
        {"revoke": "99999999999999999999999"},
        {"revoke": ""},
        {"language": "xx-nowhere"},
        {"name": "x" * 500},
        {"unexpected": "value"},
    ],
)
def test_malformed_account_posts_get_an_answer_not_a_server_error(user_client, data):
    client = user_client("observer")
    client.raise_request_exception = False
    response = client.post("/account/", data)
    assert response.status_code in (200, 404)
    if "language" in data:
        assert "Select a valid choice" in response.content.decode()
