"""Each access pattern on its small model (tests/examples): the row filter and the check of
one object agree for every user, and those who must be refused are."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from palermo.core.models import Participant
from palermo.platform.actors import system_user
from palermo.platform.grants import grant, revoke
from palermo.platform.models import Grant
from palermo.platform.policies import Policy, policy_for, register_policy, require, restrict
from tests.examples.models import Casefile, CasefileNote, PeerReview, SharedRequest, StateReport

pytestmark = pytest.mark.django_db


def visible(model, user):
    return set(restrict(model.objects.all(), user).values_list("pk", flat=True))


def assert_consistent(model, users, action="view"):
    """For every user and row, the list and the single check give the same answer."""
    policy = policy_for(model)
    for user in [*users, AnonymousUser()]:
        listed = set(policy.queryset(user, action).values_list("pk", flat=True))
        for obj in model.objects.all():
            assert (obj.pk in listed) == policy.allows(user, action, obj), (user, obj, action)


def test_grants_on_one_object_owner_editor_viewer(people):
    owner, editor, viewer = people["analyst"], people["expert"], people["observer"]
    case = Casefile.objects.create(title="Operation Lantern")
    Casefile.objects.create(title="Someone else's")
    grant(case, to=owner, role="owner", acting_user=owner, first=True)
    grant(case, to=editor, role="editor", acting_user=owner)
    grant(case, to=viewer, role="viewer", acting_user=owner)
    assert visible(Casefile, owner) == visible(Casefile, viewer) == {case.pk}
    assert visible(Casefile, people["stranger"]) == set()
    # The Secretariat is not a member: an investigation is its analysts' alone.
    assert visible(Casefile, people["secretariat"]) == set()
    policy = policy_for(Casefile)
    assert policy.allows(editor, "change", case) and not policy.allows(viewer, "change", case)
    assert policy.allows(owner, "delete", case) and not policy.allows(editor, "delete", case)
    for action in ("view", "change", "delete", "share"):
        assert_consistent(Casefile, people.values(), action)


def test_only_the_owner_shares_and_a_removed_member_loses_access(people):
    owner, editor = people["analyst"], people["expert"]
    case = Casefile.objects.create(title="Operation Lantern")
    grant(case, to=owner, role="owner", acting_user=owner, first=True)
    grant(case, to=editor, role="editor", acting_user=owner)
    with pytest.raises(PermissionDenied):
        grant(case, to=people["stranger"], role="viewer", acting_user=editor)
    with pytest.raises(PermissionDenied):
        grant(case, to=editor, role="owner", acting_user=people["secretariat"])
    assert not Grant.objects.filter(user=people["stranger"]).exists()
    revoke(case, to=editor, role="editor", acting_user=owner)
    assert visible(Casefile, editor) == set()


def test_access_derived_through_a_relation_follows_the_parent(people):
    owner, viewer = people["analyst"], people["observer"]
    case = Casefile.objects.create(title="Operation Lantern")
    other = Casefile.objects.create(title="Other")
    grant(case, to=owner, role="owner", acting_user=owner, first=True)
    grant(case, to=viewer, role="viewer", acting_user=owner)
    note = CasefileNote.objects.create(casefile=case, text="Met at the port")
    CasefileNote.objects.create(casefile=other, text="Not theirs")
    assert visible(CasefileNote, viewer) == visible(CasefileNote, owner) == {note.pk}
    policy = policy_for(CasefileNote)
    assert policy.allows(owner, "change", note) and not policy.allows(viewer, "change", note)
    # Adding a note: the check reads the unsaved note's workspace.
    assert policy.allows(owner, "add", CasefileNote(casefile=case))
    assert not policy.allows(viewer, "add", CasefileNote(casefile=case))
    for action in ("view", "change"):
        assert_consistent(CasefileNote, people.values(), action)


def test_roles_bound_to_a_state(people):
    arg, bra = Participant.objects.get(code="ARG"), Participant.objects.get(code="BRA")
    draft = StateReport.objects.create(participant=arg, title="Draft", published=False)
    public = StateReport.objects.create(participant=bra, title="Published", published=True)
    assert visible(StateReport, people["focal-point"]) == {draft.pk, public.pk}
    assert visible(StateReport, people["focal_point-bra"]) == {public.pk}
    assert visible(StateReport, AnonymousUser()) == {public.pk}
    assert visible(StateReport, people["practitioner"]) == {public.pk}  # not a reporting role
    policy = policy_for(StateReport)
    assert policy.allows(people["focal-point"], "change", draft)
    assert not policy.allows(people["focal_point-bra"], "change", draft)
    assert not policy.allows(people["expert"], "change", draft)  # drafts, cannot clear
    # Creating a report for another State is refused before it exists.
    assert not policy.allows(people["focal-point"], "add", StateReport(participant=bra))
    assert_consistent(StateReport, people.values(), "view")
    assert_consistent(StateReport, people.values(), "change")


def test_access_derived_through_a_many_valued_relation(people):
    arg, bra = Participant.objects.get(code="ARG"), Participant.objects.get(code="BRA")
    chl, fra = Participant.objects.get(code="CHL"), Participant.objects.get(code="FRA")
    review = PeerReview.objects.create(participant=chl)
    review.reviewers.set([arg, bra])
    other = PeerReview.objects.create(participant=fra)
    other.reviewers.set([bra])
    # Argentina's expert reviews Chile, not France; Brazil's reviews both (and appears once).
    assert visible(PeerReview, people["expert"]) == {review.pk}
    assert visible(PeerReview, people["expert-bra"]) == {review.pk, other.pk}
    assert restrict(PeerReview.objects.all(), people["expert-bra"]).count() == 2
    assert visible(PeerReview, people["focal-point"]) == set()  # reviewing is the experts' work
    assert visible(PeerReview, people["secretariat"]) == {review.pk, other.pk}
    assert_consistent(PeerReview, people.values())


def test_sharing_with_a_person_or_an_authority(people):
    author, colleague = people["practitioner"], people["practitioner-bra"]
    authority = Group.objects.create(name="Central Authority of Brazil (example)")
    request = SharedRequest.objects.create(author=author, subject="Bank records")
    assert visible(SharedRequest, colleague) == set()
    grant(request, to=authority, role="reader", acting_user=author)
    assert visible(SharedRequest, colleague) == set()  # not a member of the authority yet
    colleague.groups.add(authority)
    assert visible(SharedRequest, colleague) == {request.pk}
    grant(request, to=people["observer"], role="reader", acting_user=author)
    assert visible(SharedRequest, people["observer"]) == {request.pk}
    with pytest.raises(PermissionDenied):
        grant(request, to=people["stranger"], role="reader", acting_user=colleague)
    assert_consistent(SharedRequest, people.values())


def test_a_deactivated_user_is_refused_everything(people):
    case = Casefile.objects.create(title="Operation Lantern")
    analyst = people["analyst"]
    grant(case, to=analyst, role="owner", acting_user=analyst, first=True)
    analyst.is_active = False
    assert visible(Casefile, analyst) == set()
    assert not policy_for(Casefile).allows(analyst, "view", case)


def test_the_system_actor_may_do_everything_and_nobody_is_refused(people):
    case = Casefile.objects.create(title="Operation Lantern")
    assert policy_for(Casefile).allows(system_user(), "delete", case)
    with pytest.raises(PermissionDenied, match="No acting user"):
        require(None, "view", case)
    with pytest.raises(PermissionDenied, match="No acting user"):
        grant(case, to=people["analyst"], role="owner", acting_user=None)


def test_a_model_without_a_policy_is_refused_by_the_shared_surfaces(people):
    with pytest.raises(ImproperlyConfigured, match="has no access policy"):
        policy_for(Group)


def test_restricted_fields_need_a_condition_on_the_user_alone(people):
    from palermo.platform.policies import POLICIES, owner

    class Broken(Policy):
        model = Group
        view = owner("pk")
        restricted_fields = {"name": owner("pk")}

    register_policy(Broken)
    try:
        with pytest.raises(ImproperlyConfigured, match="depend on the user alone"):
            policy_for(Group).hidden_fields(people["analyst"])
    finally:
        del POLICIES[Group]
        for action in ("view", "add", "change", "delete", "see_reads"):
            rules.remove_perm(f"auth.{action}_group")


def test_member_through_a_relation_allows_the_related_rows_to_the_grantees_only(people):
    """``member(role, field=…)``: a grant on a related row (an organisation that funds a
    project) opens this row (the project's activity), in lists and single checks alike."""
    from palermo.platform.policies import member

    owner, stranger = people["secretariat"], people["stranger"]
    case = Casefile.objects.create(title="Operation Lantern")
    other = Casefile.objects.create(title="Someone else's")
    mine = CasefileNote.objects.create(casefile=case, text="on the granted case")
    theirs = CasefileNote.objects.create(casefile=other, text="on another case")
    grant(case, to=owner, role="owner", acting_user=owner, first=True)
    condition = member("owner", field="casefile")
    rows = CasefileNote.objects.filter(condition.rows(owner, CasefileNote))
    assert list(rows) == [mine]
    assert condition.test(owner, mine) and not condition.test(owner, theirs)
    assert condition.rows(stranger, CasefileNote) is not False
    assert not CasefileNote.objects.filter(condition.rows(stranger, CasefileNote)).exists()
    assert not condition.test(stranger, mine)
    assert condition.rows(AnonymousUser(), CasefileNote) is False
