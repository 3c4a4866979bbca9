import pytest

from palermo.core.models import Job
from palermo.platform.actors import system_user
from palermo.platform.choices import JobStatus
from palermo.platform.jobs import HANDLERS, Progress, job_handler, job_state, run_job_now, start_job

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def handlers():
    @job_handler("test.count")
    def count(progress, *, acting_user, n):
        progress.set_total(n, "Counting")
        for _ in range(n):
            progress.advance()
        return {"ok": True, "message": f"counted {n}", "user": str(acting_user)}

    @job_handler("test.fail")
    def fail(progress, *, acting_user):
        progress.set_total(3)
        progress.advance()
        raise ValueError("the file vanished")

    yield
    del HANDLERS["test.count"], HANDLERS["test.fail"]


def test_a_job_runs_in_the_background_and_records_its_result(secretariat):
    job = start_job("test.count", acting_user=secretariat, label="Count", params={"n": 5})
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["message"] == "counted 5" and job.result["user"] == str(secretariat)
    assert job_state(job) | {} == {
        "status": "succeeded",
        "status_label": "Finished",
        "done": 5,
        "total": 5,
        "message": "counted 5",
        "percent": 100,
        "cancellable": False,
        "seconds_left": None,
        "time_left": "",
        "heartbeat_age": None,
        "attempts": 1,
        "max_attempts": 1,
    }


def test_a_failing_job_is_marked_failed_with_its_reason(secretariat):
    job = start_job("test.fail", acting_user=secretariat, label="Fail", params={})
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == "the file vanished"
    assert (job.done, job.total) == (1, 3)


def test_live_progress_is_read_from_the_cache_while_running(secretariat):
    job = Job.objects.create(
        kind="test.count", label="x", owner=secretariat, status=JobStatus.RUNNING
    )
    progress = Progress(job.pk, interval=0)
    progress.set_total(10, "Checking rows")
    progress.advance(4)
    assert job_state(job)["done"] == 4 and job_state(job)["percent"] == 40
    assert job_state(job)["message"] == "Checking rows"


def test_the_cli_runs_the_same_handler_with_a_progress_callback():
    seen = []
    result = run_job_now(
        "test.count",
        acting_user=system_user(),
        params={"n": 3},
        callback=lambda done, total, msg: seen.append((done, total)),
    )
    assert result["message"] == "counted 3"
    assert seen[-1] == (3, 3)


def test_job_pages_are_private_to_their_owner(user_client, secretariat, focal_point):
    job = start_job("test.count", acting_user=focal_point, label="Mine", params={"n": 1})
    assert user_client("focal-point").get(f"/jobs/{job.pk}/").status_code == 200
    assert user_client("expert").get(f"/jobs/{job.pk}/").status_code == 404
    assert user_client(None).get(f"/jobs/{job.pk}/").status_code == 302
    # The Secretariat sees every job; others only their own in the list.
    assert "Mine" in user_client("secretariat").get("/jobs/").content.decode()
    assert "Mine" not in user_client("expert").get("/jobs/").content.decode()


def test_the_job_page_polls_while_running_and_stops_when_finished(user_client, focal_point):
    job = Job.objects.create(
        kind="test.count", label="Running", owner=focal_point, status=JobStatus.RUNNING
    )
    client = user_client("focal-point")
    running = client.get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in running and "<html" not in running
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED)
    done = client.get(f"/jobs/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' not in done
