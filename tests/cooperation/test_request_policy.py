"""Who may see a request: the practitioners of the keeping authority's State and those it is
shared with; everyone else is refused, the Secretariat and the same State's focal point included."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from palermo.cooperation.models import Request
from palermo.core.choices import Role
from palermo.platform.grants import grant
from palermo.platform.policies import policy_for, restrict
from tests.factories import AuthorityFactory, UserFactory, _participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_row():
    keeper = AuthorityFactory(state="ARG")
    return Request.objects.create(
        reference="ARG-2026-001",
        title="Bank records (fictional)",
        authority=keeper,
        requesting_state=keeper.participant,
        requested_state=_participant("BRA"),
        content={"kind": "mla", "requesting_state": "ARG", "requested_state": "BRA"},
    )


def visible(user, row):
    return restrict(Request.objects.all(), user).filter(pk=row.pk).exists()


def test_the_keeping_states_practitioner_sees_and_changes_the_request(request_row):
    practitioner = UserFactory(role=Role.PRACTITIONER, state="ARG")
    assert visible(practitioner, request_row)
    assert policy_for(Request).allows(practitioner, "change", request_row)


@pytest.mark.parametrize(
    "make",
    [
        lambda: UserFactory(role=Role.PRACTITIONER, state="BRA"),  # the requested State
        lambda: UserFactory(role=Role.FOCAL_POINT, state="ARG"),  # same State, not a practitioner
        lambda: UserFactory(role=Role.SECRETARIAT),
        lambda: UserFactory(role=Role.ANALYST),
        AnonymousUser,
    ],
    ids=["other-states-practitioner", "same-states-focal-point", "secretariat", "analyst", "anon"],
)
def test_everyone_else_is_refused_the_request(request_row, make):
    user = make()
    assert not visible(user, request_row)
    assert not policy_for(Request).allows(user, "view", request_row)
    assert not policy_for(Request).allows(user, "change", request_row)


def test_a_share_lets_one_person_read_it_and_nobody_else(request_row):
    owner = UserFactory(role=Role.PRACTITIONER, state="ARG")
    reader = UserFactory(role=Role.PRACTITIONER, state="BRA")
    bystander = UserFactory(role=Role.PRACTITIONER, state="BRA")
    grant(request_row, to=reader, role="viewer", acting_user=owner)
    assert visible(reader, request_row)
    assert not policy_for(Request).allows(reader, "change", request_row)
    assert not visible(bystander, request_row)


def test_a_reader_it_was_shared_with_cannot_share_it_further(request_row):
    owner = UserFactory(role=Role.PRACTITIONER, state="ARG")
    reader = UserFactory(role=Role.PRACTITIONER, state="BRA")
    other = UserFactory(role=Role.PRACTITIONER, state="CHL")
    grant(request_row, to=reader, role="viewer", acting_user=owner)
    with pytest.raises(PermissionDenied, match="does not allow"):
        grant(request_row, to=other, role="viewer", acting_user=reader)
    assert not visible(other, request_row)
