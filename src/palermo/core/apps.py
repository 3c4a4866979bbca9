from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "palermo.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from auditlog.registry import auditlog

        from . import exports, models, module, permissions, policies, search  # noqa: F401  (they register themselves)

        stamps = ["created", "updated"]
        auditlog.register(models.Participant, exclude_fields=stamps)
        auditlog.register(models.RoleAssignment, exclude_fields=stamps)
        auditlog.register(models.User, exclude_fields=["password", "last_login"])
        auditlog.register(models.ApiToken, exclude_fields=[*stamps, "key_hash", "last_used"])

        from .signin import register_signin_audit

        register_signin_audit()
