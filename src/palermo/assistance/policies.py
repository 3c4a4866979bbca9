"""Who may do what with technical assistance: one policy per model.

- **The Secretariat** manages programmes, projects, activities, organisations, reports and the
  reference lists, and every need.
- **A State** (its focal points and governmental experts) sees and updates its own needs, records
  new ones, and sees the activities and projects it benefits from, published or not.
- **A donor** (the registered members of an organisation: ``platform.Grant`` role ``member`` on
  it) sees the projects it funds, their budgets, expenditure and fundings, and the activities of
  those projects.
- **The public** sees published programmes, projects and activities, and the aggregate figures
  computed over them. Needs are not public: only the State and the Secretariat see one.
- Reference lists, exchange rates, proposals and stated figures are public reference data.
"""

from palermo.core.choices import Role
from palermo.platform.policies import (
    Policy,
    anyone,
    member,
    register_policy,
    secretariat,
    state_role,
    via,
    where,
)

from .models import (
    Activity,
    ActivityDocument,
    AssistanceType,
    Budget,
    Evaluation,
    ExchangeRate,
    Expenditure,
    Funding,
    Indicator,
    InstitutionType,
    Need,
    NeedActivity,
    NeedEvent,
    Organisation,
    Participation,
    PriorityActivity,
    PriorityArea,
    Programme,
    Project,
    Proposal,
    Report,
    StatedFigure,
)

#: The people who speak for a State's needs.
STATE_ROLES = (Role.FOCAL_POINT, Role.EXPERT)
#: Granted on an organisation: its members follow what it funds.
DONOR_ROLE = "member"

published = where(published=True)


@register_policy
class ProgrammePolicy(Policy):
    model = Programme
    view = (
        published
        | secretariat
        | state_role(*STATE_ROLES, field="beneficiaries")
        | member(DONOR_ROLE, field="projects__fundings__donor")
    )


@register_policy
class ProjectPolicy(Policy):
    model = Project
    view = (
        published
        | secretariat
        | state_role(*STATE_ROLES, field="beneficiaries")
        | member(DONOR_ROLE, field="fundings__donor")
    )


@register_policy
class ActivityPolicy(Policy):
    model = Activity
    view = (
        published
        | secretariat
        | state_role(*STATE_ROLES, field="beneficiaries")
        | member(DONOR_ROLE, field="project__fundings__donor")
    )


class _ProjectMoney(Policy):
    """Budget lines, expenditure and fundings: the Secretariat, the project's donors, and the
    States it benefits; never the public (aggregates are public, the ledger is not)."""

    view = (
        secretariat
        | state_role(*STATE_ROLES, field="project__beneficiaries")
        | member(DONOR_ROLE, field="project__fundings__donor")
    )


@register_policy
class BudgetPolicy(_ProjectMoney):
    model = Budget


@register_policy
class ExpenditurePolicy(_ProjectMoney):
    model = Expenditure


@register_policy
class FundingPolicy(_ProjectMoney):
    model = Funding


@register_policy
class ParticipationPolicy(Policy):
    model = Participation
    view = via("activity")


@register_policy
class ActivityDocumentPolicy(Policy):
    model = ActivityDocument
    view = via("activity")


@register_policy
class IndicatorPolicy(Policy):
    model = Indicator
    view = via("programme")


@register_policy
class EvaluationPolicy(Policy):
    model = Evaluation
    view = via("programme")


own_state = state_role(*STATE_ROLES)


@register_policy
class NeedPolicy(Policy):
    model = Need
    view = secretariat | own_state
    add = secretariat | own_state
    change = secretariat | own_state
    actions = {
        # Status changes: the State and the Secretariat; linking activities: the Secretariat
        # (it manages the activities), and the State may link one it benefits from.
        "set_status": secretariat | own_state,
        "link": secretariat | own_state,
    }


@register_policy
class NeedActivityPolicy(Policy):
    model = NeedActivity
    view = via("need")


@register_policy
class NeedEventPolicy(Policy):
    model = NeedEvent
    view = via("need")


@register_policy
class OrganisationPolicy(Policy):
    model = Organisation
    view = anyone


@register_policy
class ReportPolicy(Policy):
    model = Report


class _Reference(Policy):
    view = anyone


@register_policy
class PriorityAreaPolicy(_Reference):
    model = PriorityArea


@register_policy
class PriorityActivityPolicy(_Reference):
    model = PriorityActivity


@register_policy
class AssistanceTypePolicy(_Reference):
    model = AssistanceType


@register_policy
class InstitutionTypePolicy(_Reference):
    model = InstitutionType


@register_policy
class ExchangeRatePolicy(_Reference):
    model = ExchangeRate


@register_policy
class ProposalPolicy(_Reference):
    model = Proposal


@register_policy
class StatedFigurePolicy(_Reference):
    model = StatedFigure
