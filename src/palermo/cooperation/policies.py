"""Who may see a request: the practitioners of the authority that keeps it, and those they share
it with. Nobody else — not the Secretariat, not the counterpart State — and every read is logged.

"The practitioners of its authority" are the users registered as central-authority
practitioners for the keeping authority's State. Sharing is Platform I's: a grant (viewer or
editor) to a person, or to a group standing for another authority.
"""

from palermo.core.choices import Role
from palermo.platform.policies import Policy, has_role, member, register_policy, state_role, via

from .models import Document, Event, Request

OWNER, EDITOR, VIEWER = "owner", "editor", "viewer"
SHARE_ROLES = (EDITOR, VIEWER)

own_authority = state_role(Role.PRACTITIONER, field="authority__participant")


@register_policy
class RequestPolicy(Policy):
    model = Request
    view = own_authority | member(OWNER, EDITOR, VIEWER)
    add = has_role(Role.PRACTITIONER)
    change = own_authority | member(OWNER, EDITOR)
    delete = own_authority
    actions = {"share": own_authority | member(OWNER)}
    sensitive = True
    see_reads = own_authority


@register_policy
class EventPolicy(Policy):
    model = Event
    view = via("request")
    add = via("request", "change")
    sensitive = True
    see_reads = via("request", "see_reads")


@register_policy
class DocumentPolicy(Policy):
    model = Document
    view = via("request")
    add = via("request", "change")
    delete = via("request", "change")
    sensitive = True
    see_reads = via("request", "see_reads")
