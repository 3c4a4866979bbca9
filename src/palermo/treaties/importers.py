"""Import of treaty actions: the Palermo CSV layout (one or several instruments per file), the
UN Treaty Collection status page and the UN Treaty Collection's MTDSG XML.

Parsing is pure (``parsers.py``); its messages are translated here, with Django's gettext and
ngettext, into the importing user's language. Here each row's participant is matched (by its
ISO code when the row gives one, else by name), each row's instrument is identified (the row's
own, or the file's), every new action is checked by the rule engine together with what is
already recorded, and only then is anything written. Each row's ``source_url`` and
``source_note`` are kept on its actions as their provenance.

The parsing lives in ``parse_actions(filename, content, report)``; ``Importer.parse`` only
calls it, so the platform's import framework can change how it hands over the file.
"""

import csv
import io
import re
from dataclasses import replace

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from palermo.core.reference import normalise_name, participant_index
from palermo.platform.imports import Importer, ImportReport, Row, read_table, register_importer

from . import parsers
from .engine import Action, ActionKind
from .models import Instrument, TreatyAction
from .module import TREATY_DATA
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


def parse_actions(filename: str, content: bytes, report: ImportReport) -> list[Row]:
    """The file's actions as rows ``{"action", "participant", "instrument_code"}``, every
    problem reported with its row and column. ``report.options`` may name the instrument
    (for a file that does not) and the source (recorded with each action)."""
    if filename.lower().endswith((".xlsx", ".json")):
        result = _parse_table(filename, content, report)
    else:
        result = parsers.detect_and_parse(filename, content, translate=_, ntranslate=ngettext)
    for error in result.errors:
        report.error(error.row, error.field, error.message)
    report.options["meta"] = {
        k: (", ".join(map(str, v)) if isinstance(v, list) else str(v))
        for k, v in result.meta.items()
        if v is not None
    }
    label = (
        report.options.get("instrument")
        or result.meta.get("mtdsg_no")
        or result.meta.get("instrument")
        or result.meta.get("title")
        or ""
    )
    file_code = identify_instrument(str(label)) if label else None
    codes = {}  # a row's instrument label -> code (None: not understood)
    for action in result.actions:
        if action.instrument and action.instrument not in codes:
            codes[action.instrument] = identify_instrument(action.instrument)
    if file_code is None and not report.errors and any(not a.instrument for a in result.actions):
        report.error(
            None,
            "instrument",
            _(
                "the file does not say which instrument it is about (found “%(label)s”); name it "
                "in the instrument column or choose it with --instrument"
            )
            % {"label": label},
        )
    report.options["instrument_code"] = file_code or ", ".join(
        sorted({c for c in codes.values() if c})
    )
    source = report.options.get("source") or str(label) or filename
    report.options["source_label"] = f"{source} (file {report.file})"[:400]
    # Names are matched here, not in ``validate``, so that a file with a bad date in one row
    # and an unknown name in another reports both at once.
    index = participant_index()
    by_code = {p.code: p for p in index.values()}
    rows, bad = [], set()
    for action in result.actions:
        code = codes.get(action.instrument) if action.instrument else file_code
        if not action.instrument and code is None:
            continue  # reported above: the file does not say which instrument it is about
        if action.instrument and code is None:
            if action.row not in bad:
                bad.add(action.row)
                report.error(
                    action.row,
                    "instrument",
                    _(
                        "“%(label)s” is not an instrument this importer knows; use UNTOC, TIP, "
                        "SOM or FIREARMS, a UN Treaty Collection number (XVIII-12-a) or the title"
                    )
                    % {"label": action.instrument},
                )
            continue
        participant = by_code.get(action.iso3) if action.iso3 else None
        if participant is None and action.iso3 and action.row not in bad:
            bad.add(action.row)
            report.error(
                action.row,
                "iso3",
                _("“%(code)s” is not the ISO 3166 alpha-3 code of a known participant")
                % {"code": action.iso3},
            )
            continue
        if participant is not None and normalise_name(action.participant) in index:
            named = index[normalise_name(action.participant)]
            if named.pk != participant.pk and action.row not in bad:
                bad.add(action.row)
                report.error(
                    action.row,
                    "participant",
                    _("“%(name)s” is %(named)s, but iso3 %(code)s is %(coded)s; correct one")
                    % {
                        "name": action.participant,
                        "named": named.code,
                        "code": action.iso3,
                        "coded": participant.name,
                    },
                )
                continue
        participant = participant or index.get(normalise_name(action.participant))
        if participant is None:
            if action.row not in bad:
                bad.add(action.row)
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
        if action.row in bad:
            continue
        rows.append(
            Row(
                action.row,
                {"action": action, "participant": participant, "instrument_code": code},
            )
        )
    report.errors.sort(key=lambda e: (e.row is not None, e.row or 0))
    return rows


