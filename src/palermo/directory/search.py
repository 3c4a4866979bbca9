"""The Directory in site search: authorities by name, unit, State and requirements. Contact
persons and direct lines are restricted: indexed apart, searched and quoted only for registered
authorities and the Secretariat (the platform does this from the policy)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from palermo.core.models import Participant
from palermo.platform.search import Facet, register_search

from .models import Area, Authority


def _area_name(code: str) -> str:
    area = Area.objects.filter(code=code).first()
    return area.local_name if area else code


register_search(
    "directory",
    _("Directory of competent authorities"),
    model=Authority,
    fields={
        "authority": "A",
        "participant__name": "A",
        "unit": "B",
        "area__name": "B",
        "requirements": "C",
        "urgent_procedure": "C",
        "contact_persons": "B",
        "direct_lines": "C",
    },
    snippet_fields=("authority", "unit", "requirements", "contact_persons"),
    queryset=lambda: Authority.objects.with_related(),
    result=lambda e: (
        f"{e.participant.localized_name} — {e.area.local_name}: {e.authority}",
        reverse("directory:entry", args=[e.pk]),
    ),
    language=lambda e: "en",
    facets={"area": Facet(_("Area"), "area__code", value_label=_area_name)},
    follows={Participant: lambda p: Authority.objects.filter(participant=p)},
    order=40,
)
