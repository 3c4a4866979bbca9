"""What the analysis app plugs into the platform: its navigation entry (signed-in people only:
an investigation is never public)."""

from django.utils.translation import gettext_lazy as _

from palermo.platform.registry import NavItem, register_nav

register_nav(
    NavItem("analysis:list", _("Analysis"), order=60, permission="analysis.view_investigation")
)
