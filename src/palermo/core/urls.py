from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", views.account, name="account"),
    path("search/", views.site_search, name="search"),
    path("notifications/", views.notifications, name="notifications"),
    path("jobs/", views.JobListView.as_view(), name="jobs"),
    path("jobs/<uuid:pk>/", views.job_detail, name="job"),
    path("audit/", views.AuditLogView.as_view(), name="audit"),
    path("import/", views.import_data, name="import"),
    path("users/", views.UserListView.as_view(), name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user"),
    path(
        "users/<int:pk>/roles/<int:assignment_pk>/remove/",
        views.user_remove_role,
        name="user_remove_role",
    ),
    path("users/<int:pk>/active/", views.user_set_active, name="user_set_active"),
]
