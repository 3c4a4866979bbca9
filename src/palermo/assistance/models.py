"""Assistance: technical-assistance programmes, projects, activities, needs and their money.

- **Reference lists** (data in ``data/``): the five priority areas and eight priority activities
  the States set, types of assistance, beneficiary institution types; crime types are the
  Library's vocabulary. Exchange rates are dated monthly rates kept as data (``ExchangeRate``).
- **Programmes** group **projects** (codes, budgets by year and currency, expenditure, funding
  by donors) and **activities** (what was delivered: when, where, for whom, with whom, how many
  people trained by sex and institution, the articles and priorities addressed, outputs).
  Programmes carry outcome **indicators** and **evaluations**.
- **Needs** are what a State still lacks (from a review, a questionnaire answer, a request or a
  Secretariat assessment), with a status history and the activities that address them.
- **Historical** records (the 2010 working paper, ``ta_2010.json``) keep their source and
  paragraph; **demo** records are marked fictional; **partner** activities come from IATI files.

Amounts are kept in their own currency; totals are converted to US dollars with the rate of
the amount's month (``money.py``), and the rate used is shown beside each total.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from palermo.core.models import Participant
from palermo.platform.models import ImportedRecord, TimeStamped
from palermo.platform.policies import RestrictedQuerySet

from .choices import (
    DatePrecision,
    NeedOrigin,
    NeedStatus,
    OrganisationKind,
    Origin,
    Priority,
    ProgrammeKind,
    WorkStatus,
)

CURRENCY_HELP = _("ISO 4217 code, e.g. USD, EUR, GBP.")


def _currency(value: str):
    if not (len(value) == 3 and value.isalpha() and value.isupper()):
        raise ValidationError(
            _("“%(v)s” is not a currency code (three capital letters, e.g. EUR)."),
            params={"v": value},
        )


class Vocabulary(TimeStamped):
    """A controlled list kept as data: a code, an English name and its translations."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    names = models.JSONField(_("names in other languages"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    source = models.CharField(_("source"), max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self):
        return self.local_name

    @property
    def local_name(self) -> str:
        from django.utils.translation import get_language

        language = (get_language() or "en").split("-")[0]
        return self.names.get(language) or gettext(self.name)


class PriorityArea(Vocabulary):
    """One of the five priority areas for technical assistance the States set (brief §8)."""

    objects = RestrictedQuerySet.as_manager()

    class Meta(Vocabulary.Meta):
        verbose_name = _("priority area")
        verbose_name_plural = _("priority areas")


