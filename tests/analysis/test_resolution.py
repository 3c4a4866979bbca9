"""Entity resolution on a small workspace (scored with the documented priors) and the clusters
that reviewers' decisions make.

Every record here is FICTIONAL: the names are common ones, the passport, phone and company
numbers are made up, the IBAN is the published example number of the UK (GB82 WEST …)."""

from __future__ import annotations

import importlib.util
import math
import re

import pandas as pd
import pytest

from palermo.analysis.resolution import (
    COMPARISONS,
    ResolutionError,
    find_candidates,
    prepare,
    resolve,
)


def person(entity_id, **properties):
    return {"id": entity_id, "schema": "Person", "properties": properties}


def company(entity_id, **properties):
    return {"id": entity_id, "schema": "Company", "properties": properties}


WORKSPACE = [
    # One man, three spellings and two scripts; one record has a typo in the birth date.
    person(
        "petrov-1",
        name="Aleksandr Petrov",
        birthDate="1975-03-14",
        nationality="ru",
        passportNumber="72 1234567",
    ),
    person("petrov-2", name="Александр Петров", birthDate="1975-03-14", nationality="Russia"),
    person(
        "petrov-3",
        name="Alexander Petroff",
        birthDate="1975-03-24",
        nationality="ru",
        passportNumber="721234567",
    ),
    # Another man with the same common name, born elsewhere on another day.
    person("petrov-other", name="Aleksandr Petrov", birthDate="1988-11-02", nationality="ua"),
    # One man in Arabic and two Latin spellings; day and month swapped in one birth date.
    person("ali-1", name=["محمد علي"], birthDate="1980-07-01", nationality="eg"),
    person(
        "ali-2",
        name="Mohammed Ali",
        birthDate="1980-01-07",
        nationality="eg",
        iban="GB82 WEST 1234 5698 7654 32",
    ),
    person("ali-3", name="Muhammad Aly", birthDate="1980-07-01", iban="gb82west12345698765432"),
    person("ali-other", name="Mohammed Ali", birthDate="1962-09-30", nationality="jo"),
    # Initial and swapped parts; the phone written once internationally, once nationally.
    person("smith-1", name="J. Smith", birthDate="1969-05-05", phone="+44 20 7946 0958"),
    person(
        "smith-2",
        firstName="John",
        lastName="Smith",
        birthDate="1969-05-05",
        nationality="gb",
        phone="020 7946 0958",
    ),
    person("smith-3", name="Smith John", birthDate="1969-05-05", nationality="gb"),
    person("smith-other", name="John Smith", birthDate="1990-12-12", nationality="us"),
    # One company with and without its legal form, in Cyrillic and Latin.
    company(
        "romashka-1",
        name="ООО «Ромашка»",
        registrationNumber="1027700132195",
        jurisdiction="ru",
    ),
    company("romashka-2", name="Romashka LLC", registrationNumber="1027-7001-32195"),
    company("smith-ltd", name="John Smith Ltd", incorporationDate="1969-05-05"),
]

TRUE_PAIRS = [
    ("petrov-1", "petrov-2"),
    ("petrov-1", "petrov-3"),
    ("petrov-2", "petrov-3"),
    ("ali-1", "ali-2"),
    ("ali-1", "ali-3"),
    ("ali-2", "ali-3"),
    ("smith-1", "smith-2"),
    ("smith-1", "smith-3"),
    ("smith-2", "smith-3"),
    ("romashka-1", "romashka-2"),
]


@pytest.fixture(scope="module")
def candidates():
    return find_candidates(WORKSPACE, min_probability=0)


def texts(pair):
    return " | ".join(pair.explain())


def test_a_small_workspace_is_scored_with_the_priors(candidates):
    assert not candidates.trained
    assert candidates.records == len(WORKSPACE)


def test_every_true_pair_is_a_candidate_and_ranks_above_every_false_one(candidates):
    truth = {frozenset(p) for p in TRUE_PAIRS}
    ranks = {pair: candidates.rank(*pair) for pair in TRUE_PAIRS}
    assert all(ranks.values()), ranks
    false_ranks = [
        i for i, p in enumerate(candidates.pairs, 1) if frozenset((p.left, p.right)) not in truth
    ]
    assert false_ranks, "the look-alikes should at least be compared"
    assert max(ranks.values()) < min(false_ranks)


def test_true_pairs_are_likely_and_look_alikes_are_not(candidates):
    for pair in TRUE_PAIRS:
        assert candidates.pair(*pair).match_probability > 0.9, pair
    for lookalike in [("petrov-1", "petrov-other"), ("ali-2", "ali-other")]:
        assert candidates.pair(*lookalike).match_probability < 0.5, lookalike


