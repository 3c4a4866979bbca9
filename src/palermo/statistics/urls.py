from django.urls import path

from palermo.platform.access import PUBLIC, declare_routes

from . import mapping_views, survey_views, views

app_name = "statistics"

urlpatterns = [
    path("", views.home, name="home"),
    *views.urlpatterns,
    *mapping_views.urlpatterns,
    *survey_views.urlpatterns,
]

# The other pages declare their access next to their views (views.py, mapping_views.py, survey_views.py).
declare_routes("statistics", {"home": PUBLIC})
