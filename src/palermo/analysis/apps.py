from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "palermo.analysis"
    label = "analysis"
    verbose_name = _("Analysis")

    def ready(self):
        from palermo.platform.audit import register_audited

        from . import exports, importers, module, policies  # noqa: F401  (they register themselves)
        from .models import Annotation, Chart, Decision, Investigation

        register_audited(Investigation, Annotation, Decision, Chart)
