"""Survey estimators (``palermo.statistics.surveys``) against independent computations: the
textbook SRS formula, a Taylor linearization written out by hand with loops, statsmodels'
cluster-robust regression and samplics' Taylor estimator."""

import math
import warnings
from collections import defaultdict

import numpy as np
import pytest

from palermo.statistics.surveys import (
    FEW_RESPONDENTS,
    NO_RESPONDENTS,
    UNRELIABLE,
    Crime,
    Design,
    DesignError,
    any_crime,
    estimate,
    t_quantile,
)


def find(results, crime, measure, group=None, level=None):
    (hit,) = [
        e
        for e in results
        if (e.crime, e.measure, e.group, e.level) == (crime, measure, group, level)
    ]
    return hit


def hand_taylor(y, x, w, strata, psus, lonely="adjust"):
    """R = Σwy/Σwx and its with-replacement Taylor SE, one respondent at a time."""
    Y = sum(wi * yi for wi, yi in zip(w, y, strict=True))
    X = sum(wi * xi for wi, xi in zip(w, x, strict=True))
    R = Y / X
    totals = defaultdict(float)
    for yi, xi, wi, h, j in zip(y, x, w, strata, psus, strict=True):
        totals[(h, j)] += wi * (yi - R * xi) / X
    by_stratum = defaultdict(list)
    for (h, _j), t in totals.items():
        by_stratum[h].append(t)
    v = 0.0
    for ts in by_stratum.values():
        n_h = len(ts)
        if n_h == 1:
            v += ts[0] ** 2 if lonely == "adjust" else 0.0
            continue
        mean = sum(ts) / n_h
        v += n_h / (n_h - 1) * sum((t - mean) ** 2 for t in ts)
    return R, math.sqrt(v)


# Textbook table values of t(0.975; df) (e.g. Moore & McCabe, Table D).
@pytest.mark.parametrize(
    ("df", "table"), [(1, 12.706), (2, 4.303), (10, 2.228), (30, 2.042), (39, 2.023), (120, 1.980)]
)
def test_t_quantile_matches_the_printed_table(df, table):
    assert t_quantile(0.975, df) == pytest.approx(table, abs=5e-4)


def test_srs_prevalence_has_the_textbook_standard_error():
    # 40 respondents, equal weights, no strata, no clusters; 7 victims.
    victim = np.array([1.0] * 7 + [0.0] * 33)
    n, p = 40, 7 / 40
    s2 = sum((v - p) ** 2 for v in victim) / (n - 1)  # sample variance
    se = math.sqrt(s2 / n)  # SE of a mean under SRS with replacement: s / √n
    (e,) = [
        x
        for x in estimate(Design.build(np.ones(n)), [Crime("theft", victim)])
        if x.measure == "prevalence"
    ]
    assert e.estimate == pytest.approx(0.175)
    assert e.se == pytest.approx(se, rel=1e-12)
    assert e.ci_low == pytest.approx(p - 2.0227 * se, abs=1e-4)
    assert e.ci_high == pytest.approx(p + 2.0227 * se, abs=1e-4)
    assert e.n == 40
    assert e.rse == pytest.approx(se / p) and e.flags == ("unreliable",)  # RSE 0.35 > 0.30


def small_sample():
    """Three strata; stratum C has a single PSU. Weights differ by respondent."""
    rows = [
        # stratum, psu, weight, victim, incidents, reported
        ("A", 1, 10, 1, 2, 1),
        ("A", 1, 12, 0, 0, 0),
        ("A", 1, 9, 0, 0, 0),
        ("A", 2, 11, 1, 1, 1),
        ("A", 2, 10, 0, 0, 0),
        ("A", 3, 8, 0, 0, 0),
        ("A", 3, 14, 1, 3, 0),
        ("B", 1, 20, 0, 0, 0),
        ("B", 1, 25, 1, 1, 0),
        ("B", 2, 22, 0, 0, 0),
        ("B", 2, 18, 0, 0, 0),
        ("B", 2, 21, 1, 4, 2),
        ("C", 1, 5, 1, 1, 1),
        ("C", 1, 6, 0, 0, 0),
        ("C", 1, 7, 1, 2, 2),
    ]
    cols = list(zip(*rows, strict=True))
    return {
        "strata": np.array(cols[0]),
        "psu": np.array(cols[1]),
        "w": np.array(cols[2], dtype=float),
        "v": np.array(cols[3], dtype=float),
        "k": np.array(cols[4], dtype=float),
        "r": np.array(cols[5], dtype=float),
    }


