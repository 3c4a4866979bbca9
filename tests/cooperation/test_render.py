"""The request for signature: every required section in the DOCX and the PDF, in English and
Arabic (shaped, right to left) and the headings in the other languages; absent parts left out;
the language chosen from the requested State's Directory entry; a user who may not see the
request is refused."""

import io
import json
import re
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from palermo.cooperation import context, render, rules
from palermo.cooperation.models import Request
from palermo.core.choices import Role
from palermo.directory.models import Area
from tests.factories import AuthorityFactory, UserFactory, _participant
from tests.pdf_glyphs import glyphs_of

#: A request for bank records with every part of article 18(15) and what the Convention adds.
CONTENT = {
    "kind": "mla",
    "requesting_state": "ARG",
    "requested_state": "ESP",
    "requesting_authority": "Fictional Central Authority of Argentina",
    "subject_matter": "Laundering of the proceeds of trafficking in persons",
    "proceeding": "investigation",
    "conducting_authority": "Fictional Federal Prosecutor No. 3",
    "conducting_functions": "Directs the investigation",
    "facts": "Fictional facts of the case.\n\nA second paragraph of facts.",
    "purposes": ["records", "evidence"],
    "assistance": "Certified copies of the statements of account 0001 (fictional).",
    "procedures": "Certification by the bank's custodian of records.",
    "persons": [{"name": "A. B. Fictional", "location": "Madrid", "nationality": "ARG"}],
    "purpose": "Evidence at the trial of the persons concerned.",
    "offences": [
        {
            "name": "Money laundering",
            "provision": "Penal Code, art. 303 (fictional)",
            "max_penalty_years": 10,
            "dual_criminality": True,
            "organized_group": True,
            "group_size": 4,
            "transnational": ["several-states"],
        }
    ],
    "confidential": True,
    "confidentiality_reason": "The suspects are not aware of the investigation.",
    "use_limited_to_request": True,
    "urgent": True,
    "urgency_reason": "The trial opens soon.",
    "deadline": "2027-03-01",
    "deadline_reason": "Date of the hearing.",
    "language": "es",
    "channel": "central_authority",
    "annexes": ["Order of the court (fictional)", "Text of the provisions cited"],
}
MLA_SECTIONS = [
    "covering_note",
    "requesting_authority",
    "proceeding",
    "facts",
    "assistance",
    "persons",
    "purpose",
    "offences",
    "confidentiality",
    "use",
    "urgency",
    "annexes",
    "signature",
]
SPAIN = rules.Requested(
    code="ESP",
    name="Spain",
    authority="Fictional Ministry of Justice",
    party_since=date(2003, 9, 29),
    languages=["es"],
)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\x00", "")).strip()


