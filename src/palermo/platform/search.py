"""Site search: one box, results from every module, over a full-text index, never more than the
searcher may see.

A module registers a provider per model (``register_search`` in its ``search.py``)::

    register_search(
        "articles", _("Articles"), model=Article,
        fields={"title": "A", "text": "B"},          # weights A > B > C > D
        result=lambda a: (a.title, a.get_absolute_url()),
        language=lambda a: "en",                     # or a field path: "language"
        facets={"instrument": Facet(_("Instrument"), "instrument__code",
                                    value_label=instrument_title)},
        follows={Instrument: lambda i: i.articles.all()},  # reindex when a related row changes
        # Optional: who may see a record, as terms kept inside the index (see below).
        access=lambda a: ["public"] if a.published else [f"state:{a.state_id}"],
        access_terms=lambda user: ALL if is_secretariat(user) else ["public", *states(user)],
    )

The platform then keeps a document per record in the index (``palermo.platform.searchindex``:
SQLite FTS5 or PostgreSQL ``tsvector``): it is written **on commit** of the transaction that
saved or deleted the record (``post_save``/``post_delete`` → ``transaction.on_commit``; a
rolled-back write leaves the index alone). Code that writes without signals (bulk imports)
calls ``index_objects(Model, pks)`` (now, inside its own transaction) or
``index_on_commit(Model, pks)``; ``palermo search-index rebuild`` (``rebuild()``) rebuilds
the whole index or one provider.

``search(query, user)`` runs one statement per search: the match, each provider's policy, the
ranking (field weights), the page and the facet counts of the permitted matches. The policy is
applied inside the full-text match when the provider declares **access terms** — ``access(obj)
-> terms`` for each record, ``access_terms(user) -> terms`` (or ``ALL``) for each searcher, a
record being visible when they share a term — and otherwise as ``EXISTS (the policy's row)`` per
match. The policy stays the one truth: the page's results are checked against it again (a
record it refuses is dropped and logged), and ``access_disagreements`` (used by the tests)
lists every user and row where the terms and the policy differ. At most ``SEARCH_RANK_LIMIT``
(10,000) permitted matches are read, in index order, and ranked: past that the total is "more
than 10,000" (``SearchPage.total_exact`` false) and the facets count those 10,000. Restricted fields (``Policy.restricted_fields``) are
indexed apart and only searched for users who may see them; snippets quote only visible fields,
with the matching words in ``<mark>`` (escaped first). Reads of sensitive records are logged.
The page and ``GET /api/search`` call ``search`` and ``search_all`` (grouped by provider).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Count
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from .audit import record_reads, surface
from .choices import Surface
from .policies import policy_for
from .searchindex import backends, text

logger = logging.getLogger(__name__)

MIN_LENGTH = 2
WEIGHTS = ("A", "B", "C", "D")
CHUNK = 1000
#: ``access_terms(user)`` returns this when the user may see every record of the provider.
ALL = "all"


def rank_limit() -> int:
    """Permitted matches read and ranked at most per search (``SEARCH_RANK_LIMIT``)."""
    return int(getattr(settings, "SEARCH_RANK_LIMIT", backends.RANK_LIMIT))


@dataclass
class Facet:
    """A facet of a provider's documents: ``value`` is a field path or ``(obj) -> value``
    (a string, a list of strings or ``None``); ``value_label(value) -> str`` names a value."""

    label: object
    value: str | Callable
    value_label: Callable | None = None


#: Every facet name known to the page: ``kind`` and ``language`` are built in.
FACETS: dict[str, Facet] = {}


@dataclass
class SearchResult:
    title: str
    url: str
    #: Plain text around the first match (in a field the searcher may see).
    snippet: str = ""
    #: The same, HTML-escaped, with the matching words in ``<mark>``.
    snippet_html: str = ""
    provider: str = ""
    language: str = ""
    score: float = 0.0


@dataclass
class SearchGroup:
    key: str
    label: str
    total: int
    results: list[SearchResult] = field(default_factory=list)
    #: False when the search stopped counting: more than ``total`` matched.
    total_exact: bool = True


@dataclass
class FacetCount:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class FacetGroup:
    name: str
    label: str
    values: list[FacetCount]


@dataclass
class SearchPage:
    query: str
    total: int
    results: list[SearchResult]
    facets: list[FacetGroup]
    groups: list[SearchGroup]
    page: int = 1
    page_size: int = 20
    #: The filters applied (those of the ones asked for that name a facet).
    filters: dict = field(default_factory=dict)
    #: False when more than ``total`` (the rank limit) matched: the results are the best of
    #: the first ``total`` matches in index order, and the facets count those.
    total_exact: bool = True

    @property
    def start(self) -> int:
        """The rank of this page's first result."""
        return (self.page - 1) * self.page_size + 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass
