"""Long work as background jobs, with progress a person can watch, cancel, and that survives
a worker being stopped.

A job is a registered handler ``handler(progress, *, acting_user, **params) -> dict``. The web
starts it with ``start_job`` (queued on django-tasks: the database backend, worked by a thread
inside ``palermo serve`` or by ``palermo worker`` processes in production); the CLI runs the same
handler in-process with ``run_job_now`` and a terminal progress bar. Live progress goes through
the cache, because the job's own transaction hides its row updates until it commits.

Surviving restarts:

- **Cancellation.** ``cancel_job`` marks a queued job CANCELLED (it never runs) and a running one
  CANCELLING; the handler's next ``progress.advance()``/``note()``/``check()`` raises
  ``JobCancelled``, which unwinds the handler's ``transaction.atomic()`` (its writes roll back)
  and the job is recorded CANCELLED.
- **A watcher thread** runs beside each job in a worker, with its own database connection
  (outside the job's transaction): every second it reads the job's row — so a cancellation
  made by any process is seen, whatever the cache — and every few seconds it writes the
  heartbeat, to the cache and to the row. On SQLite a long import holds the write lock, so the
  row write is tried with a short lock timeout and may be skipped; the cache (a file cache
  shared by the processes of the machine, or Redis) still carries the heartbeat then.
- **Recovery.** When a worker starts, and every so often while it runs, running jobs whose last
  sign of life is older than ``PALERMO_JOB_STALE_SECONDS`` are marked FAILED with a message
  saying their worker stopped — or queued again when their handler is idempotent
  (``@job_handler("kind", idempotent=True, max_attempts=3)``) and attempts are left.
- **Retries.** An idempotent job whose handler raises is tried again, up to ``max_attempts``,
  after ``retry_delay`` seconds (doubling each time).
"""

import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django_tasks import task

from . import actors
from .choices import JobStatus
from .models import Job

logger = logging.getLogger(__name__)

#: How often a running job looks for a cancellation (seconds).
CHECK_SECONDS = 1.0
#: How long a running job may stay silent before a worker deems its worker gone (default).
DEFAULT_STALE_SECONDS = 120
#: The ETA is given once the job has counted for this long (seconds) and done some work.
ETA_AFTER_SECONDS = 2.0

ACTIVE = (JobStatus.RUNNING, JobStatus.CANCELLING)


@dataclass(frozen=True)
class JobHandler:
    """A registered handler and what it says about itself."""

    kind: str
    func: Callable
    #: Safe to run again from the start after a failure or a stopped worker.
    idempotent: bool = False
    max_attempts: int = 1
    #: Seconds before the first retry; doubled for each further one.
    retry_delay: float = 30

    def __call__(self, *args, **kwargs):
        return self.func(*args, **kwargs)


HANDLERS: dict[str, JobHandler] = {}


def job_handler(
    kind: str, *, idempotent: bool = False, max_attempts: int | None = None, retry_delay: float = 30
):
    """Register ``handler(progress, *, acting_user, **params) -> dict`` as the job ``kind``.

    ``idempotent=True`` says running it again from the start is safe (its writes are all or
    nothing, or it overwrites rather than adds): then a failure or a stopped worker leads to
    another attempt, up to ``max_attempts`` (default 3). Other handlers run once.
    """
    attempts = max_attempts if max_attempts is not None else (3 if idempotent else 1)
    if attempts < 1:
        raise ValueError(f"Job handler {kind!r}: max_attempts must be at least 1.")
    if attempts > 1 and not idempotent:
        raise ValueError(
            f"Job handler {kind!r}: only an idempotent handler may be tried more than once."
        )

    def register(func):
        HANDLERS[kind] = JobHandler(kind, func, idempotent, attempts, retry_delay)
        return func

    return register


class JobCancelled(BaseException):  # noqa: N818 - the name says what happened
    """Raised inside a handler when its job was cancelled (or taken from this worker).

    A ``BaseException``, like ``asyncio.CancelledError``: a handler's ``except Exception``
    around one row does not swallow it, and ``transaction.atomic()`` rolls back."""


