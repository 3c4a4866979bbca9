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
