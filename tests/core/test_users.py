"""User and role management by the Secretariat: pages, API, services; refusals for everyone else."""

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from palermo.core import services
from palermo.core.choices import Role
from palermo.core.models import ApiToken, Notification, Participant, RoleAssignment, User
from palermo.platform.actors import system_user
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

OTHERS = [r for r in ROLES if r != "secretariat"]


@pytest.fixture
def newcomer(db):
    return User.objects.create_user(
        "newcomer", email="newcomer@example.org", first_name="Nadia", last_name="Newcomer"
    )


def _pages(user):
    assignment = user.role_assignments.first()
    return [
        ("get", "/users/"),
        ("get", "/users/?_export=csv"),
        ("get", "/users/new/"),
        ("post", "/users/new/"),
        ("get", f"/users/{user.pk}/"),
        ("post", f"/users/{user.pk}/"),
        ("post", f"/users/{user.pk}/roles/{assignment.pk}/remove/"),
        ("post", f"/users/{user.pk}/active/"),
    ]


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize("username", OTHERS)
def test_every_other_role_is_refused_every_user_page(user_client, username):
    target = User.objects.get(username="observer")
    client = user_client(username)
    for method, url in _pages(target):
        response = getattr(client, method)(url, {"role": Role.SECRETARIAT, "active": "0"})
        assert response.status_code == 403, (method, url)
    assert RoleAssignment.objects.filter(user=target).count() == 1
    assert not target.role_assignments.filter(role=Role.SECRETARIAT).exists()
    target.refresh_from_db()
    assert target.is_active


def test_anonymous_visitors_are_sent_to_sign_in(user_client):
    target = User.objects.get(username="observer")
    client = user_client(None)
    for method, url in _pages(target):
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("username", OTHERS)
def test_every_other_role_is_refused_by_the_api(client, username):
    user = User.objects.get(username=username)
    _token, key = services.create_api_token(acting_user=user, name="t")
    headers = {"Authorization": f"Bearer {key}"}
    target = User.objects.get(username="observer")
    assignment = target.role_assignments.get()
    calls = [
        client.get("/api/users", headers=headers),
        client.get(f"/api/users/{target.pk}", headers=headers),
        client.post(
            f"/api/users/{target.pk}/roles",
            {"role": "secretariat"},
            content_type="application/json",
            headers=headers,
        ),
        client.delete(f"/api/users/{target.pk}/roles/{assignment.pk}", headers=headers),
    ]
    for response in calls:
        assert response.status_code == 403
        assert "core.manage_users" in response.json()["detail"]
    assert list(target.role_assignments.all()) == [assignment]


def test_anonymous_api_calls_get_401(client):
    target = User.objects.get(username="observer")
    assignment = target.role_assignments.get()
    calls = [
        client.get("/api/users"),
        client.get(f"/api/users/{target.pk}"),
        client.post(
            f"/api/users/{target.pk}/roles", {"role": "analyst"}, content_type="application/json"
        ),
        client.delete(f"/api/users/{target.pk}/roles/{assignment.pk}"),
    ]
    for response in calls:
        assert response.status_code == 401
        assert "Authorization: Bearer" in response.json()["detail"]
    assert target.role_assignments.count() == 1


@pytest.mark.parametrize("username", OTHERS)
def test_services_refuse_every_other_role(username, newcomer):
    acting = User.objects.get(username=username)
    with pytest.raises(PermissionDenied):
        services.create_user(acting_user=acting, username="x", password="A-long-pass-phrase-9")
    with pytest.raises(PermissionDenied):
        services.assign_role(acting_user=acting, user=newcomer, role=Role.SECRETARIAT)
    with pytest.raises(PermissionDenied):
        services.remove_role(
            acting_user=acting,
            assignment=User.objects.get(username="observer").role_assignments.get(),
        )
    with pytest.raises(PermissionDenied):
        services.set_user_active(acting_user=acting, user=newcomer, active=False)


# --- the list ------------------------------------------------------------------------------


def test_the_account_page_links_to_users_for_the_secretariat_only(user_client):
    assert 'href="/users/"' in user_client("secretariat").get("/account/").content.decode()
    for username in OTHERS:
        assert 'href="/users/"' not in user_client(username).get("/account/").content.decode()


def test_the_user_list_shows_roles_with_their_state(user_client):
    page = user_client("secretariat").get("/users/").content.decode()
    assert "Central-authority practitioner (Argentina)" in page
    assert "focal-point@example.org" in page and "Demo National focal point" in page
    assert 'href="/users/new/"' in page


