"""The Treaties API: the same data and rules as the pages, for scripts with a token."""

from datetime import date

import pytest
from django.core import mail
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from palermo.core.models import Notification, Participant, User
from palermo.core.services import create_api_token
from palermo.platform.computed import advance_for, forget_local
from palermo.treaties.models import Declaration, Instrument, TreatyAction
from tests.conftest import ROLES

NOT_SECRETARIAT = [r for r in ROLES if r != "secretariat"]


@pytest.fixture
def api(db):
    """``api("secretariat")`` → a client whose requests carry that user's API token;
    ``api(None)`` → a client without any."""

    def make(username):
        if username is None:
            return Client()
        user = User.objects.get(username=username)
        _token, key = create_api_token(acting_user=user, name="test script")
        return Client(headers={"Authorization": f"Bearer {key}"})

    return make


@pytest.fixture
def testland(db):
    """A participant that exists only in tests, so no real State gets invented treaty actions."""
    return Participant.objects.create(code="QTL", name="Testland")


def post(client, url, payload):
    return client.post(url, payload, content_type="application/json")


def new_action(**overrides):
    return {
        "participant": "QTL",
        "instrument": "UNTOC",
        "kind": "ratification",
        "date": "2020-02-02",
        "source": "test record",
        **overrides,
    }


def new_declaration(**overrides):
    return {
        "participant": "ARG",
        "instrument": "UNTOC",
        "kind": "notification",
        "subject": "central_authority",
        "article": "18",
        "authority": "Test central authority (fictional)",
        **overrides,
    }


# -- reading: public ---------------------------------------------------------------------------


def test_instruments_with_official_and_derived_entry_into_force(api):
    response = api(None).get("/api/treaties/instruments")
    assert response.status_code == 200
    by_code = {i["code"]: i for i in response.json()}
    assert list(by_code) == ["UNTOC", "TIP", "SOM", "FIREARMS"]
    untoc = by_code["UNTOC"]
    assert untoc["entry_into_force"] == "2003-09-29"
    assert untoc["actions_complete"] is False
    assert untoc["actions_complete_until"] == "2014-07-10"
    assert (untoc["signature_opens"], untoc["signature_closes"]) == ("2000-12-12", "2002-12-12")
    assert untoc["articles"] == 41
    # The complete 2014 tables reproduce the official date: the 40th instrument is Armenia's
    # of 2003-07-01, + 90 days (art. 38(1)).
    assert untoc["discrepancy"] is None
    assert untoc["entry_into_force_derived"] == "2003-09-29"
    assert by_code["TIP"]["parent"] == "UNTOC"
    assert api(None).get("/api/treaties/instruments/tip").json()["entry_into_force"] == (
        "2003-12-25"
    )


def test_unknown_codes_are_404_with_a_useful_detail(api):
    response = api(None).get("/api/treaties/instruments/NOPE")
    assert response.status_code == 404
    assert response.json()["detail"] == (
        "No instrument with the code “NOPE”; known codes: UNTOC, TIP, SOM, FIREARMS."
    )
    response = api(None).get("/api/treaties/participants/XYZ")
    assert response.status_code == 404
    assert "No participant with the code “XYZ”" in response.json()["detail"]


def test_article_search(api):
    response = api(None).get("/api/treaties/instruments/UNTOC/articles", {"q": "extradition"})
    numbers = [a["number"] for a in response.json()["items"]]
    assert "16" in numbers and "1" not in numbers
    article = api(None).get("/api/treaties/instruments/UNTOC/articles/16").json()
    assert article["title"] == "Extradition"


def test_counts_on_a_date(api):
    response = api(None).get("/api/treaties/counts", {"instrument": "UNTOC", "on": "2003-10-01"})
    counts = response.json()
    assert counts["on"] == "2003-10-01"
    # The shipped tables are complete as at 2014-07-10, partial after.
    assert counts["partial_data"] is False
    later = api(None).get("/api/treaties/counts", {"instrument": "UNTOC", "on": "2020-01-01"})
    assert later.json()["partial_data"] is True
    statuses = api(None).get(
        "/api/treaties/status", {"instrument": "UNTOC", "on": "2003-10-01", "status": "party"}
    )
    assert counts["parties"] == statuses.json()["count"]
    assert counts["contracting"] >= 1  # Afghanistan, among others


def test_status_rows_with_filters(api):
    client = api(None)
    response = client.get("/api/treaties/status", {"on": "2003-10-01", "q": "Afghanistan"})
    assert response.json()["items"] == [
        {
            "code": "AFG",
            "name": "Afghanistan",
            "region": "Asia",
            "group": "Asia-Pacific Group",
            "status": "contracting",
            "in_force_from": None,
        }
    ]
    later = client.get("/api/treaties/status", {"on": "2003-10-24", "q": "AFG"}).json()["items"]
    assert later[0]["status"] == "party"
    assert later[0]["in_force_from"] == "2003-10-24"
    europe = client.get(
        "/api/treaties/status", {"on": "2010-07-13", "region": "039", "status": "signatory"}
    ).json()
    assert "AND" in {r["code"] for r in europe["items"]}
    assert "ALB" not in {r["code"] for r in europe["items"]}
    group = client.get("/api/treaties/status", {"group": "asia-pacific", "page": 1}).json()
    assert {r["group"] for r in group["items"]} == {"Asia-Pacific Group"}


