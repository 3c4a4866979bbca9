from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from .api import api
from .platform.access import PUBLIC, allow, declare_routes

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("treaties/", include("palermo.treaties.urls")),
    path("library/", include("palermo.library.urls")),
    path("directory/", include("palermo.directory.urls")),
    path("assistance/", include("palermo.assistance.urls")),
    path("statistics/", include("palermo.statistics.urls")),
    path("analysis/", include("palermo.analysis.urls")),
    path("cooperation/", include("palermo.cooperation.urls")),
    path("", include("palermo.core.urls")),
]

# Site-wide routes; each module declares its own next to its routes (platform/access.py).
declare_routes("", {"set_language": allow(*PUBLIC.allow, method="POST", data={"language": "fr"})})

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
