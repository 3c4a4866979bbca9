"""Every write of the Treaties module. Each checks permission, validates against the rule engine,
writes in one transaction and is audited."""

import csv
import json
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy

from palermo.core.permissions import require
from palermo.platform.audit import audited

from . import engine
from .choices import DeclarationSubject
from .models import Article, Declaration, Instrument, StatusSnapshot, TreatyAction
from .queries import build_engine

DATA = Path(__file__).resolve().parent / "data"

# The instruments this module ships, in display order; texts from data/*.json.
SHIPPED = [
    {
        "code": "UNTOC",
        "file": "untoc.json",
        "short_title": "Organized Crime Convention",
        "number": "XVIII-12",
        "parent": None,
        # Art. 36(1): Palermo 12-15 December 2000, then New York until 12 December 2002.
        "signature": ("2000-12-12", "2002-12-12"),
    },
    {
        "code": "TIP",
        "file": "tip.json",
        "short_title": "Trafficking in Persons Protocol",
        "number": "XVIII-12-a",
        "parent": "UNTOC",
        "signature": ("2000-12-12", "2002-12-12"),  # art. 16(1)
    },
    {
        "code": "SOM",
        "file": "som.json",
        "short_title": "Smuggling of Migrants Protocol",
        "number": "XVIII-12-b",
        "parent": "UNTOC",
        "signature": ("2000-12-12", "2002-12-12"),  # art. 21(1)
    },
    {
        "code": "FIREARMS",
        "file": "firearms.json",
        "short_title": "Firearms Protocol",
        "number": "XVIII-12-c",
        "parent": "UNTOC",
        # Art. 17(1): from the thirtieth day after adoption (31 May 2001) to 12 December 2002.
        "signature": ("2001-06-30", "2002-12-12"),
    },
]

#: The shipped actions (``untc_2014_actions.csv``) are the UN Treaty Collection's complete
#: participant tables as they stood on this day (see data/SOURCES.md); later deposits in the
#: file are only those that could be sourced.
ACTIONS_COMPLETE_UNTIL = date(2014, 7, 10)


@transaction.atomic
def load_instruments(*, acting_user=None) -> dict:
    """Create or update the shipped instruments, their articles and the official status facts."""
    counts = {
        row["untc_mtdsg_no"]: row
        for row in csv.DictReader(
            (DATA / "untoc_instruments_status_counts.csv").open(encoding="utf-8")
        )
    }
    articles = 0
    with audited(acting_user):
        for order, spec in enumerate(SHIPPED):
            data = json.loads((DATA / spec["file"]).read_text(encoding="utf-8"))
            facts = counts[spec["number"]]
            instrument, _ = Instrument.objects.update_or_create(
                code=spec["code"],
                defaults={
                    "short_title": spec["short_title"],
                    "title": facts["instrument"],
                    "parent": Instrument.objects.get(code=spec["parent"])
                    if spec["parent"]
                    else None,
                    "depositary_number": spec["number"],
                    "adopted": date.fromisoformat(facts["adopted"]),
                    "official_entry_into_force": date.fromisoformat(facts["entry_into_force"]),
                    "entry_into_force_source": facts["source_url"],
                    "signature_opens": date.fromisoformat(spec["signature"][0]),
                    "signature_closes": date.fromisoformat(spec["signature"][1]),
                    "actions_complete_until": ACTIONS_COMPLETE_UNTIL,
                    "preamble": data.get("preamble", ""),
                    "closing": data.get("closing", ""),
                    "text_source": f"{data['source']} @ {data.get('source_commit', '')}",
                    "order": order,
                },
            )
            instrument.full_clean()  # the shipped facts pass the same rules as a typed one
            StatusSnapshot.objects.update_or_create(
                instrument=instrument,
                as_at=date.fromisoformat(facts["status_as_at"]),
                defaults={
                    "signatories": int(facts["signatories"]),
                    "parties": int(facts["parties"]),
                    "source_url": facts["source_url"],
                },
            )
            chapter_of = {}
            for chapter in data.get("chapters", []):
                for number in chapter.get("articles", []):
                    chapter_of[str(number)] = f"{chapter['number']}. {chapter['title']}"
            for position, article in enumerate(data["articles"], start=1):
                Article.objects.update_or_create(
                    instrument=instrument,
                    number=str(article["number"]),
                    defaults={
                        "title": article["title"],
                        "text": article["text"],
                        "position": position,
                        "chapter": chapter_of.get(str(article["number"]), ""),
                    },
                )
                articles += 1
    return {"instruments": len(SHIPPED), "articles": articles}