class PriorityActivity(Vocabulary):
    """One of the eight priority activities (a)–(h), with the articles it names."""

    articles = models.ManyToManyField(
        "treaties.Article", blank=True, related_name="+", verbose_name=_("articles")
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta(Vocabulary.Meta):
        verbose_name = _("priority activity")
        verbose_name_plural = _("priority activities")


class AssistanceType(Vocabulary):
    """A type of assistance (legislative assistance, training, …). ``aliases`` are the names
    other sources use for it (the 2010 data's ``type`` values), so imports can map them."""

    aliases = models.JSONField(_("other names"), default=list, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta(Vocabulary.Meta):
        verbose_name = _("type of assistance")
        verbose_name_plural = _("types of assistance")


class InstitutionType(Vocabulary):
    """A kind of beneficiary institution (police, prosecution, judiciary, …)."""

    objects = RestrictedQuerySet.as_manager()

    class Meta(Vocabulary.Meta):
        verbose_name = _("beneficiary institution type")
        verbose_name_plural = _("beneficiary institution types")


class ExchangeRate(models.Model):
    """Units of ``currency`` to one US dollar, for one month (reference data with its source)."""

    currency = models.CharField(_("currency"), max_length=3, validators=[_currency])
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    per_usd = models.DecimalField(_("units per US dollar"), max_digits=18, decimal_places=6)
    source = models.CharField(_("source"), max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["currency", "month"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(fields=["currency", "month"], name="unique_rate_month")
        ]

    def __str__(self):
        return f"{self.currency} {self.month:%Y-%m}: {self.per_usd}"


class Sourced(models.Model):
    """Where a record comes from: a document and its paragraph (historical data), or nothing
    (recorded here). ``demo`` marks fictional demonstration content."""

    source = models.CharField(_("source"), max_length=300, blank=True)
    paragraph = models.PositiveSmallIntegerField(_("paragraph"), null=True, blank=True)
    demo = models.BooleanField(_("fictional demo content"), default=False)

    class Meta:
        abstract = True

    @property
    def source_reference(self) -> str:
        if not self.source:
            return ""
        if self.paragraph:
            return gettext("%(source)s, para. %(n)s") % {"source": self.source, "n": self.paragraph}
        return self.source


class Organisation(Sourced, TimeStamped):
    """A partner or donor: a government, an organisation, a foundation. Its registered members
    (``platform.Grant`` role ``member``) see what its funds support."""

    name = models.CharField(_("name"), max_length=300, unique=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.OTHER
    )
    participant = models.ForeignKey(
        Participant,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("State"),
        help_text=_("For a government: the State it is."),
    )
    iati_ref = models.CharField(
        _("IATI organisation identifier"), max_length=100, blank=True, db_index=True
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class Work(Sourced, ImportedRecord, TimeStamped):
    """What programmes, projects and activities share: a code, a title, a status, dates,
    beneficiary States, the priorities and articles addressed, and whether it is published."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=400)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=WorkStatus.choices, default=WorkStatus.PLANNED
    )
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    date_precision = models.CharField(
        _("precision of the dates"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    #: Region names as the record gives them ("West Africa", "Mekong region"): free text, since
    #: programmes name regions that are not M49 regions.
    regions = models.JSONField(_("regions"), default=list, blank=True)
    published = models.BooleanField(
        _("published"), default=False, help_text=_("Published work is public.")
    )
    iati_identifier = models.CharField(
        _("IATI identifier"), max_length=200, blank=True, db_index=True
    )

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end is before the start.")})


class Programme(Work):
    kind = models.CharField(
        _("kind"), max_length=12, choices=ProgrammeKind.choices, default=ProgrammeKind.THEMATIC
    )
    period = models.CharField(
        _("period as stated"), max_length=40, blank=True, help_text=_("E.g. “2010-2012”.")
    )
    beneficiaries = models.ManyToManyField(
        Participant, blank=True, related_name="+", verbose_name=_("beneficiary States")
    )
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="programmes", verbose_name=_("partners")
    )
    priority_areas = models.ManyToManyField(
        PriorityArea, blank=True, related_name="programmes", verbose_name=_("priority areas")
    )
    priority_activities = models.ManyToManyField(
        PriorityActivity,
        blank=True,
        related_name="programmes",
        verbose_name=_("priority activities"),
    )
    budget_usd = models.DecimalField(
        _("budget as stated (USD)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    budget_note = models.CharField(_("note on the budget"), max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")


class Project(Work):
    """A funded project of a programme: budgets by year and currency, expenditure, funding."""

    programme = models.ForeignKey(
        Programme,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("programme"),
    )
    beneficiaries = models.ManyToManyField(
        Participant, blank=True, related_name="+", verbose_name=_("beneficiary States")
    )
    priority_areas = models.ManyToManyField(
        PriorityArea, blank=True, related_name="projects", verbose_name=_("priority areas")
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")


class Money(models.Model):
    """An amount in its own currency, dated by year (and month when known)."""

    amount = models.DecimalField(
        _("amount"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="USD", validators=[_currency], help_text=CURRENCY_HELP
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["year", "month", "pk"]

    def __str__(self):
        return f"{self.amount} {self.currency} ({self.year})"


class Budget(Money):
    """A project's budget for one year, in one currency."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="budgets", verbose_name=_("project")
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta(Money.Meta):
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")


class Expenditure(Money):
    """Money a project spent, in one currency, in one year (and month)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="expenditures", verbose_name=_("project")
    )
    description = models.CharField(_("description"), max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta(Money.Meta):
        verbose_name = _("expenditure")
        verbose_name_plural = _("expenditures")


class Funding(Money):
    """A donor's contribution to a project (what the donor's members may follow)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="fundings", verbose_name=_("project")
    )
    donor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="fundings", verbose_name=_("donor")
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta(Money.Meta):
        verbose_name = _("funding")
        verbose_name_plural = _("fundings")


class Activity(Work):
    """Something delivered (or planned): a training, a workshop, legislative advice, …"""

    origin = models.CharField(
        _("origin"), max_length=12, choices=Origin.choices, default=Origin.PALERMO
    )
    programme = models.ForeignKey(
        Programme,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        verbose_name=_("programme"),
    )
    project = models.ForeignKey(
        Project,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        verbose_name=_("project"),
    )
    reporting_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_activities",
        verbose_name=_("reporting organisation"),
        help_text=_("For a partner's activity: the organisation whose IATI file it came from."),
    )
    type = models.ForeignKey(
        AssistanceType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("type of assistance"),
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    beneficiaries = models.ManyToManyField(
        Participant, blank=True, related_name="+", verbose_name=_("beneficiary States")
    )
    institutions = models.ManyToManyField(
        InstitutionType, blank=True, related_name="+", verbose_name=_("beneficiary institutions")
    )
    priority_areas = models.ManyToManyField(
        PriorityArea, blank=True, related_name="activities", verbose_name=_("priority areas")
    )
    priority_activities = models.ManyToManyField(
        PriorityActivity,
        blank=True,
        related_name="activities",
        verbose_name=_("priority activities"),
    )
    articles = models.ManyToManyField(
        "treaties.Article", blank=True, related_name="+", verbose_name=_("articles addressed")
    )
    crime_types = models.ManyToManyField(
        "library.CrimeType", blank=True, related_name="+", verbose_name=_("crime types")
    )
    #: Crime types as the source names them, where no vocabulary entry matches exactly.
    crime_labels = models.JSONField(_("crime types as stated"), default=list, blank=True)
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="activities", verbose_name=_("partners")
    )
    #: Outputs as named counts: {"laws_added": 165, "officers_trained": 40}.
    outputs = models.JSONField(_("outputs"), default=dict, blank=True)
    cost = models.DecimalField(_("cost"), max_digits=16, decimal_places=2, null=True, blank=True)
    cost_currency = models.CharField(
        _("currency of the cost"), max_length=3, blank=True, help_text=CURRENCY_HELP
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "code"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["status", "start"]), models.Index(fields=["origin"])]

    def clean(self):
        super().clean()
        if self.cost is not None and not self.cost_currency:
            raise ValidationError({"cost_currency": _("Give the currency of the cost.")})
        if self.cost_currency:
            _currency(self.cost_currency)

    @property
    def participants_total(self) -> int:
        return sum(p.total for p in self.participations.all())


