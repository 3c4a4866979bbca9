"""Who may do what with treaty data. Treaty status is public; the Secretariat curates it.

A national focal point may record and correct the declarations and notifications of their own
State (for example a new central authority under art. 18(13)); never another State's.
"""

import rules

from palermo.core.choices import Role
from palermo.core.permissions import acts_for_state, is_secretariat

is_own_focal_point = acts_for_state(Role.FOCAL_POINT)

rules.add_perm("treaties.change_instrument", is_secretariat)
rules.add_perm("treaties.add_treatyaction", is_secretariat)
rules.add_perm("treaties.delete_treatyaction", is_secretariat)
rules.add_perm("treaties.import_actions", is_secretariat)
rules.add_perm("treaties.add_declaration", is_secretariat | is_own_focal_point)
rules.add_perm("treaties.change_declaration", is_secretariat | is_own_focal_point)
rules.add_perm("treaties.delete_declaration", is_secretariat)