def pdf_pages(data: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def pdf_text(data: bytes) -> str:
    return " ".join(pdf_pages(data))


def docx_paragraphs(data: bytes):
    return [p for p in Document(io.BytesIO(data)).paragraphs if p.text.strip()]


def docx_text(data: bytes) -> str:
    return flat("\n".join(p.text for p in docx_paragraphs(data)))


def words(language):
    return render.texts(language)


# The letters' texts ------------------------------------------------------------------------


def _keys(data, prefix=""):
    out = set()
    for key, value in data.items():
        out.add(prefix + key)
        if isinstance(value, dict) and key != "letters":
            out |= _keys(value, f"{prefix}{key}.")
    return out


@pytest.mark.parametrize("language", render.LANGUAGES)
def test_every_language_has_every_text_the_english_reference_has(language):
    english, other = words("en"), words(language)
    assert _keys(other) == _keys(english)
    assert len(other["months"]) == 12
    assert set(other["purposes"]) == set(rules.PURPOSES)
    assert set(other["transnational"]) == set(rules.TRANSNATIONAL)
    assert set(other["titles"]) == {k.value for k in rules.Kind}
    for basis in rules.CONFISCATION_BASES:
        assert other["sentences"][f"confiscation_{basis}"].strip()
    assert other["direction"] == ("rtl" if language == "ar" else "ltr")


def test_an_unknown_format_or_language_is_refused_with_what_is_known():
    with pytest.raises(render.RenderError, match="choose pdf or docx"):
        render.render_content(CONTENT, fmt="odt", language="en")
    with pytest.raises(render.RenderError, match="ar, zh-hans, en, fr, ru, es, pt"):
        render.render_content(CONTENT, fmt="pdf", language="de")


def test_language_names_and_directory_codes():
    assert render.language_name("pt") == "Portuguese"
    assert render.template_for("zh") == "zh-hans"
    assert render.template_for("ZH-Hans") == "zh-hans"
    assert render.template_for("pt-br") == "pt"
    assert render.template_for("de") is None


# Choosing the language ---------------------------------------------------------------------


def test_the_preferred_language_is_used_when_the_state_accepts_it():
    state = rules.Requested(languages=["fr", "en"])
    assert render.choose_language(state, "en") == "en"


def test_otherwise_the_first_accepted_language_with_a_template():
    state = rules.Requested(languages=["de", "zh", "en"])
    assert render.choose_language(state, "es") == "zh-hans"


def test_none_when_no_accepted_language_has_a_template():
    assert render.choose_language(rules.Requested(languages=["de", "it"]), "en") is None


@pytest.mark.django_db
def test_the_language_comes_from_the_requested_states_directory_entry():
    AuthorityFactory(state="CHL", area=Area.objects.get(code="mla"), languages=["es", "en"])
    requested = context.requested("CHL", "mla", UserFactory(role=Role.PRACTITIONER))
    assert requested.languages == ["es", "en"]
    assert render.choose_language(requested, "en") == "en"
    assert render.choose_language(requested, "fr") == "es"
    assert render.choose_language(requested) == "es"


# English: every section, in the DOCX and the PDF --------------------------------------------


@pytest.fixture(scope="module")
def english(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        letter = render.build(
            CONTENT, language="en", requested=SPAIN, reference="ARG-2026-001", title="Bank records"
        )
    return letter, render.to_pdf(letter), render.to_docx(letter)


def test_the_sections_follow_article_18_15_then_what_the_convention_adds(english):
    letter, _pdf, _docx = english
    assert letter.sections == MLA_SECTIONS


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_english_request_has_every_required_part(english, fmt):
    letter, pdf, docx = english
    text = pdf_text(pdf) if fmt == "pdf" else docx_text(docx)
    for expected in [
        # letterhead, reference and date, addressee, subject, legal basis
        "Fictional Central Authority of Argentina",
        "Our reference: ARG-2026-001",
        "To: Fictional Ministry of Justice, Spain",
        "Subject: Bank records",
        "Request for mutual legal assistance",
        "This request is made under article 18 of the United Nations Convention against "
        "Transnational Organized Crime (the Convention).",
        "Spain has been a party to the Convention since 29 September 2003.",
        # article 18(15)(a)-(f)
        "1. Requesting authority (article 18, paragraph 15 (a))",
        "2. Subject matter and nature of the proceeding; the authority conducting it "
        "(article 18, paragraph 15 (b))",
        "Nature of the proceeding: Criminal investigation",
        "Authority conducting the proceeding: Fictional Federal Prosecutor No. 3",
        "3. Summary of the relevant facts (article 18, paragraph 15 (c))",
        "A second paragraph of facts.",
        "4. Assistance sought and particular procedures (article 18, paragraph 15 (d))",
        "Providing originals or certified copies of relevant documents and records, including "
        "government, bank, financial, corporate or business records (article 18, paragraph 3 (f))",
        "Taking evidence or statements from persons (article 18, paragraph 3 (a))",
        "Particular procedures requested: Certification by the bank's custodian of records.",
        "5. Identity, location and nationality of the persons concerned",
        "Nationality: Argentina",
        "6. Purpose for which the evidence, information or action is sought",
        # offences, confidentiality, use, urgency
        "7. Offences and applicable penalties",
        "Maximum penalty (years of imprisonment): 10",
        "Transnational nature: Committed in more than one State (article 3, paragraph 2 (a))",
        "8. Confidentiality (article 18, paragraph 20)",
        "Reasons for confidentiality: The suspects are not aware of the investigation.",
        "9. Limits on the use of information and evidence (article 18, paragraph 19)",
        "10. Urgency and requested time of execution (article 18, paragraph 24)",
        "executed by 1 March 2027",
        # annexes, signature block
        "11. List of annexes",
        "Annex 2: Text of the provisions cited",
        "12. Signature",
        "Official seal",
        # the covering note
        "Covering note to the central authority",
        "Channel of transmission: Central authority",
        "The request is urgent",
    ]:
        assert expected in text, expected


def test_the_covering_note_is_on_its_own_first_page(english):
    _letter, pdf, docx = english
    pages = pdf_pages(pdf)
    assert "Covering note to the central authority" in pages[0]
    assert "Annex 1: Order of the court (fictional)" in pages[0]
    assert "Requesting authority (article 18" not in pages[0]
    assert "Requesting authority (article 18" in pages[1]
    body = Document(io.BytesIO(docx)).element.body
    assert body.xpath('.//w:br[@w:type="page"]'), "no page break after the covering note"


@pytest.mark.django_db
def test_without_the_covering_note():
    letter = render.build(CONTENT, language="en", requested=SPAIN, covering_note=False)
    pages = pdf_pages(render.to_pdf(letter))
    assert letter.sections[0] == "requesting_authority"
    assert "Covering note" not in " ".join(pages)
    assert "Request for mutual legal assistance" in pages[0]


@pytest.mark.django_db
def test_absent_parts_are_left_out_not_printed_empty():
    content = {
        k: v
        for k, v in CONTENT.items()
        if k
        not in {
            "confidential",
            "confidentiality_reason",
            "urgent",
            "urgency_reason",
            "deadline",
            "deadline_reason",
            "persons",
            "offences",
            "use_limited_to_request",
        }
    }
    data = render.render_content(content, fmt="docx", language="en", requested=SPAIN)
    text = docx_text(data)
    for absent in ["Confidentiality", "Urgency", "Offences and", "Identity, location", "Limits"]:
        assert absent not in text
    assert "5. Purpose for which the evidence" in text  # numbering closes up


@pytest.mark.django_db
def test_videoconference_and_stored_data_are_part_of_the_assistance_sought():
    content = {
        **CONTENT,
        "purposes": ["videoconference", "preservation"],
        "hearing_of": "E. F. Fictional, bank clerk, who cannot travel",
        "data_description": "Messages of the account fictional@example.org, 2025",
        "data_holder": "Fictional Mail Provider S.L.",
    }
    text = docx_text(render.render_content(content, fmt="docx", language="en", requested=SPAIN))
    assert "Hearing of a witness or expert by videoconference (article 18, paragraph 18)" in text
    assert "Expedited preservation of stored electronic data (article 18, paragraph 3 (i))" in text
    assert "Witness or expert to be heard by videoconference: E. F. Fictional" in text
    assert "Stored electronic data: Messages of the account fictional@example.org" in text
    assert "Held by: Fictional Mail Provider S.L." in text


# The other kinds: confiscation (13(3)), extradition (16), transfer (21) ---------------------


@pytest.mark.django_db
def test_a_confiscation_request_carries_the_contents_of_article_13_3():
    content = {
        **CONTENT,
        "kind": "confiscation",
        "confiscation_basis": "order-given",
        "order_copy": True,
        "execution_extent": "Up to the value of EUR 100,000 (fictional).",
        "property_description": "Flat at 1 Fictional Street, Madrid.",
    }
    letter = render.build(content, language="en", requested=SPAIN)
    text = docx_text(render.to_docx(letter))
    assert "confiscation" in letter.sections
    assert "Request for international cooperation for purposes of confiscation" in text
    assert "articles 13 and 18 of the United Nations Convention" in text
    assert "Confiscation (article 13, paragraph 3)" in text
    assert "(article 13, paragraph 1 (b), of the Convention)" in text
    assert "A legally admissible copy of the order of confiscation is annexed" in text
    assert "Extent to which execution of the order is requested: Up to the value" in text
    assert "Property concerned: Flat at 1 Fictional Street, Madrid." in text


@pytest.mark.django_db
def test_an_extradition_request_names_the_person_sought_and_dual_criminality():
    content = {
        "kind": "extradition",
        "requesting_state": "ARG",
        "requested_state": "ESP",
        "requesting_authority": "Fictional Ministry of Foreign Affairs",
        "facts": "Fictional facts.",
        "person_sought": {"name": "C. D. Fictional", "location": "Seville", "nationality": "ARG"},
        "offences": [
            {
                "name": "Trafficking in persons",
                "max_penalty_years": 15,
                "life": False,
                "dual_criminality": True,
            }
        ],
        "warrant_or_judgment": True,
        "annexes": ["Warrant of arrest (fictional)"],
    }
    letter = render.build(content, language="en", requested=SPAIN)
    text = pdf_text(render.to_pdf(letter))
    assert "Request for extradition" in text
    assert "Extradition (article 16)" in text
    assert "Person sought: C. D. Fictional" in text
    assert (
        "punishable under the domestic law of both the requesting State and the requested" in text
    )
    assert "A warrant of arrest or a judgment is annexed" in text
    # Article 18(15) is for mutual legal assistance: no such citation here.
    assert "paragraph 15" not in text
    assert "assistance" not in letter.sections


@pytest.mark.django_db
def test_a_transfer_of_proceedings_cites_article_21_and_gives_its_reasons():
    content = {
        "kind": "transfer",
        "requesting_state": "ARG",
        "requested_state": "ESP",
        "requesting_authority": "Fictional Prosecutor General",
        "facts": "Fictional facts.",
        "offences": [{"name": "Smuggling of migrants"}],
        "purpose": "Most of the evidence and the accused are in Spain (fictional).",
    }
    letter = render.build(content, language="en", requested=SPAIN)
    text = docx_text(render.to_docx(letter))
    assert "Transfer of criminal proceedings (article 21)" in text
    assert "Reasons for the transfer" in text
    assert "Most of the evidence and the accused are in Spain" in text
    assert "purpose" not in letter.sections


# Arabic: shaped, right to left --------------------------------------------------------------


@pytest.fixture(scope="module")
def arabic(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        letter = render.build(CONTENT, language="ar", requested=SPAIN, reference="ARG-2026-001")
    return letter, render.to_pdf(letter), render.to_docx(letter)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_arabic_request_has_every_required_part(arabic, fmt):
    letter, pdf, docx = arabic
    text = pdf_text(pdf) if fmt == "pdf" else docx_text(docx)
    ar = words("ar")
    for key in MLA_SECTIONS:
        assert ar["sections"][key] in text, key
    for expected in [
        ar["titles"]["mla"],
        "اتفاقية الأمم المتحدة لمكافحة الجريمة المنظمة عبر الوطنية",
        ar["purposes"]["records"],
        ar["sentences"]["use_limited"].split(" (")[0],
        "تحقيق جنائي",
        "Fictional Central Authority of Argentina",
        "ARG-2026-001",
    ]:
        if fmt == "pdf":
            # Extracted from the PDF, a wrapped right-to-left line may carry the numbers of the
            # next one first: compare what fits on one line.
            expected = " ".join(expected.split()[:8])
        assert expected in text, expected
    assert letter.sections == MLA_SECTIONS


def test_the_arabic_pdf_is_shaped_and_right_aligned(arabic):
    _letter, pdf, _docx = arabic
    # A shaped letter is drawn with several glyphs (initial, medial, final forms).
    assert glyphs_of(pdf, "م") >= 2
    assert glyphs_of(pdf, "ع") >= 2
    starts = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            starts.setdefault(text.strip(), tm[4])

    page = PdfReader(io.BytesIO(pdf)).pages[0]
    page.extract_text(visitor_text=visit)
    width = float(page.mediabox.width)
    # The State's name under the letterhead is short: right-aligned, it starts right of centre.
    state = next(x for text, x in starts.items() if "الأرجنتين" in text)
    assert state > width / 2


def test_the_arabic_docx_is_right_to_left(arabic):
    _letter, _pdf, docx = arabic
    document = Document(io.BytesIO(docx))
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    assert paragraphs
    for paragraph in paragraphs:
        p_pr = paragraph._p.pPr
        assert p_pr is not None and p_pr.find(qn("w:bidi")) is not None, paragraph.text
        for run in paragraph.runs:
            assert run._r.rPr.find(qn("w:rtl")) is not None, run.text
    assert document.sections[0]._sectPr.find(qn("w:bidi")) is not None


def test_an_english_docx_is_not_marked_right_to_left(english):
    _letter, _pdf, docx = english
    assert not any(
        p._p.pPr is not None and p._p.pPr.find(qn("w:bidi")) is not None
        for p in docx_paragraphs(docx)
    )


# The other languages: their headings -------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "ru", "es", "pt", "zh-hans"])
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_headings_in_every_other_language(language, fmt):
    if language == "zh-hans" and fmt == "pdf" and not render.cjk_available():
        pytest.skip("The Noto CJK fonts are not installed (make system-deps): no Chinese PDF.")
    data = render.render_content(CONTENT, fmt=fmt, language=language, requested=SPAIN)
    text = pdf_text(data) if fmt == "pdf" else docx_text(data)
    if language == "zh-hans":
        text = text.replace(" ", "")
    t = words(language)
    expected = [t["sections"][key] for key in MLA_SECTIONS]
    expected += [t["titles"]["mla"], t["purposes"]["evidence"], t["proceedings"]["investigation"]]
    for phrase in expected:
        assert (phrase.replace(" ", "") if language == "zh-hans" else phrase) in text, phrase


@pytest.mark.django_db
def test_chinese_pdf_uses_the_simplified_chinese_face():
    if not render.cjk_available():
        pytest.skip("The Noto CJK fonts are not installed (make system-deps): no Chinese PDF.")
    data = render.render_content(CONTENT, fmt="pdf", language="zh-hans", requested=SPAIN)
    fonts = {
        str(ref.get_object()["/BaseFont"])
        for page in PdfReader(io.BytesIO(data)).pages
        for ref in page["/Resources"]["/Font"].values()
    }
    assert any(name.endswith("NotoSansCJKSC") for name in fonts), fonts
    assert not any("CJKJP" in name for name in fonts), fonts


# A stored request: who may render it, and in which language ---------------------------------


@pytest.fixture
def stored(db):
    keeper = AuthorityFactory(state="ARG", area=Area.objects.get(code="mla"))
    AuthorityFactory(
        state="ESP",
        area=Area.objects.get(code="mla"),
        authority="Fictional Subdirectorate for International Cooperation",
        languages=["es", "en"],
    )
    return Request.objects.create(
        reference="ARG-2026-017",
        title="Bank records (fictional)",
        authority=keeper,
        requesting_state=keeper.participant,
        requested_state=_participant("ESP"),
        content=CONTENT,
        language="es",
        is_demo=True,
    )


def test_the_keeping_practitioner_renders_it_in_the_language_the_state_accepts(stored):
    practitioner = UserFactory(role=Role.PRACTITIONER, state="ARG")
    letter = render.letter_for(stored, user=practitioner)
    assert letter.language == "es"
    assert letter.addressee == "Fictional Subdirectorate for International Cooperation"
    text = docx_text(render.render(stored, fmt="docx", user=practitioner))
    assert "Solicitud de asistencia judicial recíproca" in text
    assert "Nuestra referencia: ARG-2026-017" in text
    assert "Fictional Subdirectorate for International Cooperation" in text
    assert "España" in text


def test_a_language_the_state_accepts_can_be_asked_for(stored):
    practitioner = UserFactory(role=Role.PRACTITIONER, state="ARG")
    data = render.render(stored, fmt="pdf", language="en", user=practitioner)
    assert "Request for mutual legal assistance" in pdf_text(data)


def test_no_template_in_any_language_the_state_accepts_says_a_translation_is_needed(stored):
    AuthorityFactory(state="DEU", area=Area.objects.get(code="mla"), languages=["de"])
    stored.requested_state = _participant("DEU")
    stored.language = ""
    stored.save()
    practitioner = UserFactory(role=Role.PRACTITIONER, state="ARG")
    with pytest.raises(render.RenderError, match="needs a translation"):
        render.render(stored, fmt="pdf", user=practitioner)


def test_with_no_languages_known_the_practitioner_is_asked_to_choose(stored):
    AuthorityFactory(state="CHL", area=Area.objects.get(code="mla"), languages=[])
    stored.requested_state = _participant("CHL")
    stored.language = ""
    stored.content = {**CONTENT, "requested_state": "CHL", "language": ""}
    stored.save()
    practitioner = UserFactory(role=Role.PRACTITIONER, state="ARG")
    with pytest.raises(render.RenderError, match="Choose the language"):
        render.render(stored, fmt="pdf", user=practitioner)
    assert render.letter_for(stored, language="fr", user=practitioner).language == "fr"


@pytest.mark.parametrize(
    "make",
    [
        lambda: UserFactory(role=Role.PRACTITIONER, state="ESP"),  # the requested State
        lambda: UserFactory(role=Role.FOCAL_POINT, state="ARG"),
        lambda: UserFactory(role=Role.SECRETARIAT),
    ],
    ids=["requested-states-practitioner", "same-states-focal-point", "secretariat"],
)
def test_a_user_who_may_not_see_the_request_is_refused(stored, make):
    with pytest.raises(PermissionDenied):
        render.render(stored, fmt="pdf", user=make())


def test_content_that_cannot_be_read_names_the_field(stored):
    stored.content = {**CONTENT, "deadline": "next week"}
    practitioner = UserFactory(role=Role.PRACTITIONER, state="ARG")
    with pytest.raises(rules.RequestError, match="deadline"):
        render.render(stored, fmt="docx", user=practitioner)


def test_the_letter_files_are_json_a_reviewer_can_open():
    for language in render.LANGUAGES:
        path = render.LETTERS / f"{language}.json"
        assert json.loads(path.read_text(encoding="utf-8"))["code"] == language
