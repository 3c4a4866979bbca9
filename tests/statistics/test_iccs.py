"""ICCS suggestions for national offence categories, and confirming a mapping."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from palermo.core.models import Participant, User
from palermo.statistics import iccs, services


def test_rank_by_hand():
    labels = {"0101": "Intentional homicide", "0201": "Assaults", "0401": "Robbery"}
    terms = [
        ("Murder", "0101"),
        ("Aggravated assault", "0201"),
        ("Robbery of a bank", "0401"),
        ("Ghost", "9999"),
    ]
    found = iccs.rank("aggravated assault", terms, labels)
    assert found[0].code == "0201" and found[0].score == 1
    assert "Aggravated assault" in found[0].reason
    # a partial match scores less than an exact one; a dangling index code is never suggested
    assert [s.code for s in iccs.rank("robbery", terms, labels)] == ["0401"]
    assert iccs.rank("ghost", terms, labels) == []


@pytest.mark.django_db
def test_suggestions_from_the_real_index():
    found = iccs.suggest("Abduction of a minor")
    assert found[0].code == "02021"
    assert "index term" in found[0].reason
    assert found == sorted(found, key=lambda s: -s.score)


@pytest.mark.django_db
def test_map_and_confirm():
    arg = Participant.objects.get(code="ARG")
    focal = User.objects.get(username="focal-point")
    mapping = services.map_offence(
        arg, "Homicidio simple", "0101", acting_user=focal, suggested_by="index"
    )
    assert mapping.confirmed_at is None
    services.confirm_mapping(mapping, acting_user=focal)
    mapping.refresh_from_db()
    assert mapping.confirmed_by == focal and mapping.confirmed_at is not None
    with pytest.raises(ValidationError):
        services.map_offence(arg, "Robo", "9999", acting_user=focal)


@pytest.mark.django_db
def test_another_state_may_not_map():
    bra = Participant.objects.get(code="BRA")
    with pytest.raises(PermissionDenied):
        services.map_offence(
            bra, "Homicídio", "0101", acting_user=User.objects.get(username="focal-point")
        )
    with pytest.raises(PermissionDenied):
        services.map_offence(
            bra, "Homicídio", "0101", acting_user=User.objects.get(username="observer")
        )
