"""Writes to needs: record one, move it along its lifecycle, link the activities that meet it.

Every write checks the need's policy, runs in one transaction under the acting user's name in
the audit trail, and records a ``NeedEvent`` for each status change, so a need's history says
who moved it, when and why. Review writes its observations' needs through ``record_need``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from palermo.platform import actors
from palermo.platform.audit import audited
from palermo.platform.policies import policy_for

from .choices import NEED_TRANSITIONS, NeedStatus, WorkStatus
from .models import Activity, Need, NeedActivity, NeedEvent


class NeedRefused(ValidationError):
    """A write to a need that breaks a rule of its lifecycle (with the reason)."""


def _user_pk(user):
    return user.pk if getattr(user, "pk", None) and not actors.is_system(user) else None


def record_need(
    *,
    acting_user,
    participant,
    title: str,
    articles=(),
    priority_areas=(),
    crime_types=(),
    note: str = "",
    **fields,
) -> Need:
    """Create a need for ``participant`` (status open unless given) with its first event."""
    need = Need(participant=participant, title=title, **fields)
    policy_for(Need).require(acting_user, "add", need)
    with transaction.atomic(), audited(acting_user):
        need.created_by_id = _user_pk(acting_user)
        need.full_clean()
        need.save()
        need.articles.set(articles)
        need.priority_areas.set(priority_areas)
        need.crime_types.set(crime_types)
        NeedEvent.objects.create(
            need=need,
            status_from="",
            status_to=need.status,
            note=note or _("Recorded"),
            by_id=_user_pk(acting_user),
        )
    return need


def set_status(need: Need, status: str, *, acting_user, note: str = "") -> Need:
    """Move ``need`` to ``status`` along the allowed transitions (``choices.NEED_TRANSITIONS``)."""
    policy_for(Need).require(acting_user, "set_status", need)
    status = NeedStatus(status)
    if status == need.status:
        return need
    if status not in NEED_TRANSITIONS[NeedStatus(need.status)]:
        raise NeedRefused(
            _("A need that is “%(from)s” cannot become “%(to)s”.")
            % {"from": NeedStatus(need.status).label, "to": status.label}
        )
    if status == NeedStatus.WITHDRAWN and not note.strip():
        raise NeedRefused(_("Say why the need is withdrawn."))
    with transaction.atomic(), audited(acting_user):
        before = need.status
        need.status = status
        need.save(update_fields=["status", "updated"])
        NeedEvent.objects.create(
            need=need, status_from=before, status_to=status, note=note, by_id=_user_pk(acting_user)
        )
    return need


#: The status a need takes when an activity in this state is linked to it (never backwards).
_STATUS_FOR_ACTIVITY = {
    WorkStatus.PROPOSED: NeedStatus.PLANNED,
    WorkStatus.PLANNED: NeedStatus.PLANNED,
    WorkStatus.UNKNOWN: NeedStatus.PLANNED,
    WorkStatus.ONGOING: NeedStatus.BEING_MET,
    WorkStatus.COMPLETED: NeedStatus.BEING_MET,
}
_ORDER = [NeedStatus.OPEN, NeedStatus.PLANNED, NeedStatus.BEING_MET, NeedStatus.MET]


def link_activity(need: Need, activity: Activity, *, acting_user, note: str = "") -> NeedActivity:
    """Say that ``activity`` addresses ``need``. An open need becomes planned (or being met,
    when the activity is under way or done); a need further along keeps its status. Whoever
    links must see the activity. Marking a need met stays a person's decision (``set_status``)."""
    policy_for(Need).require(acting_user, "link", need)
    policy_for(Activity).require(acting_user, "view", activity)
    if need.status == NeedStatus.WITHDRAWN:
        raise NeedRefused(_("The need was withdrawn: reopen it before linking an activity."))
    if activity.status == WorkStatus.CANCELLED:
        raise NeedRefused(_("A cancelled activity cannot meet a need."))
    with transaction.atomic(), audited(acting_user):
        link, created = NeedActivity.objects.get_or_create(
            need=need,
            activity=activity,
            defaults={"note": note, "linked_by_id": _user_pk(acting_user)},
        )
        wanted = _STATUS_FOR_ACTIVITY.get(WorkStatus(activity.status), NeedStatus.PLANNED)
        current = NeedStatus(need.status)
        if created and current in _ORDER and _ORDER.index(wanted) > _ORDER.index(current):
            before = need.status
            need.status = wanted
            need.save(update_fields=["status", "updated"])
            NeedEvent.objects.create(
                need=need,
                status_from=before,
                status_to=wanted,
                note=_("Activity linked: %(a)s") % {"a": activity.title[:200]},
                by_id=_user_pk(acting_user),
            )
    return link


def unlink_activity(need: Need, activity: Activity, *, acting_user) -> bool:
    """Remove the link. A need planned only because of it goes back to open."""
    policy_for(Need).require(acting_user, "link", need)
    with transaction.atomic(), audited(acting_user):
        deleted, _count = NeedActivity.objects.filter(need=need, activity=activity).delete()
        if (
            deleted
            and need.status in (NeedStatus.PLANNED, NeedStatus.BEING_MET)
            and not need.links.exists()
        ):
            before = need.status
            need.status = NeedStatus.OPEN
            need.save(update_fields=["status", "updated"])
            NeedEvent.objects.create(
                need=need,
                status_from=before,
                status_to=NeedStatus.OPEN,
                note=_("No activity addresses it any more"),
                by_id=_user_pk(acting_user),
            )
    return bool(deleted)