@register_importer
class TreatyActionImporter(Importer):
    name = "treaty-actions"
    label = gettext_lazy("Treaty actions (Palermo CSV, UN Treaty Collection page or XML)")
    help = gettext_lazy(
        "CSV, XLSX or JSON with columns instrument, participant, signature_date, deposit_date, "
        "action_type (dates as YYYY-MM-DD) and optionally iso3, source_url and source_note; each "
        "row names its instrument, so one file may hold the Convention and its Protocols. Or a "
        "status page saved from treaties.un.org (.html) or its MTDSG XML (e.g. "
        "xviii-12-a.en.xml), whose suffixes A, AA, a, d and c give acceptance, approval, "
        "accession, succession and formal confirmation."
    )
    permission = "treaties.import_actions"
    formats = ("csv", "xlsx", "json", "html", "xml")
    option_names = ("instrument", "source")

    def add_arguments(self, parser):
        parser.add_argument("--instrument", help="Instrument code if the file does not name it.")
        parser.add_argument("--source", help="Where the file comes from (recorded with each row).")

    def parse(self, source, report: ImportReport) -> list[Row]:
        # Status files are small (a few hundred rows): the layout is recognised on the whole.
        return parse_actions(source.name, source.read_bytes(), report)

    def validate(self, rows, report, progress):
        codes = sorted({row.values["instrument_code"] for row in rows})
        instruments = {i.code: i for i in Instrument.objects.filter(code__in=codes)}
        for code in codes:
            if code not in instruments:
                report.error(
                    None,
                    "instrument",
                    _("instrument %(code)s is not loaded; run “palermo load-reference” first")
                    % {"code": code},
                )
        if report.errors:
            return []
        # One line of the file can hold two actions (signature and deposit): count lines.
        report.rows = len({row.number for row in rows})
        progress.set_total(len(rows), _("Checking rows"))
        # What is recorded, by instrument and participant: its signature and its consent.
        existing = {
            (
                a.instrument.code,
                a.participant.code,
                "signature" if a.kind == ActionKind.SIGNATURE else "consent",
            ): a
            for a in TreatyAction.objects.filter(instrument__code__in=codes)
            .exclude(kind=ActionKind.DENUNCIATION)
            .select_related("participant", "instrument")
        }
        plan = []  # (instrument, row, participant, parsed action, operation, existing)
        for row in rows:
            progress.advance()
            parsed: parsers.ParsedAction = row.values["action"]
            participant = row.values["participant"]
            instrument = instruments[row.values["instrument_code"]]
            op, current = self._operation(instrument, participant, parsed, existing)
            if op == "conflict":
                report.error(
                    row.number,
                    "date",
                    _(
                        "%(who)s already has a %(kind)s of %(instrument)s dated %(old)s (source: "
                        "%(src)s); this file says %(new)s. Correct the record or the file first."
                    )
                    % {
                        "who": participant.name,
                        "kind": current.get_kind_display().lower(),
                        "instrument": instrument.code,
                        "old": current.date,
                        "src": current.source,
                        "new": parsed.date,
                    },
                )
                continue
            plan.append((instrument, row, participant, parsed, op, current))
        if report.errors:
            return []
        new_actions = {}
        for instrument, row, participant, parsed, op, _current in plan:
            if op == "create":
                kind = ActionKind(parsed.kind)
                action = Action(participant.code, instrument.code, kind, parsed.date)
                new_actions[action] = (row.number, parsed.kind)
        engine = build_engine(new_actions)  # messages in the importing user's language
        for refusal in engine.refusals:
            if refusal.action in new_actions:
                number, kind = new_actions[refusal.action]
                column = "signature_date" if kind == ActionKind.SIGNATURE else "deposit_date"
                report.error(number, column, refusal.reason)
        for note in engine.unverified:
            if note.action in new_actions:
                report.warn(new_actions[note.action][0], "participant", note.reason)
        for note in engine.excepted:
            if note.action in new_actions:
                report.warn(new_actions[note.action][0], None, note.reason)
        for discrepancy in engine.discrepancies:
            if discrepancy.instrument in instruments:
                report.warn(None, None, discrepancy.message)
        return plan

    @staticmethod
    def _operation(instrument, participant, parsed, existing):
        """create, update (a vaguer kind becomes precise), unchanged, or conflict."""
        key = (instrument.code, participant.code)
        if parsed.kind == ActionKind.SIGNATURE:
            current = existing.get((*key, "signature"))
            if current is None:
                return "create", None
            return ("unchanged" if current.date == parsed.date else "conflict"), current
        consent = existing.get((*key, "consent"))
        if consent is None:
            return "create", None
        if consent.date != parsed.date:
            return "conflict", consent
        vague = consent.kind == ActionKind.CONSENT_UNSPECIFIED or "/" in consent.source_text
        precise = parsed.kind != ActionKind.CONSENT_UNSPECIFIED and "/" not in parsed.source_text
        differs = consent.kind != parsed.kind or consent.source_text != parsed.source_text
        return ("update" if vague and precise and differs else "unchanged"), consent

    def write(self, items, report, *, acting_user, progress):
        """New actions in one bulk insert, each pointing to this import and its row; precise
        kinds replacing vague ones in one bulk update. The import is one audit entry, and one
        new version of the treaty data."""
        progress.set_total(len(items), _("Writing"))
        source = report.options["source_label"]
        now = timezone.now()
        created, updated = [], []
        for instrument, row, participant, parsed, op, current in items:
            progress.advance()
            if op == "unchanged":
                report.unchanged += 1
            elif op == "update":
                current.kind = parsed.kind
                current.source_text = parsed.source_text[:200]
                current.source = source
                current.source_url = parsed.source_url
                current.source_note = parsed.source_note
                current.updated = now
                self.stamp(current, report, row.number)
                updated.append(current)
            else:
                action = TreatyAction(
                    participant=participant,
                    instrument=instrument,
                    kind=parsed.kind,
                    date=parsed.date,
                    source=source,
                    source_text=parsed.source_text[:200],
                    source_url=parsed.source_url,
                    source_note=parsed.source_note,
                    footnotes=",".join(parsed.footnotes)[:100],
                )
                created.append(self.stamp(action, report, row.number))
        TreatyAction.objects.bulk_create(created, batch_size=500)
        TreatyAction.objects.bulk_update(updated, UPDATED_FIELDS, batch_size=500)
        if created or updated:
            # Bulk writes send no signal: the treaty results change with this transaction.
            TREATY_DATA.advance()
        report.created += len(created)
        report.updated += len(updated)


UPDATED_FIELDS = (
    "kind",
    "source_text",
    "source",
    "source_url",
    "source_note",
    "updated",
    "import_run",
    "source_row",
)
