"""Contact persons and direct lines are for registered authorities (practitioners) and the
Secretariat only: absent for everyone else from the page, the CSV and XLSX exports, the
printable edition and its PDF, the API JSON and its OpenAPI document, search and the audit
trail — and present for a practitioner, so each check can fail."""

import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from palermo.core.choices import Role
from palermo.directory import edition
from palermo.directory.models import Authority
from palermo.platform.audit import audited
from palermo.platform.search import search
from tests.factories import AuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db

PERSON = "Zebulon Quartermaine"
LINE = "+000 999 4242"

#: Who may not see them: the public, a focal point (even of the entry's State), an expert,
#: an observer and an analyst.
REFUSED = ["anonymous", "focal-point", "expert", "observer", "analyst"]
ALLOWED = ["practitioner", "secretariat"]


@pytest.fixture
def entry():
    entry = AuthorityFactory(
        authority="Restricted test authority (fictional)",
        contact_persons=f"{PERSON}, head of unit",
        direct_lines=LINE,
    )
    from palermo.platform.search import index_objects

    index_objects(Authority, [entry.pk])
    return entry


def _client(kind):
    from palermo.core.models import User

    client = Client()
    if kind != "anonymous":
        client.force_login(User.objects.get(username=kind))
    return client


def _user(kind):
    from django.contrib.auth.models import AnonymousUser

    from palermo.core.models import User

    return AnonymousUser() if kind == "anonymous" else User.objects.get(username=kind)


def _shows(content: bytes | str) -> bool:
    text = content.decode() if isinstance(content, bytes) else content
    return PERSON in text or LINE in text


@pytest.mark.parametrize("kind", REFUSED + ALLOWED)
def test_pages(entry, kind):
    client = _client(kind)
    pages = [
        client.get(reverse("directory:entries"), {"participant": "ARG"}),
        client.get(reverse("directory:entry", args=[entry.pk])),
        client.get(reverse("directory:edition"), {"participant": "ARG"}),
        client.get(reverse("directory:edition"), {"participant": "ARG", "by": "state"}),
    ]
    profile = client.get(reverse("core:participant", args=["ARG"]))
    assert entry.authority in profile.content.decode() and not _shows(profile.content)
    for response in pages:
        assert response.status_code == 200
        assert _shows(response.content) == (kind in ALLOWED), response.request["PATH_INFO"]
    heading = "Contact persons" in pages[0].content.decode()
    assert heading == (kind in ALLOWED)


