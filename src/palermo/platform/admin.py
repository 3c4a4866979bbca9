"""The Django admin, for looking only: every write goes through the services.

The admin would write models directly, bypassing the services' validation, permissions and
audit (a staff user once saved a denunciation dated before the State's consent, which the
service refuses). So every model admin is read-only, and outside development the admin is not
there at all (``ADMIN_ENABLED``: on with ``DEBUG``, never in production).
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import Http404


class ReadOnlyAdminSite(admin.AdminSite):
    site_header = "Palermo (read-only)"

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def view_in_development_only(request, *args, **kwargs):
            if not getattr(settings, "ADMIN_ENABLED", settings.DEBUG):
                raise Http404("The admin is only available in development.")
            return inner(request, *args, **kwargs)

        view_in_development_only.admin_site = self
        return view_in_development_only

    def register(self, model_or_iterable, admin_class=None, **options):
        base = admin_class or admin.ModelAdmin
        read_only = type(f"ReadOnly{base.__name__}", (ReadOnlyAdminMixin, base), {})
        return super().register(model_or_iterable, read_only, **options)


class ReadOnlyAdminMixin:
    """No add, change or delete, whatever the user's Django permissions."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}


class PalermoAdminConfig(AdminConfig):
    default_site = "palermo.platform.admin.ReadOnlyAdminSite"
