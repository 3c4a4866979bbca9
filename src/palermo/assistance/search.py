"""Assistance in site search: programmes, activities and needs.

Programmes and activities are found by whoever the policy lets see them (published work for
the public; the platform applies the policy to each match). Needs are not public: their index
keeps an access term of their State (``state:<pk>``), so only that State's focal points and
experts, and the Secretariat, find one."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from palermo.core.permissions import is_secretariat
from palermo.platform.policies import states_of
from palermo.platform.search import ALL, register_search

from .models import Activity, Need, Programme
from .policies import STATE_ROLES

register_search(
    "assistance-programmes",
    _("Assistance programmes"),
    model=Programme,
    fields={"title": "A", "code": "A", "description": "C"},
    snippet_fields=("title", "description"),
    result=lambda p: (p.title, reverse("assistance:programme", args=[p.pk])),
    language=lambda p: "en",
    order=60,
)

register_search(
    "assistance-activities",
    _("Assistance activities"),
    model=Activity,
    fields={"title": "A", "code": "A", "place": "B", "description": "C"},
    snippet_fields=("title", "description"),
    queryset=lambda: Activity.objects.select_related("type"),
    result=lambda a: (a.title, reverse("assistance:activity", args=[a.pk])),
    language=lambda a: "en",
    order=61,
)


def _need_access(need) -> list[str]:
    return [f"state:{need.participant_id}"]


def _need_terms(user):
    if is_secretariat(user):
        return ALL
    return [f"state:{pk}" for pk in states_of(user, *STATE_ROLES)]


register_search(
    "assistance-needs",
    _("Needs for technical assistance"),
    model=Need,
    fields={"title": "A", "participant__name": "B", "description": "C"},
    snippet_fields=("title", "description"),
    queryset=lambda: Need.objects.select_related("participant"),
    result=lambda n: (
        f"{n.participant.localized_name}: {n.title}",
        reverse("assistance:need", args=[n.pk]),
    ),
    language=lambda n: "en",
    access=_need_access,
    access_terms=_need_terms,
    order=62,
)
