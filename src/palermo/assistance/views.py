"""Assistance pages. (Being built.)"""

from django.shortcuts import render


def home(request):
    return render(request, "assistance/home.html", {})


urlpatterns = []
