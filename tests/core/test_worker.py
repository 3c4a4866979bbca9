"""The real job queue: django-tasks' database backend, worked by `palermo worker` (production)
or by the thread that `palermo serve` starts (embedded). Transactional: the worker reads what
another connection committed."""

import time

import pytest
from django.core.management import call_command
from django.test import override_settings

from palermo.core.models import Job, User
from palermo.platform.choices import JobStatus
from palermo.platform.jobs import HANDLERS, job_handler, start_embedded_worker, start_job

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def handler():
    @job_handler("test.square")
    def square(progress, *, acting_user, n):
        progress.set_total(1)
        progress.advance()
        return {"ok": True, "message": f"{n}² = {n * n}"}

    yield
    del HANDLERS["test.square"]


@pytest.fixture
def owner(transactional_db):
    return User.objects.create(username="worker-owner")


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE)
def test_a_queued_job_waits_until_a_worker_runs_it(handler, owner):
    job = start_job("test.square", acting_user=owner, label="Square", params={"n": 7})
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    call_command("worker", batch=True)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.message == "7² = 49"


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE)
def test_the_embedded_worker_thread_runs_jobs_without_another_process(handler, owner):
    thread = start_embedded_worker(interval=0.1)
    try:
        job = start_job("test.square", acting_user=owner, label="Square", params={"n": 12})
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.is_finished:
                break
            time.sleep(0.1)
    finally:
        thread.worker.running = False
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert job.status == JobStatus.SUCCEEDED and job.message == "12² = 144"
    assert Job.objects.get(pk=job.pk).result["ok"] is True


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE)
def test_a_job_cancelled_in_the_queue_is_never_run_by_the_worker(handler, owner):
    from palermo.platform.jobs import cancel_job

    job = start_job("test.square", acting_user=owner, label="Square", params={"n": 3})
    cancel_job(job, acting_user=owner)
    call_command("worker", batch=True, verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.attempts == 0 and job.result is None
    assert job.message == "Cancelled by worker-owner."


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE)
def test_a_starting_worker_settles_jobs_a_stopped_worker_left_running(handler, owner):
    from datetime import timedelta
    from io import StringIO

    from django.utils import timezone

    long_ago = timezone.now() - timedelta(hours=2)
    job = Job.objects.create(
        kind="test.square",
        label="Square",
        owner=owner,
        params={"n": 4},
        status=JobStatus.RUNNING,
        started=long_ago,
        heartbeat=long_ago,
        attempts=1,
        worker="gone-host:4242",
    )
    out = StringIO()
    call_command("worker", batch=True, stdout=out)
    assert "Jobs left by a stopped worker: 0 queued again, 1 failed, 0 cancelled." in out.getvalue()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished is not None
    assert "The worker running this job stopped" in job.message
