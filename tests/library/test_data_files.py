"""The Library's data files follow the record format (docs: the Library record format).

Plain checks on the files themselves — no database: every key is one the format knows, every
State code is a participant, every article reference names an article (and a paragraph) of the
Convention or a Protocol, every vocabulary code exists, numbers are valid addresses, and the
demo content covers every facet and is marked fictional.
"""

import csv
import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

import palermo.library
import palermo.treaties
from palermo.core import models as core_models
from palermo.library import choices
from palermo.library.models import language_validator, number_validator

DATA = Path(palermo.library.__file__).parent / "data"
CORE_DATA = Path(core_models.__file__).parent / "data"
INSTRUMENTS = Path(palermo.treaties.__file__).parent / "data"  # copies of shared/data/instruments
ICCS = Path(__file__).resolve().parents[3] / "shared" / "data" / "iccs" / "iccs.csv"
#: How the record format writes an article reference (docs/user/library.md): "UNTOC 5(1)(a)".
ARTICLE_REFERENCE = re.compile(
    r"^(?P<code>[A-Za-z]+) (?P<number>\d+[a-z]*(?: ?(?:bis|ter|quater))?)(?P<paragraph>(?:\([^()\s]+\))*)$"
)

COMMON = {"kind", "state", "number", "status", "source_url", "licence", "is_demo"}
EXPORT_ONLY = {"version", "url", "published_at"}
KEYS = {
    "legislation": {
        "title",
        "title_en",
        "language",
        "law_type",
        "adopted",
        "in_force",
        "amendments",
        "official_url",
        "full_text",
        "provisions",
    },
    "case": {
        "title",
        "court",
        "court_level",
        "legal_system",
        "language",
        "opened",
        "decided",
        "commentary",
        "lessons_learned",
        "sources",
        "keywords",
        "crime_types",
        "issues",
        "summaries",
        "proceedings",
        "parties",
        "charges",
        "cooperation",
        "attachments",
    },
    "bibliography": {
        "title",
        "authors",
        "year",
        "publication_type",
        "language",
        "publisher",
        "states",
        "crime_types",
        "issues",
        "abstract",
        "url",
    },
    "strategy": {
        "title",
        "title_en",
        "language",
        "adopted",
        "period_start",
        "period_end",
        "summary",
        "url",
        "crime_types",
        "issues",
    },
}
PROVISION_KEYS = {"number", "heading", "text", "text_en", "articles", "crime_types", "issues"}
PROCEEDING_KEYS = {"court", "level", "docket", "date", "outcome"}
PARTY_KEYS = {"kind", "initials", "sex", "age_band", "nationality", "role"}
CHARGE_KEYS = {"defendant", "offence", "provisions", "cited", "verdict", "sentence"}
COOPERATION_KEYS = {"kind", "partner", "convention_legal_basis", "description"}
FICTIONAL = ("[Fictional]", "[Fittizi", "[Fictíci", "[Ficti", "[افتراضي]", "【虚构】",
             "[Вымышлен", "[Вигадан", "[สมมติ]")  # fmt: skip


def load(name):
    with open(DATA / name, encoding="utf-8") as f:
        return json.load(f)


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


DEMO = load("demo.json")
REAL = load("real_legislation.json")
ALL = [("demo.json", r) for r in DEMO] + [("real_legislation.json", r) for r in REAL]
CRIME_TYPES = read_csv(DATA / "crime_types.csv")
ISSUES = read_csv(DATA / "cross_cutting_issues.csv")
PARTICIPANTS = {r["iso3"] for r in read_csv(CORE_DATA / "m49.csv")} | {
    r["code"] for r in read_csv(CORE_DATA / "participants_extra.csv")
}
ARTICLES = {}
for _name in ("untoc", "tip", "som", "firearms"):
    with open(INSTRUMENTS / f"{_name}.json", encoding="utf-8") as _f:
        _instrument = json.load(_f)
    for _article in _instrument["articles"]:
        ARTICLES[(_instrument["code"], _article["number"])] = _article["text"]


