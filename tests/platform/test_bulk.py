"""BulkInsert, the fast path of large imports: plain tuples in, exact values out, on the
engine the suite runs on (executemany on SQLite, COPY on PostgreSQL)."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from palermo.platform.bulk import BulkInsert
from palermo.platform.models import ImportRun
from tests.examples.models import Payment

pytestmark = pytest.mark.django_db

FIELDS = ("paid_at", "amount", "currency", "payer", "payee", "import_run", "source_row")


def test_values_arrive_exactly_with_their_provenance():
    run = ImportRun.objects.create(importer="example-payments", file_name="x.csv")
    vienna = timezone(timedelta(hours=1))
    written = BulkInsert(Payment, FIELDS).write(
        [
            (
                datetime(2024, 3, 5, 14, 37, 9, tzinfo=vienna),
                Decimal("-1234.56"),
                "EUR",
                "Anna",
                "ACME",
                run.pk,
                2,
            ),
            (
                datetime(2024, 3, 6, 0, 0, 1, tzinfo=UTC),
                Decimal("0.01"),
                "USD",
                "Ben",
                "Café",
                run.pk,
                3,
            ),
        ]
    )
    assert written == 2
    first, second = Payment.objects.order_by("source_row")
    assert first.paid_at == datetime(2024, 3, 5, 13, 37, 9, tzinfo=UTC)
    assert first.amount == Decimal("-1234.56") and second.amount == Decimal("0.01")
    assert (second.payee, second.import_run, second.reference) == ("Café", run, "")


def test_a_field_the_model_does_not_have_is_refused():
    with pytest.raises(ValueError, match="no field 'amout'"):
        BulkInsert(Payment, ("paid_at", "amout"))


def test_a_required_field_left_out_is_refused_before_writing():
    with pytest.raises(ValueError, match="paid_at has no default"):
        BulkInsert(Payment, ("amount", "currency", "payer", "payee"))
    assert not Payment.objects.exists()


def test_a_bulk_insert_advances_the_datasets_computed_from_its_model():
    from palermo.platform.computed import register_dataset

    dataset = register_dataset("test-bulk-payments", inputs=["examples.Payment"])
    run = ImportRun.objects.create(importer="example-payments", file_name="x.csv")
    before = dataset.version()
    row = (datetime(2024, 3, 5, tzinfo=UTC), Decimal("1"), "EUR", "Anna", "ACME", run.pk, 2)
    BulkInsert(Payment, FIELDS).write([row])
    assert dataset.version() != before  # so a result cached before the write is never served
