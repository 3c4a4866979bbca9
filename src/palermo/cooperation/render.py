"""The request as a document for signature (DOCX and PDF), with its covering note.

A request's ``content`` (the JSON form ``rules.read_request`` reads) is laid out as a letter in
one of ``LANGUAGES``: the requesting authority's letterhead, reference and date, the addressee
(the requested State's central authority from the Directory), the subject and the legal basis,
then one section per part the content holds, in the order of article 18(15) (a)–(f), then the
offences, confidentiality (18(20)), limits on use (18(19)), urgency (18(13), 18(24)), the
contents article 13(3) adds for confiscation, article 16 for extradition, article 21 for a
transfer of proceedings, the annexes and a signature block. The covering note for the central
authority comes first, on its own page. A part the content leaves empty is left out.

The words of the letter are data, one file per language in ``letters/`` (``letters/en.json`` is
the reference: every other file has the same keys), so a lawyer can review a translation
without reading code. Fonts are the system's, found as the Directory edition finds them:
DejaVu (Latin, Cyrillic, Arabic) and Noto Sans CJK (Chinese, its Simplified face); Arabic is
shaped and right-to-left (fpdf2 with HarfBuzz; DOCX paragraphs marked bidi, runs rtl).
"""

from __future__ import annotations

import importlib.util
import io
import json
from dataclasses import dataclass, field, fields
from datetime import date
from functools import cache
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import rules

#: The languages a request can be written in: the six UN languages and Portuguese.
LANGUAGES: tuple = ("ar", "zh-hans", "en", "fr", "ru", "es", "pt")
FORMATS = ("pdf", "docx")
RTL = {"ar"}
LETTERS = Path(__file__).parent / "letters"

_NAMES = {
    "ar": gettext_lazy("Arabic"),
    "zh-hans": gettext_lazy("Chinese"),
    "en": gettext_lazy("English"),
    "fr": gettext_lazy("French"),
    "ru": gettext_lazy("Russian"),
    "es": gettext_lazy("Spanish"),
    "pt": gettext_lazy("Portuguese"),
}

#: Signatory fields read from the content when present (``rules.Request`` may not know them
#: yet: they are taken out before the content is read).
SIGNATORY = ("signatory_name", "signatory_title", "signatory_place")


class RenderError(ValueError):
    """A request that cannot be rendered as asked: an unknown format or language."""


def language_name(code: str) -> str:
    """The language's name in the interface language (the code itself if unknown)."""
    code = template_for(code) or code
    return str(_NAMES.get(code, code))


def template_for(code: str) -> str | None:
    """The template for a language code as the Directory (ISO 639-1: "zh") or the interface
    ("zh-hans") writes it; ``None`` if there is none."""
    code = (code or "").strip().lower().replace("_", "-")
    if code in LANGUAGES:
        return code
    primary = code.split("-")[0]
    if primary == "zh":
        return "zh-hans"
    return primary if primary in LANGUAGES else None


def choose_language(requested: rules.Requested, preferred: str = "") -> str | None:
    """The language to write in: ``preferred`` if the requested State accepts it and there is
    a template, else the first language the State accepts that has one. With no languages in
    the Directory, ``preferred`` if there is a template for it. ``None``: a translation is
    needed."""
    accepted = [t for t in (template_for(c) for c in requested.languages or []) if t]
    wanted = template_for(preferred)
    if not requested.languages:
        return wanted
    if wanted and wanted in accepted:
        return wanted
    return accepted[0] if accepted else None


@cache
def texts(language: str) -> dict:
    """The words of the letter in ``language`` (``letters/<code>.json``)."""
    if language not in LANGUAGES:
        raise RenderError(
            _("No template in “%(code)s”: choose one of %(known)s.")
            % {"code": language, "known": ", ".join(LANGUAGES)}
        )
    with open(LETTERS / f"{language}.json", encoding="utf-8") as handle:
        return json.load(handle)


# The letter, independent of its format ------------------------------------------------------


