"""The periodic report on technical assistance, written from the data (DOCX and PDF).

``build(user, date_from, date_to, narratives)`` computes every section the Conference's working
papers have — introduction; strategic approach; one chapter per priority area (what was
delivered, where and with whom, participants by sex, budget and expenditure in US dollars with
the rates used, a table by region); the needs still open; proposals; conclusions — from
``figures.py`` and the models, reading only what ``user`` may see (the policies). A person
writes the narrative of each section (``Report.narratives``); the figures are always recomputed.

Work is in the period when it overlaps it (``figures.Period``). Historical items without a date
(most of the 2010 working paper's) are included when the year of their source document falls in
the period, and the report says so. Every historical item shows its source and paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from palermo.platform.policies import require_perm

from . import figures
from .choices import REPORT_SECTIONS, UNMET
from .models import (
    Activity,
    Need,
    PriorityActivity,
    PriorityArea,
    Programme,
    Proposal,
    Report,
    StatedFigure,
)


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[str]]


@dataclass
class Item:
    """One listed record: its text and, for a historical one, its source and paragraph."""

    text: str
    reference: str = ""
    demo: bool = False

    @property
    def line(self) -> str:
        text = self.text
        if self.demo:
            text += " " + _("(fictional)")
        if self.reference:
            text += f" [{self.reference}]"
        return text


@dataclass
class Section:
    key: str
    title: str
    level: int = 1
    narrative: str = ""
    #: Computed sentences (figures), shown after the narrative.
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    #: Titled lists of records: (heading, items).
    lists: list[tuple[str, list[Item]]] = field(default_factory=list)
    #: Figures as numbers, for the command's --json and for checks.
    figures: dict = field(default_factory=dict)


@dataclass
class ReportData:
    title: str
    date_from: date
    date_to: date
    sections: list[Section]
    #: The sources whose undated items were included (document → year).
    undated_sources: dict[str, int] = field(default_factory=dict)
    counts: dict = field(default_factory=dict)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def section_keys(self) -> list[str]:
        return [s.key for s in self.sections]


def section_titles() -> list[tuple[str, str]]:
    """The editable sections (key, title): the fixed chapters and one per priority area."""
    fixed = dict(REPORT_SECTIONS)
    keys = [
        ("introduction", fixed["introduction"]),
        ("strategic_approach", fixed["strategic_approach"]),
    ]
    keys.append(("areas", fixed["areas"]))
    for area in PriorityArea.objects.all():
        keys.append((f"area:{area.code}", f"{area.code}. {area.local_name}"))
    keys += [(k, fixed[k]) for k in ("needs", "proposals", "conclusions")]
    return [(k, str(t)) for k, t in keys]


# --- numbers and words ------------------------------------------------------------------------


def usd(value) -> str:
    return f"USD {Decimal(value or 0):,.2f}"


def _int(value) -> str:
    return f"{int(value or 0):,}"


def _dates(work) -> str:
    if not work.start and not work.end:
        return _("undated")
    precision = {"year": "%Y", "month": "%Y-%m"}.get(work.date_precision, "%Y-%m-%d")
    start = work.start.strftime(precision) if work.start else "…"
    end = work.end.strftime(precision) if work.end else "…"
    return start if start == end else f"{start} – {end}"


def _document_year(source: str) -> int | None:
    found = re.findall(r"\b(19\d\d|20\d\d)\b", source or "")
    return int(found[-1]) if found else None


def undated_sources(date_from: date, date_to: date) -> dict[str, int]:
    """Source documents whose year falls in the period: their undated items are included.
    A document's year is the one its stated figures and proposals give, else the one its name
    gives (the 2010 working paper)."""
    years: dict[str, int] = {}
    try:
        from . import historical

        paper = getattr(historical, "SOURCE", "")
        if paper:
            years[paper] = getattr(historical, "YEAR", None) or _document_year(paper) or 2010
    except ImportError:  # pragma: no cover
        pass
    for model in (StatedFigure, Proposal):
        for source, year in (
            model.objects.exclude(source="").exclude(year=None).values_list("source", "year")
        ):
            years.setdefault(source, year)
    sources = set()
    for model in (Activity, Programme, StatedFigure, Proposal):
        sources.update(model.objects.exclude(source="").values_list("source", flat=True).distinct())
    for source in sources:
        if source not in years and (year := _document_year(source)):
            years[source] = year
    return {s: y for s, y in sorted(years.items()) if date_from.year <= y <= date_to.year}


def _in_period(qs, period: figures.Period, sources):
    """Work overlapping the period (``figures.Period``); work still open that started before
    its end (for a historical record, only from a source of the period: an old paper's
    "ongoing" is not news of today); work of unknown start that ended in the period; and
    undated work from a source document of the period."""
    sources = list(sources)
    dated = period.activities(qs).values("pk")
    still_open = (
        qs.filter(end__isnull=True, start__lte=period.date_to)
        .filter(Q(source="") | Q(source__in=sources))
        .values("pk")
    )
    started_unknown = qs.filter(
        start__isnull=True, end__gte=period.date_from, end__lte=period.date_to
    ).values("pk")
    undated = qs.filter(start__isnull=True, end__isnull=True, source__in=sources).values("pk")
    return qs.filter(
        Q(pk__in=dated) | Q(pk__in=still_open) | Q(pk__in=started_unknown) | Q(pk__in=undated)
    )


def _where(activity) -> str:
    parts = []
    if activity.place:
        parts.append(activity.place)
    states = [p.localized_name for p in activity.beneficiaries.all()]
    if states:
        parts.append(", ".join(states))
    if activity.regions:
        parts.append(", ".join(activity.regions))
    return "; ".join(parts)


def _activity_item(activity) -> Item:
    bits = [activity.title, _dates(activity)]
    if activity.type_id:
        bits.append(activity.type.local_name)
    where = _where(activity)
    if where:
        bits.append(_("where: %(w)s") % {"w": where})
    partners = [str(p) for p in activity.partners.all()]
    if partners:
        bits.append(_("with: %(p)s") % {"p": ", ".join(partners)})
    people = list(activity.participations.all())
    if people:
        women = sum(p.women for p in people)
        men = sum(p.men for p in people)
        other = sum(p.other for p in people)
        bits.append(
            _("participants: %(w)s women, %(m)s men, %(o)s other")
            % {"w": _int(women), "m": _int(men), "o": _int(other)}
        )
    if activity.outputs:
        bits.append(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in activity.outputs.items()))
    return Item(" — ".join(bits), activity.source_reference, activity.demo)


def _rates(rates) -> list[str]:
    return [c.label for c in rates]


def _money_paragraphs(summary: dict) -> list[str]:
    lines = [
        _("Activities: %(a)s; beneficiary States: %(s)s.")
        % {"a": _int(summary["activities"]), "s": _int(summary["beneficiary_states"])},
        _("Participants: %(t)s (women %(w)s, men %(m)s, other or not stated %(o)s).")
        % {
            "t": _int(summary["participants"]["total"]),
            "w": _int(summary["participants"]["women"]),
            "m": _int(summary["participants"]["men"]),
            "o": _int(summary["participants"]["other"]),
        },
        _("Budget: %(b)s; expenditure: %(e)s; funding: %(f)s; funding gap: %(g)s.")
        % {
            "b": usd(summary["budget_usd"]),
            "e": usd(summary["expenditure_usd"]),
            "f": usd(summary["funding_usd"]),
            "g": usd(summary["funding_gap_usd"]),
        },
    ]
    rates = _rates(summary["rates"])
    lines.append(
        _("Rates used: %(r)s.") % {"r": "; ".join(rates)}
        if rates
        else _("Rates used: none (all amounts in US dollars).")
    )
    return lines


def _summary_numbers(summary: dict) -> dict:
    return {
        "activities": summary["activities"],
        "beneficiary_states": summary["beneficiary_states"],
        "participants": dict(summary["participants"]),
        "budget_usd": str(summary["budget_usd"]),
        "expenditure_usd": str(summary["expenditure_usd"]),
        "funding_usd": str(summary["funding_usd"]),
        "funding_gap_usd": str(summary["funding_gap_usd"]),
        "rates": _rates(summary["rates"]),
    }


def _region_table(user, filters) -> Table:
    rows = figures.breakdown(user, "region", filters)
    return Table(
        _("By region"),
        [
            _("Region"),
            _("Activities"),
            _("Women"),
            _("Men"),
            _("Other"),
            _("Budget (USD)"),
            _("Expenditure (USD)"),
        ],
        [
            [
                str(r["label"] or r["key"]),
                _int(r["activities"]),
                _int(r["women"]),
                _int(r["men"]),
                _int(r["other"]),
                f"{r['budget_usd']:,.2f}",
                f"{r['expenditure_usd']:,.2f}",
            ]
            for r in rows
        ],
    )


# --- building ---------------------------------------------------------------------------------


def build(user, date_from: date, date_to: date, narratives: dict | None = None, title: str = ""):
    """The report over the period as ``user`` may see it, with the narratives given."""
    if date_to < date_from:
        raise ValidationError(_("The period ends before it starts."))
    narratives = narratives or {}
    period = figures.Period(date_from, date_to)
    sources = undated_sources(date_from, date_to)
    titles = dict(section_titles())
    sections: list[Section] = []

    def section(key, level=1) -> Section:
        s = Section(key, titles.get(key, key), level, (narratives.get(key) or "").strip())
        sections.append(s)
        return s

    activities_qs = _in_period(
        Activity.objects.restrict(user).exclude(origin="partner"), period, sources
    ).select_related("type")
    activities_qs = activities_qs.prefetch_related(
        "beneficiaries", "partners", "participations", "priority_areas"
    ).order_by("start", "paragraph", "code")
    activities = list(activities_qs)
    undated = [a for a in activities if not a.start and not a.end]

    # Introduction.
    intro = section("introduction")
    total = figures.summary(user, figures.Filters(period=period))
    intro.paragraphs.append(
        _("This report covers %(f)s to %(t)s. Its figures are computed from the data.")
        % {"f": date_from.isoformat(), "t": date_to.isoformat()}
    )
    intro.paragraphs += _money_paragraphs(total)
    intro.figures = _summary_numbers(total)
    if sources:
        intro.paragraphs.append(
            _(
                "Items without a date from these sources are included because the source's year "
                "falls in the period (they are not counted in the dated figures above): %(s)s. "
                "Undated activities listed: %(n)s."
            )
            % {"s": "; ".join(f"{s} ({y})" for s, y in sources.items()), "n": len(undated)}
        )
    intro.figures["undated_activities"] = len(undated)
    stated = list(
        StatedFigure.objects.restrict(user)
        .filter(
            Q(year__gte=date_from.year, year__lte=date_to.year)
            | Q(year__isnull=True, source__in=list(sources))
        )
        .order_by("source", "paragraph", "pk")
    )
    if stated:
        intro.lists.append(
            (
                _("Figures stated by the sources"),
                [
                    Item(f"{f.value.normalize():f} {f.unit}: {f.what}", f.source_reference, f.demo)
                    for f in stated
                ],
            )
        )
    intro.figures["stated_figures"] = len(stated)

    # Strategic approach.
    strategy = section("strategic_approach")
    areas = list(PriorityArea.objects.all())
    strategy.lists.append(
        (_("Priority areas"), [Item(f"{a.code}. {a.local_name}", a.source) for a in areas])
    )
    strategy.lists.append(
        (
            _("Priority activities"),
            [
                Item(
                    f"({a.code}) {a.local_name}"
                    + (
                        " — " + _("articles %(a)s") % {"a": ", ".join(str(x) for x in arts)}
                        if (arts := list(a.articles.all()))
                        else ""
                    ),
                    a.source,
                )
                for a in PriorityActivity.objects.prefetch_related("articles")
            ],
        )
    )
    programmes = list(
        _in_period(Programme.objects.restrict(user), period, sources)
        .prefetch_related("partners", "priority_areas", "beneficiaries")
        .order_by("paragraph", "title")
    )
    items = []
    for p in programmes:
        bits = [p.title, p.get_kind_display(), p.period or _dates(p), p.get_status_display()]
        if p.regions:
            bits.append(", ".join(p.regions))
        states = [s.localized_name for s in p.beneficiaries.all()]
        if states:
            bits.append(", ".join(states))
        partners = [str(o) for o in p.partners.all()]
        if partners:
            bits.append(_("with: %(p)s") % {"p": ", ".join(partners)})
        codes = [a.code for a in p.priority_areas.all()]
        if codes:
            bits.append(", ".join(codes))
        if p.budget_usd is not None:
            bits.append(_("budget as stated: %(b)s") % {"b": usd(p.budget_usd)})
        if p.budget_note:
            bits.append(p.budget_note)
        items.append(Item(" — ".join(bits), p.source_reference, p.demo))
    strategy.lists.append((_("Programmes"), items))
    strategy.paragraphs.append(_("Programmes in the period: %(n)s.") % {"n": len(programmes)})
    strategy.figures = {"programmes": len(programmes)}

    # Areas of work: the overview, then one chapter per priority area.
    overview = section("areas")
    by_area = figures.breakdown(user, "priority_area", figures.Filters(period=period))
    overview.tables.append(
        Table(
            _("By priority area"),
            [
                _("Priority area"),
                _("Activities"),
                _("Women"),
                _("Men"),
                _("Other"),
                _("Budget (USD)"),
                _("Expenditure (USD)"),
            ],
            [
                [
                    f"{r['key']}. {r['label']}",
                    _int(r["activities"]),
                    _int(r["women"]),
                    _int(r["men"]),
                    _int(r["other"]),
                    f"{r['budget_usd']:,.2f}",
                    f"{r['expenditure_usd']:,.2f}",
                ]
                for r in by_area
            ],
        )
    )
    overview.tables.append(_region_table(user, figures.Filters(period=period)))
    for area in areas:
        chapter = section(f"area:{area.code}", level=2)
        filters = figures.Filters(period=period, priority_area=area.code)
        numbers = figures.summary(user, filters)
        chapter.paragraphs += _money_paragraphs(numbers)
        chapter.figures = _summary_numbers(numbers)
        delivered = [a for a in activities if area in a.priority_areas.all()]
        chapter.figures["listed_activities"] = len(delivered)
        chapter.lists.append(
            (_("Activities in the period"), [_activity_item(a) for a in delivered])
        )
        chapter.tables.append(_region_table(user, filters))
    unassigned = [a for a in activities if not a.priority_areas.all()]
    if unassigned:
        other = Section("area:none", _("Other activities"), 2, narratives.get("area:none", ""))
        sections.append(other)
        other.lists.append((_("Activities in the period"), [_activity_item(a) for a in unassigned]))

    # Needs still open.
    needs = section("needs")
    by_region = figures.unmet_needs(user, "region")
    by_type = figures.unmet_needs(user, "type")
    unmet = sum(r["needs"] for r in by_region)
    needs.paragraphs.append(
        _("Needs still wanting assistance: %(n)s, of which open with no activity planned: %(o)s.")
        % {"n": _int(unmet), "o": _int(sum(r["open"] for r in by_region))}
    )
    for title_, rows in ((_("By region"), by_region), (_("By type of assistance"), by_type)):
        needs.tables.append(
            Table(
                title_,
                [_("Where") if rows is by_region else _("Type"), _("Needs"), _("Open")],
                [
                    [str(r["label"] or _("not stated")), _int(r["needs"]), _int(r["open"])]
                    for r in rows
                ],
            )
        )
    listed = (
        Need.objects.restrict(user)
        .filter(status__in=list(UNMET))
        .select_related("participant", "type")
        .prefetch_related("activities")
        .order_by("participant__name", "title", "pk")
    )
    needs.lists.append(
        (
            _("Needs still wanting assistance"),
            [
                Item(
                    f"{n.participant.name}: {n.title} ({n.get_status_display()})"
                    + (
                        " — " + "; ".join(a.title for a in n.activities.all())
                        if n.activities.all()
                        else ""
                    ),
                    n.source_reference,
                    n.demo,
                )
                for n in listed
            ],
        )
    )
    needs.figures = {"unmet": unmet, "open": sum(r["open"] for r in by_region)}

    # Proposals.
    proposals_section = section("proposals")
    proposals = list(
        Proposal.objects.restrict(user)
        .filter(
            Q(year__gte=date_from.year, year__lte=date_to.year)
            | Q(year__isnull=True, source__in=list(sources))
            | Q(
                year__isnull=True,
                source="",
                created__date__gte=date_from,
                created__date__lte=date_to,
            )
        )
        .prefetch_related("priority_areas")
        .order_by("paragraph", "code")
    )
    proposals_section.lists.append(
        (
            _("Proposals"),
            [
                Item(
                    f"{p.code}: {p.summary}"
                    + (
                        f" ({', '.join(a.code for a in p.priority_areas.all())})"
                        if p.priority_areas.all()
                        else ""
                    ),
                    p.source_reference,
                    p.demo,
                )
                for p in proposals
            ],
        )
    )
    proposals_section.figures = {"proposals": len(proposals)}

    # Conclusions.
    conclusions = section("conclusions")
    conclusions.paragraphs.append(
        _(
            "In the period, %(a)s activities reached %(s)s beneficiary States and %(p)s "
            "participants; %(e)s of a budget of %(b)s was spent; %(n)s needs still want "
            "assistance."
        )
        % {
            "a": _int(total["activities"]),
            "s": _int(total["beneficiary_states"]),
            "p": _int(total["participants"]["total"]),
            "e": usd(total["expenditure_usd"]),
            "b": usd(total["budget_usd"]),
            "n": _int(unmet),
        }
    )
    data = ReportData(
        title=title
        or _("Technical assistance, %(f)s to %(t)s")
        % {"f": date_from.isoformat(), "t": date_to.isoformat()},
        date_from=date_from,
        date_to=date_to,
        sections=sections,
        undated_sources=sources,
        counts={
            "activities": len(activities),
            "programmes": len(programmes),
            "proposals": len(proposals),
            "stated_figures": len(stated),
        },
    )
    return data


def build_for(report: Report, user) -> ReportData:
    return build(user, report.date_from, report.date_to, report.narratives, report.title)


# --- writes -----------------------------------------------------------------------------------


def create_report(*, acting_user, title: str, date_from: date, date_to: date) -> Report:
    require_perm(acting_user, "assistance.add_report")
    report = Report(title=title, date_from=date_from, date_to=date_to, created_by=acting_user)
    report.full_clean()
    with transaction.atomic():
        report.save()
    return report


def save_narratives(report: Report, narratives: dict, *, acting_user) -> Report:
    """Replace the narratives of the sections given (empty text removes one)."""
    require_perm(acting_user, "assistance.change_report", report)
    known = {k for k, _t in section_titles()} | {"area:none"}
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        current = dict(report.narratives)
        for key, text in narratives.items():
            if key not in known:
                raise ValidationError(_("No section “%(k)s” in the report.") % {"k": key})
            text = (text or "").strip()
            if text:
                current[key] = text
            else:
                current.pop(key, None)
        report.narratives = current
        report.save(update_fields=["narratives", "updated"])
    return report


# --- output -----------------------------------------------------------------------------------


def _blocks(section: Section):
    """The section's content in reading order: ("text", str) / ("table", Table) /
    ("list", heading, items)."""
    if section.narrative:
        for paragraph in section.narrative.split("\n\n"):
            yield ("narrative", paragraph.strip())
    for paragraph in section.paragraphs:
        yield ("text", paragraph)
    for table in section.tables:
        yield ("table", table)
    for heading, items in section.lists:
        yield ("list", heading, items)


def to_docx(data: ReportData, path) -> None:
    from docx import Document

    doc = Document()
    doc.core_properties.title = data.title
    doc.add_heading(data.title, level=0)
    doc.add_paragraph(
        _("Period: %(f)s to %(t)s")
        % {"f": data.date_from.isoformat(), "t": data.date_to.isoformat()}
    )
    for section in data.sections:
        doc.add_heading(section.title, level=section.level)
        for block in _blocks(section):
            if block[0] in ("narrative", "text"):
                doc.add_paragraph(block[1])
            elif block[0] == "table":
                table = block[1]
                doc.add_paragraph(table.title, style="Heading 4")
                grid = doc.add_table(rows=1, cols=len(table.header))
                grid.style = "Table Grid"
                for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
                    cell.text = str(text)
                for row in table.rows:
                    cells = grid.add_row().cells
                    for cell, text in zip(cells, row, strict=True):
                        cell.text = str(text)
                if not table.rows:
                    doc.add_paragraph(_("Nothing to show."))
            else:
                _kind, heading, items = block
                doc.add_paragraph(heading, style="Heading 4")
                for item in items:
                    doc.add_paragraph(item.line, style="List Bullet")
                if not items:
                    doc.add_paragraph(_("None in the period."))
    doc.save(str(path))


def to_pdf(data: ReportData, path) -> None:
    """The report as PDF with fpdf2 and the system's fonts (the Directory edition's setup)."""
    import importlib.util

    from fpdf import FPDF

    from palermo.directory.edition import CJK_FONTS, _font

    regular = _font("DejaVuSans.ttf")
    if regular is None:
        raise RuntimeError(_("The DejaVu fonts are not installed: the PDF cannot be written."))
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(_font("DejaVuSans-Bold.ttf") or regular))
    cjk = next((p for p in CJK_FONTS if p.is_file()), None)
    if cjk is not None:
        try:
            pdf.add_font("NotoCJK", "", str(cjk), collection_font_number=0)
            pdf.set_fallback_fonts(["NotoCJK"])
        except Exception:  # an fpdf2 without font collections: Latin, Cyrillic, Arabic only
            pass
    if importlib.util.find_spec("uharfbuzz") is not None:
        pdf.set_text_shaping(True)
    pdf.set_title(data.title)
    pdf.add_page()

    def text(size, value, bold=False, height=5):
        pdf.set_font("DejaVu", "B" if bold else "", size)
        pdf.multi_cell(0, height, value, new_x="LMARGIN", new_y="NEXT")

    text(16, data.title, bold=True, height=8)
    text(
        10,
        _("Period: %(f)s to %(t)s")
        % {"f": data.date_from.isoformat(), "t": data.date_to.isoformat()},
    )
    for section in data.sections:
        pdf.ln(3)
        text(14 if section.level == 1 else 12, section.title, bold=True, height=7)
        for block in _blocks(section):
            if block[0] in ("narrative", "text"):
                text(9, block[1], height=4.5)
            elif block[0] == "table":
                table = block[1]
                pdf.ln(1)
                text(10, table.title, bold=True)
                pdf.set_font("DejaVu", "", 8)
                if table.rows:
                    first = 40 if len(table.header) > 3 else 90
                    rest = (pdf.epw - first) / (len(table.header) - 1)
                    widths = (first, *([rest] * (len(table.header) - 1)))
                    with pdf.table(col_widths=widths, text_align="LEFT") as grid:
                        for row in [table.header, *table.rows]:
                            cells = grid.row()
                            for value in row:
                                cells.cell(str(value))
                else:
                    text(9, _("Nothing to show."))
            else:
                _kind, heading, items = block
                pdf.ln(1)
                text(10, heading, bold=True)
                for item in items:
                    text(8.5, "• " + item.line, height=4.2)
                if not items:
                    text(9, _("None in the period."))
    pdf.output(str(path))


def write(data: ReportData, path, fmt: str) -> None:
    {"docx": to_docx, "pdf": to_pdf}[fmt](data, path)


def as_dict(data: ReportData) -> dict:
    """The report's computed figures per section (the command's --json)."""
    return {
        "title": data.title,
        "from": data.date_from.isoformat(),
        "to": data.date_to.isoformat(),
        "sections": [s.key for s in data.sections],
        "counts": data.counts,
        "undated_sources": data.undated_sources,
        "figures": {s.key: s.figures for s in data.sections if s.figures},
    }
