from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "palermo.assistance"
    label = "assistance"
    verbose_name = _("Assistance")

    def ready(self):
        from palermo.platform.audit import register_audited

        from . import importers, models, module, policies, search  # noqa: F401  (they register themselves)

        register_audited(
            models.Organisation,
            models.Programme,
            models.Project,
            models.Budget,
            models.Expenditure,
            models.Funding,
            models.Activity,
            models.Participation,
            models.ActivityDocument,
            models.Indicator,
            models.Evaluation,
            models.Need,
            models.NeedActivity,
            models.Proposal,
            models.Report,
        )
