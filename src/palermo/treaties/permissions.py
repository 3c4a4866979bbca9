"""Who may do what with treaty data. Treaty status is public; the Secretariat curates it.

A national focal point may record and correct the declarations and notifications of their own
State (for example a new central authority under art. 18(13)); never another State's. The
record-level rules are the policies below; importing is a right of its own.
"""

import rules

from palermo.core.choices import Role
from palermo.core.permissions import is_secretariat
from palermo.platform.policies import Policy, anyone, register_policy, secretariat, state_role

from .models import Article, Declaration, Instrument, StatusSnapshot, TreatyAction

own_focal_point = state_role(Role.FOCAL_POINT)


@register_policy
class InstrumentPolicy(Policy):
    model = Instrument
    view = anyone


@register_policy
class ArticlePolicy(Policy):
    model = Article
    view = anyone


@register_policy
class StatusSnapshotPolicy(Policy):
    model = StatusSnapshot
    view = anyone


@register_policy
class TreatyActionPolicy(Policy):
    model = TreatyAction
    view = anyone


@register_policy
class DeclarationPolicy(Policy):
    model = Declaration
    view = anyone
    add = secretariat | own_focal_point
    change = secretariat | own_focal_point


rules.add_perm("treaties.import_actions", is_secretariat)
