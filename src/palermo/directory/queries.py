"""Reads of the Directory worth naming: what the Treaties declarations say of an entry (the
prefill of a new entry and the cross-check of an existing one), and the entries due a reminder.

UNTOC art. 18(13) (central authority) and 18(14) (languages) speak of mutual legal assistance;
SOM art. 8(6) of the authority receiving requests about vessels. An area names the declaration
subject of its authority in ``Area.declaration_subject``; the languages of art. 18(14) are
compared for mutual legal assistance only.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from palermo.treaties.choices import DeclarationKind, DeclarationSubject
from palermo.treaties.models import Declaration

from .choices import REMIND_EVERY_DAYS
from .models import Area, Authority

#: The area whose languages are those declared under UNTOC art. 18(14).
LANGUAGES_AREA = "mla"


@dataclass(frozen=True)
class Declared:
    """What the Treaties declarations say of one State and area."""

    authority: str = ""
    address: str = ""
    languages: tuple[str, ...] = ()
    authority_declaration: Declaration | None = None
    languages_declaration: Declaration | None = None

    @property
    def empty(self) -> bool:
        return not (self.authority or self.languages)


@dataclass(frozen=True)
class Disagreement:
    field: str
    label: str
    entry: str
    declared: str
    declaration: Declaration


def _latest(declarations: list[Declaration]) -> Declaration | None:
    """The most recent declaration (by date, then as recorded)."""
    if not declarations:
        return None
    return max(declarations, key=lambda d: (d.date or date.min, d.pk))


def declarations_for(participant_ids) -> dict[int, list[Declaration]]:
    """The declarations the Directory reads, for these States, in one query."""
    subjects = [
        DeclarationSubject.CENTRAL_AUTHORITY,
        DeclarationSubject.ACCEPTED_LANGUAGES,
        DeclarationSubject.SOM_VESSEL_AUTHORITY,
    ]
    rows = (
        Declaration.objects.filter(participant_id__in=list(participant_ids), subject__in=subjects)
        .exclude(kind__in=[DeclarationKind.WITHDRAWAL, DeclarationKind.OBJECTION])
        .select_related("instrument")
        .order_by("pk")
    )
    found: dict[int, list[Declaration]] = {}
    for declaration in rows:
        found.setdefault(declaration.participant_id, []).append(declaration)
    return found


def declared(area: Area, declarations: list[Declaration]) -> Declared:
    """What ``declarations`` (one State's) say of ``area``."""
    authority = None
    if area.declaration_subject:
        authority = _latest([d for d in declarations if d.subject == area.declaration_subject])
    languages = None
    if area.code == LANGUAGES_AREA:
        languages = _latest(
            [
                d
                for d in declarations
                if d.subject == DeclarationSubject.ACCEPTED_LANGUAGES and d.languages
            ]
        )
    return Declared(
        authority=authority.authority if authority else "",
        address=authority.authority_address if authority else "",
        languages=tuple(languages.languages) if languages else (),
        authority_declaration=authority,
        languages_declaration=languages,
    )


def declared_for(participant, area: Area) -> Declared:
    return declared(area, declarations_for([participant.pk]).get(participant.pk, []))


def prefill(participant, area: Area) -> dict:
    """The initial values of a new entry from the State's declarations (empty if none)."""
    found = declared_for(participant, area)
    initial = {}
    if found.authority:
        initial["authority"] = found.authority
        if found.address:
            initial["address"] = found.address
    if found.languages:
        initial["languages"] = list(found.languages)
    return initial


def _same_name(a: str, b: str) -> bool:
    fold = lambda text: re.sub(r"\s+", " ", text or "").strip().casefold()  # noqa: E731
    return fold(a) == fold(b)


def disagreements(entry: Authority, found: Declared | None = None) -> list[Disagreement]:
    """Where the entry and the State's declarations disagree: the authority's name, the
    accepted languages."""
    found = found if found is not None else declared_for(entry.participant, entry.area)
    result = []
    if found.authority and not _same_name(found.authority, entry.authority):
        result.append(
            Disagreement(
                "authority",
                str(_("Authority")),
                entry.authority,
                found.authority,
                found.authority_declaration,
            )
        )
    if found.languages and set(found.languages) != set(entry.languages or []):
        result.append(
            Disagreement(
                "languages",
                str(_("Accepted languages")),
                ", ".join(entry.languages or []) or "—",
                ", ".join(found.languages),
                found.languages_declaration,
            )
        )
    return result


def due_reminders(today: date | None = None):
    """Stale entries whose State was not reminded of them in the last ``REMIND_EVERY_DAYS``."""
    today = today or date.today()
    since = today - timedelta(days=REMIND_EVERY_DAYS)
    return (
        Authority.objects.stale(today)
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lte=since))
        .with_related()
    )
