"""``palermo statistics survey FILE --design … --json``: a survey file's estimates.

The management command ``statistics`` calls ``add_arguments(parser)`` and ``handle(options)``;
``handle`` returns the JSON-ready dict (``format_text`` renders it as a table for people).

The design is given as ``--design weight=WT,strata=STRATUM,cluster=PSU`` (any of the three
keys, in any order), or with the separate options ``--weight``, ``--strata``, ``--cluster``,
which win over ``--design``. Example, on the shipped synthetic survey::

    palermo statistics survey src/palermo/statistics/data/survey_synthetic.csv \\
        --design weight=weight,strata=stratum,cluster=psu --by sex,age_group --json

The crime types are the prefixes of the ``CRIME_victim`` columns (``survey_io`` gives the
naming rule), all of them unless ``--crimes burglary,theft`` picks some; ``--any`` adds the
crime type ``any`` (a victim of at least one of them, ``surveys.any_crime``). Groups are the
columns of ``--by sex,age_group`` (repeatable). JSON fields:

``file``, ``respondents``, ``weighted_respondents`` (Σ weights), ``design`` (``weight``,
``strata``, ``cluster``: the column names or null; ``strata_count``, ``psu_count``,
``degrees_of_freedom``, ``t_quantile`` (t(0.975; df), null when df is 0), ``single_psu``
(the rule), ``single_psu_strata``), ``settings`` (``per``: incidents per that many
respondents; ``min_respondents``; ``max_rse``; ``reported``: ``count`` or ``flag``),
``crimes``, ``groups``, ``notes`` (sentences), and ``estimates``: one object per crime type ×
measure × group level, with ``crime``, ``measure`` (``prevalence``, ``incidence``,
``repeat_victimization``, ``reporting_incidents``, ``reporting_victims``), ``group`` and
``level`` (null, null for all respondents), ``estimate``, ``se``, ``ci_low``, ``ci_high``,
``rse``, ``n`` (unweighted respondents in the base), ``weighted_base`` and ``flags``
(``few_respondents``, ``unreliable``, ``no_respondents``). Shares are proportions (0.042, not
4.2%); incidence is per ``per`` respondents. With ``-o FILE.csv`` the estimates are also written
as CSV (the same fields, flags joined by ``;``) and ``output`` gives the file.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from palermo.statistics import survey_io, surveys
from palermo.statistics.surveys import _

DESIGN_KEYS = ("weight", "strata", "cluster")


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


def parse_design(text: str | None) -> dict[str, str]:
    """``"weight=WT,strata=S,cluster=PSU"`` → ``{"weight": "WT", …}``; refuses unknown keys."""
    design: dict[str, str] = {}
    for part in _split(text):
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or key not in DESIGN_KEYS or not value:
            raise ValueError(
                _("--design “%(part)s”: write KEY=COLUMN with KEY one of %(keys)s.")
                % {"part": part, "keys": ", ".join(DESIGN_KEYS)}
            )
        design[key] = value
    return design


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help=_("Microdata: .csv, .sav (SPSS) or .dta (Stata)."))
    parser.add_argument(
        "--design",
        help=_("Design columns, e.g. weight=WT,strata=STRATUM,cluster=PSU."),
    )
    parser.add_argument("--weight", help=_("Weight column (default: every weight 1)."))
    parser.add_argument("--strata", help=_("Stratum column (default: one stratum)."))
    parser.add_argument(
        "--cluster", help=_("Primary sampling unit column (default: each respondent).")
    )
    parser.add_argument(
        "--by", action="append", default=[], help=_("Group columns, e.g. sex,age_group.")
    )
    parser.add_argument(
        "--crimes", help=_("Crime types, e.g. burglary,theft (default: every *_victim column).")
    )
    parser.add_argument(
        "--any",
        action="store_true",
        help=_("Also the crime type “any”: a victim of at least one of the crime types."),
    )
    parser.add_argument(
        "--per",
        type=int,
        default=surveys.PER,
        help=_("Incidence per this many respondents (default 1000)."),
    )
    parser.add_argument(
        "--single-psu",
        choices=surveys.SINGLE_PSU,
        default="adjust",
        help=_("What a stratum with one PSU adds to the variance (default adjust)."),
    )
    parser.add_argument(
        "--reported",
        choices=("count", "flag"),
        default="count",
        help=_("CRIME_reported holds a number of incidents (count) or a 0/1 flag."),
    )
    parser.add_argument(
        "--min-respondents",
        type=int,
        default=surveys.MIN_RESPONDENTS,
        help=_("Flag estimates with fewer respondents in their base (default 30)."),
    )
    parser.add_argument(
        "--max-rse",
        type=float,
        default=surveys.MAX_RSE,
        help=_("Flag estimates with a larger relative standard error (default 0.30)."),
    )
    parser.add_argument(
        "-o", "--output", help=_("Also write the estimates to this CSV file, one row each.")
    )
    parser.add_argument("--json", action="store_true", help=_("Print JSON."))


def run(options: dict) -> dict:
    """The estimates as a dict; raises ``ValueError`` (a ``SurveyFileError`` names the place)."""
    design = parse_design(options.get("design"))
    for key in DESIGN_KEYS:
        if options.get(key):
            design[key] = options[key]
    if options.get("per", surveys.PER) <= 0:
        raise ValueError(_("--per must be a positive number."))
    by = tuple(c for text in options.get("by") or [] for c in _split(text))
    spec = survey_io.SurveySpec(
        weight=design.get("weight"),
        strata=design.get("strata"),
        cluster=design.get("cluster"),
        crimes=_split(options.get("crimes")),
        by=by,
        single_psu=options.get("single_psu") or "adjust",
        reported_is_count=(options.get("reported") or "count") == "count",
    )
    survey = survey_io.load(options["file"], spec)
    d = survey.design
    per = options.get("per") or surveys.PER
    min_n = options.get("min_respondents")
    min_n = surveys.MIN_RESPONDENTS if min_n is None else min_n
    max_rse = options.get("max_rse")
    max_rse = surveys.MAX_RSE if max_rse is None else max_rse
    crimes = list(survey.crimes)
    if options.get("any"):
        if "any" in {c.name for c in crimes}:
            raise ValueError(_("--any: the file already has a crime type named “any”."))
        crimes.append(surveys.any_crime(crimes))
    estimates = surveys.estimate(d, crimes, survey.groups, per=per, min_n=min_n, max_rse=max_rse)
    result = {
        "file": str(survey.path),
        "respondents": d.n,
        "weighted_respondents": round(float(d.weights.sum()), 6),
        "design": {
            "weight": spec.weight,
            "strata": spec.strata,
            "cluster": spec.cluster,
            "strata_count": d.n_strata,
            "psu_count": d.n_psus,
            "degrees_of_freedom": d.df,
            "t_quantile": surveys.t_quantile(0.975, d.df) if d.df > 0 else None,
            "single_psu": spec.single_psu,
            "single_psu_strata": d.single_psu_strata,
        },
        "settings": {
            "per": per,
            "min_respondents": min_n,
            "max_rse": max_rse,
            "reported": "count" if spec.reported_is_count else "flag",
        },
        "crimes": [c.name for c in crimes],
        "groups": list(survey.groups),
        "notes": survey.notes,
        "estimates": [
            {
                "crime": e.crime,
                "measure": e.measure,
                "group": e.group,
                "level": e.level,
                "estimate": e.estimate,
                "se": e.se,
                "ci_low": e.ci_low,
                "ci_high": e.ci_high,
                "rse": e.rse,
                "n": e.n,
                "weighted_base": e.weighted_base,
                "flags": list(e.flags),
            }
            for e in estimates
        ],
    }
    if options.get("output"):
        result["output"] = str(write_csv(result, options["output"]))
    return result


CSV_FIELDS = (
    "crime", "measure", "group", "level", "estimate", "se", "ci_low", "ci_high", "rse", "n",
    "weighted_base", "flags",
)  # fmt: skip


def write_csv(result: dict, path) -> Path:
    """The estimates of ``run`` as CSV (flags joined by ``;``, empty cells for no value)."""
    path = Path(path)
    if not path.parent.is_dir():
        raise ValueError(
            _("No folder %(folder)s to write %(name)s in.")
            % {"folder": path.parent, "name": path.name}
        )
    with path.open("w", newline="", encoding="utf-8") as f:
        write_rows(f, result["estimates"])
    return path


def write_rows(out, estimates) -> None:
    """The estimates as CSV rows on ``out`` (a file or an HTTP response), header first."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for e in estimates:
        cells = {**e, "flags": ";".join(e["flags"])}
        writer.writerow(["" if cells[k] is None else cells[k] for k in CSV_FIELDS])


