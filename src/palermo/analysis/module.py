"""What the analysis app plugs into the platform: its navigation entry (signed-in people only:
an investigation is never public) and its demo investigation."""

from django.utils.translation import gettext_lazy as _

from palermo.platform.registry import DataLoader, NavItem, register_demo_content, register_nav

register_nav(
    NavItem("analysis:list", _("Analysis"), order=60, permission="analysis.view_investigation")
)


def _demo(progress):
    from .demo import load_demo

    return load_demo(progress)


# After core's demo users (the investigation's owner is the demo analyst).
register_demo_content(DataLoader("analysis", _demo, order=60))
