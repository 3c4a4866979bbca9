from django.urls import path

from palermo.urls import urlpatterns as site

from . import views
from .api import api

urlpatterns = [
    path("examples/casefiles/", views.CasefileListView.as_view(), name="example-casefiles"),
    path("examples/casefiles/<int:pk>/", views.casefile_detail, name="example-casefile"),
    path("examples/api/", api.urls),
    *site,
]
