"""What the Directory plugs into the platform: navigation, home card, the State-profile panel,
its reference data (the areas) and its demo content."""

from django.utils.translation import gettext_lazy as _

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
from palermo.platform.schedule import register_daily

register_nav(NavItem("directory:entries", _("Directory"), order=40))

register_home_card(
    HomeCard(
        title=_("Directory"),
        text=_(
            "Competent authorities of each State per area of cooperation: where a request "
            "goes, in which language, through which channel."
        ),
        url_name="directory:entries",
        order=40,
    )
)


def _panel(request, participant):
    from .views import participant_panel

    return participant_panel(request, participant)


register_profile_panel(
    ProfilePanel(
        key="directory",
        title=_("Competent authorities"),
        template="directory/panels/participant.html",
        context=_panel,
        order=40,
    )
)


def _reference(progress):
    from palermo.platform.actors import system_user

    from .services import load_areas

    return f"{load_areas(acting_user=system_user())} areas of cooperation", []


def _demo(progress):
    from .demo import load_demo

    return f"{load_demo()} fictional competent authorities", []


register_reference_data(DataLoader("directory", _reference, order=40))
register_demo_content(DataLoader("directory", _demo, order=40))


def _daily_reminders(today):
    """Every day, from the background worker: the reminders ``palermo directory remind``
    sends (an entry is reminded of at most every 30 days)."""
    from palermo.platform.actors import system_user

    from .services import send_reminders

    report = send_reminders(acting_user=system_user(), today=today)
    return {"entries": report["entries"], "states": len(report["states"])}


register_daily(
    "directory.reminders", _("Remind States of Directory entries not confirmed"), _daily_reminders
)