def test_a_person_is_never_compared_with_a_company(candidates):
    assert candidates.pair("smith-1", "smith-ltd") is None
    assert candidates.pair("smith-2", "smith-ltd") is None


def test_evidence_reads_like_an_analysts_checklist(candidates):
    pair = candidates.pair("petrov-1", "petrov-3")
    said = texts(pair)
    assert "same passport number" in said
    assert "birth dates differ by one digit" in said
    assert "same name in another spelling or script" in said
    for text in pair.explain():
        assert re.search(r" \([+−]\d+\.\d\)$", text), text
    assert pair.explain()[0].startswith("same passport number")  # strongest first


def test_evidence_against_a_look_alike(candidates):
    pair = candidates.pair("petrov-1", "petrov-other")
    against = {e.label for e in pair.evidence_against}
    assert {"different dates of birth", "different nationality"} <= against
    assert "same name" in {e.label for e in pair.evidence_for}
    assert all(e.text.split("(")[1].startswith("−") for e in pair.evidence_against)


@pytest.mark.parametrize(
    ("pair", "words"),
    [
        (("petrov-1", "petrov-2"), ["same name", "same date of birth", "same nationality"]),
        (("ali-1", "ali-2"), ["same name in another spelling or script"]),
        (("ali-1", "ali-2"), ["birth dates with day and month swapped"]),
        (("ali-2", "ali-3"), ["same IBAN"]),
        (("smith-1", "smith-2"), ["same phone number", "initial agrees with the given name"]),
        (("smith-2", "smith-3"), ["same name parts in another order"]),
        (("romashka-1", "romashka-2"), ["same registration number", "another spelling"]),
    ],
)
def test_each_kind_of_evidence_is_named(candidates, pair, words):
    said = texts(candidates.pair(*pair))
    for word in words:
        assert word in said, said


def test_weights_are_the_bayes_factors_of_the_documented_priors(candidates):
    """Without training, each weight is log2(m/u) of its level, and the pair's weight is the
    prior's plus the sum of the evidence (Fellegi–Sunter)."""
    priors = {
        (name, level.key): math.log2(level.m / level.u)
        for name, (_column, levels) in COMPARISONS.items()
        for level in levels
    }
    for pair in candidates.pairs:
        for e in pair.evidence:
            assert e.weight == pytest.approx(priors[(e.comparison, e.level)], abs=1e-6)
        total = candidates.prior_weight + sum(e.weight for e in pair.evidence)
        assert pair.match_weight == pytest.approx(total, abs=1e-6)
        assert pair.match_probability == pytest.approx(2**total / (1 + 2**total), abs=1e-9)


def test_identifiers_are_compared_in_one_format():
    frame = prepare(WORKSPACE).set_index("unique_id")
    assert frame.loc["petrov-1", "passport"] == frame.loc["petrov-3", "passport"] == "721234567"
    assert frame.loc["ali-2", "iban"] == frame.loc["ali-3", "iban"] == "GB82WEST12345698765432"
    assert frame.loc["smith-1", "phone"] == frame.loc["smith-2", "phone"] == "442079460958"
    assert frame.loc["petrov-2", "country"] == "ru"


def test_the_same_input_gives_the_same_pairs(candidates):
    again = find_candidates(WORKSPACE, min_probability=0)
    assert [(p.left, p.right, round(p.match_weight, 9)) for p in again.pairs] == [
        (p.left, p.right, round(p.match_weight, 9)) for p in candidates.pairs
    ]


def test_a_dataframe_of_records_gives_the_same_pairs(candidates):
    rows = [{"id": r["id"], "schema": r["schema"], **r["properties"]} for r in WORKSPACE]
    from_frame = find_candidates(pd.DataFrame(rows), min_probability=0)
    assert {(p.left, p.right) for p in from_frame.pairs} == {
        (p.left, p.right) for p in candidates.pairs
    }


def test_the_threshold_leaves_out_unlikely_pairs(candidates):
    likely = find_candidates(WORKSPACE, min_probability=0.5)
    assert {(p.left, p.right) for p in likely.pairs} == {
        (p.left, p.right) for p in candidates.pairs if p.match_probability >= 0.5
    }
    assert len(likely.pairs) < len(candidates.pairs)


