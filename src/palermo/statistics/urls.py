from django.urls import path

from palermo.platform.access import PUBLIC, declare_routes

from . import views

app_name = "statistics"

urlpatterns = [path("", views.home, name="home"), *views.urlpatterns]

# The other pages declare their access next to their views (views.py).
declare_routes("statistics", {"home": PUBLIC})
