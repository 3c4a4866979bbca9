"""The writer, as a practitioner uses it: start a draft, go through the steps back and forth,
see the findings change as they type, acknowledge a warning, be refused finalisation while an
essential is missing, finalise and download; and refused from the side of everyone else."""

import io
import re

import pytest
from django.urls import reverse

from palermo.cooperation import writer
from palermo.cooperation.models import Request
from palermo.cooperation.rules import Severity
from palermo.core.choices import Role
from palermo.core.models import Participant, User
from palermo.directory.models import Authority
from palermo.platform.grants import grant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FACTS = "Between 2024 and 2025 a fictional group laundered proceeds through Example Ltd."


# Pure: the steps and the conversion ---------------------------------------------------------


def test_each_kind_has_its_own_steps():
    slugs = {k: [s.slug for s in writer.steps_for(k)] for k in ("mla", "extradition")}
    assert "assistance" in slugs["mla"] and "particular" in slugs["mla"]
    assert "extradition" in slugs["extradition"] and "assistance" not in slugs["extradition"]
    assert [s.slug for s in writer.steps_for("confiscation")][5] == "confiscation"
    assert "transfer" in [s.slug for s in writer.steps_for("transfer")]
    assert all(v[-1] == "review" for v in slugs.values())


@pytest.mark.parametrize(
    ("kind", "field", "step"),
    [
        ("mla", "offences[1].max_penalty_years", "offences"),
        ("mla", "facts", "facts"),
        ("mla", "requested_state", "parties"),
        ("mla", "hearing_of", "particular"),
        ("transfer", "purpose", "transfer"),
        ("mla", "purpose", "assistance"),
        ("extradition", "procedures", "parties"),
        ("mla", "", "review"),
    ],
)
def test_a_finding_links_to_the_step_of_its_field(kind, field, step):
    assert writer.step_for_field(kind, field).slug == step


def test_offences_round_trip_through_the_form():
    content = {
        "offences": [
            {
                "name": "Money laundering",
                "provision": "Art. 303",
                "max_penalty_years": 10,
                "life": False,
                "dual_criminality": True,
                "organized_group": None,
                "group_size": 4,
                "transnational": ["several-states"],
                "convention_offence": "6",
            }
        ]
    }
    step = writer.get_step("mla", "offences")
    form_values = writer.initial(step, content)["offences"]
    assert form_values[0]["dual_criminality"] == "yes"
    assert form_values[0]["organized_group"] == ""
    again = writer.apply(step, {"offences": [*form_values, {}]}, content)
    assert again == content  # the empty extra row is dropped


# Pages ---------------------------------------------------------------------------------------


@pytest.fixture
def practitioner():
    return User.objects.get(username="practitioner")