def record_id(source, record):
    return f"{source}: {record.get('state')}/{record.get('kind')}/{record.get('number')}"


def check_date(value):
    if value is not None:
        date.fromisoformat(value)


def article_problem(reference):
    """Why ``reference`` names no article (or paragraph) of the instruments, or None."""
    match = ARTICLE_REFERENCE.match(reference)
    if not match or reference != reference.strip() or match["code"] != match["code"].upper():
        return "not written as “UNTOC 5(1)(a)”"
    text = ARTICLES.get((match["code"], match["number"]))
    if text is None:
        return "no such article"
    for part in re.findall(r"\(([^()]+)\)", match["paragraph"] or ""):
        marker = rf"(^|\n)\(?{re.escape(part)}(\.|\))" if not part.isdigit() else rf"(^|\n){part}\."
        if not re.search(marker, text):
            return f"the article has no paragraph or item “{part}”"
    return None


def vocabulary_codes(record):
    yield from (("crime type", c) for c in record.get("crime_types", []))
    yield from (("issue", c) for c in record.get("issues", []))
    for provision in record.get("provisions", []):
        yield from (("crime type", c) for c in provision.get("crime_types", []))
        yield from (("issue", c) for c in provision.get("issues", []))


def state_codes(record):
    yield record["state"]
    yield from record.get("states", [])
    for party in record.get("parties", []):
        if party.get("nationality"):
            yield party["nationality"]
    for cooperation in record.get("cooperation", []):
        if cooperation.get("partner"):
            yield cooperation["partner"]


# The vocabularies -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "columns"),
    [
        (
            CRIME_TYPES,
            "code,name,name_ar,name_es,name_fr,name_ru,name_zh,iccs_code,position,source",
        ),
        (ISSUES, "code,name,name_ar,name_es,name_fr,name_ru,name_zh,position,source"),
    ],
    ids=["crime_types", "cross_cutting_issues"],
)
def test_vocabulary_files_have_the_format_columns_and_complete_rows(rows, columns):
    assert rows and list(rows[0]) == columns.split(",")
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    positions = [int(r["position"]) for r in rows]
    assert len(positions) == len(set(positions))
    for row in rows:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", row["code"]) and len(row["code"]) <= 60
        for column in ("name", "name_ar", "name_es", "name_fr", "name_ru", "name_zh", "source"):
            assert row[column].strip(), (row["code"], column)
        assert len(row["source"]) <= 400 and len(row["name"]) <= 200


def test_crime_types_map_to_real_iccs_codes_only():
    if not ICCS.exists():
        pytest.skip("the shared ICCS file is not on this machine")
    iccs = {r["code"] for r in read_csv(ICCS)}
    mapped = [r for r in CRIME_TYPES if r["iccs_code"]]
    assert mapped
    assert [r["code"] for r in mapped if r["iccs_code"] not in iccs] == []


def test_sherloc_crime_types_are_all_there():
    names = {r["name"] for r in CRIME_TYPES}
    for name in ("Trafficking in persons", "Smuggling of migrants", "Money laundering",
                 "Participation in an organized criminal group", "Trafficking in firearms",
                 "Falsified medical products", "Piracy and maritime crime"):  # fmt: skip
        assert name in names


