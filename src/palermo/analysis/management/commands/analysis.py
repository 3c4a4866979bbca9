"""``palermo analysis workspace|member|import|export``: investigations from the command line,
through the same services and policies as the pages.

- ``palermo analysis workspace create TITLE --owner USER [--description TEXT] [--json]``
- ``palermo analysis member INVESTIGATION USER --role owner|editor|viewer --as OWNER [--json]``
- ``palermo analysis import INVESTIGATION FILE --mapping NAME|FILE [--month-first]
  [--country CC] [--dry-run] [--as USER] [--json]``: a ready mapping (calls, payments,
  companies, seizures, cases) or a mapping file; a file with errors writes nothing and exits 1.
- ``palermo analysis export INVESTIGATION --format ftm-jsonl|csv|graphml|gexf --as USER [-o FILE]
  [--json]``
- ``palermo analysis metrics INVESTIGATION --as USER [--directed] [--unweighted] [--sample K]
  [--top N] [--json]``: every node measure, communities and brokers
- ``palermo analysis disrupt INVESTIGATION --as USER --strategy degree|betweenness|strength|random
  [--per-step K] [--recompute] [--max-removed N] [--seed S] [--json]``: the largest connected
  component's size after each step
- ``palermo analysis patterns INVESTIGATION --as USER [--threshold N] [--fan-count K]
  [--fan-days D] [--json]``: fan-in, fan-out, cycles, structuring, pass-through
- ``palermo analysis resolve INVESTIGATION --as USER [--min-probability 0.5] [--json]``:
  candidate duplicates with their evidence and the source rows of each side

INVESTIGATION is its number or its exact title. Writes without ``--as`` are the system actor's
(named in the audit trail); an export needs ``--as`` a member: nobody else may read an
investigation, and the export is logged in the read log under that name.
"""

import json
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from palermo.core.management.commands._base import acting_user, refused_as_error
from palermo.platform.audit import surface
from palermo.platform.choices import Surface


