"""Treaties: instruments and their articles, treaty actions, reservations and declarations.

Nothing derivable is stored: entry into force, status on a date and party counts are computed by
the rule engine (``engine.py``) from the actions. The only dates typed in are facts from sources:
an action's date of deposit, and an instrument's official entry into force (used because the
known actions are incomplete, and compared with what the actions imply).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from palermo.core.models import Participant, TimeStamped
from palermo.platform.models import ImportedRecord

from . import engine
from .choices import ActionKind, DeclarationKind, DeclarationSubject


class Instrument(TimeStamped):
    """The Convention, one of its Protocols, or another instrument loaded as data."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    short_title = models.CharField(_("short title"), max_length=120)
    title = models.CharField(_("title"), max_length=400)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="protocols",
        verbose_name=_("supplements"),
    )
    depositary_number = models.CharField(
        _("UN Treaty Collection number"),
        max_length=20,
        blank=True,
        help_text=_("MTDSG chapter number, e.g. XVIII-12-a."),
    )
    adopted = models.DateField(_("adopted"), null=True, blank=True)
    official_entry_into_force = models.DateField(
        _("official entry into force"),
        null=True,
        blank=True,
        help_text=_(
            "A sourced fact. Used while the known actions are incomplete; any "
            "disagreement with what the actions imply is reported."
        ),
    )
    entry_into_force_source = models.URLField(_("source of the entry-into-force date"), blank=True)
    threshold = models.PositiveSmallIntegerField(
        _("instruments needed for entry into force"), default=40
    )
    actions_complete = models.BooleanField(
        _("all actions are recorded"),
        default=False,
        help_text=_(
            "Tick only when every participant's actions have been imported. While "
            "unticked, pages say the data are partial."
        ),
    )
    actions_complete_until = models.DateField(
        _("all actions recorded up to"),
        null=True,
        blank=True,
        help_text=_(
            "The date as at which the recorded actions are the depositary's complete table "
            "(e.g. the date the table was read). Later actions may be missing."
        ),
    )
    signature_opens = models.DateField(
        _("open for signature from"),
        null=True,
        blank=True,
        help_text=_("First day of the period of signature given by the final clauses."),
    )
    signature_closes = models.DateField(
        _("open for signature until"),
        null=True,
        blank=True,
        help_text=_("Last day of the period of signature given by the final clauses."),
    )
    preamble = models.TextField(_("preamble"), blank=True)
    closing = models.TextField(_("closing words"), blank=True)
    text_source = models.CharField(_("source of the text"), max_length=400, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self):
        return self.local_short_title

    @property
    def local_short_title(self) -> str:
        return gettext(self.short_title)  # official translations: instrument_names.py

    @property
    def local_title(self) -> str:
        return gettext(self.title)

    def rule_instrument(self, **overrides) -> engine.Instrument:
        """This instrument as the rule engine sees it."""
        facts = {
            "code": self.code,
            "parent": self.parent.code if self.parent_id else None,
            "threshold": self.threshold,
            "official_entry_into_force": self.official_entry_into_force,
            "actions_complete": self.actions_complete,
            "actions_complete_until": self.actions_complete_until,
            "adopted": self.adopted,
            "signature_opens": self.signature_opens,
            "signature_closes": self.signature_closes,
            # UNTOC art. 36(3), TIP art. 16(3), SOM art. 21(3), Firearms art. 17(3).
            "ratification_needs_signature": True,
            "name": self.local_short_title,
        }
        return engine.Instrument(**{**facts, **overrides})

    def clean(self):
        """An official entry into force is a sourced fact that cannot precede adoption."""
        super().clean()
        opens, closes = self.signature_opens, self.signature_closes
        if opens and closes and closes < opens:
            raise ValidationError(
                {"signature_closes": _("The period of signature cannot end before it begins.")}
            )
        problems = engine.check_entry_into_force(
            engine.Instrument(self.code or "?", adopted=self.adopted),
            self.official_entry_into_force,
            self.entry_into_force_source,
            translate=gettext,
        )
        if problems:
            raise ValidationError({"official_entry_into_force": problems})


