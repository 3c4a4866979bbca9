"""Contributing and validating through the pages: create and edit each kind, a law's
provisions with their article tags, a case's sections, submit / publish / request changes /
withdraw, the queue; every step refused to who may not take it."""

import pytest
from django.test import Client
from django.urls import reverse

from palermo.core.models import User
from palermo.library.choices import RecordStatus
from palermo.library.models import Case, CaseSummary, Charge, Law, Provision
from tests.library.test_views import login, make_case, make_law, other_focal_point, url_of

pytestmark = pytest.mark.django_db


def signed_in(username_or_user):
    user = (
        username_or_user
        if isinstance(username_or_user, User)
        else User.objects.get(username=username_or_user)
    )
    return login(Client(), user)


def workflow(client, record, action, **data):
    return client.post(url_of(record, "library:record_workflow"), {"action": action, **data})


LAW_FORM = {
    "participant": "ARG",
    "number": "ley-26364",
    "title": "Ley de prueba",
    "title_en": "Test law",
    "language": "es",
    "law_type": "act",
    "adopted": "2008-04-09",
    "in_force": "2008-04-30",
}


# Creating and editing ---------------------------------------------------------------------


def test_a_focal_point_creates_a_law_as_a_draft_of_their_state():
    client = signed_in("focal-point")
    response = client.post(reverse("library:record_new", args=["legislation"]), LAW_FORM)
    law = Law.objects.get(number="ley-26364")
    assert response.status_code == 302 and response["Location"] == law.get_absolute_url()
    assert law.status == RecordStatus.DRAFT and law.participant.code == "ARG"
    page = client.get(law.get_absolute_url()).content.decode()
    assert "Ley de prueba" in page and 'id="workflow-submit"' in page


def test_a_laws_file_is_uploaded_with_it_and_downloaded_by_who_may_see_the_law():
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = signed_in("focal-point")
    upload = SimpleUploadedFile("ley-26364.pdf", b"%PDF-1.4 fictional", "application/pdf")
    response = client.post(
        reverse("library:record_new", args=["legislation"]), {**LAW_FORM, "file": upload}
    )
    law = Law.objects.get(number="ley-26364")
    assert response.status_code == 302 and law.file
    page = client.get(law.get_absolute_url()).content.decode()
    download = url_of(law, "library:record_file")
    assert f'href="{download}"' in page
    got = client.get(download)
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF-1.4 fictional"
    assert got["Content-Disposition"].startswith("attachment;")
    # A draft's file is as hidden as the draft.
    assert Client().get(download).status_code == 302  # to sign in
    for other in (other_focal_point(), "observer"):
        assert signed_in(other).get(download).status_code == 404
    # A law without a file has none to give.
    assert client.get(url_of(make_law(number="no-file"), "library:record_file")).status_code == 404


def test_a_cases_attached_file_follows_the_case():
    from django.core.files.base import ContentFile

    from palermo.library.models import CaseAttachment

    case = make_case()
    attachment = CaseAttachment.objects.create(
        case=case, title="Judgment", file=ContentFile(b"fictional judgment", name="j.pdf")
    )
    download = url_of(case, "library:attachment_file", pk=attachment.pk)
    expert = signed_in("expert")
    assert f'href="{download}"' in expert.get(case.get_absolute_url()).content.decode()
    assert b"".join(expert.get(download).streaming_content) == b"fictional judgment"
    assert signed_in(other_focal_point()).get(download).status_code == 404
    other_case = make_case(number="case-2")
    wrong = url_of(other_case, "library:attachment_file", pk=attachment.pk)
    assert expert.get(wrong).status_code == 404  # not this case's attachment


