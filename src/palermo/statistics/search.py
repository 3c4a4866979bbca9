"""Statistics in site search: the ICCS categories, found by their code, labels (English and
Spanish), description, inclusions and the national terms of the alphabetical index under
them — so "homicidio" or "robbery with violence" leads to the category a figure counts under.
The classification is public reference data."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from palermo.platform.search import Facet, register_search

from .models import IccsCode, IccsIndexTerm

register_search(
    "iccs",
    _("Crime classification (ICCS)"),
    model=IccsCode,
    fields={
        "code": "A",
        "label": "A",
        "label_es": "A",
        "index_text": "B",
        "description": "C",
        "inclusions": "C",
        "exclusions": "D",
    },
    snippet_fields=("label", "index_text", "description", "inclusions"),
    queryset=lambda: IccsCode.objects.prefetch_related("index_terms"),
    result=lambda c: (f"ICCS {c.code} {c.label}", reverse("statistics:iccs_code", args=[c.code])),
    language=lambda c: "en",
    facets={"iccs_level": Facet(_("ICCS level"), "level")},
    follows={IccsIndexTerm: lambda t: [t.category_id] if t.category_id else []},
    order=70,
)
