"""The background job recomputing every homicide choice and aggregate, for every year."""

from django.db import transaction

from palermo.platform.jobs import Progress, job_handler
from palermo.platform.policies import require_perm

RECOMPUTE = "statistics.recompute"
RECOMPUTE_PERMISSION = "statistics.recompute_aggregates"


@job_handler(RECOMPUTE, idempotent=True)
def recompute(progress: Progress, *, acting_user) -> dict:
    """Choose the homicide values again, then compute the aggregates of every year, with
    progress by year; all or nothing (a cancelled job leaves the previous figures)."""
    from . import services

    require_perm(acting_user, RECOMPUTE_PERMISSION)
    with transaction.atomic():
        progress.note("Choosing the published homicide values")
        choices = services.recompute_choices()
        years = services.homicide_years()
        aggregates = services.recompute_aggregates(years, progress=progress)
    return {"choices": choices, "years": len(years), "aggregates": aggregates}
