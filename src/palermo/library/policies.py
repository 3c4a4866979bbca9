"""Who may do what with Library records: one policy per model.

- A published record is public. A draft, a submitted record and one sent back for changes are
  visible only to the Secretariat and to the focal points and governmental experts of the
  record's State.
- The State's focal points and experts create records for their State and edit them while they
  are drafts or sent back for changes; they submit them for validation.
- The Secretariat edits any record, publishes a submitted one or sends it back with a note, and
  withdraws a published one to a draft. Deleting is the Secretariat's alone (the default).
- Parts of a record (provisions, summaries, parties, charges, …) follow their record.
- The vocabularies are public reference data, curated by the Secretariat.
- A saved search is its owner's alone.
"""

from palermo.core.choices import Role
from palermo.platform.policies import (
    Policy,
    anyone,
    owner,
    register_policy,
    secretariat,
    state_role,
    via,
    where,
)

from .choices import EDITABLE_BY_STATE, RecordStatus
from .models import (
    Case,
    CaseAttachment,
    CaseParty,
    CaseSummary,
    Charge,
    Cooperation,
    CrimeType,
    CrossCuttingIssue,
    Law,
    Proceeding,
    Provision,
    ProvisionArticle,
    Publication,
    PublishedVersion,
    SavedSearch,
    Strategy,
)

#: The people who draft a State's records.
contributors = state_role(Role.FOCAL_POINT, Role.EXPERT)
published = where(status=RecordStatus.PUBLISHED)
editable = where(status__in=list(EDITABLE_BY_STATE))


class RecordPolicy(Policy):
    view = published | secretariat | contributors
    add = secretariat | contributors
    change = secretariat | (contributors & editable)
    actions = {
        "submit": contributors & editable,
        "publish": secretariat & where(status=RecordStatus.SUBMITTED),
        "request_changes": secretariat & where(status=RecordStatus.SUBMITTED),
        "withdraw": secretariat & published,
    }


@register_policy
class LawPolicy(RecordPolicy):
    model = Law


@register_policy
class CasePolicy(RecordPolicy):
    model = Case


@register_policy
class PublicationPolicy(RecordPolicy):
    model = Publication


@register_policy
class StrategyPolicy(RecordPolicy):
    model = Strategy


class PartPolicy(Policy):
    """A part of a record: seen, added, changed and deleted by whoever may change the record."""

    relation = "case"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.view = via(cls.relation, "view")
        cls.add = cls.change = cls.delete = via(cls.relation, "change")


@register_policy
class ProvisionPolicy(PartPolicy):
    model = Provision
    relation = "law"


@register_policy
class ProvisionArticlePolicy(PartPolicy):
    model = ProvisionArticle
    relation = "provision"


@register_policy
class CaseSummaryPolicy(PartPolicy):
    model = CaseSummary


@register_policy
class ProceedingPolicy(PartPolicy):
    model = Proceeding


@register_policy
class CasePartyPolicy(PartPolicy):
    model = CaseParty


@register_policy
class ChargePolicy(PartPolicy):
    model = Charge


@register_policy
class CooperationPolicy(PartPolicy):
    model = Cooperation


@register_policy
class CaseAttachmentPolicy(PartPolicy):
    model = CaseAttachment


@register_policy
class CrimeTypePolicy(Policy):
    model = CrimeType
    view = anyone


@register_policy
class CrossCuttingIssuePolicy(Policy):
    model = CrossCuttingIssue
    view = anyone


@register_policy
class PublishedVersionPolicy(Policy):
    """Earlier published versions are as public as publication made them."""

    model = PublishedVersion
    view = anyone
    add = change = delete = secretariat


@register_policy
class SavedSearchPolicy(Policy):
    model = SavedSearch
    view = add = change = delete = owner("owner")
