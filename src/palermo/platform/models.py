"""The mechanism's own records: grants on single objects, the log of reads, background jobs,
notifications, imports and the versions of the data computed results derive from.

No domain data lives here; modules point at these through the policies (``member(...)``) and
the shared read path (``audit.record_reads``).
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import ImportStatus, JobStatus, Surface
from .policies import RestrictedQuerySet


class TimeStamped(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class GrantQuerySet(models.QuerySet):
    def held_by(self, user):
        """Grants to the user, directly or through one of their groups."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(Q(user=user) | Q(group__in=user.groups.all()))

    def for_model(self, model):
        return self.filter(content_type=ContentType.objects.get_for_model(model))

    def on(self, obj):
        return self.for_model(type(obj)).filter(object_id=obj.pk)


class Grant(models.Model):
    """A role on one record, held by a person or by a group of people.

    The owner, editors and viewers of an investigation workspace are grants; so is a request
    shared with a person, or with an authority (whose registered members form a group). What a
    role allows is said by the record's policy (``member("owner", "editor")``), not here.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField(_("record"))
    role = models.CharField(_("role"), max_length=30)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="grants",
        verbose_name=_("person"),
    )
    group = models.ForeignKey(
        "auth.Group",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="grants",
        verbose_name=_("group"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("granted by"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        ordering = ["content_type", "object_id", "role", "pk"]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        indexes = [models.Index(fields=["content_type", "object_id"], name="grant_record")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(group__isnull=True))
                | (Q(user__isnull=True) & Q(group__isnull=False)),
                name="grant_to_user_or_group",
                violation_error_message=_("A grant goes to one person or to one group."),
            ),
            models.UniqueConstraint(
                fields=["content_type", "object_id", "role", "user"],
                condition=Q(user__isnull=False),
                name="unique_grant_to_user",
                violation_error_message=_("This person already has this role here."),
            ),
            models.UniqueConstraint(
                fields=["content_type", "object_id", "role", "group"],
                condition=Q(group__isnull=False),
                name="unique_grant_to_group",
                violation_error_message=_("This group already has this role here."),
            ),
        ]

    def __str__(self):
        holder = self.user or self.group
        return f"{holder}: {self.role} of {self.content_type.model} #{self.object_id}"


class ReadEvent(models.Model):
    """Someone read a sensitive record (or, for a large read, how many), and through what."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("who"),
    )
    surface = models.CharField(_("through"), max_length=10, choices=Surface.choices)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("kind of record")
    )
    object_pk = models.CharField(_("record"), max_length=64, blank=True)
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    count = models.PositiveIntegerField(_("records read"), default=1)
    path = models.CharField(_("address or command"), max_length=300, blank=True)
    created = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("read")
        verbose_name_plural = _("reads")
        indexes = [models.Index(fields=["content_type", "object_pk"], name="read_record")]

    def __str__(self):
        return f"{self.user or '—'} read {self.object_repr or self.count} ({self.surface})"


