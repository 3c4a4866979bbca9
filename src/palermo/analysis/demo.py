"""The demo investigation: fictional, generated with a known structure so that every analysis
has something to find, and imported through the ready mappings as an analyst's files would be.

"[Fictional] Operation Lantern", owned by the demo user ``analyst``:

- **a trafficking network** (call records): two cells of six people who call each other, and
  two brokers, the only people who call into both cells;
- **a laundering cycle** (bank transactions): three companies pass money round in ten days,
  Lantern Freight → Kestrel Imports → Marlow Holdings → Lantern Freight;
- **structuring**: one person makes four transfers just under 10,000 EUR in three weeks;
- **duplicate persons** (a case file): Aleksandr Petrov also written Александр Петров, and
  Mohammed Ali also written محمد علي, with the same birth dates and nationalities;
- **a hot spot** (seizures): ten of twenty seizures at the port of Naples and three more in
  the towns around it, the rest spread over Mediterranean and Black Sea ports (the map's
  Getis-Ord Gi* finds Naples).

Every name, number and account is made up (the IBANs have valid check digits, and belong to
nobody). ``load_demo`` is safe to repeat: an existing demo investigation is left as it is.
"""

import csv
import random
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

TITLE = "[Fictional] Operation Lantern"
SEED = 20261202
START = datetime(2024, 3, 1, 8, 0)

CELLS = {
    "north": [
        "Aldo Ferri",
        "Bruna Costa",
        "Carlo Neri",
        "Dina Greco",
        "Elio Marino",
        "Flavia Rota",
    ],
    "south": ["Goran Ilic", "Hana Kovac", "Igor Babic", "Jana Horvat", "Kiril Popov", "Lea Novak"],
}
BROKERS = ["Marta Vidal", "Nikola Peric"]
COMPANIES = ["Lantern Freight Ltd", "Kestrel Imports S.r.l.", "Marlow Holdings SA"]
SMURF = "Olga Sirin"


def _iban(country: str, bban: str) -> str:
    """An IBAN with valid check digits (ISO 13616) for a made-up account."""
    digits = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(digits) % 97
    return f"{country}{check:02d}{bban}"


def _phone(i: int) -> str:
    return f"+39 333 200 {i:04d}"


def calls() -> list[list]:
    rng = random.Random(SEED)
    people = [p for cell in CELLS.values() for p in cell] + BROKERS
    numbers = {name: _phone(i + 1) for i, name in enumerate(people)}
    rows = []
    moment = START

    def call(a, b):
        nonlocal moment
        moment += timedelta(minutes=rng.randint(20, 300))
        rows.append(
            [numbers[a], a, numbers[b], b, moment.strftime("%Y-%m-%d %H:%M"), rng.randint(20, 600)]
        )

    for cell in CELLS.values():
        for i, a in enumerate(cell):  # everyone in a cell calls the next two, twice
            for b in (cell[(i + 1) % len(cell)], cell[(i + 2) % len(cell)]):
                call(a, b)
                call(b, a)
    for broker in BROKERS:  # each broker calls two people of each cell
        for cell in CELLS.values():
            for b in rng.sample(cell, 2):
                call(broker, b)
    return [
        ["Caller number", "Caller", "Receiver number", "Receiver", "Start", "Duration (s)"]
    ] + rows


def payments() -> list[list]:
    accounts = {
        COMPANIES[0]: _iban("IT", "X0542811101000000777001"),
        COMPANIES[1]: _iban("DE", "370400440532013077"),
        COMPANIES[2]: _iban("GB", "NWBK60161331977701"),
        SMURF: _iban("FR", "20041010050500013M02606"),
    }
    rows = []
    cycle = [(COMPANIES[0], COMPANIES[1], 48_500), (COMPANIES[1], COMPANIES[2], 47_900)]
    cycle.append((COMPANIES[2], COMPANIES[0], 47_200))
    for i, (payer, payee, amount) in enumerate(cycle):
        day = START + timedelta(days=4 * i + 1)
        rows.append(
            [
                day.date().isoformat(),
                payer,
                accounts[payer],
                payee,
                accounts[payee],
                f"{amount:.2f}",
                "EUR",
                "services (fictional)",
                f"LAN-C{i + 1}",
            ]
        )
    for i, (amount, payee) in enumerate(
        [(9_850, COMPANIES[0]), (9_700, COMPANIES[1]), (9_900, COMPANIES[2]), (9_650, COMPANIES[0])]
    ):
        day = START + timedelta(days=5 * i + 2)
        rows.append(
            [
                day.date().isoformat(),
                SMURF,
                accounts[SMURF],
                payee,
                accounts[payee],
                f"{amount:.2f}",
                "EUR",
                "deposit (fictional)",
                f"LAN-S{i + 1}",
            ]
        )
    header = [
        "Value date",
        "Ordering party",
        "Ordering account",
        "Beneficiary",
        "Beneficiary account",
        "Amount",
        "Currency",
        "Details",
        "Ref",
    ]
    return [header] + rows


