"""Core's export for ``palermo export``: the audit trail (what the user may see of it)."""

from auditlog.models import LogEntry

from palermo.platform.exports import Export, register_export

from .tables import AuditTable

register_export(
    Export(
        name="audit-trail",
        help="Recorded changes (who, when, what) of the records the user may see.",
        table_class=AuditTable,
        rows=lambda options: LogEntry.objects.select_related("actor", "content_type").order_by(
            "-timestamp"
        ),
    )
)
