"""Every write of the Directory: each checks the policy, validates with the model's rules, writes
in one transaction and is audited."""

import csv
from datetime import date
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palermo.core.choices import Role
from palermo.core.models import User
from palermo.platform.audit import audited
from palermo.platform.notifications import notify
from palermo.platform.policies import policy_for, require_perm

from .models import Area, Authority
from .queries import due_reminders

DATA = Path(__file__).resolve().parent / "data"


@transaction.atomic
def load_areas(*, acting_user) -> int:
    """Create or update the shipped areas (``data/areas.csv``)."""
    with audited(acting_user), (DATA / "areas.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
        for row in rows:
            Area.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "instrument": row["instrument"],
                    "article": row["article"],
                    "declaration_subject": row["declaration_subject"],
                    "order": int(row["order"]),
                },
            )
    return len(rows)


def save_entry(*, acting_user, entry: Authority) -> Authority:
    """Create or update an entry: the Secretariat for any State, a focal point for their own.
    A focal point cannot move an entry to another State (the stored one is checked too)."""
    policy = policy_for(Authority)
    if entry.pk:
        policy.require(acting_user, "change", Authority.objects.get(pk=entry.pk))
    # The State it is saved for (decided from the unsaved row's own participant).
    policy.require(acting_user, "change" if entry.pk else "add", entry)
    with transaction.atomic(), audited(acting_user):
        entry.full_clean()
        entry.save()
    return entry


def confirm_entry(*, acting_user, entry: Authority, on: date | None = None) -> Authority:
    """The State (or the Secretariat) confirms the entry is correct as it stands, today."""
    policy_for(Authority).require(acting_user, "confirm", entry)
    with transaction.atomic(), audited(acting_user):
        entry.last_confirmed = on or date.today()
        entry.reminded_on = None
        entry.full_clean()
        entry.save(update_fields=["last_confirmed", "reminded_on", "updated"])
    return entry


def delete_entry(*, acting_user, entry: Authority) -> None:
    """Delete an entry; refused (``ValidationError``) while requests for cooperation are kept
    by or addressed to it: their log must keep its authorities."""
    from django.db.models import ProtectedError

    policy_for(Authority).require(acting_user, "delete", entry)
    try:
        with transaction.atomic(), audited(acting_user):
            entry.delete()
    except ProtectedError as exc:
        raise ValidationError(
            _(
                "%(authority)s cannot be deleted: %(n)s requests for cooperation are kept by "
                "it or addressed to it. Correct the entry instead."
            )
            % {"authority": entry.authority, "n": len(exc.protected_objects)}
        ) from None


def _focal_points(participant_id) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.FOCAL_POINT,
            role_assignments__participant_id=participant_id,
        ).distinct()
    )


def _secretariat() -> list[User]:
    return list(
        User.objects.filter(is_active=True, role_assignments__role=Role.SECRETARIAT).distinct()
    )


def send_reminders(*, acting_user, today: date | None = None, dry_run: bool = False) -> dict:
    """Remind each State with stale entries (not confirmed for 12 months) and the Secretariat:
    one notification per State and recipient, listing how many entries need confirming. An
    entry is not reminded of again within ``REMIND_EVERY_DAYS`` (its ``reminded_on``), and a
    confirmation starts its period afresh."""
    if acting_user is None or not (
        getattr(acting_user, "is_authenticated", False) or _is_system(acting_user)
    ):
        raise PermissionDenied(gettext_lazy("Sign in to do this."))
    require_perm(acting_user, "directory.send_reminders")
    today = today or date.today()
    by_state: dict[int, list[Authority]] = {}
    for entry in due_reminders(today):
        by_state.setdefault(entry.participant_id, []).append(entry)
    secretariat = _secretariat()
    report = {"today": today.isoformat(), "dry_run": dry_run, "states": [], "entries": 0}
    with transaction.atomic(), audited(acting_user):
        for entries in by_state.values():
            participant = entries[0].participant
            count = len(entries)
            recipients = {u.pk: u for u in [*_focal_points(participant.pk), *secretariat]}
            sent = 0
            if not dry_run:
                sent = notify(
                    list(recipients.values()),
                    title=gettext_lazy("Directory: %(state)s has entries to confirm (%(n)s)"),
                    body=gettext_lazy(
                        "Not confirmed for 12 months: %(entries)s. Check each entry and confirm "
                        "it, or correct it."
                    ),
                    params={
                        "n": count,
                        "state": lambda p=participant: p.localized_name,
                        "entries": "; ".join(f"{e.area.name}: {e.authority}" for e in entries),
                    },
                    url=f"{reverse('directory:entries')}?participant={participant.code}&stale=yes",
                    sender=None,
                )
                Authority.objects.filter(pk__in=[e.pk for e in entries]).update(reminded_on=today)
            report["states"].append(
                {
                    "state": participant.code,
                    "entries": [e.pk for e in entries],
                    "recipients": sorted(u.username for u in recipients.values()),
                    "notified": sent,
                }
            )
            report["entries"] += len(entries)
    return report


def _is_system(user) -> bool:
    from palermo.platform.actors import is_system

    return is_system(user)
