"""The index's two backends behind one contract: write documents, run one search.

``SQLiteBackend``: an FTS5 table (``unicode61 remove_diacritics 2`` over text already folded by
``text.index_text``), ranked by ``bm25`` with a weight per column. ``PostgreSQLBackend``:
``tsvector`` columns with GIN indexes, built with ``setweight`` per field and ``to_tsvector``
in the text-search configuration of the document's language (``simple`` where the server has
none), ranked by ``ts_rank_cd`` with the same weights.

A search is **one statement**: a materialized common table expression selects the matching
documents *of the rows the user may see*, and the statement returns both the page of results
and every facet count of that set, so ranking, totals and facets never see a forbidden row.
Who may see a document is decided, per provider, in one of three ways: every row (no check);
**access terms** inside the full-text match itself (the provider declared ``access``: each
document carries a marker of its provider and tokens of its terms — FTS5 column ``t``, lexemes
in the ``tsvector`` that no typed word can produce — and the match is ``(query) AND (term1 OR
term2 …)``); or the policy's ``EXISTS (subquery)``, a look-up on the record's own primary key,
per matched document.

The set is **bounded**: at most ``limit`` (``SEARCH_RANK_LIMIT``, 10,000) permitted matches are
read, in index order, and ranked; beyond that the total is reported as "more than" that number
(``Found.exact`` is false) and the facets count the bounded set. Below it, everything is exact.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.db import connection

from . import text

WEIGHTS = "abcd"
#: Relative weight of the columns A, B, C, D (PostgreSQL's defaults, as ratios).
WEIGHT_VALUES = {"a": 1.0, "b": 0.4, "c": 0.2, "d": 0.1}
COLUMNS = [*WEIGHTS, *(f"r{w}" for w in WEIGHTS)]

#: Permitted matches read and ranked at most (the rest are counted as "more than").
RANK_LIMIT = 10_000

#: Django language code → PostgreSQL text-search configuration (used when the server has it).
PG_CONFIGS = {
    "en": "english",
    "fr": "french",
    "es": "spanish",
    "ru": "russian",
    "ar": "arabic",
    "de": "german",
    "it": "italian",
    "pt": "portuguese",
}


@dataclass
class IndexedDocument:
    provider: str
    content_type_id: int
    object_pk: str
    language: str
    #: ``a`` … ``d`` (by weight) and ``ra`` … ``rd`` (restricted fields): folded index text.
    columns: dict[str, str]
    facets: list[tuple[str, str]] = field(default_factory=list)
    #: Tokens matched by the search itself, never by typed words: a ``facet_token`` per facet
    #: value and, for providers that declare access terms, their marker and one ``access_token``
    #: per term.
    terms: list[str] = field(default_factory=list)


def access_token(provider: str, term: str | None = None) -> str:
    """The index token of an access term of ``provider`` (``None``: the provider's marker,
    carried by each of its documents that has access terms). Letters and digits only, so both
    engines keep it as one token; it is only ever matched in the access column (FTS5) or with a
    prefix no typed word has (PostgreSQL)."""
    value = provider if term is None else f"{provider}\x1f{term}"
    return "x" + value.encode().hex()


def facet_token(name: str, value: str) -> str:
    """The index token of a facet value (every document carries one per value it has), so that
    a facet filter is part of the full-text match. Migration 0003 computes the same in SQL."""
    return "x" + f"\x1e{name}\x1f{value[:200]}".encode().hex()


@dataclass
class Clause:
    """The documents of one provider that the user may see: ``pk_sql`` is a sub-query, over
    the outer document ``d``, that returns a row when ``d``'s record is permitted; ``terms``
    the access tokens of the user (a document with one of them is permitted); neither: every
    row."""

    provider: str
    pk_sql: str | None = None
    pk_params: tuple = ()
    terms: list[str] | None = None


@dataclass
class Part:
    """Providers searched over the same columns: ``restricted`` ones too, or only the public."""

    restricted: bool
    clauses: list[Clause]


@dataclass
class Hit:
    provider: str
    object_pk: str
    score: float
    document_id: int


@dataclass
class Found:
    hits: list[Hit]
    #: ``{facet: {value: count}}``, with ``kind`` (provider) and ``language`` built in.
    facets: dict[str, dict[str, int]]
    #: Whether the counts are every permitted match (false: more than ``total`` matched, and
    #: the ranking and counts are of the first ``total`` in index order).
    exact: bool = True

    @property
    def total(self) -> int:
        return sum(self.facets.get("kind", {}).values())


class Backend:
    vendor = ""

    # Writing ---------------------------------------------------------------------------

    def delete(self, provider: str, object_pks: list[str] | None) -> None:
        """Remove the documents of these records (``None``: all the provider's)."""
        if object_pks is not None and not object_pks:
            return
        where, params = "provider = %s", [provider]
        if object_pks is not None:
            where += f" AND object_pk IN ({', '.join(['%s'] * len(object_pks))})"
            params += object_pks
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM searchindex_document WHERE {where}", params)

    def insert(self, documents: list[IndexedDocument]) -> None:
        from .models import Document

        if not documents:
            return
        rows = Document.objects.bulk_create(
            Document(
                provider=d.provider,
                content_type_id=d.content_type_id,
                object_pk=d.object_pk,
                language=d.language,
                facets=[[name, value[:200]] for name, value in d.facets],
            )
            for d in documents
        )
        self.insert_text([(row.pk, doc) for row, doc in zip(rows, documents, strict=True)])

    def insert_text(self, rows: list[tuple[int, IndexedDocument]]) -> None:
        raise NotImplementedError

    def after_rebuild(self) -> None:
        """Tidy up after a rebuild: fresh planner statistics (and a merged FTS5 index)."""

    # Searching -------------------------------------------------------------------------

    def matched_sql(self, query: text.Query, part: Part, facets: list[str]) -> tuple[str, list]:
        """The matches of one part, permitted by access terms where its clauses carry them and
        with every one of these facet tokens: ``SELECT d.id, d.provider, d.object_pk,
        d.language, d.facets, score …``."""
        raise NotImplementedError

    @staticmethod
    def access_of(part: Part) -> tuple[list[str], list[str], bool]:
        """The part's access tokens of the user, the markers of its term-checked providers,
        and whether every provider of the part is term-checked."""
        checked = [c for c in part.clauses if c.terms is not None]
        tokens = sorted({t for c in checked for t in c.terms})
        markers = sorted(access_token(c.provider) for c in checked)
        return tokens, markers, len(checked) == len(part.clauses)

    def search(
        self,
        query: text.Query,
        parts: list[Part],
        *,
        filters: list[tuple[str, str]] = (),
        language: str = "",
        limit: int = 20,
        offset: int = 0,
        per_provider: bool = False,
        bound: int | None = None,
    ) -> Found:
        """The page of hits (or, ``per_provider``, the first ``limit`` of each provider) and
        the facet counts of everything matched — at most ``bound`` permitted matches (default
        ``RANK_LIMIT``), read in index order — in one statement."""
        parts = [p for p in parts if p.clauses]
        if not query or not parts:
            return Found([], {})
        bound = RANK_LIMIT if bound is None else max(1, bound)
        selects, params = [], []
        facets = [facet_token(name, value) for name, value in filters]
        for part in parts:
            sql, part_params = self.matched_sql(query, part, facets)
            allowed, allowed_params = [], []
            unchecked = [c.provider for c in part.clauses if c.pk_sql is None]
            if unchecked:
                allowed.append(f"d.provider IN ({', '.join(['%s'] * len(unchecked))})")
                allowed_params += unchecked
            for clause in part.clauses:
                if clause.pk_sql is not None:
                    allowed.append(f"(d.provider = %s AND EXISTS ({clause.pk_sql}))")
                    allowed_params += [clause.provider, *clause.pk_params]
            where = ["(" + " OR ".join(allowed) + ")"]
            if language:
                where.append("d.language = %s")
                allowed_params.append(language)
            selects.append(self.filtered(sql, " AND ".join(where)))
            params += [*part_params, *allowed_params]
        if per_provider:
            page = (
                "SELECT 0 AS kind, provider AS a, object_pk AS b, score AS n, id FROM ("
                "SELECT provider, object_pk, score, id, ROW_NUMBER() OVER "
                "(PARTITION BY provider ORDER BY score, id) AS rn FROM m) ranked WHERE rn <= %s"
            )
            page_params = [limit]
        else:
            page = (
                "SELECT 0 AS kind, provider AS a, object_pk AS b, score AS n, id FROM ("
                "SELECT provider, object_pk, score, id FROM m ORDER BY score, id "
                "LIMIT %s OFFSET %s) paged"
            )
            page_params = [limit, offset]
        count = "CAST(COUNT(*) AS DOUBLE PRECISION)"
        # One match more than the bound says whether there are more (row kind 2); the page and
        # the counts are of the first ``bound``.
        union = " UNION ALL ".join(selects)
        sql = (
            f"WITH found AS MATERIALIZED (SELECT * FROM ({union}) u LIMIT %s), "
            "m AS MATERIALIZED (SELECT * FROM found LIMIT %s) "
            f"{page} "
            f"UNION ALL SELECT 1, 'kind', provider, {count}, 0 FROM m GROUP BY provider "
            f"UNION ALL SELECT 1, 'language', language, {count}, 0 FROM m GROUP BY language "
            f"UNION ALL {self.facets_sql(count)} "
            f"UNION ALL SELECT 2, '', '', {count}, 0 FROM found"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, bound + 1, bound, *page_params])
            rows = cursor.fetchall()
        hits = sorted(
            (Hit(a, b, n, i) for kind, a, b, n, i in rows if kind == 0),
            key=lambda h: (h.score, h.document_id),
        )
        facets: dict[str, dict[str, int]] = {}
        exact = True
        for kind, a, b, n, _i in rows:
            if kind == 1:  # the same pair may be stored in two spellings: add them up
                values = facets.setdefault(a, {})
                values[b] = values.get(b, 0) + int(n)
            elif kind == 2:
                exact = int(n) <= bound
        return Found(hits, facets, exact)

    def filtered(self, matched: str, where: str) -> str:
        """The matches ``matched`` (``… WHERE <match>``) with the conditions ``where`` on its
        document ``d`` (provider, policy, language)."""
        return f"{matched} AND {where}"

    def facets_sql(self, count: str) -> str:
        """The rows ``1, name, value, count, 0`` of the facet values of the matched documents
        ``m``, read from their ``facets`` column (no second look-up per document), grouped by
        the ``[name, value]`` pair as stored and unpacked once per group."""
        raise NotImplementedError

    def raw_count(self, query: text.Query) -> int:
        """The backend's bare full-text query, for the benchmark's baseline."""
        raise NotImplementedError


