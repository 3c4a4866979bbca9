"""Grants on one record: membership with a role, and sharing with a person or an authority.

``grant(record, to=user_or_group, role=..., acting_user=...)`` is the one write; the record's
policy decides who may grant (its ``share`` action, or ``change`` when it has none), and what
each role then allows (``member("owner", "editor")`` in its actions). An authority shares as a
group: its registered members are the group's users.
"""

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from .audit import audited
from .models import Grant
from .policies import policy_for


def _share_action(record) -> str:
    policy = policy_for(record)
    return "share" if "share" in policy.actions else "change"


def grant(record, *, to, role: str, acting_user, first: bool = False) -> Grant:
    """Give ``to`` (a user or a ``Group``) ``role`` on ``record``.

    ``first=True`` makes the creator of a new record its first holder (say, the owner of a
    workspace they have just created) without asking the policy, which could not yet allow it.
    """
    if not first:
        policy_for(record).require(acting_user, _share_action(record), record)
    holder = {"group": to} if isinstance(to, Group) else {"user": to}
    with transaction.atomic(), audited(acting_user):
        item = Grant(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            role=role,
            granted_by=acting_user if getattr(acting_user, "pk", None) else None,
            **holder,
        )
        item.full_clean()
        item.save()
    return item


def revoke(record, *, to, role: str, acting_user) -> int:
    """Take ``role`` on ``record`` back from ``to``; returns how many grants were removed."""
    policy_for(record).require(acting_user, _share_action(record), record)
    holder = {"group": to} if isinstance(to, Group) else {"user": to}
    with transaction.atomic(), audited(acting_user):
        deleted, _ = Grant.objects.on(record).filter(role=role, **holder).delete()
    return deleted
