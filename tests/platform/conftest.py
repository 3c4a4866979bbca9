import pytest

from palermo.core.choices import Role
from palermo.core.models import Participant, RoleAssignment, User


@pytest.fixture
def people(db):
    """The demo users (Argentina's roles), the same roles for Brazil, and a stranger."""
    users = {u.username: u for u in User.objects.all()}
    bra = Participant.objects.get(code="BRA")
    for role in (Role.FOCAL_POINT, Role.EXPERT, Role.PRACTITIONER):
        user = User.objects.create(username=f"{role}-bra")
        RoleAssignment.objects.create(user=user, role=role, participant=bra)
        users[user.username] = user
    users["stranger"] = User.objects.create(username="stranger")
    return users