# Every record -----------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "record"), ALL, ids=[record_id(*x) for x in ALL])
def test_record_has_only_known_keys_and_valid_values(source, record):
    kind = record["kind"]
    assert kind in KEYS
    assert set(record) <= COMMON | KEYS[kind] - EXPORT_ONLY
    assert {"state", "number", "status", "is_demo"} <= set(record)
    number_validator(record["number"])
    assert record["status"] in choices.RecordStatus.values
    if "language" in record:
        language_validator(record["language"])
    for field in ("adopted", "in_force", "opened", "decided"):
        check_date(record.get(field))
    if record.get("adopted") and record.get("in_force"):
        assert record["in_force"] >= record["adopted"]
    if record.get("opened") and record.get("decided"):
        assert record["decided"] >= record["opened"]
    if record.get("period_start") and record.get("period_end"):
        assert record["period_end"] >= record["period_start"]
    if kind == "legislation":
        assert record["law_type"] in choices.LawType.values
        assert record["provisions"]
        numbers = [p["number"] for p in record["provisions"]]
        assert len(numbers) == len(set(numbers))
        for provision in record["provisions"]:
            assert set(provision) <= PROVISION_KEYS
            assert provision["number"] and len(provision["number"]) <= 40
            assert provision["text"].strip()
    if kind == "bibliography":
        assert record["publication_type"] in choices.PublicationType.values
        assert all(isinstance(a, str) and a.strip() for a in record["authors"])
        assert 1900 <= record["year"] <= 2100
    if kind == "case":
        check_case(record)


def check_case(record):
    assert record.get("court_level", "") in [*choices.CourtLevel.values, ""]
    assert record.get("legal_system", "") in [*choices.LegalSystem.values, ""]
    assert all(isinstance(k, str) and k.strip() for k in record.get("keywords", []))
    for language, text in record.get("summaries", {}).items():
        language_validator(language)
        assert text.strip()
    for proceeding in record.get("proceedings", []):
        assert set(proceeding) <= PROCEEDING_KEYS and proceeding["court"]
        assert proceeding.get("level", "") in [*choices.CourtLevel.values, ""]
        check_date(proceeding.get("date"))
    defendants = []
    for party in record.get("parties", []):
        assert set(party) <= PARTY_KEYS
        assert party["kind"] in choices.PartyKind.values
        assert party.get("sex", "unknown") in choices.Sex.values
        assert party.get("age_band", "unknown") in choices.AgeBand.values
        assert len(party.get("initials", "").replace(".", "").replace(" ", "")) <= 4
        if party["kind"] == choices.PartyKind.DEFENDANT:
            defendants.append(party["initials"])
    assert len(defendants) == len(set(defendants)), "defendants' initials must be unique"
    for charge in record.get("charges", []):
        assert set(charge) <= CHARGE_KEYS and charge["offence"]
        assert charge.get("defendant") is None or charge["defendant"] in defendants
        assert charge.get("verdict", "") in [*choices.Verdict.values, ""]
        for cited in charge.get("provisions", []):
            assert set(cited) == {"law", "provision"}
    for cooperation in record.get("cooperation", []):
        assert set(cooperation) <= COOPERATION_KEYS
        assert cooperation["kind"] in choices.CooperationKind.values
        assert cooperation.get("convention_legal_basis") in (True, False, None)


def test_state_codes_are_participants():
    unknown = {
        (record_id(s, r), code)
        for s, r in ALL
        for code in state_codes(r)
        if code not in PARTICIPANTS
    }
    assert unknown == set()


def test_vocabulary_codes_exist():
    known = {
        "crime type": {r["code"] for r in CRIME_TYPES},
        "issue": {r["code"] for r in ISSUES},
    }
    unknown = {
        (record_id(s, r), kind, code)
        for s, r in ALL
        for kind, code in vocabulary_codes(r)
        if code not in known[kind]
    }
    assert unknown == set()


def test_article_references_name_real_articles_and_paragraphs():
    problems = {
        (record_id(s, r), p["number"], ref, article_problem(ref))
        for s, r in ALL
        for p in r.get("provisions", [])
        for ref in p["articles"]
        if article_problem(ref)
    }
    assert problems == set()


def test_article_check_refuses_what_is_not_there():
    assert article_problem("UNTOC 5(1)(a)") is None
    assert article_problem("TIP 3(a)") is None
    assert article_problem("UNTOC 42") == "no such article"
    assert article_problem("TIP 5(9)") is not None
    assert article_problem("SOM 6(1)(z)") is not None
    assert article_problem("untoc 5") is not None


def test_no_two_records_share_state_kind_and_number():
    keys = [(r["state"], r["kind"], r["number"]) for _s, r in ALL]
    duplicates = {k for k in keys if keys.count(k) > 1}
    assert duplicates == set()


