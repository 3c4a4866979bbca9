from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeKind(models.TextChoices):
    THEMATIC = "thematic", _("Thematic")
    REGIONAL = "regional", _("Regional")
    NATIONAL = "national", _("National")
    JOINT = "joint", _("Joint")
    GLOBAL = "global", _("Global")
    TOOL = "tool", _("Tool or service")
    NETWORK = "network", _("Network")


class WorkStatus(models.TextChoices):
    """Where a programme, project or activity stands."""

    PROPOSED = "proposed", _("Proposed")
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    UNKNOWN = "unknown", _("Not stated")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PLANNED = "planned", _("Planned")
    BEING_MET = "being_met", _("Being met")
    MET = "met", _("Met")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: Statuses of a need that still wants assistance (matching, "unmet needs").
UNMET = (NeedStatus.OPEN, NeedStatus.PLANNED, NeedStatus.BEING_MET)

#: The moves a need's status may make; anything else is refused with the reason.
NEED_TRANSITIONS = {
    NeedStatus.OPEN: {NeedStatus.PLANNED, NeedStatus.BEING_MET, NeedStatus.WITHDRAWN},
    NeedStatus.PLANNED: {
        NeedStatus.OPEN,
        NeedStatus.BEING_MET,
        NeedStatus.MET,
        NeedStatus.WITHDRAWN,
    },
    NeedStatus.BEING_MET: {NeedStatus.PLANNED, NeedStatus.MET, NeedStatus.OPEN},
    NeedStatus.MET: {NeedStatus.BEING_MET, NeedStatus.OPEN},
    NeedStatus.WITHDRAWN: {NeedStatus.OPEN},
}


class NeedOrigin(models.TextChoices):
    REVIEW = "review", _("A review's list of observations")
    QUESTIONNAIRE = "questionnaire", _("A questionnaire answer")
    REQUEST = "request", _("A direct request")
    ASSESSMENT = "assessment", _("A Secretariat assessment")


class Priority(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class OrganisationKind(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    MULTILATERAL = "multilateral", _("Multilateral organisation")
    REGIONAL = "regional", _("Regional organisation")
    UN = "un", _("United Nations entity")
    NGO = "ngo", _("Non-governmental organisation")
    FOUNDATION = "foundation", _("Foundation")
    PRIVATE = "private", _("Private sector")
    ACADEMIC = "academic", _("Academic institution")
    OTHER = "other", _("Other")


class Origin(models.TextChoices):
    """Whose record an activity is: ours, a partner's (IATI import), or history (2010)."""

    PALERMO = "palermo", _("Recorded here")
    PARTNER = "partner", _("Partner activity (IATI)")
    HISTORICAL = "historical", _("Historical record")


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


#: The report's chapters, in the order of the Conference's working papers.
REPORT_SECTIONS = (
    ("introduction", _("Introduction")),
    ("strategic_approach", _("Strategic approach")),
    ("areas", _("Areas of work")),
    ("needs", _("Needs still open")),
    ("proposals", _("Proposals")),
    ("conclusions", _("Conclusions")),
)

#: The currency totals are given in.
BASE_CURRENCY = "USD"
