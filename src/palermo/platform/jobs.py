"""Long work as background jobs, with progress a person can watch.

A job is a registered handler ``handler(progress, *, acting_user, **params) -> dict``. The web
starts it with ``start_job`` (queued on django-tasks: the database backend, worked by a thread
inside ``palermo serve`` or by ``palermo worker`` processes in production); the CLI runs the same
handler in-process with ``run_job_now`` and a terminal progress bar. Live progress goes through
the cache, because the job's own transaction hides its row updates until it commits.
"""

import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import get_language
from django_tasks import task

from .choices import JobStatus
from .models import Job

logger = logging.getLogger(__name__)

HANDLERS: dict[str, Callable] = {}


def job_handler(kind: str):
    def register(func):
        HANDLERS[kind] = func
        return func

    return register


class Progress:
    """Counts work done; publishes it at most every ``interval`` seconds (and at the end)."""

    def __init__(self, job_id=None, *, callback: Callable | None = None, interval: float = 0.25):
        self.job_id = str(job_id) if job_id else None
        self.callback = callback
        self.interval = interval
        self.done = 0
        self.total = 0
        self.message = ""
        self._last = 0.0

    def set_total(self, total: int, message: str | None = None) -> None:
        self.total = total
        self.done = 0
        if message is not None:
            self.message = message
        self._publish(force=True)

    def advance(self, n: int = 1, message: str | None = None) -> None:
        self.done += n
        if message is not None:
            self.message = message
        self._publish()

    def note(self, message: str) -> None:
        self.message = message
        self._publish(force=True)

    def _publish(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < self.interval and self.done < self.total:
            return
        self._last = now
        if self.callback:
            self.callback(self.done, self.total, self.message)
        if self.job_id:
            cache.set(
                progress_key(self.job_id),
                {"done": self.done, "total": self.total, "message": self.message},
                timeout=24 * 3600,
            )


def progress_key(job_id) -> str:
    return f"palermo:job:{job_id}:progress"


def start_job(kind: str, *, acting_user, label: str, params: dict) -> Job:
    """Record a job and queue it; returns at once."""
    if kind not in HANDLERS:
        raise KeyError(f"No job handler named {kind!r}")
    job = Job.objects.create(
        kind=kind, label=label, owner=acting_user, params=params, language=get_language() or ""
    )
    execute_job.enqueue(str(job.pk))
    return job


def run_job_now(kind: str, *, acting_user, params: dict, callback: Callable | None = None):
    """Run a handler in this process (the CLI), reporting progress to ``callback``."""
    return HANDLERS[kind](Progress(callback=callback), acting_user=acting_user, **params)


@task()
def execute_job(job_id: str) -> None:
    job = Job.objects.select_related("owner").get(pk=job_id)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, updated=timezone.now())
    progress = Progress(job.pk)
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            result = HANDLERS[job.kind](progress, acting_user=job.owner, **job.params)
    except Exception as exc:  # a failed job must be reported, whatever went wrong
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            message=str(exc)[:500],
            finished=timezone.now(),
            done=progress.done,
            total=progress.total,
            updated=timezone.now(),
        )
        return
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED if (result or {}).get("ok", True) else JobStatus.FAILED,
        result=result,
        message=(result or {}).get("message", progress.message)[:500],
        done=progress.total or progress.done,
        total=progress.total,
        finished=timezone.now(),
        updated=timezone.now(),
    )


def job_state(job: Job) -> dict:
    """What the page shows: the live counts while running, the stored ones after."""
    state = {"status": job.status, "done": job.done, "total": job.total, "message": job.message}
    if not job.is_finished:
        live = cache.get(progress_key(job.pk))
        if live:
            state.update(live)
    state["percent"] = int(100 * state["done"] / state["total"]) if state["total"] else 0
    return state


def start_embedded_worker(interval: float = 1.0) -> threading.Thread:
    """Work queued jobs in a daemon thread of this process: no extra server to run."""
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["default"],
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"embedded-{threading.get_native_id()}",
        excluded_queue_names=[],
    )

    def run():
        from django.db import connections

        try:
            worker.run()
        finally:
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=run, name="palermo-worker", daemon=True)
    thread.worker = worker  # ``thread.worker.running = False`` stops it after its current job
    thread.start()
    return thread
