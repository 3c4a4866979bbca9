"""Every write of the core module: one function each, keyword-only acting user, one transaction."""

from datetime import datetime

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palermo.platform.actors import SYSTEM_USERNAME
from palermo.platform.audit import audited
from palermo.platform.notifications import notify

from .choices import Role
from .models import ApiToken, Notification, Participant, RoleAssignment, User
from .permissions import require


def set_preferred_language(*, acting_user, language: str) -> None:
    """The language a person reads Palermo in: their notifications, e-mails and pages."""
    with transaction.atomic(), audited(acting_user):
        acting_user.language = language
        acting_user.full_clean(validate_unique=False)
        acting_user.save(update_fields=["language"])


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


def create_user(
    *,
    acting_user,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_active: bool = True,
) -> User:
    """Create a person who can sign in; roles are given afterwards with ``assign_role``.

    The password goes through the project's password validators, so a weak one is refused
    with the validators' own explanations, keyed ``password`` like the model's fields.
    """
    require(acting_user, "core.manage_users")
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=User.objects.normalize_email(email),
        is_active=is_active,
    )
    errors = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if username.lower() == SYSTEM_USERNAME:
        errors.setdefault("username", []).append(
            ValidationError(_("This name is reserved for the system actor."))
        )
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.error_list)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    with transaction.atomic(), audited(acting_user):
        user.save()
    return user


def _role_label(assignment: RoleAssignment):
    """The role and its State, as a callable: rendered in each recipient's language."""
    label, state = Role(assignment.role).label, assignment.participant
    return lambda: f"{label} ({state.localized_name})" if state else str(label)


def assign_role(
    *, acting_user, user: User, role: str, participant: Participant | None = None
) -> RoleAssignment:
    """Give ``user`` a role (bound to a State for the roles that act for one) and tell them."""
    require(acting_user, "core.manage_users")
    with transaction.atomic(), audited(acting_user):
        assignment = RoleAssignment(user=user, role=role, participant=participant)
        assignment.full_clean()  # includes the unique constraints, with their messages
        assignment.save()
        notify(
            [user],
            title=gettext_lazy("You now have the role %(role)s"),
            body=gettext_lazy("%(who)s gave you this role in Palermo."),
            params={"role": _role_label(assignment), "who": acting_user or "Palermo"},
            url=reverse("core:account"),
        )
    if hasattr(user, "_role_cache"):
        del user._role_cache
    return assignment


def remove_role(*, acting_user, assignment: RoleAssignment) -> None:
    """Take a role away and tell its holder; nobody may drop their own last Secretariat role,
    which would lock them out of this very page."""
    require(acting_user, "core.manage_users")
    user = assignment.user
    if (
        user.pk == acting_user.pk
        and assignment.role == Role.SECRETARIAT
        and not user.role_assignments.filter(role=Role.SECRETARIAT)
        .exclude(pk=assignment.pk)
        .exists()
    ):
        raise ValidationError(
            _(
                "You cannot remove your own last Secretariat role: you would lose the right "
                "to manage users. Ask another member of the Secretariat."
            )
        )
    label = _role_label(assignment)
    with transaction.atomic(), audited(acting_user):
        assignment.delete()
        notify(
            [user],
            title=gettext_lazy("Your role %(role)s was removed"),
            body=gettext_lazy("%(who)s removed this role from your Palermo account."),
            params={"role": label, "who": acting_user},
            url=reverse("core:account"),
        )
    if hasattr(user, "_role_cache"):
        del user._role_cache


def set_user_active(*, acting_user, user: User, active: bool) -> User:
    """Let a user sign in again, or stop them.

    Stopping ends everything they were signed in with, for good: their API tokens are deleted
    (each deletion is in the audit trail) and their sign-in generation is raised, which
    invalidates every session (the generation is part of the session's auth hash, checked by
    Django on each request, whichever session store is used) and every password-reset link sent
    before. Reactivating brings none of them back: they sign in afresh and create new tokens.
    """
    require(acting_user, "core.manage_users")
    if not active and user.pk == acting_user.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    if user.is_active != active:
        with transaction.atomic(), audited(acting_user):
            user.is_active = active
            fields = ["is_active"]
            if not active:
                # From the locked row, not the instance in hand, which may be stale.
                current = (
                    User.objects.select_for_update()
                    .values_list("sign_in_generation", flat=True)
                    .get(pk=user.pk)
                )
                user.sign_in_generation = current + 1
                fields.append("sign_in_generation")
                ApiToken.objects.filter(user=user).delete()  # one audit entry per token
            user.save(update_fields=fields)
    return user


def change_password(*, acting_user, user: User, password: str, how: str) -> None:
    """Give ``user`` a new password (already validated by the form asking for it) and record
    that it changed, and how, in the audit trail; the password and its hash never are. The
    user's other sessions end with it (their auth hash covers the password hash).

    ``how`` is ``"changed"`` (by the signed-in user, who gave the old one) or ``"reset"``
    (through a link e-mailed to them), which also lifts a sign-in pause on the account: whoever
    holds the link controls the account's address, so the pause protects nothing any more.
    """
    from auditlog.models import LogEntry

    from . import signin

    with transaction.atomic(), audited(acting_user):
        user.set_password(password)
        user.save(update_fields=["password"])
        LogEntry.objects.log_create(
            user,
            action=LogEntry.Action.UPDATE,
            changes={"password": ["…", how]},
            actor=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        )
    if how == "reset":
        signin.unlock(username=user.get_username())


def unlock_signin(*, acting_user, username: str = "", address: str = "") -> int:
    """Lift the pause on signing in for an account and/or from an address (``palermo
    unlock-signin``; the Secretariat). Returns how many failure records were cleared; an
    account's unlocking is recorded in the audit trail on that user."""
    from auditlog.models import LogEntry

    from . import signin

    require(acting_user, "core.manage_users")
    with transaction.atomic(), audited(acting_user):
        cleared = signin.unlock(username=username, address=address)
        user = User.objects.filter(username=username).first() if username else None
        if user is not None and cleared:
            LogEntry.objects.log_create(
                user,
                action=LogEntry.Action.UPDATE,
                changes={"sign-in": ["paused", "unlocked"]},
                actor=acting_user,
            )
    return cleared
