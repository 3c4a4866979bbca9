from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _rebuild(progress):
    """Last of the reference and demo loaders: whatever they wrote (with signals or in bulk) is
    searchable once they are done."""
    from palermo.platform.search import rebuild

    counts = rebuild()
    return f"search index: {sum(counts.values())} documents", []


class SearchIndexConfig(AppConfig):
    name = "palermo.platform.searchindex"
    label = "searchindex"
    verbose_name = _("Search index")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from palermo.platform.registry import (
            DataLoader,
            register_demo_content,
            register_reference_data,
        )

        loader = DataLoader("search-index", _rebuild, order=10_000)
        register_reference_data(loader)
        register_demo_content(loader)