def stale_seconds() -> float:
    """``PALERMO_JOB_STALE_SECONDS``: the setting, else the environment variable, else 120."""
    value = getattr(settings, "PALERMO_JOB_STALE_SECONDS", None)
    if value is None:
        value = os.environ.get("PALERMO_JOB_STALE_SECONDS", DEFAULT_STALE_SECONDS)
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = 0
    if not seconds >= 1:
        raise ImproperlyConfigured(
            f"PALERMO_JOB_STALE_SECONDS is {value!r}: give a number of seconds, at least 1 "
            f"(default {DEFAULT_STALE_SECONDS})."
        )
    return seconds


def heartbeat_seconds() -> float:
    """How often a running job says it is alive: well within the stale threshold."""
    return max(0.2, min(10.0, stale_seconds() / 6))


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def progress_key(job_id) -> str:
    return f"palermo:job:{job_id}:progress"


def heartbeat_key(job_id) -> str:
    return f"palermo:job:{job_id}:heartbeat"


class Progress:
    """Counts work done; publishes it at most every ``interval`` seconds (and at the end).

    Inside a job, every call also checks (at most once a second) whether the job was
    cancelled, and raises ``JobCancelled`` if so; a long step without counting can call
    ``check()`` itself."""

    def __init__(self, job_id=None, *, callback: Callable | None = None, interval: float = 0.25):
        self.job_id = str(job_id) if job_id else None
        self.callback = callback
        self.interval = interval
        self.done = 0
        self.total = 0
        self.message = ""
        self.since: float | None = None  # wall-clock time counting began (for the ETA)
        self._last = 0.0
        self._last_check = time.monotonic()
        self._last_beat = 0.0
        #: Set by ``execute_job`` when a watcher thread looks after the job.
        self.watcher: _Watcher | None = None

    def set_total(self, total: int, message: str | None = None) -> None:
        self.total = total
        self.done = 0
        self.since = time.time()
        if message is not None:
            self.message = message
        self._publish(force=True)
        self.check()

    def advance(self, n: int = 1, message: str | None = None) -> None:
        self.done += n
        if self.since is None:
            self.since = time.time()
        if message is not None:
            self.message = message
        self._publish()
        self.check()

    def note(self, message: str) -> None:
        self.message = message
        self._publish(force=True)
        self.check()

    def check(self) -> None:
        """Raise ``JobCancelled`` if the job was cancelled. Cheap: call it as often as you like."""
        if self.job_id is None:
            return
        if self.watcher is not None:  # a thread reads the row: nothing to ask here
            if self.watcher.stop_reason is not None:
                raise JobCancelled(self.watcher.stop_reason)
            return
        now = time.monotonic()
        if now - self._last_check < CHECK_SECONDS:
            return
        self._last_check = now
        # No watcher: the job runs inside a caller's transaction (the immediate backend), which
        # is also where a cancellation would be written, so this connection sees it.
        status = Job.objects.filter(pk=self.job_id).values_list("status", flat=True).first()
        if status in (JobStatus.CANCELLING, JobStatus.CANCELLED) or cache.get(
            cancel_key(self.job_id)
        ):
            raise JobCancelled(_("The job was cancelled."))
        if now - self._last_beat >= heartbeat_seconds():
            self._last_beat = now
            cache.set(heartbeat_key(self.job_id), time.time(), timeout=int(stale_seconds() * 4))

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
                {
                    "done": self.done,
                    "total": self.total,
                    "message": self.message,
                    "since": self.since,
                },
                timeout=24 * 3600,
            )


class _Watcher(threading.Thread):
    """Looks after one running job from its own thread and database connection: reads the row
    every second (cancelled? taken over?) and writes the heartbeat every few seconds."""

    def __init__(self, job_id: str, attempt: int):
        super().__init__(name=f"palermo-job-{job_id}", daemon=True)
        self.job_id = job_id
        self.attempt = attempt
        self.stop_reason: str | None = None
        self.language = get_language()
        self._stopped = threading.Event()

    def stop(self) -> None:
        self._stopped.set()
        self.join(timeout=30)

    def run(self) -> None:
        try:
            with translation.override(self.language):
                if connection.vendor == "sqlite":
                    # Never wait long behind the job's own write transaction: skip a beat.
                    with connection.cursor() as cursor:
                        cursor.execute("PRAGMA busy_timeout = 200")
                next_beat = 0.0
                while not self._stopped.wait(min(CHECK_SECONDS, heartbeat_seconds())):
                    self._look()
                    now = time.monotonic()
                    if now >= next_beat:
                        self._beat()
                        next_beat = now + heartbeat_seconds()
        except Exception:  # the job goes on; the next worker start may judge it silent
            logger.exception("The watcher of job %s stopped", self.job_id)
        finally:
            connection.close()  # this thread's own connection

    def _look(self) -> None:
        if cache.get(cancel_key(self.job_id)):
            self.stop_reason = _("The job was cancelled.")
            return
        try:
            row = Job.objects.filter(pk=self.job_id).values_list("status", "attempts").first()
        except DatabaseError:
            return
        if row is None or row[1] != self.attempt or row[0] not in ACTIVE:
            self.stop_reason = _("Another worker took over this job.")
        elif row[0] == JobStatus.CANCELLING:
            self.stop_reason = _("The job was cancelled.")

    def _beat(self) -> None:
        cache.set(heartbeat_key(self.job_id), time.time(), timeout=int(stale_seconds() * 4))
        # On SQLite the job's own transaction may hold the write lock: the cache carries it.
        with contextlib.suppress(DatabaseError):
            Job.objects.filter(pk=self.job_id, attempts=self.attempt).update(
                heartbeat=timezone.now()
            )


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


