from django.urls import path

from . import views

app_name = "treaties"

urlpatterns = [
    path("", views.instrument_list, name="instruments"),
    path("participants/", views.StatusListView.as_view(), name="participants"),
    path("participants/<str:code>/", views.participant_detail, name="participant"),
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
