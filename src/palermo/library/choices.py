from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordStatus(models.TextChoices):
    """Where a contributed record is in the validation workflow."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for validation")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    PUBLISHED = "published", _("Published")


#: Statuses in which the contributing State may still edit the record.
EDITABLE_BY_STATE = (RecordStatus.DRAFT, RecordStatus.CHANGES_REQUESTED)


class RecordKind(models.TextChoices):
    """The kinds of Library record; the value is the middle part of the record's stable URL."""

    LEGISLATION = "legislation", _("Legislation")
    CASE = "case", _("Case")
    BIBLIOGRAPHY = "bibliography", _("Bibliography")
    STRATEGY = "strategy", _("National strategy")


class LawType(models.TextChoices):
    CONSTITUTION = "constitution", _("Constitution")
    CODE = "code", _("Code")
    ACT = "act", _("Act or statute")
    DECREE = "decree", _("Decree or ordinance")
    REGULATION = "regulation", _("Regulation")
    REGIONAL = "regional", _("Regional instrument (e.g. EU directive)")
    OTHER = "other", _("Other")


class LegalSystem(models.TextChoices):
    COMMON = "common", _("Common law")
    CIVIL = "civil", _("Civil law")
    ISLAMIC = "islamic", _("Islamic law")
    CUSTOMARY = "customary", _("Customary law")
    MIXED = "mixed", _("Mixed")


class CourtLevel(models.TextChoices):
    FIRST = "first", _("First instance")
    APPEAL = "appeal", _("Appeal")
    HIGHEST = "highest", _("Highest court")
    OTHER = "other", _("Other")


class PartyKind(models.TextChoices):
    DEFENDANT = "defendant", _("Defendant")
    VICTIM = "victim", _("Victim")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Not known")


class AgeBand(models.TextChoices):
    CHILD = "under_18", _("Under 18")
    YOUNG = "18_29", _("18–29")
    ADULT = "30_49", _("30–49")
    OLDER = "50_plus", _("50 or older")
    UNKNOWN = "unknown", _("Not known")


class Verdict(models.TextChoices):
    CONVICTED = "convicted", _("Convicted")
    ACQUITTED = "acquitted", _("Acquitted")
    DISMISSED = "dismissed", _("Dismissed")
    PENDING = "pending", _("Pending")
    OTHER = "other", _("Other")


class CooperationKind(models.TextChoices):
    MLA = "mla", _("Mutual legal assistance")
    EXTRADITION = "extradition", _("Extradition")
    JIT = "joint_investigation", _("Joint investigation")
    TRANSFER = "transfer_of_proceedings", _("Transfer of proceedings")
    LAW_ENFORCEMENT = "law_enforcement", _("Law-enforcement cooperation")
    CONFISCATION = "confiscation", _("International cooperation for confiscation")


class PublicationType(models.TextChoices):
    BOOK = "book", _("Book")
    CHAPTER = "chapter", _("Book chapter")
    ARTICLE = "article", _("Journal article")
    REPORT = "report", _("Report")
    THESIS = "thesis", _("Thesis")
    OTHER = "other", _("Other")
