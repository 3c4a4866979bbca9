"""The Secretariat curates an instrument's sourced facts; nobody else can."""

from datetime import date

import pytest
from auditlog.models import LogEntry

from palermo.core.choices import Role
from palermo.core.services import create_api_token
from palermo.treaties.models import Instrument
from tests.conftest import ROLES
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FACTS = {
    "official_entry_into_force": "2003-09-29",
    "entry_into_force_source": "https://treaties.un.org/",
    "actions_complete": "on",
}


def test_the_secretariat_marks_the_data_complete_and_the_partial_notice_goes(user_client):
    client = user_client("secretariat")
    page = client.get("/treaties/UNTOC/").content.decode()
    assert "/treaties/UNTOC/facts/" in page
    assert (
        "complete as at 2014-07-10."
        in client.get("/treaties/participants/?instrument=UNTOC").content.decode()
    )
    response = client.post("/treaties/UNTOC/facts/", FACTS)
    assert response.status_code == 302
    untoc = Instrument.objects.get(code="UNTOC")
    assert untoc.actions_complete and untoc.official_entry_into_force == date(2003, 9, 29)
    entry = LogEntry.objects.get_for_object(untoc).latest("timestamp")
    assert entry.actor.username == "secretariat" and "actions_complete" in entry.changes_dict
    for url in ("/treaties/map/?instrument=UNTOC", "/treaties/participants/?instrument=UNTOC"):
        assert "complete as at 2014-07-10." not in client.get(url).content.decode()
    # The Protocols are still partial, and say so.
    assert (
        "complete as at 2014-07-10." in client.get("/treaties/map/?instrument=TIP").content.decode()
    )


def test_a_bad_date_is_shown_next_to_the_field(user_client):
    page = (
        user_client("secretariat")
        .post("/treaties/UNTOC/facts/", {**FACTS, "official_entry_into_force": "29/09/2003"})
        .content.decode()
    )
    assert 'id="id_official_entry_into_force_error"' in page
    assert Instrument.objects.get(code="UNTOC").actions_complete is False


@pytest.mark.parametrize("username", [r for r in ROLES if r != "secretariat"])
def test_other_roles_are_refused(user_client, username):
    client = user_client(username)
    assert client.get("/treaties/UNTOC/facts/").status_code == 403
    assert client.post("/treaties/UNTOC/facts/", FACTS).status_code == 403
    assert "/treaties/UNTOC/facts/" not in client.get("/treaties/UNTOC/").content.decode()
    assert Instrument.objects.get(code="UNTOC").actions_complete is False


def test_anonymous_visitors_are_sent_to_sign_in(user_client):
    response = user_client(None).post("/treaties/UNTOC/facts/", FACTS)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_api_updates_facts_for_the_secretariat_only(client, secretariat):
    body = {
        "official_entry_into_force": "2003-09-29",
        "actions_complete": True,
        "entry_into_force_source": "https://treaties.un.org/",
    }
    _t, observer_key = create_api_token(acting_user=UserFactory(role=Role.OBSERVER), name="o")
    refused = client.put(
        "/api/treaties/instruments/TIP/facts",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {observer_key}"},
    )
    assert refused.status_code == 403 and "treaties.change_instrument" in refused.json()["detail"]
    _t, key = create_api_token(acting_user=secretariat, name="s")
    done = client.put(
        "/api/treaties/instruments/TIP/facts",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert done.status_code == 200 and done.json()["actions_complete"] is True
    assert Instrument.objects.get(code="TIP").actions_complete is True
