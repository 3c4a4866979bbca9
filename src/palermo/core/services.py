"""Every write of the core module: one function each, keyword-only acting user, one transaction."""

import contextlib
from datetime import datetime

from auditlog.context import set_actor
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import ApiToken, Notification, Participant, RoleAssignment, User
from .permissions import require


@contextlib.contextmanager
def audited(acting_user):
    """Attribute every change inside the block to ``acting_user`` in the audit trail."""
    if acting_user is not None and getattr(acting_user, "is_authenticated", False):
        with set_actor(acting_user):
            yield
    else:
        yield


def notify(recipients, *, title: str, body: str = "", url: str = "", email: bool = True) -> int:
    """Leave a notification for each recipient and e-mail those with an address after commit."""
    recipients = [u for u in recipients if u is not None]
    Notification.objects.bulk_create(
        [Notification(recipient=u, title=title[:200], body=body, url=url) for u in recipients]
    )
    if email:
        addresses = sorted({u.email for u in recipients if u.email})
        if addresses:
            link = f"\n\n{settings.PALERMO_SITE_URL.rstrip('/')}{url}" if url else ""
            transaction.on_commit(
                lambda: send_mail(
                    f"[Palermo] {title}", body + link, None, addresses, fail_silently=True
                )
            )
    return len(recipients)


def mark_notifications_read(*, acting_user, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=acting_user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def create_api_token(
    *, acting_user, name: str, expires: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for the acting user; the clear key is returned once and never stored."""
    require(acting_user, "core.use_api_tokens")
    key = ApiToken.generate()
    with transaction.atomic(), audited(acting_user):
        token = ApiToken.objects.create(
            user=acting_user,
            name=name,
            prefix=key[:8],
            key_hash=ApiToken.hash(key),
            expires=expires,
        )
    return token, key


def revoke_api_token(*, acting_user, token: ApiToken) -> None:
    if token.user_id != acting_user.pk:
        require(acting_user, "core.manage_users")
    with transaction.atomic(), audited(acting_user):
        token.delete()


def assign_role(
    *, acting_user, user: User, role: str, participant: Participant | None = None
) -> RoleAssignment:
    if acting_user is not None:
        require(acting_user, "core.manage_users")
    with transaction.atomic(), audited(acting_user):
        assignment = RoleAssignment(user=user, role=role, participant=participant)
        assignment.full_clean()
        assignment.save()
    if hasattr(user, "_role_cache"):
        del user._role_cache
    return assignment