def test_errors_are_shown_next_to_the_fields():
    client = signed_in("focal-point")
    response = client.post(
        reverse("library:record_new", args=["legislation"]),
        {**LAW_FORM, "in_force": "2001-01-01", "number": "bad number!"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_in_force_error"' in html and "before it was adopted" in html
    assert 'id="id_number_error"' in html
    assert not Law.objects.filter(title="Ley de prueba").exists()


def test_a_focal_point_cannot_create_a_record_for_another_state():
    client = signed_in(other_focal_point())
    response = client.post(reverse("library:record_new", args=["legislation"]), LAW_FORM)
    assert response.status_code == 200  # the form again: Argentina is not among its choices
    assert 'id="id_participant_error"' in response.content.decode()
    assert not Law.objects.filter(number="ley-26364").exists()


@pytest.mark.parametrize("username", ["practitioner", "observer", "analyst"])
def test_who_does_not_contribute_gets_no_form(username):
    assert signed_in(username).get(reverse("library:record_new", args=["case"])).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in_to_contribute(client):
    response = client.get(reverse("library:record_new", args=["case"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_edit_a_draft_and_another_states_focal_point_cannot():
    law = make_law()
    client = signed_in("expert")
    edit = url_of(law, "library:record_edit")
    response = client.post(edit, {**LAW_FORM, "number": "law-1", "title": "Nuevo"})
    assert response.status_code == 302
    law.refresh_from_db()
    assert law.title == "Nuevo" and law.participant.code == "ARG"
    other = signed_in(other_focal_point())
    assert other.get(url_of(law, "library:record_edit")).status_code == 404
    assert other.post(url_of(law, "library:record_edit"), LAW_FORM).status_code == 404


def test_provisions_are_added_edited_and_deleted_with_their_article_tags():
    law = make_law()
    client = signed_in("focal-point")
    new = reverse("library:part_new", args=["ARG", "legislation", law.number, "provisions"])
    response = client.post(
        new,
        {
            "number": "Art. 2",
            "text": "Texto del artículo 2",
            "articles": "UNTOC 5(1)(a), TIP 3",
            "crime_types": ["test-trafficking"],
            "position": 2,
        },
    )
    assert response.status_code == 302
    provision = law.provisions.get(number="Art. 2")
    tags = {
        (t.article.instrument.code, t.article.number, t.paragraph) for t in provision.tags.all()
    }
    assert tags == {("UNTOC", "5", "1(a)"), ("TIP", "3", "")}
    assert [c.code for c in provision.crime_types.all()] == ["test-trafficking"]
    html = client.get(law.get_absolute_url()).content.decode()
    assert "UNTOC 5(1)(a)" in html
    assert reverse("treaties:article", args=["UNTOC", "5"]) in html

    edit = reverse(
        "library:part_edit", args=["ARG", "legislation", law.number, "provisions", provision.pk]
    )
    form = client.get(edit).content.decode()
    assert "UNTOC 5(1)(a)" in form  # the tags come back as written
    response = client.post(edit, {"number": "Art. 2", "text": "Nuevo texto", "articles": "SOM 6"})
    assert response.status_code == 302
    provision.refresh_from_db()
    assert provision.text == "Nuevo texto"
    assert [str(t.article.number) for t in provision.tags.all()] == ["6"]

    delete = reverse(
        "library:part_delete", args=["ARG", "legislation", law.number, "provisions", provision.pk]
    )
    assert client.get(delete).status_code == 405
    assert client.post(delete).status_code == 302
    assert not Provision.objects.filter(pk=provision.pk).exists()


def test_an_unknown_article_reference_is_an_error_next_to_the_field():
    law = make_law()
    client = signed_in("focal-point")
    new = reverse("library:part_new", args=["ARG", "legislation", law.number, "provisions"])
    response = client.post(new, {"number": "Art. 9", "text": "x", "articles": "UNTOC 999"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_articles_error"' in html and "UNTOC 999" in html
    assert not law.provisions.filter(number="Art. 9").exists()


def test_a_cases_sections_are_added_through_their_forms():
    law = make_law()
    case = make_case()
    client = signed_in("focal-point")

    def part(name):
        return reverse("library:part_new", args=["ARG", "case", case.number, name])

    assert client.post(part("summaries"), {"language": "fr", "text": "Résumé"}).status_code == 302
    assert (
        client.post(
            part("parties"),
            {"kind": "defendant", "initials": "A.B.", "sex": "female", "age_band": "30_49"},
        ).status_code
        == 302
    )
    defendant = case.parties.get()
    provision = law.provisions.get()
    response = client.post(
        part("charges"),
        {"defendant": defendant.pk, "offence": "Trata", "provisions": [provision.pk]},
    )
    assert response.status_code == 302
    charge = Charge.objects.get(case=case)
    assert list(charge.provisions.all()) == [provision]
    assert CaseSummary.objects.filter(case=case, language="fr").exists()
    # Initials only: a full name is refused next to the field.
    response = client.post(part("parties"), {"kind": "victim", "initials": "Maria Gomez"})
    assert response.status_code == 200 and 'id="id_initials_error"' in response.content.decode()


def test_parts_of_another_kind_or_another_states_record_are_not_found():
    case = make_case()
    client = signed_in("focal-point")
    assert (
        client.get(
            reverse("library:part_new", args=["ARG", "case", case.number, "provisions"])
        ).status_code
        == 404
    )
    other = signed_in(other_focal_point())
    assert (
        other.get(
            reverse("library:part_new", args=["ARG", "case", case.number, "summaries"])
        ).status_code
        == 404
    )


# The workflow -----------------------------------------------------------------------------


def test_submit_request_changes_with_a_note_resubmit_publish_and_withdraw(client):
    case = make_case(title="Workflow test case")
    expert, secretariat = signed_in("expert"), signed_in("secretariat")

    assert workflow(expert, case, "submit").status_code == 302
    case.refresh_from_db()
    assert case.status == RecordStatus.SUBMITTED
    queue = secretariat.get(reverse("library:queue")).content.decode()
    assert "Workflow test case" in queue

    # The Secretariat needs a note to send it back; the State sees it on the record.
    assert workflow(secretariat, case, "request_changes").status_code == 302
    case.refresh_from_db()
    assert case.status == RecordStatus.SUBMITTED
    workflow(secretariat, case, "request_changes", note="Add the court's name.")
    case.refresh_from_db()
    assert case.status == RecordStatus.CHANGES_REQUESTED
    page = signed_in("focal-point").get(case.get_absolute_url()).content.decode()
    assert 'id="validation-note"' in page and "Add the court&#x27;s name." in page

    workflow(signed_in("focal-point"), case, "submit")
    workflow(secretariat, case, "publish")
    case.refresh_from_db()
    assert case.status == RecordStatus.PUBLISHED and case.version == 1
    assert client.get(case.get_absolute_url()).status_code == 200
    assert 'id="validation-note"' not in client.get(case.get_absolute_url()).content.decode()

    workflow(secretariat, case, "withdraw")
    case.refresh_from_db()
    assert case.status == RecordStatus.DRAFT
    assert client.get(case.get_absolute_url()).status_code == 302  # sent to sign in


def test_an_expert_cannot_publish_and_a_focal_point_cannot_request_changes():
    case = make_case()
    workflow(signed_in("focal-point"), case, "submit")
    assert workflow(signed_in("expert"), case, "publish").status_code == 403
    assert workflow(signed_in("focal-point"), case, "request_changes", note="x").status_code == 403
    case.refresh_from_db()
    assert case.status == RecordStatus.SUBMITTED
    page = signed_in("expert").get(case.get_absolute_url()).content.decode()
    assert 'id="workflow-publish"' not in page and 'id="request-changes"' not in page


def test_another_states_focal_point_cannot_submit_a_draft():
    case = make_case()
    assert workflow(signed_in(other_focal_point()), case, "submit").status_code == 404
    case.refresh_from_db()
    assert case.status == RecordStatus.DRAFT


def test_the_secretariat_cannot_submit_for_a_state():
    case = make_case()
    assert workflow(signed_in("secretariat"), case, "submit").status_code == 403


def test_a_published_record_is_not_edited_by_its_state_until_withdrawn():
    case = make_case()
    workflow(signed_in("focal-point"), case, "submit")
    workflow(signed_in("secretariat"), case, "publish")
    client = signed_in("focal-point")
    assert client.get(url_of(case, "library:record_edit")).status_code == 403
    summary = reverse("library:part_new", args=["ARG", "case", case.number, "summaries"])
    assert client.get(summary).status_code == 403
    assert 'id="edit-record"' not in client.get(case.get_absolute_url()).content.decode()


def test_only_the_secretariat_deletes_a_record():
    case = make_case()
    assert signed_in("focal-point").post(url_of(case, "library:record_delete")).status_code == 403
    assert Case.objects.filter(pk=case.pk).exists()
    assert signed_in("secretariat").post(url_of(case, "library:record_delete")).status_code == 302
    assert not Case.objects.filter(pk=case.pk).exists()


def test_the_queue_shows_a_state_its_drafts_and_the_secretariat_what_awaits_it():
    make_case(number="c-draft", title="Draft test case")
    submitted = make_case(number="c-sub", title="Submitted test case")
    workflow(signed_in("focal-point"), submitted, "submit")
    mine = signed_in("focal-point").get(reverse("library:queue")).content.decode()
    assert "Draft test case" in mine and "Submitted test case" in mine
    waiting = signed_in("secretariat").get(reverse("library:queue")).content.decode()
    assert "Submitted test case" in waiting and "Draft test case" not in waiting
    other = signed_in(other_focal_point()).get(reverse("library:queue")).content.decode()
    assert "Draft test case" not in other and "Submitted test case" not in other
    assert signed_in("observer").get(reverse("library:queue")).status_code == 403


def test_a_case_and_a_publication_are_created_with_their_tags():
    client = signed_in("focal-point")
    make_law()  # the test vocabulary
    response = client.post(
        reverse("library:record_new", args=["case"]),
        {
            "participant": "ARG",
            "number": "causa-1",
            "title": "Causa de prueba",
            "keywords": "trata\nexplotación laboral",
            "crime_types": ["test-trafficking"],
            "issues": ["test-victims"],
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(number="causa-1")
    assert case.keywords == ["trata", "explotación laboral"]
    assert [c.code for c in case.crime_types.all()] == ["test-trafficking"]
    assert [i.code for i in case.issues.all()] == ["test-victims"]

    response = client.post(
        reverse("library:record_new", args=["bibliography"]),
        {
            "participant": "ARG",
            "number": "libro-1",
            "title": "Libro de prueba",
            "authors": "Autora Uno\nAutor Dos",
            "year": "2016",
            "publication_type": "book",
            "language": "es",
            "states": ["ARG", "BRA"],
        },
    )
    assert response.status_code == 302
    from palermo.library.models import Publication

    book = Publication.objects.get(number="libro-1")
    assert book.authors == ["Autora Uno", "Autor Dos"]
    assert sorted(s.code for s in book.states.all()) == ["ARG", "BRA"]
    edit = client.get(url_of(book, "library:record_edit")).content.decode()
    assert "Autora Uno\nAutor Dos" in edit  # the list comes back one per line


def test_another_states_focal_point_cannot_change_or_delete_a_part():
    case = make_case()
    client = signed_in("focal-point")
    client.post(
        reverse("library:part_new", args=["ARG", "case", case.number, "summaries"]),
        {"language": "en", "text": "Summary"},
    )
    summary = case.summaries.get()
    args = ["ARG", "case", case.number, "summaries", summary.pk]
    other = signed_in(other_focal_point())
    assert other.get(reverse("library:part_edit", args=args)).status_code == 404
    assert other.post(reverse("library:part_delete", args=args)).status_code == 404
    practitioner = signed_in("practitioner")
    assert practitioner.post(reverse("library:part_delete", args=args)).status_code == 404
    assert CaseSummary.objects.filter(pk=summary.pk).exists()