class Provider:
    key: str
    label: object
    model: type
    #: field path → weight ``"A"`` … ``"D"``.
    fields: dict[str, str]
    #: ``(obj) -> (title, url)``
    result: Callable
    order: int = 100
    #: The rows to index (``select_related`` …); the policy still decides who sees them.
    queryset: Callable | None = None
    #: Fields quoted around the match, first visible one that matches (default ``fields``).
    snippet_fields: tuple[str, ...] = ()
    #: ``(obj) -> language code`` or a field path; ``""`` (no language) is indexed as is.
    language: str | Callable | None = None
    facets: dict[str, Facet] = field(default_factory=dict)
    #: Related model → ``(related_obj) -> the provider's rows to reindex`` when it changes.
    follows: dict[type, Callable] = field(default_factory=dict)
    #: ``(obj) -> list of access terms`` ("public", "state:ITA" …), kept in the index …
    access: Callable | None = None
    #: … and ``(user) -> the terms of the records they may see`` (or ``ALL``): the policy,
    #: restated so that the full-text engine can apply it (``access_disagreements``).
    access_terms: Callable | None = None

    def base(self):
        return self.queryset() if self.queryset else self.model._default_manager.all()

    def restricted(self) -> set[str]:
        """Fields of this provider that the model's policy restricts."""
        names = set(policy_for(self.model).restricted_fields)
        return {f for f in self.fields if f.split("__")[0] in names}

    def document(self, obj, content_type_id: int) -> backends.IndexedDocument:
        restricted = self.restricted()
        parts: dict[str, list[str]] = {}
        for name, weight in self.fields.items():
            value = _value(obj, name)
            if value in (None, ""):
                continue
            values = value if isinstance(value, list | tuple) else [value]
            column = ("r" if name in restricted else "") + weight.lower()
            parts.setdefault(column, []).extend(text.index_text(str(v)) for v in values)
        facets = []
        for name, facet in self.facets.items():
            value = facet.value(obj) if callable(facet.value) else _value(obj, facet.value)
            for item in value if isinstance(value, list | tuple | set) else [value]:
                if item not in (None, ""):
                    facets.append((name, str(item)))
        terms = sorted({backends.facet_token(name, value) for name, value in facets})
        if self.access is not None:
            terms.append(backends.access_token(self.key))
            terms += sorted({backends.access_token(self.key, str(t)) for t in self.access(obj)})
        return backends.IndexedDocument(
            provider=self.key,
            content_type_id=content_type_id,
            object_pk=_pk_text(self.model, obj.pk),
            language=self.language_of(obj),
            columns={column: " ".join(words) for column, words in parts.items()},
            facets=facets,
            terms=terms,
        )

    def terms_of(self, user) -> list[str] | None:
        """The access tokens of the records ``user`` may see (``None``: no terms declared, or
        every record)."""
        if self.access is None or self.access_terms is None:
            return None
        terms = self.access_terms(user)
        if terms == ALL:
            return None
        return sorted({backends.access_token(self.key, str(t)) for t in terms})

    def language_of(self, obj) -> str:
        if self.language is None:
            return ""
        value = self.language(obj) if callable(self.language) else _value(obj, self.language)
        return str(value or "")[:10]


PROVIDERS: dict[str, Provider] = {}


