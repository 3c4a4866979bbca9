"""Confidential observations: seen by their State and the Secretariat only, and withheld from
the details of published aggregates — tested from the refused side."""

import pytest
from django.contrib.auth.models import AnonymousUser

from palermo.core.models import Participant, User
from palermo.statistics import exports, services
from palermo.statistics.models import HomicideChoice, Observation


@pytest.fixture
def secret(db):
    """Argentina's 2010 homicide figure made confidential (fictional marking), recomputed."""
    arg = Participant.objects.get(code="ARG")
    services.homicide_observations().filter(participant=arg, year=2010).update(confidential=True)
    services.recompute_choices()
    return arg


def users(*names):
    return [User.objects.get(username=n) for n in names]


REFUSED = ("observer", "analyst")


@pytest.mark.django_db
def test_confidential_observations_are_refused_to_others(secret):
    mine = services.homicide_observations().filter(participant=secret, year=2010)
    assert mine.exists()
    for user in [AnonymousUser(), *users(*REFUSED)]:
        assert not mine.restrict(user).exists(), user
        assert (
            not HomicideChoice.objects.restrict(user).filter(participant=secret, year=2010).exists()
        )
        assert not exports.observations(user, state="ARG", year=2010).exists()
        # the rest of the series stays public
        assert (
            services.homicide_observations()
            .restrict(user)
            .filter(participant=secret, year=2011)
            .exists()
        )
    for user in users("secretariat", "focal-point", "expert", "practitioner"):
        assert mine.restrict(user).count() == mine.count(), user


@pytest.mark.django_db
def test_other_states_people_are_refused(secret):
    from palermo.core.choices import Role
    from palermo.core.models import RoleAssignment

    brazil = User.objects.create(username="bra-focal-point-stats")
    RoleAssignment.objects.create(
        user=brazil, role=Role.FOCAL_POINT, participant=Participant.objects.get(code="BRA")
    )
    assert (
        not Observation.objects.restrict(brazil)
        .filter(participant=secret, confidential=True)
        .exists()
    )


@pytest.mark.django_db
def test_aggregate_details_withhold_the_confidential_value(secret):
    (south_america,) = [r for r in services.compute_aggregates(2010, "419") if r.area == "419"]
    public = {d["state"]: d for d in services.details(south_america, AnonymousUser())}
    assert public["ARG"]["confidential"] is True
    assert public["ARG"]["rate"] is None
    assert public["BRA"]["rate"] is not None
    (own,) = users("focal-point")
    assert {d["state"]: d for d in services.details(south_america, own)}["ARG"]["rate"] is not None
    # the aggregate itself still counts Argentina
    assert "ARG" in {e.code for e in south_america.entries}


@pytest.mark.django_db
def test_state_panel_data_hides_it_too(secret):
    data = services.state_homicide(secret, AnonymousUser())
    years = [r["year"] for r in data["rows"]]
    assert 2010 not in years and 2011 in years
    own = services.state_homicide(secret, User.objects.get(username="focal-point"))
    assert 2010 in [r["year"] for r in own["rows"]]