@pytest.fixture
def client_as(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def _start(client, state="AUS", kind="mla", title="Bank records of Example Ltd (fictional)"):
    keeper = Authority.objects.get(participant__code="ARG", area__code="mla")
    response = client.post(
        reverse("cooperation:write"),
        {
            "kind": kind,
            "requested_state": Participant.objects.get(code=state).pk,
            "authority": keeper.pk,
            "title": title,
        },
    )
    assert response.status_code == 302, response.content[:2000]
    return Request.objects.get(title=title)


def _step_url(row, step):
    return reverse("cooperation:write_step", args=[row.pk, step])


def test_starting_a_draft_takes_language_and_channel_from_the_directory(client_as, practitioner):
    client = client_as(practitioner)
    page = client.get(reverse("cooperation:write")).content.decode()
    # Only the practitioner's own State's authorities may keep the request.
    assert "Fictional Central Authority for International Legal Assistance" in page
    assert "Fictional Department of Asset Recovery and Cooperation" not in page

    row = _start(client, state="BRA")
    assert row.status == "draft" and row.authority.participant.code == "ARG"
    assert row.content["language"] == "pt"  # Brazil accepts pt, en, es: the first with a template
    assert row.content["channel"] == "central_authority"  # its only channel
    page = client.get(_step_url(row, "parties")).content.decode()
    assert "Fictional Department of Asset Recovery and Cooperation (demo)" in page
    assert "Portuguese, English, Spanish" in page
    assert 'id="findings"' in page


def test_a_state_without_a_directory_entry_is_flagged(client_as, practitioner):
    client = client_as(practitioner)
    row = _start(client, state="CHL")
    page = client.get(_step_url(row, "parties")).content.decode()
    assert "no Directory entry for this kind of request" in page
    assert 'data-code="directory-missing"' in page


def test_steps_are_saved_as_drafts_back_and_forth(client_as, practitioner):
    client = client_as(practitioner)
    row = _start(client)
    response = client.post(_step_url(row, "facts"), {"step": "facts", "facts": FACTS, "go": "next"})
    assert response["Location"] == _step_url(row, "offences")
    row.refresh_from_db()
    assert row.content["facts"] == FACTS and row.step == "facts"

    response = client.post(_step_url(row, "facts"), {"facts": FACTS + " More.", "go": "back"})
    assert response["Location"] == _step_url(row, "proceeding")
    page = client.get(_step_url(row, "facts")).content.decode()
    assert "More." in page
    steps = re.findall(r'<li data-state="(\w+)"><a href="[^"]+/write/(\w+)/"', page)
    assert ("done", "facts") in steps
    assert ("todo", "annexes") in steps


def test_the_findings_follow_what_is_typed_without_saving(client_as, practitioner):
    client = client_as(practitioner)
    row = _start(client)
    url = reverse("cooperation:write_findings", args=[row.pk])
    before = client.get(url, {"step": "facts"}).content.decode()
    assert 'data-code="18-15-c"' in before
    assert "UNTOC art. 18(15)(c)" in before

    after = client.post(url, {"step": "facts", "facts": FACTS}, headers={"HX-Request": "true"})
    assert after.status_code == 200
    assert 'data-code="18-15-c"' not in after.content.decode()
    assert "<html" not in after.content.decode()  # a partial
    row.refresh_from_db()
    assert "facts" not in row.content  # nothing saved


def test_each_finding_links_to_the_step_of_its_field(client_as, practitioner):
    client = client_as(practitioner)
    row = _start(client)
    page = client.get(_step_url(row, "review")).content.decode()
    item = re.search(r'data-code="18-15-c".*?</li>', page, re.S).group(0)
    assert f'href="{_step_url(row, "facts")}#field-facts"' in item
    facts = client.get(_step_url(row, "facts")).content.decode()
    assert 'id="field-facts"' in facts


def test_bad_input_is_not_saved_and_says_which_field(client_as, practitioner):
    client = client_as(practitioner)
    row = _start(client)
    data = {
        "offences-TOTAL_FORMS": "1",
        "offences-INITIAL_FORMS": "0",
        "offences-0-name": "Money laundering",
        "offences-0-max_penalty_years": "ten",
    }
    page = client.post(_step_url(row, "offences"), data).content.decode()
    assert "Not saved" in page
    assert "Maximum penalty (years)" in page and "Enter a number" in page
    row.refresh_from_db()
    assert "offences" not in row.content


def test_several_offences_are_saved(client_as, practitioner):
    client = client_as(practitioner)
    row = _start(client)
    data = {
        "offences-TOTAL_FORMS": "3",
        "offences-INITIAL_FORMS": "0",
        "offences-0-name": "Money laundering",
        "offences-0-max_penalty_years": "10",
        "offences-0-dual_criminality": "yes",
        "offences-0-organized_group": "yes",
        "offences-0-group_size": "5",
        "offences-0-transnational": ["several-states", "effects-elsewhere"],
        "offences-1-name": "Fraud",
        "offences-1-max_penalty_years": "2",
        "offences-1-organized_group": "no",
        "go": "stay",
    }
    client.post(_step_url(row, "offences"), data)
    row.refresh_from_db()
    laundering, fraud = row.content["offences"]
    assert laundering["transnational"] == ["several-states", "effects-elsewhere"]
    assert laundering["dual_criminality"] is True and laundering["group_size"] == 5
    assert fraud["max_penalty_years"] == 2 and fraud["dual_criminality"] is None
    review = client.get(_step_url(row, "review")).content.decode()
    assert "“Fraud” carries at most 2 years" in review  # art. 2(b)


def test_every_step_of_every_kind_opens(client_as, practitioner):
    client = client_as(practitioner)
    for kind in ("mla", "confiscation", "extradition", "transfer"):
        row = _start(client, kind=kind, title=f"A {kind} request (fictional)")
        for step in writer.steps_for(kind):
            response = client.get(_step_url(row, step.slug))
            assert response.status_code == 200, (kind, step.slug)
            assert str(step.title) in response.content.decode()
    assert client.get(_step_url(row, "assistance")).status_code == 404  # not for a transfer


def test_the_review_page_reads_a_bounded_number_of_queries(
    client_as, practitioner, django_assert_max_num_queries
):
    client = client_as(practitioner)
    row = _start(client)
    with django_assert_max_num_queries(40):
        assert client.get(_step_url(row, "review")).status_code == 200


def _complete(row, **more):
    row.content = {
        **row.content,
        "subject_matter": "Laundering of the proceeds of a fictional fraud.",
        "proceeding": "investigation",
        "conducting_authority": "Fictional Prosecutor's Office",
        "conducting_functions": "Public prosecutor",
        "facts": FACTS,
        "purposes": ["records"],
        "assistance": "Certified copies of the statements of account 123 at Example Bank.",
        "purpose": "Evidence of the movement of funds.",
        "persons": [
            {"name": "A. Example", "location": "Sydney", "nationality": "AR", "role": "suspect"}
        ],
        "offences": [
            {
                "name": "Money laundering",
                "max_penalty_years": 10,
                "organized_group": True,
                "group_size": 4,
                "transnational": ["several-states"],
                "dual_criminality": True,
            }
        ],
        "use_limited_to_request": True,
        **more,
    }
    row.save()


def test_finalise_is_refused_with_the_list_of_essentials_then_allowed(client_as, practitioner):
    client = client_as(practitioner)
    row = _start(client)
    _complete(row, facts="")
    page = client.post(reverse("cooperation:finalise", args=[row.pk])).content.decode()
    refused = re.search(r'<div id="refused".*?</div>', page, re.S).group(0)
    assert "Summarise the relevant facts" in refused
    assert f'href="{_step_url(row, "facts")}#field-facts"' in refused
    row.refresh_from_db()
    assert row.finalised is None

    client.post(_step_url(row, "facts"), {"facts": FACTS})
    response = client.post(reverse("cooperation:finalise", args=[row.pk]))
    assert response["Location"] == _step_url(row, "review")
    row.refresh_from_db()
    assert row.finalised is not None
    page = client.get(_step_url(row, "review")).content.decode()
    assert "Download for signature" in page and 'value="en" selected' in page


def test_a_warning_acknowledged_with_a_reason_no_longer_holds_the_request(client_as, practitioner):
    client = client_as(practitioner)
    row = _start(client)
    _complete(row, persons=[])
    page = client.get(_step_url(row, "review")).content.decode()
    assert 'class="acknowledge" data-code="18-15-e"' in page
    url = reverse("cooperation:acknowledge", args=[row.pk])

    response = client.post(url, {"ack-0-code": "18-15-e", "ack-0-reason": ""}, follow=True)
    assert "Give a reason" in response.content.decode()
    response = client.post(url, {"ack-0-code": "18-15-c", "ack-0-reason": "x"}, follow=True)
    assert "is not a warning on this request" in response.content.decode()

    client.post(url, {"ack-0-code": "18-15-e", "ack-0-reason": "Identity not known yet."})
    row.refresh_from_db()
    assert row.content["acknowledged"] == {"18-15-e": "Identity not known yet."}
    page = client.get(_step_url(row, "review")).content.decode()
    assert "Acknowledged: Identity not known yet." in page
    client.post(reverse("cooperation:finalise", args=[row.pk]))
    row.refresh_from_db()
    assert row.finalised is not None


def test_download_the_finalised_request_as_pdf_and_docx(client_as, practitioner):
    from docx import Document
    from pypdf import PdfReader

    client = client_as(practitioner)
    row = _start(client)
    _complete(row)
    url = reverse("cooperation:download", args=[row.pk])
    response = client.get(url, follow=True)  # a draft: back to the review
    assert "Finalise the request before downloading it." in response.content.decode()

    client.post(reverse("cooperation:finalise", args=[row.pk]))
    pdf = client.get(url, {"format": "pdf", "language": "en"})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Example Ltd" in " ".join(text.split())

    docx = client.get(url, {"format": "docx", "language": "EN"})
    assert 'filename="' in docx["Content-Disposition"]
    body = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "Example Ltd" in body

    refused = client.get(url, {"format": "pdf", "language": "ar"})  # Australia: English only
    assert refused.status_code == 400
    assert "language" in refused.content.decode() and "en" in refused.content.decode()
    assert client.get(url, {"format": "odt"}).status_code == 400


# Refused --------------------------------------------------------------------------------------


@pytest.fixture
def draft(client_as, practitioner):
    row = _start(client_as(practitioner))
    _complete(row)
    client_as(practitioner).post(reverse("cooperation:finalise", args=[row.pk]))
    row.refresh_from_db()
    assert row.finalised
    return row


@pytest.mark.parametrize(
    "make",
    [
        lambda: UserFactory(role=Role.PRACTITIONER, state="BRA"),
        lambda: UserFactory(role=Role.FOCAL_POINT, state="ARG"),
        lambda: UserFactory(role=Role.SECRETARIAT),
    ],
    ids=["other-states-practitioner", "same-states-focal-point", "secretariat"],
)
def test_everyone_else_gets_404_on_the_request(client, draft, make):
    client.force_login(make())
    pk = draft.pk
    assert client.get(_step_url(draft, "facts")).status_code == 404
    assert client.post(_step_url(draft, "facts"), {"facts": "Overwritten"}).status_code == 404
    assert client.post(reverse("cooperation:finalise", args=[pk])).status_code == 404
    assert client.get(reverse("cooperation:download", args=[pk])).status_code == 404
    assert client.post(reverse("cooperation:write_findings", args=[pk])).status_code == 404
    response = client.post(
        reverse("cooperation:acknowledge", args=[pk]), {"ack-0-code": "x", "ack-0-reason": "y"}
    )
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.content["facts"] == FACTS


def test_only_a_practitioner_may_start_a_request(client):
    client.force_login(User.objects.get(username="focal-point"))
    assert client.get(reverse("cooperation:write")).status_code == 403
    client.logout()
    assert "/accounts/login/" in client.get(reverse("cooperation:write"))["Location"]


def test_a_practitioner_cannot_start_a_request_for_another_states_authority(client):
    client.force_login(UserFactory(role=Role.PRACTITIONER, state="BRA"))
    keeper = Authority.objects.get(participant__code="ARG", area__code="mla")
    response = client.post(
        reverse("cooperation:write"),
        {
            "kind": "mla",
            "requested_state": Participant.objects.get(code="AUS").pk,
            "authority": keeper.pk,
            "title": "Not mine (fictional)",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Request.objects.filter(title="Not mine (fictional)").exists()


def test_a_reader_it_was_shared_with_downloads_but_cannot_write(client, draft, practitioner):
    reader = UserFactory(role=Role.PRACTITIONER, state="BRA")
    grant(draft, to=reader, role="viewer", acting_user=practitioner)
    client.force_login(reader)
    assert client.get(_step_url(draft, "facts")).status_code == 403
    assert client.post(reverse("cooperation:finalise", args=[draft.pk])).status_code == 403
    response = client.get(reverse("cooperation:download", args=[draft.pk]), {"language": "en"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_severities_shown_are_those_of_the_rules(client_as, practitioner):
    client = client_as(practitioner)
    row = _start(client)
    page = client.get(_step_url(row, "review")).content.decode()
    for severity in (Severity.ESSENTIAL, Severity.WARNING):
        assert f"finding-{severity}" in page
