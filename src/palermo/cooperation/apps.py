from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "palermo.cooperation"
    label = "cooperation"
    verbose_name = _("Cooperation")

    def ready(self):
        from palermo.platform.audit import register_audited

        from . import catalogue_views, cli_log, module, policies  # noqa: F401  (they register themselves)
        from .models import Document, Event, Request

        register_audited(Request, Event, Document)
