"""The log's pages: the list, a request's page, its status, notes, documents, related requests
and sharing, recording a request sent or received outside Palermo, and the statistics.

The keeping State is Testland (a test-only State), so the demo's requests do not mix in; every
refusal is tested from the side of the user refused."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from palermo.cooperation import services
from palermo.cooperation.models import Direction, Document, Request, Status
from palermo.core.choices import Role
from palermo.platform.models import ReadEvent
from tests.factories import AuthorityFactory, ParticipantFactory, UserFactory, _participant

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = dt.timedelta(days=1)


@pytest.fixture
def testland():
    return ParticipantFactory(testland=True)


@pytest.fixture
def keeper(testland):
    return AuthorityFactory(state=testland, authority="Testland Central Authority (fictional)")


@pytest.fixture
def practitioner(testland):
    return UserFactory(role=Role.PRACTITIONER, state=testland, username="tl-practitioner")


@pytest.fixture
def outsider():
    """Another State's practitioner: must not learn that Testland's requests exist."""
    return UserFactory(role=Role.PRACTITIONER, state="BRA", username="br-practitioner")


def make(keeper, reference, *, direction=Direction.OUTGOING, counterpart="BRA", **fields):
    """A request straight in the database, as the log holds it (setup, not the code tested)."""
    counterpart = _participant(counterpart)
    outgoing = direction == Direction.OUTGOING
    return Request.objects.create(
        reference=reference,
        title=fields.pop("title", f"Request {reference} (fictional)"),
        direction=direction,
        authority=keeper,
        requesting_state=keeper.participant if outgoing else counterpart,
        requested_state=counterpart if outgoing else keeper.participant,
        is_demo=True,
        **fields,
    )


@pytest.fixture
def sent(keeper):
    return make(
        keeper,
        "QTL-2026-001",
        title="Bank records of Orion Trading (fictional)",
        status=Status.SENT,
        sent_on=TODAY - 40 * DAY,
        deadline=TODAY - 3 * DAY,
        content={"kind": "mla", "requesting_state": "QTL", "requested_state": "BRA"},
    )


def signed_in(client, user):
    client.force_login(user)
    return client


# The list -------------------------------------------------------------------------------------


def test_the_list_shows_the_authoritys_requests_with_their_counterpart_and_overdue_deadline(
    client, keeper, practitioner, sent
):
    make(
        keeper,
        "QTL-2026-002",
        direction=Direction.INCOMING,
        counterpart="FRA",
        status=Status.SENT,
        received_on=TODAY - 5 * DAY,
        title="Service of documents from France (fictional)",
    )
    screen = signed_in(client, practitioner).get(reverse("cooperation:log")).content.decode()
    assert "QTL-2026-001" in screen and "QTL-2026-002" in screen
    assert "Bank records of Orion Trading (fictional)" in screen
    assert "Brazil" in screen and "France" in screen  # the counterpart of each direction
    assert (TODAY - 40 * DAY).isoformat() in screen  # sent
    assert (TODAY - 5 * DAY).isoformat() in screen  # received
    assert "overdue" in screen  # the passed deadline of a request still under way
    assert reverse("cooperation:request", args=[sent.pk]) in screen


def test_a_closed_request_past_its_deadline_is_not_overdue(client, keeper, practitioner):
    make(keeper, "QTL-2026-009", status=Status.EXECUTED, deadline=TODAY - 3 * DAY)
    screen = signed_in(client, practitioner).get(reverse("cooperation:log")).content.decode()
    assert "QTL-2026-009" in screen
    assert "overdue" not in screen


def test_the_list_filters_by_direction_status_counterpart_kind_and_words(
    client, keeper, practitioner, sent
):
    make(keeper, "QTL-IN-1", direction=Direction.INCOMING, counterpart="FRA", kind="extradition")
    signed_in(client, practitioner)
    url = reverse("cooperation:log")

    def shown(**query):
        screen = client.get(url, query).content.decode()
        return {ref for ref in ("QTL-2026-001", "QTL-IN-1") if ref in screen}

    assert shown() == {"QTL-2026-001", "QTL-IN-1"}
    assert shown(direction="incoming") == {"QTL-IN-1"}
    assert shown(status="sent") == {"QTL-2026-001"}
    assert shown(counterpart="FRA") == {"QTL-IN-1"}
    assert shown(counterpart="BRA") == {"QTL-2026-001"}
    assert shown(kind="extradition") == {"QTL-IN-1"}
    assert shown(q="orion") == {"QTL-2026-001"}


def test_another_states_practitioner_sees_none_of_them(client, sent, outsider):
    screen = signed_in(client, outsider).get(reverse("cooperation:log")).content.decode()
    assert "QTL-2026-001" not in screen
    assert "Orion Trading" not in screen


@pytest.mark.parametrize("role", [Role.FOCAL_POINT, Role.SECRETARIAT])
def test_the_list_is_refused_to_who_is_not_a_practitioner(client, sent, role, testland):
    user = UserFactory(role=role, state=testland if role == Role.FOCAL_POINT else None)
    response = signed_in(client, user).get(reverse("cooperation:log"))
    assert response.status_code == 403
    assert b"QTL-2026-001" not in response.content


def test_the_list_sends_an_anonymous_visitor_to_sign_in(client):
    response = client.get(reverse("cooperation:log"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_downloads_as_csv_with_what_the_page_shows(client, practitioner, sent):
    response = signed_in(client, practitioner).get(reverse("cooperation:log"), {"_export": "csv"})
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    text = text.decode()
    assert response.status_code == 200
    assert "Reference" in text.splitlines()[0]
    assert "QTL-2026-001" in text and "BRA" in text and sent.deadline.isoformat() in text


def test_the_list_costs_the_same_number_of_queries_whatever_the_rows(
    client, keeper, practitioner, django_assert_max_num_queries
):
    for i in range(40):
        make(keeper, f"QTL-BULK-{i:03d}", counterpart=("BRA", "FRA", "EGY")[i % 3])
    signed_in(client, practitioner)
    with django_assert_max_num_queries(12):
        screen = client.get(reverse("cooperation:log")).content.decode()
    assert screen.count("QTL-BULK-") >= 40


# One request ----------------------------------------------------------------------------------


def test_the_request_page_shows_parties_authorities_history_and_findings(
    client, keeper, practitioner, sent
):
    counterpart = AuthorityFactory(state="BRA", authority="Brazilian Authority (fictional)")
    sent.counterpart_authority = counterpart
    sent.save()
    services.add_note(sent, "Asked for news by phone.", acting_user=practitioner, on=TODAY)
    screen = signed_in(client, practitioner).get(reverse("cooperation:request", args=[sent.pk]))
    text = screen.content.decode()
    assert screen.status_code == 200
    assert "Testland Central Authority (fictional)" in text
    assert reverse("directory:entry", args=[keeper.pk]) in text
    assert reverse("directory:entry", args=[counterpart.pk]) in text
    assert "Asked for news by phone." in text
    assert "overdue" in text
    # Outgoing: the completeness rules' findings, with their sources in the Convention.
    assert 'id="findings"' in text
    assert "UNTOC art. 18(15)" in text
    # The next statuses it may take, the refusal's grounds among them.
    assert 'value="acknowledged"' in text and 'value="refused"' in text
    assert "18(21)(b)" in text


def test_an_incoming_request_has_no_completeness_findings(client, keeper, practitioner):
    incoming = make(keeper, "QTL-IN-7", direction=Direction.INCOMING, status=Status.SENT)
    text = (
        signed_in(client, practitioner)
        .get(reverse("cooperation:request", args=[incoming.pk]))
        .content.decode()
    )
    assert 'id="findings"' not in text


def test_reading_a_request_is_logged(client, practitioner, sent):
    signed_in(client, practitioner).get(reverse("cooperation:request", args=[sent.pk]))
    read = ReadEvent.objects.filter(object_pk=str(sent.pk), user=practitioner)
    assert read.filter(object_repr__startswith="QTL-2026-001").exists()


def _every_post(sent):
    return [
        (reverse("cooperation:status", args=[sent.pk]), {"status": "withdrawn", "on": TODAY}),
        (reverse("cooperation:note", args=[sent.pk]), {"text": "Hi", "on": TODAY}),
        (
            reverse("cooperation:document", args=[sent.pk]),
            {"title": "Answer", "way": "received", "on": TODAY},
        ),
        (reverse("cooperation:relate", args=[sent.pk]), {"reference": "QTL-2026-001"}),
        (
            reverse("cooperation:share", args=[sent.pk]),
            {"holder_kind": "user", "holder": "br-practitioner", "role": "viewer"},
        ),
    ]


def test_another_states_practitioner_gets_404_on_the_page_and_on_every_post(client, sent, outsider):
    signed_in(client, outsider)
    assert client.get(reverse("cooperation:request", args=[sent.pk])).status_code == 404
    assert client.get(reverse("cooperation:share", args=[sent.pk])).status_code == 404
    for url, data in _every_post(sent):
        assert client.post(url, data).status_code == 404, url
    sent.refresh_from_db()
    assert sent.status == Status.SENT
    assert not sent.events.exists() and not sent.documents.exists()
    assert not services.shares(sent)


def test_a_viewer_reads_the_request_but_cannot_change_it(client, practitioner, sent, outsider):
    services.share(sent, to=outsider, role="viewer", acting_user=practitioner)
    signed_in(client, outsider)
    screen = client.get(reverse("cooperation:request", args=[sent.pk]))
    assert screen.status_code == 200
    text = screen.content.decode()
    assert "Bank records of Orion Trading (fictional)" in text
    assert 'id="status-form"' not in text and 'id="share-form"' not in text
    assert client.get(reverse("cooperation:share", args=[sent.pk])).status_code == 403
    for url, data in _every_post(sent):
        assert client.post(url, data).status_code == 403, url
    sent.refresh_from_db()
    assert sent.status == Status.SENT
    assert not sent.documents.exists()


def test_an_editor_share_may_change_the_status(client, practitioner, sent, outsider):
    services.share(sent, to=outsider, role="editor", acting_user=practitioner)
    response = signed_in(client, outsider).post(
        reverse("cooperation:status", args=[sent.pk]),
        {"status": "acknowledged", "on": TODAY.isoformat()},
    )
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.status == Status.ACKNOWLEDGED


# Status ------------------------------------------------------------------------------------------


def test_a_refusal_without_grounds_is_refused_with_the_article_to_cite(client, practitioner, sent):
    response = signed_in(client, practitioner).post(
        reverse("cooperation:status", args=[sent.pk]),
        {"status": "refused", "on": TODAY.isoformat()},
    )
    assert response.status_code == 400
    assert "a refusal needs its grounds under article 18(21)" in response.content.decode()
    sent.refresh_from_db()
    assert sent.status == Status.SENT


def test_a_refusal_with_its_grounds_closes_the_request(client, practitioner, sent):
    signed_in(client, practitioner)
    response = client.post(
        reverse("cooperation:status", args=[sent.pk]),
        {"status": "refused", "on": TODAY.isoformat(), "grounds": ["b", "d"], "note": "Letter"},
    )
    assert response.status_code == 302
    sent.refresh_from_db()
    assert (sent.status, sent.refusal_grounds, sent.closed_on) == ("refused", ["b", "d"], TODAY)
    text = client.get(reverse("cooperation:request", args=[sent.pk])).content.decode()
    assert "18(21)(b)" in text and "18(21)(d)" in text
    # A closed request takes no further status, and is no longer overdue.
    assert 'id="status-form"' not in text
    assert "overdue" not in text


def test_a_status_not_allowed_from_the_current_one_is_refused(client, practitioner, keeper):
    draft = make(keeper, "QTL-DRAFT-1")
    response = signed_in(client, practitioner).post(
        reverse("cooperation:status", args=[draft.pk]),
        {"status": "executed", "on": TODAY.isoformat()},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_an_outgoing_draft_is_not_sent_before_it_is_finalised(client, practitioner, keeper):
    draft = make(keeper, "QTL-DRAFT-2")
    response = signed_in(client, practitioner).post(
        reverse("cooperation:status", args=[draft.pk]),
        {"status": "sent", "on": TODAY.isoformat()},
    )
    assert response.status_code == 400
    assert "finalise it first" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.sent_on is None


# Notes, documents, related requests ----------------------------------------------------------------


def test_a_note_is_added_to_the_history(client, practitioner, sent):
    signed_in(client, practitioner)
    client.post(
        reverse("cooperation:note", args=[sent.pk]),
        {"text": "The counterpart asked for a translation.", "on": TODAY.isoformat()},
    )
    text = client.get(reverse("cooperation:request", args=[sent.pk])).content.decode()
    assert "The counterpart asked for a translation." in text


def test_an_empty_note_says_what_is_missing(client, practitioner, sent):
    response = signed_in(client, practitioner).post(
        reverse("cooperation:note", args=[sent.pk]), {"text": "", "on": TODAY.isoformat()}
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_a_document_is_uploaded_and_downloaded_only_by_who_may_see_the_request(
    client, practitioner, sent, outsider
):
    signed_in(client, practitioner)
    upload = SimpleUploadedFile("answer.pdf", b"%PDF-1.4 fictional answer", "application/pdf")
    response = client.post(
        reverse("cooperation:document", args=[sent.pk]),
        {
            "title": "Answer of Brazil (fictional)",
            "way": "received",
            "on": TODAY.isoformat(),
            "file": upload,
        },
    )
    assert response.status_code == 302
    document = Document.objects.get(request=sent)
    text = client.get(reverse("cooperation:request", args=[sent.pk])).content.decode()
    file_url = reverse("cooperation:document_file", args=[sent.pk, document.pk])
    assert "Answer of Brazil (fictional)" in text and file_url in text
    download = client.get(file_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 fictional answer"
    assert "attachment" in download["Content-Disposition"]
    client.force_login(outsider)
    assert client.get(file_url).status_code == 404


def test_a_document_without_a_title_is_refused_with_the_field_named(client, practitioner, sent):
    response = signed_in(client, practitioner).post(
        reverse("cooperation:document", args=[sent.pk]),
        {"title": "", "way": "received", "on": TODAY.isoformat()},
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not sent.documents.exists()


def test_requests_are_related_by_reference_among_those_one_may_see(
    client, keeper, practitioner, sent
):
    other = make(keeper, "QTL-2026-004", kind="extradition", title="Extradition (fictional)")
    foreign = make(AuthorityFactory(state="BRA"), "BRA-SECRET-1", counterpart="QTL")
    signed_in(client, practitioner)
    url = reverse("cooperation:relate", args=[sent.pk])
    refused = client.post(url, {"reference": foreign.reference})
    assert refused.status_code == 400
    assert "No request you may see has the reference “BRA-SECRET-1”" in refused.content.decode()
    assert client.post(url, {"reference": "qtl-2026-004"}).status_code == 302
    text = client.get(reverse("cooperation:request", args=[sent.pk])).content.decode()
    assert reverse("cooperation:request", args=[other.pk]) in text
    # Related both ways.
    text = client.get(reverse("cooperation:request", args=[other.pk])).content.decode()
    assert reverse("cooperation:request", args=[sent.pk]) in text


# Sharing ------------------------------------------------------------------------------------------


def test_sharing_lets_the_person_read_it_and_taking_it_back_hides_it_again(
    client, practitioner, sent, outsider
):
    signed_in(client, practitioner)
    share_url = reverse("cooperation:share", args=[sent.pk])
    response = client.post(
        share_url, {"holder_kind": "user", "holder": "br-practitioner", "role": "viewer"}
    )
    assert response.status_code == 302
    assert "br-practitioner" in client.get(share_url).content.decode()

    reader = type(client)()
    reader.force_login(outsider)
    detail = reverse("cooperation:request", args=[sent.pk])
    assert reader.get(detail).status_code == 200
    assert "QTL-2026-001" in reader.get(reverse("cooperation:log")).content.decode()

    client.post(
        share_url,
        {"remove": "1", "holder_kind": "user", "holder_id": outsider.pk, "role": "viewer"},
    )
    assert reader.get(detail).status_code == 404


def test_sharing_with_someone_unknown_says_so(client, practitioner, sent):
    response = signed_in(client, practitioner).post(
        reverse("cooperation:share", args=[sent.pk]),
        {"holder_kind": "user", "holder": "nobody-here", "role": "viewer"},
    )
    assert response.status_code == 400
    assert "No active person has the user name “nobody-here”." in response.content.decode()


def test_sharing_with_a_group_reaches_its_members(client, practitioner, sent):
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="Otherland central authority (fictional)")
    member = UserFactory(role=Role.PRACTITIONER, state="FRA")
    member.groups.add(group)
    signed_in(client, practitioner).post(
        reverse("cooperation:share", args=[sent.pk]),
        {"holder_kind": "group", "holder": group.name, "role": "viewer"},
    )
    client.force_login(member)
    assert client.get(reverse("cooperation:request", args=[sent.pk])).status_code == 200


# Recording a request sent or received outside Palermo ---------------------------------------


def _record_data(keeper, **changes):
    return {
        "direction": "incoming",
        "kind": "mla",
        "authority": keeper.pk,
        "counterpart_state": "FRA",
        "title": "Hearing of a witness (fictional)",
        "on": (TODAY - 2 * DAY).isoformat(),
        "deadline": (TODAY + 30 * DAY).isoformat(),
        "language": "fr",
        "note": "Arrived by diplomatic bag.",
        **changes,
    }


def test_an_incoming_request_is_recorded_as_received(client, keeper, practitioner):
    response = signed_in(client, practitioner).post(
        reverse("cooperation:record"), _record_data(keeper)
    )
    assert response.status_code == 302
    item = Request.objects.get(title="Hearing of a witness (fictional)")
    assert (item.direction, item.status, item.received_on) == (
        "incoming",
        "sent",
        TODAY - 2 * DAY,
    )
    assert item.requesting_state.code == "FRA" and item.requested_state.code == "QTL"
    assert response["Location"] == reverse("cooperation:request", args=[item.pk])
    assert "Arrived by diplomatic bag." in client.get(response["Location"]).content.decode()


def test_an_outgoing_request_sent_outside_palermo_is_recorded_with_its_day(
    client, keeper, practitioner
):
    day = TODAY - 9 * DAY
    response = signed_in(client, practitioner).post(
        reverse("cooperation:record"),
        _record_data(
            keeper, direction="outgoing", counterpart_state="BRA", on=day.isoformat(), note=""
        ),
    )
    assert response.status_code == 302
    item = Request.objects.get(title="Hearing of a witness (fictional)")
    assert (item.requesting_state.code, item.requested_state.code) == ("QTL", "BRA")
    assert (item.status, item.sent_on) == (Status.SENT, day)
    assert "Sent outside Palermo." in client.get(response["Location"]).content.decode()


def test_a_reference_already_in_the_log_is_refused_and_nothing_is_recorded(
    client, keeper, practitioner, sent
):
    response = signed_in(client, practitioner).post(
        reverse("cooperation:record"), _record_data(keeper, reference=sent.reference)
    )
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert Request.objects.filter(reference=sent.reference).count() == 1


def test_recording_says_what_is_wrong_and_where(client, keeper, practitioner):
    signed_in(client, practitioner)
    response = client.post(
        reverse("cooperation:record"),
        _record_data(
            keeper,
            counterpart_state="QTL",
            on=(TODAY + 3 * DAY).isoformat(),
            language="french",
        ),
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "The counterpart State is your own authority&#x27;s State." in text
    assert "This date is still to come." in text
    assert "two-letter ISO 639-1 code" in text
    assert not Request.objects.filter(title="Hearing of a witness (fictional)").exists()


def test_a_practitioner_cannot_record_for_another_states_authority(client, practitioner):
    foreign = AuthorityFactory(state="BRA")
    response = signed_in(client, practitioner).post(
        reverse("cooperation:record"), _record_data(foreign, counterpart_state="FRA")
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Request.objects.filter(authority=foreign).exists()


def test_recording_is_refused_to_who_is_not_a_practitioner(client, testland):
    user = UserFactory(role=Role.FOCAL_POINT, state=testland)
    assert signed_in(client, user).get(reverse("cooperation:record")).status_code == 403


# Statistics ---------------------------------------------------------------------------------------


def test_statistics_count_per_counterpart_state_with_refusals_by_ground(
    client, keeper, practitioner, outsider
):
    make(
        keeper,
        "S-1",
        status=Status.EXECUTED,
        sent_on=TODAY - 30 * DAY,
        closed_on=TODAY - 10 * DAY,
    )
    make(
        keeper,
        "S-2",
        status=Status.REFUSED,
        sent_on=TODAY - 30 * DAY,
        closed_on=TODAY - 5 * DAY,
        refusal_grounds=["b"],
    )
    make(keeper, "S-3", status=Status.SENT, sent_on=TODAY - 3 * DAY)
    make(keeper, "S-4", direction=Direction.INCOMING, counterpart="FRA", status=Status.SENT)
    signed_in(client, practitioner)
    screen = client.get(reverse("cooperation:statistics"))
    text = screen.content.decode()
    assert screen.status_code == 200
    brazil = text.split("Brazil", 1)[1].split("</tr>", 1)[0]
    cells = [c.split("</td>")[0] for c in brazil.split("<td>")[1:]]
    assert cells[:4] == ["3", "1", "1", "1"]  # requests, open, executed, refused
    assert ">b</abbr>: 1" in brazil
    assert cells[-1] == "20"  # median days from sending to execution
    assert "France" in text
    assert (
        "France"
        not in client.get(
            reverse("cooperation:statistics"), {"direction": "outgoing"}
        ).content.decode()
    )
    # Another State's practitioner counts none of Testland's requests.
    client.force_login(outsider)
    assert "Brazil" not in client.get(reverse("cooperation:statistics")).content.decode()


def test_who_is_not_a_practitioner_finds_a_request_shared_with_them_in_the_list(
    client, practitioner, sent, testland
):
    prosecutor = UserFactory(role=Role.FOCAL_POINT, state=testland)
    signed_in(client, prosecutor)
    assert client.get(reverse("cooperation:log")).status_code == 403
    services.share(sent, to=prosecutor, role="viewer", acting_user=practitioner)
    screen = client.get(reverse("cooperation:log"))
    assert screen.status_code == 200
    assert "QTL-2026-001" in screen.content.decode()
