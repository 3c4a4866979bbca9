"""Benchmark: victimization-survey estimates with design-based standard errors, Palermo's
vectorised estimator against samplics' Taylor estimator, in the same run.

100,000 fictional respondents (random numbers, fixed seed) in 20 strata × 50 PSUs, six crime
types, each with victims, incidents and incidents reported; the groups sex (2 levels) and age
band (6). Palermo (``statistics.surveys.estimate``) gives every measure of every crime type
for all respondents and in each group's levels: 6 × 5 × (1 + 2 + 6) = 270 estimates, each with
its standard error and 95% interval. samplics 0.6.1 (``TaylorEstimator``, ratio) computes the
same figures: one call per crime type, measure and grouping (with ``domain=`` for a group),
90 calls. The largest relative difference of the standard errors between the two is reported
beside the times, so the comparison is of the same work.

    .venv/bin/python bench/statistics_survey_bench.py [--respondents 100000] [--repeat 3] [--no-write]

samplics is a test dependency (``pip install -e ".[dev]"``); the report goes to
``docs/benchmarks.md`` between ``<!-- bench:statistics-survey -->`` and
``<!-- /bench:statistics-survey -->``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench:statistics-survey -->", "<!-- /bench:statistics-survey -->"
CRIMES = ("burglary", "theft", "robbery", "assault", "fraud", "bribery")


def survey(n: int, seed: int = 3):
    rng = np.random.default_rng(seed)
    strata = rng.integers(0, 20, n)
    psu = strata * 50 + rng.integers(0, 50, n)  # PSUs nested in strata
    weights = rng.uniform(50, 150, n)
    columns = {}
    for i, name in enumerate(CRIMES):
        victim = (rng.random(n) < 0.02 + 0.01 * i).astype(float)
        incidents = victim * (1 + rng.poisson(0.4, n))
        reported = rng.binomial(incidents.astype(int), 0.4).astype(float)
        columns[name] = (victim, incidents, reported)
    groups = {
        "sex": rng.choice(["female", "male"], n),
        "age": rng.choice(["16-24", "25-34", "35-44", "45-54", "55-64", "65+"], n),
    }
    return weights, strata, psu, columns, groups


def palermo(weights, strata, psu, columns, groups):
    from palermo.statistics.surveys import Crime, Design, estimate

    design = Design.build(weights, strata, psu)
    crimes = [Crime(name, *cols) for name, cols in columns.items()]
    return estimate(design, crimes, groups)


def samplics(weights, strata, psu, columns, groups, per: float = 1000):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from samplics.estimation import TaylorEstimator
        from samplics.utils.types import PopParam

    from palermo.statistics.surveys import Crime

    results = {}
    for name, cols in columns.items():
        crime = Crime(name, *cols)
        for measure in crime.measures():
            y, x = crime.columns(measure, per)
            for group in (None, *groups):
                oracle = TaylorEstimator(PopParam.ratio)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    oracle.estimate(
                        y=y,
                        x=x,
                        samp_weight=weights,
                        stratum=strata,
                        psu=psu,
                        domain=groups[group] if group else None,
                    )
                if group is None:
                    results[(name, measure, None, None)] = float(oracle.stderror)
                else:
                    for level, se in oracle.stderror.items():
                        results[(name, measure, group, str(level))] = float(se)
    return results


def timed(fn, repeat: int):
    values, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        values.append(time.perf_counter() - started)
    return {"median_s": statistics.median(values), "best_s": min(values), "result": result}


def run(n: int, repeat: int) -> dict:
    sys.path[:0] = [str(ROOT / "src")]
    data = survey(n)
    ours = timed(lambda: palermo(*data), repeat)
    # samplics takes over a minute at 100,000 respondents: once, unless asked for more.
    theirs = timed(lambda: samplics(*data), max(1, repeat // 3))
    se = {(e.crime, e.measure, e.group, e.level): e.se for e in ours["result"]}
    differences = [
        abs(se[key] - value) / value
        for key, value in theirs["result"].items()
        if value and se.get(key) is not None
    ]
    from importlib.metadata import version

    return {
        "respondents": n,
        "estimates": len(ours["result"]),
        "samplics_estimates": len(theirs["result"]),
        "compared": len(differences),
        "max_rel_difference": max(differences) if differences else None,
        "palermo": ours,
        "samplics": theirs,
        "samplics_version": version("samplics"),
        "repeat": repeat,
    }


def report(r: dict) -> str:
    ours, theirs = r["palermo"]["median_s"], r["samplics"]["median_s"]
    return "\n".join(
        [
            BEGIN,
            "## Statistics: survey estimates, beside samplics",
            "",
            f"`bench/statistics_survey_bench.py`: {r['respondents']:,} fictional respondents, 20 "
            "strata × 50 PSUs, 6 crime types × 5 measures × (all + 2 sexes + 6 age bands) = "
            f"{r['estimates']:,} estimates with design-based standard errors and 95% intervals. "
            f"samplics {r['samplics_version']} `TaylorEstimator` computes the same "
            f"{r['samplics_estimates']:,} figures; their standard errors agree with ours to a "
            f"relative {r['max_rel_difference']:.1e} at most ({r['compared']:,} compared).",
            "",
            "| what | s (median / best) | × Palermo |",
            "|---|---:|---:|",
            f"| Palermo (`statistics.surveys.estimate`, numpy) | {ours:.2f} / "
            f"{r['palermo']['best_s']:.2f} | 1 |",
            f"| samplics `TaylorEstimator` (90 calls, domains) | {theirs:.2f} / "
            f"{r['samplics']['best_s']:.2f} | {theirs / ours:.0f} |",
            "",
            END,
            "",
        ]
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md")
    args = parser.parse_args()
    text = report(run(args.respondents, args.repeat))
    print(text)
    if not args.no_write:
        sys.path.insert(0, str(ROOT / "bench"))
        from benchlib import write_section

        write_section(REPORT, BEGIN, END, text)


if __name__ == "__main__":
    main()