def may_cancel(user, job: Job) -> bool:
    """Whether ``user`` may cancel ``job``: the policy's ``cancel`` action where it declares
    one, else who may see the job (``JobPolicy.view``: its starter and the Secretariat)."""
    from .policies import policy_for

    policy = policy_for(Job)
    return policy.allows(user, "cancel" if "cancel" in policy.actions else "view", job)


class NotCancellable(Exception):
    """The job has already finished (or is already being cancelled)."""


def cancel_job(job: Job, *, acting_user) -> Job:
    """Cancel a job: a queued one never runs; a running one stops at its next progress check
    and its transaction rolls back. Only the job's starter and the Secretariat may.

    The request is written to the job's row and to the cache. On SQLite a running import may
    hold the write lock for minutes: then the row cannot be written now, the cache flag
    (shared by the machine's processes) stops the job, and the worker records it."""
    if acting_user is None:
        raise PermissionDenied(actors.NO_ACTOR_MESSAGE)
    if not may_cancel(acting_user, job):
        raise PermissionDenied(
            _("Only the person who started this job and the Secretariat may cancel it.")
        )
    job.refresh_from_db()
    if job.status == JobStatus.CANCELLING or (
        job.status in (JobStatus.QUEUED, JobStatus.RUNNING) and cache.get(cancel_key(job.pk))
    ):
        raise NotCancellable(_("This job is already being cancelled."))
    if job.is_finished:
        raise NotCancellable(
            _("This job has ended (%(status)s): there is nothing to cancel.")
            % {"status": job.get_status_display()}
        )
    who = acting_user.get_username()
    with translation.override(job.language or get_language()):
        message = _("Cancelled by %(who)s.") % {"who": who}
    cache.set(cancel_key(job.pk), message, timeout=7 * 24 * 3600)
    now = timezone.now()
    try:
        with _short_lock_wait(), transaction.atomic():
            # Conditional updates: a worker may claim the job at this very moment.
            changed = Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
                status=JobStatus.CANCELLED, message=message, finished=now, updated=now
            ) or Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
                status=JobStatus.CANCELLING, message=message, updated=now
            )
    except OperationalError:
        if connection.vendor != "sqlite":
            raise
        logger.info("Job %s: the database is locked; cancelled through the cache", job.pk)
        job.status, job.message = JobStatus.CANCELLING, message
        return job
    job.refresh_from_db()
    if not changed:  # it ended meanwhile
        raise NotCancellable(
            _("This job has ended (%(status)s): there is nothing to cancel.")
            % {"status": job.get_status_display()}
        )
    logger.info("Job %s (%s) cancelled by %s", job.pk, job.kind, who)
    return job


def cancel_key(job_id) -> str:
    return f"palermo:job:{job_id}:cancel"


@contextlib.contextmanager
def _short_lock_wait(seconds: float = 1.0):
    """On SQLite, wait at most ``seconds`` for the write lock (the page should not hang)."""
    if connection.vendor != "sqlite":
        yield
        return
    usual = int(float(connection.settings_dict.get("OPTIONS", {}).get("timeout", 5)) * 1000)
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {usual}")


def _enqueue(job_id, delay: float = 0) -> None:
    queued = execute_job
    if delay > 0 and queued.get_backend().supports_defer:
        queued = queued.using(run_after=timezone.now() + timedelta(seconds=delay))
    queued.enqueue(str(job_id))


