from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformConfig(AppConfig):
    name = "palermo.platform"
    label = "platform"
    verbose_name = _("Platform")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models, policies_core  # noqa: F401  (the platform's own records have policies)

        auditlog.register(models.Grant)