@pytest.mark.parametrize("lonely", ["adjust", "certainty"])
def test_stratified_clustered_measures_match_a_hand_taylor_linearization(lonely):
    s = small_sample()
    design = Design.build(s["w"], s["strata"], s["psu"], single_psu=lonely)
    assert (design.n_strata, design.n_psus, design.df) == (3, 6, 3)
    assert design.single_psu_strata == ["C"]
    results = estimate(design, [Crime("burglary", s["v"], s["k"], s["r"])], per=100)
    ones = np.ones_like(s["v"])
    cases = {
        "prevalence": (s["v"], ones, 1),
        "incidence": (s["k"], ones, 100),
        "repeat_victimization": ((s["k"] >= 2).astype(float), s["v"], 1),
        "reporting_incidents": (s["r"], s["k"], 1),
        "reporting_victims": ((s["r"] >= 1).astype(float), s["v"], 1),
    }
    t = 3.182  # t(0.975; 3), printed table
    for measure, (y, x, scale) in cases.items():
        r, se = hand_taylor(y, x, s["w"], s["strata"], s["psu"], lonely)
        e = find(results, "burglary", measure)
        assert e.estimate == pytest.approx(r * scale, rel=1e-12), measure
        assert e.se == pytest.approx(se * scale, rel=1e-12), measure
        assert e.ci_high - e.estimate == pytest.approx(t * se * scale, rel=1e-3), measure


def test_definitions_on_counted_cases():
    s = small_sample()
    results = estimate(Design.build(s["w"]), [Crime("burglary", s["v"], s["k"], s["r"])])
    w, v, k, r = s["w"], s["v"], s["k"], s["r"]
    # Repeat victimization: victims with 2+ incidents (weights 10, 14, 21, 7) among the victims.
    victims = w[v == 1].sum()
    assert find(results, "burglary", "repeat_victimization").estimate == pytest.approx(
        (10 + 14 + 21 + 7) / victims
    )
    assert find(results, "burglary", "repeat_victimization").n == 7
    # Reporting among incidents: Σw·reported / Σw·incidents.
    assert find(results, "burglary", "reporting_incidents").estimate == pytest.approx(
        (w * r).sum() / (w * k).sum()
    )
    # Reporting among victims: victims with at least one incident reported (10, 11, 21, 5, 7).
    assert find(results, "burglary", "reporting_victims").estimate == pytest.approx(
        (10 + 11 + 21 + 5 + 7) / victims
    )
    assert find(results, "burglary", "incidence").estimate == pytest.approx(
        1000 * (w * k).sum() / w.sum()
    )


def test_single_psu_rules_differ_as_documented():
    s = small_sample()
    crime = [Crime("burglary", s["v"])]
    design = Design.build(s["w"], s["strata"], s["psu"])
    adjust = find(estimate(design, crime), "burglary", "prevalence")
    certainty = find(
        estimate(Design.build(s["w"], s["strata"], s["psu"], single_psu="certainty"), crime),
        "burglary",
        "prevalence",
    )
    assert adjust.estimate == certainty.estimate
    assert adjust.se > certainty.se  # the lonely stratum adds z² under "adjust", nothing else
    with pytest.raises(DesignError, match="single PSU.*: C"):
        Design.build(s["w"], s["strata"], s["psu"], single_psu="fail")


def test_psu_labels_are_read_within_their_stratum():
    s = small_sample()
    # PSU "1" of stratum A and PSU "1" of stratum B are different PSUs.
    assert Design.build(s["w"], s["strata"], s["psu"]).n_psus == 6


