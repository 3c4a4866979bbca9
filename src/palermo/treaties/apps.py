from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TreatiesConfig(AppConfig):
    name = "palermo.treaties"
    label = "treaties"
    verbose_name = _("Treaties")

    def ready(self):
        from auditlog.registry import auditlog

        from . import exports, importers, models, module, permissions, search  # noqa: F401  (they register themselves)

        for model in (
            models.Instrument,
            models.Article,
            models.TreatyAction,
            models.Declaration,
            models.StatusSnapshot,
        ):
            auditlog.register(model, exclude_fields=["created", "updated"])
