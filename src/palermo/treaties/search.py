"""What the Treaties module contributes to site search: participants, articles, declarations."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from palermo.core.models import Participant, Region
from palermo.platform.search import Facet, register_search

from .models import Article, Declaration, Instrument


def instrument_title(code: str) -> str:
    instrument = Instrument.objects.filter(code=code).first()
    return instrument.local_short_title if instrument else code


def region_name(code: str) -> str:
    region = Region.objects.filter(code=code).first()
    return region.name if region else code


INSTRUMENT = Facet(_("Instrument"), "instrument__code", value_label=instrument_title)
REGION = Facet(_("Region"), "region_id", value_label=region_name)

register_search(
    "participants",
    _("Participants"),
    model=Participant,
    # Names in every language and the ISO code weigh most; other names (aliases) less.
    fields={
        "code": "A",
        "name": "A",
        "name_fr": "A",
        "name_es": "A",
        "name_ru": "A",
        "name_ar": "A",
        "name_zh": "A",
        "aliases": "C",
    },
    snippet_fields=("code",),
    result=lambda p: (p.localized_name, reverse("core:participant", args=[p.code])),
    facets={"region": REGION},
    order=10,
)

register_search(
    "articles",
    _("Articles of the Convention and its Protocols"),
    model=Article,
    fields={"title": "A", "chapter": "C", "text": "B"},
    snippet_fields=("text", "title"),
    queryset=lambda: Article.objects.select_related("instrument"),
    result=lambda a: (
        f"{a.instrument.local_short_title}, {_('art.')} {a.number}: {a.title}",
        reverse("treaties:article", args=[a.instrument.code, a.number]),
    ),
    language=lambda a: "en",
    facets={"instrument": INSTRUMENT},
    order=20,
)

register_search(
    "declarations",
    _("Reservations, declarations and notifications"),
    model=Declaration,
    fields={"participant__name": "A", "text": "B", "authority": "B"},
    snippet_fields=("text", "authority"),
    queryset=lambda: Declaration.objects.with_related(),
    result=lambda d: (
        f"{d.participant.localized_name}: {d.get_subject_display()}",
        reverse("core:participant", args=[d.participant.code]),
    ),
    language=lambda d: "en",
    facets={
        "instrument": INSTRUMENT,
        "region": Facet(_("Region"), "participant__region_id", value_label=region_name),
    },
    # A renamed State is found under its new name in its declarations too.
    follows={Participant: lambda p: Declaration.objects.filter(participant=p)},
    order=30,
)