def test_filtering_with_htmx_returns_only_the_table(user_client):
    response = user_client("secretariat").get("/users/?role=expert", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">') and "<html" not in html
    assert "Governmental expert (Argentina)" in html and "Demo Observer" not in html


def test_the_user_list_joins_several_roles_in_one_cell(user_client, secretariat):
    user = User.objects.get(username="focal-point")
    services.assign_role(acting_user=secretariat, user=user, role=Role.OBSERVER)
    csv = user_client("secretariat").get("/users/?q=focal-point&_export=csv").content.decode()
    header, row = csv.splitlines()
    assert header == "User name,Full name,E-mail,Active,Roles,Last sign-in"
    assert "National focal point (Argentina); Observer" in row and ",yes," in row


def test_the_user_list_filters_by_role_state_activity_and_text(user_client, secretariat, newcomer):
    client = user_client("secretariat")
    fra = Participant.objects.get(code="FRA")
    services.assign_role(acting_user=secretariat, user=newcomer, role=Role.EXPERT, participant=fra)
    services.set_user_active(acting_user=secretariat, user=newcomer, active=False)

    def usernames(query):
        csv = client.get(f"/users/?{query}&_export=csv").content.decode()
        return sorted(line.split(",")[0] for line in csv.splitlines()[1:])

    assert usernames("state=ARG") == ["expert", "focal-point", "practitioner"]
    assert usernames("role=expert") == ["expert", "newcomer"]
    assert usernames("role=expert&state=FRA") == ["newcomer"]
    assert usernames("role=focal_point&state=FRA") == []
    assert usernames("active=false") == ["newcomer"]
    assert "newcomer" not in usernames("active=true")
    assert usernames("q=nadia newc") == ["newcomer"]
    assert usernames("q=analyst@example") == ["analyst"]
    xlsx = client.get("/users/?_export=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_the_user_list_costs_the_same_queries_for_100_more_users(
    user_client, django_assert_max_num_queries
):
    client = user_client("secretariat")
    before = len(client.get("/users/?_export=csv").content.decode().splitlines())
    arg = Participant.objects.get(code="ARG")
    users = User.objects.bulk_create([User(username=f"bulk{i:03}") for i in range(100)])
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=u, role=Role.EXPERT, participant=arg) for u in users]
        + [RoleAssignment(user=u, role=Role.OBSERVER) for u in users]
    )
    with django_assert_max_num_queries(10):
        page = client.get("/users/").content.decode()
    assert "bulk040" in page and "Governmental expert (Argentina); Observer" in page
    with django_assert_max_num_queries(10):
        csv = client.get("/users/?_export=csv").content.decode()
    assert len(csv.splitlines()) == before + 100


# --- creating users ------------------------------------------------------------------------


def test_the_secretariat_creates_a_user(user_client, secretariat):
    client = user_client("secretariat")
    assert "Initial password" in client.get("/users/new/").content.decode()
    response = client.post(
        "/users/new/",
        {
            "username": "maria",
            "first_name": "María",
            "last_name": "López",
            "email": "maria@example.org",
            "password": "Correct-horse-battery-9",
            "password_confirm": "Correct-horse-battery-9",
            "is_active": "on",
        },
    )
    user = User.objects.get(username="maria")
    assert response.status_code == 302 and response["Location"] == f"/users/{user.pk}/"
    assert user.check_password("Correct-horse-battery-9") and user.is_active
    assert user.get_full_name() == "María López"
    entry = LogEntry.objects.get_for_object(user).get()
    assert entry.actor == secretariat and entry.action == LogEntry.Action.CREATE
    assert "password" not in entry.changes_dict
    assert "Now give them a role" in client.get(response["Location"]).content.decode()


def test_a_weak_password_or_taken_name_is_refused_with_reasons(user_client):
    client = user_client("secretariat")
    page = client.post(
        "/users/new/",
        {"username": "observer", "password": "1234567", "password_confirm": "1234567"},
    ).content.decode()
    assert "A user with that username already exists." in page
    assert "This password is too common." in page
    assert "This password is too short." in page
    page = client.post(
        "/users/new/",
        {"username": "someone", "password": "Abc-def-ghi-1", "password_confirm": "Abc-def-ghi-2"},
    ).content.decode()
    assert "The two passwords differ." in page
    assert not User.objects.filter(username="someone").exists()


def test_the_password_validators_know_the_user(secretariat):
    with pytest.raises(ValidationError) as exc:
        services.create_user(acting_user=secretariat, username="jonathan", password="jonathan12345")
    assert "too similar to the username" in str(exc.value.message_dict["password"])


# --- roles ---------------------------------------------------------------------------------


