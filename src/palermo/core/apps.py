from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "palermo.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models, permissions  # noqa: F401  (registers the core permissions)

        auditlog.register(models.Participant)
        auditlog.register(models.RoleAssignment)
        auditlog.register(models.User, exclude_fields=["password", "last_login"])
        auditlog.register(models.ApiToken, exclude_fields=["key_hash", "last_used"])
