"""Who may see and change core's records: States and regions, people, roles, tokens."""

from palermo.platform.policies import (
    Policy,
    anyone,
    authenticated,
    owner,
    register_policy,
    secretariat,
)

from .models import (
    ApiToken,
    Participant,
    Region,
    RegionalGroup,
    RoleAssignment,
    User,
)


@register_policy
class ParticipantPolicy(Policy):
    """States and regional organizations are public reference data, curated by the Secretariat."""

    model = Participant
    view = anyone


@register_policy
class RegionPolicy(Policy):
    model = Region
    view = anyone


@register_policy
class RegionalGroupPolicy(Policy):
    model = RegionalGroup
    view = anyone


@register_policy
class UserPolicy(Policy):
    """People are known to the Secretariat, which manages them; each person sees themself.

    E-mail addresses are for the Secretariat (and the person): other readers never get them.
    """

    model = User
    view = secretariat | owner("pk")
    change = secretariat
    restricted_fields = {"email": secretariat}


@register_policy
class RoleAssignmentPolicy(Policy):
    model = RoleAssignment
    view = secretariat | owner("user")


@register_policy
class ApiTokenPolicy(Policy):
    model = ApiToken
    view = secretariat | owner("user")
    add = authenticated
    delete = secretariat | owner("user")
