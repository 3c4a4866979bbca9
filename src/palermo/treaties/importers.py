"""Import of treaty actions: the Palermo CSV layout and the UN Treaty Collection status page.

Parsing is pure (``parsers.py``); its messages are translated here, with Django's gettext and
ngettext, into the importing user's language. Here each row's participant name is matched to a
participant, the file's instrument is identified, every new action is checked by the rule engine
together with what is already recorded, and only then is anything written.
"""

import csv
import io
import re
from dataclasses import replace

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from palermo.core.reference import normalise_name, participant_index
from palermo.platform.imports import Importer, ImportReport, Row, read_table, register_importer

from . import parsers
from .engine import Action, ActionKind
from .models import Instrument, TreatyAction
from .queries import build_engine

_MTDSG = re.compile(r"XVIII-12(?:-([abc]))?\b", re.IGNORECASE)
_BY_LETTER = {None: "UNTOC", "a": "TIP", "b": "SOM", "c": "FIREARMS"}


def identify_instrument(label: str) -> str | None:
    """The instrument code a file names, from a UNTC number or the words of its title."""
    text = label or ""
    match = _MTDSG.search(text)
    if match:
        return _BY_LETTER[(match.group(1) or "").lower() or None]
    lowered = text.lower()
    if "protocol" in lowered:
        if "trafficking in persons" in lowered:
            return "TIP"
        if "smuggling of migrants" in lowered:
            return "SOM"
        if "firearms" in lowered:
            return "FIREARMS"
        return None
    if "transnational organized crime" in lowered:
        return "UNTOC"
    code = text.strip().upper()
    return code if code in _BY_LETTER.values() else None


