"""A restricted field and a private record on every surface, from the side of those refused:
tables and their exports, the detail page, the API and its OpenAPI document, search and its
snippets, notifications and e-mails, the audit trail, the read log and `palermo export`."""

import csv
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from palermo.core.services import create_api_token
from palermo.platform.audit import audited
from palermo.platform.grants import grant
from palermo.platform.models import ReadEvent
from palermo.platform.notifications import FieldValue, notify
from tests.examples.models import Casefile

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.examples.urls")]

PHONE = "+54 11 5555 0199"


@pytest.fixture
def case(people, django_capture_on_commit_callbacks):
    owner = people["analyst"]
    with django_capture_on_commit_callbacks(execute=True):  # indexed for search on commit
        case = Casefile.objects.create(
            title="Operation Lantern", summary="Containers at the port", informant_phone=PHONE
        )
    grant(case, to=owner, role="owner", acting_user=owner, first=True)
    grant(case, to=people["observer"], role="viewer", acting_user=owner)
    grant(case, to=people["secretariat"], role="viewer", acting_user=owner)
    return case


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def api_for(user):
    _token, key = create_api_token(acting_user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {key}"})


def test_the_table_and_its_exports_leave_the_restricted_column_out(people, case):
    page = client_for(people["analyst"]).get("/examples/casefiles/").content.decode()
    assert "Operation Lantern" in page
    assert PHONE not in page and "Informant" not in page
    exported = client_for(people["analyst"]).get("/examples/casefiles/?_export=csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert rows[0] == ["Title", "Summary"] and PHONE not in exported.content.decode()
    allowed = client_for(people["secretariat"]).get("/examples/casefiles/").content.decode()
    assert PHONE in allowed and "Informant" in allowed


def test_the_table_shows_nobody_a_workspace_they_are_not_a_member_of(people, case):
    assert (
        "Operation Lantern"
        not in client_for(people["stranger"]).get("/examples/casefiles/").content.decode()
    )
    anonymous = client_for(None).get("/examples/casefiles/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_the_detail_page_hides_the_field_and_the_record(people, case):
    data = client_for(people["analyst"]).get(f"/examples/casefiles/{case.pk}/").json()
    assert data == {"title": "Operation Lantern", "summary": "Containers at the port"}
    assert client_for(people["stranger"]).get(f"/examples/casefiles/{case.pk}/").status_code == 404


def test_the_api_leaves_the_key_out_and_its_document_the_property(people, case):
    analyst = api_for(people["analyst"])
    listed = analyst.get("/examples/api/casefiles").json()["items"]
    assert listed == [{"id": case.pk, "title": "Operation Lantern"}]
    one = analyst.get(f"/examples/api/casefiles/{case.pk}").json()
    assert "informant_phone" not in one
    assert (
        api_for(people["secretariat"])
        .get(f"/examples/api/casefiles/{case.pk}")
        .json()["informant_phone"]
        == PHONE
    )
    assert api_for(people["stranger"]).get(f"/examples/api/casefiles/{case.pk}").status_code == 404
    assert api_for(people["stranger"]).get("/examples/api/casefiles").json()["items"] == []

    def properties(client):
        schemas = client.get("/examples/api/openapi-for-me").json()["components"]["schemas"]
        return schemas["CasefileOut"]["properties"]

    assert "informant_phone" not in properties(analyst)
    assert "informant_phone" in properties(api_for(people["secretariat"]))


def test_search_neither_matches_nor_quotes_the_restricted_field(people, case):
    analyst = client_for(people["analyst"])
    assert "Operation Lantern" not in analyst.get("/search/?q=5555").content.decode()
    found = analyst.get("/search/?q=Lantern").content.decode()
    assert "Operation Lantern" in found and PHONE not in found
    assert (
        "Operation Lantern"
        in client_for(people["secretariat"]).get("/search/?q=5555").content.decode()
    )
    assert (
        "Operation Lantern"
        not in client_for(people["stranger"]).get("/search/?q=Lantern").content.decode()
    )


def test_notifications_and_emails_withhold_the_value(people, case):
    analyst, secretariat = people["analyst"], people["secretariat"]
    notify(
        [analyst, secretariat],
        title="Workspace updated",
        body="New informant number: %(phone)s",
        params={"phone": FieldValue(case, "informant_phone")},
    )
    assert PHONE not in analyst.notifications.get().body
    assert "withheld" in analyst.notifications.get().body
    assert PHONE in secretariat.notifications.get().body


def test_emails_of_notifications_withhold_the_value(
    people, case, django_capture_on_commit_callbacks
):
    analyst = people["analyst"]
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [analyst],
            title="Workspace updated",
            body="New informant number: %(phone)s",
            params={"phone": FieldValue(case, "informant_phone")},
        )
    assert mail.outbox and PHONE not in mail.outbox[-1].body


def test_the_audit_trail_masks_the_field_and_hides_the_record(people, case):
    with audited(people["secretariat"]):
        case.informant_phone = "+54 11 5555 0200"
        case.summary = "Moved to the airport"
        case.save()
    own = client_for(people["analyst"]).get("/audit/?object_repr=Lantern").content.decode()
    assert "Moved to the airport" in own
    assert "5555" not in own and "informant_phone" not in own
    full = client_for(people["secretariat"]).get("/audit/?object_repr=Lantern").content.decode()
    assert "+54 11 5555 0200" in full
    hidden = client_for(people["stranger"]).get("/audit/?object_repr=Lantern").content.decode()
    assert "Operation Lantern" not in hidden and "airport" not in hidden


def test_every_read_of_a_sensitive_record_is_logged_with_its_surface(people, case):
    analyst = people["analyst"]
    client_for(analyst).get("/examples/casefiles/")
    client_for(analyst).get(f"/examples/casefiles/{case.pk}/")
    client_for(analyst).get("/examples/casefiles/?_export=csv")
    client_for(analyst).get("/search/?q=Lantern")
    api_for(analyst).get(f"/examples/api/casefiles/{case.pk}")
    call_command("export", "example-casefiles", "--as", "analyst", stdout=io.StringIO())
    surfaces = sorted(ReadEvent.objects.filter(user=analyst).values_list("surface", flat=True))
    # The list page, the detail page, the CSV download, search, the API, `palermo export`.
    assert surfaces == ["api", "export", "export", "page", "page", "search"]
    assert ReadEvent.objects.filter(path="palermo export example-casefiles").count() == 1
    assert ReadEvent.objects.filter(user=analyst, object_pk=str(case.pk)).count() == len(surfaces)


def test_the_owner_and_the_secretariat_see_who_read_what_others_do_not(people, case):
    client_for(people["observer"]).get(f"/examples/casefiles/{case.pk}/")
    reads = client_for(people["analyst"]).get("/audit/reads/").content.decode()
    assert "Operation Lantern" in reads and "Demo Observer" in reads
    assert (
        "Operation Lantern"
        in client_for(people["secretariat"]).get("/audit/reads/").content.decode()
    )
    for who in ("observer", "stranger"):
        page = client_for(people[who]).get("/audit/reads/").content.decode()
        assert "Operation Lantern" not in page


def test_palermo_export_applies_the_policy_for_the_named_user(people, case):
    def export(*args):
        out = io.StringIO()
        import sys

        real, sys.stdout = sys.stdout, out
        try:
            call_command("export", "example-casefiles", *args)
        finally:
            sys.stdout = real
        return out.getvalue()

    assert PHONE not in export("--as", "analyst") and "Operation Lantern" in export(
        "--as", "analyst"
    )
    assert "Operation Lantern" not in export()  # the public sees no workspace
    assert "Operation Lantern" not in export("--as", "stranger")


def test_a_large_read_is_logged_as_one_line_with_its_number(people):
    from palermo.platform.audit import DETAIL_LIMIT, record_reads

    cases = Casefile.objects.bulk_create(
        Casefile(title=f"Case {n}") for n in range(DETAIL_LIMIT + 1)
    )
    record_reads(people["analyst"], cases)
    line = ReadEvent.objects.get(user=people["analyst"])
    assert line.count == DETAIL_LIMIT + 1 and line.object_pk == ""
    record_reads(people["observer"], cases[:3])
    assert ReadEvent.objects.filter(user=people["observer"]).count() == 3