@dataclass
class Block:
    """One paragraph of the letter: ``kind`` says how it is laid out."""

    #: letterhead, title, meta, heading, subheading, text, field, item, signature, seal, break
    kind: str
    text: str = ""
    label: str = ""


@dataclass
class Letter:
    language: str
    title: str
    reference: str
    #: How a label is joined to its value (": ", French " : ", Chinese "：").
    colon: str = ": "
    #: The central authority the request is addressed to, and the requested State's accepted
    #: languages as template codes (empty: the Directory does not say).
    addressee: str = ""
    accepted_languages: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    #: The keys of the sections present, in order (``covering_note`` first when there is one).
    sections: list[str] = field(default_factory=list)

    @property
    def rtl(self) -> bool:
        return self.language in RTL

    def text(self) -> str:
        """Every paragraph's words, in order (for checks and search)."""
        return "\n".join(
            f"{b.label}{self.colon}{b.text}" if b.label and b.text else (b.label or b.text)
            for b in self.blocks
        )


class _Words:
    """Looks up and fills in the words of one language."""

    def __init__(self, language: str):
        self.language = language
        self.t = texts(language)
        self._states: dict[str, str] = {}

    def __getitem__(self, path: str) -> str:
        group, _sep, key = path.partition(".")
        return self.t[group][key] if key else self.t[group]

    def get(self, group: str, key: str, default: str = "") -> str:
        return self.t[group].get(key, default)

    def say(self, key: str, **values) -> str:
        return self.t["sentences"][key].format(**values)

    def date(self, day: date) -> str:
        return self.t["date"].format(
            day=day.day,
            month=self.t["months"][day.month - 1],
            month_number=day.month,
            year=day.year,
        )

    def number(self, value: float) -> str:
        return f"{value:g}".replace(".", self.t["decimal"])

    def cite(self, article: str, paragraph: str = "") -> str:
        patterns = self.t["cite"]
        number, _sep, rest = (paragraph or "").partition("(")
        letter = rest.rstrip(")")
        letter = self.t["letters"].get(letter, letter)
        if not paragraph:
            return patterns["article"].format(article=article)
        if not number:
            return patterns["letter"].format(article=article, letter=letter)
        if not letter:
            return patterns["paragraph"].format(article=article, paragraph=number)
        return patterns["subparagraph"].format(article=article, paragraph=number, letter=letter)

    def yes_no(self, value: bool | None) -> str:
        return self.t["values"]["unknown" if value is None else ("yes" if value else "no")]

    def state(self, code: str) -> str:
        """A State's name in this language (its English name where none is recorded); text
        that is not a State code is returned as it is."""
        value = (code or "").strip()
        if not (len(value) == 3 and value.isalpha() and value.isupper()):
            return value
        if value not in self._states:
            from palermo.core.models import Participant

            participant = Participant.objects.filter(code=value).first()
            name = ""
            if participant is not None:
                primary = self.language.split("-")[0]
                name = getattr(participant, f"name_{primary}", "") or participant.name
            self._states[value] = name or value
        return self._states[value]


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in (text or "").replace("\r\n", "\n").split("\n\n") if p.strip()]


def _blank(value) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


class _Builder:
    def __init__(self, words: _Words, letter: Letter):
        self.w, self.letter = words, letter
        self.number = 0

    def add(self, kind, text="", label=""):
        self.letter.blocks.append(Block(kind, str(text), str(label)))

    def section(self, key: str, cite: str = ""):
        self.number += 1
        title = self.w["sections." + key]
        if cite:
            title = f"{title} ({cite})"
        self.add("heading", f"{self.number}. {title}")
        self.letter.sections.append(key)

    def field(self, label_key: str, value):
        if not _blank(value):
            self.add("field", value, self.w["labels." + label_key])

    def text(self, value: str):
        for paragraph in _paragraphs(value):
            self.add("text", paragraph)


