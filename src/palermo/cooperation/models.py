"""Cooperation's records: requests for mutual legal assistance, extradition and the transfer of
proceedings, what happened to each (events), and the documents exchanged.

A request's text is its ``content``: the JSON form that :func:`rules.read_request` reads and the
completeness rules check, so the writer, ``palermo cooperation check`` and the renderer read
one thing. The columns beside it (parties, authorities, status, dates) are what the log sorts,
filters and counts. A request belongs to the authority that keeps it (``authority``): for an
outgoing request the requesting authority, for an incoming one the authority that received it.
Who may see it is in ``policies.py``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from palermo.core.models import Participant, TimeStamped
from palermo.platform.models import ImportedRecord
from palermo.platform.policies import RestrictedQuerySet

from .rules import Kind


class Direction(models.TextChoices):
    OUTGOING = "outgoing", _("Outgoing")
    INCOMING = "incoming", _("Incoming")


class RequestKind(models.TextChoices):
    MLA = Kind.MLA.value, _("Mutual legal assistance")
    CONFISCATION = Kind.CONFISCATION.value, _("Confiscation")
    EXTRADITION = Kind.EXTRADITION.value, _("Extradition")
    TRANSFER = Kind.TRANSFER.value, _("Transfer of criminal proceedings")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    UNDER_EXECUTION = "under_execution", _("Under execution")
    PARTLY_EXECUTED = "partly_executed", _("Partly executed")
    EXECUTED = "executed", _("Executed")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RequestQuerySet(RestrictedQuerySet):
    pass


class Request(ImportedRecord, TimeStamped):
    """One request, outgoing or incoming, from its first draft to its execution."""

    reference = models.CharField(
        _("reference"), max_length=60, help_text=_("The keeping authority's own reference.")
    )
    title = models.CharField(_("title"), max_length=300)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.OUTGOING
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=RequestKind.choices, default=RequestKind.MLA
    )
    authority = models.ForeignKey(
        "directory.Authority",
        on_delete=models.PROTECT,
        related_name="kept_requests",
        verbose_name=_("keeping authority"),
    )
    counterpart_authority = models.ForeignKey(
        "directory.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="counterpart_requests",
        verbose_name=_("counterpart authority"),
    )
    requesting_state = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="requests_made",
        verbose_name=_("requesting State"),
    )
    requested_state = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="requests_received",
        verbose_name=_("requested State"),
    )
    #: The request as written: the JSON form that ``rules.read_request`` reads.
    content = models.JSONField(_("content"), default=dict, blank=True)
    #: The writer's step the practitioner last saved.
    step = models.CharField(_("step"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    finalised = models.DateTimeField(_("finalised"), null=True, blank=True)
    sent_on = models.DateField(_("sent"), null=True, blank=True)
    received_on = models.DateField(_("received"), null=True, blank=True)
    acknowledged_on = models.DateField(_("acknowledged"), null=True, blank=True)
    closed_on = models.DateField(
        _("closed"), null=True, blank=True, help_text=_("Executed, refused or withdrawn.")
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    #: When the keeping authority was last reminded of the deadline or of a silent counterpart.
    reminded_on = models.DateField(_("last reminded"), null=True, blank=True, editable=False)
    #: Article 18(21) grounds given for a refusal: "a", "b", "c", "d" (and "other").
    refusal_grounds = models.JSONField(_("grounds for refusal"), default=list, blank=True)
    related = models.ManyToManyField(
        "self", blank=True, symmetrical=True, verbose_name=_("related requests")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    is_demo = models.BooleanField(_("fictional demo record"), default=False)

    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "reference"], name="cooperation_request_reference_unique"
            )
        ]
        indexes = [
            models.Index(fields=["authority", "status"]),
            models.Index(fields=["requested_state", "status"]),
            models.Index(fields=["requesting_state", "status"]),
            models.Index(fields=["deadline"]),
        ]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    @property
    def counterpart_state(self):
        """The other State: the requested one for an outgoing request, else the requesting one."""
        if self.direction == Direction.OUTGOING:
            return self.requested_state
        return self.requesting_state


class Event(TimeStamped):
    """A step in a request's life: its status changed, a reminder was sent, a note was added."""

    request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="events", verbose_name=_("request")
    )
    on = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["on", "created"]
        verbose_name = _("request event")
        verbose_name_plural = _("request events")

    def __str__(self):
        return f"{self.request_id} {self.on} {self.status or self.note[:40]}"


class Document(TimeStamped):
    """A document exchanged about a request: the signed request, an answer, evidence."""

    class Way(models.TextChoices):
        SENT = "sent", _("Sent")
        RECEIVED = "received", _("Received")

    request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="documents", verbose_name=_("request")
    )
    title = models.CharField(_("title"), max_length=300)
    way = models.CharField(_("sent or received"), max_length=10, choices=Way.choices)
    on = models.DateField(_("date"))
    file = models.FileField(_("file"), upload_to="cooperation/%Y/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.title
