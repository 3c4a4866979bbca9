"""The Library: national legislation and its provisions, cases, bibliography and national strategies.

Every record belongs to one State (``participant``) and has a ``number`` chosen by its
contributor, unique for that State and kind: its stable address is
``/library/<State code>/<kind>/<number>/`` (``RecordKind``). States draft records; the
Secretariat validates and publishes them (``RecordStatus``; the rules are in ``policies.py``, the
steps in ``services.py``). Each publication stores what was published as a ``PublishedVersion``,
so a published record keeps its history.

Crime types and cross-cutting issues are controlled vocabularies kept as data
(``data/*.csv``, loaded with the reference data). A provision names the Convention or Protocol
articles, and optionally paragraphs, it implements (``ProvisionArticle`` → ``treaties.Article``),
so "every law that implements article 6" is found whatever language the law is written in.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from palermo.core.models import Participant
from palermo.platform.models import ImportedRecord, TimeStamped
from palermo.platform.policies import RestrictedQuerySet
from palermo.treaties.models import Article

from .choices import (
    AgeBand,
    CooperationKind,
    CourtLevel,
    LawType,
    LegalSystem,
    PartyKind,
    PublicationType,
    RecordKind,
    RecordStatus,
    Sex,
    Verdict,
)

number_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$",
    _(
        "Use letters, digits, dots, hyphens and underscores only (it becomes part of the "
        "record's address), starting with a letter or digit; at most 60 characters."
    ),
)

language_validator = RegexValidator(
    r"^[a-z]{2,3}$", _("Give the language as an ISO 639-1 code, e.g. “en”, “fr”, “ar”.")
)


# Controlled vocabularies ------------------------------------------------------------------


class Vocabulary(TimeStamped):
    """A term of a controlled vocabulary, with its name in the UN languages."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    #: ``{language code: name}`` for the other UN languages.
    names = models.JSONField(_("names in other languages"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    source = models.CharField(_("source"), max_length=400, blank=True)

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self):
        return self.label()

    def label(self, language: str | None = None) -> str:
        language = (language or get_language() or "en").split("-")[0]
        return self.names.get(language) or self.name


class CrimeType(Vocabulary):
    """A type of crime records are tagged with (the Library's facet "crime type")."""

    iccs_code = models.CharField(_("ICCS code"), max_length=10, blank=True)

    class Meta(Vocabulary.Meta):
        verbose_name = _("crime type")
        verbose_name_plural = _("crime types")


class CrossCuttingIssue(Vocabulary):
    """A cross-cutting issue (e.g. victim protection, gender, corruption) records are tagged with."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("cross-cutting issue")
        verbose_name_plural = _("cross-cutting issues")


# The contributed records ------------------------------------------------------------------


class LibraryRecordQuerySet(RestrictedQuerySet):
    def published(self):
        return self.filter(status=RecordStatus.PUBLISHED)


class LibraryRecord(ImportedRecord, TimeStamped):
    """What every contributed record has: its State, number, workflow state and provenance."""

    KIND: str = ""

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="+", verbose_name=_("State")
    )
    number = models.CharField(
        _("number"),
        max_length=60,
        validators=[number_validator],
        help_text=_("The record's identifier for its State, part of its permanent address."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RecordStatus.choices, default=RecordStatus.DRAFT
    )
    version = models.PositiveIntegerField(
        _("published version"), default=0, editable=False, help_text=_("0 until published.")
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    validation_note = models.TextField(
        _("note from the Secretariat"),
        blank=True,
        help_text=_("What the Secretariat asks to change before publication."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    source_url = models.URLField(_("address of the source"), max_length=500, blank=True)
    licence = models.CharField(
        _("licence"),
        max_length=200,
        blank=True,
        help_text=_("Under which licence the text is reproduced, for texts that are not ours."),
    )
    is_demo = models.BooleanField(_("fictional demo record"), default=False)

    objects = LibraryRecordQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.status == RecordStatus.PUBLISHED

    def get_absolute_url(self):
        return reverse("library:record", args=[self.participant.code, self.KIND, self.number])


def _unique_number(name):
    return models.UniqueConstraint(
        fields=["participant", "number"],
        name=name,
        violation_error_message=_("This State already has a record of this kind with this number."),
    )


class Law(LibraryRecord):
    """A law, code, decree or other legislative text of a State, made of provisions."""

    KIND = RecordKind.LEGISLATION

    title = models.CharField(_("title in the original language"), max_length=500)
    title_en = models.CharField(_("title in English"), max_length=500, blank=True)
    language = models.CharField(
        _("original language"), max_length=3, validators=[language_validator]
    )
    law_type = models.CharField(_("type"), max_length=20, choices=LawType.choices)
    adopted = models.DateField(_("adopted"), null=True, blank=True)
    in_force = models.DateField(_("in force since"), null=True, blank=True)
    amendments = models.TextField(
        _("amendments"), blank=True, help_text=_("The amending laws, one per line.")
    )
    official_url = models.URLField(_("official address"), max_length=500, blank=True)
    full_text = models.TextField(_("full text"), blank=True)
    file = models.FileField(_("file"), upload_to="library/laws/", blank=True)

    class Meta:
        ordering = ["participant__name", "-adopted", "number"]
        verbose_name = _("law")
        verbose_name_plural = _("legislation")
        constraints = [_unique_number("unique_law_number")]
        indexes = [models.Index(fields=["status", "participant"], name="law_status_participant")]

    def __str__(self):
        return self.title_en or self.title

    def clean(self):
        super().clean()
        if self.adopted and self.in_force and self.in_force < self.adopted:
            raise ValidationError(
                {"in_force": _("A law cannot be in force before it was adopted.")}
            )


class Provision(TimeStamped):
    """One article, section or paragraph of a law, with the treaty articles it implements."""

    law = models.ForeignKey(
        Law, on_delete=models.CASCADE, related_name="provisions", verbose_name=_("law")
    )
    number = models.CharField(_("number"), max_length=40, help_text=_("E.g. “Art. 601”, “s. 1”."))
    heading = models.CharField(_("heading"), max_length=500, blank=True)
    text = models.TextField(_("text in the original language"))
    text_en = models.TextField(_("text in English"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    articles = models.ManyToManyField(
        Article,
        through="ProvisionArticle",
        related_name="provisions",
        blank=True,
        verbose_name=_("articles implemented"),
    )
    crime_types = models.ManyToManyField(
        CrimeType, related_name="provisions", blank=True, verbose_name=_("crime types")
    )
    issues = models.ManyToManyField(
        CrossCuttingIssue,
        related_name="provisions",
        blank=True,
        verbose_name=_("cross-cutting issues"),
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["law", "position", "pk"]
        verbose_name = _("provision")
        verbose_name_plural = _("provisions")
        constraints = [
            models.UniqueConstraint(
                fields=["law", "number"],
                name="unique_provision_number",
                violation_error_message=_("This law already has a provision with this number."),
            )
        ]

    def __str__(self):
        return f"{self.law} — {self.number}"

    def get_absolute_url(self):
        return f"{self.law.get_absolute_url()}#provision-{self.pk}"


class ProvisionArticle(models.Model):
    """That a provision implements an article (and, optionally, one paragraph of it)."""

    provision = models.ForeignKey(Provision, on_delete=models.CASCADE, related_name="tags")
    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, related_name="+", verbose_name=_("article")
    )
    paragraph = models.CharField(
        _("paragraph"), max_length=20, blank=True, help_text=_("E.g. “1(a)”; empty: the article.")
    )

    class Meta:
        ordering = ["article__instrument__order", "article__position", "paragraph"]
        verbose_name = _("article implemented")
        verbose_name_plural = _("articles implemented")
        constraints = [
            models.UniqueConstraint(
                fields=["provision", "article", "paragraph"],
                name="unique_provision_article",
                violation_error_message=_("This provision is already tagged with this article."),
            )
        ]

    def __str__(self):
        reference = f"{self.article.instrument.code} art. {self.article.number}"
        return f"{reference}({self.paragraph})" if self.paragraph else reference


class Case(LibraryRecord):
    """A case-law digest entry: an investigation or prosecution, its proceedings and outcome.

    Every section is optional; a section with nothing in it is shown as absent, not empty.
    """

    KIND = RecordKind.CASE

    title = models.CharField(_("title"), max_length=500)
    court = models.CharField(_("court"), max_length=300, blank=True)
    court_level = models.CharField(
        _("court level"), max_length=10, choices=CourtLevel.choices, blank=True
    )
    legal_system = models.CharField(
        _("legal system"), max_length=10, choices=LegalSystem.choices, blank=True
    )
    language = models.CharField(
        _("language of the decision"), max_length=3, blank=True, validators=[language_validator]
    )
    opened = models.DateField(_("proceedings opened"), null=True, blank=True)
    decided = models.DateField(_("date of the decision"), null=True, blank=True)
    commentary = models.TextField(_("commentary"), blank=True)
    lessons_learned = models.TextField(_("lessons learned"), blank=True)
    sources = models.TextField(_("sources"), blank=True, help_text=_("One per line."))
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    crime_types = models.ManyToManyField(
        CrimeType, related_name="cases", blank=True, verbose_name=_("crime types")
    )
    issues = models.ManyToManyField(
        CrossCuttingIssue, related_name="cases", blank=True, verbose_name=_("cross-cutting issues")
    )

    class Meta:
        ordering = ["participant__name", "-decided", "number"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [_unique_number("unique_case_number")]
        indexes = [models.Index(fields=["status", "participant"], name="case_status_participant")]

    def __str__(self):
        return self.title

    @property
    def summary_texts(self) -> list[str]:
        """The summaries' texts, every language (site search indexes them with the case)."""
        return [summary.text for summary in self.summaries.all()]

    def clean(self):
        super().clean()
        if self.opened and self.decided and self.decided < self.opened:
            raise ValidationError(
                {"decided": _("A case cannot be decided before its proceedings opened.")}
            )
        if not isinstance(self.keywords, list) or not all(
            isinstance(k, str) and k.strip() for k in self.keywords
        ):
            raise ValidationError({"keywords": _("Give the keywords as a list of words.")})


class CaseSummary(TimeStamped):
    """The summary of a case's facts in one language; each language is kept separate."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="summaries")
    language = models.CharField(_("language"), max_length=3, validators=[language_validator])
    text = models.TextField(_("summary of the facts"))

    class Meta:
        ordering = ["case", "language"]
        verbose_name = _("summary of the facts")
        verbose_name_plural = _("summaries of the facts")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "language"],
                name="one_summary_per_language",
                violation_error_message=_("This case already has a summary in this language."),
            )
        ]

    def __str__(self):
        return f"{self.case} [{self.language}]"


class Proceeding(models.Model):
    """One stage of a case's procedural history (first instance, appeal, …)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="proceedings")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    court = models.CharField(_("court"), max_length=300)
    level = models.CharField(_("level"), max_length=10, choices=CourtLevel.choices, blank=True)
    docket = models.CharField(_("docket number"), max_length=100, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        ordering = ["case", "position", "date", "pk"]
        verbose_name = _("proceeding")
        verbose_name_plural = _("procedural history")

    def __str__(self):
        return f"{self.court} {self.date or ''}".strip()


class CaseParty(models.Model):
    """A defendant or a victim, anonymised: initials, sex, age band, nationality, role."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField(_("defendant or victim"), max_length=10, choices=PartyKind.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    initials = models.CharField(_("initials"), max_length=10, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    age_band = models.CharField(
        _("age"), max_length=10, choices=AgeBand.choices, default=AgeBand.UNKNOWN
    )
    nationality = models.ForeignKey(
        Participant,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("nationality"),
    )
    role = models.CharField(
        _("role"), max_length=200, blank=True, help_text=_("E.g. organizer, recruiter, driver.")
    )

    class Meta:
        ordering = ["case", "kind", "position", "pk"]
        verbose_name = _("defendant or victim")
        verbose_name_plural = _("defendants and victims")

    def __str__(self):
        return f"{self.get_kind_display()} {self.initials}".strip()

    def clean(self):
        super().clean()
        if self.initials and (len(self.initials.replace(".", "").replace(" ", "")) > 4):
            raise ValidationError(
                {
                    "initials": _(
                        "Give initials only (at most four letters): records are anonymised."
                    )
                }
            )


class Charge(models.Model):
    """A charge, the provisions it cites, and its verdict and sentence."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="charges")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    defendant = models.ForeignKey(
        CaseParty,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="charges",
        limit_choices_to={"kind": PartyKind.DEFENDANT},
        verbose_name=_("defendant"),
    )
    offence = models.CharField(_("offence"), max_length=500)
    provisions = models.ManyToManyField(
        Provision, related_name="charges", blank=True, verbose_name=_("provisions cited")
    )
    cited = models.CharField(
        _("provisions cited (as written)"),
        max_length=500,
        blank=True,
        help_text=_("As the decision cites them, where the provision is not in the Library."),
    )
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices, blank=True)
    sentence = models.CharField(_("sentence"), max_length=500, blank=True)

    class Meta:
        ordering = ["case", "position", "pk"]
        verbose_name = _("charge")
        verbose_name_plural = _("charges")

    def __str__(self):
        return self.offence

    def clean(self):
        super().clean()
        if self.defendant_id and self.defendant.case_id != self.case_id:
            raise ValidationError({"defendant": _("The defendant must be a party to this case.")})


