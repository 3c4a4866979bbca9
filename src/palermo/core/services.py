"""Every write of the core module: one function each, keyword-only acting user, one transaction."""

import contextlib
from datetime import datetime

from auditlog.context import set_actor
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import Role
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


def _render(text, params: dict | None) -> str:
    """``text`` (often a lazy translation) and its ``params`` in the active language."""
    text = str(text)
    if not params:
        return text
    return text % {k: v() if callable(v) else str(v) for k, v in params.items()}


def notify(
    recipients, *, title, body="", url: str = "", params: dict | None = None, email: bool = True
) -> int:
    """Leave a notification for each recipient, written in the recipient's own language, and
    e-mail those with an address after commit.

    Pass ``title`` and ``body`` as lazy translations (``gettext_lazy``) with their ``params``
    (values may be lazy too, or callables), so that each recipient reads them in their language.
    """
    recipients = [u for u in recipients if u is not None]
    notes, mails = [], []
    for user in recipients:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            note = Notification(
                recipient=user,
                title=_render(title, params)[:200],
                body=_render(body, params),
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
    return len(recipients)


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
    if acting_user is not None:
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
    """Let a user sign in again, or stop them (their sessions and API tokens stop working)."""
    require(acting_user, "core.manage_users")
    if not active and user.pk == acting_user.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    if user.is_active != active:
        with transaction.atomic(), audited(acting_user):
            user.is_active = active
            user.save(update_fields=["is_active"])
    return user
