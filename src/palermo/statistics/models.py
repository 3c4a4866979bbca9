"""Crime and criminal-justice statistics: the ICCS, indicators, sources, observations,
population denominators, the mapping of national offences to the ICCS, and the homicide
database's derived records (the value chosen per State and year, the regional aggregates).

A State is ``core.Participant`` and a region ``core.Region``; this app never copies them.
Rates are not stored where a count exists: they are computed from the population (``rates``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from palermo.platform.models import ImportedRecord, TimeStamped
from palermo.platform.policies import RestrictedQuerySet

from .choices import AGE_TOTAL, Citizenship, Fill, IndicatorKind, Sex, SourceKind, Unit

#: M49's code of the world, the area of global aggregates.
WORLD = "001"


class IccsCode(models.Model):
    """One category of the International Classification of Crime for Statistical Purposes.

    Codes are strings (leading zeros matter): two digits at level 1, four at level 2, five at
    level 3, six at level 4; each code below level 1 begins with its parent's."""

    code = models.CharField(_("ICCS code"), max_length=6, primary_key=True)
    label = models.CharField(_("label"), max_length=300)
    label_es = models.CharField(_("label (Spanish)"), max_length=300, blank=True)
    level = models.PositiveSmallIntegerField(_("level"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.TextField(_("description"), blank=True)
    inclusions = models.TextField(_("inclusions"), blank=True)
    exclusions = models.TextField(_("exclusions"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("ICCS category")
        verbose_name_plural = _("ICCS categories")

    def __str__(self):
        return f"{self.code} {self.label}"

    @property
    def index_text(self) -> str:
        """The national terms of the alphabetical index under this category, for search."""
        return " · ".join(t.term for t in self.index_terms.all())


class IccsIndexTerm(models.Model):
    """A national offence term of the ICCS alphabetical index and the code it belongs to.

    ``code`` is the text as printed: 14 terms of the published index point at codes that do not
    exist, so ``category`` is empty for them rather than the term being dropped."""

    term = models.CharField(_("term"), max_length=500)
    code = models.CharField(_("code as printed"), max_length=8)
    category = models.ForeignKey(
        IccsCode, null=True, blank=True, on_delete=models.CASCADE, related_name="index_terms"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["term"]
        verbose_name = _("ICCS index term")
        verbose_name_plural = _("ICCS index terms")

    def __str__(self):
        return f"{self.term} → {self.code}"


class Indicator(models.Model):
    code = models.SlugField(_("code"), max_length=60, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=IndicatorKind.choices)
    iccs = models.ForeignKey(
        IccsCode,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ICCS code"),
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self):
        return self.name


class Source(models.Model):
    """Where figures come from; ``citation`` is the source's own text, kept verbatim."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=SourceKind.choices)
    citation = models.TextField(_("citation"), blank=True)
    licence = models.CharField(_("licence"), max_length=100, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.name


class Observation(ImportedRecord, TimeStamped):
    """One figure: a State, a year, an indicator (and ICCS code), a disaggregation, a value."""

    participant = models.ForeignKey(
        "core.Participant", on_delete=models.PROTECT, related_name="+", verbose_name=_("State")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="observations")
    iccs = models.ForeignKey(
        IccsCode,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ICCS code"),
    )
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, default=Sex.TOTAL)
    age = models.CharField(_("age"), max_length=12, default=AGE_TOTAL)
    citizenship = models.CharField(
        _("citizenship"), max_length=8, choices=Citizenship.choices, default=Citizenship.TOTAL
    )
    value = models.FloatField(_("value"))
    unit = models.CharField(_("unit"), max_length=5, choices=Unit.choices, default=Unit.COUNT)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="observations")
    estimate = models.BooleanField(_("estimate"), default=False)
    break_in_series = models.BooleanField(_("break in series"), default=False)
    definition_differs = models.BooleanField(_("definition differs"), default=False)
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_("Seen only by the State and the Secretariat."),
    )
    needs_review = models.BooleanField(
        _("flagged for review"),
        default=False,
        help_text=_("An implausible change from the year before, found on import."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["participant__code", "indicator", "year"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "participant",
                    "year",
                    "indicator",
                    "iccs",
                    "sex",
                    "age",
                    "citizenship",
                    "source",
                ],
                name="statistics_observation_unique",
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0), name="statistics_observation_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["indicator", "year"])]

    def __str__(self):
        return f"{self.participant_id} {self.year} {self.indicator_id} {self.value}"

    @property
    def is_total(self) -> bool:
        return (
            self.sex == Sex.TOTAL
            and self.age == AGE_TOTAL
            and self.citizenship == Citizenship.TOTAL
        )

    def clean(self):
        if self.value is not None and self.value < 0:
            raise ValidationError({"value": _("A count cannot be negative.")})


class Population(models.Model):
    """The denominator of rates: a State's population in a year."""

    participant = models.ForeignKey(
        "core.Participant", on_delete=models.CASCADE, related_name="+", verbose_name=_("State")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    population = models.PositiveBigIntegerField(_("population"))
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["participant__code", "year"]
        verbose_name = _("population")
        verbose_name_plural = _("populations")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "year"], name="statistics_population_unique"
            )
        ]

    def __str__(self):
        return f"{self.participant_id} {self.year}: {self.population}"


class OffenceMapping(TimeStamped):
    """A State's own offence category and the ICCS code it counts under: suggested (by the
    index, or by a person), then confirmed by a person."""

    participant = models.ForeignKey(
        "core.Participant", on_delete=models.CASCADE, related_name="+", verbose_name=_("State")
    )
    national_category = models.CharField(_("national category"), max_length=300)
    iccs = models.ForeignKey(
        IccsCode,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ICCS code"),
    )
    suggested_by = models.CharField(
        _("suggested by"),
        max_length=200,
        blank=True,
        help_text=_("The index term or the person that suggested the code, and why."),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["participant__code", "national_category"]
        verbose_name = _("offence mapping")
        verbose_name_plural = _("offence mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "national_category"],
                name="statistics_offencemapping_unique",
            )
        ]

    def __str__(self):
        return f"{self.participant_id}: {self.national_category} → {self.iccs_id or '?'}"


class HomicideChoice(models.Model):
    """The published homicide figure of a State and year, the source it came from and why
    (``homicide.choose``); recomputed from the observations, never edited."""

    participant = models.ForeignKey(
        "core.Participant", on_delete=models.CASCADE, related_name="+", verbose_name=_("State")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="+")
    rate = models.FloatField(_("rate per 100,000"))
    count = models.FloatField(_("count"), null=True, blank=True)
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=40)
    explanation = models.TextField(_("explanation"))
    #: Every candidate: [{"source": code, "kind": …, "rate": …}, …].
    candidates = models.JSONField(_("candidates"), default=list)
    confidential = models.BooleanField(_("confidential"), default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["participant__code", "year"]
        verbose_name = _("homicide choice")
        verbose_name_plural = _("homicide choices")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "year"], name="statistics_homicidechoice_unique"
            )
        ]

    def __str__(self):
        return f"{self.participant_id} {self.year}: {self.rate:.2f} ({self.reason})"


