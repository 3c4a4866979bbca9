from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "palermo.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self):
        from . import module  # noqa: F401  (it registers itself)