def test_status_is_paginated(api):
    first = api(None).get("/api/treaties/status").json()
    assert first["count"] == Participant.objects.count()
    assert len(first["items"]) == 50
    second = api(None).get("/api/treaties/status", {"page": 2}).json()
    assert not {r["code"] for r in first["items"]} & {r["code"] for r in second["items"]}


def test_participant_profile_and_map(api):
    profile = api(None).get("/api/treaties/participants/and", {"on": "2010-07-13"}).json()
    untoc = profile["instruments"][0]
    assert (untoc["instrument"], untoc["status"], untoc["signature"]) == (
        "UNTOC",
        "signatory",
        "2001-11-11",
    )
    assert untoc["consent"] == {"kind": "ratification", "date": "2011-09-22"}
    assert untoc["in_force_from"] == "2011-10-22"
    values = api(None).get("/api/treaties/map", {"on": "2003-10-01"}).json()["values"]
    assert values["004"] == "contracting"
    assert values["008"] == "party"


def test_timeline_steps(api):
    points = api(None).get("/api/treaties/timeline", {"instrument": "UNTOC"}).json()
    by_date = {p["on"]: p for p in points}
    assert by_date["2003-10-24"]["parties"] > by_date["2003-09-29"]["parties"]
    days = [p["on"] for p in points]
    assert days == sorted(days)


def _extra_participants(n=300):
    taken = set(Participant.objects.values_list("code", flat=True))
    codes = [
        f"Q{a}{b}"
        for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        if f"Q{a}{b}" not in taken
    ][:n]
    europe = Participant.objects.get(code="ALB")
    Participant.objects.bulk_create(
        [
            Participant(
                code=code,
                name=f"Aa test participant {code}",
                region=europe.region,
                subregion=europe.subregion,
                regional_group=europe.regional_group,
            )
            for code in codes
        ]
    )
    advance_for(Participant)  # a bulk write sends no signal: it advances the data itself


def _computed_afresh():
    """Nothing kept: the next request computes its answer (engine, statuses, response)."""
    forget_local()
    caches["default"].clear()


@pytest.mark.parametrize("params", [{"on": "2010-07-13"}, {"region": "150", "page": 2}])
def test_status_queries_do_not_grow_with_participants(api, django_assert_max_num_queries, params):
    client = api(None)
    _computed_afresh()
    with CaptureQueriesContext(connection) as before:
        client.get("/api/treaties/status", params)
    baseline = len(before.captured_queries)
    _extra_participants()
    _computed_afresh()
    with django_assert_max_num_queries(baseline):
        response = client.get("/api/treaties/status", params)
    items = response.json()["items"]
    assert len(items) == 50
    assert any(r["name"].startswith("Aa test participant") for r in items)


# -- writing: who is refused, and how they are told --------------------------------------------


def test_write_without_token_is_401_with_json_detail(api, testland):
    client = api(None)
    before = TreatyAction.objects.count()
    for response in (
        post(client, "/api/treaties/actions", new_action()),
        post(client, "/api/treaties/declarations", new_declaration()),
        client.delete(f"/api/treaties/actions/{TreatyAction.objects.first().pk}"),
        Client(headers={"Authorization": "Bearer not-a-real-token"}).post(
            "/api/treaties/actions", new_action(), content_type="application/json"
        ),
    ):
        assert response.status_code == 401
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response.json()["detail"]
    assert TreatyAction.objects.count() == before


def test_401_detail_says_how_to_authenticate(api, testland):
    detail = post(api(None), "/api/treaties/actions", new_action()).json()["detail"]
    assert "token" in detail.lower()


def test_expired_token_is_refused(db, testland):
    from datetime import UTC, datetime, timedelta

    user = User.objects.get(username="secretariat")
    _token, key = create_api_token(
        acting_user=user, name="old", expires=datetime.now(UTC) - timedelta(days=1)
    )
    client = Client(headers={"Authorization": f"Bearer {key}"})
    assert post(client, "/api/treaties/actions", new_action()).status_code == 401
    assert not TreatyAction.objects.filter(participant=testland).exists()


@pytest.mark.parametrize("role", NOT_SECRETARIAT)
def test_only_the_secretariat_records_and_deletes_actions(api, role, testland):
    client = api(role)
    action = TreatyAction.objects.filter(participant__code="AND").first()
    before = TreatyAction.objects.count()
    response = post(client, "/api/treaties/actions", new_action())
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Your role does not allow this (treaties.add_treatyaction)."
    }
    response = client.delete(f"/api/treaties/actions/{action.pk}")
    assert response.status_code == 403
    assert "treaties.delete_treatyaction" in response.json()["detail"]
    assert TreatyAction.objects.count() == before