def test_groups_are_domains_of_the_whole_design():
    s = small_sample()
    sex = np.array(list("FMFMFMFMFMFMFM") + [""])  # the last respondent has no answer
    design = Design.build(s["w"], s["strata"], s["psu"])
    results = estimate(design, [Crime("burglary", s["v"])], {"sex": sex})
    assert [e.level for e in results] == [None, "F", "M"]
    for level in "FM":
        d = (sex == level).astype(float)
        r, se = hand_taylor(s["v"] * d, d, s["w"], s["strata"], s["psu"])
        e = find(results, "burglary", "prevalence", "sex", level)
        assert (e.estimate, e.n) == (pytest.approx(r), int(d.sum()))
        assert e.se == pytest.approx(se, rel=1e-12)


def test_missing_answers_leave_the_respondent_out_of_that_measure_only():
    s = small_sample()
    k = s["k"].copy()
    k[0] = np.nan  # respondent 1 did not say how many burglaries
    results = estimate(Design.build(s["w"]), [Crime("burglary", s["v"], k, s["r"])])
    assert find(results, "burglary", "prevalence").n == 15
    assert find(results, "burglary", "incidence").n == 14
    assert find(results, "burglary", "repeat_victimization").n == 6
    keep = ~np.isnan(k)
    assert find(results, "burglary", "incidence").estimate == pytest.approx(
        1000 * (s["w"] * k)[keep].sum() / s["w"][keep].sum()
    )


def test_flags_for_few_respondents_unreliable_and_empty_bases():
    rng = np.random.default_rng(7)
    n = 200
    victim = (rng.random(n) < 0.02).astype(float)  # a handful of victims
    victim[:2] = 1.0
    group = np.where(np.arange(n) < 20, "small", "large")
    incidents = victim.copy()
    results = estimate(
        Design.build(np.ones(n)), [Crime("robbery", victim, incidents)], {"g": group}
    )
    small = find(results, "robbery", "prevalence", "g", "small")
    assert small.n == 20 and FEW_RESPONDENTS in small.flags
    overall = find(results, "robbery", "prevalence")
    assert overall.n == 200 and FEW_RESPONDENTS not in overall.flags
    assert (overall.rse > 0.30) == (UNRELIABLE in overall.flags)
    # No victim with 2+ incidents among few victims: repeat share 0, RSE undefined, flagged few.
    repeat = find(results, "robbery", "repeat_victimization")
    assert repeat.estimate == 0.0 and repeat.rse is None and FEW_RESPONDENTS in repeat.flags
    # A level with no victims has no base for repeat victimization.
    none = estimate(Design.build(np.ones(4)), [Crime("fraud", np.zeros(4), np.zeros(4))], per=1000)
    empty = find(none, "fraud", "repeat_victimization")
    assert empty.estimate is None and empty.flags == (NO_RESPONDENTS,)


def test_bad_designs_are_refused():
    with pytest.raises(DesignError, match="0 or more"):
        Design.build([1.0, -2.0])
    with pytest.raises(DesignError, match="Every weight is 0"):
        Design.build([0.0, 0.0])
    with pytest.raises(DesignError, match="one value per respondent"):
        Design.build([1.0, 1.0], strata=["a"])
    with pytest.raises(DesignError, match="Unknown single-PSU rule"):
        Design.build([1.0], single_psu="remove")


def synthetic_columns():
    from palermo.statistics.survey_io import SurveySpec, load
    from palermo.statistics.survey_synthetic import DEFAULT_PATH

    return load(
        DEFAULT_PATH, SurveySpec(weight="weight", strata="stratum", cluster="psu", by=("sex",))
    )


def test_unstratified_clusters_match_statsmodels_cluster_robust_se():
    sm = pytest.importorskip("statsmodels.api")
    survey = synthetic_columns()
    w = survey.design.weights
    table_psu = np.array([f"{s}/{p}" for s, p in zip(*_strata_psu(survey.path), strict=True)])
    design = Design.build(w, clusters=table_psu)
    for crime in survey.crimes:
        ours = find(estimate(design, [crime]), crime.name, "prevalence")
        fit = sm.WLS(crime.victim, np.ones_like(w), weights=w).fit(
            cov_type="cluster", cov_kwds={"groups": np.unique(table_psu, return_inverse=True)[1]}
        )
        # statsmodels' small-sample factor G/(G−1)·(N−1)/(N−K) is, with K = 1, the
        # with-replacement factor n/(n−1) of the single stratum.
        assert ours.estimate == pytest.approx(fit.params[0], rel=1e-10)
        assert ours.se == pytest.approx(fit.bse[0], rel=1e-8)


