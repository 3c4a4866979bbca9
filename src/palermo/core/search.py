"""Site search: one box, results from every module, each filtered for the person searching.

Each module registers a provider (``@register_search``): a function ``(query, user, limit)``
returning ``(total, results)``. Providers build their results from QuerySets scoped with the
same permission rules as the pages (``visible_to(user)``, ``has_perm``), so search can never show
what the page would not. The page and ``GET /api/search`` call ``search_all``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

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
    search: Callable
    order: int = 100


PROVIDERS: dict[str, Provider] = {}


def register_search(key: str, label, order: int = 100):
    def register(func):
        PROVIDERS[key] = Provider(key, label, func, order)
        return func

    return register


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


def snippet(text: str, query: str, width: int = 160) -> str:
    """The part of ``text`` around the first match, with ellipses where it was cut."""
    at = text.lower().find(query.lower())
    if at < 0:
        return text[:width] + ("…" if len(text) > width else "")
    start = max(0, at - width // 3)
    end = min(len(text), start + width)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


@register_search("jobs", _("Your background jobs"), order=900)
def search_jobs(query, user, limit):
    from django.urls import reverse

    from .models import Job

    qs = Job.objects.visible_to(user).filter(label__icontains=query).order_by("-created")
    return qs.count(), [
        SearchResult(job.label, reverse("core:job", args=[job.pk]), job.get_status_display())
        for job in qs[:limit]
    ]


@register_search("users", _("Users"), order=950)
def search_users(query, user, limit):
    from django.db.models import Q
    from django.urls import reverse

    from .models import User

    if not user.has_perm("core.manage_users"):
        return 0, []
    qs = User.objects.filter(
        Q(username__icontains=query)
        | Q(first_name__icontains=query)
        | Q(last_name__icontains=query)
        | Q(email__icontains=query)
    ).order_by("username")
    return qs.count(), [
        SearchResult(str(u), reverse("core:user", args=[u.pk]), u.username) for u in qs[:limit]
    ]
