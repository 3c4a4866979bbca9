"""Entries not confirmed for 12 months: flagged, and their State's focal points and the
Secretariat reminded once per period (``palermo directory remind``); a confirmation ends it."""

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from palermo.core.choices import Role
from palermo.core.models import Notification, User
from palermo.directory import services
from palermo.directory.models import Authority
from palermo.platform.actors import system_user
from tests.factories import AuthorityFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@pytest.fixture
def testland():
    """A State with a focal point, one stale entry and one fresh one; the demo entries are
    confirmed as of TODAY so they stay out of the way."""
    Authority.objects.update(last_confirmed=TODAY - dt.timedelta(days=1))
    state = ParticipantFactory(testland=True)
    focal = UserFactory(role=Role.FOCAL_POINT, state=state)
    stale = AuthorityFactory(
        state=state, authority="Stale (fictional)", last_confirmed=TODAY - dt.timedelta(days=366)
    )
    AuthorityFactory(
        state=state, authority="Fresh (fictional)", last_confirmed=TODAY - dt.timedelta(days=300)
    )
    return state, focal, stale


def _notes(user):
    return list(Notification.objects.filter(recipient=user, url__startswith="/directory/"))


def test_stale_means_twelve_months(testland):
    _state, _focal, stale = testland
    assert stale.is_stale(TODAY)
    assert list(Authority.objects.stale(TODAY)) == [stale]
    assert AuthorityFactory(last_confirmed=None).is_stale(TODAY)


def test_the_state_and_the_secretariat_are_reminded_once(testland):
    state, focal, stale = testland
    secretariat = User.objects.get(username="secretariat")
    other_focal = User.objects.get(username="focal-point")  # Argentina's: nothing stale there
    report = services.send_reminders(acting_user=system_user(), today=TODAY)
    assert [s["state"] for s in report["states"]] == [state.code]
    assert len(_notes(focal)) == 1 and len(_notes(secretariat)) == 1
    assert "Testland has entries to confirm (1)" in _notes(focal)[0].title
    assert "Stale (fictional)" in _notes(focal)[0].body
    assert _notes(other_focal) == []
    stale.refresh_from_db()
    assert stale.reminded_on == TODAY
    # Not twice in a period.
    again = services.send_reminders(acting_user=system_user(), today=TODAY + dt.timedelta(days=5))
    assert again["states"] == [] and len(_notes(focal)) == 1
    # Still not confirmed a month later: reminded again.
    later = services.send_reminders(acting_user=system_user(), today=TODAY + dt.timedelta(days=30))
    assert [s["state"] for s in later["states"]] == [state.code] and len(_notes(focal)) == 2


def test_a_confirmation_ends_the_reminders(testland):
    _state, focal, stale = testland
    services.confirm_entry(acting_user=focal, entry=stale, on=TODAY)
    report = services.send_reminders(acting_user=system_user(), today=TODAY)
    assert report["states"] == [] and _notes(focal) == []


def test_a_focal_point_cannot_send_reminders_or_confirm_another_state(testland):
    _state, focal, stale = testland
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.send_reminders(acting_user=focal, today=TODAY)
    with pytest.raises(PermissionDenied):
        services.confirm_entry(acting_user=User.objects.get(username="focal-point"), entry=stale)
    with pytest.raises(PermissionDenied):
        services.send_reminders(acting_user=None, today=TODAY)


def test_the_command(testland, capsys):
    state, focal, _stale = testland
    call_command("directory", "remind", "--today", TODAY.isoformat(), "--dry-run", "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["dry_run"] and report["entries"] == 1 and _notes(focal) == []
    call_command("directory", "remind", "--today", TODAY.isoformat(), "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["states"][0]["state"] == state.code
    assert focal.username in report["states"][0]["recipients"]
    assert report["states"][0]["notified"] >= 2 and len(_notes(focal)) == 1
    with pytest.raises(CommandError):
        call_command("directory", "remind", "--today", "tomorrow")


def test_the_worker_sends_the_reminders_once_a_day_without_cron(testland):
    """The daily task (platform.schedule) the background worker runs: the same reminders as
    the command, once a day however many workers look."""
    from palermo.platform.schedule import run_due

    _state, focal, stale = testland
    done = run_due(TODAY)
    assert done["directory.reminders"] == {"outcome": {"entries": 1, "states": 1}}
    assert len(_notes(focal)) == 1
    assert "directory.reminders" not in run_due(TODAY)  # another worker, the same day
    stale.refresh_from_db()
    assert stale.reminded_on == TODAY
