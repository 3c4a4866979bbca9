"""Daily tasks, run by the background worker: no cron to set up.

A module registers what must happen once a day (``register_daily(key, label, run)``; the
Directory's reminders, the purge of old import files); every worker — the thread of
``palermo serve`` or a ``palermo worker`` process — looks every ``PALERMO_SCHEDULE_SECONDS``
(600) for the tasks not yet run today and runs them. However many workers there are, a task
runs once a day: the first to insert the task's row for the day (``ScheduledRun``, unique on
task and day) runs it, the others find the row and leave it. A task that fails is recorded with
its error and tried again the next day; ``palermo schedule --json`` shows the last runs and
``palermo schedule run`` runs today's tasks now (for a machine whose worker is not always on,
from cron). ``PALERMO_SCHEDULE_SECONDS=0`` turns the sweeps off.

``run(today)`` acts as the system actor and returns a small JSON-able summary.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Daily:
    key: str
    label: object
    #: ``(today) -> summary``.
    run: Callable


DAILY: dict[str, Daily] = {}


def register_daily(key: str, label, run: Callable) -> Daily:
    task = DAILY[key] = Daily(key, label, run)
    return task


def interval_seconds() -> float:
    return float(getattr(settings, "PALERMO_SCHEDULE_SECONDS", 600))


def _claim(key: str, today: date):
    """The day's row of the task, if this worker is the first to take it (else ``None``)."""
    from .models import ScheduledRun

    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(task=key, day=today)
    except IntegrityError:
        return None


def run_due(today: date | None = None, keys=None) -> dict[str, dict]:
    """Run today's tasks not yet run (or taken) today: ``{key: {"outcome" | "error"}}``."""
    today = today or timezone.localdate()
    done = {}
    for key, task in sorted(DAILY.items()):
        if keys is not None and key not in keys:
            continue
        run = _claim(key, today)
        if run is None:
            continue
        try:
            outcome = task.run(today)
        except Exception as exc:  # recorded, and tried again tomorrow
            logger.exception("Daily task %s failed", key)
            run.error = "".join(traceback.format_exception_only(exc)).strip()[:2000]
            done[key] = {"error": run.error}
        else:
            run.outcome = outcome if isinstance(outcome, dict) else {"result": outcome}
            done[key] = {"outcome": run.outcome}
        run.finished = timezone.now()
        run.save(update_fields=["outcome", "error", "finished"])
    return done


def last_runs() -> list[dict]:
    """Each task with its last run: what ``palermo schedule --json`` prints."""
    from .models import ScheduledRun

    rows = []
    for key, task in sorted(DAILY.items()):
        last = ScheduledRun.objects.filter(task=key).order_by("-day").first()
        rows.append(
            {
                "task": key,
                "label": str(task.label),
                "last_day": last.day.isoformat() if last else None,
                "started": last.started.isoformat() if last else None,
                "finished": last.finished.isoformat() if last and last.finished else None,
                "outcome": last.outcome if last else None,
                "error": last.error if last else "",
            }
        )
    return rows


def _sweep(is_running: Callable[[], bool], every: float) -> None:
    from django.db import close_old_connections

    from .audit import surface
    from .choices import Surface

    while is_running():
        try:
            with surface(Surface.JOB, "daily tasks"):
                run_due()
        except OperationalError:  # a locked or unreachable database: next time
            logger.exception("The daily tasks could not be checked; trying again later")
        finally:
            close_old_connections()
        deadline = time.monotonic() + every
        while is_running() and time.monotonic() < deadline:
            time.sleep(min(5.0, every))


def start_scheduler(is_running: Callable[[], bool] = lambda: True) -> threading.Thread | None:
    """Run the daily tasks from a daemon thread of this worker, while ``is_running()``."""
    every = interval_seconds()
    if every <= 0:
        return None
    thread = threading.Thread(
        target=_sweep, args=(is_running, every), name="palermo-daily-tasks", daemon=True
    )
    thread.start()
    return thread
