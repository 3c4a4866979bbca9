"""Site search: one box, results from every module, each filtered by the records' policies.

A module registers a provider per model (``register_search``): which fields to search, how a
match is shown (title and link) and, optionally, its own text filter. The platform runs it over
the rows the user may see (the model's policy), searches and quotes only the fields the user
may see (restricted fields are neither matched nor shown in snippets), and logs reads of
sensitive records. The page and ``GET /api/search`` call ``search_all``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q

from .audit import record_reads, surface
from .choices import Surface
from .policies import policy_for

MIN_LENGTH = 2


@dataclass
class SearchResult:
    title: str
    url: str
    snippet: str = ""


@dataclass
class SearchGroup:
    key: str
    label: str
    total: int
    results: list[SearchResult] = field(default_factory=list)


@dataclass
class Provider:
    key: str
    label: str
    model: type
    fields: tuple[str, ...]
    #: ``(obj) -> (title, url)``
    result: Callable
    order: int = 100
    #: The base rows (``select_related`` …); the policy narrows them.
    queryset: Callable | None = None
    #: ``(queryset, query, fields) -> queryset``: a text filter of the module's own, which must
    #: only look at ``fields`` (those the user may see).
    text_filter: Callable | None = None
    #: Fields quoted around the match, first visible one that matches (default ``fields``).
    snippet_fields: tuple[str, ...] = ()
    order_by: tuple[str, ...] = ("pk",)

    def search(self, query: str, user, limit: int) -> tuple[int, list[SearchResult]]:
        policy = policy_for(self.model)
        base = self.queryset() if self.queryset else self.model._default_manager.all()
        rows = policy.queryset(user, "view", base)
        hidden = policy.hidden_fields(user)
        fields = [f for f in self.fields if f.split("__")[0] not in hidden]
        if not fields:
            return 0, []
        if self.text_filter:
            rows = self.text_filter(rows, query, fields)
        else:
            match = Q()
            for name in fields:
                match |= Q(**{f"{name}__icontains": query})
            rows = rows.filter(match)
        rows = rows.order_by(*self.order_by)
        quoted = [f for f in (self.snippet_fields or self.fields) if f not in hidden]
        found = list(rows[:limit])
        with surface(Surface.SEARCH):
            record_reads(user, found, model=self.model)
        results = []
        for obj in found:
            title, url = self.result(obj)
            results.append(SearchResult(str(title), url, _snippet_of(obj, quoted, query)))
        return rows.count() if len(found) == limit else len(found), results


PROVIDERS: dict[str, Provider] = {}


def register_search(key: str, label, *, model, fields, result, **options) -> Provider:
    provider = Provider(key, label, model, tuple(fields), result, **options)
    PROVIDERS[key] = provider
    return provider


def search_all(query: str, user, limit: int = 10) -> list[SearchGroup]:
    query = (query or "").strip()
    if len(query) < MIN_LENGTH:
        return []
    groups = []
    for provider in sorted(PROVIDERS.values(), key=lambda p: (p.order, p.key)):
        total, results = provider.search(query, user, limit)
        if total:
            groups.append(SearchGroup(provider.key, str(provider.label), total, list(results)))
    return groups


def _snippet_of(obj, fields, query) -> str:
    texts = [str(_value(obj, name) or "") for name in fields]
    for text in texts:
        if query.lower() in text.lower():
            return snippet(text, query)
    return snippet(next((t for t in texts if t), ""), query)


def _value(obj, path: str):
    for part in path.split("__"):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def snippet(text: str, query: str, width: int = 160) -> str:
    """The part of ``text`` around the first match, with ellipses where it was cut."""
    at = text.lower().find(query.lower())
    if at < 0:
        return text[:width] + ("…" if len(text) > width else "")
    start = max(0, at - width // 3)
    end = min(len(text), start + width)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
