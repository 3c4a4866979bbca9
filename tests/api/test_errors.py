"""Errors as a caller meets them: out-of-range numbers, bad text, unknown addresses and server
errors all answer JSON ``{"detail": ...}`` with a 4xx or a 500, never a database error or a page
of HTML."""

import pytest
from django.test import Client

from palermo.core.models import User
from palermo.core.services import create_api_token
from palermo.platform.api import JSON_ERRORS_MIDDLEWARE, MAX_PAGE

pytestmark = pytest.mark.django_db

HUGE = 10**30  # beyond any database integer


@pytest.fixture
def secretariat_api(db):
    _token, key = create_api_token(
        acting_user=User.objects.get(username="secretariat"), name="test"
    )
    return Client(headers={"Authorization": f"Bearer {key}"})


def paginated_operations():
    """Every GET operation of the document that takes ``page``, with example path values."""
    document = Client().get("/api/openapi.json").json()
    for path, operations in document["paths"].items():
        get = operations.get("get")
        if get and any(p["name"] == "page" for p in get["parameters"]):
            examples = {p["name"]: p.get("example", "1") for p in get["parameters"]}
            yield path.format(**examples)


PAGINATED = list(paginated_operations())


def test_the_lists_are_paginated():
    assert {
        "/api/participants",
        "/api/regions",
        "/api/users",
        "/api/treaties/instruments/UNTOC/articles",
        "/api/treaties/status",
        "/api/treaties/actions",
        "/api/treaties/declarations",
    } <= set(PAGINATED)


@pytest.mark.parametrize("url", PAGINATED)
@pytest.mark.parametrize("page", [HUGE, MAX_PAGE + 1, 0, -1])
def test_a_page_number_out_of_range_is_422_naming_the_bound(secretariat_api, url, page):
    response = secretariat_api.get(url, {"page": page})
    assert response.status_code == 422
    [message] = response.json()["detail"]
    assert message.startswith("query parameter 'page': Input should be")
    assert str(MAX_PAGE if page > 0 else 1) in message


#: Lists inside an investigation: members only (the Secretariat gets 404, as it should), so
#: they are read by the demo investigation's owner.
PRIVATE = "/api/analysis/investigations/1/"


@pytest.mark.parametrize("url", PAGINATED)
def test_the_last_allowed_page_is_an_empty_page(secretariat_api, url):
    client = secretariat_api
    if url.startswith(PRIVATE):
        from palermo.analysis import demo
        from palermo.analysis.models import Investigation

        assert secretariat_api.get(url).status_code == 404
        owner = User.objects.get(username="analyst")
        _token, key = create_api_token(acting_user=owner, name="test")
        client = Client(headers={"Authorization": f"Bearer {key}"})
        lantern = Investigation.objects.get(title=demo.TITLE)
        url = url.replace(PRIVATE, f"/api/analysis/investigations/{lantern.pk}/")
    response = client.get(url, {"page": MAX_PAGE, "page_size": 100})
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_page_size_is_bounded(secretariat_api):
    response = secretariat_api.get("/api/participants", {"page_size": 101})
    assert response.status_code == 422
    assert "page_size" in response.json()["detail"][0]
    assert len(secretariat_api.get("/api/participants", {"page_size": 7}).json()["items"]) == 7


@pytest.mark.parametrize(
    "method, url",
    [
        ("delete", f"/api/users/{HUGE}/roles/1"),
        ("delete", f"/api/users/1/roles/{2**63}"),
        ("get", f"/api/users/{HUGE}"),
        ("get", "/api/users/0"),
        ("post", f"/api/users/{HUGE}/roles"),
        ("delete", f"/api/treaties/actions/{HUGE}"),
        ("delete", f"/api/treaties/declarations/{-5}"),
    ],
)
def test_an_identifier_out_of_range_is_422(secretariat_api, method, url):
    response = getattr(secretariat_api, method)(
        url, {"role": "observer"} if method == "post" else None, content_type="application/json"
    )
    assert response.status_code == 422
    assert "path parameter" in response.json()["detail"][0]


def test_the_largest_identifier_is_simply_not_found(secretariat_api):
    response = secretariat_api.delete(f"/api/users/1/roles/{2**63 - 1}")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_validation_errors_are_sentences_naming_the_field(secretariat_api):
    response = secretariat_api.post(
        "/api/treaties/actions",
        {"participant": "ARG", "instrument": "UNTOC", "kind": "handshake", "date": "someday"},
        content_type="application/json",
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert all(isinstance(line, str) for line in detail)
    assert any(line.startswith("field 'kind': Input should be") for line in detail)
    assert any(line.startswith("field 'date': ") for line in detail)
    assert "field 'source': Field required" in detail


def test_a_body_that_is_not_json_is_400(secretariat_api):
    response = secretariat_api.post(
        "/api/treaties/actions", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Cannot parse request body")


@pytest.mark.parametrize(
    "method, url, body, field",
    [
        ("get", "/api/treaties/actions?instrument=%00", None, "instrument"),
        ("get", "/api/participants/AR%00G", None, "code"),
        ("get", "/api/treaties/status?q=a%00b", None, "q"),
        ("get", "/api/users?q=%00", None, "q"),
        (
            "post",
            "/api/treaties/declarations",
            {"participant": "ARG", "instrument": "UNTOC", "kind": "notification",
             "subject": "central_authority", "authority": "A\x00B", "languages": ["e\x00s"]},
            "authority",
        ),
    ],
)  # fmt: skip
def test_text_with_a_nul_character_is_422(secretariat_api, method, url, body, field):
    """PostgreSQL cannot store U+0000: it used to be a server error there."""
    response = getattr(secretariat_api, method)(url, body, content_type="application/json")
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert f"{field}: Text may not contain the NUL character (U+0000)." in detail
    if body:
        assert "languages.0: Text may not contain the NUL character (U+0000)." in detail


# -- what Django itself answers under /api/ (production: DEBUG off) -------------------------


@pytest.fixture
def production(settings):
    """The site without DEBUG, with the API's JSON-errors middleware in the stack."""
    settings.DEBUG = False
    if JSON_ERRORS_MIDDLEWARE not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [
            settings.MIDDLEWARE[0],
            JSON_ERRORS_MIDDLEWARE,
            *settings.MIDDLEWARE[1:],
        ]
    return Client(raise_request_exception=False)


def assert_json_error(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json; charset=utf-8"
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail
    return detail


@pytest.mark.parametrize("url", ["/api/nowhere", "/api/treaties/nowhere/", "/api/participants/"])
def test_an_unknown_api_address_is_a_json_404(production, url):
    detail = assert_json_error(production.get(url), 404)
    assert url in detail and "/api/docs" in detail


def test_a_method_an_endpoint_does_not_take_is_a_json_405(production):
    response = production.delete("/api/participants")
    detail = assert_json_error(response, 405)
    assert response["Allow"] == "GET"
    assert detail == "DELETE is not allowed here; allowed: GET."


def test_an_unhandled_error_is_a_json_500_and_is_logged(production, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("search index on fire")

    monkeypatch.setattr("palermo.core.api.search_all", broken)
    detail = assert_json_error(production.get("/api/search?q=x"), 500)
    assert "Server error" in detail and "on fire" not in detail
    assert any(r.levelname == "ERROR" and "/api/search" in r.getMessage() for r in caplog.records)


def test_pages_outside_the_api_keep_their_html_errors(production):
    response = production.get("/nowhere/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_the_api_documentation_page_stays_html(production):
    response = production.get("/api/docs")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
