"""What core contributes to site search: the user's own jobs, and people."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from palermo.platform.search import register_search

from .models import Job, User

register_search(
    "jobs",
    _("Your background jobs"),
    model=Job,
    fields={"label": "A", "message": "C"},
    result=lambda job: (job.label, reverse("core:job", args=[job.pk])),
    snippet_fields=("message", "label"),
    language="language",
    order=900,
)

register_search(
    "users",
    _("Users"),
    model=User,
    # The e-mail address is restricted (the Secretariat's): indexed apart, searched only by them.
    fields={"username": "A", "first_name": "A", "last_name": "A", "email": "B"},
    snippet_fields=("username", "email"),
    result=lambda u: (str(u), reverse("core:user", args=[u.pk])),
    order=950,
)
