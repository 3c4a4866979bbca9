"""Demo users, one per role, with a shared password printed by ``palermo demo``.

The users are fictional; the State they are bound to is real, so the roles can be tried.
"""

from palermo.platform.audit import as_system

from .choices import Role
from .models import Participant, RoleAssignment, User

DEMO_PASSWORD = "palermo-demo"
DEMO_USERS = [
    ("secretariat", Role.SECRETARIAT, None),
    ("focal-point", Role.FOCAL_POINT, "ARG"),
    ("expert", Role.EXPERT, "ARG"),
    ("observer", Role.OBSERVER, None),
    ("practitioner", Role.PRACTITIONER, "ARG"),
    ("analyst", Role.ANALYST, None),
]


@as_system
def load_demo_users() -> list[tuple[str, str, str]]:
    created = []
    for username, role, state_code in DEMO_USERS:
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": "Demo",
                "last_name": role.label,
                "email": f"{username}@example.org",
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        state = Participant.objects.get(code=state_code) if state_code else None
        RoleAssignment.objects.get_or_create(user=user, role=role, participant=state)
        created.append((username, str(role.label), state.name if state else ""))
    return created