def parties() -> list[list]:
    header = ["Surname", "Given names", "Role", "Case number", "Born", "Nationality", "Passport"]
    return [
        header,
        ["Petrov", "Aleksandr", "suspect", "LAN 1/2024", "1979-11-02", "BG", ""],
        ["Петров", "Александр", "defendant", "LAN 7/2023", "1979-11-02", "BG", ""],
        ["Ali", "Mohammed", "suspect", "LAN 1/2024", "1984-05-17", "EG", ""],
        ["علي", "محمد", "witness", "LAN 9/2022", "1984-05-17", "EG", ""],
        ["Sirin", "Olga", "suspect", "LAN 1/2024", "1990-01-30", "UA", ""],
        ["Vidal", "Marta", "suspect", "LAN 1/2024", "1975-09-09", "ES", ""],
    ]


#: Where the seizures were made: (place as a customs report writes it, how many).
SEIZURE_PLACES = [
    ("Container terminal, Naples, Italy", 10),
    ("Ferry port, Salerno, Italy", 2),
    ("Road checkpoint, Caserta, Italy", 1),
    ("Port of Genoa, Genoa, Italy", 1),
    ("Fiumicino airport, Rome, Italy", 1),
    ("Port of Valencia, Valencia, Spain", 1),
    ("Port of Barcelona, Barcelona, Spain", 1),
    ("Port of Varna, Varna, Bulgaria", 1),
    ("Port of Burgas, Burgas, Bulgaria", 1),
    ("Port of Alexandria, Alexandria, Egypt", 1),
]


def seizures() -> list[list]:
    rng = random.Random(SEED + 3)
    header = ["Date", "Location", "Item", "Qty", "Persons"]
    # Couriers found nowhere else in the investigation, so they add no duplicate to resolve.
    people = ["Dario Esposito", "Ciro Marino", "Salvatore Greco"]
    rows, day = [], START
    for place, times in SEIZURE_PLACES:
        for _ in range(times):
            day += timedelta(days=rng.randint(2, 9))
            item, qty = rng.choice(
                [("cocaine (kg)", 40), ("cash (EUR)", 90_000), ("heroin (kg)", 12)]
            )
            rows.append([day.date().isoformat(), place, item, qty, rng.choice(people)])
    return [header] + rows


def _write(folder: Path, name: str, rows: list[list]) -> Path:
    path = folder / name
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    return path


def load_demo(progress=None) -> tuple[str, list[str]]:
    from palermo.core.models import User

    from . import services
    from .models import Investigation

    if Investigation.objects.filter(title=TITLE).exists():
        return "demo investigation already there", []
    owner = User.objects.filter(username="analyst").first()
    if owner is None:
        return "no demo analyst: demo investigation not made", []
    investigation = services.create_investigation(
        title=TITLE,
        description=(
            "Fictional. Generated with a known structure: a trafficking network with two "
            "brokers, a laundering cycle, a structuring pattern and duplicate persons written "
            "in two scripts (see palermo.analysis.demo)."
        ),
        acting_user=owner,
        is_demo=True,
    )
    notes = []
    with tempfile.TemporaryDirectory(prefix="palermo-analysis-demo-") as tmp:
        folder = Path(tmp)
        for name, rows, mapping in (
            ("lantern-calls.csv", calls(), "calls"),
            ("lantern-payments.csv", payments(), "payments"),
            ("lantern-parties.csv", parties(), "cases"),
            ("lantern-seizures.csv", seizures(), "seizures"),
        ):
            report = services.import_file(
                investigation, _write(folder, name, rows), mapping=mapping, acting_user=owner
            )
            if not report.ok:
                notes.append(f"{name}: {report.errors[:3]}")
    count = investigation.entities.count()
    return f"demo investigation “{TITLE}” ({count} entities)", notes
