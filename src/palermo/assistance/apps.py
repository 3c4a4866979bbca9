from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "palermo.assistance"
    label = "assistance"
    verbose_name = _("Assistance")

    def ready(self):
        from auditlog.registry import auditlog

        from . import importers, models, module, policies, search  # noqa: F401  (they register themselves)

        for model in (
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
        ):
            m2m = [
                f.name
                for f in model._meta.get_fields()
                if f.many_to_many
                and not f.auto_created
                and f.remote_field.through._meta.auto_created
            ]
            auditlog.register(model, exclude_fields=["created", "updated"], m2m_fields=set(m2m))
