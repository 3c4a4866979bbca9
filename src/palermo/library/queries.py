"""Reads of the Library worth naming: one record by its stable address, lists scoped by the
policy, the filters the API and exports share, and the Library's part of site search."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from palermo.platform.policies import restrict
from palermo.platform.search import SearchPage, search
from palermo.platform.views import get_visible_or_404

from . import serializers
from .choices import RecordKind, RecordStatus
from .models import RECORD_MODELS, Law

#: The facets of the Library's search, in the order the pages show them.
LIBRARY_FACETS = ("kind", "state", "region", "crime_type", "article", "issue", "year", "language")
#: The facet every Library search provider sets, so a search can keep to the Library.
SECTION = ("section", "library")


def model_of(kind: str):
    try:
        return RECORD_MODELS[RecordKind(kind)]
    except ValueError:
        raise Http404(f"No kind of record “{kind}”.") from None


def get_record(user, code: str, kind: str, number: str, action: str = "view"):
    """The record at ``/library/<code>/<kind>/<number>/`` if ``user`` may see it, else 404
    (the read is logged as the platform logs reads)."""
    model = model_of(kind)
    return get_visible_or_404(
        model.objects.select_related("participant"),
        user,
        action,
        participant__code=str(code).upper(),
        number=number,
    )


def records(user, kind: str | None = None):
    """The records of ``kind`` that ``user`` may see, ready for a list (with their State).

    Without ``kind``: a list of querysets, one per kind, in the kinds' order."""
    if kind is None:
        return [records(user, k) for k in RecordKind.values]
    model = model_of(kind)
    return restrict(model.objects.select_related("participant", "participant__region"), user)


def for_export(user, kind: str):
    """``records`` with everything the record format reads (bounded queries per page)."""
    return serializers.for_serializing(records(user, kind))


def _article_q(kind: str, value: str) -> Q | None:
    """``"UNTOC-6"`` or ``"UNTOC 6"``: records tagged with that article (any paragraph)."""
    code, _sep, number = value.replace(" ", "-").partition("-")
    if not number:
        return None
    if kind == RecordKind.LEGISLATION:
        return Q(
            provisions__tags__article__instrument__code=code.upper(),
            provisions__tags__article__number=number,
        )
    if kind == RecordKind.CASE:
        return Q(
            charges__provisions__tags__article__instrument__code=code.upper(),
            charges__provisions__tags__article__number=number,
        )
    return Q(pk__in=[])


def _tag_path(kind: str) -> str:
    return "provisions__" if kind == RecordKind.LEGISLATION else ""


YEAR_FIELD = {
    RecordKind.LEGISLATION: "adopted__year",
    RecordKind.CASE: "decided__year",
    RecordKind.BIBLIOGRAPHY: "year",
    RecordKind.STRATEGY: "adopted__year",
}
TEXT_FIELDS = {
    RecordKind.LEGISLATION: ("title", "title_en", "provisions__text", "provisions__text_en"),
    RecordKind.CASE: ("title", "commentary", "summaries__text"),
    RecordKind.BIBLIOGRAPHY: ("title", "abstract"),
    RecordKind.STRATEGY: ("title", "title_en", "summary"),
}


def filter_records(queryset, kind: str, filters: dict):
    """``queryset`` narrowed by the API's filters: state, region, crime_type, article, issue,
    year, language, status, q (words in the titles and texts). Unknown values match nothing."""
    q = Q()
    many = False
    if filters.get("state"):
        q &= Q(participant__code=str(filters["state"]).upper())
    if filters.get("region"):
        region = str(filters["region"])
        q &= (
            Q(participant__region_id=region)
            | Q(participant__subregion_id=region)
            | Q(participant__intermediate_region_id=region)
        )
    tags = _tag_path(kind)
    if filters.get("crime_type"):
        q &= Q(**{f"{tags}crime_types__code": filters["crime_type"]})
        many = True
    if filters.get("issue"):
        q &= Q(**{f"{tags}issues__code": filters["issue"]})
        many = True
    if filters.get("article"):
        article = _article_q(kind, str(filters["article"]))
        q &= article if article is not None else Q(pk__in=[])
        many = True
    if filters.get("year"):
        try:
            q &= Q(**{YEAR_FIELD[kind]: int(filters["year"])})
        except (TypeError, ValueError):
            q &= Q(pk__in=[])
    if filters.get("language"):
        if kind == RecordKind.CASE:
            q &= Q(language=filters["language"]) | Q(summaries__language=filters["language"])
            many = True
        else:
            q &= Q(language=filters["language"])
    if filters.get("status"):
        q &= Q(status=filters["status"])
    if filters.get("q"):
        words = Q()
        for name in TEXT_FIELDS[kind]:
            words |= Q(**{f"{name}__icontains": filters["q"]})
        q &= words
        many = True
    queryset = queryset.filter(q)
    if many:
        queryset = queryset.model.objects.filter(pk__in=queryset.values("pk")).select_related(
            "participant"
        )
    return queryset


def published(queryset):
    return queryset.filter(status=RecordStatus.PUBLISHED)


def library_search(
    query: str, user, filters: dict | None = None, page: int = 1, page_size: int = 20
) -> SearchPage:
    """Site search kept to the Library's providers (``section=library``), for ``user``."""
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    filters[SECTION[0]] = SECTION[1]
    found = search(query, user, filters=filters, page=page, page_size=page_size)
    found.facets = [group for group in found.facets if group.name != SECTION[0]]
    found.filters = {k: v for k, v in found.filters.items() if k != SECTION[0]}
    return found


def provisions_implementing(user, instrument: str, number: str):
    """The provisions (of laws ``user`` may see) tagged with an article, any paragraph."""
    laws = restrict(Law.objects.all(), user)
    from .models import Provision

    return (
        Provision.objects.filter(
            law__in=laws,
            tags__article__instrument__code=instrument.upper(),
            tags__article__number=number,
        )
        .select_related("law__participant")
        .distinct()
    )