def _signatory(content: dict) -> tuple[dict, dict]:
    """The content without the signatory fields ``rules.Request`` does not know, and those."""
    known = {f.name for f in fields(rules.Request)}
    extra = {k: str(content.get(k) or "") for k in SIGNATORY}
    return {k: v for k, v in content.items() if k in known or k not in SIGNATORY}, extra


def build(
    content: dict,
    *,
    language: str,
    requested: rules.Requested | None = None,
    reference: str = "",
    title: str = "",
    covering_note: bool = True,
    on: date | None = None,
) -> Letter:
    """The letter for ``content`` in ``language``: its blocks and its sections' keys.
    ``rules.RequestError`` if the content cannot be read (it names the field)."""
    content, signatory = _signatory(content or {})
    request = rules.read_request(content)
    w = _Words(language)
    on = on or timezone.localdate()
    requested = requested or rules.Requested(code=request.requested_state)
    mla = request.kind in (rules.Kind.MLA, rules.Kind.CONFISCATION)
    kind_title = w["titles." + str(request.kind)]
    subject = title.strip() or request.subject_matter.strip()
    letter = Letter(language=language, title=kind_title, reference=reference, colon=w.t["colon"])
    b = _Builder(w, letter)

    state = w.state(request.requesting_state) or w["values.requesting_state"]
    requested_name = (
        w.state(requested.code or request.requested_state)
        or requested.name
        or w["values.requested_state"]
    )
    authority = request.requesting_authority.strip() or state
    addressee = requested.authority.strip() or w["values.central_authority"].format(
        state=requested_name
    )
    letter.addressee = addressee
    letter.accepted_languages = [
        t for t in (template_for(c) for c in requested.languages or []) if t
    ]
    if request.legal_basis == "UNTOC":
        basis = w.say(
            "basis_phrase", article=w["bases." + str(request.kind)], convention=w["convention"]
        )
    elif request.legal_basis.strip().lower() == "reciprocity":
        basis = w["values.reciprocity"]
    else:
        basis = request.legal_basis.strip()

    def head():
        b.add("letterhead", authority)
        if authority != state:
            b.add("letterhead", state)
        if reference:
            b.add("meta", reference, w["labels.reference"])
        b.add("meta", w.date(on), w["labels.date"])
        b.add("meta", f"{addressee}{w.t['separator']}{requested_name}", w["labels.to"])

    # The covering note, on its own page.
    if covering_note:
        letter.sections.append("covering_note")
        head()
        b.add("title", w["sections.covering_note"])
        b.add(
            "text",
            w.say(
                "covering_body",
                authority=authority,
                state=state,
                addressee=addressee,
                requested=requested_name,
                basis=basis,
            ),
        )
        b.add("subheading", w["labels.enclosures"])
        listed = kind_title + (f"{letter.colon}{subject}" if subject else "")
        b.add(
            "item",
            "1. "
            + w.say(
                "covering_request",
                title=listed,
                reference=reference or "—",
                date=w.date(on),
            ),
        )
        for n, annex in enumerate(request.annexes, start=1):
            b.add("item", f"{n + 1}. {w['labels.annex'].format(n=n)}{letter.colon}{annex}")
        if request.channel:
            b.add("field", w.get("channels", request.channel, request.channel), w["labels.channel"])
        if request.urgent:
            b.add("text", w.say("covering_urgent"))
        if request.confidential:
            b.add("text", w.say("covering_confidential"))
        b.add("text", w.say("covering_contact"))
        b.add("text", w.say("covering_close", authority=authority, addressee=addressee))
        b.add("signature", "")
        b.add("break")

    # The request.
    head()
    b.add("title", kind_title)
    if subject:
        b.add("meta", subject, w["labels.subject"])
    b.add(
        "text",
        w.say(
            "opening",
            authority=authority,
            addressee=addressee,
            state=state,
            requested=requested_name,
        ),
    )
    if request.legal_basis == "UNTOC":
        b.add("text", w.say("basis_untoc", article=w["bases." + str(request.kind)]))
        if requested.party_since is not None:
            b.add(
                "text",
                w.say(
                    "basis_untoc_party",
                    requested=requested_name,
                    date=w.date(requested.party_since),
                ),
            )
    elif request.legal_basis.strip().lower() == "reciprocity":
        b.add("text", w.say("basis_reciprocity"))
    else:
        b.add("text", w.say("basis_other", basis=basis))

    def cite(paragraph):
        return w.cite("18", paragraph) if mla else ""

    # Article 18(15) (a)–(f).
    if not _blank(request.requesting_authority):
        b.section("requesting_authority", cite("15(a)"))
        b.add("text", request.requesting_authority)
    if not all(
        _blank(v)
        for v in (
            request.subject_matter,
            request.proceeding,
            request.conducting_authority,
            request.conducting_functions,
        )
    ):
        b.section("proceeding", cite("15(b)"))
        b.field("subject_matter", request.subject_matter)
        b.field("proceeding", w.get("proceedings", request.proceeding, request.proceeding))
        b.field("conducting_authority", request.conducting_authority)
        b.field("conducting_functions", request.conducting_functions)
    if not _blank(request.facts):
        b.section("facts", cite("15(c)"))
        b.text(request.facts)
    assistance = [
        request.purposes,
        request.assistance,
        request.procedures,
        request.hearing_of,
        request.data_description,
        request.data_holder,
    ]
    if not all(_blank(v) for v in assistance):
        b.section("assistance", cite("15(d)"))
        if request.purposes:
            b.add("text", w.say("assistance_intro"))
            for key in request.purposes:
                article, paragraph, _english = rules.PURPOSES.get(key, ("", "", key))
                where = f" ({w.cite(article, paragraph)})" if article else ""
                b.add("item", f"• {w.get('purposes', key, key)}{where}")
        b.text(request.assistance)
        b.field("procedures", request.procedures)
        b.field("hearing_of", request.hearing_of)
        b.field("data_description", request.data_description)
        b.field("data_holder", request.data_holder)
    if request.persons:
        b.section("persons", cite("15(e)"))
        for person in request.persons:
            b.add("subheading", person.name or w["sentences.person_none"])
            b.field("role", w.get("roles", person.role.strip().lower(), person.role))
            b.field("location", person.location)
            b.field("nationality", w.state(person.nationality))
    if not _blank(request.purpose) and request.kind != rules.Kind.TRANSFER:
        b.section("purpose", cite("15(f)"))
        b.text(request.purpose)

    # What the Convention adds.
    if request.offences:
        b.section("offences")
        for offence in request.offences:
            b.add("subheading", offence.name or "—")
            b.field("provision", offence.provision)
            if offence.life:
                b.field("max_penalty", w["values.life"])
            elif offence.max_penalty_years is not None:
                b.field("max_penalty", w.number(offence.max_penalty_years))
            if offence.dual_criminality is not None:
                b.field("dual_criminality", w.yes_no(offence.dual_criminality))
            if offence.organized_group is not None:
                b.field("organized_group", w.yes_no(offence.organized_group))
            if offence.group_size is not None:
                b.field("group_size", str(offence.group_size))
            for key in offence.transnational:
                paragraph = rules.TRANSNATIONAL.get(key)
                where = f" ({w.cite('3', paragraph)})" if paragraph else ""
                b.field("transnational", w.get("transnational", key, key) + where)
            if offence.convention_offence:
                b.field(
                    "convention_offence",
                    w.get(
                        "convention_offences",
                        offence.convention_offence,
                        offence.convention_offence,
                    ),
                )
    if request.confidential:
        b.section("confidentiality", w.cite("18", "20"))
        b.add("text", w.say("confidential"))
        b.field("confidentiality_reason", request.confidentiality_reason)
    if request.use_limited_to_request is not None:
        b.section("use", w.cite("18", "19"))
        b.add("text", w.say("use_limited" if request.use_limited_to_request else "use_wider"))
    if request.urgent or request.deadline is not None:
        b.section("urgency", w.cite("18", "24"))
        if request.urgent:
            b.add("text", w.say("urgent"))
            b.field("urgency_reason", request.urgency_reason)
        if request.deadline is not None:
            b.add("text", w.say("deadline", date=w.date(request.deadline)))
            b.field("deadline_reason", request.deadline_reason)
    confiscation = [
        request.confiscation_basis,
        request.property_description,
        request.execution_extent,
        request.actions_requested,
    ]
    if (
        request.kind == rules.Kind.CONFISCATION
        or request.order_copy
        or not all(_blank(v) for v in confiscation)
    ):
        b.section("confiscation", w.cite("13", "3"))
        if request.confiscation_basis in rules.CONFISCATION_BASES:
            b.add("text", w.say("confiscation_" + request.confiscation_basis))
        b.field("property_description", request.property_description)
        if request.order_copy:
            b.add("text", w.say("order_copy"))
        b.field("execution_extent", request.execution_extent)
        b.field("actions_requested", request.actions_requested)
    if request.kind == rules.Kind.EXTRADITION:
        b.section("extradition", w.cite("16"))
        b.add("text", w.say("extradition"))
        sought = request.person_sought
        if sought is not None and not _blank(sought.name):
            b.add("subheading", f"{w['labels.person_sought']}{letter.colon}{sought.name}")
            b.field("location", sought.location)
            b.field("nationality", w.state(sought.nationality))
        if request.offences and all(o.dual_criminality for o in request.offences):
            b.add("text", w.say("dual_criminality_all"))
        if request.warrant_or_judgment:
            b.add("text", w.say("warrant"))
        if request.sentence_to_serve:
            b.add("text", w.say("sentence_to_serve"))
    if request.kind == rules.Kind.TRANSFER:
        b.section("transfer", w.cite("21"))
        b.add("text", w.say("transfer"))
        if not _blank(request.purpose):
            b.add("subheading", w["labels.transfer_reasons"])
            b.text(request.purpose)

    b.section("annexes")
    if request.annexes:
        for n, annex in enumerate(request.annexes, start=1):
            b.add("item", f"{w['labels.annex'].format(n=n)}{letter.colon}{annex}")
    else:
        b.add("text", w.say("annexes_none"))

    b.section("signature")
    b.add("text", w.say("signature_intro"))
    b.add("field", signatory["signatory_name"] or "", w["labels.name"])
    b.add("field", signatory["signatory_title"] or "", w["labels.title"])
    b.add("field", signatory["signatory_place"] or "", w["labels.place"])
    b.add("field", "", w["labels.date"])
    b.add("signature", "", w["labels.signature"])
    b.add("seal", "", w["labels.seal"])
    return letter