class Command(BaseCommand):
    help = (
        "Investigations. palermo analysis workspace create TITLE --owner USER; "
        "palermo analysis member INVESTIGATION USER --role ROLE --as OWNER; "
        "palermo analysis import INVESTIGATION FILE --mapping NAME [--json]; "
        "palermo analysis export INVESTIGATION --format ftm-jsonl|csv|graphml|gexf --as USER [-o FILE]"
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        ws = actions.add_parser("workspace", help="Create an investigation.")
        ws.add_argument("verb", choices=["create"])
        ws.add_argument("title")
        ws.add_argument("--owner", required=True, help="User name of its first owner.")
        ws.add_argument("--description", default="")
        ws.add_argument("--as", dest="user", help="Who creates it (default: the system actor).")
        ws.add_argument("--json", action="store_true", help="Print a JSON summary.")

        mem = actions.add_parser("member", help="Give a person a role in an investigation.")
        mem.add_argument("investigation")
        mem.add_argument("username")
        mem.add_argument("--role", required=True, choices=["owner", "editor", "viewer"])
        mem.add_argument("--as", dest="user", help="An owner of the investigation.")
        mem.add_argument("--json", action="store_true", help="Print a JSON summary.")

        imp = actions.add_parser("import", help="Import a sheet into an investigation.")
        imp.add_argument("investigation")
        imp.add_argument("file")
        imp.add_argument(
            "--mapping",
            required=True,
            help="A ready mapping (calls, payments, companies, seizures, cases) or a file.",
        )
        imp.add_argument(
            "--month-first",
            dest="day_first",
            action="store_false",
            help="Read numeric dates (03.01.2024) month first; the default is day first.",
        )
        imp.add_argument("--country", default="", help="Country of national phone numbers.")
        imp.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
        imp.add_argument("--as", dest="user", help="Who imports (default: the system actor).")
        imp.add_argument("--json", action="store_true", help="Print the report as JSON.")

        exp = actions.add_parser("export", help="Export an investigation.")
        exp.add_argument("investigation")
        exp.add_argument("--format", required=True, choices=["ftm-jsonl", "csv", "graphml", "gexf"])
        exp.add_argument("-o", "--output", help="File to write (default: standard output).")
        exp.add_argument("--as", dest="user", help="A member of the investigation.")
        exp.add_argument("--json", action="store_true", help="Print a JSON summary (with -o).")

        for name, text in (
            ("metrics", "Every node measure of an investigation's network."),
            ("disrupt", "Remove the top-ranked entities step by step (disruption analysis)."),
        ):
            sub = actions.add_parser(name, help=text)
            sub.add_argument("investigation")
            sub.add_argument("--as", dest="user", help="A member of the investigation.")
            sub.add_argument("--json", action="store_true", help="Print JSON for scripts.")
            sub.add_argument(
                "--directed", action="store_true", help="Follow direction (payer → payee)."
            )
            sub.add_argument(
                "--unweighted", action="store_true", help="Count hops, not tie strength."
            )
            sub.add_argument(
                "--sample",
                type=int,
                help="Estimate betweenness from this many sources (large networks).",
            )
            sub.add_argument("--seed", type=int, default=0, help="For communities and random.")
            if name == "metrics":
                sub.add_argument("--top", type=int, default=20, help="Rows printed (text).")
            else:
                sub.add_argument(
                    "--strategy",
                    default="degree",
                    choices=["degree", "strength", "betweenness", "random"],
                )
                sub.add_argument("--per-step", type=int, default=1)
                sub.add_argument(
                    "--recompute", action="store_true", help="Rank again after each step."
                )
                sub.add_argument("--max-removed", type=int)

        res = actions.add_parser(
            "resolve", help="Candidate duplicates among an investigation's people and companies."
        )
        res.add_argument("investigation")
        res.add_argument("--as", dest="user", help="A member of the investigation.")
        res.add_argument(
            "--min-probability",
            type=float,
            default=0.5,
            help="List pairs at least this likely to be one entity (0–1; default 0.5).",
        )
        res.add_argument("--json", action="store_true", help="Print JSON for scripts.")

        pat = actions.add_parser("patterns", help="Payment patterns in an investigation.")
        pat.add_argument("investigation")
        pat.add_argument("--as", dest="user", help="A member of the investigation.")
        pat.add_argument(
            "--threshold", type=float, default=10_000, help="Reporting threshold (structuring)."
        )
        pat.add_argument("--fan-count", type=int, default=5)
        pat.add_argument("--fan-days", type=int, default=7)
        pat.add_argument("--json", action="store_true", help="Print JSON for scripts.")

    def handle(self, *args, **options):
        with refused_as_error():
            return getattr(self, f"do_{options['action']}")(options)

    def _print(self, options, summary: dict, sentence: str):
        if options.get("json"):
            self.stdout.write(json.dumps(summary, indent=2, default=str))
        else:
            self.stdout.write(sentence)

    def do_workspace(self, options):
        from palermo.analysis import services

        owner = acting_user(options["owner"])
        user = acting_user(options["user"])
        try:
            investigation = services.create_investigation(
                title=options["title"],
                description=options["description"],
                owner=owner,
                acting_user=user,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self._print(
            options,
            {"id": investigation.pk, "title": investigation.title, "owner": owner.username},
            f"Created investigation {investigation.pk} “{investigation.title}”, "
            f"owned by {owner.username}.",
        )

    def do_member(self, options):
        from palermo.analysis import services

        user = acting_user(options["user"])
        investigation = find_investigation(options["investigation"], user)
        person = acting_user(options["username"])
        try:
            services.add_member(investigation, person, role=options["role"], acting_user=user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self._print(
            options,
            {"investigation": investigation.pk, "user": person.username, "role": options["role"]},
            f"{person.username} is now {options['role']} of “{investigation.title}”.",
        )

    def do_import(self, options):
        from palermo.analysis import services
        from palermo.analysis.mappings import MappingNotFound

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        user = acting_user(options["user"])
        investigation = find_investigation(options["investigation"], user)
        with surface(Surface.CLI, "palermo analysis import"):
            try:
                report = services.import_file(
                    investigation,
                    path,
                    mapping=options["mapping"],
                    acting_user=user,
                    day_first=options["day_first"],
                    country=options["country"],
                    dry_run=options["dry_run"],
                )
            except MappingNotFound as exc:
                raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), default=str, indent=2))
        else:
            for error in report.errors:
                self.stderr.write(f"error: {error}")
            self.stdout.write(report.message)
        if not report.ok:
            raise CommandError("Nothing was imported.", returncode=1)

    def do_export(self, options):
        from palermo.analysis import exports

        user = acting_user(options["user"], anonymous=True)
        investigation = find_investigation(options["investigation"], user)
        with surface(Surface.CLI, "palermo analysis export"):
            if options["output"]:
                output = Path(options["output"])
                if not output.parent.is_dir():
                    raise CommandError(f"No folder {output.parent} to write {output.name} in.")
                with output.open("w", encoding="utf-8", newline="") as out:
                    count = exports.write(investigation, user, out, options["format"])
                self._print(
                    options,
                    {"file": str(output), "format": options["format"], "count": count},
                    f"Wrote {count} {_what(options['format'])} to {output}.",
                )
            else:
                exports.write(investigation, user, sys.stdout, options["format"])

    def _network(self, options):
        from palermo.analysis.graph import network_of
        from palermo.analysis.network import NetworkError

        user = acting_user(options["user"], anonymous=True)
        investigation = find_investigation(options["investigation"], user)
        with surface(Surface.CLI, f"palermo analysis {options['action']}"):
            try:
                return investigation, network_of(investigation, user, directed=options["directed"])
            except NetworkError as exc:
                raise CommandError(str(exc)) from None

    def do_metrics(self, options):
        investigation, graph = self._network(options)
        network, weighted = graph.network, not options["unweighted"]
        table = network.metrics(weighted=weighted, sample=options["sample"])
        communities = network.communities(seed=options["seed"]) if len(network) else None
        membership = communities.membership if communities else {}
        brokers = network.brokers() if len(network) else []
        rows = sorted(
            (
                {
                    **graph.label(node),
                    "community": membership.get(node),
                    **{k: round(v, 6) for k, v in values.items()},
                }
                for node, values in table.items()
            ),
            key=lambda r: (-r["betweenness"], -r["degree"], r["caption"]),
        )
        summary = {
            "investigation": investigation.pk,
            "network": network.summary(),
            "weighted": weighted,
            "sampled_betweenness": options["sample"],
            "communities": len(communities) if communities else 0,
            "modularity": round(communities.modularity, 6) if communities else None,
            "brokers": [
                {
                    **graph.label(b.node),
                    "community": b.community,
                    "participation": round(b.participation, 6),
                    "communities_reached": b.communities_reached,
                }
                for b in brokers[:20]
            ],
            "nodes": rows,
        }
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=2, default=str))
            return
        self.stdout.write(
            f"{len(network)} entities, {network.edge_count} ties, "
            f"{summary['communities']} communities (modularity {summary['modularity']})."
        )
        for row in rows[: options["top"]]:
            self.stdout.write(
                f"{row['caption'] or row['id']} ({row['schema']}): degree {row['degree']}, "
                f"betweenness {row['betweenness']:.3f}, PageRank {row['pagerank']:.3f}"
            )

    def do_disrupt(self, options):
        from palermo.analysis.network import NetworkError

        investigation, graph = self._network(options)
        try:
            result = graph.network.disrupt(
                options["strategy"],
                per_step=options["per_step"],
                recompute=options["recompute"],
                max_removed=options["max_removed"],
                seed=options["seed"],
                weighted=not options["unweighted"],
                sample=options["sample"],
            )
        except NetworkError as exc:
            raise CommandError(str(exc)) from None
        summary = {
            "investigation": investigation.pk,
            "strategy": result.strategy,
            "recompute": result.recompute,
            "per_step": result.per_step,
            "nodes": result.nodes,
            "steps": [
                {
                    "step": s.step,
                    "removed": [graph.label(n) for n in s.removed],
                    "removed_total": s.removed_total,
                    "largest_component": s.largest_component,
                    "largest_share": round(s.largest_share, 6),
                }
                for s in result.steps
            ],
        }
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=2, default=str))
            return
        for s in summary["steps"]:
            names = ", ".join(r["caption"] or r["id"] for r in s["removed"]) or "—"
            self.stdout.write(
                f"step {s['step']}: removed {names}; largest group {s['largest_component']} "
                f"({s['largest_share']:.0%})"
            )

    def do_resolve(self, options):
        from palermo.analysis.candidates import candidates_of
        from palermo.analysis.resolution import ResolutionError

        if not 0 <= options["min_probability"] <= 1:
            raise CommandError("--min-probability: a probability between 0 and 1.")
        user = acting_user(options["user"], anonymous=True)
        investigation = find_investigation(options["investigation"], user)
        with surface(Surface.CLI, "palermo analysis resolve"):
            try:
                found = candidates_of(
                    investigation, user, min_probability=options["min_probability"]
                )
            except ResolutionError as exc:
                raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(found, indent=2, default=str))
            return
        for pair in found["pairs"]:
            left, right = pair["left"], pair["right"]
            self.stdout.write(
                f"{left['caption']} ↔ {right['caption']}  {pair['match_probability']:.4f}"
            )
            for line in pair["evidence_for"] + pair["evidence_against"]:
                self.stdout.write(f"  {line}")
        self.stdout.write(
            f"{len(found['pairs'])} candidate pairs among {found['records']} records."
        )

    def do_patterns(self, options):
        from datetime import timedelta

        from palermo.analysis.patterns import Settings
        from palermo.analysis.payments import patterns_of

        user = acting_user(options["user"], anonymous=True)
        investigation = find_investigation(options["investigation"], user)
        settings = Settings(
            threshold=options["threshold"],
            fan_count=options["fan_count"],
            fan_window=timedelta(days=options["fan_days"]),
        )
        with surface(Surface.CLI, "palermo analysis patterns"):
            found = patterns_of(investigation, user, settings)
        if options["json"]:
            self.stdout.write(json.dumps(found, indent=2, default=str))
            return
        for finding in found["findings"]:
            self.stdout.write(f"{finding['pattern']}: {finding['explanation']}")
        self.stdout.write(
            f"{len(found['findings'])} findings in {found['payments']} payments"
            + (f" ({found['undated']} without a date left out)." if found["undated"] else ".")
        )


def _what(fmt: str) -> str:
    return {"ftm-jsonl": "entities", "csv": "statements"}.get(fmt, "nodes")


def find_investigation(reference: str, user):
    """The investigation numbered or titled ``reference`` among those ``user`` may see; one
    they may not see is reported as not found, like one that does not exist."""
    from palermo.analysis.models import Investigation

    visible = Investigation.objects.restrict(user)
    if reference.isdigit():
        found = visible.filter(pk=int(reference)).first()
    else:
        matches = list(visible.filter(title=reference)[:2])
        if len(matches) > 1:
            raise CommandError(f"Several investigations are titled “{reference}”: give its number.")
        found = matches[0] if matches else None
    if found is None:
        raise CommandError(f"No investigation “{reference}” that you may see.")
    return found
