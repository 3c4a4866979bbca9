"""Demo content of the log: fictional requests kept by the demo Argentine central authority.

Outgoing requests to States whose (equally fictional) Directory entries differ in language and
requirements — Brazil (pt, en, es), Egypt (ar, en), France (fr), Nigeria (en), Japan (ja, en) —
and incoming ones, in every stage of their life: a draft still missing an essential, a request
sent and not acknowledged, one under execution past its deadline, one executed, one refused
with its grounds. Every record is ``is_demo`` and its title says "(fictional)"; dates are
counted back from the day of loading. Idempotent: a demo reference already there is left as it
is.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from palermo.core.models import Participant
from palermo.directory.models import Authority
from palermo.platform.actors import system_user

from . import services
from .models import Direction, Event, Request

KEEPER = "Fictional Central Authority for International Legal Assistance (demo)"
REQUESTING_AUTHORITY = (
    "Fictional Central Authority for International Legal Assistance (demo), Ministry of Justice, "
    "Argentina"
)
PROSECUTOR = "Fictional Federal Prosecutor's Office No. 3, Buenos Aires (demo)"


def _content(code, language, *, purposes, assistance, facts, offence, **extra) -> dict:
    content = {
        "kind": "mla",
        "requesting_state": "ARG",
        "requested_state": code,
        "requesting_authority": REQUESTING_AUTHORITY,
        "subject_matter": "Criminal investigation of an organized group laundering the proceeds "
        "of drug trafficking (fictional case)",
        "proceeding": "investigation",
        "conducting_authority": PROSECUTOR,
        "conducting_functions": "Directs the criminal investigation and orders coercive measures "
        "under the Code of Criminal Procedure",
        "facts": facts,
        "purposes": purposes,
        "assistance": assistance,
        "procedures": "Copies certified by the custodian of the records; please state any cost "
        "before incurring it.",
        "persons": [
            {
                "name": "Demo Person A (fictional)",
                "location": "see the facts",
                "nationality": "Argentine",
                "role": "suspect",
            }
        ],
        "purpose": "To be produced as evidence in the investigation named above.",
        "offences": [offence],
        "use_limited_to_request": True,
        "confidential": True,
        "confidentiality_reason": "The suspects do not know of the investigation; disclosure "
        "would let them move the funds.",
        "language": language,
        "channel": "central_authority",
        "legal_basis": "UNTOC",
        "annexes": ["Order of the prosecutor (fictional)", "Extract of the Penal Code"],
    }
    content.update(extra)
    return content


LAUNDERING = {
    "name": "Money laundering (fictional case)",
    "provision": "Penal Code, art. 303",
    "max_penalty_years": 10,
    "dual_criminality": True,
    "organized_group": True,
    "group_size": 5,
    "transnational": ["several-states", "group-abroad"],
    "convention_offence": "6",
}


def _requests(today: date) -> list[dict]:
    ago = lambda days: today - timedelta(days=days)  # noqa: E731
    return [
        {
            "reference": "ARG-DEMO-01",
            "title": "Bank records of a company in São Paulo (fictional)",
            "counterpart": "BRA",
            "content": _content(
                "BRA",
                "pt",
                purposes=["records"],
                assistance="Certified copies of the account opening documents and statements "
                "of account 0001-2 (fictional) at a bank in São Paulo, 1 January 2023 to 31 "
                "December 2025.",
                facts="Between 2023 and 2025 five persons (fictional) moved the proceeds of "
                "cocaine sales through a trading company in São Paulo.",
                offence=LAUNDERING,
            ),
            "life": [
                ("sent", 130, ""),
                ("acknowledged", 118, "Registered by the Brazilian central authority."),
                ("under_execution", 100, "Sent to the bank through the court."),
                ("executed", 41, "Certified statements received."),
            ],
            "documents": [
                ("Signed request and annexes (fictional)", "sent", 130),
                ("Certified bank statements (fictional)", "received", 41),
            ],
        },
        {
            "reference": "ARG-DEMO-02",
            "title": "Statements of two witnesses in Alexandria (fictional)",
            "counterpart": "EGY",
            "content": _content(
                "EGY",
                "ar",
                purposes=["evidence"],
                assistance="Take the statements of two witnesses (fictional) about the "
                "shipment of containers in 2024, with the questions in the annex.",
                facts="Containers shipped from Alexandria in 2024 carried the proceeds in cash "
                "(fictional).",
                offence=LAUNDERING,
                deadline=ago(10).isoformat(),
                deadline_reason="The trial opens on that day.",
            ),
            "deadline": ago(10),
            "life": [
                ("sent", 80, ""),
                ("acknowledged", 70, ""),
                ("under_execution", 60, "Witnesses summoned."),
            ],
            "documents": [("Signed request with Arabic translation (fictional)", "sent", 80)],
        },
        {
            "reference": "ARG-DEMO-03",
            "title": "Search of premises in Marseille (fictional)",
            "counterpart": "FRA",
            "content": _content(
                "FRA",
                "fr",
                purposes=["search"],
                assistance="Search the offices of a company in Marseille (fictional) and seize "
                "its accounting records for 2024.",
                facts="The company invoiced fictitious services to launder the proceeds "
                "(fictional).",
                offence=LAUNDERING,
            ),
            "life": [
                ("sent", 200, ""),
                ("acknowledged", 190, ""),
                (
                    "refused",
                    150,
                    "The French authority found the grounds for a search insufficient under "
                    "its law (fictional).",
                ),
            ],
            "grounds": ["c"],
            "documents": [
                ("Signed request (fictional)", "sent", 200),
                ("Letter of refusal (fictional)", "received", 150),
            ],
        },
        {
            "reference": "ARG-DEMO-04",
            "title": "Tracing proceeds through accounts in Lagos (fictional)",
            "counterpart": "NGA",
            "content": _content(
                "NGA",
                "en",
                purposes=["tracing", "records"],
                assistance="Identify the accounts held by the persons named in the annex at "
                "banks in Lagos (fictional) and provide their statements for 2024–2025.",
                facts="Part of the proceeds was transferred to Lagos in 2025 (fictional).",
                offence=LAUNDERING,
            ),
            "life": [("sent", 45, "")],
            "documents": [("Signed request (fictional)", "sent", 45)],
            "related": ["ARG-DEMO-01"],
        },
        {
            "reference": "ARG-DEMO-05",
            "title": "Preservation of e-mail data in Tokyo (fictional, draft)",
            "counterpart": "JPN",
            # A draft still missing an essential: the purpose of the request (18(15)(f)).
            "content": _content(
                "JPN",
                "ja",
                purposes=["preservation"],
                assistance="Preserve the contents of the e-mail account demo@example.org "
                "(fictional) held by a provider in Tokyo.",
                facts="The group coordinated its transfers by e-mail (fictional).",
                offence=LAUNDERING,
                purpose="",
                urgent=True,
                urgency_reason="The provider deletes data after 90 days.",
                data_description="Contents and traffic data of one e-mail account, 2025.",
                data_holder="A fictional e-mail provider in Tokyo",
            ),
            "life": [],
        },
        {
            "reference": "BR-DEMO-2026-17",
            "title": "Service of a summons on a witness in Buenos Aires (fictional, incoming)",
            "counterpart": "BRA",
            "direction": Direction.INCOMING,
            "received": 20,
            "content": {
                "kind": "mla",
                "requesting_state": "BRA",
                "requested_state": "ARG",
                "requesting_authority": "Fictional Department of Asset Recovery and "
                "Cooperation (demo)",
                "purposes": ["service"],
                "assistance": "Serve the attached summons on a witness (fictional) in Buenos "
                "Aires.",
                "language": "es",
            },
            "life": [("acknowledged", 15, "")],
            "documents": [("Request and summons (fictional)", "received", 20)],
        },
        {
            "reference": "FR-DEMO-2026-0042",
            "title": "Company records for an investigation in Lyon (fictional, incoming)",
            "counterpart": "FRA",
            "direction": Direction.INCOMING,
            "received": 50,
            "deadline": today + timedelta(days=10),
            "content": {
                "kind": "mla",
                "requesting_state": "FRA",
                "requested_state": "ARG",
                "requesting_authority": "Fictional Bureau of Criminal Assistance (demo)",
                "purposes": ["records"],
                "assistance": "Provide the register entries and annual accounts of two "
                "companies in Buenos Aires (fictional).",
                "language": "es",
            },
            "life": [("acknowledged", 45, ""), ("under_execution", 30, "")],
        },
    ]


def _authority(code: str):
    return (
        Authority.objects.filter(participant__code=code, area__code="mla", is_demo=True)
        .order_by("pk")
        .first()
    )


def load_demo(today: date | None = None) -> int:
    """Load the demo requests (after the Directory's demo); returns how many there are."""
    today = today or timezone.localdate()
    keeper = Authority.objects.filter(authority=KEEPER).select_related("participant").first()
    if keeper is None:
        return 0
    system = system_user()
    states = {
        p.code: p
        for p in Participant.objects.filter(code__in=["ARG", "BRA", "EGY", "FRA", "NGA", "JPN"])
    }
    loaded = {}
    with transaction.atomic():
        for spec in _requests(today):
            existing = Request.objects.filter(authority=keeper, reference=spec["reference"]).first()
            if existing is not None:
                loaded[spec["reference"]] = existing
                continue
            loaded[spec["reference"]] = _load(spec, keeper, states, system, today)
        for spec in _requests(today):
            for other in spec.get("related", []):
                if other in loaded:
                    loaded[spec["reference"]].related.add(loaded[other])
    return Request.objects.filter(authority=keeper, is_demo=True).count()


def _load(spec, keeper, states, system, today) -> Request:
    incoming = spec.get("direction") == Direction.INCOMING
    counterpart = states[spec["counterpart"]]
    life = spec["life"]
    start = today - timedelta(days=spec.get("received") or (life[0][1] if life else 5) + 3)
    request = services.create_request(
        acting_user=system,
        authority=keeper,
        direction=spec.get("direction", Direction.OUTGOING),
        kind="mla",
        title=spec["title"],
        requesting_state=counterpart if incoming else keeper.participant,
        requested_state=keeper.participant if incoming else counterpart,
        reference=spec["reference"],
        counterpart_authority=_authority(counterpart.code),
        content=spec["content"],
        language=spec["content"].get("language", ""),
        received_on=start if incoming else None,
        deadline=spec.get("deadline"),
        is_demo=True,
    )
    Event.objects.filter(request=request).update(on=start)
    if life and not incoming:
        # A request sent before Palermo kept it: marked final as it was when it went.
        Request.objects.filter(pk=request.pk).update(finalised=timezone.now())
        request.refresh_from_db()
    for status, days, note in life:
        services.transition(
            request,
            status,
            acting_user=system,
            on=today - timedelta(days=days),
            note=note,
            grounds=spec.get("grounds", ()) if status == "refused" else (),
        )
    for title, way, days in spec.get("documents", []):
        services.add_document(
            request, title=title, way=way, on=today - timedelta(days=days), acting_user=system
        )
    return request
