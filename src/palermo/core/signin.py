"""Signing in: throttling of failed attempts (django-axes), what a refused person reads, the
audit trail of every failure, and unlocking.

The rules are in settings (``AXES_*``): failures are counted per account and per address;
reaching ``AXES_FAILURE_LIMIT`` within ``AXES_COOLOFF_TIME`` pauses signing in for that account
or from that address, and every further attempt during the pause restarts it.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone


def lockout_response(request, original_response=None, credentials=None):
    """The page shown instead of the sign-in form while signing in is paused (HTTP 429), with
    the time to try again and who can lift the pause. Axes calls it (``AXES_LOCKOUT_CALLABLE``)
    for the page and for the Django admin's sign-in alike."""
    duration = settings.AXES_COOLOFF_TIME  # a timedelta (settings.py)
    minutes = max(1, round(duration.total_seconds() / 60))
    response = render(
        request,
        "registration/locked_out.html",
        {"retry_at": timezone.now() + duration, "minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(int(duration.total_seconds()))
    return response


def register_signin_audit() -> None:
    """Record every failed sign-in in the audit trail: each row axes writes to its
    ``AccessFailureLog`` (user name typed, address, browser, page, whether it was refused by a
    lock; never the password) becomes an audit entry. Call once from ``CoreConfig.ready``;
    calling again does nothing."""
    from auditlog.registry import auditlog
    from axes.models import AccessFailureLog

    if not auditlog.contains(AccessFailureLog):
        auditlog.register(AccessFailureLog, exclude_fields=["http_accept"])


def unlock(*, username: str = "", address: str = "") -> int:
    """Forget the failed sign-ins of an account and/or from an address, which lifts their
    pause; returns how many records were cleared. Used by ``palermo unlock-signin`` and
    ``services.unlock_signin``."""
    from axes.handlers.proxy import AxesProxyHandler

    cleared = 0
    if username:
        cleared += AxesProxyHandler.reset_attempts(username=username)
    if address:
        cleared += AxesProxyHandler.reset_attempts(ip_address=address)
    return cleared