#: A keyword left out: the stored value stays.
UNCHANGED = object()


def update_instrument_facts(
    *,
    acting_user,
    instrument: Instrument,
    actions_complete: bool,
    official_entry_into_force,
    entry_into_force_source: str,
    actions_complete_until=UNCHANGED,
) -> Instrument:
    """The Secretariat's curation of an instrument: its sourced entry-into-force date (refused
    before adoption or without its source, ``Instrument.clean``), whether every participant's
    actions are now recorded (which turns off the partial-data notices and makes the rule engine
    refuse unverifiable Protocol actions), and the date as at which they are complete."""
    require(acting_user, "treaties.change_instrument", instrument)
    with transaction.atomic(), audited(acting_user):
        if actions_complete_until is not UNCHANGED:
            instrument.actions_complete_until = actions_complete_until
        instrument.actions_complete = actions_complete
        instrument.official_entry_into_force = official_entry_into_force
        instrument.entry_into_force_source = entry_into_force_source
        instrument.full_clean()
        instrument.save()
    return instrument


def check_action(action: engine.Action) -> None:
    """Raise ValidationError with the rule engine's reason if the action would be refused.
    A fresh engine (from the cached inputs): ``validate`` uses the engine's working state, so
    the one shared by a process's threads is not used for it."""
    refusal = build_engine().validate(action)
    if refusal is not None:
        raise ValidationError(refusal.reason)


def record_action(
    *,
    acting_user,
    participant,
    instrument,
    kind: str,
    date: date,
    source: str,
    source_text: str = "",
    footnotes: str = "",
    source_url: str = "",
    source_note: str = "",
) -> TreatyAction:
    """Record one action, refused with the rule that forbids it (``engine.py``); a sourced
    fact needs its source."""
    require(acting_user, "treaties.add_treatyaction")
    with transaction.atomic(), audited(acting_user):
        check_action(
            engine.Action(participant.code, instrument.code, engine.ActionKind(kind), date)
        )
        action = TreatyAction(
            participant=participant,
            instrument=instrument,
            kind=kind,
            date=date,
            source=source,
            source_text=source_text,
            footnotes=footnotes,
            source_url=source_url,
            source_note=source_note,
        )
        action.full_clean()
        action.save()
    return action


def delete_action(*, acting_user, action: TreatyAction) -> None:
    require(acting_user, "treaties.delete_treatyaction")
    with transaction.atomic(), audited(acting_user):
        action.delete()


def delete_declaration(*, acting_user, declaration: Declaration) -> None:
    """Secretariat only: a declaration recorded by mistake (a withdrawal is recorded instead)."""
    require(acting_user, "treaties.delete_declaration", declaration)
    with transaction.atomic(), audited(acting_user):
        declaration.delete()


def save_declaration(*, acting_user, declaration: Declaration) -> Declaration:
    """Create or update a reservation, declaration or notification of one participant."""
    perm = "treaties.change_declaration" if declaration.pk else "treaties.add_declaration"
    require(acting_user, perm, declaration)
    if declaration.pk:
        # The State it belongs to cannot be changed by someone who acts for one State only.
        stored = Declaration.objects.get(pk=declaration.pk)
        require(acting_user, perm, stored)
    with transaction.atomic(), audited(acting_user):
        declaration.full_clean()
        declaration.save()
    if not acting_user.has_perm("treaties.change_instrument"):
        from palermo.core.choices import Role
        from palermo.core.models import User
        from palermo.core.services import notify

        secretariat = User.objects.filter(role_assignments__role=Role.SECRETARIAT).distinct()
        notify(
            secretariat,
            title=gettext_lazy("%(state)s updated: %(subject)s"),
            body=gettext_lazy("Recorded by %(who)s."),
            params={
                "state": lambda: declaration.participant.localized_name,
                "subject": DeclarationSubject(declaration.subject).label,
                "who": acting_user,
            },
            url=reverse("core:participant", args=[declaration.participant.code]),
            sender=acting_user,
        )
    return declaration
