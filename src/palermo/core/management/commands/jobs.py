import argparse
import json
import uuid

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from palermo.platform.choices import JobStatus
from palermo.platform.jobs import NotCancellable, cancel_job, job_state
from palermo.platform.models import Job
from palermo.platform.policies import restrict

from ._base import acting_user

#: Exit codes of ``palermo jobs cancel``.
CANCELLED, ALREADY_ENDED, NOT_FOUND_OR_REFUSED = 0, 1, 2


def _common(parser, *, sub: bool) -> None:
    # On a sub-command, given only when written there, so as not to undo ``jobs --json cancel``.
    extra = {"default": argparse.SUPPRESS} if sub else {}
    parser.add_argument("--json", action="store_true", help="Print JSON for scripts.", **extra)
    parser.add_argument(
        "--as",
        dest="user",
        help="Act as this user: list the jobs they may see, cancel as them (default: the "
        "system actor, who sees every job).",
        **extra,
    )


def job_row(job: Job) -> dict:
    state = job_state(job)
    return {
        "id": str(job.pk),
        "kind": job.kind,
        "label": job.label,
        "status": job.status,
        "owner": job.owner.get_username() if job.owner else None,
        "created": job.created.isoformat(),
        "started": job.started.isoformat() if job.started else None,
        "heartbeat": job.heartbeat.isoformat() if job.heartbeat else None,
        "finished": job.finished.isoformat() if job.finished else None,
        "attempts": job.attempts,
        "worker": job.worker,
        "done": state["done"],
        "total": state["total"],
        "percent": state["percent"],
        "seconds_left": state["seconds_left"],
        "message": state["message"],
    }


class Command(BaseCommand):
    help = (
        "List background jobs, or cancel one. "
        "Examples: palermo jobs --active; palermo jobs cancel 3f2a…  "
        "(exit code of cancel: 0 cancelled or stopping, 1 already ended, 2 no such job or "
        "not allowed)."
    )

    def add_arguments(self, parser):
        _common(parser, sub=False)
        parser.add_argument(
            "--active", action="store_true", help="Only queued, running and cancelling jobs."
        )
        parser.add_argument(
            "--limit", type=int, default=50, help="How many, newest first (default 50)."
        )
        actions = parser.add_subparsers(dest="action", metavar="ACTION", title="actions")
        listing = actions.add_parser("list", help="List jobs, newest first (the default).")
        _common(listing, sub=True)
        cancel = actions.add_parser(
            "cancel",
            help="Cancel a job: a queued job never runs, a running one stops at its next step.",
        )
        cancel.add_argument("id", help="The job's id (as on its page: /jobs/ID/).")
        _common(cancel, sub=True)

    def handle(self, *args, **options):
        user = acting_user(options["user"])
        if options["action"] == "cancel":
            return self.cancel(options["id"], user, as_json=options["json"])
        jobs = restrict(Job.objects.select_related("owner"), user).order_by("-created")
        if options["active"]:
            jobs = jobs.filter(
                status__in=[JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.CANCELLING]
            )
        rows = [job_row(job) for job in jobs[: max(1, options["limit"])]]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not rows:
            self.stdout.write("No jobs.")
        for row in rows:
            counts = f"{row['done']}/{row['total']}" if row["total"] else "-"
            self.stdout.write(
                f"{row['id']}  {row['status']:<10}  {counts:>11}  {row['created'][:16]}  "
                f"{row['owner'] or '-'}  {row['label']}"
            )

    def cancel(self, job_id: str, user, *, as_json: bool):
        try:
            pk = uuid.UUID(job_id)
        except ValueError:
            self.fail(f"“{job_id}” is not a job id (a UUID, as on /jobs/ID/).", as_json)
        job = restrict(Job.objects.select_related("owner"), user).filter(pk=pk).first()
        if job is None:
            self.fail(f"No job with the id {pk} that {user.get_username()} may see.", as_json)
        try:
            job = cancel_job(job, acting_user=user)
        except PermissionDenied as exc:
            self.fail(str(exc), as_json)
        except NotCancellable as exc:
            self.fail(str(exc), as_json, code=ALREADY_ENDED, job=job)
        if as_json:
            self.stdout.write(json.dumps({"ok": True, **job_row(job)}, ensure_ascii=False))
        elif job.status == JobStatus.CANCELLED:
            self.stdout.write(f"Cancelled {job.pk} ({job.label}) before it started.")
        else:
            self.stdout.write(f"Cancelling {job.pk} ({job.label}): it stops at its next step.")

    def fail(self, message: str, as_json: bool, *, code=NOT_FOUND_OR_REFUSED, job=None):
        if as_json:
            out = {"ok": False, "error": message, **(job_row(job) if job else {})}
            self.stdout.write(json.dumps(out, ensure_ascii=False))
        raise CommandError(message, returncode=code)