@register_importer
class TreatyActionImporter(Importer):
    name = "treaty-actions"
    label = gettext_lazy("Treaty actions (Palermo CSV or UN Treaty Collection page)")
    help = gettext_lazy(
        "CSV, XLSX or JSON with columns instrument, participant, signature_date, deposit_date, "
        "action_type (dates as YYYY-MM-DD); or a status page saved from treaties.un.org (.html), whose "
        "suffixes A, AA, a, d and c give acceptance, approval, accession, succession and "
        "formal confirmation."
    )
    permission = "treaties.import_actions"
    formats = ("csv", "xlsx", "json", "html")
    option_names = ("instrument", "source")

    def add_arguments(self, parser):
        parser.add_argument("--instrument", help="Instrument code if the file does not name it.")
        parser.add_argument("--source", help="Where the file comes from (recorded with each row).")

    @staticmethod
    def _parse_table(filename: str, content: bytes, report: ImportReport) -> parsers.ParseResult:
        """An XLSX sheet or a JSON list in the Palermo CSV layout: read with the shared table
        reader, checked by the same CSV rules, errors given the sheet's own row numbers."""
        rows = read_table(filename, content, report)
        if report.errors or not rows:
            return parsers.ParseResult(
                errors=[]
                if report.errors
                else [parsers.ParseError(None, None, _("the file has no rows"))]
            )
        columns = list(dict.fromkeys(k for row in rows for k in row.values))
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow(row.values)
        result = parsers.parse_palermo_csv(buffer.getvalue(), translate=_, ntranslate=ngettext)
        numbers = {line: row.number for line, row in enumerate(rows, start=2)}
        result.actions = [replace(a, row=numbers.get(a.row, a.row)) for a in result.actions]
        result.errors = [replace(e, row=numbers.get(e.row, e.row)) for e in result.errors]
        return result

    def parse(self, filename: str, content: bytes, report: ImportReport) -> list[Row]:
        if filename.lower().endswith((".xlsx", ".json")):
            result = self._parse_table(filename, content, report)
        else:
            result = parsers.detect_and_parse(filename, content, translate=_, ntranslate=ngettext)
        for error in result.errors:
            report.error(error.row, error.field, error.message)
        report.options["meta"] = {k: str(v) for k, v in result.meta.items() if v is not None}
        label = (
            report.options.get("instrument")
            or result.meta.get("mtdsg_no")
            or result.meta.get("instrument")
            or result.meta.get("title")
            or ""
        )
        code = identify_instrument(str(label))
        if code is None and not report.errors:
            report.error(
                None,
                "instrument",
                _(
                    "the file does not say which instrument it is about (found “%(label)s”); name it "
                    "in the instrument column or choose it with --instrument"
                )
                % {"label": label},
            )
        report.options["instrument_code"] = code
        source = report.options.get("source") or str(label) or filename
        report.options["source_label"] = f"{source} (file {report.file})"[:400]
        # Names are matched here, not in ``validate``, so that a file with a bad date in one row
        # and an unknown name in another reports both at once.
        index = participant_index()
        rows, unknown = [], set()
        for action in result.actions:
            participant = index.get(normalise_name(action.participant))
            if participant is None:
                if action.row not in unknown:
                    unknown.add(action.row)
                    report.error(
                        action.row,
                        "participant",
                        _(
                            "“%(name)s” is not a known participant; use the name or ISO 3166 "
                            "alpha-3 code of a State in the M49 list"
                        )
                        % {"name": action.participant},
                    )
                continue
            rows.append(Row(action.row, {"action": action, "participant": participant}))
        report.errors.sort(key=lambda e: (e.row is not None, e.row or 0))
        return rows

    def validate(self, rows, report, progress):
        code = report.options.get("instrument_code")
        instrument = Instrument.objects.filter(code=code).first()
        if instrument is None:
            report.error(
                None,
                "instrument",
                _("instrument %(code)s is not loaded; run “palermo load-reference” first")
                % {"code": code},
            )
            return []
        # One line of the file can hold two actions (signature and deposit): count lines.
        report.rows = len({row.number for row in rows})
        progress.set_total(len(rows), _("Checking rows"))
        # What is recorded, by participant: its signature and its (one) consent to be bound.
        existing = {
            (a.participant.code, "signature" if a.kind == ActionKind.SIGNATURE else "consent"): a
            for a in TreatyAction.objects.filter(instrument=instrument)
            .exclude(kind=ActionKind.DENUNCIATION)
            .select_related("participant")
        }
        plan = []  # (row, participant, parsed action, operation, existing)
        for row in rows:
            progress.advance()
            parsed: parsers.ParsedAction = row.values["action"]
            participant = row.values["participant"]
            op, current = self._operation(participant, parsed, existing)
            if op == "conflict":
                report.error(
                    row.number,
                    "date",
                    _(
                        "%(who)s already has a %(kind)s dated %(old)s (source: %(src)s); this file "
                        "says %(new)s. Correct the record or the file first."
                    )
                    % {
                        "who": participant.name,
                        "kind": current.get_kind_display().lower(),
                        "old": current.date,
                        "src": current.source,
                        "new": parsed.date,
                    },
                )
                continue
            plan.append((row, participant, parsed, op, current))
        if report.errors:
            return []
        new_actions = {}
        for row, participant, parsed, op, _current in plan:
            if op == "create":
                kind = ActionKind(parsed.kind)
                action = Action(participant.code, instrument.code, kind, parsed.date)
                new_actions[action] = row.number
        engine = build_engine(new_actions)  # messages in the importing user's language
        for refusal in engine.refusals:
            if refusal.action in new_actions:
                report.error(new_actions[refusal.action], "deposit_date", refusal.reason)
        for note in engine.unverified:
            if note.action in new_actions:
                report.warn(new_actions[note.action], "participant", note.reason)
        for discrepancy in engine.discrepancies:
            if discrepancy.instrument == instrument.code:
                report.warn(None, None, discrepancy.message)
        return [(instrument, *item) for item in plan]

    @staticmethod
    def _operation(participant, parsed, existing):
        """create, update (a vaguer kind becomes precise), unchanged, or conflict."""
        if parsed.kind == ActionKind.SIGNATURE:
            current = existing.get((participant.code, "signature"))
            if current is None:
                return "create", None
            return ("unchanged" if current.date == parsed.date else "conflict"), current
        consent = existing.get((participant.code, "consent"))
        if consent is None:
            return "create", None
        if consent.date != parsed.date:
            return "conflict", consent
        vague = consent.kind == ActionKind.CONSENT_UNSPECIFIED or "/" in consent.source_text
        precise = parsed.kind != ActionKind.CONSENT_UNSPECIFIED and "/" not in parsed.source_text
        differs = consent.kind != parsed.kind or consent.source_text != parsed.source_text
        return ("update" if vague and precise and differs else "unchanged"), consent

    def write(self, items, report, *, acting_user, progress):
        progress.set_total(len(items), _("Writing"))
        source = report.options["source_label"]
        for instrument, _row, participant, parsed, op, current in items:
            progress.advance()
            if op == "unchanged":
                report.unchanged += 1
            elif op == "update":
                current.kind = parsed.kind
                current.source_text = parsed.source_text[:200]
                current.source = source
                current.save()
                report.updated += 1
            else:
                TreatyAction.objects.create(
                    participant=participant,
                    instrument=instrument,
                    kind=parsed.kind,
                    date=parsed.date,
                    source=source,
                    source_text=parsed.source_text[:200],
                    footnotes=",".join(parsed.footnotes)[:100],
                )
                report.created += 1