@task()
def execute_job(job_id: str) -> None:
    now = timezone.now()
    if flag := cache.get(cancel_key(job_id)):  # cancelled while the row could not be written
        Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.CANCELLED, message=flag, finished=now, updated=now
        )
    # Claim it: only a queued job runs (one cancelled meanwhile, or taken by another, does not).
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        started=now,
        heartbeat=now,
        attempts=F("attempts") + 1,
        worker=worker_name(),
        message="",
        finished=None,
        updated=now,
    )
    if not claimed:
        logger.info("Job %s is not queued any more: not run", job_id)
        return
    job = Job.objects.select_related("owner").get(pk=job_id)
    cache.delete(progress_key(job.pk))
    with translation.override(job.language or settings.LANGUAGE_CODE):
        _run(job)


def _run(job: Job) -> None:
    attempt = job.attempts
    mine = Job.objects.filter(pk=job.pk, attempts=attempt)  # unless another worker took it over
    handler = HANDLERS.get(job.kind)
    if handler is None:
        mine.filter(status__in=ACTIVE).update(
            status=JobStatus.FAILED,
            message=_("No handler for jobs of the kind “%(kind)s” is installed.")
            % {"kind": job.kind},
            finished=timezone.now(),
            updated=timezone.now(),
        )
        return
    progress = Progress(job.pk)
    if not connection.in_atomic_block:
        progress.watcher = _Watcher(str(job.pk), attempt)
        progress.watcher.start()
    try:
        try:
            result = handler(progress, acting_user=job.owner, **job.params)
        finally:
            if progress.watcher is not None:
                progress.watcher.stop()
    except JobCancelled as exc:
        logger.info("Job %s (%s) stopped: %s", job.pk, job.kind, exc)
        flag = cache.get(cancel_key(job.pk))
        mine.filter(status__in=ACTIVE).update(
            status=JobStatus.CANCELLED,
            **({"message": flag} if flag else {}),
            done=progress.done,
            total=progress.total,
            finished=timezone.now(),
            updated=timezone.now(),
        )
        return
    except Exception as exc:  # a failed job must be reported, whatever went wrong
        logger.exception("Job %s (%s) failed (attempt %s)", job.pk, job.kind, attempt)
        _failed(job, handler, attempt, exc, progress)
        return
    ok = (result or {}).get("ok", True)
    mine.filter(status__in=ACTIVE).update(
        status=JobStatus.SUCCEEDED if ok else JobStatus.FAILED,
        result=result,
        message=str((result or {}).get("message", progress.message))[:500],
        done=progress.total or progress.done,
        total=progress.total,
        finished=timezone.now(),
        updated=timezone.now(),
    )


def _failed(job: Job, handler: JobHandler, attempt: int, exc: Exception, progress) -> None:
    mine = Job.objects.filter(pk=job.pk, attempts=attempt)
    now = timezone.now()
    counts = {"done": progress.done, "total": progress.total, "updated": now}
    # Asked to stop, then failed: it stopped.
    flag = cache.get(cancel_key(job.pk))
    asked = mine.filter(status=JobStatus.CANCELLING) if not flag else mine.filter(status__in=ACTIVE)
    if asked.update(
        status=JobStatus.CANCELLED, finished=now, **({"message": flag} if flag else {}), **counts
    ):
        return
    error = str(exc) or type(exc).__name__
    if handler.idempotent and attempt < handler.max_attempts:
        delay = handler.retry_delay * 2 ** (attempt - 1)
        message = _(
            "Attempt %(attempt)d of %(max)d failed (%(error)s); it will be tried again in "
            "%(delay)s."
        ) % {
            "attempt": attempt,
            "max": handler.max_attempts,
            "error": error,
            "delay": duration_text(delay),
        }
        with transaction.atomic():  # requeued and queued, or neither
            if mine.filter(status=JobStatus.RUNNING).update(
                status=JobStatus.QUEUED, message=message[:500], **counts
            ):
                _enqueue(job.pk, delay)
        return
    if attempt > 1:
        error = _("%(error)s (after %(attempts)d attempts)") % {"error": error, "attempts": attempt}
    mine.filter(status=JobStatus.RUNNING).update(
        status=JobStatus.FAILED, message=error[:500], finished=now, **counts
    )


