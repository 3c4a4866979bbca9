"""What the Treaties module contributes to site search: participants, articles, declarations."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from palermo.core.models import Participant
from palermo.platform.search import register_search

from .models import Article, Declaration

register_search(
    "participants",
    _("Participants"),
    model=Participant,
    fields=("name", "name_fr", "name_es", "name_ru", "name_ar", "name_zh", "code"),
    # Names in every language, and an exact ISO code: the list page's own search.
    text_filter=lambda rows, query, fields: rows.search(query),
    snippet_fields=("code",),
    result=lambda p: (p.localized_name, reverse("core:participant", args=[p.code])),
    order_by=("name",),
    order=10,
)

register_search(
    "articles",
    _("Articles of the Convention and its Protocols"),
    model=Article,
    fields=("text", "title"),
    queryset=lambda: Article.objects.select_related("instrument"),
    result=lambda a: (
        f"{a.instrument.local_short_title}, {_('art.')} {a.number}: {a.title}",
        reverse("treaties:article", args=[a.instrument.code, a.number]),
    ),
    order_by=("instrument__order", "position"),
    order=20,
)

register_search(
    "declarations",
    _("Reservations, declarations and notifications"),
    model=Declaration,
    fields=("text", "authority", "participant__name"),
    snippet_fields=("text", "authority"),
    queryset=lambda: Declaration.objects.with_related(),
    result=lambda d: (
        f"{d.participant.localized_name}: {d.get_subject_display()}",
        reverse("core:participant", args=[d.participant.code]),
    ),
    order_by=("participant__name", "pk"),
    order=30,
)