class SQLiteBackend(Backend):
    vendor = "sqlite"

    def after_rebuild(self):
        with connection.cursor() as cursor:
            # The join order is fixed in the statement (CROSS JOIN): no statistics needed.
            cursor.execute("INSERT INTO searchindex_fts(searchindex_fts) VALUES ('optimize')")

    def insert_text(self, rows):
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO searchindex_fts(rowid, {', '.join(COLUMNS)}, t) "
                f"VALUES (%s, {', '.join(['%s'] * (len(COLUMNS) + 1))})",
                [
                    (pk, *(doc.columns.get(c, "") for c in COLUMNS), " ".join(doc.terms))
                    for pk, doc in rows
                ],
            )

    def filtered(self, matched, where):
        # Conditions on the document inside the join make SQLite build a Bloom filter over
        # every document first (a million rows read per search); over the join's rows, as a
        # co-routine (``LIMIT -1`` keeps it from being flattened), they stream and stop early.
        return f"SELECT * FROM ({matched} LIMIT -1) d WHERE {where}"

    def matched_sql(self, query, part, facets):
        columns = COLUMNS if part.restricted else list(WEIGHTS)
        expression = "{" + " ".join(columns) + "} : (" + text.to_fts5(query) + ")"
        tokens, markers, all_checked = self.access_of(part)
        if markers:
            # Documents with one of the user's terms, or (other providers of the part) none.
            any_of = " OR ".join(f'"{t}"' for t in tokens)
            permitted = f"({expression}) AND ({{t}} : ({any_of}))" if tokens else ""
            if not all_checked:
                others = f"({expression}) NOT ({{t}} : ({' OR '.join(markers)}))"
                permitted = f"({permitted}) OR ({others})" if permitted else others
            expression = permitted
        if facets:
            expression = f"({expression}) AND ({{t}} : ({' AND '.join(facets)}))"
        weights = ", ".join([*(str(WEIGHT_VALUES[c[-1]] * 10) for c in COLUMNS), "0"])
        return (
            "SELECT d.id, d.provider, d.object_pk, d.language, d.facets, "
            f"bm25(searchindex_fts, {weights}) AS score "
            # CROSS JOIN keeps SQLite's order: the match first, then its documents.
            "FROM searchindex_fts CROSS JOIN searchindex_document d "
            "WHERE searchindex_fts MATCH %s AND d.id = searchindex_fts.rowid",
            [expression],
        )

    def facets_sql(self, count):
        return (
            "SELECT 1, json_extract(g.pair, '$[0]'), json_extract(g.pair, '$[1]'), g.n, 0 "
            f"FROM (SELECT j.value AS pair, {count} AS n FROM m, json_each(m.facets) j "
            "GROUP BY j.value) g"
        )

    def raw_count(self, query):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid, COUNT(*) OVER () FROM searchindex_fts "
                "WHERE searchindex_fts MATCH %s ORDER BY rank LIMIT 20",
                [text.to_fts5(query)],
            )
            rows = cursor.fetchall()
        return rows[0][1] if rows else 0


