from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "palermo.library"
    label = "library"
    verbose_name = _("Library")

    def ready(self):
        from palermo.platform.audit import register_audited

        from . import exports, importers, models, module, policies, search  # noqa: F401  (they register themselves)

        register_audited(
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
        )