class Participation(models.Model):
    """People an activity trained or reached, from one kind of institution, by sex."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participations")
    institution = models.ForeignKey(
        InstitutionType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("institution"),
    )
    women = models.PositiveIntegerField(_("women"), default=0)
    men = models.PositiveIntegerField(_("men"), default=0)
    other = models.PositiveIntegerField(_("other or not stated"), default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["activity", "institution__position", "pk"]
        verbose_name = _("participants")
        verbose_name_plural = _("participants")

    def __str__(self):
        return f"{self.activity_id}: {self.women} women, {self.men} men, {self.other} other"

    @property
    def total(self) -> int:
        return self.women + self.men + self.other


class ActivityDocument(TimeStamped):
    """A document an activity produced (a report, a manual, a law drafted)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("address"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to="assistance/documents/", blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["activity", "title"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.title


class Indicator(TimeStamped):
    """An outcome indicator of a programme: baseline, target and actual value."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=300)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    actual = models.DecimalField(
        _("actual"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    actual_year = models.PositiveSmallIntegerField(_("year of the actual"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "name"]
        verbose_name = _("outcome indicator")
        verbose_name_plural = _("outcome indicators")

    def __str__(self):
        return self.name

    @property
    def progress(self) -> float | None:
        """Share of the way from baseline to target reached (0–1, may exceed 1)."""
        if self.baseline is None or self.target is None or self.actual is None:
            return None
        span = self.target - self.baseline
        if span == 0:
            return None
        return float((self.actual - self.baseline) / span)


class Evaluation(TimeStamped):
    """An evaluation of a programme, with its findings and lessons."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="evaluations")
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"), null=True, blank=True)
    evaluator = models.CharField(_("evaluator"), max_length=200, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    lessons = models.TextField(_("lessons"), blank=True)
    url = models.URLField(_("address"), max_length=500, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "-date"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self):
        return self.title


class Need(Sourced, ImportedRecord, TimeStamped):
    """Assistance a State needs: what (articles, type), how urgent, where the need was found,
    where it stands, and the activities that address it."""

    participant = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="assistance_needs",
        verbose_name=_("State"),
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    articles = models.ManyToManyField(
        "treaties.Article", blank=True, related_name="+", verbose_name=_("articles")
    )
    type = models.ForeignKey(
        AssistanceType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="needs",
        verbose_name=_("type of assistance"),
    )
    priority_areas = models.ManyToManyField(
        PriorityArea, blank=True, related_name="needs", verbose_name=_("priority areas")
    )
    crime_types = models.ManyToManyField(
        "library.CrimeType", blank=True, related_name="+", verbose_name=_("crime types")
    )
    priority = models.CharField(
        _("priority"), max_length=6, choices=Priority.choices, default=Priority.MEDIUM
    )
    origin = models.CharField(
        _("origin"), max_length=14, choices=NeedOrigin.choices, default=NeedOrigin.REQUEST
    )
    #: Where exactly the need was found: "Review cycle 2, observation 4", a question number.
    origin_reference = models.CharField(_("found in"), max_length=300, blank=True)
    #: The record it came from, when that record is in Palermo (a review's observation).
    origin_type = models.ForeignKey(
        "contenttypes.ContentType",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    origin_id = models.PositiveBigIntegerField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    wanted_by = models.DateField(_("wanted by"), null=True, blank=True)
    estimated_cost_usd = models.DecimalField(
        _("estimated cost (USD)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    activities = models.ManyToManyField(
        Activity,
        through="NeedActivity",
        blank=True,
        related_name="needs",
        verbose_name=_("activities addressing it"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["participant__name", "-created", "pk"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        indexes = [models.Index(fields=["status", "participant"])]

    def __str__(self):
        return f"{self.participant.code}: {self.title}"


class NeedActivity(models.Model):
    """That an activity addresses a need: who linked them, when, and why."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="links")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="need_links")
    note = models.CharField(_("note"), max_length=300, blank=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(_("linked"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["need", "linked_at"]
        verbose_name = _("activity addressing a need")
        verbose_name_plural = _("activities addressing needs")
        constraints = [
            models.UniqueConstraint(fields=["need", "activity"], name="unique_need_activity")
        ]

    def __str__(self):
        return f"{self.need_id} ← {self.activity_id}"


class NeedEvent(models.Model):
    """One step of a need's history: its status before and after, who, when, and why."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="events")
    status_from = models.CharField(_("from"), max_length=10, choices=NeedStatus.choices, blank=True)
    status_to = models.CharField(_("to"), max_length=10, choices=NeedStatus.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["need", "at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.need_id}: {self.status_from or '—'} → {self.status_to}"


class Proposal(Sourced, TimeStamped):
    """A proposal for future assistance put to the Conference (the 2010 paper's para. 64)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    summary = models.TextField(_("summary"))
    priority_areas = models.ManyToManyField(
        PriorityArea, blank=True, related_name="proposals", verbose_name=_("priority areas")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=WorkStatus.choices, default=WorkStatus.PROPOSED
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self):
        return self.summary[:80]


class StatedFigure(Sourced, TimeStamped):
    """A figure a document states (“165 national laws added in 2009”), kept as stated."""

    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=100)
    what = models.TextField(_("what it counts"))
    year = models.PositiveSmallIntegerField(_("year of the document"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["paragraph", "pk"]
        verbose_name = _("stated figure")
        verbose_name_plural = _("stated figures")

    def __str__(self):
        return f"{self.value} {self.unit}"


class Report(TimeStamped):
    """A periodic report being written: its period, and the narrative a person wrote for each
    section (the figures are computed from the data each time it is shown or exported)."""

    title = models.CharField(_("title"), max_length=300)
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"))
    #: section key (``choices.REPORT_SECTIONS``, or ``area:PA2``) → the narrative text.
    narratives = models.JSONField(_("narratives"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-date_to", "-pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValidationError({"date_to": _("The period ends before it starts.")})