def recover_stale_jobs(*, stale_after: float | None = None) -> dict[str, int]:
    """Settle the jobs whose worker stopped (killed, crashed, machine restarted): running jobs
    silent for longer than ``stale_after`` seconds (``PALERMO_JOB_STALE_SECONDS``). An
    idempotent job with attempts left is queued again; a job being cancelled is recorded
    cancelled; any other is marked failed with a message saying its worker stopped.

    Safe to run from several workers at once: each change is conditional on the row being as
    it was read. Returns how many were ``requeued``, ``failed`` and ``cancelled``."""
    stale = stale_after if stale_after is not None else stale_seconds()
    now = timezone.now()
    cutoff = now - timedelta(seconds=stale)
    counts = {"requeued": 0, "failed": 0, "cancelled": 0}
    silent = Job.objects.filter(status__in=ACTIVE).filter(
        Q(heartbeat__lt=cutoff) | Q(heartbeat__isnull=True, updated__lt=cutoff)
    )
    for job in silent.only("pk", "kind", "status", "attempts", "heartbeat", "language"):
        beat = cache.get(heartbeat_key(job.pk))
        if beat and beat > time.time() - stale:
            continue  # alive: its row could not be written (SQLite's write lock), the cache was
        unchanged = Job.objects.filter(
            pk=job.pk, status=job.status, attempts=job.attempts, heartbeat=job.heartbeat
        )
        handler = HANDLERS.get(job.kind)
        last = job.heartbeat or now
        with translation.override(job.language or settings.LANGUAGE_CODE), transaction.atomic():
            flag = cache.get(cancel_key(job.pk))
            if job.status == JobStatus.CANCELLING or flag:
                outcome = "cancelled"
                changed = unchanged.update(
                    status=JobStatus.CANCELLED,
                    finished=now,
                    updated=now,
                    **({"message": flag} if flag else {}),
                )
            elif handler and handler.idempotent and job.attempts < handler.max_attempts:
                outcome = "requeued"
                changed = unchanged.update(
                    status=JobStatus.QUEUED,
                    message=_(
                        "The worker running attempt %(attempt)d stopped; it was queued again."
                    )
                    % {"attempt": job.attempts},
                    updated=now,
                )
                if changed:
                    _enqueue(job.pk)
            else:
                outcome = "failed"
                message = _(
                    "The worker running this job stopped (last sign of life at %(when)s UTC)."
                ) % {"when": last.strftime("%Y-%m-%d %H:%M:%S")}
                if job.attempts > 1:
                    message += " " + _("It was tried %(attempts)d times.") % {
                        "attempts": job.attempts
                    }
                else:
                    message += " " + _("Start it again.")
                changed = unchanged.update(
                    status=JobStatus.FAILED, message=message[:500], finished=now, updated=now
                )
            if changed:
                _settle_task_results(job.pk)
        if changed:
            counts[outcome] += 1
            logger.warning("Job %s (%s) was silent since %s: %s", job.pk, job.kind, last, outcome)
    return counts


