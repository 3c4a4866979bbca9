"""A SYNTHETIC victimization survey, made up from random numbers with a fixed seed.

Nothing in it describes a real country or real people; it exists to show and test the survey
estimators (``data/survey_synthetic.md`` says so beside the file). Run
``python -m palermo.statistics.survey_synthetic OUT.csv [--respondents N] [--seed S]``; with
the defaults it writes ``data/survey_synthetic.csv`` exactly.

The made-up design: 4 regions × urban/rural = 8 strata; in each, 15 PSUs (enumeration areas)
and about the same number of interviews per PSU; a weight per respondent equal to a stratum
base weight (the strata are sampled at different rates) times a random non-response
adjustment. Each PSU has its own level of crime (a log-normal factor) so that answers cluster,
and victimisation depends on the area, the age group and the crime type. Victims have
``1 + Poisson(λ)`` incidents, each reported to the police with a crime-specific probability.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np

SEED = 20261202
RESPONDENTS = 3000
REGIONS = ("North", "South", "East", "West")
AREAS = ("urban", "rural")
PSUS_PER_STRATUM = 15
AGE_GROUPS = ("16-24", "25-34", "35-44", "45-54", "55-64", "65+")
AGE_SHARES = (0.14, 0.18, 0.18, 0.17, 0.15, 0.18)
AGE_RISK = (1.5, 1.3, 1.1, 0.9, 0.7, 0.5)
#: crime type → (share of respondents victimised in a year, mean extra incidents of a victim,
#: probability that an incident is reported to the police); all invented.
CRIMES = {
    "burglary": (0.040, 0.35, 0.70),
    "theft": (0.090, 0.45, 0.35),
    "robbery": (0.015, 0.25, 0.45),
    "assault": (0.030, 0.80, 0.30),
    "fraud": (0.060, 0.40, 0.15),
    "bribery": (0.050, 1.10, 0.05),
}
URBAN_RISK = {"urban": 1.4, "rural": 0.7}
BASE_WEIGHT = {"urban": 900.0, "rural": 1500.0}
DEFAULT_PATH = Path(__file__).with_name("data") / "survey_synthetic.csv"


def generate(respondents: int = RESPONDENTS, seed: int = SEED) -> tuple[list[str], list[list]]:
    """The header and rows of the synthetic survey (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    strata = [(region, area) for region in REGIONS for area in AREAS]
    n_psus = len(strata) * PSUS_PER_STRATUM
    psu = np.sort(np.arange(respondents) % n_psus)
    stratum = psu // PSUS_PER_STRATUM
    psu_effect = rng.lognormal(mean=0.0, sigma=0.45, size=n_psus)
    area = np.array([strata[s][1] for s in stratum])
    weight = np.array([BASE_WEIGHT[a] for a in area]) * rng.uniform(0.8, 1.25, respondents)
    sex = rng.choice(["female", "male"], size=respondents)
    age = rng.choice(len(AGE_GROUPS), size=respondents, p=AGE_SHARES)
    risk = (
        psu_effect[psu]
        * np.array([URBAN_RISK[a] for a in area])
        * np.array(AGE_RISK)[age]
        * np.where(sex == "male", 1.1, 0.9)
    )
    header = ["respondent_id", "stratum", "psu", "weight", "region", "area", "sex", "age_group"]
    columns: list[np.ndarray] = []
    for name, (share, extra, report) in CRIMES.items():
        victim = rng.random(respondents) < np.minimum(share * risk, 0.95)
        incidents = np.where(victim, 1 + rng.poisson(extra, respondents), 0)
        reported = rng.binomial(incidents, report)
        header += [f"{name}_victim", f"{name}_incidents", f"{name}_reported"]
        columns += [victim.astype(int), incidents, reported]
    rows = []
    for i in range(respondents):
        region, area_name = strata[stratum[i]]
        rows.append(
            [
                f"SYNTHETIC-{i + 1:05d}",
                f"{region}-{area_name}",
                f"{region[0]}{area_name[0].upper()}{psu[i] % PSUS_PER_STRATUM + 1:02d}",
                f"{weight[i]:.2f}",
                region,
                area_name,
                sex[i],
                AGE_GROUPS[age[i]],
                *(int(c[i]) for c in columns),
            ]
        )
    return header, rows


def write(path, respondents: int = RESPONDENTS, seed: int = SEED) -> Path:
    path = Path(path)
    header, rows = generate(respondents, seed)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the SYNTHETIC victimization survey.")
    parser.add_argument("output", nargs="?", default=str(DEFAULT_PATH))
    parser.add_argument("--respondents", type=int, default=RESPONDENTS)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    print(write(args.output, args.respondents, args.seed))


if __name__ == "__main__":
    main()
