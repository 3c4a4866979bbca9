"""What Cooperation plugs into the platform: navigation, home card, its demo content and the
daily reminders of deadlines and silent counterparts."""

from django.utils.translation import gettext_lazy as _

from palermo.platform.registry import (
    DataLoader,
    HomeCard,
    NavItem,
    register_demo_content,
    register_home_card,
    register_nav,
)
from palermo.platform.schedule import register_daily

register_nav(
    NavItem("cooperation:log", _("Cooperation"), order=50, permission="cooperation.add_request"),
    # Public: the Library's cases in which the Convention was the legal basis for cooperation.
    NavItem("cooperation:catalogue", _("Cooperation cases"), order=51),
)

register_home_card(
    HomeCard(
        title=_("Cooperation"),
        text=_(
            "Write requests for mutual legal assistance and extradition checked against the "
            "Convention and the requested State's requirements, and track them to execution."
        ),
        url_name="cooperation:log",
        order=50,
    )
)


def _demo(progress):
    from .demo import load_demo

    return f"{load_demo()} fictional requests for cooperation", []


# After the Directory's demo (order 40): the requests are kept by its fictional authorities.
register_demo_content(DataLoader("cooperation", _demo, order=60))


def _daily_reminders(today):
    """Every day, from the background worker: remind the keeping authorities' practitioners
    of deadlines passed or near and of requests not acknowledged (each request at most once
    a week)."""
    from palermo.platform.actors import system_user

    from .services import send_reminders

    report = send_reminders(acting_user=system_user(), today=today)
    return {"requests": report["requests"], "states": len(report["states"])}


register_daily(
    "cooperation.reminders",
    _("Remind practitioners of request deadlines and unacknowledged requests"),
    _daily_reminders,
)
