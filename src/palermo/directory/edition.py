"""The printable edition of the Directory: entries grouped by area or by State, with only the
fields the reader may see. Rendered as a print page (HTML) and, where the PDF library fpdf2 is
installed, as a PDF with the system's DejaVu (Latin, Cyrillic, Arabic letters) and Noto CJK
fonts, found on disk and never shipped."""

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.platform.policies import policy_for

from .models import Authority

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
)
CJK_FONTS = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),
)


@dataclass
class Group:
    heading: str
    entries: list = field(default_factory=list)


def groups(entries, by: str) -> list[Group]:
    """``entries`` (already in the reader's rows) grouped by ``area`` or by ``state``."""
    result: dict = {}
    if by == "state":
        ordered = sorted(entries, key=lambda e: (e.participant.localized_name, e.area.order))
        for entry in ordered:
            key = entry.participant_id
            result.setdefault(key, Group(entry.participant.localized_name)).entries.append(entry)
    else:
        ordered = sorted(entries, key=lambda e: (e.area.order, e.participant.localized_name))
        for entry in ordered:
            result.setdefault(entry.area_id, Group(entry.area.local_name)).entries.append(entry)
    return list(result.values())


def lines(entry: Authority, hidden: set[str]) -> list[tuple[str, str]]:
    """The entry's fields as (label, text) lines, without those hidden from the reader."""
    values = [
        ("unit", _("Unit"), entry.unit),
        ("address", _("Address"), entry.address),
        ("contact_persons", _("Contact persons"), entry.contact_persons),
        ("phone", _("Telephone"), entry.phone),
        ("direct_lines", _("Direct lines"), entry.direct_lines),
        ("email", _("E-mail"), entry.email),
        ("hours", _("Office hours"), " ".join(filter(None, [entry.hours, entry.time_zone]))),
        ("languages", _("Accepted languages"), ", ".join(entry.languages)),
        ("channels", _("Accepted channels"), ", ".join(entry.channel_labels())),
        ("urgent_procedure", _("Urgent requests"), entry.urgent_procedure),
        ("requirements", _("Requirements for incoming requests"), entry.requirements),
        (
            "convention_legal_basis",
            _("Convention accepted as legal basis"),
            ""
            if entry.convention_legal_basis is None
            else (_("Yes") if entry.convention_legal_basis else _("No")),
        ),
        (
            "last_confirmed",
            _("Last confirmed"),
            entry.last_confirmed.isoformat() if entry.last_confirmed else _("never"),
        ),
    ]
    return [(label, str(text)) for name, label, text in values if name not in hidden and text]


def pdf_available() -> bool:
    return importlib.util.find_spec("fpdf") is not None and _font("DejaVuSans.ttf") is not None


def _font(name: str) -> Path | None:
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    return None


def render_pdf(entries, *, user, by: str) -> bytes:
    """The edition as PDF bytes (fpdf2). The caller checks ``pdf_available()`` first."""
    from fpdf import FPDF

    hidden = policy_for(Authority).hidden_fields(user)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("DejaVu", "", str(_font("DejaVuSans.ttf")))
    bold = _font("DejaVuSans-Bold.ttf")
    pdf.add_font("DejaVu", "B", str(bold or _font("DejaVuSans.ttf")))
    fallbacks = []
    cjk = next((p for p in CJK_FONTS if p.is_file()), None)
    if cjk is not None:
        try:
            pdf.add_font("NotoCJK", "", str(cjk), collection_font_number=0)
            fallbacks.append("NotoCJK")
        except Exception:  # an fpdf2 without font collections: Latin, Cyrillic, Arabic only
            pass
    if fallbacks:
        pdf.set_fallback_fonts(fallbacks)
    if importlib.util.find_spec("uharfbuzz") is not None:
        pdf.set_text_shaping(True)  # joined Arabic letters, right to left
    pdf.set_title(_("Directory of competent authorities"))
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 8, _("Directory of competent authorities"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(
        0,
        5,
        _("Printed on %(day)s. Entries marked “fictional” are demo content, not real authorities.")
        % {"day": timezone.localdate().isoformat()},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for group in groups(entries, by):
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", 13)
        pdf.multi_cell(0, 7, group.heading, new_x="LMARGIN", new_y="NEXT")
        for entry in group.entries:
            other = entry.area.local_name if by == "state" else entry.participant.localized_name
            title = f"{other} — {entry.authority}"
            if entry.is_demo:
                title += f" ({_('fictional')})"
            if entry.is_stale():
                title += f" [{_('to confirm')}]"
            pdf.ln(1)
            pdf.set_font("DejaVu", "B", 10)
            pdf.multi_cell(0, 5, title, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("DejaVu", "", 9)
            for label, text in lines(entry, hidden):
                pdf.multi_cell(0, 4.5, f"{label}: {text}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
