"""Every page route and API operation, for every kind of user, against what its module
declares (``platform.access``): the allowed get it, the others are refused as declared.

The list of routes comes from the URL resolver and from the API's routers, so a route added
without a declaration fails ``test_every_route_declares_who_may_open_it``.
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from palermo.api import api
from palermo.core.choices import Role
from palermo.core.models import Participant, RoleAssignment, User
from palermo.core.services import create_api_token
from palermo.platform.access import ANONYMOUS, API, ROLES, ROUTES

#: Namespaces with their own tests: the admin (development only, read-only: tests/platform).
NOT_IN_MATRIX = {"admin", "api-1.0.0"}


def page_routes(patterns=None, namespace=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = (
                f"{namespace}:{entry.namespace}"
                if namespace and entry.namespace
                else (entry.namespace or namespace)
            )
            if (entry.namespace or "") in NOT_IN_MATRIX:
                continue
            yield from page_routes(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}:{entry.name}" if namespace else entry.name


def api_operations():
    # A router mounted inside another (the catalogue's inside cooperation's) comes with its
    # prefix written "cooperation/": the slashes are made regular.
    for prefix, router in api._routers:
        base = "/api/" + prefix.strip("/")
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    yield f"{method} " + re.sub(r"/+", "/", f"{base}/{path}").rstrip("/")


PAGES = sorted(set(page_routes()))
OPERATIONS = sorted(set(api_operations()))


def test_every_route_declares_who_may_open_it():
    missing = [name for name in PAGES if name not in ROUTES]
    missing += [key for key in OPERATIONS if key not in API]
    assert not missing, "Declare an Access for these routes (platform/access.py): " + ", ".join(
        missing
    )


@pytest.fixture
def person(db):
    """``person(kind)`` → a user of that kind (see platform/access.py), or None."""
    brazil = Participant.objects.get(code="BRA")
    roles = {
        "focal-point": Role.FOCAL_POINT,
        "expert": Role.EXPERT,
        "practitioner": Role.PRACTITIONER,
    }

    def make(kind):
        if kind == ANONYMOUS:
            return None
        if kind.endswith("@other"):
            base = kind.split("@")[0]
            user = User.objects.create(username=f"{base}-of-brazil")
            RoleAssignment.objects.create(user=user, role=roles[base], participant=brazil)
            return user
        return User.objects.get(username=kind)

    return make


def _refused_as_expected(response, access, kind, *, api_call):
    if kind == ANONYMOUS:
        if api_call:
            return response.status_code == 401
        return response.status_code == 302 and "/accounts/login/" in response["Location"]
    return response.status_code == (404 if access.hidden else 403)


#: A restricted field (User.email is the Secretariat's): it must appear on no surface for others.
RESTRICTED_VALUE = "analyst@example.org"


def _leaks(response, kind):
    content = getattr(response, "content", b"")
    return kind != "secretariat" and RESTRICTED_VALUE.encode() in content


def _allowed(response):
    if response.status_code >= 400:
        return False
    return not (response.status_code == 302 and "/accounts/login/" in response["Location"])


@pytest.mark.parametrize("kind", ROLES)
@pytest.mark.parametrize("name", [n for n in PAGES if n in ROUTES])
def test_page(name, kind, person):
    access = ROUTES[name]
    user = person(kind)
    client = Client()
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=access.arguments())
    if access.method == "POST":
        response = client.post(url, access.body() or {})
    else:
        response = client.get(url, access.query)
    assert not _leaks(response, kind), f"{name} shows {kind} a restricted e-mail address"
    if kind in access.allow:
        assert _allowed(response), f"{kind} should get {name}: {response.status_code}"
    else:
        assert _refused_as_expected(response, access, kind, api_call=False), (
            f"{kind} should be refused {name}: {response.status_code}"
        )


@pytest.mark.parametrize("kind", ROLES)
@pytest.mark.parametrize("key", [k for k in OPERATIONS if k in API])
def test_api(key, kind, person):
    access = API[key]
    user = person(kind)
    headers = {}
    if user is not None:
        _token, secret = create_api_token(acting_user=user, name="matrix")
        headers["Authorization"] = f"Bearer {secret}"
    client = Client(headers=headers)
    method, path = key.split(" ", 1)
    url = path.format(**access.arguments())
    body = access.body()
    if method == "GET":
        response = client.get(url, access.query)
    elif access.multipart:
        response = client.post(url, body)
    else:
        response = getattr(client, method.lower())(url, body or {}, content_type="application/json")
    if kind in access.allow:
        assert _allowed(response), (
            f"{kind} should get {key}: {response.status_code} {response.content[:200]}"
        )
    else:
        assert _refused_as_expected(response, access, kind, api_call=True), (
            f"{kind} should be refused {key}: {response.status_code} {response.content[:200]}"
        )
