from django.shortcuts import render
from django.urls import path

from palermo.platform.access import PUBLIC, declare_routes

from . import views
from .models import Aggregate

app_name = "statistics"


def home(request):
    latest = Aggregate.objects.filter(
        indicator_id="homicide", level__in=["world", "region"]
    ).order_by("-year", "area")
    year = latest.values_list("year", flat=True).first()
    return render(
        request,
        "statistics/home.html",
        {"year": year, "aggregates": list(latest.filter(year=year)) if year else []},
    )


urlpatterns = [path("", home, name="home"), *views.urlpatterns]

# The other pages declare their access next to their views (views.py).
declare_routes("statistics", {"home": PUBLIC})
