"""Reminders: deadlines passed or near, and requests nobody acknowledged, to the keeping
authority's practitioners — at most once a week per request, and nobody else."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from palermo.cooperation import services
from palermo.cooperation.models import Direction, Request
from palermo.core.choices import Role
from palermo.platform import schedule
from palermo.platform.actors import system_user
from palermo.platform.models import Notification
from tests.cooperation.test_services import HOME, outgoing, sent
from tests.factories import AuthorityFactory, ParticipantFactory, UserFactory, _participant

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 1)


@pytest.fixture
def home():
    return ParticipantFactory(code=HOME, name="Cooperationland (fictional)")


@pytest.fixture
def keeper(home):
    return AuthorityFactory(state=home)


@pytest.fixture
def practitioner(home):
    return UserFactory(role=Role.PRACTITIONER, state=home)


def mine(requests, keeper):
    return {r.reference for r in requests if r.authority_id == keeper.pk}


def test_which_requests_are_due(practitioner, keeper):
    overdue = outgoing(practitioner, keeper, deadline=TODAY - timedelta(days=1))
    near = outgoing(practitioner, keeper, deadline=TODAY + timedelta(days=14))
    outgoing(practitioner, keeper, deadline=TODAY + timedelta(days=15))  # not yet
    silent = sent(practitioner, keeper, on=TODAY - timedelta(days=30))
    sent(practitioner, keeper, on=TODAY - timedelta(days=29))  # not yet
    answered = sent(practitioner, keeper, on=TODAY - timedelta(days=60))
    services.transition(
        answered, "acknowledged", acting_user=practitioner, on=TODAY - timedelta(days=50)
    )
    closed = sent(
        practitioner, keeper, on=TODAY - timedelta(days=90), deadline=TODAY - timedelta(days=5)
    )
    services.transition(
        closed, "withdrawn", acting_user=practitioner, on=TODAY - timedelta(days=10)
    )
    received = services.create_request(
        acting_user=practitioner,
        authority=keeper,
        direction=Direction.INCOMING,
        kind="mla",
        title="Incoming (fictional)",
        requesting_state=_participant("EGY"),
        requested_state=keeper.participant,
        received_on=TODAY - timedelta(days=31),
    )
    assert mine(services.due_reminders(TODAY), keeper) == {
        overdue.reference,
        near.reference,
        silent.reference,
        received.reference,
    }


def test_the_practitioners_of_the_keeping_state_are_reminded_once_a_week(
    practitioner, keeper, home
):
    colleague = UserFactory(role=Role.PRACTITIONER, state=home)
    focal_point = UserFactory(role=Role.FOCAL_POINT, state=home)
    counterpart = UserFactory(role=Role.PRACTITIONER, state="BRA")
    secretariat = UserFactory(role=Role.SECRETARIAT)
    request = sent(practitioner, keeper, deadline=TODAY - timedelta(days=3))
    report = services.send_reminders(acting_user=system_user(), today=TODAY)
    ours = next(s for s in report["states"] if s["state"] == HOME)
    assert ours["requests"] == [request.reference]
    assert ours["recipients"] == sorted([practitioner.username, colleague.username])
    note = Notification.objects.get(recipient=practitioner)
    assert request.reference in note.body
    assert f"deadline passed on {(TODAY - timedelta(days=3)).isoformat()}" in note.body
    for refused in (focal_point, counterpart, secretariat):
        assert not Notification.objects.filter(recipient=refused).exists()
    request.refresh_from_db()
    assert request.reminded_on == TODAY
    assert request.events.filter(note__startswith="Reminder sent: deadline passed").exists()

    services.send_reminders(acting_user=system_user(), today=TODAY + timedelta(days=6))
    assert Notification.objects.filter(recipient=practitioner).count() == 1
    services.send_reminders(acting_user=system_user(), today=TODAY + timedelta(days=7))
    assert Notification.objects.filter(recipient=practitioner).count() == 2


def test_reminders_are_e_mailed_after_commit(
    practitioner, keeper, django_capture_on_commit_callbacks
):
    sent(practitioner, keeper, on=TODAY - timedelta(days=40))
    with django_capture_on_commit_callbacks(execute=True):
        services.send_reminders(acting_user=system_user(), today=TODAY)
    assert any(practitioner.email in m.to and "not acknowledged" in m.body for m in mail.outbox)


def test_a_person_reminds_only_of_requests_they_may_change(practitioner, keeper):
    mine_ = sent(practitioner, keeper, deadline=TODAY)
    theirs = outgoing(
        UserFactory(role=Role.PRACTITIONER, state="BRA"),
        AuthorityFactory(state="BRA"),
        requesting_state=_participant("BRA"),
        deadline=TODAY,
    )
    report = services.send_reminders(acting_user=practitioner, today=TODAY)
    reminded = {ref for state in report["states"] for ref in state["requests"]}
    assert mine_.reference in reminded and theirs.reference not in reminded
    theirs.refresh_from_db()
    assert theirs.reminded_on is None


def test_nobody_cannot_send_reminders():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.send_reminders(acting_user=None, today=TODAY)
    with pytest.raises(PermissionDenied):
        services.send_reminders(acting_user=AnonymousUser(), today=TODAY)


def test_the_daily_task_sends_them():
    import palermo.cooperation.module  # noqa: F401  (registers the task, as apps.py will)

    assert "cooperation.reminders" in schedule.DAILY


def test_the_daily_task_reminds_as_the_system(practitioner, keeper):
    import palermo.cooperation.module  # noqa: F401

    request = sent(practitioner, keeper, deadline=TODAY + timedelta(days=2))
    done = schedule.run_due(TODAY, keys={"cooperation.reminders"})
    assert done["cooperation.reminders"]["outcome"]["requests"] >= 1
    request.refresh_from_db()
    assert request.reminded_on == TODAY
    assert Request.objects.filter(pk=request.pk, events__note__startswith="Reminder sent").exists()
