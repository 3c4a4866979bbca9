from django.contrib.auth import views as auth_views
from django.urls import path

from palermo.platform.access import PUBLIC, SECRETARIAT, SIGNED_IN, allow, declare_routes

from . import auth_views as password_views
from . import import_views, views
from .samples import first_role, focal_points_import, focal_points_job, kept_import, observer

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        password_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/changed/",
        password_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        password_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        password_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        password_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        password_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("account/", views.account, name="account"),
    path("search/", views.site_search, name="search"),
    path("participants/<str:code>/", views.participant_profile, name="participant"),
    path("notifications/", views.notifications, name="notifications"),
    path("jobs/", views.JobListView.as_view(), name="jobs"),
    path("jobs/<uuid:pk>/", views.job_detail, name="job"),
    path("jobs/<uuid:pk>/cancel/", views.job_cancel, name="job_cancel"),
    path("audit/", views.AuditLogView.as_view(), name="audit"),
    path("audit/reads/", views.ReadLogView.as_view(), name="reads"),
    path("import/", views.import_data, name="import"),
    path("imports/", import_views.ImportRunListView.as_view(), name="imports"),
    path("imports/<uuid:pk>/", import_views.import_run, name="import-run"),
    path("imports/<uuid:pk>/file/", import_views.import_file, name="import-file"),
    path("imports/<uuid:pk>/mapping/", import_views.import_mapping, name="import-mapping"),
    path("users/", views.UserListView.as_view(), name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user"),
    path(
        "users/<int:pk>/roles/<int:assignment_pk>/remove/",
        views.user_remove_role,
        name="user_remove_role",
    ),
    path("users/<int:pk>/active/", views.user_set_active, name="user_set_active"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
]


def _reset_link():
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from .models import User

    user = User.objects.get(username="observer")  # a valid link: the form to set a new one
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": password_views.reset_token_generator.make_token(user),
    }


# Who may open each route (tests/test_permission_matrix.py checks every role against this).
declare_routes(
    app_name,
    {
        "home": PUBLIC,
        "login": PUBLIC,
        "logout": allow(*PUBLIC.allow, method="POST"),
        "password_change": SIGNED_IN,
        "password_change_done": SIGNED_IN,
        "password_reset": PUBLIC,
        "password_reset_done": PUBLIC,
        "password_reset_confirm": allow(*PUBLIC.allow, sample=_reset_link),
        "password_reset_complete": PUBLIC,
        "account": SIGNED_IN,
        "search": PUBLIC,
        "participant": allow(*PUBLIC.allow, sample=lambda: {"code": "ARG"}),
        "notifications": SIGNED_IN,
        "jobs": SIGNED_IN,
        "job": allow("secretariat", "focal-point", sample=focal_points_job("pk"), hidden=True),
        "job_cancel": allow(
            "secretariat", "focal-point", method="POST", sample=focal_points_job("pk"), hidden=True
        ),
        "audit": SIGNED_IN,
        "reads": SIGNED_IN,
        # Each importer has its own permission: a State's focal points and experts import
        # their Library drafts and their needs, practitioners their log of requests; the page
        # offers only what the user may use.
        "import": allow(
            "secretariat",
            "focal-point",
            "expert",
            "practitioner",
            "focal-point@other",
            "expert@other",
            "practitioner@other",
        ),
        "imports": SIGNED_IN,
        "import-run": allow(
            "secretariat", "focal-point", sample=focal_points_import("pk"), hidden=True
        ),
        "import-file": allow(
            "secretariat",
            "focal-point",
            sample=kept_import("pk", username="focal-point"),
            hidden=True,
        ),
        "import-mapping": allow(
            "secretariat", sample=kept_import("pk", status="pending"), hidden=True
        ),
        "users": SECRETARIAT,
        "user_create": SECRETARIAT,
        "user": allow("secretariat", sample=observer("pk")),
        "user_remove_role": allow(
            "secretariat",
            method="POST",
            sample=observer("pk", assignment_pk=first_role),
        ),
        "user_unlock": allow("secretariat", method="POST", sample=observer("pk")),
        "user_set_active": allow(
            "secretariat", method="POST", sample=observer("pk"), data={"active": "1"}
        ),
    },
)