class StatusSnapshot(TimeStamped):
    """Official headline counts published by the depositary on a date (a sourced fact)."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="snapshots")
    as_at = models.DateField(_("status as at"))
    signatories = models.PositiveIntegerField(_("signatories"))
    parties = models.PositiveIntegerField(_("parties"))
    source_url = models.URLField(_("source"), max_length=400)

    class Meta:
        ordering = ["instrument", "-as_at"]
        verbose_name = _("official status count")
        verbose_name_plural = _("official status counts")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "as_at"], name="unique_snapshot_per_day")
        ]

    def __str__(self):
        return f"{self.instrument}: {self.parties} parties at {self.as_at}"


class Article(TimeStamped):
    """One article of an instrument, with its full text as published."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="articles")
    number = models.CharField(_("number"), max_length=10)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"))
    chapter = models.CharField(_("chapter"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["instrument__order", "position"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="unique_article_number")
        ]

    def __str__(self):
        return f"{self.instrument.code} art. {self.number}: {self.title}"

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n\n") if p.strip()]


class TreatyAction(ImportedRecord, TimeStamped):
    """A signature, an instrument of consent to be bound, or a denunciation, with its date."""

    participant = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="treaty_actions",
        verbose_name=_("participant"),
    )
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="actions", verbose_name=_("instrument")
    )
    kind = models.CharField(_("action"), max_length=24, choices=ActionKind.choices)
    date = models.DateField(
        _("date"),
        help_text=_(
            "Date of signature, of deposit of the instrument, or of receipt of the notification."
        ),
    )
    footnotes = models.CharField(_("depositary footnotes"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=400)
    source_text = models.CharField(_("as written in the source"), max_length=200, blank=True)
    source_url = models.URLField(
        _("address of the source"),
        max_length=500,
        blank=True,
        help_text=_("Where this row of the imported file says the action is recorded."),
    )
    source_note = models.TextField(
        _("note on the source"),
        blank=True,
        help_text=_("The imported row's own note on its source (provenance)."),
    )

    class Meta:
        ordering = ["date", "participant__name"]
        verbose_name = _("treaty action")
        verbose_name_plural = _("treaty actions")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "instrument", "kind"],
                condition=~Q(kind="denunciation"),
                name="one_action_of_each_kind",
                violation_error_message=_(
                    "This participant already has this action for this instrument."
                ),
            )
        ]
        indexes = [models.Index(fields=["instrument", "date"], name="action_instrument_date")]

    def __str__(self):
        return f"{self.participant.name} — {self.instrument.code} — {self.get_kind_display()} {self.date}"


class DeclarationQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("participant", "instrument", "article")


class Declaration(TimeStamped):
    """A reservation, declaration or notification made by a participant under an instrument.

    The three subjects that other modules depend on are structured: whether the Convention is the
    legal basis for extradition (art. 16(5)), the central authority (art. 18(13)) and the languages
    accepted for requests (art. 18(14)).
    """

    participant = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="declarations",
        verbose_name=_("participant"),
    )
    instrument = models.ForeignKey(
        Instrument,
        on_delete=models.PROTECT,
        related_name="declarations",
        verbose_name=_("instrument"),
    )
    kind = models.CharField(_("kind"), max_length=15, choices=DeclarationKind.choices)
    subject = models.CharField(_("subject"), max_length=30, choices=DeclarationSubject.choices)
    article = models.ForeignKey(
        Article,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="declarations",
        verbose_name=_("article"),
    )
    date = models.DateField(_("date"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    takes_convention_as_legal_basis = models.BooleanField(
        _("takes the Convention as the legal basis for extradition"), null=True, blank=True
    )
    authority = models.CharField(_("central authority"), max_length=300, blank=True)
    authority_address = models.TextField(_("address of the authority"), blank=True)
    languages = models.JSONField(
        _("accepted languages"),
        default=list,
        blank=True,
        help_text=_('ISO 639-1 codes, e.g. ["en", "fr"].'),
    )
    source = models.CharField(_("source"), max_length=400, blank=True)
    is_demo = models.BooleanField(_("fictional demo record"), default=False)

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        ordering = ["participant__name", "instrument__order", "subject", "date"]
        verbose_name = _("reservation, declaration or notification")
        verbose_name_plural = _("reservations, declarations and notifications")
        constraints = [
            models.CheckConstraint(
                condition=~Q(subject="extradition_legal_basis")
                | Q(takes_convention_as_legal_basis__isnull=False),
                name="legal_basis_answer_given",
                violation_error_message=_(
                    "Say whether the Convention is taken as the legal basis for extradition."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(subject="central_authority") | ~Q(authority=""),
                name="central_authority_named",
                violation_error_message=_("Name the central authority."),
            ),
        ]

    def __str__(self):
        return f"{self.participant.name}: {self.get_subject_display()}"

    def clean(self):
        """Rules of the record itself, so the page, the API and imports all apply them."""
        super().clean()
        languages = self.languages
        if not isinstance(languages, list) or not all(
            isinstance(code, str) and len(code) == 2 and code.isalpha() for code in languages
        ):
            raise ValidationError(
                {"languages": _('Give a list of two-letter ISO 639-1 codes, e.g. ["en", "fr"].')}
            )
        if self.subject == DeclarationSubject.ACCEPTED_LANGUAGES and not languages:
            raise ValidationError({"languages": _('List at least one language, e.g. ["en"].')})
