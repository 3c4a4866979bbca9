from django.urls import path

from palermo.platform.access import PUBLIC, allow, declare_routes

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.AuthorityListView.as_view(), name="entries"),
    path("new/", views.entry_edit, name="entry_new"),
    path("edition/", views.printable, name="edition"),
    path("edition.pdf", views.printable_pdf, name="edition_pdf"),
    path("<int:pk>/", views.entry_detail, name="entry"),
    path("<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("<int:pk>/confirm/", views.entry_confirm, name="entry_confirm"),
    path("<int:pk>/delete/", views.entry_delete, name="entry_delete"),
]


def _entry():
    """A demo entry of Argentina, the State of the sample focal point."""
    from .models import Authority

    return {"pk": Authority.objects.filter(participant__code="ARG").order_by("pk").first().pk}


# Who may open each route (tests/test_permission_matrix.py checks every role against this).
declare_routes(
    app_name,
    {
        "entries": PUBLIC,
        # Any focal point may add entries for their own State (the form offers only it).
        "entry_new": allow("secretariat", "focal-point", "focal-point@other"),
        "edition": PUBLIC,
        "edition_pdf": PUBLIC,
        "entry": allow(*PUBLIC.allow, sample=_entry),
        "entry_edit": allow("secretariat", "focal-point", sample=_entry),
        "entry_confirm": allow("secretariat", "focal-point", sample=_entry, method="POST"),
        "entry_delete": allow("secretariat", sample=_entry, method="POST"),
    },
)
