from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    name = "palermo.statistics"
    label = "statistics"
    verbose_name = _("Statistics")

    def ready(self):
        from palermo.platform.audit import register_audited

        from . import exports, importers, jobs, models, module, policies, search  # noqa: F401  (they register themselves)

        register_audited(models.Observation, models.OffenceMapping)
