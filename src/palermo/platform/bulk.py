"""Bulk writes of plain rows: the fast path of imports that create hundreds of thousands of
records. ``BulkInsert(model, fields)`` takes tuples of Python values in the order of ``fields``
and writes them with one prepared statement per batch (``executemany`` on SQLite, ``COPY`` on
PostgreSQL), converting each value once with its field's own ``get_db_prep_save``: no model
instance is built, no signal is sent (the datasets of ``platform.computed`` the model is an
input of are advanced after each write all the same), nothing is validated (the importer validates each row
before it adds it). Fields not given get their default as a model instance would (evaluated per row when
callable); a field without one must be given.

Inside the import's transaction, like every other write of an import; the import is one audit
entry (``platform.imports``), and the records point back to it through ``ImportedRecord``.
"""

from collections.abc import Iterable, Sequence

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import NOT_PROVIDED, CharField, IntegerField, TextField

from .computed import advance_for


class BulkInsert:
    def __init__(self, model, fields: Sequence[str], *, using: str = DEFAULT_DB_ALIAS):
        self.model = model
        # The connection itself, not the ``django.db.connection`` proxy: each value is
        # converted with it, and the proxy's lookup would cost more than the conversion.
        self.connection = connections[using]
        self.fields = list(fields)
        opts = model._meta
        by_name = {f.name: f for f in opts.concrete_fields}
        by_name.update({f.attname: f for f in opts.concrete_fields})
        unknown = [name for name in self.fields if name not in by_name]
        if unknown:
            raise ValueError(f"{model.__name__} has no field {unknown[0]!r}")
        given = [by_name[name] for name in self.fields]
        rest = [
            f
            for f in opts.concrete_fields
            if f not in given and not (f.primary_key and getattr(f, "db_returning", False))
        ]
        self.columns = [f.column for f in given + rest]
        self._prep = [self._converter(f) for f in given]
        self._defaults = [self._default(f) for f in rest]
        quote = self.connection.ops.quote_name
        self.table = quote(opts.db_table)
        self.column_sql = ", ".join(quote(c) for c in self.columns)

    def _converter(self, field):
        """A function converting one column of a batch (a list) to database values."""
        prep, connection = field.get_db_prep_save, self.connection
        # Text and whole numbers go to the database as they are: skip the field's machinery.
        plain = (
            str
            if isinstance(field, CharField | TextField)
            else int
            if isinstance(field, IntegerField) and not field.is_relation
            else None
        )

        def convert(values: list) -> list:
            if plain is not None and all(type(v) is plain or v is None for v in values):
                return values
            return [None if v is None else prep(v, connection) for v in values]

        return convert

    def _default(self, field):
        """As a model instance would have it: the field's default, else empty text for text
        fields and NULL where allowed; any other field must be given. A function of the batch
        size giving the column's values."""
        convert = self._converter(field)
        if field.default is NOT_PROVIDED and not (field.null or field.empty_strings_allowed):
            raise ValueError(
                f"{self.model.__name__}.{field.name} has no default: give it to BulkInsert"
            )
        if field.has_default() and callable(field.default):
            return lambda n: convert([field.default() for _ in range(n)])
        value = convert([field.get_default()])[0]
        return lambda n: [value] * n

    def rows(self, values: Iterable[Sequence]) -> list[tuple]:
        """The rows as the database takes them, converted column by column."""
        values = list(values)
        if not values:
            return []
        width = len(self._prep)
        if any(len(row) != width for row in values):
            raise ValueError(f"each row must have {width} values: {', '.join(self.fields)}")
        columns = [
            convert(list(column))
            for convert, column in zip(self._prep, zip(*values, strict=True), strict=True)
        ]
        columns += [default(len(values)) for default in self._defaults]
        return list(zip(*columns, strict=True))

    def write(self, values: Iterable[Sequence]) -> int:
        """Insert the rows; returns how many."""
        rows = self.rows(values)
        if not rows:
            return 0
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                raw = cursor.cursor  # psycopg 3: COPY is its fastest way in
                with raw.copy(f"COPY {self.table} ({self.column_sql}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(
                    f"INSERT INTO {self.table} ({self.column_sql}) VALUES ({marks})", rows
                )
        # No signal was sent: the datasets computed from this model change with this write.
        advance_for(self.model, using=self.connection.alias)
        return len(rows)