#: Access lexemes start with a character no word of a query has (queries are letters and digits).
PG_PREFIX = "_"


class PostgreSQLBackend(Backend):
    vendor = "postgresql"
    _configs: set[str] | None = None

    def after_rebuild(self):
        # Without statistics after a bulk load the planner guesses one matching row and
        # nests the permission sub-query in a loop (seconds instead of milliseconds).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE searchindex_document")

    def configs(self) -> set[str]:
        if PostgreSQLBackend._configs is None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT cfgname FROM pg_ts_config")
                PostgreSQLBackend._configs = {name for (name,) in cursor.fetchall()}
        return PostgreSQLBackend._configs

    def config(self, language: str) -> str:
        name = PG_CONFIGS.get((language or "").split("-")[0], "simple")
        return name if name in self.configs() else "simple"

    def query_configs(self) -> list[str]:
        from django.conf import settings

        return sorted({"simple", *(self.config(code) for code, _name in settings.LANGUAGES)})

    def insert(self, documents):
        """One multi-row ``INSERT`` per 500 documents, vectors included (an
        UPDATE afterwards would write every row and its GIN entries twice)."""
        vector = " || ".join(
            f"setweight(to_tsvector(%s::regconfig, %s), '{w.upper()}')" for w in WEIGHTS
        )
        row = (
            f"(%s, %s, %s, %s, %s::jsonb, now(), {vector} || CAST(%s AS tsvector), "
            f"NULLIF({vector}, ''::tsvector))"
        )
        for start in range(0, len(documents), 500):
            chunk = documents[start : start + 500]
            params = []
            for doc in chunk:
                config = self.config(doc.language)
                params += [doc.provider, doc.content_type_id, doc.object_pk, doc.language]
                params.append(json.dumps([[name, value[:200]] for name, value in doc.facets]))
                for column in WEIGHTS:
                    params += [config, doc.columns.get(column, "")]
                params.append(" ".join(PG_PREFIX + t for t in doc.terms))
                for column in COLUMNS[len(WEIGHTS) :]:
                    params += [config, doc.columns.get(column, "")]
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO searchindex_document (provider, content_type_id, object_pk, "
                    "language, facets, updated, vector, rvector) "
                    f"VALUES {', '.join([row] * len(chunk))}",
                    params,
                )

    def tsquery_text(self, query) -> str:
        """The query in every configuration of the site's languages, ORed — as one literal
        ``tsquery`` with each distinct rendering once (most words stem alike in several
        configurations: six copies of the same lexeme cost ranking and rechecking six times,
        and a literal lets the planner estimate the match count from the index statistics)."""
        configs = self.query_configs()
        rendered = text.to_tsquery(query)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT CAST(to_tsquery(CAST(c AS regconfig), %s) AS text) "
                "FROM unnest(CAST(%s AS text[])) c",
                [rendered, configs],
            )
            distinct = sorted(q for (q,) in cursor.fetchall() if q)
        return " | ".join(f"( {q} )" for q in distinct)

    def tsquery_sql(self, query) -> tuple[str, list]:
        return "CAST(%s AS tsquery)", [self.tsquery_text(query)]

    def matched_sql(self, query, part, facets):
        typed = self.tsquery_text(query)
        weights = "'{" + ",".join(str(WEIGHT_VALUES[w]) for w in reversed(WEIGHTS)) + "}'"
        tokens, markers, all_checked = self.access_of(part)
        access = None
        if markers:
            # Documents with one of the user's terms, or (other providers of the part) none.
            lexemes = [f"'{PG_PREFIX}{t}'" for t in tokens]
            others = "!( " + " | ".join(f"'{PG_PREFIX}{m}'" for m in markers) + " )"
            if not all_checked:
                lexemes.append(others)
            access = " | ".join(lexemes) if lexemes else None
            if access is None:  # nothing of the part is permitted
                access = "'" + PG_PREFIX + "'"  # matches no document
        extra = [f"( {access} )"] if access else []
        extra += [f"'{PG_PREFIX}{t}'" for t in facets]
        access = " & ".join(extra) if extra else None
        matched = f"( {typed} ) & {access}" if access else typed
        if part.restricted:
            vector = "(d.vector || COALESCE(d.rvector, ''::tsvector))"
            match = "(d.vector @@ q.m OR d.rvector @@ q.q)"
            if access:
                match = "(d.vector @@ q.m OR (d.rvector @@ q.q AND d.vector @@ q.a))"
        else:
            vector, match = "d.vector", "d.vector @@ q.m"
        return (
            "SELECT d.id, d.provider, d.object_pk, d.language, d.facets, "
            f"-ts_rank_cd({weights}, {vector}, q.q) AS score "
            "FROM searchindex_document d, (SELECT CAST(%s AS tsquery) AS q, "
            "CAST(%s AS tsquery) AS m, CAST(%s AS tsquery) AS a) q "
            f"WHERE {match}",
            [typed, matched, access or typed],
        )

    def facets_sql(self, count):
        return (
            "SELECT 1, g.pair ->> 0, g.pair ->> 1, g.n, 0 "
            f"FROM (SELECT j.pair, {count} AS n FROM m, jsonb_array_elements(m.facets) j(pair) "
            "GROUP BY j.pair) g"
        )

    def raw_count(self, query):
        tsquery, params = self.tsquery_sql(query)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, COUNT(*) OVER () FROM searchindex_document, (SELECT {tsquery} AS q) q "
                "WHERE vector @@ q.q ORDER BY ts_rank_cd(vector, q.q) DESC LIMIT 20",
                params,
            )
            rows = cursor.fetchall()
        return rows[0][1] if rows else 0


def backend() -> Backend:
    if connection.vendor == "postgresql":
        return PostgreSQLBackend()
    if connection.vendor == "sqlite":
        return SQLiteBackend()
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"Site search has no backend for {connection.vendor}.")
