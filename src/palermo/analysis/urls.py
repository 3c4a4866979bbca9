from django.urls import path

from palermo.platform.access import SIGNED_IN, allow, declare_routes

from . import chart_views, import_views, map_views, metrics_views, review_views, views

app_name = "analysis"

urlpatterns = [
    path("", views.InvestigationListView.as_view(), name="list"),
    path("<int:pk>/", views.EntityListView.as_view(), name="investigation"),
    path("<int:pk>/entities/<int:entity>/", views.entity_detail, name="entity"),
]
# The link chart (chart_views), the network measures (metrics_views), the map (map_views),
# the review of candidate pairs (review_views): each module keeps its own patterns and
# declares their access.
urlpatterns += (
    chart_views.urlpatterns
    + metrics_views.urlpatterns
    + map_views.urlpatterns
    + import_views.urlpatterns
    + review_views.urlpatterns
)


# Samples for the permission matrix (called inside its test transaction) -------------------


def _investigation():
    """An investigation of the demo analyst with one entity: only its members may open it."""
    from palermo.core.models import User
    from palermo.platform.actors import system_user

    from . import services
    from .models import Entity

    analyst = User.objects.get(username="analyst")
    investigation = services.create_investigation(
        title="Matrix sample (fictional)", owner=analyst, acting_user=system_user()
    )
    entity = Entity.objects.create(
        investigation=investigation,
        ftm_id="matrix-sample",
        schema="Person",
        caption="Sample person",
        properties={"name": ["Sample person"]},
    )
    return investigation, entity


def _investigation_args():
    investigation, _entity = _investigation()
    return {"pk": investigation.pk}


def _entity_args():
    investigation, entity = _investigation()
    return {"pk": investigation.pk, "entity": entity.pk}


declare_routes(
    app_name,
    {
        # Everyone signed in has the list; it shows only their own investigations.
        "list": SIGNED_IN,
        # Members alone; the Secretariat too gets 404 unless it is granted a role.
        "investigation": allow("analyst", sample=_investigation_args, hidden=True),
        "entity": allow("analyst", sample=_entity_args, hidden=True),
    },
)
