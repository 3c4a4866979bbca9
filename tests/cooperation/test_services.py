"""The services of the log: creating, drafting, finalising, the status transitions, notes,
documents, related requests, sharing and the statistics per counterpart State."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from palermo.cooperation import rules, services
from palermo.cooperation.models import Direction, Event, Request, Status
from palermo.core.choices import Role
from palermo.platform.models import Notification
from palermo.platform.policies import restrict
from tests.factories import AuthorityFactory, ParticipantFactory, UserFactory, _participant

pytestmark = pytest.mark.django_db

#: A request for bank records to Brazil, complete as far as the rules go.
BANK_RECORDS = {
    "kind": "mla",
    "requesting_state": "ARG",
    "requested_state": "BRA",
    "requesting_authority": "Fictional Central Authority (fictional)",
    "subject_matter": "Laundering of the proceeds of drug trafficking",
    "proceeding": "investigation",
    "conducting_authority": "Fictional Federal Prosecutor's Office No. 3",
    "conducting_functions": "Directs the criminal investigation",
    "facts": "Between 2023 and 2025 a group of four persons moved the proceeds through "
    "accounts opened in São Paulo.",
    "purposes": ["records"],
    "assistance": "Certified copies of the statements of account 0001-2 from 2023 to 2025.",
    "procedures": "Certified by the bank's custodian of records.",
    "persons": [
        {
            "name": "J. Doe (fictional)",
            "location": "São Paulo",
            "nationality": "Argentine",
            "role": "suspect",
        }
    ],
    "purpose": "Evidence in the investigation named above.",
    "offences": [
        {
            "name": "Money laundering",
            "provision": "Penal Code, art. 303",
            "max_penalty_years": 10,
            "dual_criminality": True,
            "organized_group": True,
            "group_size": 4,
            "transnational": ["several-states"],
            "convention_offence": "6",
        }
    ],
    "use_limited_to_request": True,
    "language": "pt",
    "channel": "central_authority",
    "legal_basis": "UNTOC",
}


#: The keeping State of the tests' requests: a State of its own, so that the demo requests of
#: Argentina (loaded into the test database) stay out of the counts.
HOME = "QCA"


@pytest.fixture
def home():
    return ParticipantFactory(code=HOME, name="Cooperationland (fictional)")


@pytest.fixture
def keeper(home):
    return AuthorityFactory(state=home)


@pytest.fixture
def practitioner(home):
    return UserFactory(role=Role.PRACTITIONER, state=home)


def outgoing(user, keeper, **extra):
    fields = {
        "acting_user": user,
        "authority": keeper,
        "direction": Direction.OUTGOING,
        "kind": "mla",
        "title": "Bank records (fictional)",
        "requesting_state": keeper.participant,
        "requested_state": _participant("BRA"),
        **extra,
    }
    return services.create_request(**fields)


def sent(user, keeper, on=date(2026, 1, 5), **extra):
    request = outgoing(user, keeper, **extra)
    Request.objects.filter(pk=request.pk).update(finalised="2026-01-04T10:00:00Z")
    request.refresh_from_db()
    services.transition(request, "sent", acting_user=user, on=on)
    return request


def test_a_new_request_gets_the_next_reference_of_its_authority(practitioner, keeper):
    year = date.today().year
    first = outgoing(practitioner, keeper)
    second = outgoing(practitioner, keeper)
    assert first.reference == f"{HOME}-{year}-001"
    assert second.reference == f"{HOME}-{year}-002"
    assert first.status == Status.DRAFT
    assert list(first.events.values_list("status", "note")) == [("draft", "Created.")]


def test_an_incoming_request_is_recorded_as_received(practitioner, keeper):
    request = services.create_request(
        acting_user=practitioner,
        authority=keeper,
        direction=Direction.INCOMING,
        kind="mla",
        title="Witness statements (fictional)",
        requesting_state=_participant("FRA"),
        requested_state=keeper.participant,
        reference="FR-2026-17",
        received_on=date(2026, 2, 1),
    )
    assert (request.status, request.received_on, request.reference) == (
        "sent",
        date(2026, 2, 1),
        "FR-2026-17",
    )
    assert request.counterpart_state.code == "FRA"
    assert request.events.get().note == "Received."


def test_the_creator_keeps_seeing_the_request_through_the_owner_grant(practitioner, keeper):
    request = outgoing(practitioner, keeper)
    practitioner.role_assignments.all().delete()
    practitioner._role_cache = None
    practitioner = type(practitioner).objects.get(pk=practitioner.pk)
    assert restrict(Request.objects.all(), practitioner).filter(pk=request.pk).exists()


@pytest.mark.parametrize(
    "make",
    [
        lambda: UserFactory(role=Role.PRACTITIONER, state="BRA"),
        lambda: UserFactory(role=Role.FOCAL_POINT, state=HOME),
        lambda: UserFactory(role=Role.SECRETARIAT),
    ],
    ids=["other-states-practitioner", "focal-point", "secretariat"],
)
def test_only_a_practitioner_of_the_authoritys_state_records_a_request(keeper, make):
    with pytest.raises(PermissionDenied):
        outgoing(make(), keeper)
    assert not Request.objects.filter(authority=keeper).exists()


def test_a_draft_takes_kind_language_deadline_and_requested_state_from_its_content(
    practitioner, keeper
):
    request = outgoing(practitioner, keeper)
    content = {**BANK_RECORDS, "requested_state": "FRA", "language": "fr", "deadline": "2026-09-01"}
    services.save_draft(request, content=content, step="facts", acting_user=practitioner)
    request.refresh_from_db()
    assert (request.requested_state.code, request.language, request.deadline, request.step) == (
        "FRA",
        "fr",
        date(2026, 9, 1),
        "facts",
    )


def test_a_draft_that_cannot_be_read_names_the_field(practitioner, keeper):
    request = outgoing(practitioner, keeper)
    with pytest.raises(rules.RequestError, match="offences\\[0\\].max_penalty_years"):
        services.save_draft(
            request,
            content={**BANK_RECORDS, "offences": [{"name": "x", "max_penalty_years": "ten"}]},
            acting_user=practitioner,
        )
    with pytest.raises(rules.RequestError, match="requested_state"):
        services.save_draft(
            request, content={**BANK_RECORDS, "requested_state": "QQQ"}, acting_user=practitioner
        )


def test_another_states_practitioner_cannot_save_the_draft(practitioner, keeper):
    request = outgoing(practitioner, keeper)
    intruder = UserFactory(role=Role.PRACTITIONER, state="BRA")
    with pytest.raises(PermissionDenied):
        services.save_draft(request, content=BANK_RECORDS, acting_user=intruder)
    with pytest.raises(PermissionDenied):
        services.check(request, user=intruder)


def test_a_missing_essential_stops_finalising_and_completing_it_lets_it_go(practitioner, keeper):
    request = outgoing(practitioner, keeper)
    services.save_draft(request, content={**BANK_RECORDS, "purpose": ""}, acting_user=practitioner)
    with pytest.raises(services.NotFinalisable) as refused:
        services.finalise(request, acting_user=practitioner)
    assert "18-15-f" in [f.code for f in refused.value.report.blocking]
    request.refresh_from_db()
    assert request.finalised is None

    services.save_draft(request, content=BANK_RECORDS, acting_user=practitioner)
    report = services.finalise(request, acting_user=practitioner)
    assert report.finalisable, [f.code for f in report.blocking]
    request.refresh_from_db()
    assert request.finalised is not None

    services.save_draft(
        request,
        content={**BANK_RECORDS, "facts": BANK_RECORDS["facts"] + " More."},
        acting_user=practitioner,
    )
    request.refresh_from_db()
    assert request.finalised is None


def test_an_outgoing_draft_is_sent_only_once_finalised(practitioner, keeper):
    request = outgoing(practitioner, keeper)
    with pytest.raises(services.TransitionError, match="finalise it first"):
        services.transition(request, "sent", acting_user=practitioner, on=date(2026, 1, 5))
    request.refresh_from_db()
    assert request.status == "draft"


def test_the_life_of_a_request_sets_its_dates_and_records_events(practitioner, keeper):
    request = sent(practitioner, keeper)
    services.transition(request, "acknowledged", acting_user=practitioner, on=date(2026, 1, 20))
    services.transition(
        request, "executed", acting_user=practitioner, on=date(2026, 3, 1), note="All received."
    )
    request.refresh_from_db()
    assert (request.sent_on, request.acknowledged_on, request.closed_on) == (
        date(2026, 1, 5),
        date(2026, 1, 20),
        date(2026, 3, 1),
    )
    assert list(
        request.events.exclude(status="").order_by("pk").values_list("status", flat=True)
    ) == [
        "draft",
        "sent",
        "acknowledged",
        "executed",
    ]
    with pytest.raises(services.TransitionError, match="from Executed to Withdrawn.*closed"):
        services.transition(request, "withdrawn", acting_user=practitioner, on=date(2026, 3, 2))


def test_a_transition_not_allowed_says_where_the_request_can_go(practitioner, keeper):
    request = outgoing(practitioner, keeper)
    with pytest.raises(services.TransitionError, match="from Draft to Executed.*Sent, Withdrawn"):
        services.transition(request, "executed", acting_user=practitioner, on=date(2026, 1, 5))
    with pytest.raises(services.TransitionError, match="'lost' is not a status"):
        services.transition(request, "lost", acting_user=practitioner, on=date(2026, 1, 5))


def test_a_refusal_needs_grounds_of_article_18_21(practitioner, keeper):
    request = sent(practitioner, keeper)
    with pytest.raises(services.TransitionError, match="needs its grounds"):
        services.transition(request, "refused", acting_user=practitioner, on=date(2026, 2, 1))
    with pytest.raises(services.TransitionError, match="z: not a ground"):
        services.transition(
            request, "refused", acting_user=practitioner, on=date(2026, 2, 1), grounds=["b", "z"]
        )
    services.transition(
        request, "refused", acting_user=practitioner, on=date(2026, 2, 1), grounds=["c", "b"]
    )
    request.refresh_from_db()
    assert (request.status, request.refusal_grounds, request.closed_on) == (
        "refused",
        ["b", "c"],
        date(2026, 2, 1),
    )


def test_a_date_before_the_request_was_sent_is_refused(practitioner, keeper):
    request = sent(practitioner, keeper)
    with pytest.raises(services.TransitionError, match="before the request was sent"):
        services.transition(request, "acknowledged", acting_user=practitioner, on=date(2025, 12, 1))


def test_a_viewer_it_was_shared_with_cannot_change_its_status(practitioner, keeper):
    request = sent(practitioner, keeper)
    reader = UserFactory(role=Role.PRACTITIONER, state="BRA")
    services.share(request, to=reader, role="viewer", acting_user=practitioner)
    with pytest.raises(PermissionDenied):
        services.transition(request, "withdrawn", acting_user=reader, on=date(2026, 2, 1))
    with pytest.raises(PermissionDenied):
        services.add_note(request, "Hello", acting_user=reader, on=date(2026, 2, 1))
    request.refresh_from_db()
    assert request.status == "sent"


def test_notes_and_documents_are_recorded(practitioner, keeper):
    request = sent(practitioner, keeper)
    services.add_note(
        request, "Called the central authority.", acting_user=practitioner, on=date(2026, 1, 9)
    )
    services.add_document(
        request, title="Signed request", way="sent", on=date(2026, 1, 5), acting_user=practitioner
    )
    assert request.events.filter(note="Called the central authority.").exists()
    assert list(request.documents.values_list("title", "way")) == [("Signed request", "sent")]
    with pytest.raises(ValidationError):
        services.add_document(
            request, title="Answer", way="lost", on=date(2026, 1, 5), acting_user=practitioner
        )


def test_relating_needs_the_other_request_to_be_visible(practitioner, keeper):
    one, two = outgoing(practitioner, keeper), outgoing(practitioner, keeper)
    services.relate(one, two, acting_user=practitioner)
    assert list(two.related.all()) == [one]
    foreign = outgoing(
        UserFactory(role=Role.PRACTITIONER, state="BRA"), AuthorityFactory(state="BRA")
    )
    with pytest.raises(PermissionDenied):
        services.relate(one, foreign, acting_user=practitioner)
    with pytest.raises(ValidationError):
        services.relate(one, one, acting_user=practitioner)


def test_sharing_lets_the_person_see_it_tells_them_and_unsharing_takes_it_back(
    practitioner, keeper
):
    request = outgoing(practitioner, keeper)
    reader = UserFactory(role=Role.PRACTITIONER, state="BRA")
    services.share(request, to=reader, role="viewer", acting_user=practitioner)
    services.share(request, to=reader, role="viewer", acting_user=practitioner)  # no twice
    assert restrict(Request.objects.all(), reader).filter(pk=request.pk).exists()
    assert (
        Notification.objects.filter(recipient=reader, title__contains=request.reference).count()
        == 1
    )
    assert [(g.user, g.role) for g in services.shares(request)] == [
        (practitioner, "owner"),
        (reader, "viewer"),
    ]
    assert services.unshare(request, to=reader, role="viewer", acting_user=practitioner) == 1
    assert not restrict(Request.objects.all(), reader).filter(pk=request.pk).exists()
    with pytest.raises(ValidationError, match="share as editor or viewer"):
        services.share(request, to=reader, role="owner", acting_user=practitioner)


def test_someone_it_was_shared_with_cannot_share_it_further(practitioner, keeper):
    request = outgoing(practitioner, keeper)
    editor = UserFactory(role=Role.PRACTITIONER, state="BRA")
    other = UserFactory(role=Role.PRACTITIONER, state="FRA")
    services.share(request, to=editor, role="editor", acting_user=practitioner)
    with pytest.raises(PermissionDenied):
        services.share(request, to=other, role="viewer", acting_user=editor)
    assert not restrict(Request.objects.all(), other).filter(pk=request.pk).exists()


def test_statistics_per_counterpart_state_count_only_what_the_user_sees(
    practitioner, keeper, django_assert_max_num_queries
):
    executed = sent(practitioner, keeper, on=date(2026, 1, 1))
    services.transition(executed, "executed", acting_user=practitioner, on=date(2026, 1, 31))
    slow = sent(practitioner, keeper, on=date(2026, 1, 1))
    services.transition(slow, "executed", acting_user=practitioner, on=date(2026, 3, 2))
    refused = sent(practitioner, keeper, on=date(2026, 1, 1))
    services.transition(
        refused, "refused", acting_user=practitioner, on=date(2026, 2, 1), grounds=["b"]
    )
    sent(practitioner, keeper, requested_state=_participant("FRA"))
    # Another State's request stays out of this practitioner's figures.
    outgoing(
        UserFactory(role=Role.PRACTITIONER, state="BRA"),
        AuthorityFactory(state="BRA"),
        requesting_state=_participant("BRA"),
        requested_state=_participant("FRA"),
    )
    with django_assert_max_num_queries(3):
        stats = services.counterpart_stats(practitioner)
    bra = next(s for s in stats if s["code"] == "BRA")
    fra = next(s for s in stats if s["code"] == "FRA")
    assert (bra["total"], bra["open"], bra["executed"], bra["refused"]) == (3, 0, 2, 1)
    assert bra["median_days_to_execution"] == 45
    assert bra["refusals_by_ground"] == {"b": 1}
    assert (fra["total"], fra["open"], fra["median_days_to_execution"]) == (1, 1, None)
    assert services.counterpart_stats(practitioner, direction="incoming") == []
    assert services.counterpart_stats(UserFactory(role=Role.SECRETARIAT)) == []


def test_an_event_is_written_for_each_status_change(practitioner, keeper):
    request = sent(practitioner, keeper)
    assert Event.objects.filter(request=request, status="sent", on=date(2026, 1, 5)).exists()


def test_a_draft_without_a_deadline_or_kind_keeps_those_it_had(practitioner, keeper):
    request = outgoing(practitioner, keeper, kind="extradition", deadline=date(2026, 9, 1))
    services.save_draft(
        request, content={"requested_state": "BRA", "language": "pt"}, acting_user=practitioner
    )
    request.refresh_from_db()
    assert (request.kind, request.deadline, request.language) == (
        "extradition",
        date(2026, 9, 1),
        "pt",
    )


def test_a_deadline_in_the_content_is_the_requests_deadline(practitioner, keeper):
    request = outgoing(practitioner, keeper, content={**BANK_RECORDS, "deadline": "2026-10-01"})
    assert request.deadline == date(2026, 10, 1)
