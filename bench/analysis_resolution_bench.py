"""Benchmark: entity resolution of person records, Palermo's path against Splink used directly
and against a naive baseline, in one run on the same records.

The records are FICTIONAL, generated here (seeded): people of three naming traditions (Russian,
Arabic, English) with a birth date, a nationality and sometimes a passport or a phone, of whom
about a quarter get one or two planted duplicates. Each duplicate is the same person written
differently: in Cyrillic or Arabic script, another Latin spelling ("Alexander"/"Aleksandr",
"Petroff"), a typo, an initial, the name parts swapped, a birth date with a one-digit typo,
day and month swapped or only the year, a missing nationality, the passport in another format.
Many *different* people share a name (there are only so many Mohammed Alis), which is what makes
the naive baseline's precision poor.

* **Palermo**: ``palermo.analysis.resolution.find_candidates`` (name keys across scripts,
  Splink on DuckDB with ``u`` by random sampling and ``m`` by EM, evidence per pair).
* **Splink direct**: Splink on DuckDB with its stock comparisons (Jaro–Winkler on the name as
  ASCII, Levenshtein on the date, exact nationality and passport), blocked on name and on date,
  trained the same way (prior from exact name and date, u by sampling, m by EM); what an analyst would get from Splink without Palermo's name keys.
* **Baseline**: two records are one person when their names are equal once lower-cased and
  written in ASCII (ICU) — exact normalised-name blocking taken as the decision.

Precision and recall are over pairs, against the planted duplicates, at match probability 0.5.

    .venv/bin/python bench/analysis_resolution_bench.py [--records 100000] [--seed 7] [--write]

``--write`` puts the report into ``docs/benchmarks.md`` between
``<!-- bench:analysis-resolution -->`` markers; otherwise it is printed.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

#: Where Palermo's run spent its time (filled by ``run_palermo``).
PHASES: dict[str, float] = {}
BEGIN, END = "<!-- bench:analysis-resolution -->", "<!-- /bench:analysis-resolution -->"

RUSSIAN_GIVEN = [
    (["Aleksandr", "Alexander"], "Александр"),
    (["Dmitriy", "Dmitry"], "Дмитрий"),
    (["Sergey", "Sergei"], "Сергей"),
    (["Andrey", "Andrei"], "Андрей"),
    (["Aleksey", "Alexei"], "Алексей"),
    (["Mikhail", "Mihail"], "Михаил"),
    (["Ivan"], "Иван"),
    (["Nikolay", "Nikolai"], "Николай"),
    (["Yuriy", "Yuri"], "Юрий"),
    (["Olga"], "Ольга"),
    (["Yelena", "Elena"], "Елена"),
    (["Natalya", "Natalia"], "Наталья"),
    (["Tatyana", "Tatiana"], "Татьяна"),
    (["Irina"], "Ирина"),
    (["Svetlana"], "Светлана"),
    (["Anna"], "Анна"),
    (["Maksim", "Maxim"], "Максим"),
    (["Vladimir"], "Владимир"),
    (["Pavel"], "Павел"),
    (["Oleg"], "Олег"),
    (["Yekaterina", "Ekaterina"], "Екатерина"),
    (["Mariya", "Maria"], "Мария"),
    (["Roman"], "Роман"),
    (["Viktor"], "Виктор"),
    (["Yevgeniy", "Evgeny"], "Евгений"),
]
RUSSIAN_ROOTS = [
    ("Petr", "Петр"),
    ("Sokol", "Сокол"),
    ("Kozl", "Козл"),
    ("Volk", "Волк"),
    ("Orl", "Орл"),
    ("Lebed", "Лебед"),
    ("Belous", "Белоус"),
    ("Gromyk", "Громык"),
    ("Zaytz", "Зайц"),
    ("Morozk", "Морозк"),
    ("Novik", "Новик"),
    ("Pavl", "Павл"),
    ("Rom", "Ром"),
    ("Smirn", "Смирн"),
    ("Tarasenk", "Тарасенк"),
    ("Fedor", "Федор"),
    ("Bogdan", "Богдан"),
    ("Dubr", "Дубр"),
    ("Karp", "Карп"),
    ("Kuzmin", "Кузьмин"),
    ("Lys", "Лыс"),
    ("Medved", "Медвед"),
    ("Nazar", "Назар"),
    ("Osip", "Осип"),
    ("Rybak", "Рыбак"),
    ("Sergeev", "Сергеев"),
    ("Tikhon", "Тихон"),
    ("Ushak", "Ушак"),
    ("Vasil", "Васил"),
    ("Yakovl", "Яковл"),
    ("Zhuk", "Жук"),
    ("Gusev", "Гусев"),
    ("Danil", "Данил"),
    ("Egor", "Егор"),
    ("Kalinin", "Калинин"),
    ("Larion", "Ларион"),
    ("Makar", "Макар"),
    ("Nikit", "Никит"),
    ("Prokhor", "Прохор"),
    ("Savel", "Савел"),
]
RUSSIAN_SUFFIXES = [
    (["ov", "off"], "ов"),
    (["ev", "eff"], "ев"),
    (["in"], "ин"),
    (["skiy", "sky"], "ский"),
]
ARABIC_GIVEN = [
    (["Mohammed", "Muhammad", "Mohamed"], "محمد"),
    (["Ahmed", "Ahmad"], "أحمد"),
    (["Ali", "Aly"], "علي"),
    (["Omar", "Umar"], "عمر"),
    (["Khalid", "Khaled"], "خالد"),
    (["Hassan", "Hasan"], "حسن"),
    (["Youssef", "Yusuf"], "يوسف"),
    (["Ibrahim", "Ebrahim"], "إبراهيم"),
    (["Mahmoud", "Mahmud"], "محمود"),
    (["Mustafa", "Mostafa"], "مصطفى"),
    (["Tariq", "Tarek"], "طارق"),
    (["Samir", "Sameer"], "سمير"),
    (["Karim", "Kareem"], "كريم"),
    (["Fatima", "Fatma"], "فاطمة"),
    (["Layla", "Leila"], "ليلى"),
    (["Nour", "Noor"], "نور"),
    (["Salim", "Saleem"], "سليم"),
    (["Adel", "Adil"], "عادل"),
    (["Rania"], "رانيا"),
    (["Ziad", "Ziyad"], "زياد"),
]
ARABIC_FAMILY = [
    (["Haddad"], "حداد"),
    (["Nasser", "Nasir"], "ناصر"),
    (["Saleh", "Salih"], "صالح"),
    (["Mansour", "Mansur"], "منصور"),
    (["Khoury", "Khouri"], "خوري"),
    (["Hamdan"], "حمدان"),
    (["Abbas"], "عباس"),
    (["Darwish", "Darweesh"], "درويش"),
    (["Farah"], "فرح"),
    (["Jaber", "Jabir"], "جابر"),
    (["Qasim", "Kassem"], "قاسم"),
    (["Rashid", "Rasheed"], "رشيد"),
    (["Sabbagh"], "صباغ"),
    (["Taha"], "طه"),
    (["Yassin", "Yasin"], "ياسين"),
    (["Zaki", "Zaky"], "زكي"),
    (["Awad"], "عوض"),
    (["Hakim", "Hakeem"], "حكيم"),
    (["Issa", "Isa"], "عيسى"),
    (["Barakat"], "بركات"),
    (["Shami"], "شامي"),
    (["Tamimi"], "تميمي"),
    (["Masri"], "مصري"),
    (["Zoubi"], "زعبي"),
    (["Kanaan"], "كنعان"),
]
ENGLISH_GIVEN = [
    "John",
    "James",
    "Robert",
    "Michael",
    "William",
    "David",
    "Richard",
    "Joseph",
    "Thomas",
    "Charles",
    "Mary",
    "Patricia",
    "Jennifer",
    "Linda",
    "Elizabeth",
    "Barbara",
    "Susan",
    "Jessica",
    "Sarah",
    "Karen",
    "Daniel",
    "Matthew",
    "Anthony",
    "Mark",
    "Paul",
    "Steven",
    "Andrew",
    "Kenneth",
    "Joshua",
    "Kevin",
    "Emily",
    "Laura",
    "Rachel",
    "Helen",
    "Grace",
    "Alice",
    "Oliver",
    "Harry",
    "George",
    "Jack",
]
ENGLISH_FAMILY = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Patel",
    "Khan",
    "Lewis",
    "James",
    "Phillips",
    "Mason",
    "Mitchell",
    "Rose",
    "Davis",
    "Rodriguez",
    "Cox",
    "Alexander",
    "Morgan",
    "Moore",
    "Martin",
    "Price",
    "Murphy",
    "Cooper",
    "Ward",
    "Bennett",
    "Gray",
    "Hughes",
    "Edwards",
    "Turner",
    "Parker",
    "Collins",
    "Harris",
    "Stewart",
    "Morris",
    "Watson",
    "Carter",
    "Bell",
    "Reid",
    "Kelly",
    "Baker",
    "Young",
    "Allen",
    "King",
    "Scott",
    "Hill",
    "Adams",
    "Campbell",
    "Anderson",
    "Marshall",
]
NATIONALITIES = {"ru": ["ru", "ua", "kz", "by"], "ar": ["eg", "jo", "lb", "sy", "iq"]}
NATIONALITIES["en"] = ["gb", "us", "ie", "au"]


def _person(rng: random.Random):
    """One fictional person: the parts of their name in each form, and their attributes."""
    culture = rng.choice(["ru", "ar", "en"])
    if culture == "ru":
        given_latin, given_native = rng.choice(RUSSIAN_GIVEN)
        root, root_native = rng.choice(RUSSIAN_ROOTS)
        suffixes, suffix_native = rng.choice(RUSSIAN_SUFFIXES)
        family_latin = [root + s for s in suffixes]
        family_native = root_native + suffix_native
    elif culture == "ar":
        given_latin, given_native = rng.choice(ARABIC_GIVEN)
        family_latin, family_native = rng.choice(ARABIC_FAMILY)
    else:
        given_latin, given_native = [rng.choice(ENGLISH_GIVEN)], None
        family_latin, family_native = [rng.choice(ENGLISH_FAMILY)], None
    born = date(1940, 1, 1) + timedelta(days=rng.randrange(65 * 365))
    passport = (
        f"{rng.choice('ABCDEFGHKLMNPRSTUVXYZ')}{rng.randrange(10**7, 10**8)}"
        if rng.random() < 0.4
        else None
    )
    phone = f"+{rng.choice(['7', '20', '44', '962'])}{rng.randrange(10**9, 10**10)}"
    return {
        "culture": culture,
        "given": given_latin,
        "family": family_latin,
        "native": (given_native, family_native) if given_native else None,
        "birthDate": born.isoformat(),
        "nationality": rng.choice(NATIONALITIES[culture]),
        "passportNumber": passport,
        "phone": phone if rng.random() < 0.3 else None,
    }


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + rng.choice("aeiounrst") + word[i + 1 :]


def _record(person, rng: random.Random, duplicate: bool) -> dict:
    given, family = person["given"][0], person["family"][0]
    props = {
        "birthDate": person["birthDate"],
        "nationality": person["nationality"],
        "passportNumber": person["passportNumber"],
        "phone": person["phone"],
    }
    order = "given-first"
    if duplicate:
        changes = rng.sample(
            [
                "script",
                "spelling",
                "typo",
                "initial",
                "swap",
                "dob-typo",
                "dob-swap",
                "dob-year",
                "dob-missing",
                "no-nationality",
                "passport-format",
                "no-passport",
            ],
            rng.randint(1, 3),
        )
        if "script" in changes and person["native"]:
            given, family = person["native"]
        elif "spelling" in changes:
            given, family = rng.choice(person["given"]), rng.choice(person["family"])
        if "typo" in changes and given.isascii():
            family = _typo(family, rng)
        if "initial" in changes and given.isascii():
            given = given[0] + "."
        if "swap" in changes:
            order = "family-first"
        day, month = int(person["birthDate"][8:]), int(person["birthDate"][5:7])
        if "dob-typo" in changes:
            digits = list(person["birthDate"])
            i = rng.choice([2, 3, 9])
            digits[i] = str((int(digits[i]) + rng.randint(1, 8)) % 10)
            candidate = "".join(digits)
            try:
                date.fromisoformat(candidate)
                props["birthDate"] = candidate
            except ValueError:
                pass
        elif "dob-swap" in changes and day <= 12 and day != month:
            props["birthDate"] = f"{person['birthDate'][:4]}-{day:02d}-{month:02d}"
        elif "dob-year" in changes:
            props["birthDate"] = person["birthDate"][:4]
        elif "dob-missing" in changes:
            props["birthDate"] = None
        if "no-nationality" in changes:
            props["nationality"] = None
        if "passport-format" in changes and props["passportNumber"]:
            p = props["passportNumber"]
            props["passportNumber"] = f"{p[:1]} {p[1:4]}-{p[4:]}".lower()
        if "no-passport" in changes:
            props["passportNumber"] = None
    name = f"{given} {family}" if order == "given-first" else f"{family} {given}"
    props["name"] = name
    return {k: v for k, v in props.items() if v}


def generate(n: int, seed: int) -> tuple[list[dict], dict[str, int]]:
    """``n`` fictional person records and the planted cluster of each record id."""
    rng = random.Random(seed)
    records, cluster = [], {}
    person_no = 0
    while len(records) < n:
        person = _person(rng)
        copies = 1 + (rng.random() < 0.25) + (rng.random() < 0.07)
        for copy in range(copies):
            if len(records) >= n:
                break
            entity_id = f"p{len(records):07d}"
            records.append(
                {
                    "id": entity_id,
                    "schema": "Person",
                    "properties": _record(person, rng, duplicate=copy > 0),
                }
            )
            cluster[entity_id] = person_no
        person_no += 1
    rng.shuffle(records)
    return records, cluster


def score(pairs: pd.DataFrame, cluster: dict[str, int]) -> dict:
    """Precision and recall of predicted pairs (columns ``left``, ``right``) over all the
    planted duplicate pairs, counted without building the set of true pairs."""
    sizes = pd.Series(cluster).value_counts()
    true_pairs = int((sizes * (sizes - 1) // 2).sum())
    found = int((pairs["left"].map(cluster) == pairs["right"].map(cluster)).sum())
    predicted = len(pairs)
    return {
        "predicted": predicted,
        "true": true_pairs,
        "precision": found / predicted if predicted else 0.0,
        "recall": found / true_pairs if true_pairs else 0.0,
    }


def run_palermo(records, seed):
    from palermo.analysis.resolution import find_candidates

    candidates = find_candidates(records, min_probability=0.5, train=True, seed=seed)
    PHASES.update(candidates.timings)
    return pd.DataFrame([(p.left, p.right) for p in candidates.pairs], columns=["left", "right"])


def run_splink_direct(records, seed):
    import splink.comparison_library as cl
    from normality import ascii_text
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    frame = pd.DataFrame(
        {
            "unique_id": [r["id"] for r in records],
            "name": [ascii_text(r["properties"]["name"]).lower() for r in records],
            "dob": [r["properties"].get("birthDate") for r in records],
            "nationality": [r["properties"].get("nationality") for r in records],
            "passport": [r["properties"].get("passportNumber") for r in records],
        }
    )
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("name", [0.92, 0.85]),
            cl.LevenshteinAtThresholds("dob", [1, 2]),
            cl.ExactMatch("nationality"),
            cl.ExactMatch("passport"),
        ],
        blocking_rules_to_generate_predictions=[block_on("name"), block_on("dob")],
    )
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(frame), settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("name", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=seed)
    for key in ("dob", "name"):
        linker.training.estimate_parameters_using_expectation_maximisation(block_on(key))
    table = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    return table.rename(columns={"unique_id_l": "left", "unique_id_r": "right"})[["left", "right"]]


def run_baseline(records, seed):
    from normality import ascii_text

    frame = pd.DataFrame(
        {
            "id": [r["id"] for r in records],
            "key": [" ".join(ascii_text(r["properties"]["name"]).lower().split()) for r in records],
        }
    )
    pairs = frame.merge(frame, on="key")
    pairs = pairs[pairs["id_x"] < pairs["id_y"]]
    return pairs.rename(columns={"id_x": "left", "id_y": "right"})[["left", "right"]]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palermo.settings")
    import django

    django.setup()
    logging.getLogger("splink").setLevel(logging.WARNING)

    records, cluster = generate(args.records, args.seed)
    results = {}
    for label, runner in [
        ("Palermo (name keys + Splink/DuckDB)", run_palermo),
        ("Splink direct (stock comparisons)", run_splink_direct),
        ("Baseline (exact normalised name)", run_baseline),
    ]:
        started = time.perf_counter()
        pairs = runner(records, args.seed)
        seconds = time.perf_counter() - started
        results[label] = {"seconds": seconds, **score(pairs, cluster)}
        print(f"{label}: {results[label]}", file=sys.stderr)

    import duckdb
    import splink

    direct = results["Splink direct (stock comparisons)"]["seconds"]
    lines = [
        BEGIN,
        f"### Entity resolution: {args.records:,} fictional person records",
        "",
        f"`bench/analysis_resolution_bench.py --records {args.records} --seed {args.seed}`; "
        f"Splink {splink.__version__}, DuckDB {duckdb.__version__}, Python "
        f"{platform.python_version()}, {os.cpu_count()} CPUs. "
        f"{sum(1 for c in pd.Series(cluster).value_counts() if c > 1):,} people have planted "
        "duplicates; pairs at match probability ≥ 0.5.",
        "",
        "| Method | Time (s) | × Splink direct | Pairs | Precision | Recall |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, r in results.items():
        lines.append(
            f"| {label} | {r['seconds']:.1f} | {r['seconds'] / direct:.2f} | "
            f"{r['predicted']:,} | {r['precision']:.3f} | {r['recall']:.3f} |"
        )
    if PHASES:
        lines += [
            "",
            "Palermo's run: "
            + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in PHASES.items())
            + " (reading the records into name keys and writing the evidence are Palermo's "
            "own work; training and scoring are Splink's).",
        ]
    lines += ["", END]
    text = "\n".join(lines) + "\n"
    if args.write:
        from benchlib import write_section

        write_section(ROOT / "docs" / "benchmarks.md", BEGIN, END, text)
    print(text)


if __name__ == "__main__":
    main()