class Cooperation(models.Model):
    """International cooperation used in a case, and whether the Convention was its legal basis."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="cooperation")
    kind = models.CharField(_("kind"), max_length=30, choices=CooperationKind.choices)
    partner = models.ForeignKey(
        Participant,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("with"),
    )
    convention_legal_basis = models.BooleanField(
        _("the Convention was the legal basis"), null=True, blank=True
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["case", "kind", "pk"]
        verbose_name = _("international cooperation")
        verbose_name_plural = _("international cooperation")

    def __str__(self):
        return self.get_kind_display()


class CaseAttachment(TimeStamped):
    """A document attached to a case (the decision, an indictment), as a file or an address."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to="library/cases/", blank=True)
    url = models.URLField(_("address"), max_length=500, blank=True)

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(url=""),
                name="attachment_file_or_url",
                violation_error_message=_("Attach a file or give its address."),
            )
        ]

    def __str__(self):
        return self.title


class Publication(LibraryRecord):
    """A bibliography entry: a book, article or report on the subjects of the Convention."""

    KIND = RecordKind.BIBLIOGRAPHY

    title = models.CharField(_("title"), max_length=500)
    authors = models.JSONField(_("authors"), default=list, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    publication_type = models.CharField(
        _("type"), max_length=10, choices=PublicationType.choices, default=PublicationType.OTHER
    )
    language = models.CharField(_("language"), max_length=3, validators=[language_validator])
    publisher = models.CharField(_("publisher or journal"), max_length=300, blank=True)
    states = models.ManyToManyField(
        Participant, related_name="+", blank=True, verbose_name=_("States covered")
    )
    crime_types = models.ManyToManyField(
        CrimeType, related_name="publications", blank=True, verbose_name=_("crime types")
    )
    issues = models.ManyToManyField(
        CrossCuttingIssue,
        related_name="publications",
        blank=True,
        verbose_name=_("cross-cutting issues"),
    )
    abstract = models.TextField(_("abstract"), blank=True)
    url = models.URLField(_("address"), max_length=500, blank=True)

    class Meta:
        ordering = ["-year", "title", "pk"]
        verbose_name = _("publication")
        verbose_name_plural = _("bibliography")
        constraints = [_unique_number("unique_publication_number")]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if not isinstance(self.authors, list) or not all(
            isinstance(a, str) and a.strip() for a in self.authors
        ):
            raise ValidationError({"authors": _("Give the authors as a list of names.")})
        if self.year is not None and not 1900 <= self.year <= 2100:
            raise ValidationError({"year": _("Give a year between 1900 and 2100.")})


class Strategy(LibraryRecord):
    """A national strategy or action plan against organized crime or one of its forms."""

    KIND = RecordKind.STRATEGY

    title = models.CharField(_("title in the original language"), max_length=500)
    title_en = models.CharField(_("title in English"), max_length=500, blank=True)
    language = models.CharField(
        _("original language"), max_length=3, validators=[language_validator]
    )
    adopted = models.DateField(_("adopted"), null=True, blank=True)
    period_start = models.PositiveSmallIntegerField(_("from (year)"), null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(_("to (year)"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    url = models.URLField(_("address"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to="library/strategies/", blank=True)
    crime_types = models.ManyToManyField(
        CrimeType, related_name="strategies", blank=True, verbose_name=_("crime types")
    )
    issues = models.ManyToManyField(
        CrossCuttingIssue,
        related_name="strategies",
        blank=True,
        verbose_name=_("cross-cutting issues"),
    )

    class Meta:
        ordering = ["participant__name", "-adopted", "number"]
        verbose_name = _("national strategy")
        verbose_name_plural = _("national strategies")
        constraints = [_unique_number("unique_strategy_number")]

    def __str__(self):
        return self.title_en or self.title

    def clean(self):
        super().clean()
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The period cannot end before it starts.")})


#: The record models by kind (the middle part of a stable URL).
RECORD_MODELS = {
    RecordKind.LEGISLATION: Law,
    RecordKind.CASE: Case,
    RecordKind.BIBLIOGRAPHY: Publication,
    RecordKind.STRATEGY: Strategy,
}


class PublishedVersion(models.Model):
    """What a record was when it was published: each publication keeps one, numbered from 1."""

    kind = models.CharField(_("kind"), max_length=20, choices=RecordKind.choices)
    record_id = models.PositiveBigIntegerField(_("record"))
    version = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("published by"),
    )
    #: The record as the bulk export writes it, at the time of publication.
    data = models.JSONField(_("record as published"))

    class Meta:
        ordering = ["kind", "record_id", "-version"]
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "record_id", "version"], name="unique_published_version"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.record_id} v{self.version}"


class SavedSearch(TimeStamped):
    """A Library search a person saved: its words and facet filters, to run again."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_library_searches",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=200)
    query = models.CharField(_("words"), max_length=500, blank=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["owner", "name", "pk"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"],
                name="unique_saved_search_name",
                violation_error_message=_("You already have a saved search with this name."),
            )
        ]

    def __str__(self):
        return self.name
