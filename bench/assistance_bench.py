"""Benchmark: Assistance dashboards and the periodic report, 20 years for every State, beside
the 2010 data.

For each engine (a SQLite file in a temporary directory; with ``PALERMO_BENCH_DATABASE_URL``, a
throwaway PostgreSQL database on that server) in a child process:

1. migrate and load the real reference data, which includes the 2010 working paper's facts
   (``ta_2010.json``: 45 programmes, 134 activities);
2. time the **dashboard** (``figures.summary`` and ``figures.breakdown`` by priority area,
   region, State, year and type, and ``figures.unmet_needs`` by region, as the Secretariat's
   dashboard computes them) and the **report** (``report.build`` for the period, then DOCX and
   PDF) over the 2010 data alone;
3. write a synthetic history: 20 years (2007–2026) of activities for every State (``--per-state``
   a year, default 2: about 500 activities a year, the order of what UNODC reports delivering), each with participants by sex and institution, priority areas, articles,
   one project per State and year with budget lines and expenditure in five currencies, and
   needs; bulk-written;
4. time the same dashboard and report over the 20 years.

    .venv/bin/python bench/assistance_bench.py [--per-state 5] [--repeat 3] [--no-write]

The report goes to ``docs/benchmarks.md`` between ``<!-- bench:assistance -->`` markers.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from benchlib import throwaway_postgres, write_section

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench:assistance -->", "<!-- /bench:assistance -->"
ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
YEARS = range(2007, 2027)
CURRENCIES = ("USD", "EUR", "GBP", "NOK", "JPY")


def setup(database_url):
    data_dir = tempfile.mkdtemp(prefix="palermo-assistance-bench-")
    os.environ["PALERMO_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palermo.settings")
    if database_url:
        os.environ["PALERMO_DATABASE_URL"] = database_url
    else:
        os.environ.pop("PALERMO_DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference", quiet_progress=True, verbosity=0)
    return Path(data_dir)


def synthesise(per_state: int, seed: int = 7) -> dict:
    """Bulk-write the 20-year history; returns the counts."""
    from django.db import transaction

    from palermo.assistance import models as m
    from palermo.core.models import Participant
    from palermo.treaties.models import Article

    rng = random.Random(seed)
    states = list(Participant.objects.all())
    areas = list(m.PriorityArea.objects.all())
    types = list(m.AssistanceType.objects.all())
    institutions = list(m.InstitutionType.objects.all())
    articles = list(Article.objects.filter(instrument__code="UNTOC"))
    counts = {"activities": 0, "projects": 0, "budget_lines": 0, "needs": 0}
    with transaction.atomic():
        projects, budgets, spent = [], [], []
        for state in states:
            for year in YEARS:
                projects.append(
                    m.Project(
                        code=f"syn-{state.code}-{year}",
                        title=f"Synthetic project {state.code} {year}",
                        status="completed" if year < 2026 else "ongoing",
                        start=date(year, 1, 1),
                        end=date(year, 12, 31),
                        published=True,
                        demo=True,
                    )
                )
        m.Project.objects.bulk_create(projects, batch_size=2000)
        projects = {p.code: p for p in m.Project.objects.filter(code__startswith="syn-")}
        through_b = m.Project.beneficiaries.through
        through_pa = m.Project.priority_areas.through
        b_rows, pa_rows = [], []
        for state in states:
            for year in YEARS:
                project = projects[f"syn-{state.code}-{year}"]
                b_rows.append(through_b(project_id=project.pk, participant_id=state.pk))
                pa_rows.append(
                    through_pa(project_id=project.pk, priorityarea_id=rng.choice(areas).pk)
                )
                currency = rng.choice(CURRENCIES)
                amount = rng.randint(20, 500) * 1000
                budgets.append(
                    m.Budget(project=project, amount=amount, currency=currency, year=year)
                )
                spent.append(
                    m.Expenditure(
                        project=project,
                        amount=int(amount * rng.uniform(0.4, 1.0)),
                        currency=currency,
                        year=year,
                        month=rng.randint(1, 12),
                    )
                )
        through_b.objects.bulk_create(b_rows, batch_size=5000)
        through_pa.objects.bulk_create(pa_rows, batch_size=5000)
        m.Budget.objects.bulk_create(budgets, batch_size=5000)
        m.Expenditure.objects.bulk_create(spent, batch_size=5000)
        counts["projects"], counts["budget_lines"] = len(projects), len(budgets) + len(spent)

        activities = []
        for state in states:
            for year in YEARS:
                for i in range(per_state):
                    start = date(year, rng.randint(1, 12), rng.randint(1, 28))
                    activities.append(
                        m.Activity(
                            code=f"syn-{state.code}-{year}-{i}",
                            title=f"Synthetic activity {i} for {state.code} in {year}",
                            project=projects[f"syn-{state.code}-{year}"],
                            type=rng.choice(types),
                            status="completed" if year < 2026 else "planned",
                            start=start,
                            end=start,
                            published=True,
                            demo=True,
                        )
                    )
        m.Activity.objects.bulk_create(activities, batch_size=2000)
        ids = dict(m.Activity.objects.filter(code__startswith="syn-").values_list("code", "pk"))
        ab, apa, aar, part = [], [], [], []
        t_b, t_pa, t_ar = (
            m.Activity.beneficiaries.through,
            m.Activity.priority_areas.through,
            m.Activity.articles.through,
        )
        state_of = {s.code: s.pk for s in states}
        for code, pk in ids.items():
            ab.append(t_b(activity_id=pk, participant_id=state_of[code.split("-")[1]]))
            for area in rng.sample(areas, rng.randint(1, 2)):
                apa.append(t_pa(activity_id=pk, priorityarea_id=area.pk))
            aar.append(t_ar(activity_id=pk, article_id=rng.choice(articles).pk))
            part.append(
                m.Participation(
                    activity_id=pk,
                    institution=rng.choice(institutions),
                    women=rng.randint(0, 30),
                    men=rng.randint(0, 30),
                )
            )
        for model, rows in ((t_b, ab), (t_pa, apa), (t_ar, aar), (m.Participation, part)):
            model.objects.bulk_create(rows, batch_size=5000)
        counts["activities"] = len(ids)

        needs = [
            m.Need(
                participant=state,
                title=f"Synthetic need {i} of {state.code}",
                status=rng.choice(["open", "planned", "being_met", "met"]),
                type=rng.choice(types),
                demo=True,
            )
            for state in states
            for i in range(3)
        ]
        m.Need.objects.bulk_create(needs, batch_size=2000)
        counts["needs"] = len(needs)
    return counts


def dashboard(user, period):
    from palermo.assistance import figures

    filters = figures.Filters(period=figures.Period(*period))
    figures.summary(user, filters)
    for dimension in figures.DIMENSIONS:
        figures.breakdown(user, dimension, filters)
    figures.unmet_needs(user, "region")


def report(user, period, folder: Path):
    from palermo.assistance import report as r

    data = r.build(user, *period)
    r.to_docx(data, folder / "report.docx")
    r.to_pdf(data, folder / "report.pdf")


def timed(fn, repeat):
    values = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        values.append((time.perf_counter() - started) * 1000)
    return {"median_ms": round(statistics.median(values), 1), "max_ms": round(max(values), 1)}


def child(engine: str, database_url: str | None, per_state: int, repeat: int) -> dict:
    folder = setup(database_url)
    from palermo.assistance.models import Activity
    from palermo.core.choices import Role
    from palermo.core.models import RoleAssignment, User

    user = User.objects.create(username="bench-secretariat")
    RoleAssignment.objects.create(user=user, role=Role.SECRETARIAT)
    historical = (date(2008, 1, 1), date(2010, 12, 31))
    result = {"engine": engine, "historical_activities": Activity.objects.count()}
    result["dashboard_2010"] = timed(lambda: dashboard(user, historical), repeat)
    result["report_2010"] = timed(lambda: report(user, historical, folder), repeat)
    started = time.perf_counter()
    result["synthetic"] = synthesise(per_state)
    result["synthesis_s"] = round(time.perf_counter() - started, 1)
    twenty = (date(2007, 1, 1), date(2026, 12, 31))
    result["dashboard_20y"] = timed(lambda: dashboard(user, twenty), repeat)
    result["report_20y"] = timed(lambda: report(user, twenty, folder), repeat)
    return result


def render(results, args) -> str:
    lines = [
        "## Assistance: dashboards and the periodic report, 20 years for every State",
        "",
        f"`bench/assistance_bench.py --per-state {args.per_state} --repeat {args.repeat}`, "
        f"run {date.today():%Y-%m-%d}. The Secretariat's view (every row). Dashboard: the summary, "
        "five breakdowns and unmet needs by region. Report: `report.build`, then the DOCX and the "
        "PDF written. Median (max) in ms.",
        "",
        "| engine | data | activities | dashboard | report (build + DOCX + PDF) |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        syn = r["synthetic"]
        lines.append(
            f"| {ENGINES[r['engine']]} | 2010 working paper (2008–2010) | "
            f"{r['historical_activities']} | {r['dashboard_2010']['median_ms']} "
            f"({r['dashboard_2010']['max_ms']}) | {r['report_2010']['median_ms']} "
            f"({r['report_2010']['max_ms']}) |"
        )
        lines.append(
            f"| {ENGINES[r['engine']]} | 20 years, every State (synthetic) | "
            f"{syn['activities'] + r['historical_activities']:,} | "
            f"{r['dashboard_20y']['median_ms']} ({r['dashboard_20y']['max_ms']}) | "
            f"{r['report_20y']['median_ms']} ({r['report_20y']['max_ms']}) |"
        )
    lines += [
        "",
        "The synthetic history: "
        + "; ".join(
            f"{ENGINES[r['engine']]}: {r['synthetic']['activities']:,} activities, "
            f"{r['synthetic']['projects']:,} projects, {r['synthetic']['budget_lines']:,} budget "
            f"and expenditure lines in five currencies, {r['synthetic']['needs']:,} needs, "
            f"bulk-written in {r['synthesis_s']} s"
            for r in results
        )
        + ".",
    ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-state", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.url, args.per_state, args.repeat)))
        return
    results = []
    runs, drops = [("sqlite", None)], []
    server = os.environ.get("PALERMO_BENCH_DATABASE_URL")
    if server:
        url, drop = throwaway_postgres(server, "palermo_assistance_bench")
        runs.append(("postgresql", url))
        drops.append(drop)
    try:
        for engine, url in runs:
            command = [sys.executable, __file__, "--child", engine]
            command += ["--per-state", str(args.per_state), "--repeat", str(args.repeat)]
            if url:
                command += ["--url", url]
            out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            results.append(json.loads(out.strip().splitlines()[-1]))
            print(json.dumps(results[-1]), flush=True)
    finally:
        for drop in drops:
            drop()
    text = render(results, args)
    print(text)
    if not args.no_write:
        write_section(REPORT, BEGIN, END, f"{BEGIN}\n{text}\n{END}")


if __name__ == "__main__":
    main()