def test_number_validator_refuses_what_cannot_be_an_address():
    with pytest.raises(ValidationError):
        number_validator("has a space")


def test_charges_cite_provisions_that_exist_in_the_same_data():
    provisions = {
        (f"{r['state']}/{r['number']}", p["number"])
        for _s, r in ALL
        if r["kind"] == "legislation"
        for p in r["provisions"]
    }
    missing = {
        (record_id(s, r), c["law"], c["provision"])
        for s, r in ALL
        if r["kind"] == "case"
        for charge in r.get("charges", [])
        for c in charge.get("provisions", [])
        if (c["law"], c["provision"]) not in provisions
    }
    assert missing == set()


# Real legislation -------------------------------------------------------------------------


@pytest.mark.parametrize("record", REAL, ids=[record_id("real", r) for r in REAL])
def test_real_legislation_is_published_with_its_source_and_licence(record):
    assert record["kind"] == "legislation"
    assert record["is_demo"] is False and record["status"] == "published"
    assert record["source_url"].startswith("https://") and record["licence"].strip()
    assert not record["title"].startswith("[Fictional]")
    assert all(p["articles"] for p in record["provisions"])


# Demo content -----------------------------------------------------------------------------


@pytest.mark.parametrize("record", DEMO, ids=[record_id("demo", r) for r in DEMO])
def test_demo_record_is_plainly_fictional(record):
    assert record["is_demo"] is True
    assert record["title"].startswith(FICTIONAL), record["title"]
    if record.get("title_en"):
        assert record["title_en"].startswith("[Fictional]")
    if record["kind"] == "case":
        assert all("[Fictional]" in p["court"] for p in record["proceedings"])
        assert "[Fictional]" in record["court"]
        assert len(record["summaries"]) >= 2


def test_demo_content_makes_every_facet_show_something():
    assert {
        c for _k, c in [x for r in DEMO for x in vocabulary_codes(r)] if _k == "crime type"
    } == {r["code"] for r in CRIME_TYPES}
    assert {c for _k, c in [x for r in DEMO for x in vocabulary_codes(r)] if _k == "issue"} == {
        r["code"] for r in ISSUES
    }
    instruments = {
        ref.split()[0] for r in DEMO for p in r.get("provisions", []) for ref in p["articles"]
    }
    assert instruments == {"UNTOC", "TIP", "SOM", "FIREARMS"}
    languages = {r["language"] for r in DEMO if r.get("language")}
    assert {"ar", "zh", "ru", "es", "fr", "en"} <= languages
    summary_languages = {lang for r in DEMO for lang in r.get("summaries", {})}
    assert {"ar", "zh", "ru"} <= summary_languages
    years = {int(r[f][:4]) for r in DEMO for f in ("adopted", "decided") if r.get(f)}
    years |= {r["year"] for r in DEMO if r.get("year")}
    assert min(years) <= 2002 and max(years) >= 2024
    kinds = [r["kind"] for r in DEMO]
    assert kinds.count("legislation") >= 35 and kinds.count("case") >= 25
    assert kinds.count("bibliography") >= 15 and kinds.count("strategy") >= 10
    in_workflow = {r["state"] for r in DEMO if r["status"] != choices.RecordStatus.PUBLISHED}
    statuses = {r["status"] for r in DEMO}
    assert len(in_workflow) >= 2 and set(choices.RecordStatus.values) <= statuses


def test_demo_states_span_every_region_and_regional_group():
    states = {r["state"] for r in DEMO}
    assert len(states) >= 12
    regions = {r["iso3"]: r["region"] for r in read_csv(CORE_DATA / "m49.csv")}
    groups = {r["iso3"]: r["group"] for r in read_csv(CORE_DATA / "un_regional_groups.csv")}
    assert {regions[s] for s in states} == set(regions.values()) - {""}
    assert {groups[s] for s in states} == set(groups.values())
