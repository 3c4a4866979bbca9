"""Daily tasks (``platform.schedule``): run by the workers once a day each, whoever looks;
a failure is recorded and tried the next day; ``palermo schedule`` lists and runs them."""

import io
import json
import threading
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from palermo.platform import schedule
from palermo.platform.models import ScheduledRun

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)


@pytest.fixture
def tasks(monkeypatch):
    """Two tasks of the test's own in place of the registered ones: one that counts its runs,
    one that fails on the first day."""
    calls = []

    def counting(today):
        calls.append(today)
        return {"ran": len(calls)}

    def failing(today):
        if today == DAY:
            raise RuntimeError("the mail server is down")
        return {"ok": True}

    monkeypatch.setattr(
        schedule,
        "DAILY",
        {
            "test.counting": schedule.Daily("test.counting", "Counting", counting),
            "test.failing": schedule.Daily("test.failing", "Failing", failing),
        },
    )
    return calls


def test_each_task_runs_once_a_day(tasks):
    assert schedule.run_due(DAY)["test.counting"] == {"outcome": {"ran": 1}}
    assert schedule.run_due(DAY) == {}  # the same day: nothing left
    assert schedule.run_due(date(2026, 3, 3))["test.counting"] == {"outcome": {"ran": 2}}
    assert tasks == [DAY, date(2026, 3, 3)]


def test_a_failure_is_recorded_and_tried_the_next_day(tasks):
    done = schedule.run_due(DAY)
    assert done["test.failing"] == {"error": "RuntimeError: the mail server is down"}
    assert done["test.counting"] == {"outcome": {"ran": 1}}  # the others still run
    run = ScheduledRun.objects.get(task="test.failing", day=DAY)
    assert run.finished and "mail server" in run.error
    assert schedule.run_due(date(2026, 3, 3))["test.failing"] == {"outcome": {"ok": True}}


def test_a_task_claimed_by_another_worker_is_left_to_it(tasks):
    ScheduledRun.objects.create(task="test.counting", day=DAY)  # another worker took it
    assert "test.counting" not in schedule.run_due(DAY)
    assert tasks == []


def test_the_command_lists_and_runs(tasks):
    out = io.StringIO()
    call_command("schedule", "--json", stdout=out)
    rows = {row["task"]: row for row in json.loads(out.getvalue())}
    assert rows["test.counting"]["last_day"] is None
    out = io.StringIO()
    call_command(
        "schedule", "run", "--today", "2026-03-02", "--task", "test.counting", "--json", stdout=out
    )
    assert json.loads(out.getvalue()) == {"test.counting": {"outcome": {"ran": 1}}}
    out = io.StringIO()
    call_command("schedule", "--json", stdout=out)
    rows = {row["task"]: row for row in json.loads(out.getvalue())}
    assert rows["test.counting"]["last_day"] == "2026-03-02"
    assert rows["test.counting"]["outcome"] == {"ran": 1}
    assert rows["test.failing"]["last_day"] is None  # not asked for
    with pytest.raises(CommandError, match="No daily task 'nope'"):
        call_command("schedule", "run", "--task", "nope")
    with pytest.raises(CommandError, match="--today"):
        call_command("schedule", "run", "--today", "someday")


@pytest.mark.django_db(transaction=True)  # the thread has its own connection
def test_the_scheduler_thread_runs_the_days_tasks_and_stops(tasks, settings):
    settings.PALERMO_SCHEDULE_SECONDS = 0
    assert schedule.start_scheduler() is None  # switched off
    settings.PALERMO_SCHEDULE_SECONDS = 1
    stop = threading.Event()
    original = schedule.run_due

    def once(*args, **kwargs):
        try:
            return original(*args, **kwargs)
        finally:
            stop.set()

    schedule.run_due = once
    try:
        thread = schedule.start_scheduler(lambda: not stop.is_set())
        thread.join(timeout=30)
    finally:
        schedule.run_due = original
    assert not thread.is_alive()
    assert len(tasks) == 1


def test_the_modules_register_their_daily_tasks():
    assert {"directory.reminders", "platform.purge-imports"} <= set(schedule.DAILY)
