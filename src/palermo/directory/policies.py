"""Who may do what with the Directory.

Entries are public, except their contact persons and direct lines, which only registered
authorities (central-authority practitioners) and the Secretariat see — absent for everyone
else from the page, exports, the printable edition, the API and its OpenAPI document, search
and the audit trail. A State's focal point keeps its own State's entries; the Secretariat any.
"""

import rules

from palermo.core.choices import Role
from palermo.core.permissions import is_secretariat
from palermo.platform.policies import (
    Policy,
    anyone,
    has_role,
    register_policy,
    secretariat,
    state_role,
)

from .models import Area, Authority

#: Registered authorities and the Secretariat (issue 9: "Platform I field visibility").
REGISTERED = secretariat | has_role(Role.PRACTITIONER)
own_focal_point = state_role(Role.FOCAL_POINT)


@register_policy
class AreaPolicy(Policy):
    model = Area
    view = anyone


@register_policy
class AuthorityPolicy(Policy):
    model = Authority
    view = anyone
    add = secretariat | own_focal_point
    change = secretariat | own_focal_point
    actions = {"confirm": secretariat | own_focal_point}
    restricted_fields = {"contact_persons": REGISTERED, "direct_lines": REGISTERED}


#: The restricted fields, for surfaces that list them (forms, the printable edition).
RESTRICTED = tuple(AuthorityPolicy.restricted_fields)

rules.add_perm("directory.import_entries", is_secretariat)
rules.add_perm("directory.send_reminders", is_secretariat)
