from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "palermo.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self):
        from auditlog.registry import auditlog

        from . import exports, importers, models, module, policies, search  # noqa: F401  (they register themselves)

        auditlog.register(models.Area, exclude_fields=["created", "updated"])
        auditlog.register(models.Authority, exclude_fields=["created", "updated"])
