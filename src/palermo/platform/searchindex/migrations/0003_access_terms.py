"""Access terms and facet values inside the index (``searchindex.backends``): on SQLite the
FTS5 table gains the column ``t`` (FTS5 tables cannot gain a column: a new one is filled with the
old one's text and each document's facet tokens, takes its name, and the delete trigger is made
again); on PostgreSQL the tokens are lexemes added to the existing ``vector``. Documents indexed
before carry no access terms, which is right: no provider declared any before this version (a provider that starts declaring them
needs ``palermo search-index rebuild --provider KEY``, as any change of what is indexed)."""

from django.db import migrations

TEXT = "a, b, c, d, ra, rb, rc, rd"
TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2'"
TRIGGER = (
    "CREATE TRIGGER searchindex_fts_delete AFTER DELETE ON searchindex_document "
    "BEGIN DELETE FROM searchindex_fts WHERE rowid = old.id; END"
)
#: Each document's facet tokens (``backends.facet_token``) from its facet values, in SQL.
SQLITE_FACETS = (
    "COALESCE((SELECT group_concat('x' || lower(hex(char(30) || v.name || char(31) || v.value)),"
    " ' ') FROM searchindex_facetvalue v WHERE v.document_id = f.rowid), '')"
)
FORWARD = [
    f"CREATE VIRTUAL TABLE searchindex_fts_new USING fts5({TEXT}, t, {TOKENIZE})",
    f"INSERT INTO searchindex_fts_new(rowid, {TEXT}, t) "
    f"SELECT f.rowid, {', '.join('f.' + c for c in TEXT.split(', '))}, {SQLITE_FACETS} "
    "FROM searchindex_fts f",
    "DROP TRIGGER IF EXISTS searchindex_fts_delete",
    "DROP TABLE searchindex_fts",
    "ALTER TABLE searchindex_fts_new RENAME TO searchindex_fts",
    TRIGGER,
]
BACKWARD = [
    f"CREATE VIRTUAL TABLE searchindex_fts_old USING fts5({TEXT}, {TOKENIZE})",
    f"INSERT INTO searchindex_fts_old(rowid, {TEXT}) SELECT rowid, {TEXT} FROM searchindex_fts",
    "DROP TRIGGER IF EXISTS searchindex_fts_delete",
    "DROP TABLE searchindex_fts",
    "ALTER TABLE searchindex_fts_old RENAME TO searchindex_fts",
    TRIGGER,
]


#: The same on PostgreSQL, added to each document's vector (lexemes start with ``_``).
POSTGRESQL_FORWARD = [
    "UPDATE searchindex_document d SET vector = COALESCE(d.vector, ''::tsvector) || "
    "CAST(s.tokens AS tsvector) FROM (SELECT document_id, string_agg('_x' || "
    "encode(convert_to(chr(30) || name || chr(31) || value, 'UTF8'), 'hex'), ' ') AS tokens "
    "FROM searchindex_facetvalue GROUP BY document_id) s WHERE s.document_id = d.id",
]


def _run(sqlite, postgresql=()):
    def run(apps, schema_editor):
        statements = {"sqlite": sqlite, "postgresql": postgresql}
        for sql in statements.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("searchindex", "0002_document_facets")]

    # Backwards, PostgreSQL keeps the facet lexemes: no typed word can match them.
    operations = [migrations.RunPython(_run(FORWARD, POSTGRESQL_FORWARD), _run(BACKWARD))]