class Notification(TimeStamped):
    """A message for one user, shown in the app and, if they have an address, sent by e-mail."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        db_table = "core_notification"  # created by core before the platform had an app
        ordering = ["-created", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.title


class Job(TimeStamped):
    """A piece of long work (an import, a report) run in the background, with its progress."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=60)
    label = models.CharField(_("description"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    params = models.JSONField(default=dict, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        help_text=_("The language of the person who started it: its report is written in it."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    result = models.JSONField(null=True, blank=True)
    started = models.DateTimeField(_("started"), null=True, blank=True)
    #: The last sign of life of the worker running it (``platform.jobs``: every few seconds).
    heartbeat = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    #: How many times a worker has started it (an idempotent job may be tried again).
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    #: Which worker process runs it, or ran it last (``host:pid``).
    worker = models.CharField(_("worker"), max_length=100, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    #: The statuses a job ends in.
    FINISHED = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})

    class Meta:
        db_table = "core_job"  # created by core before the platform had an app
        ordering = ["-created"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        # A starting worker looks for running jobs whose worker fell silent.
        indexes = [models.Index(fields=["status", "heartbeat"], name="job_status_heartbeat")]

    def __str__(self):
        return self.label

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def is_cancellable(self) -> bool:
        """Queued or running, and not already asked to stop."""
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)


class ColumnMapping(TimeStamped):
    """A saved, reusable way to read one kind of file: source columns to an importer's fields,
    with transforms (``platform.mapping``). The same mapping can be written as a YAML or JSON
    file for ``palermo import … --mapping FILE``."""

    name = models.CharField(_("name"), max_length=120)
    importer = models.CharField(_("importer"), max_length=60)
    description = models.CharField(_("description"), max_length=300, blank=True)
    spec = models.JSONField(_("mapping"), default=dict)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["importer", "name"]
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["importer", "name"],
                name="unique_mapping_name",
                violation_error_message=_("A mapping of this name exists for this importer."),
            )
        ]

    def __str__(self):
        return self.name


class ImportRun(TimeStamped):
    """One import of one file: who, what file (name, size, SHA-256), how it went (counts and
    the capped error report). Records it created point back to it (``ImportedRecord``), and
    the audit trail holds one entry for it instead of one per row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    importer = models.CharField(_("importer"), max_length=60)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("who"),
    )
    file_name = models.CharField(_("file"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    #: Where the uploaded file is kept (relative to MEDIA_ROOT); blank once deleted.
    stored_file = models.CharField(max_length=400, blank=True, editable=False)
    keep_until = models.DateTimeField(_("file kept until"), null=True, blank=True)
    mapping = models.ForeignKey(
        ColumnMapping,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="runs",
        verbose_name=_("mapping"),
    )
    mapping_spec = models.JSONField(_("mapping used"), null=True, blank=True)
    options = models.JSONField(default=dict, blank=True)
    dry_run = models.BooleanField(_("check only"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    detected = models.JSONField(_("file format"), default=dict, blank=True)
    rows = models.PositiveIntegerField(_("rows read"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("already present"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    report = models.JSONField(_("report"), null=True, blank=True)
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    finished = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["owner", "-created"], name="import_owner_recent")]

    def __str__(self):
        return f"{self.file_name} ({self.importer})"


class ImportedRecord(models.Model):
    """Provenance of a record an import created: the import and the row of its file."""

    import_run = models.ForeignKey(
        ImportRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("import"),
    )
    source_row = models.PositiveIntegerField(
        _("row of the imported file"), null=True, blank=True, editable=False
    )

    class Meta:
        abstract = True


class DataVersion(models.Model):
    """The version of one named dataset (``platform.computed``): a random token replaced, in
    the same transaction, by every write that changes the dataset's inputs.

    Random rather than a counter so that a token never comes back: a rolled-back write, a
    restored backup or another site's database cannot meet results cached for other data.
    Read and written with plain SQL by ``computed`` (one primary-key read per request, no model
    signals, no audit entry); ``changed`` is for the operator, not for the mechanism.
    """

    name = models.CharField(_("dataset"), max_length=60, primary_key=True)
    token = models.BigIntegerField(_("version"))
    changed = models.DateTimeField(_("changed"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self):
        return f"{self.name} @ {self.token:x}"


class ScheduledRun(models.Model):
    """A daily task's run on one day (``platform.schedule``): one row per task and day, so
    that however many workers look, the first to write the row is the one that runs it."""

    task = models.CharField(_("task"), max_length=60)
    day = models.DateField(_("day"))
    started = models.DateTimeField(_("started"), auto_now_add=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    outcome = models.JSONField(_("outcome"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-day", "task"]
        constraints = [
            models.UniqueConstraint(fields=["task", "day"], name="platform_one_run_a_day")
        ]
        verbose_name = _("daily task run")
        verbose_name_plural = _("daily task runs")

    def __str__(self):
        return f"{self.task} {self.day}"
