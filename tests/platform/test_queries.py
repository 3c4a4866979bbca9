"""The shared pages cost the same number of queries however much data they scope."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from palermo.core.models import User
from palermo.core.services import create_api_token
from palermo.platform.audit import record_reads
from palermo.platform.grants import grant
from tests.examples.models import Casefile

pytestmark = pytest.mark.django_db


def queries(client, url):
    client.get(url)  # content types and the rule engine are cached after a first request
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def signed_in(username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.parametrize("username", ["observer", "secretariat"])
def test_the_audit_trail_is_scoped_in_one_query_whatever_its_size(username):
    observer = User.objects.get(username="observer")
    for n in range(5):
        create_api_token(acting_user=observer, name=f"token {n}")
    few = queries(signed_in(username), "/audit/")
    for n in range(60):
        create_api_token(acting_user=observer, name=f"more {n}")
    assert queries(signed_in(username), "/audit/") == few


def test_the_read_log_is_scoped_in_one_query_whatever_its_size(people):
    analyst = people["analyst"]
    cases = [Casefile.objects.create(title=f"Case {n}") for n in range(3)]
    for case in cases:
        grant(case, to=analyst, role="owner", acting_user=analyst, first=True)
    record_reads(people["observer"], cases)
    few = queries(signed_in("analyst"), "/audit/reads/")
    record_reads(people["observer"], cases * 30)
    assert queries(signed_in("analyst"), "/audit/reads/") == few


def test_the_state_profile_costs_the_same_for_any_state():
    client = Client()
    assert queries(client, "/participants/ARG/") == queries(client, "/participants/AFG/")
