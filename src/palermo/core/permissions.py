"""The one permission mechanism every module uses: pages, API, exports and search.

Rules are predicates (django-rules) registered under permission names ``app.verb_thing``.
Every check goes through ``user.has_perm(name, obj)``, so the template tag ``perms``, the
``require`` helper used by services and views, and the API's ``require`` all agree. Row-level
visibility (what a user may even see) lives in each model's ``visible_to(user)`` QuerySet
method, built from the same predicates' data, so lists, exports and search cannot leak rows.
"""

import rules
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .choices import Role


def _roles(user) -> list:
    if not getattr(user, "is_authenticated", False):
        return []
    return user.cached_roles()


def has_role(role: str):
    @rules.predicate(name=f"has_role_{role}")
    def predicate(user):
        return any(a.role == role for a in _roles(user))

    return predicate


@rules.predicate
def is_secretariat(user):
    return bool(getattr(user, "is_superuser", False)) or any(
        a.role == Role.SECRETARIAT for a in _roles(user)
    )


def participant_of(obj):
    """The State an object belongs to: a Participant itself, or its ``participant``."""
    from .models import Participant

    if isinstance(obj, Participant):
        return obj
    return getattr(obj, "participant", None)


def acts_for_state(*roles_allowed: str):
    """Predicate: the user holds one of these roles for the object's State."""

    @rules.predicate(name=f"acts_for_state_{'_'.join(roles_allowed)}")
    def predicate(user, obj):
        state = participant_of(obj)
        if state is None:
            return False
        return any(a.role in roles_allowed and a.participant_id == state.pk for a in _roles(user))

    return predicate


def states_of(user, *roles_allowed: str) -> set[int]:
    """Primary keys of the States for which the user holds one of these roles."""
    return {a.participant_id for a in _roles(user) if a.role in roles_allowed and a.participant_id}


is_authenticated = rules.is_authenticated


def require(user, perm: str, obj=None) -> None:
    """Raise PermissionDenied, with a sentence the person can act on, unless allowed."""
    if user.has_perm(perm, obj):
        return
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to do this."))
    raise PermissionDenied(_("Your role does not allow this (%(perm)s).") % {"perm": perm})


# Permissions of the core module.
rules.add_perm("core.import_data", is_secretariat)
rules.add_perm("core.view_auditlog", is_secretariat)
rules.add_perm("core.manage_users", is_secretariat)
rules.add_perm("core.view_all_jobs", is_secretariat)
rules.add_perm("core.view_own_jobs", is_authenticated)
rules.add_perm("core.use_api_tokens", is_authenticated)
