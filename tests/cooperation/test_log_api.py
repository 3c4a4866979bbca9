"""The log's API: the caller's requests, one request in full, the check and the statistics —
and the refused side: anonymous callers, another State's practitioner, the Secretariat."""

from datetime import date

import pytest
from django.test import Client

from palermo.cooperation import services
from palermo.cooperation.models import Direction, Request
from palermo.core.choices import Role
from palermo.core.services import create_api_token
from palermo.platform.models import ReadEvent
from tests.cooperation.test_services import (
    BANK_RECORDS,
    HOME,
    outgoing,
    sent,
)
from tests.factories import AuthorityFactory, ParticipantFactory, UserFactory, _participant

pytestmark = pytest.mark.django_db

BASE = "/api/cooperation"


def api(user):
    if user is None:
        return Client()
    _token, secret = create_api_token(acting_user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {secret}"})


@pytest.fixture
def home():
    return ParticipantFactory(code=HOME, name="Cooperationland (fictional)")


@pytest.fixture
def keeper(home):
    return AuthorityFactory(state=home)


@pytest.fixture
def practitioner(home):
    return UserFactory(role=Role.PRACTITIONER, state=home)


def test_the_log_lists_the_callers_requests_with_filters(practitioner, keeper):
    draft = outgoing(practitioner, keeper, title="Draft (fictional)")
    to_france = sent(practitioner, keeper, requested_state=_participant("FRA"))
    incoming = services.create_request(
        acting_user=practitioner,
        authority=keeper,
        direction=Direction.INCOMING,
        kind="mla",
        title="From Brazil (fictional)",
        requesting_state=_participant("BRA"),
        requested_state=keeper.participant,
    )
    client = api(practitioner)
    answer = client.get(f"{BASE}/requests").json()
    assert answer["count"] == 3
    by_id = {item["id"]: item for item in answer["items"]}
    assert by_id[to_france.pk]["counterpart_state"] == "FRA"
    assert by_id[to_france.pk]["sent_on"] == "2026-01-05"
    assert by_id[incoming.pk]["counterpart_state"] == "BRA"

    def ids(query):
        return {i["id"] for i in client.get(f"{BASE}/requests?{query}").json()["items"]}

    assert ids("direction=incoming") == {incoming.pk}
    assert ids("status=draft") == {draft.pk}
    assert ids("state=bra") == {draft.pk, incoming.pk}
    assert ids("state=FRA&status=sent") == {to_france.pk}
    wrong = client.get(f"{BASE}/requests?status=lost")
    assert wrong.status_code == 422
    assert "status: one of draft" in wrong.json()["detail"]


def test_the_list_pages_and_logs_the_reads_of_the_page(
    practitioner, keeper, django_assert_max_num_queries
):
    for _ in range(4):
        outgoing(practitioner, keeper)
    client = api(practitioner)
    client.get(f"{BASE}/requests?page_size=1")  # the token's first use writes to it
    before = ReadEvent.objects.count()
    with django_assert_max_num_queries(12):
        answer = client.get(f"{BASE}/requests?page_size=2&page=2").json()
    assert answer["count"] == 4 and len(answer["items"]) == 2
    assert ReadEvent.objects.count() - before == 2
    assert set(ReadEvent.objects.order_by("-pk")[:2].values_list("surface", flat=True)) == {"api"}


def test_one_request_in_full(practitioner, keeper):
    request = sent(practitioner, keeper)
    services.save_draft(request, content=BANK_RECORDS, acting_user=practitioner)
    services.add_note(request, "Called them.", acting_user=practitioner, on=date(2026, 1, 9))
    services.add_document(
        request, title="Signed request", way="sent", on=date(2026, 1, 5), acting_user=practitioner
    )
    other = outgoing(practitioner, keeper)
    services.relate(request, other, acting_user=practitioner)
    answer = api(practitioner).get(f"{BASE}/requests/{request.pk}").json()
    assert answer["reference"] == request.reference
    assert sorted(e["status"] for e in answer["events"] if e["status"]) == ["draft", "sent"]
    assert "Called them." in [e["note"] for e in answer["events"]]
    assert answer["documents"] == [
        {"title": "Signed request", "way": "sent", "on": "2026-01-05", "has_file": False}
    ]
    assert [r["id"] for r in answer["related"]] == [other.pk]
    assert answer["report"]["finalisable"] is True
    assert answer["content"]["language"] == "pt"
    assert ReadEvent.objects.filter(object_pk=str(request.pk), surface="api").exists()


@pytest.mark.parametrize(
    "make",
    [
        lambda: UserFactory(role=Role.PRACTITIONER, state="BRA"),
        lambda: UserFactory(role=Role.FOCAL_POINT, state=HOME),
        lambda: UserFactory(role=Role.SECRETARIAT),
    ],
    ids=["other-states-practitioner", "same-states-focal-point", "secretariat"],
)
def test_a_request_the_caller_may_not_see_is_not_found_and_not_listed(practitioner, keeper, make):
    request = sent(practitioner, keeper)
    client = api(make())
    assert client.get(f"{BASE}/requests/{request.pk}").status_code == 404
    assert client.get(f"{BASE}/requests").json()["count"] == 0
    assert client.get(f"{BASE}/statistics").json() == []


def test_a_related_request_the_caller_cannot_see_is_left_out(practitioner, keeper):
    request = outgoing(practitioner, keeper)
    reader = UserFactory(role=Role.PRACTITIONER, state="BRA")
    services.share(request, to=reader, role="viewer", acting_user=practitioner)
    hidden = outgoing(practitioner, keeper)
    services.relate(request, hidden, acting_user=practitioner)
    answer = api(reader).get(f"{BASE}/requests/{request.pk}").json()
    assert answer["related"] == []
    assert api(reader).get(f"{BASE}/requests/{hidden.pk}").status_code == 404


def test_anonymous_callers_must_sign_in(practitioner, keeper):
    request = outgoing(practitioner, keeper)
    client = api(None)
    for url in (f"{BASE}/requests", f"{BASE}/requests/{request.pk}", f"{BASE}/statistics"):
        assert client.get(url).status_code == 401
    assert (
        client.post(f"{BASE}/check", BANK_RECORDS, content_type="application/json").status_code
        == 401
    )


def test_the_check_reports_each_finding_with_its_article(practitioner):
    client = api(practitioner)
    answer = client.post(
        f"{BASE}/check", {**BANK_RECORDS, "purpose": ""}, content_type="application/json"
    ).json()
    assert answer["requested_state"] == "BRA"
    assert answer["finalisable"] is False
    finding = next(f for f in answer["findings"] if f["code"] == "18-15-f")
    assert (finding["article"], finding["paragraph"], finding["severity"]) == (
        "18",
        "15(f)",
        "essential",
    )
    complete = client.post(f"{BASE}/check", BANK_RECORDS, content_type="application/json")
    assert complete.json()["finalisable"] is True


def test_a_check_that_cannot_be_read_names_the_field(practitioner):
    client = api(practitioner)
    bad = client.post(
        f"{BASE}/check", {**BANK_RECORDS, "urgent": "yes"}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert bad.json()["detail"] == "urgent: 'yes' is not true or false"
    unknown = client.post(
        f"{BASE}/check", {**BANK_RECORDS, "requested_state": "QQQ"}, content_type="application/json"
    )
    assert unknown.status_code == 422
    assert "no State with the code 'QQQ'" in unknown.json()["detail"]


def test_statistics_per_counterpart(practitioner, keeper):
    request = sent(practitioner, keeper, on=date(2026, 1, 1))
    services.transition(
        request, "refused", acting_user=practitioner, on=date(2026, 2, 1), grounds=["a", "d"]
    )
    rows = api(practitioner).get(f"{BASE}/statistics").json()
    assert rows == [
        {
            "code": "BRA",
            "name": _participant("BRA").localized_name,
            "total": 1,
            "open": 0,
            "executed": 0,
            "refused": 1,
            "withdrawn": 0,
            "median_days_to_execution": None,
            "refusals_by_ground": {"a": 1, "d": 1},
        }
    ]
    assert api(practitioner).get(f"{BASE}/statistics?direction=incoming").json() == []
    assert api(practitioner).get(f"{BASE}/statistics?direction=up").status_code == 422
    assert Request.objects.count() >= 1
