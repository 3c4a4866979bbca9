"""Demo content for the Treaties module. Every record is fictional and flagged ``is_demo``."""

from palermo.core.models import Participant
from palermo.platform.audit import as_system

from .models import Article, Declaration, Instrument

DEMO_NOTE = "DEMO — fictional record for trying Palermo; not a real declaration."


@as_system
def load_demo() -> int:
    untoc = Instrument.objects.get(code="UNTOC")
    art16 = Article.objects.get(instrument=untoc, number="16")
    art18 = Article.objects.get(instrument=untoc, number="18")
    state = Participant.objects.get(code="ARG")
    records = [
        dict(
            kind="notification",
            subject="extradition_legal_basis",
            article=art16,
            takes_convention_as_legal_basis=True,
        ),
        dict(
            kind="notification",
            subject="central_authority",
            article=art18,
            authority="Fictional Central Authority for Mutual Legal Assistance (demo)",
            authority_address="1 Example Street, Demo City",
        ),
        dict(
            kind="declaration", subject="accepted_languages", article=art18, languages=["es", "en"]
        ),
    ]
    for data in records:
        Declaration.objects.update_or_create(
            participant=state,
            instrument=untoc,
            subject=data.pop("subject"),
            is_demo=True,
            defaults={**data, "text": DEMO_NOTE, "source": "Palermo demo content"},
        )
    return len(records)