class Aggregate(models.Model):
    """A regional or global figure of one indicator and year (``aggregates.compute``)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    #: M49 code of the area: ``001`` the world, else a region or sub-region.
    area = models.CharField(_("area"), max_length=3)
    area_name = models.CharField(_("area name"), max_length=100)
    level = models.CharField(_("level"), max_length=12)
    rate = models.FloatField(_("rate per 100,000"))
    count = models.FloatField(_("count"))
    population = models.PositiveBigIntegerField(_("population"))
    population_observed = models.PositiveBigIntegerField(_("population with observed data"))
    coverage = models.FloatField(_("share of population with observed data"))
    rate_low = models.FloatField(_("low rate"))
    rate_high = models.FloatField(_("high rate"))
    states = models.PositiveSmallIntegerField(_("States"))
    observed = models.PositiveSmallIntegerField(_("observed"))
    interpolated = models.PositiveSmallIntegerField(_("interpolated"))
    imputed = models.PositiveSmallIntegerField(_("imputed"))
    computed = models.DateTimeField(_("computed"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "year", "area"]
        verbose_name = _("aggregate")
        verbose_name_plural = _("aggregates")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "area"], name="statistics_aggregate_unique"
            )
        ]

    def __str__(self):
        return f"{self.indicator_id} {self.year} {self.area_name}: {self.rate:.2f}"


__all__ = [
    "WORLD",
    "Aggregate",
    "Fill",
    "HomicideChoice",
    "IccsCode",
    "IccsIndexTerm",
    "Indicator",
    "Observation",
    "OffenceMapping",
    "Population",
    "Source",
]
