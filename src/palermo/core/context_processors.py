from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Notification

NAV = [
    ("treaties:instruments", _("Instruments")),
    ("treaties:participants", _("Participants")),
    ("treaties:map", _("Map")),
    ("treaties:timeline", _("Parties over time")),
]


def palermo(request):
    # django-tables2 renders its template with the request again: compute once per request.
    if not hasattr(request, "_palermo_context"):
        request._palermo_context = _palermo(request)
    return request._palermo_context


def _palermo(request):
    path = request.path
    nav = []
    for name, label in NAV:
        url = reverse(name)
        nav.append({"url": url, "label": label, "active": path.startswith(url)})
    unread = 0
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    return {"palermo_nav": nav, "palermo_unread": unread}
