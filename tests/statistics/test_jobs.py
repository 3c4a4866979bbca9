"""The background job recomputing every aggregate: progress by year, refused to non-Secretariat."""

import pytest
from django.core.exceptions import PermissionDenied

from palermo.core.models import User
from palermo.platform.jobs import Progress, run_job_now, start_job
from palermo.statistics.jobs import RECOMPUTE, recompute
from palermo.statistics.models import Aggregate


@pytest.mark.django_db
def test_recompute_reports_progress_by_year():
    seen = []
    Aggregate.objects.all().delete()
    result = run_job_now(
        RECOMPUTE,
        acting_user=User.objects.get(username="secretariat"),
        params={},
        callback=lambda done, total, message: seen.append((done, total)),
    )
    assert result["years"] == 31
    assert seen[-1] == (31, 31)
    assert Aggregate.objects.count() == result["aggregates"] > 31


@pytest.mark.django_db
def test_recompute_as_a_queued_job():
    job = start_job(
        RECOMPUTE,
        acting_user=User.objects.get(username="secretariat"),
        label="Recompute",
        params={},
    )
    job.refresh_from_db()
    assert job.status == "succeeded", job.status
    assert job.result["years"] == 31


@pytest.mark.django_db
def test_recompute_refused_to_others():
    for name in ("focal-point", "observer", "analyst"):
        with pytest.raises(PermissionDenied):
            recompute(Progress(), acting_user=User.objects.get(username=name))