def register_search(key: str, label, *, model, fields, result, **options) -> Provider:
    """Register a search provider (see the module's docstring); its records are indexed on
    commit from now on. ``fields`` is ``{path: weight}``, or a sequence (the first field
    weighs A, the others B)."""
    if not isinstance(fields, dict):
        fields = {name: ("A" if i == 0 else "B") for i, name in enumerate(fields)}
    wrong = {name: w for name, w in fields.items() if w not in WEIGHTS}
    if wrong:
        raise ImproperlyConfigured(f"Search provider {key}: weights must be A–D, not {wrong}.")
    if (options.get("access") is None) != (options.get("access_terms") is None):
        raise ImproperlyConfigured(
            f"Search provider {key}: declare both access (of a record) and access_terms (of "
            "a user), or neither."
        )
    facets = {
        name: facet if isinstance(facet, Facet) else Facet(name, facet)
        for name, facet in options.pop("facets", {}).items()
    }
    for name, facet in facets.items():
        FACETS.setdefault(name, facet)
    provider = Provider(key, label, model, dict(fields), result, facets=facets, **options)
    PROVIDERS[key] = provider
    _connect(model)
    for related in provider.follows:
        _connect(related)
    return provider


# Keeping the index up to date -------------------------------------------------------------


def _connect(model) -> None:
    uid = f"palermo-search-{model._meta.label}"
    post_save.connect(_on_change, sender=model, dispatch_uid=uid + "-save", weak=False)
    post_delete.connect(_on_change, sender=model, dispatch_uid=uid + "-delete", weak=False)


def _on_change(sender, instance, using=DEFAULT_DB_ALIAS, raw=False, **kwargs):
    if raw:
        return  # loaddata: `palermo search-index rebuild` afterwards
    model = sender._meta.concrete_model
    changed: dict[str, set] = {}
    for provider in PROVIDERS.values():
        if provider.model._meta.concrete_model is model:
            changed.setdefault(provider.key, set()).add(instance.pk)
        for related, rows in provider.follows.items():
            if related._meta.concrete_model is model:
                found = rows(instance)
                pks = found.values_list("pk", flat=True) if hasattr(found, "values_list") else found
                changed.setdefault(provider.key, set()).update(getattr(r, "pk", r) for r in pks)
    _schedule(changed, using)


class _Pending(dict):
    """Records to reindex when the current transaction commits: provider key → pks."""

    def __init__(self, using: str):
        super().__init__()
        self.using = using

    def flush(self):
        connection = connections[self.using]
        if getattr(connection, "_palermo_search_pending", None) is self:
            connection._palermo_search_pending = None
        while self:
            key, pks = self.popitem()
            if key in PROVIDERS:
                index_objects(PROVIDERS[key], pks, using=self.using)


def _schedule(changed: dict[str, set], using: str) -> None:
    """Reindex ``{provider key: pks}`` when the transaction commits (at once in autocommit).

    The changes of a transaction are collected in one set per connection, so a record saved
    many times is indexed once, by the first commit callback to run (the others find nothing
    left). A rollback drops the callbacks: the index stays as it was. Records left collected
    by a rolled-back transaction are reindexed from the database by the next commit, which is
    harmless (a document always says what the database says).
    """
    if not changed or getattr(_paused, "depth", 0):
        return
    connection = connections[using]
    state = getattr(connection, "_palermo_search_pending", None)
    if state is None:
        state = connection._palermo_search_pending = _Pending(using)
    for key, pks in changed.items():
        state.setdefault(key, set()).update(pks)
    if connection.in_atomic_block:
        transaction.on_commit(state.flush, using=using, robust=True)
    else:
        state.flush()


_paused = threading.local()


@contextmanager
def paused():
    """Changes made inside (in this thread) leave the index as it was: for a bulk load of many
    files followed by one ``rebuild``, which writes each document once instead of once per
    file and again at the end."""
    _paused.depth = getattr(_paused, "depth", 0) + 1
    try:
        yield
    finally:
        _paused.depth -= 1


def _providers_of(model_or_provider) -> list[Provider]:
    if isinstance(model_or_provider, Provider):
        return [model_or_provider]
    model = model_or_provider._meta.concrete_model
    return [p for p in PROVIDERS.values() if p.model._meta.concrete_model is model]


def is_searched(model) -> bool:
    """Whether a provider indexes records of ``model`` (bulk writers skip the others)."""
    return bool(_providers_of(model))