# Writing it ----------------------------------------------------------------------------------


def to_docx(letter: Letter) -> bytes:
    """The letter as DOCX (python-docx); Arabic paragraphs bidi, runs rtl, the section RTL."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    doc.core_properties.title = letter.title
    doc.core_properties.language = letter.language
    if letter.reference:
        doc.core_properties.subject = letter.reference
    normal = doc.styles["Normal"]
    normal.font.size = Pt(11)
    r_pr = normal.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.append(fonts)
    fonts.set(qn("w:cs"), "Arial")
    fonts.set(qn("w:eastAsia"), "SimSun")
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), {"ar": "ar-SA", "zh-hans": "zh-CN"}.get(letter.language, letter.language))
    lang.set(qn("w:bidi"), "ar-SA")
    lang.set(qn("w:eastAsia"), "zh-CN")
    r_pr.append(lang)
    if letter.rtl:
        doc.sections[0]._sectPr.append(OxmlElement("w:bidi"))

    def rtl(paragraph):
        if not letter.rtl:
            return paragraph
        paragraph._p.get_or_add_pPr().insert(0, OxmlElement("w:bidi"))
        for run in paragraph.runs:
            run._r.get_or_add_rPr().append(OxmlElement("w:rtl"))
        return paragraph

    def para(text="", bold_label="", style=None, size=None, bold=False):
        paragraph = doc.add_paragraph(style=style)
        if bold_label:
            label = paragraph.add_run(f"{bold_label}{letter.colon}")
            label.bold = True
        if text:
            run = paragraph.add_run(text)
            run.bold = bold
            if size:
                run.font.size = Pt(size)
        return rtl(paragraph)

    for block in letter.blocks:
        if block.kind == "letterhead":
            para(block.text, bold=True, size=13)
        elif block.kind == "meta":
            para(block.text, block.label)
        elif block.kind == "title":
            paragraph = rtl(doc.add_heading(block.text, level=1))
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif block.kind == "heading":
            rtl(doc.add_heading(block.text, level=2))
        elif block.kind == "subheading":
            para(block.text, bold=True)
        elif block.kind == "field":
            para(block.text or "_" * 30, block.label)
        elif block.kind == "item":
            para(block.text)
        elif block.kind == "signature":
            para()
            para("_" * 40 + (f"\n{block.label}" if block.label else ""))
        elif block.kind == "seal":
            para(f"[ {block.label} ]")
        elif block.kind == "break":
            doc.add_page_break()
        else:
            para(block.text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _fonts():
    from palermo.directory.edition import CJK_FONTS, _font

    regular = _font("DejaVuSans.ttf")
    if regular is None:
        raise RenderError(_("The DejaVu fonts are not installed: the PDF cannot be written."))
    cjk = next((p for p in CJK_FONTS if p.is_file()), None)
    return regular, _font("DejaVuSans-Bold.ttf") or regular, cjk


def cjk_available() -> bool:
    return _fonts()[2] is not None


#: Noto Sans CJK's collection holds JP, KR, SC, TC, HK in that order: Simplified Chinese is 2.
CJK_SIMPLIFIED = 2


def to_pdf(letter: Letter) -> bytes:
    """The letter as PDF (fpdf2, the system's fonts); Arabic shaped and right-aligned."""
    from fpdf import FPDF

    regular, bold, cjk = _fonts()
    shaping = importlib.util.find_spec("uharfbuzz") is not None
    if letter.rtl and not shaping:
        raise RenderError(
            _("Arabic needs text shaping (the uharfbuzz package): the PDF cannot be written.")
        )
    if letter.language == "zh-hans" and cjk is None:
        raise RenderError(
            _("The Noto CJK fonts are not installed (make system-deps): no Chinese PDF.")
        )
    footer_text = letter.reference

    class Pdf(FPDF):
        def footer(self):
            self.set_y(-12)
            self.set_font(family, "", 8)
            self.cell(0, 5, f"{footer_text}  {self.page_no()}".strip(), align="C")

    pdf = Pdf(format="A4")
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(bold))
    family = "DejaVu"
    if cjk is not None:
        cjk_bold = cjk.with_name(cjk.name.replace("Regular", "Bold"))
        pdf.add_font("NotoCJK", "", str(cjk), collection_font_number=CJK_SIMPLIFIED)
        pdf.add_font(
            "NotoCJK",
            "B",
            str(cjk_bold if cjk_bold.is_file() else cjk),
            collection_font_number=CJK_SIMPLIFIED,
        )
        if letter.language == "zh-hans":
            family = "NotoCJK"
            pdf.set_fallback_fonts(["DejaVu"])
        else:
            pdf.set_fallback_fonts(["NotoCJK"])
    if letter.rtl:
        pdf.set_text_shaping(
            use_shaping_engine=True, direction="rtl", script="arab", language="ara"
        )
    elif shaping:
        pdf.set_text_shaping(True)
    pdf.set_title(letter.title)
    pdf.set_lang(letter.language)
    align = "R" if letter.rtl else "L"
    pdf.add_page()

    def write(text, size=10.5, bold=False, height=5.6, where=None, gap=1.2):
        pdf.set_font(family, "B" if bold else "", size)
        pdf.multi_cell(0, height, text, align=where or align, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    for block in letter.blocks:
        if block.kind == "letterhead":
            write(block.text, 12, bold=True, gap=0.2)
        elif block.kind == "meta":
            write(f"{block.label}{letter.colon}{block.text}", gap=0.4)
        elif block.kind == "title":
            pdf.ln(5)
            write(block.text, 15, bold=True, height=8, where="C", gap=4)
        elif block.kind == "heading":
            pdf.ln(3)
            write(block.text, 12, bold=True, height=6.5)
        elif block.kind == "subheading":
            write(block.text, bold=True)
        elif block.kind == "field":
            write(f"{block.label}{letter.colon}{block.text or '_' * 30}")
        elif block.kind == "signature":
            pdf.ln(10)
            write("_" * 40 + (f"\n{block.label}" if block.label else ""))
        elif block.kind == "seal":
            pdf.ln(4)
            write(f"[ {block.label} ]")
        elif block.kind == "break":
            pdf.add_page()
        else:
            write(block.text)
    return bytes(pdf.output())


def write(letter: Letter, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise RenderError(_("No format “%(fmt)s”: choose pdf or docx.") % {"fmt": fmt})
    return to_pdf(letter) if fmt == "pdf" else to_docx(letter)


def render_content(
    content: dict,
    *,
    fmt: str,
    language: str,
    requested: rules.Requested | None = None,
    reference: str = "",
    title: str = "",
    covering_note: bool = True,
) -> bytes:
    """The request described by ``content`` as ``fmt`` ("pdf" or "docx") in ``language``."""
    if fmt not in FORMATS:
        raise RenderError(_("No format “%(fmt)s”: choose pdf or docx.") % {"fmt": fmt})
    letter = build(
        content,
        language=template_for(language) or language,
        requested=requested,
        reference=reference,
        title=title,
        covering_note=covering_note,
    )
    return write(letter, fmt)


def letter_for(request, *, language: str = "", user, covering_note: bool = True) -> Letter:
    """The letter for a ``models.Request`` as ``user`` may see it (``PermissionDenied``
    otherwise): the requested State from Treaties and the Directory, the language chosen from
    the Directory when none is given (``RenderError`` if no template fits)."""
    from palermo.platform.policies import require

    from . import context

    require(user, "view", request)
    content = dict(request.content or {})
    content.setdefault("kind", request.kind)
    content.setdefault("requesting_state", request.requesting_state.code)
    content.setdefault("requested_state", request.requested_state.code)
    requested = context.requested(request.requested_state.code, content["kind"], user)
    chosen = template_for(language) if language else None
    if language and chosen is None:
        raise RenderError(
            _("No template in “%(code)s”: choose one of %(known)s.")
            % {"code": language, "known": ", ".join(LANGUAGES)}
        )
    chosen = chosen or choose_language(requested, request.language or content.get("language", ""))
    if chosen is None and not requested.languages:
        raise RenderError(
            _(
                "Choose the language: the Directory does not say which languages %(state)s "
                "accepts, and the request names none."
            )
            % {"state": requested.name or requested.code}
        )
    if chosen is None:
        raise RenderError(
            _(
                "%(state)s accepts requests in %(languages)s: there is no template in these "
                "languages, so the request needs a translation."
            )
            % {"state": requested.name, "languages": ", ".join(requested.languages)}
        )
    return build(
        content,
        language=chosen,
        requested=requested,
        reference=request.reference,
        title=request.title,
        covering_note=covering_note,
    )


def render(request, *, fmt: str, language: str = "", user, covering_note: bool = True) -> bytes:
    """A ``models.Request`` as ``fmt`` for ``user`` (see ``letter_for``)."""
    if fmt not in FORMATS:
        raise RenderError(_("No format “%(fmt)s”: choose pdf or docx.") % {"fmt": fmt})
    return write(
        letter_for(request, language=language, user=user, covering_note=covering_note), fmt
    )
