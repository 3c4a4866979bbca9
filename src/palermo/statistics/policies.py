"""Who may see what of the statistics: one policy per model.

- Reference data (the ICCS and its index, indicators, sources, population) and the published
  figures (chosen homicide values, aggregates) are public.
- **Observations** are public unless marked confidential; a confidential one is seen only by
  its State (its focal points, governmental experts and practitioners) and the Secretariat.
  The homicide value chosen from a confidential observation follows the same rule, so a
  published aggregate's details never show it to anyone else.
- A State's **offence mappings** are seen by everyone (they say how its figures were counted)
  and recorded or confirmed by the State (its focal points and governmental experts) and the
  Secretariat.
- Writing observations: the Secretariat, and a State's focal points and governmental experts
  for their own State.
"""

from palermo.core.choices import STATE_BOUND_ROLES, Role
from palermo.platform.policies import (
    Policy,
    anyone,
    register_policy,
    secretariat,
    state_role,
    where,
)

from .models import (
    Aggregate,
    HomicideChoice,
    IccsCode,
    IccsIndexTerm,
    Indicator,
    Observation,
    OffenceMapping,
    Population,
    Source,
)

#: The people of a State who see its confidential figures.
STATE_ROLES = tuple(sorted(STATE_BOUND_ROLES))
#: The people who speak for a State's statistics: they record its figures and mappings.
REPORTING_ROLES = (Role.FOCAL_POINT, Role.EXPERT)

own_state = state_role(*STATE_ROLES)
reporting_state = state_role(*REPORTING_ROLES)
not_confidential = where(confidential=False)


@register_policy
class ObservationPolicy(Policy):
    model = Observation
    view = not_confidential | secretariat | own_state
    add = secretariat | reporting_state
    change = secretariat | reporting_state
    delete = secretariat


@register_policy
class HomicideChoicePolicy(Policy):
    model = HomicideChoice
    view = not_confidential | secretariat | own_state


@register_policy
class OffenceMappingPolicy(Policy):
    model = OffenceMapping
    view = anyone
    add = secretariat | reporting_state
    change = secretariat | reporting_state
    actions = {"confirm": secretariat | reporting_state}


class _Reference(Policy):
    view = anyone


@register_policy
class IccsCodePolicy(_Reference):
    model = IccsCode


@register_policy
class IccsIndexTermPolicy(_Reference):
    model = IccsIndexTerm


@register_policy
class IndicatorPolicy(_Reference):
    model = Indicator


@register_policy
class SourcePolicy(_Reference):
    model = Source


@register_policy
class PopulationPolicy(_Reference):
    model = Population


@register_policy
class AggregatePolicy(_Reference):
    model = Aggregate
