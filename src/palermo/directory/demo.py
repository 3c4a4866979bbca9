"""Demo content of the Directory: fictional authorities of sixteen States in every region.

Every record is flagged ``is_demo`` and its name says "(fictional)"; telephone numbers use the
reserved fictional prefix +000 and e-mail addresses the reserved domain example.org. Some are
confirmed recently, some not for more than a year (flagged "to confirm"), and Argentina's
mutual legal assistance entry differs from its (equally fictional) Treaties declarations, so
the cross-check has something to show.
"""

from datetime import date, timedelta

from palermo.core.models import Participant
from palermo.platform.audit import as_system

from .models import Area, Authority

NOTE = "DEMO — fictional record for trying Palermo; not a real authority."

#: (State, area, authority, languages, channels, days since confirmed or None)
ENTRIES = [
    (
        "ARG",
        "mla",
        "Fictional Central Authority for International Legal Assistance (demo)",
        ["es"],
        ["central_authority", "diplomatic"],
        40,
    ),
    (
        "ARG",
        "extradition",
        "Fictional Directorate of Extradition (demo)",
        ["es"],
        ["diplomatic"],
        500,
    ),
    (
        "ARG",
        "som_sea",
        "Fictional Coast Guard Operations Centre (demo)",
        ["es", "en"],
        ["central_authority"],
        90,
    ),
    (
        "BRA",
        "mla",
        "Fictional Department of Asset Recovery and Cooperation (demo)",
        ["pt", "en", "es"],
        ["central_authority"],
        200,
    ),
    (
        "MEX",
        "extradition",
        "Fictional Office of International Procedures (demo)",
        ["es"],
        ["diplomatic", "interpol"],
        420,
    ),
    ("NGA", "mla", "Fictional Central Authority Unit (demo)", ["en"], ["central_authority"], 30),
    (
        "KEN",
        "asset_recovery",
        "Fictional Assets Recovery Office (demo)",
        ["en", "sw"],
        ["central_authority", "interpol"],
        700,
    ),
    (
        "ZAF",
        "transfer",
        "Fictional Directorate of Sentenced Persons (demo)",
        ["en"],
        ["diplomatic"],
        100,
    ),
    (
        "EGY",
        "mla",
        "Fictional Department of International Cooperation (demo)",
        ["ar", "en"],
        ["central_authority", "diplomatic"],
        None,
    ),
    (
        "FRA",
        "mla",
        "Fictional Bureau of Criminal Assistance (demo)",
        ["fr"],
        ["central_authority"],
        60,
    ),
    (
        "ITA",
        "firearms",
        "Fictional Firearms Point of Contact (demo)",
        ["it", "en"],
        ["central_authority", "interpol"],
        380,
    ),
    (
        "POL",
        "prevention",
        "Fictional Crime Prevention Council (demo)",
        ["pl", "en"],
        ["central_authority"],
        10,
    ),
    ("IND", "extradition", "Fictional Extradition Cell (demo)", ["en", "hi"], ["diplomatic"], 150),
    (
        "JPN",
        "mla",
        "Fictional International Affairs Division (demo)",
        ["ja", "en"],
        ["central_authority"],
        250,
    ),
    (
        "PHL",
        "som_sea",
        "Fictional Maritime Command Centre (demo)",
        ["en"],
        ["central_authority", "interpol"],
        50,
    ),
    (
        "AUS",
        "mla",
        "Fictional International Crime Cooperation Branch (demo)",
        ["en"],
        ["central_authority"],
        400,
    ),
    (
        "FJI",
        "prevention",
        "Fictional National Prevention Office (demo)",
        ["en"],
        ["diplomatic"],
        20,
    ),
]


@as_system
def load_demo(today: date | None = None) -> int:
    today = today or date.today()
    areas = {a.code: a for a in Area.objects.all()}
    states = {p.code: p for p in Participant.objects.filter(code__in={e[0] for e in ENTRIES})}
    for n, (code, area, name, languages, channels, days) in enumerate(ENTRIES, start=1):
        Authority.objects.update_or_create(
            participant=states[code],
            area=areas[area],
            authority=name,
            defaults={
                "unit": "Fictional unit for incoming requests (demo)",
                "address": f"{n} Example Street, Demo City (fictional)",
                "contact_persons": f"Demo Person {n} (fictional), head of unit, "
                f"person{n}@example.org",
                "phone": f"+000 100 {n:04d}",
                "direct_lines": f"+000 200 {n:04d} (24 hours, fictional)",
                "email": f"requests{n}@example.org",
                "hours": "Monday to Friday, 09:00–17:00",
                "time_zone": "UTC",
                "languages": languages,
                "channels": channels,
                "urgent_procedure": "Fictional: send an advance copy by e-mail, then the "
                "original through the channel above.",
                "requirements": "Fictional: the request states the facts, the offence and its "
                "legal qualification, and the measures sought (cf. UNTOC art. 18(15)).",
                "convention_legal_basis": n % 3 != 0,
                "last_confirmed": today - timedelta(days=days) if days is not None else None,
                "is_demo": True,
                "notes": NOTE,
            },
        )
    return len(ENTRIES)
