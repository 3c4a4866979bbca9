"""What the Treaties module contributes to site search: participants, articles, declarations."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from palermo.core.models import Participant
from palermo.core.search import SearchResult, register_search, snippet

from .models import Article, Declaration


@register_search("participants", _("Participants"), order=10)
def search_participants(query, user, limit):
    qs = Participant.objects.search(query).order_by("name")
    return qs.count(), [
        SearchResult(p.localized_name, reverse("treaties:participant", args=[p.code]), p.code)
        for p in qs[:limit]
    ]


@register_search("articles", _("Articles of the Convention and its Protocols"), order=20)
def search_articles(query, user, limit):
    qs = (
        Article.objects.filter(Q(text__icontains=query) | Q(title__icontains=query))
        .select_related("instrument")
        .order_by("instrument__order", "position")
    )
    return qs.count(), [
        SearchResult(
            f"{a.instrument.local_short_title}, {_('art.')} {a.number}: {a.title}",
            reverse("treaties:article", args=[a.instrument.code, a.number]),
            snippet(a.text, query),
        )
        for a in qs[:limit]
    ]


@register_search("declarations", _("Reservations, declarations and notifications"), order=30)
def search_declarations(query, user, limit):
    qs = (
        Declaration.objects.with_related()
        .filter(
            Q(text__icontains=query)
            | Q(authority__icontains=query)
            | Q(participant__name__icontains=query)
        )
        .order_by("participant__name", "pk")
    )
    return qs.count(), [
        SearchResult(
            f"{d.participant.localized_name}: {d.get_subject_display()}",
            reverse("treaties:participant", args=[d.participant.code]),
            snippet(d.text or d.authority, query),
        )
        for d in qs[:limit]
    ]
