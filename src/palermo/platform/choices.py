from django.db import models
from django.utils.translation import gettext_lazy as _


class Surface(models.TextChoices):
    """Where a read or a write came through."""

    PAGE = "page", _("page")
    API = "api", _("API")
    EXPORT = "export", _("export")
    SEARCH = "search", _("search")
    CLI = "cli", _("command line")
    JOB = "job", _("background job")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Finished")
    FAILED = "failed", _("Failed")
    #: Asked to stop while running: the handler stops at its next progress check.
    CANCELLING = "cancelling", _("Cancelling")
    CANCELLED = "cancelled", _("Cancelled")


class ImportStatus(models.TextChoices):
    """Where an import stands. A pending import has a file and waits for its mapping."""

    PENDING = "pending", _("Waiting for its mapping")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    APPLIED = "applied", _("Imported")
    CHECKED = "checked", _("Checked, nothing written")
    REFUSED = "refused", _("Refused, nothing written")
    CANCELLED = "cancelled", _("Cancelled")
