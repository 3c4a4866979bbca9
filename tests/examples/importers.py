"""A row-by-row importer on the platform: payments of a bank statement, written in bulk
(``BulkInsert``: plain tuples, one prepared statement per batch), each row pointing to its
import and its row of the file."""

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from palermo.platform.bulk import BulkInsert
from palermo.platform.imports import Importer, register_importer

from .models import Payment

#: The fields each validated row gives, in order, then its provenance.
COLUMNS = (
    "paid_at",
    "amount",
    "currency",
    "payer",
    "payee",
    "reference",
    "import_run",
    "source_row",
)


@register_importer
class PaymentImporter(Importer):
    name = "example-payments"
    label = "Payments (example)"
    models = (Payment,)
    required_columns = ("paid_at", "amount", "currency", "payer", "payee")
    fields = {
        "paid_at": "Date and time",
        "amount": "Amount",
        "currency": "Currency (ISO 4217)",
        "payer": "Payer",
        "payee": "Payee",
        "reference": "Reference",
    }

    def validate_row(self, row, report):
        values, ok = row.values, True
        paid_at = values.get("paid_at")
        if isinstance(paid_at, str):
            try:
                paid_at = datetime.fromisoformat(paid_at)
            except ValueError:
                report.error(row.number, "paid_at", f"“{paid_at}” is not a date and time")
                ok = False
        if isinstance(paid_at, datetime) and paid_at.tzinfo is None:
            paid_at = paid_at.replace(tzinfo=UTC)
        amount = values.get("amount")
        if not isinstance(amount, Decimal):
            try:
                amount = Decimal(str(amount))
            except InvalidOperation:
                report.error(row.number, "amount", f"“{amount}” is not a number")
                ok = False
        currency = str(values.get("currency") or "")
        if len(currency) != 3:
            report.error(row.number, "currency", f"“{currency}” is not a three-letter code")
            ok = False
        for name in ("payer", "payee"):
            if not values.get(name):
                report.error(row.number, name, "empty", "missing")
                ok = False
        if not ok:
            return None
        return (
            paid_at,
            amount,
            currency.upper(),
            str(values["payer"])[:200],
            str(values["payee"])[:200],
            str(values.get("reference") or "")[:200],
            *self.provenance(report, row.number),
        )

    def write_batch(self, items, report, *, acting_user):
        report.created += BulkInsert(Payment, COLUMNS).write(items)