def _settle_task_results(job_id) -> None:
    """The queue's own record of the stopped run stays "running" otherwise."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another backend
        return
    DBTaskResult.objects.filter(
        status="RUNNING", task_path=execute_job.module_path, args_kwargs__args__0=str(job_id)
    ).update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="palermo.platform.jobs.WorkerStopped",
        traceback="The worker running this task stopped.",
    )


def duration_text(seconds: float) -> str:
    """``"about 3 minutes"``: a rough, readable duration."""
    if seconds < 60:
        n = max(1, round(seconds))
        return ngettext("%(n)d second", "%(n)d seconds", n) % {"n": n}
    if seconds < 90 * 60:
        n = round(seconds / 60)
        return ngettext("about %(n)d minute", "about %(n)d minutes", n) % {"n": n}
    n = round(seconds / 3600)
    return ngettext("about %(n)d hour", "about %(n)d hours", n) % {"n": n}


def time_left_text(seconds: int | None) -> str:
    """What the job page says: ``"about 3 minutes left"``."""
    if seconds is None:
        return ""
    if seconds < 60:
        return _("less than a minute left")
    if seconds < 90 * 60:
        n = round(seconds / 60)
        return ngettext("about %(n)d minute left", "about %(n)d minutes left", n) % {"n": n}
    n = round(seconds / 3600)
    return ngettext("about %(n)d hour left", "about %(n)d hours left", n) % {"n": n}


def job_state(job: Job, *, now: float | None = None) -> dict:
    """What the page and the API show: the live counts while running, the stored ones after;
    ``seconds_left`` estimated from the rate since counting began (None until there is enough
    to go on), and how long ago the worker last gave a sign of life."""
    now = time.time() if now is None else now
    status = job.status
    state = {"status": status, "done": job.done, "total": job.total, "message": job.message}
    since = None
    heartbeat_age = None
    if not job.is_finished:
        live = cache.get(progress_key(job.pk))
        if live:
            since = live.get("since")
            state.update({k: live[k] for k in ("done", "total", "message") if k in live})
        if job.status in ACTIVE:
            beats = [cache.get(heartbeat_key(job.pk))]
            if job.heartbeat:
                beats.append(job.heartbeat.timestamp())
            if beats := [b for b in beats if b]:
                heartbeat_age = max(0, int(now - max(beats)))
    if status in (JobStatus.QUEUED, JobStatus.RUNNING) and (flag := cache.get(cancel_key(job.pk))):
        # Cancelled while the row could not be written (SQLite's write lock): say so already.
        status = JobStatus.CANCELLING if status == JobStatus.RUNNING else JobStatus.CANCELLED
        job_message = flag
    else:
        job_message = job.message
    if status in (JobStatus.CANCELLING, JobStatus.CANCELLED):
        state["message"] = job_message or state["message"]
    state["status"] = status
    state["status_label"] = str(JobStatus(status).label)
    state["cancellable"] = status in (JobStatus.QUEUED, JobStatus.RUNNING)
    done, total = state["done"], state["total"]
    state["percent"] = int(100 * done / total) if total else 0
    seconds_left = None
    if status == JobStatus.RUNNING and since and total and 0 < done < total:
        elapsed = now - since
        if elapsed >= ETA_AFTER_SECONDS:
            seconds_left = round((total - done) * elapsed / done)
    handler = HANDLERS.get(job.kind)
    state.update(
        seconds_left=seconds_left,
        time_left=time_left_text(seconds_left),
        heartbeat_age=heartbeat_age,
        attempts=job.attempts,
        max_attempts=handler.max_attempts if handler else 1,
    )
    return state


def _sweep_regularly(is_running: Callable[[], bool]) -> None:
    """Recover silent jobs now and then, for as long as the worker runs: a worker restarted at
    once after a crash finds its predecessor's job not yet silent for long enough."""
    from django.db import connections

    interval = max(1.0, min(60.0, stale_seconds() / 2))
    next_sweep = time.monotonic() + interval
    while is_running():
        time.sleep(0.2)
        if time.monotonic() < next_sweep:
            continue
        next_sweep = time.monotonic() + interval
        try:
            recover_stale_jobs()
        except DatabaseError:
            logger.exception("Could not look for silent jobs")
        finally:
            connections.close_all()  # this thread's own connections


def recover_on_start() -> dict[str, int]:
    """What a starting worker does first: settle the jobs a stopped worker left running."""
    try:
        counts = recover_stale_jobs()
    except DatabaseError:  # e.g. SQLite locked for longer than its timeout: the sweeps retry
        logger.exception("Could not look for jobs left by a stopped worker")
        return {}
    if any(counts.values()):
        logger.warning("Jobs left by a stopped worker: %s", counts)
    return counts


def start_recovery_sweeps(is_running: Callable[[], bool] = lambda: True) -> threading.Thread:
    """Look for silent jobs regularly in a daemon thread, while ``is_running()``."""
    thread = threading.Thread(
        target=_sweep_regularly, args=(is_running,), name="palermo-job-recovery", daemon=True
    )
    thread.start()
    return thread


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
            from .schedule import start_scheduler

            recover_on_start()
            start_recovery_sweeps(lambda: worker.running)
            start_scheduler(lambda: worker.running)
            while worker.running:
                try:
                    worker.run()  # returns once ``worker.running`` is False
                except OperationalError:  # e.g. SQLite locked past its timeout: carry on
                    logger.exception("The embedded worker hit a database error; resuming")
                    connections.close_all()
                    time.sleep(interval)
        finally:
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=run, name="palermo-worker", daemon=True)
    thread.worker = worker  # ``thread.worker.running = False`` stops it after its current job
    thread.start()
    return thread