@pytest.mark.parametrize("kind", REFUSED + ALLOWED)
def test_csv_and_xlsx_downloads(entry, kind):
    client = _client(kind)
    url = reverse("directory:entries")
    csv = client.get(url, {"participant": "ARG", "_export": "csv"})
    assert entry.authority in csv.content.decode()
    assert _shows(csv.content) == (kind in ALLOWED)
    assert ("Contact persons" in csv.content.decode()) == (kind in ALLOWED)
    xlsx = client.get(url, {"participant": "ARG", "_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    cells = " ".join(str(c.value) for row in sheet.iter_rows() for c in row)
    assert entry.authority in cells
    assert _shows(cells) == (kind in ALLOWED)


@pytest.mark.parametrize("kind", REFUSED + ALLOWED)
def test_api_json_and_its_openapi(entry, kind):
    client = _client(kind)
    listed = client.get("/api/directory/entries", {"participant": "ARG"}).json()["items"]
    one = client.get(f"/api/directory/entries/{entry.pk}").json()
    for item in [*listed, one]:
        assert ("contact_persons" in item) == (kind in ALLOWED)
        assert ("direct_lines" in item) == (kind in ALLOWED)
    assert _shows(json.dumps(listed)) == (kind in ALLOWED)
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    for name in ("EntryOut", "EntryDetailOut"):
        properties = schemas[name]["properties"]
        assert "authority" in properties
        assert ("contact_persons" in properties) == (kind in ALLOWED), name
        assert ("direct_lines" in properties) == (kind in ALLOWED), name


@pytest.mark.parametrize("kind", REFUSED + ALLOWED)
def test_search(entry, kind):
    user = _user(kind)
    assert search("Restricted test authority", user).total >= 1
    found = search("Quartermaine", user)
    assert (found.total > 0) == (kind in ALLOWED)
    for result in search("Restricted test authority", user).results:
        assert PERSON not in result.snippet or kind in ALLOWED


@pytest.mark.parametrize("kind", REFUSED + ALLOWED)
def test_the_command_line_export(entry, kind, capsys):
    options = [] if kind == "anonymous" else ["--as", kind]
    call_command("directory", "export", "--state", "ARG", *options)
    csv = capsys.readouterr().out
    assert entry.authority in csv and _shows(csv) == (kind in ALLOWED)
    call_command("directory", "export", "--state", "ARG", "--json", *options)
    data = json.loads(capsys.readouterr().out)
    mine = next(e for e in data["entries"] if e["id"] == entry.pk)
    assert ("contact_persons" in mine) == (kind in ALLOWED)


@pytest.mark.parametrize("kind", ["focal-point", "secretariat"])
def test_the_audit_trail(entry, kind):
    from palermo.core.models import User

    with audited(User.objects.get(username="secretariat")):
        entry.contact_persons = f"{PERSON}, deputy"
        entry.direct_lines = f"{LINE} ext. 2"
        entry.save()
    response = _client(kind).get(reverse("core:audit"))
    assert response.status_code == 200
    assert "Restricted test authority" in response.content.decode()
    assert _shows(response.content) == (kind == "secretariat")


@pytest.mark.skipif(not edition.pdf_available(), reason="fpdf2 is not installed")
@pytest.mark.parametrize("kind", ["anonymous", "practitioner"])
def test_pdf(entry, kind, monkeypatch):
    from fpdf import FPDF

    # fpdf2 writes subset glyph ids, not text: record the text written into the PDF instead.
    written = []
    original = FPDF.multi_cell

    def multi_cell(self, w, h=None, text="", *args, **kwargs):
        written.append(text)
        return original(self, w, h, text, *args, **kwargs)

    monkeypatch.setattr(FPDF, "multi_cell", multi_cell)
    response = _client(kind).get(reverse("directory:edition_pdf"), {"participant": "ARG"})
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = "\n".join(written)
    assert "Restricted test authority" in text and "fictional" in text
    assert _shows(text) == (kind in ALLOWED)


def test_without_the_pdf_library_the_pdf_link_leads_to_the_print_page(entry, monkeypatch):
    monkeypatch.setattr(edition, "pdf_available", lambda: False)
    response = Client().get(reverse("directory:edition_pdf"), {"by": "state"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("directory:edition"))


def test_a_practitioner_of_any_state_is_a_registered_authority(entry):
    brazilian = UserFactory(role=Role.PRACTITIONER, state="BRA")
    client = Client()
    client.force_login(brazilian)
    assert _shows(client.get(reverse("directory:entry", args=[entry.pk])).content)


@pytest.mark.skipif(not edition.pdf_available(), reason="fpdf2 is not installed")
def test_pdf_by_state_with_arabic_and_chinese_names():
    AuthorityFactory(state="EGY", authority="هيئة تجريبية (fictional)")
    AuthorityFactory(state="CHN", authority="示例机关 (fictional)")
    response = Client().get(reverse("directory:edition_pdf"), {"by": "state"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


@pytest.mark.skipif(not edition.pdf_available(), reason="fpdf2 is not installed")
def test_arabic_letters_are_joined_in_the_pdf():
    """Shaped (uharfbuzz): the meem of «محمد» is drawn with its initial and its medial form, two
    glyphs; unshaped, it would be one isolated glyph repeated."""
    from tests.pdf_glyphs import glyphs_of

    AuthorityFactory(state="EGY", authority="هيئة محمد (fictional)")
    response = Client().get(reverse("directory:edition_pdf"), {"by": "state"})
    assert glyphs_of(response.content, "م") >= 2
