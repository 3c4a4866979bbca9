"""Exports for ``palermo export``: the same tables, columns and rows as the pages' downloads.

A module registers an ``Export``: its table class, a function giving the rows for the
command's options, and the options it adds to the command. The platform applies the rows'
policy for the user named with ``--as`` (the public's view without it): only visible rows,
no column of a restricted field, and reads of sensitive records logged as exports.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

from .audit import record_reads, surface
from .choices import Surface
from .policies import policy_for
from .tables import PalermoTable, SafeTableExport, hidden_columns  # noqa: F401  (re-exported)


@dataclass
class Export:
    name: str
    help: str
    table_class: type
    #: ``(options) -> QuerySet`` (narrowed by its model's policy) or a list of plain rows of
    #: public data (``public=True``).
    rows: Callable
    #: ``(parser) -> None``: the command-line options of this export.
    arguments: Callable | None = None
    public: bool = False

    def table(self, options: dict, user):
        data = self.rows(options)
        exclude = []
        if isinstance(data, QuerySet):
            policy = policy_for(data.model)
            data = policy.queryset(user, "view", data)
            exclude = hidden_columns(self.table_class, policy.hidden_fields(user))
            if policy.sensitive:
                with surface(Surface.EXPORT):
                    record_reads(user, list(data), model=data.model)
        elif not self.public:
            raise TypeError(
                f"Export {self.name!r} gives plain rows: declare it public=True, or return a "
                "QuerySet so that its model's policy applies."
            )
        kwargs = {"exclude": exclude}
        if issubclass(self.table_class, PalermoTable):
            kwargs["user"] = user
        return self.table_class(data, **kwargs)


EXPORTS: dict[str, Export] = {}


def register_export(export: Export) -> Export:
    EXPORTS[export.name] = export
    return export
