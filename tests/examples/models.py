"""One small model per access pattern (no migrations: the test database creates them)."""

from django.conf import settings
from django.db import models

from palermo.core.models import Participant
from palermo.platform.models import ImportedRecord
from palermo.platform.policies import RestrictedQuerySet


class Casefile(models.Model):
    """Grants on one object: an investigation workspace with owners, editors and viewers.

    Sensitive (every read logged) with a restricted field (the informant's phone)."""

    title = models.CharField(max_length=100)
    summary = models.TextField(blank=True)
    informant_phone = models.CharField(max_length=30, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class CasefileNote(models.Model):
    """Access derived through a relation: a note follows its workspace."""

    casefile = models.ForeignKey(Casefile, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.text[:40]


class StateReport(models.Model):
    """Roles bound to a State: a State's report, public once published."""

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=100)
    published = models.BooleanField(default=False)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class PeerReview(models.Model):
    """Access derived through a relation to States: the State under review and its two
    reviewing States (a many-valued relation)."""

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    reviewers = models.ManyToManyField(Participant, related_name="+")
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"Review of {self.participant.code}"


class SharedRequest(models.Model):
    """Sharing: a request its author shares with a person or with an authority (a group)."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    subject = models.CharField(max_length=100)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.subject


class Payment(ImportedRecord):
    """Bulk imports with provenance: one payment of a bank statement, as an analyst imports
    hundreds of thousands of them (``tests/examples/importers.py``)."""

    paid_at = models.DateTimeField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    payer = models.CharField(max_length=200)
    payee = models.CharField(max_length=200)
    reference = models.CharField(max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["paid_at", "pk"]

    def __str__(self):
        return f"{self.paid_at:%Y-%m-%d %H:%M} {self.amount} {self.currency}"
