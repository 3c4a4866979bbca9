"""Investigations and their FollowTheMoney entities, built from statements that keep their source.

- ``Investigation``: a private workspace. Its owners, editors and viewers are platform grants
  (``platform.grants.grant``); nothing inside it is visible to anyone else, the Secretariat
  included (``policies.py``), and every read of it is logged.
- ``Entity``: one FollowTheMoney entity (``ftm_id``, ``schema``: Person, Company, Payment,
  Ownership, Call …) in one investigation. ``properties`` and ``caption`` are the union of its
  statements, kept for display; ``to_ftm()`` gives the followthemoney proxy.
- ``Statement``: one value of one property of one entity, with the value as cleaned by
  FollowTheMoney's property types, the value as written in the file, and where it came from
  (the import, the file, its row and column). Statements are evidence: they are never changed
  (``save`` of an existing one and ``QuerySet.update`` refuse); they are annotated.
- ``Annotation``: an analyst's note on an entity or on one of its statements.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from palermo.platform.models import ImportedRecord
from palermo.platform.policies import RestrictedQuerySet

#: The schemata an investigation holds: things, and the links between them (FTM intervals).
THING_SCHEMATA = (
    "Person",
    "Organization",
    "Company",
    "LegalEntity",
    "Address",
    "Identification",
    "Passport",
    "BankAccount",
    "CryptoWallet",
    "Vehicle",
    "Vessel",
    "RealEstate",
    "Event",
    "CourtCase",
)
LINK_SCHEMATA = (
    "Ownership",
    "Directorship",
    "Membership",
    "Employment",
    "Family",
    "Associate",
    "Payment",
    "Debt",
    "Representation",
    "UnknownLink",
    "CourtCaseParty",
    "Call",
)
SCHEMATA = THING_SCHEMATA + LINK_SCHEMATA


class Investigation(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    is_demo = models.BooleanField(_("fictional demo content"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("investigation")
        verbose_name_plural = _("investigations")

    def __str__(self):
        return self.title

    def clean(self):
        if not self.title.strip():
            raise ValidationError({"title": _("Give the investigation a title.")})


class Entity(models.Model):
    investigation = models.ForeignKey(
        Investigation,
        on_delete=models.CASCADE,
        related_name="entities",
        verbose_name=_("investigation"),
    )
    ftm_id = models.CharField(_("FollowTheMoney id"), max_length=64)
    schema = models.CharField(_("schema"), max_length=40)
    caption = models.CharField(_("caption"), max_length=500, blank=True)
    properties = models.JSONField(_("properties"), default=dict, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["caption", "pk"]
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        constraints = [
            models.UniqueConstraint(
                fields=["investigation", "ftm_id"],
                name="analysis_entity_unique_id",
                violation_error_message=_("This investigation already has an entity with this id."),
            )
        ]
        indexes = [models.Index(fields=["investigation", "schema"], name="analysis_entity_schema")]

    def __str__(self):
        return f"{self.caption or self.ftm_id} ({self.schema})"

    def clean(self):
        if self.schema not in SCHEMATA:
            raise ValidationError(
                {
                    "schema": _("“%(schema)s” is not a schema of an investigation (%(all)s).")
                    % {"schema": self.schema, "all": ", ".join(SCHEMATA)}
                }
            )

    @property
    def ftm_schema(self):
        from followthemoney import model

        return model.get(self.schema)

    @property
    def is_link(self) -> bool:
        return self.schema in LINK_SCHEMATA

    def to_ftm(self, statements=None):
        """The followthemoney proxy of this entity: the union of its statements' values
        (``statements`` when given, to spare a query per entity)."""
        from followthemoney import model

        proxy = model.make_entity(self.schema)
        proxy.id = self.ftm_id
        if statements is None:
            for prop, values in (self.properties or {}).items():
                proxy.add(prop, values, cleaned=True, quiet=True)
        else:
            for statement in statements:
                proxy.add(statement.prop, statement.value, cleaned=True, quiet=True)
        return proxy


class StatementQuerySet(RestrictedQuerySet):
    def update(self, **kwargs):
        raise ValidationError(
            _("A statement is evidence and is never changed; annotate it instead.")
        )


class Statement(ImportedRecord):
    """One value of one property, as the source gave it (``original_value``) and as cleaned."""

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="+", verbose_name=_("investigation")
    )
    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="statements", verbose_name=_("entity")
    )
    prop = models.CharField(_("property"), max_length=64)
    value = models.TextField(_("value"))
    original_value = models.TextField(_("value in the source"), blank=True)
    source_file = models.CharField(_("file"), max_length=255, blank=True)
    source_column = models.CharField(_("column"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["entity", "prop", "pk"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        indexes = [models.Index(fields=["entity", "prop"], name="analysis_statement_prop")]

    def __str__(self):
        return f"{self.prop}: {self.value}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(
                _("A statement is evidence and is never changed; annotate it instead.")
            )
        super().save(*args, **kwargs)

    @property
    def source(self) -> str:
        parts = [self.source_file or _("entered by hand")]
        if self.source_row is not None:
            parts.append(_("row %(row)s") % {"row": self.source_row})
        if self.source_column:
            parts.append(_("column “%(column)s”") % {"column": self.source_column})
        return ", ".join(str(p) for p in parts)


class Annotation(models.Model):
    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="+", verbose_name=_("investigation")
    )
    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="annotations", verbose_name=_("entity")
    )
    statement = models.ForeignKey(
        Statement,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="annotations",
        verbose_name=_("statement"),
    )
    text = models.TextField(_("note"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("annotation")
        verbose_name_plural = _("annotations")

    def __str__(self):
        return self.text[:60]

    def clean(self):
        if not self.text.strip():
            raise ValidationError({"text": _("Write the note.")})
        if self.statement_id and self.statement.entity_id != self.entity_id:
            raise ValidationError({"statement": _("The statement is not one of this entity's.")})


class Decision(models.Model):
    """A reviewer's decision on a candidate pair: the same entity, not the same, or withdrawn.

    Decisions are never changed: a later decision on the same pair replaces the earlier one
    (``resolution.resolve`` reads them in order), so the history of every pair is kept, with
    who decided, when, and why. Clusters (merged entities) are computed from the decisions;
    merging never deletes or rewrites a statement.
    """

    class Verdict(models.TextChoices):
        ACCEPT = "accept", _("Same")
        REJECT = "reject", _("Not the same")
        WITHDRAW = "withdraw", _("Withdrawn")

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="+", verbose_name=_("investigation")
    )
    left = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    verdict = models.CharField(_("decision"), max_length=10, choices=Verdict.choices)
    #: The match probability when the pair was decided (``None``: paired by hand).
    score = models.FloatField(_("score"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made = models.DateTimeField(_("decided"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["made", "pk"]
        verbose_name = _("resolution decision")
        verbose_name_plural = _("resolution decisions")
        indexes = [models.Index(fields=["investigation", "made"])]

    def __str__(self):
        return f"{self.left_id} {self.verdict} {self.right_id}"

    def clean(self):
        if self.left_id and self.left_id == self.right_id:
            raise ValidationError(_("An entity cannot be paired with itself."))


class Chart(models.Model):
    """A saved link chart: which entities are on it, where, and the filters in force."""

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="+", verbose_name=_("investigation")
    )
    title = models.CharField(_("title"), max_length=200)
    #: The chart's state as the link chart writes it: node ids and positions, layout, filters.
    state = models.JSONField(_("chart"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-updated", "pk"]
        verbose_name = _("link chart")
        verbose_name_plural = _("link charts")

    def __str__(self):
        return self.title
