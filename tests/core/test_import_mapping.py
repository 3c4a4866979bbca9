"""The mapping page: upload, see the first rows, map the columns with transforms, check, save
the mapping, import through it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from palermo.platform.choices import ImportStatus
from palermo.platform.models import ColumnMapping, ImportRun
from tests.examples.models import Payment

pytestmark = pytest.mark.django_db

STATEMENT = (
    "Datum;Betrag;Auftraggeber;Empfänger\n"
    "05.03.2024 14:37;1.234,56;Anna Muster;ACME GmbH\n"
    "06.03.2024 09:05;zwölf;Ben Beispiel;Café Central\n"
).encode()

LINES = {
    "paid_at-column": "Datum",
    "paid_at-transform": "date",
    "paid_at-option": "%d.%m.%Y %H:%M",
    "amount-column": "Betrag",
    "amount-transform": "number",
    "amount-option": ", .",
    "currency-column": "__constant__",
    "currency-option": "EUR",
    "payer-column": "Auftraggeber",
    "payee-column": "Empfänger",
}


@pytest.fixture
def mapping_page(user_client, secretariat):
    client = user_client(secretariat.username)
    response = client.post(
        reverse("core:import"),
        {
            "importer": "example-payments",
            "file": SimpleUploadedFile("statement.csv", STATEMENT),
            "action": "map",
        },
    )
    run = ImportRun.objects.get(importer="example-payments")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:import-mapping", args=[run.pk])
    return client, run, reverse("core:import-mapping", args=[run.pk])


def test_the_page_shows_the_detected_layout_and_the_first_rows(mapping_page):
    client, run, url = mapping_page
    page = client.get(url).content.decode()
    assert run.status == ImportStatus.PENDING
    assert "“;”" in page and "Anna Muster" in page and "Café Central" in page


def test_checking_shows_each_rows_values_and_each_columns_errors(mapping_page):
    client, run, url = mapping_page
    page = client.post(url, {**LINES, "action": "check"}).content.decode()
    assert "2024-03-05 14:37:00" in page and "1234.56" in page
    assert "1 error" in page  # the column Betrag, in row 3
    assert "zwölf" in page  # the error names the value
    assert not Payment.objects.exists()


def test_a_saved_mapping_is_reused_by_name(mapping_page, secretariat):
    client, run, url = mapping_page
    client.post(url, {**LINES, "action": "save", "save_as": "Bank Muster"})
    mapping = ColumnMapping.objects.get(name="Bank Muster")
    assert mapping.owner == secretariat and mapping.importer == "example-payments"
    assert mapping.spec["fields"]["currency"] == {"constant": "EUR"}
    again = client.get(url + f"?mapping={mapping.pk}").content.decode()
    assert 'value="%d.%m.%Y %H:%M"' in again
    duplicate = client.post(url, {**LINES, "action": "save", "save_as": "Bank Muster"})
    assert "exists for this importer" in duplicate.content.decode()


def test_importing_through_the_mapping_reports_the_bad_row_and_writes_nothing(mapping_page):
    client, run, url = mapping_page
    response = client.post(url, {**LINES, "action": "import"})
    run.refresh_from_db()
    assert response.status_code == 302 and run.status == ImportStatus.REFUSED
    assert run.report["errors"][0]["row"] == 3 and run.report["errors"][0]["field"] == "Betrag"
    assert not Payment.objects.exists()


def test_a_good_file_is_imported_through_the_mapping(user_client, secretariat):
    client = user_client(secretariat.username)
    good = STATEMENT.replace("zwölf".encode(), b"12,00")
    client.post(
        reverse("core:import"),
        {
            "importer": "example-payments",
            "file": SimpleUploadedFile("statement.csv", good),
            "action": "map",
        },
    )
    run = ImportRun.objects.get(importer="example-payments")
    client.post(reverse("core:import-mapping", args=[run.pk]), {**LINES, "action": "import"})
    run.refresh_from_db()
    assert run.status == ImportStatus.APPLIED and run.created_count == 2
    assert sorted(Payment.objects.values_list("payee", flat=True)) == ["ACME GmbH", "Café Central"]
    assert run.stored_file == ""  # deleted once imported


def test_someone_else_cannot_open_the_mapping_page(mapping_page, user_client, focal_point):
    _client, run, url = mapping_page
    assert user_client(focal_point.username).get(url).status_code == 404