def test_fewer_than_two_records_have_no_pairs():
    assert find_candidates(WORKSPACE[:1]).pairs == []


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ([{"schema": "Person", "properties": {}}], "Record 1 has no id"),
        ([{"id": "x", "schema": "Vessel", "properties": {}}], "schema “Vessel” cannot be"),
        ([person("x", shoeSize="44")], "Person has no property “shoeSize”"),
        ([person("x", birthDate="next spring")], "Record x: birthDate “next spring”"),
        ([person("x", nationality="Atlantis")], "Record x: nationality “Atlantis”"),
        ([person("x", iban="GB00 WEST 1234 5698 7654 32")], "Record x: iban"),
        ([person("x"), person("x")], "Record 2: id x appears twice"),
        (["Petrov"], "Record 1 is not an entity"),
    ],
)
def test_bad_records_are_named_in_the_error(records, message):
    with pytest.raises(ResolutionError, match=re.escape(message)):
        prepare(records)


# --- Decisions -------------------------------------------------------------------------------


def test_accepts_are_transitive():
    clusters = resolve([("a", "b", "accept"), ("b", "c", "accept")], entities=["a", "b", "c", "d"])
    assert clusters.same("a", "c")
    assert clusters.cluster_of("a") == {"a", "b", "c"}
    assert clusters.cluster_of("d") == {"d"}
    assert clusters.conflicts == []


def test_removing_a_decision_splits_the_cluster_again():
    decisions = [("a", "b", "accept"), ("b", "c", "accept"), ("d", "e", "accept")]
    assert resolve(decisions).same("a", "c")
    undone = resolve([d for d in decisions if d != ("b", "c", "accept")])
    assert undone.same("a", "b")
    assert not undone.same("a", "c")
    assert undone.same("d", "e")


def test_an_accept_that_would_join_rejected_entities_is_refused_and_reported():
    clusters = resolve([("a", "c", "reject"), ("a", "b", "accept"), ("b", "c", "accept")])
    assert clusters.same("a", "b")
    assert not clusters.same("a", "c")
    assert not clusters.same("b", "c")
    [conflict] = clusters.conflicts
    assert conflict.accepted == ("b", "c")
    assert set(conflict.rejected) == {"a", "c"}
    assert "rejected as different" in conflict.text


def test_a_later_reject_of_a_pair_replaces_its_accept():
    clusters = resolve([("a", "b", "accept"), ("b", "a", "reject")])
    assert not clusters.same("a", "b")
    assert clusters.conflicts == []
    assert resolve([("a", "b", "reject"), ("a", "b", "accept")]).same("a", "b")


def test_decisions_on_candidate_pairs_make_the_clusters(candidates):
    decisions = [(p.left, p.right, "accept") for p in candidates.pairs if p.match_probability > 0.9]
    decisions.append(("petrov-1", "petrov-other", "reject"))
    clusters = resolve(decisions, entities=[r["id"] for r in WORKSPACE])
    assert clusters.cluster_of("petrov-2") == {"petrov-1", "petrov-2", "petrov-3"}
    assert clusters.cluster_of("ali-3") == {"ali-1", "ali-2", "ali-3"}
    assert clusters.cluster_of("petrov-other") == {"petrov-other"}
    assert len(clusters.clusters) == 8


@pytest.mark.parametrize(
    ("decisions", "message"),
    [
        ([("a", "b", "maybe")], "Decision 1: “maybe” is neither"),
        ([("a", "b", "accept"), ("a", "a", "accept")], "Decision 2 compares a with itself"),
        ([("a", "b")], "Decision 1 is not"),
    ],
)
def test_bad_decisions_are_named_in_the_error(decisions, message):
    with pytest.raises(ResolutionError, match=re.escape(message)):
        resolve(decisions)


# --- Spark -----------------------------------------------------------------------------------


@pytest.mark.skipif(
    importlib.util.find_spec("pyspark") is None,
    reason="pyspark is not installed; Splink's Spark backend is tested where it is",
)
def test_the_spark_backend_takes_the_same_settings(candidates):
    from pyspark.sql import SparkSession
    from splink import SparkAPI

    spark = SparkSession.builder.master("local[1]").appName("palermo-resolution").getOrCreate()
    try:
        on_spark = find_candidates(
            WORKSPACE, min_probability=0, db_api=SparkAPI(spark_session=spark)
        )
    finally:
        spark.stop()
    expected = {(p.left, p.right): p.match_weight for p in candidates.pairs}
    got = {(p.left, p.right): p.match_weight for p in on_spark.pairs}
    assert got.keys() == expected.keys()
    for key, weight in expected.items():
        assert got[key] == pytest.approx(weight, abs=1e-6)