def test_secretariat_records_and_deletes_an_action(api, testland):
    client = api("secretariat")
    response = post(client, "/api/treaties/actions", new_action())
    assert response.status_code == 201
    created = response.json()
    assert created["participant"] == "QTL" and created["date"] == "2020-02-02"
    assert TreatyAction.objects.filter(pk=created["id"], participant=testland).exists()
    status = api(None).get("/api/treaties/participants/QTL", {"on": "2020-03-03"}).json()
    assert status["instruments"][0]["status"] == "party"
    assert status["instruments"][0]["in_force_from"] == "2020-03-03"
    assert client.delete(f"/api/treaties/actions/{created['id']}").status_code == 204
    assert not TreatyAction.objects.filter(participant=testland).exists()


def test_unknown_participant_in_a_new_action_is_404_with_a_useful_detail(api):
    response = post(api("secretariat"), "/api/treaties/actions", new_action(participant="XYZ"))
    assert response.status_code == 404
    assert "No participant with the code “XYZ”" in response.json()["detail"]


def test_duplicate_consent_is_422_with_the_reason(api):
    before = TreatyAction.objects.count()
    response = post(
        api("secretariat"),
        "/api/treaties/actions",
        new_action(participant="ALB", kind="accession", date="2005-05-05"),
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        "Albania cannot accede to UNTOC on 2005-05-05: it is already bound by its instrument of "
        "ratification of 2002-08-21; a second instrument is a duplicate."
    ]
    assert TreatyAction.objects.count() == before


def test_protocol_without_convention_is_422_citing_art_37_when_data_are_complete(api, testland):
    untoc = Instrument.objects.get(code="UNTOC")
    untoc.actions_complete = True
    untoc.save()
    response = post(api("secretariat"), "/api/treaties/actions", new_action(instrument="TIP"))
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail == (
        "Testland cannot ratify TIP on 2020-02-02: it is not a party to the Convention "
        "(UNTOC art. 37(2))."
    )
    assert not TreatyAction.objects.filter(participant=testland).exists()


def test_protocol_without_convention_is_accepted_when_data_are_partial(api, testland):
    response = post(api("secretariat"), "/api/treaties/actions", new_action(instrument="TIP"))
    assert response.status_code == 201
    tip = api(None).get("/api/treaties/participants/QTL", {"on": "2020-03-03"}).json()
    assert tip["instruments"][1]["instrument"] == "TIP"
    assert tip["instruments"][1]["status"] == "party"


def test_focal_point_adds_a_declaration_for_their_own_state_only(
    api, django_capture_on_commit_callbacks
):
    client = api("focal-point")
    before = Declaration.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, "/api/treaties/declarations", new_declaration())
    assert response.status_code == 201
    assert response.json()["authority"] == "Test central authority (fictional)"
    assert Declaration.objects.count() == before + 1
    assert Notification.objects.filter(recipient__username="secretariat").exists()
    assert mail.outbox and mail.outbox[0].to == ["secretariat@example.org"]

    response = post(client, "/api/treaties/declarations", new_declaration(participant="BRA"))
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Your role does not allow this (treaties.add_declaration)."
    }
    assert not Declaration.objects.filter(participant__code="BRA").exists()


@pytest.mark.parametrize("role", ["expert", "practitioner", "observer", "analyst"])
def test_other_roles_cannot_add_declarations(api, role):
    response = post(api(role), "/api/treaties/declarations", new_declaration())
    assert response.status_code == 403
    assert "treaties.add_declaration" in response.json()["detail"]


def test_declaration_constraints_are_422_with_the_message(api):
    response = post(
        api("secretariat"),
        "/api/treaties/declarations",
        new_declaration(subject="extradition_legal_basis", article="16", authority=""),
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        "Say whether the Convention is taken as the legal basis for extradition."
    ]
    response = post(api("secretariat"), "/api/treaties/declarations", new_declaration(authority=""))
    assert response.status_code == 422
    assert response.json()["detail"] == ["Name the central authority."]


def test_declarations_are_listed_for_everyone(api):
    items = api(None).get("/api/treaties/declarations", {"participant": "arg"}).json()["items"]
    subjects = {d["subject"]: d for d in items}
    assert subjects["extradition_legal_basis"]["takes_convention_as_legal_basis"] is True
    assert subjects["accepted_languages"]["languages"] == ["es", "en"]
    assert all(d["is_demo"] for d in items)


def test_session_user_can_read_jobs_but_anonymous_cannot(user_client):
    assert user_client(None).get(f"/api/jobs/{'0' * 32}").status_code == 401
    assert user_client("observer").get(f"/api/jobs/{'0' * 32}").status_code == 404


def test_today_is_the_default_date(api):
    counts = api(None).get("/api/treaties/counts").json()
    assert counts["on"] == date.today().isoformat()
