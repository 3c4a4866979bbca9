"""The admin is for looking: a staff superuser cannot write through it, and outside
development it is not there."""

from datetime import date

import pytest

from palermo.core.models import Participant, User
from palermo.treaties.models import Instrument, TreatyAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, settings):
    settings.ADMIN_ENABLED = True  # the admin exists in development only
    user = User.objects.create_superuser("staffer", "staff@example.org", "x")
    client.force_login(user)
    return client


def test_the_admin_refuses_to_add_a_denunciation_the_service_would_refuse(staff):
    before = TreatyAction.objects.count()
    response = staff.post(
        "/admin/treaties/treatyaction/add/",
        {
            "participant": Participant.objects.get(code="ARG").pk,
            "instrument": Instrument.objects.get(code="UNTOC").pk,
            "kind": "denunciation",
            "date": date(1990, 1, 1).isoformat(),
            "source": "typed in the admin",
        },
    )
    assert response.status_code == 403
    assert TreatyAction.objects.count() == before


def test_the_admin_changes_and_deletes_nothing(staff):
    action = TreatyAction.objects.select_related("participant").first()
    change = staff.post(f"/admin/treaties/treatyaction/{action.pk}/change/", {"source": "x"})
    assert change.status_code == 403
    delete = staff.post(f"/admin/treaties/treatyaction/{action.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 403
    action.refresh_from_db()
    assert action.source != "x"
    assert (
        "Save"
        not in staff.get(f"/admin/treaties/treatyaction/{action.pk}/change/").content.decode()
    )


def test_the_user_admin_cannot_set_a_password_or_grant_rights(staff):
    target = User.objects.get(username="observer")
    response = staff.post(
        f"/admin/core/user/{target.pk}/password/",
        {"password1": "Zx9!long-enough", "password2": "Zx9!long-enough"},
    )
    assert response.status_code == 403
    assert staff.post("/admin/core/user/add/", {"username": "intruder"}).status_code == 403
    assert not User.objects.filter(username="intruder").exists()


def test_outside_development_there_is_no_admin(staff, settings):
    settings.ADMIN_ENABLED = False
    assert staff.get("/admin/").status_code == 404
    assert staff.get("/admin/treaties/treatyaction/").status_code == 404


def test_production_never_serves_the_admin():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("PALERMO_")}
    env.update(
        PALERMO_PRODUCTION="1",
        PALERMO_ADMIN="1",
        PALERMO_SECRET_KEY="Qm9Xv2-kLp8_Rt4wZy7aBc1dEf5gHi3jKl6mNo0pQrSt",
        PALERMO_ALLOWED_HOSTS="palermo.example",
    )
    code = "import palermo.settings as s; print(s.ADMIN_ENABLED, s.DEBUG)"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.stdout.split() == ["False", "False"], result.stderr
