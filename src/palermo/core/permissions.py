"""Core's permissions that belong to no single record, built from the platform's conditions.

Record-level rules are the models' policies (``core/policies.py``); these are the few rights
that are not about one record: importing data, reading the audit trail, managing users. They
are django-rules permissions, so ``user.has_perm``, ``{% if perms.core.… %}`` and ``require``
agree with the policies. ``acts_for_state`` and ``states_of`` remain for rules keyed by a State.
"""

import rules

from palermo.platform import actors
from palermo.platform.policies import (
    Condition,
    authenticated,
    require_perm,
    secretariat,
    state_role,
)
from palermo.platform.policies import states_of as states_of  # re-exported for modules


def predicate(condition: Condition, name: str):
    """A django-rules predicate from a platform condition (the system actor may everything)."""

    @rules.predicate(name=name)
    def check(user, obj=None):
        return actors.is_system(user) or condition.test(user, obj)

    return check


is_secretariat = predicate(secretariat, "is_secretariat")
is_authenticated = predicate(authenticated, "is_authenticated")


def acts_for_state(*roles_allowed: str):
    """Predicate: the user holds one of these roles for the object's State."""
    return predicate(state_role(*roles_allowed), f"acts_for_state_{'_'.join(roles_allowed)}")


require = require_perm  # the one check, with its sentences, shared with the platform


# Permissions of the core module.
rules.add_perm("core.import_data", is_secretariat)
rules.add_perm("core.view_auditlog", is_authenticated)
rules.add_perm("core.manage_users", is_secretariat)
rules.add_perm("core.use_api_tokens", is_authenticated)
