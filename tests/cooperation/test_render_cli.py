"""``palermo cooperation render ID --format docx|pdf --language CODE -o FILE``: the file is
written for a user who may see the request, in the language the requested State accepts; a user
who may not see it is told so and nothing is written; the read is logged."""

import io
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document
from pypdf import PdfReader

from palermo.cooperation.models import Request
from palermo.core.choices import Role
from palermo.directory.models import Area
from palermo.platform.models import ReadEvent
from tests.cooperation.test_render import CONTENT
from tests.factories import AuthorityFactory, UserFactory, _participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored():
    keeper = AuthorityFactory(state="ARG", area=Area.objects.get(code="mla"))
    AuthorityFactory(
        state="ESP",
        area=Area.objects.get(code="mla"),
        authority="Fictional Subdirectorate for International Cooperation",
        languages=["es"],
    )
    return Request.objects.create(
        reference="ARG-2026-021",
        title="Bank records (fictional)",
        authority=keeper,
        requesting_state=keeper.participant,
        requested_state=_participant("ESP"),
        content=CONTENT,
        language="es",
        is_demo=True,
    )


@pytest.fixture
def practitioner():
    return UserFactory(role=Role.PRACTITIONER, state="ARG")


def run(capsys, *args):
    call_command("cooperation", "render", *args)
    captured = capsys.readouterr()
    return captured.out, captured.err


def test_renders_a_pdf_by_number_in_the_language_the_state_accepts(
    tmp_path, capsys, stored, practitioner
):
    target = tmp_path / "request.pdf"
    out, _err = run(
        capsys,
        str(stored.pk),
        "--format",
        "pdf",
        "-o",
        str(target),
        "--as",
        practitioner.username,
        "--json",
    )
    report = json.loads(out)
    assert report["request"] == stored.pk
    assert report["reference"] == "ARG-2026-021"
    assert report["format"] == "pdf" and report["language"] == "es"
    assert report["language_accepted"] is True and report["accepted_languages"] == ["es"]
    assert report["addressee"] == "Fictional Subdirectorate for International Cooperation"
    assert report["covering_note"] is True
    assert report["sections"][0] == "covering_note" and report["sections"][-1] == "signature"
    assert report["file"] == str(target.resolve())
    assert report["bytes"] == target.stat().st_size > 0
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(target.read_bytes())).pages)
    assert "Solicitud de asistencia judicial recíproca" in text


def test_renders_a_docx_by_reference_in_the_language_asked_for(
    tmp_path, capsys, stored, practitioner
):
    target = tmp_path / "request.docx"
    out, err = run(
        capsys,
        "ARG-2026-021",
        "--format",
        "docx",
        "--language",
        "en",
        "-o",
        str(target),
        "--as",
        practitioner.username,
        "--no-covering-note",
    )
    assert "ARG-2026-021 written to" in out and "DOCX, English" in out
    # Spain accepts Spanish only: the command says so, and still writes what was asked for.
    assert "accepts requests in es, not in en" in err
    text = "\n".join(p.text for p in Document(str(target)).paragraphs)
    assert "Request for mutual legal assistance" in text
    assert "Covering note" not in text


def test_the_json_says_when_there_is_no_covering_note(tmp_path, capsys, stored, practitioner):
    out, _err = run(
        capsys,
        str(stored.pk),
        "--format",
        "docx",
        "-o",
        str(tmp_path / "r.docx"),
        "--as",
        practitioner.username,
        "--no-covering-note",
        "--json",
    )
    report = json.loads(out)
    assert report["covering_note"] is False
    assert "covering_note" not in report["sections"]


def test_the_read_is_logged(tmp_path, capsys, stored, practitioner):
    run(
        capsys,
        str(stored.pk),
        "--format",
        "pdf",
        "-o",
        str(tmp_path / "r.pdf"),
        "--as",
        practitioner.username,
    )
    event = ReadEvent.objects.get(
        content_type=ContentType.objects.get_for_model(Request), object_pk=str(stored.pk)
    )
    assert event.user == practitioner and event.surface == "cli"


@pytest.mark.parametrize(
    "make",
    [
        lambda: UserFactory(role=Role.PRACTITIONER, state="ESP"),
        lambda: UserFactory(role=Role.SECRETARIAT),
    ],
    ids=["requested-states-practitioner", "secretariat"],
)
def test_a_user_who_may_not_see_it_is_refused_and_nothing_is_written(
    tmp_path, capsys, stored, make
):
    target = tmp_path / "request.pdf"
    with pytest.raises(CommandError, match="No request “ARG-2026-021” that you may see"):
        run(capsys, "ARG-2026-021", "--format", "pdf", "-o", str(target), "--as", make().username)
    assert not target.exists()
    assert not ReadEvent.objects.filter(object_pk=str(stored.pk)).exists()


def test_without_a_user_the_command_says_to_name_one(tmp_path, capsys, stored):
    with pytest.raises(CommandError, match="Name a user with --as"):
        run(capsys, str(stored.pk), "--format", "pdf", "-o", str(tmp_path / "r.pdf"))


def test_an_unknown_language_is_refused_with_the_known_ones(tmp_path, capsys, stored, practitioner):
    with pytest.raises(CommandError, match="choose one of ar, zh-hans, en, fr, ru, es, pt"):
        run(
            capsys,
            str(stored.pk),
            "--format",
            "pdf",
            "--language",
            "de",
            "-o",
            str(tmp_path / "r.pdf"),
            "--as",
            practitioner.username,
        )


def test_content_that_cannot_be_read_names_the_request_and_the_field(
    tmp_path, capsys, stored, practitioner
):
    stored.content = {**CONTENT, "purposes": "records"}
    stored.save()
    with pytest.raises(CommandError, match="ARG-2026-021: its content cannot be read: purposes"):
        run(
            capsys,
            str(stored.pk),
            "--format",
            "docx",
            "-o",
            str(tmp_path / "r.docx"),
            "--as",
            practitioner.username,
        )


def test_a_missing_folder_is_named(tmp_path, capsys, stored, practitioner):
    with pytest.raises(CommandError, match="no such folder"):
        run(
            capsys,
            str(stored.pk),
            "--format",
            "pdf",
            "-o",
            str(tmp_path / "nowhere" / "r.pdf"),
            "--as",
            practitioner.username,
        )
