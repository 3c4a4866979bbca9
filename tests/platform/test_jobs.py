"""Jobs that survive restarts: cancellation (page, API, command line), the refused side,
rollback of a cancelled handler's writes, retries of idempotent jobs, the estimated time left,
recovery of jobs left running by a stopped worker — and a real `palermo worker` process
killed mid-job and started again."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connection, transaction
from django.test import Client, override_settings
from django.utils import timezone

from palermo.core.choices import Role
from palermo.core.models import Participant, RoleAssignment, User
from palermo.core.services import create_api_token
from palermo.platform.choices import JobStatus
from palermo.platform.jobs import (
    HANDLERS,
    Progress,
    cancel_job,
    execute_job,
    heartbeat_key,
    job_handler,
    job_state,
    recover_stale_jobs,
    start_embedded_worker,
    start_job,
)
from palermo.platform.models import Grant, Job, Notification

from . import slow_jobs

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def handlers():
    slow_jobs.register()
    calls = {"flaky": 0}

    @job_handler("test.flaky", idempotent=True, max_attempts=3, retry_delay=0)
    def flaky(progress, *, acting_user):
        calls["flaky"] += 1
        if calls["flaky"] < 3:
            raise ConnectionError(f"the server hung up ({calls['flaky']})")
        return {"ok": True, "message": "third time lucky"}

    @job_handler("test.broken", idempotent=True, max_attempts=2, retry_delay=0)
    def broken(progress, *, acting_user):
        raise ValueError("the file is unreadable")

    @job_handler("test.cancels-itself")
    def cancels_itself(progress, *, acting_user):
        """Writes, then is cancelled (as if from the page) while still working."""
        progress.set_total(100, "Writing")
        with transaction.atomic():
            Notification.objects.create(recipient=acting_user, title="half-done work")
            cancel_job(Job.objects.get(pk=progress.job_id), acting_user=acting_user)
            for _ in range(100):
                time.sleep(0.05)
                progress.advance()
        return {"ok": True, "message": "not cancelled"}

    yield calls
    for kind in [*slow_jobs.KINDS, "test.flaky", "test.broken", "test.cancels-itself"]:
        HANDLERS.pop(kind, None)


@pytest.fixture
def other_focal_point(db):
    user = User.objects.create(username="focal-point-of-brazil")
    RoleAssignment.objects.create(
        user=user, role=Role.FOCAL_POINT, participant=Participant.objects.get(code="BRA")
    )
    return user


def queued_job(owner, kind="test.slow") -> Job:
    """A job waiting in the queue (no worker has taken it yet)."""
    return Job.objects.create(
        kind=kind, label="Waiting job", owner=owner, params={"steps": 1, "delay": 0}
    )


def running_job(owner, kind="test.slow", **fields) -> Job:
    now = timezone.now()
    values = {"started": now, "heartbeat": now, "attempts": 1} | fields
    return Job.objects.create(
        kind=kind,
        label="Running job",
        owner=owner,
        params={"steps": 2, "delay": 0},
        status=JobStatus.RUNNING,
        **values,
    )


def client_of(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# Cancellation ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_queued_job_cancelled_before_it_starts_never_runs(focal_point):
    job = queued_job(focal_point)
    cancel_job(job, acting_user=focal_point)
    execute_job.call(str(job.pk))  # a worker takes it from the queue after all
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert job.message == "Cancelled by focal-point."
    assert job.attempts == 0 and job.started is None and job.result is None


@pytest.mark.django_db
def test_a_handler_checking_progress_stops_and_its_writes_are_rolled_back(focal_point):
    job = start_job("test.cancels-itself", acting_user=focal_point, label="Import", params={})
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.message == "Cancelled by focal-point."
    assert not Notification.objects.filter(title="half-done work").exists()
    assert job.result is None and job.done < 100
    assert job_state(job)["status_label"] == "Cancelled"


@pytest.mark.django_db
def test_cancel_from_the_job_page(focal_point):
    job = queued_job(focal_point)
    client = client_of(focal_point)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Cancel this job" in page and f'action="/jobs/{job.pk}/cancel/"' in page
    response = client.post(f"/jobs/{job.pk}/cancel/", follow=True)
    page = response.content.decode()
    assert "The job was cancelled before it started." in page
    assert "Cancelled" in page and "Cancelled by focal-point." in page
    assert "Cancel this job" not in page
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED


@pytest.mark.django_db
def test_cancel_from_the_job_page_with_htmx_asks_a_running_job_to_stop(focal_point, secretariat):
    job = running_job(focal_point)
    response = client_of(secretariat).post(
        f"/jobs/{job.pk}/cancel/", headers={"HX-Request": "true"}
    )
    fragment = response.content.decode()
    assert response.status_code == 200 and "<html" not in fragment
    assert "Cancelling" in fragment and "The job will stop at its next step." in fragment
    assert 'hx-trigger="every 1s"' in fragment  # it keeps watching until the job has stopped
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLING and job.message == "Cancelled by secretariat."


@pytest.mark.django_db
def test_cancelling_a_finished_job_says_there_is_nothing_to_cancel(focal_point):
    job = running_job(focal_point, message="done")
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED)
    page = client_of(focal_point).post(f"/jobs/{job.pk}/cancel/", follow=True).content.decode()
    assert "This job has ended (Finished): there is nothing to cancel." in page
    assert Job.objects.get(pk=job.pk).status == JobStatus.SUCCEEDED


@pytest.mark.django_db
def test_others_cannot_cancel_a_job_from_the_page(focal_point, other_focal_point, user_client):
    job = queued_job(focal_point)
    # Another State's focal point, and an expert of the same State: the job is hidden from them.
    assert client_of(other_focal_point).post(f"/jobs/{job.pk}/cancel/").status_code == 404
    assert user_client("expert").post(f"/jobs/{job.pk}/cancel/").status_code == 404
    anonymous = client_of(None).post(f"/jobs/{job.pk}/cancel/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client_of(focal_point).get(f"/jobs/{job.pk}/cancel/").status_code == 405
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED


@pytest.mark.django_db
def test_the_service_refuses_others_with_a_sentence(focal_point, other_focal_point):
    job = queued_job(focal_point)
    with pytest.raises(PermissionDenied, match="Only the person who started this job"):
        cancel_job(job, acting_user=other_focal_point)
    with pytest.raises(PermissionDenied):
        cancel_job(job, acting_user=None)
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED


def api(user, method, path):
    headers = {}
    if user is not None:
        _token, secret = create_api_token(acting_user=user, name="jobs test")
        headers["Authorization"] = f"Bearer {secret}"
    return getattr(Client(headers=headers), method)(path, content_type="application/json")


@pytest.mark.django_db
def test_cancel_through_the_api(focal_point, other_focal_point):
    waiting, running = queued_job(focal_point), running_job(focal_point)
    answer = api(focal_point, "post", f"/api/jobs/{waiting.pk}/cancel")
    assert answer.status_code == 200 and answer.json()["status"] == "cancelled"
    answer = api(focal_point, "post", f"/api/jobs/{running.pk}/cancel")
    assert answer.status_code == 200 and answer.json()["status"] == "cancelling"
    again = api(focal_point, "post", f"/api/jobs/{waiting.pk}/cancel")
    assert again.status_code == 409
    assert again.json() == {"detail": "This job has ended (Cancelled): there is nothing to cancel."}
    assert api(focal_point, "post", f"/api/jobs/{running.pk}/cancel").json() == {
        "detail": "This job is already being cancelled."
    }


@pytest.mark.django_db
def test_the_api_refuses_others_and_anonymous_callers(focal_point, other_focal_point):
    job = queued_job(focal_point)
    assert api(other_focal_point, "post", f"/api/jobs/{job.pk}/cancel").status_code == 404
    assert api(None, "post", f"/api/jobs/{job.pk}/cancel").status_code == 401
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED


def command(*args) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("jobs", *args, stdout=out, stderr=StringIO())
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


@pytest.mark.django_db
def test_cancel_from_the_command_line(focal_point, other_focal_point):
    job = queued_job(focal_point)
    code, out = command("cancel", str(job.pk), "--as", other_focal_point.username, "--json")
    assert code == 2
    assert json.loads(out) == {
        "ok": False,
        "error": f"No job with the id {job.pk} that focal-point-of-brazil may see.",
    }
    code, out = command("cancel", str(job.pk), "--as", "focal-point")
    assert code == 0 and "before it started" in out
    code, out = command("cancel", str(job.pk), "--json")
    assert code == 1
    assert json.loads(out)["error"] == "This job has ended (Cancelled): there is nothing to cancel."
    code, _out = command("cancel", "not-a-job")
    assert code == 2
    assert Job.objects.get(pk=job.pk).message == "Cancelled by focal-point."


@pytest.mark.django_db
def test_the_command_lists_the_jobs_a_user_may_see(focal_point, other_focal_point):
    mine, running = queued_job(focal_point), running_job(focal_point)
    code, out = command("--json")
    assert code == 0
    listed = {row["id"]: row for row in json.loads(out)}
    assert listed[str(mine.pk)]["status"] == "queued"
    assert listed[str(running.pk)]["attempts"] == 1 and listed[str(running.pk)]["owner"] == (
        "focal-point"
    )
    _code, out = command("list", "--json", "--as", other_focal_point.username)
    assert str(mine.pk) not in out
    _code, out = command("--active")
    assert str(mine.pk) in out and "queued" in out


# Retries and recovery --------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_idempotent_job_that_fails_is_tried_again(handlers, secretariat):
    job = start_job("test.flaky", acting_user=secretariat, label="Flaky", params={})
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.message == "third time lucky"
    assert job.attempts == 3 and handlers["flaky"] == 3


@pytest.mark.django_db
def test_retries_stop_at_max_attempts(secretariat):
    job = start_job("test.broken", acting_user=secretariat, label="Broken", params={})
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.attempts == 2
    assert job.message == "the file is unreadable (after 2 attempts)"


def test_only_an_idempotent_handler_may_be_retried():
    with pytest.raises(ValueError, match="only an idempotent handler"):
        job_handler("test.unsafe", max_attempts=3)


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE)
def test_a_retry_waits_before_running_again():
    from django_tasks_db.models import DBTaskResult

    @job_handler("test.later", idempotent=True, max_attempts=2, retry_delay=60)
    def later(progress, *, acting_user):
        raise ConnectionError("the server is down")

    try:
        owner = User.objects.create(username="retry-owner")
        job = start_job("test.later", acting_user=owner, label="Later", params={})
        call_command("worker", batch=True, verbosity=0)
        job.refresh_from_db()
        assert job.status == JobStatus.QUEUED and job.attempts == 1
        assert job.message == (
            "Attempt 1 of 2 failed (the server is down); it will be tried again in about 1 minute."
        )
        waiting = DBTaskResult.objects.filter(status="READY").get()
        assert waiting.run_after > timezone.now() + timedelta(seconds=50)
        call_command("worker", batch=True, verbosity=0)  # not due yet: it waits
        job.refresh_from_db()
        assert job.attempts == 1
    finally:
        HANDLERS.pop("test.later", None)


@pytest.mark.django_db
def test_a_job_left_running_by_a_stopped_worker_is_marked_failed(focal_point):
    silent = running_job(focal_point, heartbeat=timezone.now() - timedelta(minutes=10))
    alive = running_job(focal_point)
    assert recover_stale_jobs() == {"requeued": 0, "failed": 1, "cancelled": 0}
    silent.refresh_from_db()
    assert silent.status == JobStatus.FAILED and silent.finished is not None
    assert silent.message.startswith("The worker running this job stopped (last sign of life")
    assert silent.message.endswith("Start it again.")
    assert Job.objects.get(pk=alive.pk).status == JobStatus.RUNNING


@pytest.mark.django_db
def test_an_idempotent_job_left_running_is_queued_again_and_completes(focal_point):
    silent = running_job(
        focal_point, kind="test.slow-idempotent", heartbeat=timezone.now() - timedelta(hours=1)
    )
    assert recover_stale_jobs()["requeued"] == 1
    silent.refresh_from_db()  # the immediate backend of the tests ran it again at once
    assert silent.status == JobStatus.SUCCEEDED and silent.attempts == 2
    assert silent.message == "slept 2 steps"


@pytest.mark.django_db
def test_a_requeue_counts_an_attempt_and_stops_at_max_attempts(focal_point):
    silent = running_job(
        focal_point,
        kind="test.slow-idempotent",
        heartbeat=timezone.now() - timedelta(hours=1),
        attempts=3,
    )
    assert recover_stale_jobs()["failed"] == 1
    silent.refresh_from_db()
    assert silent.status == JobStatus.FAILED and silent.attempts == 3
    assert silent.message.endswith("It was tried 3 times.")


@pytest.mark.django_db
def test_silence_is_judged_by_the_threshold_and_the_cached_heartbeat(focal_point):
    old = timezone.now() - timedelta(seconds=90)
    job = running_job(focal_point, heartbeat=old)
    with override_settings(PALERMO_JOB_STALE_SECONDS=120):
        assert recover_stale_jobs()["failed"] == 0
    # Its row could not be written (SQLite's write lock), but the cache heard from it.
    cache.set(heartbeat_key(job.pk), time.time())
    with override_settings(PALERMO_JOB_STALE_SECONDS=60):
        assert recover_stale_jobs()["failed"] == 0
    cache.delete(heartbeat_key(job.pk))
    with override_settings(PALERMO_JOB_STALE_SECONDS=60):
        assert recover_stale_jobs()["failed"] == 1


@pytest.mark.django_db
def test_a_job_being_cancelled_when_its_worker_stopped_is_recorded_cancelled(focal_point):
    job = running_job(focal_point, heartbeat=timezone.now() - timedelta(hours=1))
    cancel_job(job, acting_user=focal_point)
    assert recover_stale_jobs()["cancelled"] == 1
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.message == "Cancelled by focal-point."


# The estimated time left -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_time_left_is_estimated_from_the_rate_since_counting_began(focal_point):
    job = running_job(focal_point)
    progress = Progress(job.pk, interval=0)
    progress.set_total(100, "Checking rows")
    assert job_state(job)["seconds_left"] is None  # nothing done yet
    start = progress.since
    progress.advance(25)
    assert job_state(job, now=start + 1)["seconds_left"] is None  # too early to tell
    state = job_state(job, now=start + 60)  # 25 rows a minute: 75 left
    assert state["seconds_left"] == 180 and state["time_left"] == "about 3 minutes left"
    assert job_state(job, now=start + 10)["time_left"] == "less than a minute left"


@pytest.mark.django_db
def test_the_page_and_the_api_show_the_time_left(focal_point):
    job = running_job(focal_point)
    progress = Progress(job.pk, interval=0)
    progress.set_total(100, "Checking rows")
    progress.since = time.time() - 60
    progress.advance(25)
    page = client_of(focal_point).get(f"/jobs/{job.pk}/").content.decode()
    assert "about 3 minutes left" in page
    assert "Last sign of life from its worker" in page
    body = api(focal_point, "get", f"/api/jobs/{job.pk}").json()
    assert 170 <= body["seconds_left"] <= 190
    assert body["attempts"] == 1 and body["heartbeat"] is not None and body["finished"] is None


@pytest.mark.django_db
def test_the_job_page_shows_attempts_of_a_retried_job(focal_point):
    job = running_job(focal_point, kind="test.slow-idempotent", attempts=2)
    page = client_of(focal_point).get(f"/jobs/{job.pk}/").content.decode()
    assert "Attempt 2 of 3." in page


# Real workers ----------------------------------------------------------------------------------


def wait_for(predicate, timeout=60.0, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if value := predicate():
                return value
        except OperationalError:  # the in-memory SQLite of the tests, shared by threads
            pass
        time.sleep(step)
    raise AssertionError(f"Gave up waiting after {timeout} s")


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE, PALERMO_JOB_STALE_SECONDS=1.2)
def test_cancel_from_the_page_while_a_worker_runs_the_job_undoes_its_writes():
    owner = User.objects.create(username="importer")
    client = client_of(owner)
    thread = start_embedded_worker(interval=0.1)
    try:
        job = start_job(
            "test.writes",
            acting_user=owner,
            label="Big import",
            params={"steps": 400, "delay": 0.02},
        )
        wait_for(lambda: job_state(Job.objects.get(pk=job.pk))["done"] >= 5)
        page = client.get(f"/jobs/{job.pk}/").content.decode()
        assert "Running" in page and "Cancel this job" in page
        assert client.post(f"/jobs/{job.pk}/cancel/").status_code == 302
        wait_for(lambda: Job.objects.get(pk=job.pk).is_finished)
    finally:
        thread.worker.running = False
        thread.join(timeout=20)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.message == "Cancelled by importer."
    assert 5 <= job.done < 400
    assert not Grant.objects.filter(role="step").exists()


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE, PALERMO_JOB_STALE_SECONDS=1.2)
def test_a_running_job_writes_its_heartbeat_outside_its_transaction():
    owner = User.objects.create(username="heart")
    thread = start_embedded_worker(interval=0.1)
    try:
        job = start_job(
            "test.slow", acting_user=owner, label="Slow", params={"steps": 40, "delay": 0.05}
        )
        started = wait_for(lambda: Job.objects.get(pk=job.pk).started)
        wait_for(lambda: Job.objects.get(pk=job.pk).heartbeat > started + timedelta(seconds=0.3))
        wait_for(lambda: Job.objects.get(pk=job.pk).is_finished)
    finally:
        thread.worker.running = False
        thread.join(timeout=20)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 1
    assert job.worker.endswith(f":{os.getpid()}")


class WorkerDatabase:
    """The database a `palermo worker` subprocess works on: on PostgreSQL the test database
    itself; on SQLite (an in-memory test database) a file copy of it, read back directly."""

    def __init__(self, folder: Path):
        self.folder = folder
        settings = connection.settings_dict
        if connection.vendor == "sqlite":
            self.path = folder / "worker.sqlite3"
            connection.ensure_connection()
            with sqlite3.connect(self.path) as copy:
                connection.connection.backup(copy)
            self.url = f"sqlite:///{self.path}"
        else:
            self.path = None
            auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
            self.url = (
                f"postgres://{auth}@{settings['HOST'] or 'localhost'}:{settings['PORT'] or 5432}"
                f"/{settings['NAME']}"
            )

    def job(self, pk) -> dict:
        fields = ("status", "attempts", "message", "started", "heartbeat", "worker")
        if self.path is None:
            return Job.objects.values(*fields).get(pk=pk)
        with sqlite3.connect(self.path, timeout=20) as db:
            row = db.execute(
                f"SELECT {', '.join(fields)} FROM core_job WHERE id = ?", (pk.hex,)
            ).fetchone()
        return dict(zip(fields, row, strict=True))

    def task_statuses(self) -> list[str]:
        """The queue's own records (django-tasks-db) of the runs."""
        if self.path is None:
            from django_tasks_db.models import DBTaskResult

            return sorted(DBTaskResult.objects.values_list("status", flat=True))
        with sqlite3.connect(self.path, timeout=20) as db:
            rows = db.execute("SELECT status FROM django_tasks_database_dbtaskresult").fetchall()
        return sorted(status for (status,) in rows)

    def start_worker(self, name: str) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.platform.worker_settings",
            "PYTHONPATH": str(ROOT),
            "PALERMO_DATABASE_URL": self.url,
            "PALERMO_DATA_DIR": str(self.folder),
            "PALERMO_JOB_STALE_SECONDS": "3",
        }
        log = (self.folder / f"{name}.log").open("w")
        return subprocess.Popen(
            [sys.executable, "-m", "palermo.cli", "worker", "-v", "2"],
            env=env,
            cwd=self.folder,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def logs(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.folder.glob("*.log")))


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE)
@pytest.mark.parametrize(
    "kind, outcome",
    [("test.slow", JobStatus.FAILED), ("test.slow-idempotent", JobStatus.SUCCEEDED)],
)
def test_a_worker_killed_mid_job_and_started_again(kind, outcome, tmp_path):
    owner = User.objects.create(username="night-shift")
    job = start_job(kind, acting_user=owner, label="Slow", params={"steps": 30, "delay": 0.1})
    db = WorkerDatabase(tmp_path)
    first = db.start_worker("first")
    second = None
    try:
        try:
            # Running, and its heartbeat has moved since it started.
            wait_for(
                lambda: (
                    (row := db.job(job.pk))["status"] == "running"
                    and row["heartbeat"] != row["started"]
                ),
                step=0.2,
            )
        except AssertionError:
            pytest.fail(f"The worker did not run the job:\n{db.logs()}")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        assert db.job(job.pk)["status"] == "running"  # nobody will ever finish it…
        second = db.start_worker("second")  # …until a worker starts
        try:
            row = wait_for(
                lambda: (row := db.job(job.pk))["status"] in ("failed", "succeeded") and row,
                step=0.2,
            )
        except AssertionError:
            pytest.fail(f"The job was not recovered:\n{db.logs()}")
    finally:
        stop(first)
        if second is not None:
            stop(second)
    assert row["status"] == outcome, db.logs()
    if outcome == JobStatus.FAILED:
        assert row["attempts"] == 1
        assert row["message"].startswith("The worker running this job stopped")
        assert db.task_statuses() == ["FAILED"]  # the killed run, not left "running"
    else:
        assert row["attempts"] == 2 and row["message"] == "slept 30 steps"
        assert db.task_statuses() == ["FAILED", "SUCCESSFUL"]
