from palermo.platform.registry import nav_for

from .models import Notification


def palermo(request):
    # django-tables2 renders its template with the request again: compute once per request.
    if not hasattr(request, "_palermo_context"):
        request._palermo_context = _palermo(request)
    return request._palermo_context


def _palermo(request):
    unread = 0
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    return {"palermo_nav": nav_for(request), "palermo_unread": unread}
