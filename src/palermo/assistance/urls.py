from django.urls import path

from palermo.platform.access import PUBLIC, declare_routes

from . import report_views, views

app_name = "assistance"

urlpatterns = [
    path("", views.home, name="home"),
    *views.urlpatterns,
    *report_views.urlpatterns,
]

# The other pages declare their access next to their views (views.py, report_views.py).
declare_routes("assistance", {"home": PUBLIC})
