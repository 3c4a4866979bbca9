"""Exports for the ``palermo export`` command: the same tables, columns and rows as the pages.

Each module registers a function ``(options) -> Table`` (a django-tables2 table holding every
row); the command writes it with django-tables2's exporter, as the pages' download links do.
"""

from collections.abc import Callable

EXPORTS: dict[str, tuple[Callable, str]] = {}


def register_export(name: str, help_text: str):
    def register(func):
        EXPORTS[name] = (func, help_text)
        return func

    return register


@register_export("audit-trail", "Every recorded change (who, when, what).")
def audit_trail(options):
    from auditlog.models import LogEntry

    from .views import AuditTable

    return AuditTable(
        LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")
    )
