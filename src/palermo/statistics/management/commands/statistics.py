"""``palermo statistics aggregate|recompute|import|export|survey``: the statistics from the
command line, through the same code as the pages (docs/user/statistics.md gives every JSON
field).

``palermo statistics aggregate --indicator homicide --year YEAR [--region CODE] [--details]
[--as USER] --json`` computes the world's, each region's and sub-region's figure now (or only
the region ``CODE`` and its sub-regions); ``palermo statistics recompute`` chooses the homicide
values again and stores every aggregate of every year (the background job, run here);
``palermo statistics import FILE [--dry-run] [--as USER]``; ``palermo statistics export
--format csv|xlsx|sdmx-csv|sdmx-ml -o FILE [--indicator CODE] [--state ISO3] [--as USER]``;
``palermo statistics survey …`` (victimization surveys, ``survey_cli``).
"""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from palermo.core.management.commands._base import acting_user, progress_bar, refused_as_error
from palermo.platform.audit import surface
from palermo.platform.choices import Surface


class Command(BaseCommand):
    help = (
        "Crime statistics. palermo statistics aggregate --indicator homicide --year YEAR "
        "[--region CODE] [--json]; palermo statistics recompute [--json]; palermo statistics "
        "import FILE [--dry-run] [--as USER] [--json]; palermo statistics export --format "
        "csv|xlsx|sdmx-csv|sdmx-ml -o FILE [--as USER] [--json]; palermo statistics survey …"
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        agg = actions.add_parser("aggregate", help="Regional and global figures of a year.")
        agg.add_argument("--indicator", default="homicide", choices=["homicide"])
        agg.add_argument("--year", type=int, required=True)
        agg.add_argument("--region", help="An M49 region or sub-region code (001: the world).")
        agg.add_argument(
            "--details", action="store_true", help="Also each State's value and how it was had."
        )
        agg.add_argument("--as", dest="user", help="Whose view of the details (default: public).")
        agg.add_argument("--json", action="store_true", help="Print JSON.")

        rec = actions.add_parser("recompute", help="Choose values and store every aggregate.")
        rec.add_argument("--as", dest="user", help="Who recomputes (default: the system actor).")
        rec.add_argument("--json", action="store_true", help="Print JSON.")

        imp = actions.add_parser(
            "import", help="Import observations (CSV, XLSX, SDMX-CSV, SDMX-ML)."
        )
        imp.add_argument("file")
        imp.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
        imp.add_argument("--as", dest="user", help="Who imports (default: the system actor).")
        imp.add_argument("--json", action="store_true", help="Print the import report as JSON.")

        exp = actions.add_parser("export", help="Export observations.")
        exp.add_argument("--format", choices=["csv", "xlsx", "sdmx-csv", "sdmx-ml"], required=True)
        exp.add_argument("-o", "--output", required=True, help="File to write.")
        exp.add_argument("--indicator", help="Only this indicator (code).")
        exp.add_argument("--state", help="Only this State (ISO alpha-3).")
        exp.add_argument("--as", dest="user", help="What this user may see (default: public).")
        exp.add_argument("--json", action="store_true", help="Print a JSON summary.")

        survey = actions.add_parser("survey", help="Victimization survey estimates.")
        try:
            from palermo.statistics import survey_cli
        except ImportError:
            survey_cli = None
        if survey_cli is not None:
            survey_cli.add_arguments(survey)
        else:
            survey.add_argument("rest", nargs="*")

    def handle(self, *args, **options):
        action = options["action"]
        with refused_as_error():
            return getattr(self, f"do_{action}")(options)

    def _print(self, options, summary, sentence: str):
        if options.get("json"):
            self.stdout.write(json.dumps(summary, indent=2, default=str))
        else:
            self.stdout.write(sentence)

    def do_aggregate(self, options):
        from palermo.statistics import services

        user = acting_user(options["user"], anonymous=True)
        try:
            results = services.compute_aggregates(options["year"], options["region"] or None)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        if not results:
            raise CommandError(f"No homicide figures for {options['year']}.")
        rows = []
        for r in results:
            row = r.as_dict()
            if options["details"]:
                row["details"] = services.details(r, user)
            rows.append(row)
        summary = {"indicator": options["indicator"], "year": options["year"], "areas": rows}
        lines = [
            f"{r['name']}: {r['rate']:.2f} per 100,000 ({r['count']:.0f} victims; "
            f"{r['coverage']:.0%} of {r['population']:,} people covered by observed data)"
            for r in rows
        ]
        self._print(options, summary, "\n".join(lines))

    def do_recompute(self, options):
        from palermo.platform.jobs import run_job_now
        from palermo.statistics.jobs import RECOMPUTE

        user = acting_user(options["user"])
        with progress_bar() as callback, surface(Surface.CLI, "palermo statistics recompute"):
            result = run_job_now(RECOMPUTE, acting_user=user, params={}, callback=callback)
        self._print(
            options,
            result,
            f"{result['choices']} values chosen; {result['aggregates']} aggregates over "
            f"{result['years']} years",
        )

    def do_import(self, options):
        from palermo.platform.imports import run_import
        from palermo.statistics.importers import ObservationImporter

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        user = acting_user(options["user"])
        with surface(Surface.CLI, "palermo statistics import"):
            report = run_import(
                ObservationImporter.name, path, acting_user=user, dry_run=options["dry_run"]
            )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2, default=str))
        else:
            self.stdout.write(report.message)
            for error in report.errors:
                self.stderr.write(str(error))
            for warning in report.warnings:
                self.stdout.write(str(warning))
        if not report.ok:
            raise CommandError(report.message, returncode=1)

    def do_export(self, options):
        from palermo.statistics import exports

        user = acting_user(options["user"], anonymous=True)
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"No folder {output.parent} to write {output.name} in.")
        rows = exports.observations(user, indicator=options["indicator"], state=options["state"])
        with surface(Surface.CLI, "palermo statistics export"):
            n = exports.write(rows.iterator(), output, options["format"])
        summary = {"file": str(output), "format": options["format"], "observations": n}
        self._print(options, summary, f"Wrote {n} observations to {output}")

    def do_survey(self, options):
        from palermo.statistics import survey_cli

        result = survey_cli.handle(options)
        self._print(options, result, survey_cli.format_text(result))