def index_objects(model, pks: Iterable, *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Reindex these records (of ``model``, or of one ``Provider``) now, in the current
    transaction: a record that no longer exists leaves the index. For bulk writes that send no
    signals (imports). Returns the number of documents written."""
    pks = list(dict.fromkeys(pks))
    written = 0
    backend = backends.backend()
    for provider in _providers_of(model):
        content_type_id = ContentType.objects.get_for_model(provider.model).pk
        with transaction.atomic(using=using):
            for start in range(0, len(pks), CHUNK):
                chunk = pks[start : start + CHUNK]
                backend.delete(provider.key, [_pk_text(provider.model, pk) for pk in chunk])
                objs = list(provider.base().filter(pk__in=chunk))
                backend.insert([provider.document(obj, content_type_id) for obj in objs])
                written += len(objs)
    return written


def index_on_commit(model, pks: Iterable, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Reindex these records when the current transaction commits (now in autocommit)."""
    _schedule({p.key: set(pks) for p in _providers_of(model)}, using)


def rebuild(keys: Iterable[str] | None = None, progress: Callable | None = None) -> dict:
    """Rebuild the index of these providers (default: all), each all-or-nothing.
    ``progress(done, total, message)`` is told as it goes. Returns ``{key: documents}``."""
    keys = list(keys) if keys else sorted(PROVIDERS)
    unknown = [k for k in keys if k not in PROVIDERS]
    if unknown:
        raise KeyError(unknown[0])
    backend = backends.backend()
    counts = {}
    for key in keys:
        provider = PROVIDERS[key]
        content_type_id = ContentType.objects.get_for_model(provider.model).pk
        rows = provider.base().order_by("pk")
        total, done, last = rows.count(), 0, None
        with transaction.atomic():
            backend.delete(key, None)
            while True:
                chunk = rows.filter(pk__gt=last) if last is not None else rows
                objs = list(chunk[:CHUNK])
                if not objs:
                    break
                backend.insert([provider.document(obj, content_type_id) for obj in objs])
                done, last = done + len(objs), objs[-1].pk
                if progress:
                    progress(done, total, str(provider.label))
        counts[key] = done
    backend.after_rebuild()
    return counts


# Searching --------------------------------------------------------------------------------


def _clauses(user, providers: list[Provider]) -> list[backends.Part]:
    """Each provider's permission clause, split by whether restricted fields are searched."""
    full, public = backends.Part(True, []), backends.Part(False, [])
    for provider in providers:
        policy = policy_for(provider.model)
        rows = policy.row_filter(user, "view")
        if rows is False:
            continue
        restricted = provider.restricted()
        visible = set(provider.fields) - restricted
        sees_restricted = not (restricted & _hidden(policy, user, restricted))
        if not visible and not sees_restricted:
            continue
        terms = provider.terms_of(user) if rows is not True else None
        if rows is True:
            clause = backends.Clause(provider.key)
        elif terms is not None:
            if not terms:
                continue  # no term of theirs: nothing of this provider
            clause = backends.Clause(provider.key, terms=terms)
        else:
            # No access terms (or they say "every record" where the policy does not: the
            # policy wins): the policy's row, looked up per match.
            sql, params = _permitted_sql(policy, user, provider)
            clause = backends.Clause(provider.key, sql, params)
        # Only providers with restricted text the user may see search the restricted columns.
        (full if restricted and sees_restricted else public).clauses.append(clause)
    return [full, public]


def _permitted_sql(policy, user, provider: Provider) -> tuple[str, tuple]:
    """The policy's rows of ``provider``'s model, narrowed to the record of the document ``d``
    the outer statement is looking at: ``EXISTS (this)`` is then one primary-key look-up per
    matched document, instead of every permitted key cast to text and compared as text.

    ``d.object_pk`` is cast to the key's own type only for this provider's documents (``CASE``:
    another provider's keys may not be valid for this type, and the database may evaluate the
    sub-query before ``d.provider = …``)."""
    pk = provider.model._meta.pk
    db_type = pk.cast_db_type(connections[DEFAULT_DB_ALIAS])
    key = RawSQL(
        f"CASE WHEN d.provider = %s THEN CAST(d.object_pk AS {db_type}) END",
        (provider.key,),
        output_field=pk,
    )
    permitted = (
        policy.queryset(user, "view", provider.model._default_manager.all())
        .filter(pk=key)
        .values("pk")
        .order_by()
    )
    sql, params = permitted.query.sql_with_params()
    return sql, tuple(params)


def _hidden(policy, user, restricted: set[str]) -> set[str]:
    hidden = policy.hidden_fields(user)
    return {f for f in restricted if f.split("__")[0] in hidden}


def _visible_fields(provider: Provider, user) -> list[str]:
    hidden = policy_for(provider.model).hidden_fields(user)
    names = provider.snippet_fields or tuple(
        sorted(provider.fields, key=lambda f: provider.fields[f])
    )
    return [f for f in names if f.split("__")[0] not in hidden]


def _results(hits, user, query) -> list[SearchResult]:
    """The records of these hits, in order, with their snippets; reads are logged."""
    by_provider: dict[str, list] = {}
    for hit in hits:
        by_provider.setdefault(hit.provider, []).append(hit)
    objects = {}
    for key, provider_hits in by_provider.items():
        provider = PROVIDERS.get(key)
        if provider is None:
            continue
        pk_field = provider.model._meta.pk
        wanted = [pk_field.to_python(h.object_pk) for h in provider_hits]
        rows = provider.base().filter(pk__in=wanted)
        if provider.access is not None:
            # Found by access terms: the policy itself decides whether they are shown.
            rows = policy_for(provider.model).queryset(user, "view", rows)
        found = {_pk_text(provider.model, o.pk): o for o in rows}
        if provider.access is not None and len(found) < len(set(wanted)):
            logger.warning(
                "Search provider %s: access terms found records the policy refuses; "
                "they were left out (see access_disagreements).",
                key,
            )
        with surface(Surface.SEARCH):
            record_reads(user, list(found.values()), model=provider.model)
        fields = _visible_fields(provider, user)
        for h in provider_hits:
            if h.object_pk in found:
                objects[(key, h.object_pk)] = (provider, found[h.object_pk], fields)
    results = []
    for hit in hits:
        entry = objects.get((hit.provider, hit.object_pk))
        if entry is None:
            continue  # deleted since it was indexed
        provider, obj, fields = entry
        title, url = provider.result(obj)
        plain, marked = _snippet_of(obj, fields, query)
        results.append(
            SearchResult(
                str(title),
                url,
                plain,
                marked,
                provider.key,
                provider.language_of(obj),
                round(-hit.score, 6),
            )
        )
    return results


def _snippet_of(obj, fields, query) -> tuple[str, str]:
    texts = []
    for name in fields:
        value = _value(obj, name)
        values = value if isinstance(value, list | tuple) else [value]
        texts.extend(str(v) for v in values if v not in (None, ""))
    for value in texts:
        if text.has_match(value, query):
            return text.highlight(value, query)
    return text.highlight(texts[0], query) if texts else ("", "")


def _facet_groups(counts: dict, filters: dict, providers: list[Provider]) -> list[FacetGroup]:
    labels = {p.key: str(p.label) for p in providers}
    languages = dict(settings.LANGUAGES)
    groups = []
    order = ["kind", "language", *sorted(n for n in counts if n not in ("kind", "language"))]
    for name in order:
        values = counts.get(name)
        if not values:
            continue
        if name == "kind":
            label, namer = _("Kind"), lambda v: labels.get(v, v)
        elif name == "language":
            label, namer = _("Language"), lambda v: str(languages.get(v, v or _("any")))
        else:
            facet = FACETS.get(name) or Facet(name, name)
            label, namer = facet.label, facet.value_label or str
        items = [
            FacetCount(v, str(namer(v)), n, filters.get(name) == v)
            for v, n in sorted(values.items(), key=lambda item: (-item[1], str(item[0])))
        ]
        groups.append(FacetGroup(name, str(label), items))
    return groups


def _prepare(query: str, user, filters: dict | None):
    parsed = text.parse(query or "")
    known = {"kind", "language", *FACETS}
    filters = {
        k: str(v)[:200] for k, v in (filters or {}).items() if k in known and v not in (None, "")
    }
    providers = sorted(PROVIDERS.values(), key=lambda p: (p.order, p.key))
    if "kind" in filters:
        providers = [p for p in providers if p.key == filters["kind"]]
    facet_filters = [(k, v) for k, v in filters.items() if k not in ("kind", "language")]
    return parsed, filters, providers, facet_filters


def too_short(query: str) -> bool:
    query = (query or "").strip()
    return len(query) < MIN_LENGTH and not any(text.is_cjk(c) for c in query)


def search(
    query: str, user, *, filters: dict | None = None, page: int = 1, page_size: int = 20
) -> SearchPage:
    """One ranked list of what ``user`` may see, a page of it, and the facet counts.

    ``filters``: ``{"kind": provider key, "language": code, facet name: value}``.
    """
    query = (query or "").strip()
    page, page_size = max(1, page), max(1, min(page_size, 100))
    parsed, filters, providers, facet_filters = _prepare(query, user, filters)
    if too_short(query) or not parsed:
        return SearchPage(query, 0, [], [], [], page, page_size, filters)
    found = backends.backend().search(
        parsed,
        _clauses(user, providers),
        filters=facet_filters,
        language=filters.get("language", ""),
        limit=page_size,
        offset=(page - 1) * page_size,
        bound=rank_limit(),
    )
    results = _results(found.hits, user, parsed)
    kinds = found.facets.get("kind", {})
    groups = [
        SearchGroup(p.key, str(p.label), kinds[p.key], total_exact=found.exact)
        for p in providers
        if kinds.get(p.key)
    ]
    return SearchPage(
        query,
        found.total,
        results,
        _facet_groups(found.facets, filters, providers),
        groups,
        page,
        page_size,
        filters,
        found.exact,
    )


def search_all(query: str, user, limit: int = 10, filters: dict | None = None) -> list[SearchGroup]:
    """The first ``limit`` results of each provider, ranked, with each provider's total."""
    query = (query or "").strip()
    parsed, filters, providers, facet_filters = _prepare(query, user, filters)
    if too_short(query) or not parsed:
        return []
    found = backends.backend().search(
        parsed,
        _clauses(user, providers),
        filters=facet_filters,
        language=filters.get("language", ""),
        limit=max(1, limit),
        per_provider=True,
        bound=rank_limit(),
    )
    results = _results(found.hits, user, parsed)
    kinds = found.facets.get("kind", {})
    return [
        SearchGroup(
            p.key,
            str(p.label),
            kinds[p.key],
            [r for r in results if r.provider == p.key],
            found.exact,
        )
        for p in providers
        if kinds.get(p.key)
    ]


def access_disagreements(key: str, users: Iterable) -> list[tuple]:
    """Where a provider's access terms and its policy disagree: ``(user, pk, policy_allows,
    terms_allow)`` for every user given and every record of the provider (empty: they agree).
    A test runs it for each provider that declares access terms, over users of every role."""
    provider = PROVIDERS[key]
    if provider.access is None:
        return []
    policy = policy_for(provider.model)
    records = list(provider.base())
    out = []
    for user in users:
        permitted = set(policy.queryset(user, "view", provider.base()).values_list("pk", flat=True))
        terms = provider.access_terms(user)
        wanted = None if terms == ALL else {str(t) for t in terms}
        for obj in records:
            by_terms = wanted is None or bool(wanted & {str(t) for t in provider.access(obj)})
            if by_terms != (obj.pk in permitted):
                out.append((user, obj.pk, obj.pk in permitted, by_terms))
    return out


# Helpers ----------------------------------------------------------------------------------


def _pk_text(model, pk) -> str:
    """A primary key as ``CAST(pk AS text)`` gives it in the database (UUIDs differ)."""
    connection = connections[DEFAULT_DB_ALIAS]
    value = model._meta.pk.get_db_prep_value(pk, connection, prepared=False)
    return str(value)


def _value(obj, path: str):
    for part in path.split("__"):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def snippet(text_: str, query: str, width: int = 160) -> str:
    """The part of ``text_`` around the first match of ``query``, with ellipses where cut."""
    return text.highlight(text_, text.parse(query), width)[0]


def index_status() -> dict:
    """``{provider: {"documents": n, "records": m}}``: what the index holds against the rows."""
    from .searchindex.models import Document

    counts = dict(
        Document.objects.values_list("provider")
        .annotate(n=Count("pk"))
        .values_list("provider", "n")
    )
    return {
        key: {"documents": counts.get(key, 0), "records": PROVIDERS[key].base().count()}
        for key in sorted(PROVIDERS)
    }
