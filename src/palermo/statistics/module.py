"""What Statistics plugs into the platform: navigation, home card, the State-profile panel
(its homicide series by source, the chosen series, its sub-region's figure) and its reference
data (the ICCS, population, both homicide series, then the choices and aggregates)."""

import rules
from django.utils.translation import gettext_lazy as _

from palermo.core.permissions import is_secretariat
from palermo.platform.registry import (
    DataLoader,
    HomeCard,
    NavItem,
    ProfilePanel,
    register_home_card,
    register_nav,
    register_profile_panel,
    register_reference_data,
)

from .jobs import RECOMPUTE_PERMISSION

if not rules.perm_exists(RECOMPUTE_PERMISSION):
    rules.add_perm(RECOMPUTE_PERMISSION, is_secretariat)

register_nav(NavItem("statistics:home", _("Statistics"), order=50))

register_home_card(
    HomeCard(
        title=_("Crime statistics"),
        text=_(
            "The ICCS, crime and criminal-justice figures by State, and the homicide database: "
            "criminal-justice and public-health sources side by side, the value chosen for "
            "each State and year with its reason, and regional and global figures."
        ),
        url_name="statistics:home",
        order=50,
    )
)


def _panel(request, participant):
    from .services import state_homicide

    data = state_homicide(participant, request.user)
    if not data["rows"]:
        return None
    return {
        **data,
        "recent": data["rows"][-8:],
        "participant": participant,
        "columns": [s.code for s in data["sources"]],
    }


register_profile_panel(
    ProfilePanel(
        key="statistics",
        title=_("Intentional homicide"),
        template="statistics/panels/participant.html",
        context=_panel,
        order=50,
    )
)


def _reference(progress):
    from .reference import load_all

    return load_all(progress)


# After core (participants and regions).
register_reference_data(DataLoader("statistics", _reference, order=50))
