"""The full-text search index behind site search (``palermo.platform.search``): its tables and
the two backends, SQLite FTS5 and PostgreSQL text search."""
