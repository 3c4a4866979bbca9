from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "palermo.library"
    label = "library"
    verbose_name = _("Library")

    def ready(self):
        from auditlog.registry import auditlog

        from . import exports, importers, models, module, policies, search  # noqa: F401  (they register themselves)

        for model in (
            models.CrimeType,
            models.CrossCuttingIssue,
            models.Law,
            models.Provision,
            models.ProvisionArticle,
            models.Case,
            models.CaseSummary,
            models.Proceeding,
            models.CaseParty,
            models.Charge,
            models.Cooperation,
            models.CaseAttachment,
            models.Publication,
            models.Strategy,
            models.PublishedVersion,
            models.SavedSearch,
        ):
            m2m = [
                f.name
                for f in model._meta.get_fields()
                if f.many_to_many
                and not f.auto_created
                and f.remote_field.through._meta.auto_created
            ]
            auditlog.register(model, exclude_fields=["created", "updated"], m2m_fields=set(m2m))