def test_the_secretariat_gives_a_role_and_the_user_is_told(
    user_client, secretariat, newcomer, django_capture_on_commit_callbacks
):
    client = user_client("secretariat")
    arg = Participant.objects.get(code="ARG")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/users/{newcomer.pk}/", {"role": Role.FOCAL_POINT, "participant": arg.pk}
        )
    assert response.status_code == 302
    assignment = newcomer.role_assignments.get()
    assert (assignment.role, assignment.participant) == (Role.FOCAL_POINT, arg)
    page = client.get(f"/users/{newcomer.pk}/").content.decode()
    assert "Role added" in page and "National focal point" in page and "Argentina" in page
    note = Notification.objects.get(recipient=newcomer)
    assert note.title == "You now have the role National focal point (Argentina)"
    assert mail.outbox[-1].to == ["newcomer@example.org"]
    assert "National focal point (Argentina)" in mail.outbox[-1].subject
    entry = LogEntry.objects.get_for_object(assignment).get()
    assert entry.actor == secretariat and entry.action == LogEntry.Action.CREATE


@pytest.mark.parametrize(
    "role, state, message",
    [
        (Role.FOCAL_POINT, None, "Focal points, governmental experts and practitioners act for"),
        (Role.PRACTITIONER, None, "act for a State: choose one."),
        (Role.SECRETARIAT, "ARG", "The Secretariat serves every State: leave the State empty."),
        (Role.EXPERT, "ARG", "This user already has this role for this State."),
        (Role.OBSERVER, None, "This user already has this role."),
    ],
)
def test_role_constraints_are_explained_on_the_form(user_client, role, state, message):
    target = User.objects.get(username="expert")
    services.assign_role(acting_user=system_user(), user=target, role=Role.OBSERVER)
    before = target.role_assignments.count()
    data = {"role": role}
    if state:
        data["participant"] = Participant.objects.get(code=state).pk
    response = user_client("secretariat").post(f"/users/{target.pk}/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert target.role_assignments.count() == before


def test_no_role_is_preselected_on_the_form(user_client, newcomer):
    client = user_client("secretariat")
    page = client.get(f"/users/{newcomer.pk}/").content.decode()
    assert '<option value="" selected>— choose —</option>' in page
    assert "This field is required." in client.post(f"/users/{newcomer.pk}/", {}).content.decode()
    assert not newcomer.role_assignments.exists()


def test_the_secretariat_removes_a_role_and_the_user_is_told(
    user_client, secretariat, django_capture_on_commit_callbacks
):
    target = User.objects.get(username="practitioner")
    assignment = target.role_assignments.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client("secretariat").post(
            f"/users/{target.pk}/roles/{assignment.pk}/remove/"
        )
    assert response.status_code == 302
    assert not target.role_assignments.exists()
    note = Notification.objects.get(recipient=target)
    assert note.title == "Your role Central-authority practitioner (Argentina) was removed"
    assert mail.outbox[-1].to == ["practitioner@example.org"]
    entry = LogEntry.objects.filter(action=LogEntry.Action.DELETE, object_pk=str(assignment.pk))
    assert entry.get().actor == secretariat


def test_removing_a_role_needs_post_and_the_right_user(user_client, newcomer):
    target = User.objects.get(username="analyst")
    assignment = target.role_assignments.get()
    client = user_client("secretariat")
    assert client.get(f"/users/{target.pk}/roles/{assignment.pk}/remove/").status_code == 405
    assert client.post(f"/users/{newcomer.pk}/roles/{assignment.pk}/remove/").status_code == 404
    assert target.role_assignments.exists()


def test_nobody_removes_their_own_last_secretariat_role(user_client, secretariat):
    client = user_client("secretariat")
    own = secretariat.role_assignments.get(role=Role.SECRETARIAT)
    response = client.post(f"/users/{secretariat.pk}/roles/{own.pk}/remove/", follow=True)
    assert "You cannot remove your own last Secretariat role" in response.content.decode()
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


def test_another_secretariat_member_may_remove_ones_role(secretariat, newcomer):
    mine = services.assign_role(acting_user=secretariat, user=newcomer, role=Role.SECRETARIAT)
    colleague = User.objects.get(pk=newcomer.pk)
    theirs = secretariat.role_assignments.get(role=Role.SECRETARIAT)
    services.remove_role(acting_user=colleague, assignment=theirs)
    assert not secretariat.role_assignments.filter(role=Role.SECRETARIAT).exists()
    assert RoleAssignment.objects.filter(pk=mine.pk).exists()


# --- activity ------------------------------------------------------------------------------


def test_the_secretariat_deactivates_and_reactivates_a_user(user_client, secretariat):
    target = User.objects.get(username="analyst")
    _token, key = services.create_api_token(acting_user=target, name="script")
    client = user_client("secretariat")
    page = client.post(f"/users/{target.pk}/active/", {"active": "0"}, follow=True)
    assert "can no longer sign in" in page.content.decode()
    target.refresh_from_db()
    assert not target.is_active
    entry = LogEntry.objects.get_for_object(target).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == secretariat and entry.changes_dict["is_active"] == ["True", "False"]
    # Their token stops working, and they can no longer sign in.
    job = "/api/jobs/00000000-0000-0000-0000-000000000000"
    assert user_client(None).get(job, headers={"Authorization": f"Bearer {key}"}).status_code == 401
    refused = user_client(None).post(
        "/accounts/login/", {"username": "analyst", "password": "palermo-demo"}
    )
    assert refused.status_code == 200 and "correct username and password" in refused.text
    client.post(f"/users/{target.pk}/active/", {"active": "1"})
    target.refresh_from_db()
    # Reactivated, they sign in afresh: the old token stays dead.
    assert target.is_active and not ApiToken.objects.filter(user=target).exists()


def test_nobody_deactivates_themselves(user_client, secretariat):
    response = user_client("secretariat").post(
        f"/users/{secretariat.pk}/active/", {"active": "0"}, follow=True
    )
    assert "You cannot deactivate your own account." in response.content.decode()
    secretariat.refresh_from_db()
    assert secretariat.is_active


# --- API -----------------------------------------------------------------------------------


@pytest.fixture
def api(secretariat, client):
    _token, key = services.create_api_token(acting_user=secretariat, name="admin script")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client


def test_api_lists_users_with_the_same_filters(api):
    everyone = api.get("/api/users").json()
    # The demo users of every role (modules add their own, e.g. Assistance's donors).
    assert {u["username"] for u in everyone["items"]} >= set(ROLES)
    assert everyone["count"] == len(everyone["items"])
    focal = next(u for u in everyone["items"] if u["username"] == "focal-point")
    assert focal["roles"] == [
        {
            "id": focal["roles"][0]["id"],
            "role": "focal_point",
            "label": "National focal point",
            "state": "ARG",
        }
    ]
    assert [u["username"] for u in api.get("/api/users?state=arg&role=expert").json()["items"]] == [
        "expert"
    ]
    assert [u["username"] for u in api.get("/api/users?q=observer").json()["items"]] == ["observer"]
    assert api.get("/api/users?active=false").json()["count"] == 0
    bad = api.get("/api/users?role=king")
    assert bad.status_code == 422 and "king" in str(bad.json()["detail"])


def test_api_list_is_paginated_with_constant_queries(api, django_assert_max_num_queries):
    before = api.get("/api/users").json()["count"]
    User.objects.bulk_create([User(username=f"bulk{i:03}") for i in range(100)])
    with django_assert_max_num_queries(8):
        page = api.get("/api/users?page=2").json()
    assert page["count"] == before + 100 and len(page["items"]) == 50


def test_api_shows_one_user(api):
    user = User.objects.get(username="practitioner")
    body = api.get(f"/api/users/{user.pk}").json()
    assert body["email"] == "practitioner@example.org" and body["is_active"] is True
    assert body["roles"][0]["state"] == "ARG"
    assert api.get("/api/users/999999").status_code == 404


def test_api_adds_and_removes_a_role(api, secretariat, newcomer):
    created = api.post(
        f"/api/users/{newcomer.pk}/roles",
        {"role": "practitioner", "state": "fra"},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["state"] == "FRA" and created.json()["role"] == "practitioner"
    assignment = newcomer.role_assignments.get()
    assert LogEntry.objects.get_for_object(assignment).get().actor == secretariat
    assert Notification.objects.filter(recipient=newcomer).count() == 1
    deleted = api.delete(f"/api/users/{newcomer.pk}/roles/{assignment.pk}")
    assert deleted.status_code == 204 and not newcomer.role_assignments.exists()
    assert Notification.objects.filter(recipient=newcomer).count() == 2
    assert api.delete(f"/api/users/{newcomer.pk}/roles/{assignment.pk}").status_code == 404


@pytest.mark.parametrize(
    "payload, message",
    [
        ({"role": "focal_point"}, "act for a State: choose one."),
        ({"role": "secretariat", "state": "ARG"}, "leave the State empty"),
        ({"role": "expert", "state": "ARG"}, "already has this role"),
        ({"role": "analyst", "state": "XXX"}, "No State has the code"),
        ({"role": "king"}, "not a valid choice"),
    ],
)
def test_api_explains_refused_roles(api, payload, message):
    target = User.objects.get(username="expert")
    response = api.post(f"/api/users/{target.pk}/roles", payload, content_type="application/json")
    assert response.status_code == 422
    assert message in str(response.json()["detail"])
    assert target.role_assignments.count() == 1


def test_api_refuses_removing_ones_own_last_secretariat_role(api, secretariat):
    own = secretariat.role_assignments.get()
    response = api.delete(f"/api/users/{secretariat.pk}/roles/{own.pk}")
    assert response.status_code == 422
    assert "your own last Secretariat role" in str(response.json()["detail"])
    assert RoleAssignment.objects.filter(pk=own.pk).exists()
