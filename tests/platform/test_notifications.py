"""Notifications: capped per sender and recipient for everyone but the Secretariat."""

import pytest
from django.core.cache import cache

from palermo.core.models import Notification, Participant, User
from palermo.platform.notifications import notify, notify_limit
from palermo.treaties import services
from palermo.treaties.models import Declaration, Instrument

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


def test_a_focal_point_cannot_flood_the_secretariat(focal_point, secretariat):
    arg, untoc = Participant.objects.get(code="ARG"), Instrument.objects.get(code="UNTOC")
    for n in range(notify_limit() + 15):
        services.save_declaration(
            acting_user=focal_point,
            declaration=Declaration(
                participant=arg,
                instrument=untoc,
                kind="declaration",
                subject="other",
                text=f"Declaration {n}",
            ),
        )
    # Every declaration was saved; the Secretariat was told of the first ones only.
    assert (
        Declaration.objects.filter(text__startswith="Declaration ").count() == notify_limit() + 15
    )
    assert Notification.objects.filter(recipient=secretariat).count() == notify_limit()


def test_the_limit_is_per_recipient_and_the_secretariat_is_not_capped(focal_point, secretariat):
    observer = User.objects.get(username="observer")
    for _ in range(notify_limit() + 5):
        notify([observer], title="From the Secretariat", sender=secretariat)
        notify([observer, secretariat], title="From a focal point", sender=focal_point)
    assert observer.notifications.filter(title="From the Secretariat").count() == notify_limit() + 5
    assert observer.notifications.filter(title="From a focal point").count() == notify_limit()
    assert secretariat.notifications.filter(title="From a focal point").count() == notify_limit()
