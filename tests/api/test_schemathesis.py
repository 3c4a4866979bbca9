"""Property-based run of the whole API against its own OpenAPI document (schemathesis).

Every documented operation is called with generated input, anonymously (now and then with
generated, hence unknown, credentials) and with a Secretariat API token. Each answer must be no
server error and must match the document: a documented status code, the documented content type
and the documented body schema.

Each operation gets schemathesis's examples (from the document's ``example`` values), its
coverage cases (boundary values, wrong types, missing fields) and ``EXAMPLES`` generated cases,
valid and invalid; the run is derandomized and keeps no example database, so it is the same run
on every machine and engine (about a minute on two cores).

The schemas are loaded when the module is imported, not through ``schemathesis.pytest
.from_fixture``: its lazy loader touches ``Node._nodeid``, which pytest 9.2 no longer has."""

import pytest
import schemathesis
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from palermo.core.models import User
from palermo.core.services import create_api_token
from palermo.platform.api import JSON_ERRORS_MIDDLEWARE

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 25


def wsgi_app():
    """The site as production serves it, with the API's JSON-errors middleware."""
    middleware = list(settings.MIDDLEWARE)
    if JSON_ERRORS_MIDDLEWARE not in middleware:
        middleware.insert(1, JSON_ERRORS_MIDDLEWARE)
    with override_settings(MIDDLEWARE=middleware):
        return WSGIHandler()


def load(*, generate_credentials: bool):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app())
    schema.config.generation.update(
        max_examples=EXAMPLES,
        deterministic=True,
        database="none",
        with_security_parameters=generate_credentials,
    )
    return schema


anonymous = load(generate_credentials=True)
with_token = load(generate_credentials=False)

SETTINGS = hypothesis_settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


@pytest.fixture(autouse=True)
def keep_the_test_transaction():
    """Like Django's test client: a real WSGI request would close the connection after it,
    and with it the test's transaction (PostgreSQL)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def secretariat_headers(db):
    user = User.objects.get(username="secretariat")
    _token, key = create_api_token(acting_user=user, name="schemathesis")
    return {"Authorization": f"Bearer {key}"}


@anonymous.parametrize()
@SETTINGS
def test_api_conforms_to_its_document_anonymously(case):
    case.call_and_validate(checks=CHECKS)


@with_token.parametrize()
@SETTINGS
def test_api_conforms_to_its_document_with_a_secretariat_token(case, secretariat_headers):
    case.call_and_validate(headers=secretariat_headers, checks=CHECKS)
