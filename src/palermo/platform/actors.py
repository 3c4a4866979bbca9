"""Who a write is recorded as: a person, or the explicit system actor — never nobody.

Every service takes a keyword-only ``acting_user``. A person's writes are checked against the
policies; work that no person asked for (loading the shipped reference data, the demo, an
operator's ``palermo import`` without ``--as``) runs as the *system actor*: a user that exists
so the audit trail names it, that cannot sign in, and that may do everything. A service called
with ``acting_user=None`` refuses.
"""

from django.utils.translation import gettext_lazy as _

SYSTEM_USERNAME = "palermo-system"

NO_ACTOR_MESSAGE = _(
    "No acting user: name the person (for a command, --as USER) or run it as the system actor."
)


def system_user():
    """The system actor (created on first use): inactive, no usable password."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user = User.objects.filter(username=SYSTEM_USERNAME).first()
    if user is None:
        user = User(
            username=SYSTEM_USERNAME,
            first_name="Palermo",
            last_name="(system)",
            is_active=False,
        )
        user.set_unusable_password()
        user.save()
    user._is_system_actor = True
    return user


def is_system(user) -> bool:
    return bool(getattr(user, "_is_system_actor", False)) or (
        getattr(user, "username", None) == SYSTEM_USERNAME
        and not getattr(user, "is_active", True)
        and getattr(user, "pk", None) is not None
    )
