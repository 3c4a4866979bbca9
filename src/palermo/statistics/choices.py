"""The fixed vocabularies of crime and criminal-justice statistics."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorKind(models.TextChoices):
    OFFENCES = "offences", _("Offences recorded by the police")
    CONTACT = "contact", _("Persons brought into formal contact with the police")
    PROSECUTED = "prosecuted", _("Persons prosecuted")
    CONVICTED = "convicted", _("Persons convicted")
    PRISON = "prison", _("Persons held in prison")
    VICTIMS = "victims", _("Victims")
    HOMICIDE = "homicide", _("Victims of intentional homicide")


class Unit(models.TextChoices):
    COUNT = "count", _("count")
    #: Only for a source that publishes rates and no counts (UNODC's homicide series);
    #: every other rate is computed from the count and the population (``rates.py``).
    RATE = "rate", _("rate per 100,000 as published")


class SourceKind(models.TextChoices):
    CRIMINAL_JUSTICE = "criminal_justice", _("Criminal justice")
    PUBLIC_HEALTH = "public_health", _("Public health")
    NATIONAL = "national", _("National statistical office")
    OTHER = "other", _("Other")


class Sex(models.TextChoices):
    TOTAL = "total", _("Total")
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    UNKNOWN = "unknown", _("Unknown")


class Citizenship(models.TextChoices):
    TOTAL = "total", _("Total")
    NATIONAL = "national", _("Nationals")
    FOREIGN = "foreign", _("Foreign citizens")
    UNKNOWN = "unknown", _("Unknown")


#: The age of a disaggregation: "total" or a band "0-14", "15-29", "60+" (text, as sources give).
AGE_TOTAL = "total"


class Fill(models.TextChoices):
    """How a State-year entered an aggregate."""

    OBSERVED = "observed", _("observed")
    INTERPOLATED = "interpolated", _("interpolated")
    IMPUTED = "imputed", _("imputed")
