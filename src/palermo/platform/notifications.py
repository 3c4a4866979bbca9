"""Notifications: in the app and by e-mail, in each recipient's language, after commit.

Texts are lazy translations with ``params``, rendered once per recipient in their language.
A param may be ``FieldValue(record, "field")``: the recipient reads the value only if the
record's policy lets them see that field; otherwise the sentence says it is withheld, so a
restricted value never travels in a notification or an e-mail.

A person who is not the Secretariat can only send so many notifications to one recipient in an
hour (``PALERMO_NOTIFY_LIMIT``, default 20): beyond it they are dropped, so a focal point
cannot flood the Secretariat.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from .policies import has_policy, policy_for, secretariat

WINDOW_SECONDS = 3600


@dataclass(frozen=True)
class FieldValue:
    """A record's field shown only to recipients who may see it."""

    record: object
    field: str

    def for_user(self, user) -> str:
        model = type(self.record)
        if has_policy(model) and self.field in policy_for(model).hidden_fields(user):
            return _("(withheld)")
        return str(getattr(self.record, self.field))


def _render(text, params: dict | None, user) -> str:
    """``text`` (often a lazy translation) and its ``params`` in the active language."""
    text = str(text)
    if not params:
        return text
    values = {}
    for key, value in params.items():
        if isinstance(value, FieldValue):
            values[key] = value.for_user(user)
        else:
            values[key] = value() if callable(value) else str(value)
    return text % values


def notify_limit() -> int:
    return int(getattr(settings, "PALERMO_NOTIFY_LIMIT", 20))


def _within_limit(sender, recipient) -> bool:
    if sender is None or secretariat.test(sender, None) or not getattr(sender, "pk", None):
        return True
    key = f"palermo:notify:{sender.pk}:{recipient.pk}"
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        sent = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        sent = 1
    return sent <= notify_limit()


def notify(
    recipients,
    *,
    title,
    body="",
    url: str = "",
    params: dict | None = None,
    email: bool = True,
    sender=None,
) -> int:
    """Leave a notification for each recipient, written in the recipient's own language, and
    e-mail those with an address after commit. Returns how many were notified.

    ``sender`` is the person whose action causes the notification: their notifications to
    any one recipient are capped per hour unless they are the Secretariat.
    """
    from .models import Notification

    recipients = [u for u in recipients if u is not None]
    notes, mails = [], []
    for user in recipients:
        if not _within_limit(sender, user):
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            note = Notification(
                recipient=user,
                title=_render(title, params, user)[:200],
                body=_render(body, params, user),
                url=url,
            )
        notes.append(note)
        if email and user.email:
            link = f"\n\n{settings.PALERMO_SITE_URL.rstrip('/')}{url}" if url else ""
            mails.append((f"[Palermo] {note.title}", note.body + link, user.email))
    Notification.objects.bulk_create(notes)
    if mails:
        transaction.on_commit(
            lambda: [
                send_mail(subject, text, None, [to], fail_silently=True)
                for subject, text, to in mails
            ]
        )
    return len(notes)
