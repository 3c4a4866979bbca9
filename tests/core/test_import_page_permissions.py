"""The import page offers each user the importers their roles allow, and refuses the others:
a State's focal point imports Library drafts and needs, not programmes or treaty actions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from palermo.assistance.models import Programme

pytestmark = pytest.mark.django_db


def test_a_focal_point_is_offered_only_the_importers_of_their_role(user_client):
    page = user_client("focal-point").get("/import/")
    assert page.status_code == 200
    offered = {value for value, _label in page.context["form"].fields["importer"].choices}
    assert {"library", "assistance-needs"} <= offered
    assert "assistance-programmes" not in offered
    assert all(not key.startswith("treaties") for key in offered)


def test_a_focal_point_cannot_post_an_importer_their_role_does_not_allow(user_client):
    upload = SimpleUploadedFile("p.csv", b"code,title\nfp-prog,Not allowed (fictional)\n")
    page = user_client("focal-point").post(
        "/import/", {"importer": "assistance-programmes", "file": upload}
    )
    assert page.status_code == 200  # the form again, with the error on the importer field
    assert "importer" in page.context["form"].errors
    assert not Programme.objects.filter(code="fp-prog").exists()


@pytest.mark.parametrize("who", ["observer", "analyst"])
def test_roles_without_an_importer_are_refused_the_page(user_client, who):
    assert user_client(who).get("/import/").status_code == 403


def test_a_practitioner_is_offered_the_log_of_requests_only(user_client):
    page = user_client("practitioner").get("/import/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Cooperation: the log of requests" in text
    assert "Statistics: observations" not in text


def test_an_importer_that_needs_its_own_page_is_not_offered_here(user_client):
    """Analysis imports go into an investigation, which this page cannot name: an analyst may
    use them from the command, and the page neither offers them nor takes them."""
    from palermo.platform.imports import IMPORTERS

    assert not IMPORTERS["analysis.payments"].on_import_page
    secretariat = user_client("secretariat")
    offered = {
        value
        for value, _label in secretariat.get("/import/").context["form"].fields["importer"].choices
    }
    assert "library" in offered and not any(k.startswith("analysis.") for k in offered)
    upload = SimpleUploadedFile("p.csv", b"payer,beneficiary\nA,B\n")
    page = secretariat.post("/import/", {"importer": "analysis.payments", "file": upload})
    assert page.status_code == 200 and "importer" in page.context["form"].errors
