from django.urls import path

from palermo.platform.access import PUBLIC, SECRETARIAT, allow, declare_routes

from . import views

app_name = "treaties"

urlpatterns = [
    path("", views.instrument_list, name="instruments"),
    path("participants/", views.StatusListView.as_view(), name="participants"),
    path("participants/<str:code>/", views.participant_redirect, name="participant"),
    path(
        "participants/<str:code>/declarations/new/", views.declaration_edit, name="declaration_new"
    ),
    path(
        "participants/<str:code>/declarations/<int:pk>/",
        views.declaration_edit,
        name="declaration_edit",
    ),
    path(
        "participants/<str:code>/declarations/<int:pk>/delete/",
        views.declaration_delete,
        name="declaration_delete",
    ),
    path("map/", views.world_map, name="map"),
    path("timeline/", views.timeline, name="timeline"),
    path("actions/new/", views.action_create, name="action_new"),
    path("actions/<int:pk>/delete/", views.action_delete, name="action_delete"),
    path("<str:code>/", views.instrument_detail, name="instrument"),
    path("<str:code>/facts/", views.instrument_facts, name="instrument_facts"),
    path("<str:code>/articles/<str:number>/", views.article_detail, name="article"),
]


def _declaration():
    from .models import Declaration

    return {"code": "ARG", "pk": Declaration.objects.filter(participant__code="ARG").first().pk}


def _action():
    from .models import TreatyAction

    return {"pk": TreatyAction.objects.order_by("pk").first().pk}


# Who may open each route (tests/test_permission_matrix.py checks every role against this).
EDITORS = allow("secretariat", "focal-point", sample=lambda: {"code": "ARG"})
declare_routes(
    app_name,
    {
        "instruments": PUBLIC,
        "participants": PUBLIC,
        "participant": allow(*PUBLIC.allow, sample=lambda: {"code": "ARG"}),
        "declaration_new": EDITORS,
        "declaration_edit": allow("secretariat", "focal-point", sample=_declaration),
        "declaration_delete": allow("secretariat", sample=_declaration, method="POST"),
        "map": PUBLIC,
        "timeline": PUBLIC,
        "action_new": SECRETARIAT,
        "action_delete": allow("secretariat", sample=_action, method="POST"),
        "instrument": allow(*PUBLIC.allow, sample=lambda: {"code": "UNTOC"}),
        "instrument_facts": allow("secretariat", sample=lambda: {"code": "UNTOC"}),
        "article": allow(*PUBLIC.allow, sample=lambda: {"code": "UNTOC", "number": "18"}),
    },
)
