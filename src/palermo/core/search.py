"""What core contributes to site search: the user's own jobs, and people."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from palermo.platform.search import register_search

from .models import Job, User

register_search(
    "jobs",
    _("Your background jobs"),
    model=Job,
    fields=("label",),
    result=lambda job: (job.label, reverse("core:job", args=[job.pk])),
    snippet_fields=("message",),
    order_by=("-created",),
    order=900,
)

register_search(
    "users",
    _("Users"),
    model=User,
    fields=("username", "first_name", "last_name", "email"),
    snippet_fields=("username", "email"),
    result=lambda u: (str(u), reverse("core:user", args=[u.pk])),
    order_by=("username",),
    order=950,
)