def _strata_psu(path):
    from palermo.statistics.survey_io import read_table

    table = read_table(path)
    return table.labels("stratum"), table.labels("psu")


def test_synthetic_survey_matches_samplics_taylor_estimator():
    pytest.importorskip("samplics")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from samplics.estimation import TaylorEstimator
        from samplics.utils.types import PopParam

    survey = synthetic_columns()
    strata, psu = _strata_psu(survey.path)
    w = survey.design.weights
    results = estimate(survey.design, survey.crimes, survey.groups)
    for crime in survey.crimes:
        cases = {
            "prevalence": (crime.victim, np.ones_like(w)),
            "repeat_victimization": ((crime.incidents >= 2).astype(float), crime.victim),
            "reporting_incidents": (crime.reported, crime.incidents),
        }
        for measure, (y, x) in cases.items():
            oracle = TaylorEstimator(PopParam.ratio)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                oracle.estimate(y=y, x=x, samp_weight=w, stratum=strata, psu=psu)
            e = find(results, crime.name, measure)
            assert e.estimate == pytest.approx(float(oracle.point_est), rel=1e-10), measure
            assert e.se == pytest.approx(float(oracle.stderror), rel=1e-8), measure
            assert e.ci_low == pytest.approx(float(oracle.lower_ci), rel=1e-6), measure
        # A domain: prevalence among women, the design kept whole.
        oracle = TaylorEstimator(PopParam.mean)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            oracle.estimate(
                y=crime.victim, samp_weight=w, stratum=strata, psu=psu, domain=survey.groups["sex"]
            )
        e = find(results, crime.name, "prevalence", "sex", "female")
        assert e.estimate == pytest.approx(float(oracle.point_est["female"]), rel=1e-10)
        assert e.se == pytest.approx(float(oracle.stderror["female"]), rel=1e-8)


def test_a_hundred_thousand_respondents_in_one_vectorised_pass():
    rng = np.random.default_rng(3)
    n = 100_000
    strata = rng.integers(0, 20, n)
    psu = rng.integers(0, 50, n)
    victim = (rng.random(n) < 0.05).astype(float)
    incidents = victim * (1 + rng.poisson(0.4, n))
    reported = rng.binomial(incidents.astype(int), 0.4).astype(float)
    design = Design.build(rng.uniform(50, 150, n), strata, psu)
    crimes = [Crime(c, victim, incidents, reported) for c in ("a", "b", "c", "d", "e", "f")]
    results = estimate(design, crimes, {"g": rng.choice(list("pqrstu"), n)})
    assert len(results) == 6 * 5 * 7
    r, se = hand_taylor(victim, np.ones(n), design.weights, strata, psu)
    assert find(results, "a", "prevalence").se == pytest.approx(se, rel=1e-9)


def test_any_crime_is_a_victim_of_at_least_one_type():
    nan = np.nan
    a = Crime("a", np.array([1, 0, 0, 0, nan]), np.array([1, 0, 0, 0, nan]), np.zeros(5))
    b = Crime("b", np.array([0, 1, 0, nan, 1]), np.array([0, 2, 0, nan, 1]), np.array([0, 1, 0, 0, 1]))  # fmt: skip
    both = any_crime([a, b])
    assert both.victim[:3].tolist() == [1, 1, 0]
    assert np.isnan(both.victim[3])  # 0 for a, missing for b: unknown
    assert both.victim[4] == 1  # a victim of b, whatever a says
    results = estimate(Design.build(np.ones(5)), [both])
    assert find(results, "any", "prevalence").estimate == pytest.approx(3 / 4)
    # incidents: 1, 2, 0, missing, missing → 3 incidents among 3 respondents answering
    assert find(results, "any", "incidence").estimate == pytest.approx(1000 * 3 / 3)
