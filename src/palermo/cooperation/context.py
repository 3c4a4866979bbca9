"""What the rules know of a requested State, read from Treaties and the Directory.

``requested(code, kind, user, on)`` gives ``rules.Requested``: whether the State is a party to
the Convention on the day (and since when), its declarations under the Convention, and its
Directory entry for the kind of request (``AREAS``), as ``user`` may see it.
"""

from datetime import date

from django.utils import timezone

from palermo.core.models import Participant
from palermo.directory.models import Authority
from palermo.treaties import queries as treaties
from palermo.treaties.choices import DeclarationKind
from palermo.treaties.engine import Status
from palermo.treaties.models import Declaration

from .rules import Kind, Requested

#: The Directory's area for each kind of request, in order of preference: a confiscation
#: request goes to the asset-recovery authority where a State named one, else to its central
#: authority for mutual legal assistance; a transfer of proceedings to the latter.
AREAS = {
    Kind.MLA: ("mla",),
    Kind.CONFISCATION: ("asset_recovery", "mla"),
    Kind.EXTRADITION: ("extradition",),
    Kind.TRANSFER: ("mla",),
}


class UnknownState(LookupError):
    pass


def requested(code: str, kind: str, user, on: date | None = None) -> Requested:
    on = on or timezone.localdate()
    participant = Participant.objects.filter(code=(code or "").upper()).first()
    if participant is None:
        raise UnknownState(code)
    engine = treaties.get_engine()
    status = engine.status(participant.code, "UNTOC", on)
    # A contracting State's date of entry into force is still to come: the rules warn.
    party_since = (
        engine.entry_into_force_for(participant.code, "UNTOC")
        if status in (Status.PARTY, Status.CONTRACTING)
        else None
    )
    declarations = [
        {"article": d.article.number if d.article_id else "", "text": d.text}
        for d in Declaration.objects.filter(participant=participant, instrument__code="UNTOC")
        .exclude(kind__in=[DeclarationKind.WITHDRAWAL, DeclarationKind.OBJECTION])
        .select_related("article")
        .order_by("date", "pk")
        if d.text.strip()
    ]
    entry = None
    for area in AREAS.get(kind, ("mla",)):
        entry = (
            Authority.objects.restrict(user)
            .filter(participant=participant, area__code=area)
            .order_by("-last_confirmed", "pk")
            .first()
        )
        if entry is not None:
            break
    context = Requested(
        code=participant.code,
        name=participant.localized_name,
        party_since=party_since,
        declarations=declarations,
    )
    if entry is not None:
        context.has_entry = True
        context.authority = entry.authority
        context.languages = list(entry.languages or [])
        context.channels = list(entry.channels or [])
        context.convention_accepted = entry.convention_legal_basis
        context.requirements = entry.requirements
        context.urgent_procedure = entry.urgent_procedure
        context.last_confirmed = entry.last_confirmed
    return context