def handle(options: dict) -> dict:
    """``run`` for the management command: a bad file or design becomes a ``CommandError``."""
    from django.core.management.base import CommandError

    try:
        return run(options)
    except ValueError as error:
        raise CommandError(str(error)) from None


def format_text(result: dict) -> str:
    """The estimates as a plain table, for a person at a terminal."""
    d = result["design"]
    lines = [
        _(
            "%(file)s: %(n)s respondents, %(strata)s strata, %(psus)s PSUs, "
            "%(df)s degrees of freedom."
        )
        % {
            "file": result["file"],
            "n": result["respondents"],
            "strata": d["strata_count"],
            "psus": d["psu_count"],
            "df": d["degrees_of_freedom"],
        },
        *result["notes"],
        "",
        "\t".join(
            [_("crime"), _("measure"), _("group"), _("estimate"), _("SE"), _("95% CI"), "n"]
            + [_("flags")]
        ),
    ]
    for e in result["estimates"]:
        group = f"{e['group']}={e['level']}" if e["group"] else _("all")

        def fmt(value):
            return "" if value is None else f"{value:.4g}"

        ci = f"{fmt(e['ci_low'])} – {fmt(e['ci_high'])}" if e["ci_low"] is not None else ""
        lines.append(
            "\t".join(
                [e["crime"], e["measure"], group, fmt(e["estimate"]), fmt(e["se"]), ci]
                + [str(e["n"]), ",".join(e["flags"])]
            )
        )
    return "\n".join(lines)
