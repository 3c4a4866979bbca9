"""Cooperation's pages: the log of requests (``views.py``) and the writer (``writer_views.py``).

Each module keeps its own ``urlpatterns`` and declares its routes' access beside them."""

from . import views, writer_views

app_name = "cooperation"

urlpatterns = views.urlpatterns + writer_views.urlpatterns
