"""Cooperation's pages: the log of requests (``views.py``), the writer (``writer_views.py``) and
the catalogue of cases (``catalogue_views.py``).

Each module keeps its own ``urlpatterns`` and declares its routes' access beside them."""

from . import catalogue_views, views, writer_views

app_name = "cooperation"

urlpatterns = views.urlpatterns + writer_views.urlpatterns + catalogue_views.urlpatterns
