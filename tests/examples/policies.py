"""The policies of the examples: each action is one line a module author can copy."""

from palermo.core.choices import Role
from palermo.platform.policies import (
    Policy,
    member,
    owner,
    register_policy,
    secretariat,
    state_role,
    via,
    where,
)

from .models import Casefile, CasefileNote, Payment, PeerReview, SharedRequest, StateReport


@register_policy
class CasefilePolicy(Policy):
    model = Casefile
    view = member("owner", "editor", "viewer")
    change = member("owner", "editor")
    delete = member("owner")
    actions = {"share": member("owner")}
    restricted_fields = {"informant_phone": secretariat}
    sensitive = True
    see_reads = secretariat | member("owner")


@register_policy
class CasefileNotePolicy(Policy):
    model = CasefileNote
    view = via("casefile")
    add = via("casefile", "change")
    change = via("casefile", "change")


@register_policy
class StateReportPolicy(Policy):
    model = StateReport
    view = where(published=True) | secretariat | state_role(Role.FOCAL_POINT, Role.EXPERT)
    change = secretariat | state_role(Role.FOCAL_POINT)
    add = secretariat | state_role(Role.FOCAL_POINT)


@register_policy
class PeerReviewPolicy(Policy):
    model = PeerReview
    view = (
        secretariat
        | state_role(Role.FOCAL_POINT, Role.EXPERT)
        | state_role(Role.EXPERT, field="reviewers")
    )


@register_policy
class SharedRequestPolicy(Policy):
    model = SharedRequest
    view = owner("author") | member("reader")
    change = owner("author")
    actions = {"share": owner("author")}


@register_policy
class PaymentPolicy(Policy):
    """Imported records: the Secretariat, and whoever imported them (through provenance)."""

    model = Payment
    view = secretariat | owner("import_run__owner")
    add = secretariat
    sensitive = True
