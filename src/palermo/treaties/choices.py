from django.db import models
from django.utils.translation import gettext_lazy as _


class ActionKind(models.TextChoices):
    SIGNATURE = "signature", _("Signature")
    RATIFICATION = "ratification", _("Ratification")
    ACCEPTANCE = "acceptance", _("Acceptance")
    APPROVAL = "approval", _("Approval")
    ACCESSION = "accession", _("Accession")
    SUCCESSION = "succession", _("Succession")
    FORMAL_CONFIRMATION = "formal_confirmation", _("Formal confirmation")
    CONSENT_UNSPECIFIED = (
        "consent_unspecified",
        _("Consent to be bound (type not stated by source)"),
    )
    DENUNCIATION = "denunciation", _("Denunciation")


class Status(models.TextChoices):
    NONE = "none", _("No action")
    SIGNATORY = "signatory", _("Signatory")
    CONTRACTING = "contracting", _("Consented, not yet in force")
    PARTY = "party", _("Party")
    DENOUNCED = "denounced", _("Denounced")


STATUS_COLORS = {
    Status.PARTY: "#1b6e3a",
    Status.CONTRACTING: "#5aa469",
    Status.SIGNATORY: "#d08c00",
    Status.DENOUNCED: "#a4343a",
}


class DeclarationKind(models.TextChoices):
    RESERVATION = "reservation", _("Reservation")
    DECLARATION = "declaration", _("Declaration")
    NOTIFICATION = "notification", _("Notification")
    OBJECTION = "objection", _("Objection")
    WITHDRAWAL = "withdrawal", _("Withdrawal of a reservation")


class DeclarationSubject(models.TextChoices):
    EXTRADITION_LEGAL_BASIS = (
        "extradition_legal_basis",
        _("Convention as legal basis for extradition (art. 16(5))"),
    )
    CENTRAL_AUTHORITY = (
        "central_authority",
        _("Central authority for mutual legal assistance (art. 18(13))"),
    )
    ACCEPTED_LANGUAGES = "accepted_languages", _("Languages accepted for requests (art. 18(14))")
    DISPUTE_SETTLEMENT = (
        "dispute_settlement",
        _("Not bound by the settlement of disputes clause (art. 35(3))"),
    )
    OTHER = "other", _("Other")
