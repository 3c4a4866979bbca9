"""What Treaties plugs into the platform: its navigation, home card, State-profile panel,
reference data and the dataset its computed results are cached under."""

from django.utils.translation import gettext_lazy as _

from palermo.platform.computed import register_dataset
from palermo.platform.registry import (
    DataLoader,
    HomeCard,
    NavItem,
    ProfilePanel,
    register_demo_content,
    register_home_card,
    register_nav,
    register_profile_panel,
    register_reference_data,
)

#: What every status, count, timeline and the rule engine are computed from. Participants are an
#: input because the engine reads their kind (a REIO's instrument is not counted toward entry
#: into force) and names them in its messages. Writes that send no signal (the importer's bulk
#: writes) advance it themselves.
TREATY_DATA = register_dataset(
    "treaties",
    inputs=["treaties.TreatyAction", "treaties.Instrument", "core.Participant"],
)

register_nav(
    NavItem("treaties:instruments", _("Instruments"), order=10),
    NavItem("treaties:participants", _("Participants"), order=11),
    NavItem("treaties:map", _("Map"), order=12),
    NavItem("treaties:timeline", _("Parties over time"), order=13),
)

register_home_card(
    HomeCard(
        title=_("Treaties"),
        text=_(
            "Who is bound by the Convention and each Protocol, since when: status on any "
            "date, parties over time, a world map."
        ),
        url_name="treaties:instruments",
        order=10,
    )
)


def _panel(request, participant):
    from .views import participant_panel

    return participant_panel(request, participant)


register_profile_panel(
    ProfilePanel(
        key="treaties",
        title=_("Treaties"),
        template="treaties/panels/participant.html",
        context=_panel,
        order=10,
    )
)


def _reference(progress):
    from .reference import load_treaty_reference

    loaded = load_treaty_reference(progress=progress)
    summary = (
        f"{loaded['instruments']} instruments with {loaded['articles']} articles, "
        f"{loaded['actions']} treaty actions (complete as at 2014-07-10, partial after: "
        "see the notes on the pages)"
    )
    return summary, list(loaded["warnings"])


def _demo(progress):
    from .demo import load_demo

    return f"{load_demo()} fictional declarations", []


register_reference_data(DataLoader("treaties", _reference, order=10))
register_demo_content(DataLoader("treaties", _demo, order=10))
