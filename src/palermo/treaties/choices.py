from django.db import models
from django.utils.translation import gettext_lazy as _

from . import engine

_ACTION_KIND_LABELS = {
    engine.ActionKind.SIGNATURE: _("Signature"),
    engine.ActionKind.RATIFICATION: _("Ratification"),
    engine.ActionKind.ACCEPTANCE: _("Acceptance"),
    engine.ActionKind.APPROVAL: _("Approval"),
    engine.ActionKind.ACCESSION: _("Accession"),
    engine.ActionKind.SUCCESSION: _("Succession"),
    engine.ActionKind.FORMAL_CONFIRMATION: _("Formal confirmation"),
    engine.ActionKind.CONSENT_UNSPECIFIED: _("Consent to be bound (type not stated by source)"),
    engine.ActionKind.DENUNCIATION: _("Denunciation"),
}

#: The kinds of treaty action as model choices: the rule engine's ``ActionKind`` (the one list
#: of kinds, kept free of Django) in its order, with a translated label for each.
ActionKind = models.TextChoices(
    "ActionKind",
    [(kind.name, (kind.value, _ACTION_KIND_LABELS[kind])) for kind in engine.ActionKind],
    module=__name__,
)


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
    SOM_VESSEL_AUTHORITY = (
        "som_vessel_authority",
        _("Authority for requests about vessels (Smuggling of Migrants Protocol, art. 8(6))"),
    )
    DISPUTE_SETTLEMENT = (
        "dispute_settlement",
        _("Not bound by the settlement of disputes clause (art. 35(3))"),
    )
    OTHER = "other", _("Other")
