"""The Assistance API: the same rows, services and refusals as the pages."""

import pytest
from django.test import Client

from palermo.assistance import services
from palermo.assistance.choices import NeedStatus
from palermo.assistance.models import Activity, Need, Programme
from palermo.core.choices import Role
from palermo.core.models import Participant, User
from palermo.core.services import create_api_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BASE = "/api/assistance"


def _client(user):
    if user is None:
        return Client()
    _token, secret = create_api_token(acting_user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def state(code):
    return Participant.objects.get(code=code)


def named(username):
    return User.objects.get(username=username)


def activity(code, *, published=True, **fields):
    a = Activity.objects.create(
        code=code,
        title=fields.pop("title", f"API activity {code}"),
        published=published,
        demo=True,
        **fields,
    )
    a.beneficiaries.set([state("ARG")])
    return a


def _items(response):
    data = response.json()
    assert response.status_code == 200, data
    return data["items"] if isinstance(data, dict) else data


def test_unpublished_activity_is_hidden_from_the_public_api():
    shown, hidden = activity("api-shown"), activity("api-hidden", published=False)
    codes = {
        a["code"]
        for a in _items(_client(None).get(f"{BASE}/activities?origin=palermo&page_size=100"))
    }
    assert shown.code in codes and hidden.code not in codes
    assert _client(None).get(f"{BASE}/activities/{hidden.pk}").status_code == 404
    assert _client(named("focal-point")).get(f"{BASE}/activities/{hidden.pk}").status_code == 200


def test_programmes_and_figures_are_public():
    Programme.objects.create(code="api-prog", title="API programme", published=True)
    codes = {p["code"] for p in _items(_client(None).get(f"{BASE}/programmes?page_size=100"))}
    assert "api-prog" in codes
    summary = _client(None).get(f"{BASE}/figures/summary").json()
    assert {"activities", "budget_usd", "rates", "funding_gap_usd"} <= summary.keys()
    rows = _client(None).get(f"{BASE}/figures/breakdown/region").json()
    assert isinstance(rows, list)
    assert _client(None).get(f"{BASE}/figures/breakdown/colour").status_code == 422


def test_needs_are_refused_to_the_anonymous_and_another_state():
    need = services.record_need(
        acting_user=named("secretariat"), participant=state("ARG"), title="API need"
    )
    assert _client(None).get(f"{BASE}/needs").status_code == 401
    other = UserFactory(role=Role.FOCAL_POINT, state="BRA")
    assert _client(other).get(f"{BASE}/needs/{need.pk}").status_code == 404
    assert need.pk not in {n["id"] for n in _items(_client(other).get(f"{BASE}/needs"))}
    assert _client(named("observer")).get(f"{BASE}/needs").status_code == 403
    mine = {n["id"] for n in _items(_client(named("focal-point")).get(f"{BASE}/needs"))}
    assert need.pk in mine


def test_focal_point_creates_a_need_for_their_state_only():
    fp = _client(named("focal-point"))
    created = fp.post(
        f"{BASE}/needs",
        {"participant": "ARG", "title": "API-recorded need"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["status"] == "open"
    refused = fp.post(
        f"{BASE}/needs",
        {"participant": "BRA", "title": "Not theirs"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert not Need.objects.filter(title="Not theirs").exists()


def test_status_and_link_through_the_services():
    need = services.record_need(
        acting_user=named("secretariat"), participant=state("ARG"), title="API lifecycle"
    )
    a = activity("api-link", status="planned")
    other = UserFactory(role=Role.FOCAL_POINT, state="BRA")
    refused = _client(other).post(
        f"{BASE}/needs/{need.pk}/links", {"activity": a.pk}, content_type="application/json"
    )
    assert refused.status_code == 404 and not need.links.exists()
    sec = _client(named("secretariat"))
    linked = sec.post(
        f"{BASE}/needs/{need.pk}/links", {"activity": a.pk}, content_type="application/json"
    )
    assert linked.status_code == 200 and linked.json()["status"] == NeedStatus.PLANNED
    assert linked.json()["activities"] == [a.pk]
    broken = sec.post(
        f"{BASE}/needs/{need.pk}/status", {"status": "withdrawn"}, content_type="application/json"
    )
    assert broken.status_code == 422  # a withdrawal says why
    done = sec.post(
        f"{BASE}/needs/{need.pk}/status",
        {"status": "met", "note": "Done"},
        content_type="application/json",
    )
    assert done.json()["status"] == "met"
