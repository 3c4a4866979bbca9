"""The fictional demo: loaded by the session fixture, marked fictional, complete enough for every
figure, idempotent, and seen by donors only where their money goes."""

import pytest

from palermo.assistance import demo, figures
from palermo.assistance.choices import NeedStatus
from palermo.assistance.models import (
    Activity,
    Funding,
    Need,
    NeedEvent,
    Organisation,
    Programme,
    Project,
)
from palermo.core.models import User

pytestmark = pytest.mark.django_db


def test_demo_is_loaded_and_marked_fictional():
    assert Programme.objects.filter(demo=True).count() == 4
    assert Project.objects.filter(demo=True).count() == 8
    assert Activity.objects.filter(demo=True).count() == 40
    assert Activity.objects.filter(demo=True, published=False).exists()
    assert all("(fictional)" in a.title for a in Activity.objects.filter(demo=True))
    currencies = set(Funding.objects.filter(project__demo=True).values_list("currency", flat=True))
    assert {"USD", "EUR", "GBP", "NOK", "JPY"} <= currencies
    states = set(
        Activity.objects.filter(demo=True).values_list("beneficiaries__region__name", flat=True)
    )
    assert len(states - {None}) >= 4


def test_needs_in_every_status_with_history():
    needs = Need.objects.filter(demo=True)
    assert needs.count() >= 20
    assert set(needs.values_list("status", flat=True)) == set(NeedStatus.values)
    assert needs.filter(participant__code="ARG").count() >= 4
    assert needs.filter(links__isnull=False).exists()
    met = needs.filter(status=NeedStatus.MET).first()
    steps = list(NeedEvent.objects.filter(need=met).values_list("status_to", flat=True))
    assert steps[0] == NeedStatus.OPEN and steps[-1] == NeedStatus.MET and len(steps) >= 3


def test_every_breakdown_has_rows():
    secretariat = User.objects.get(username="secretariat")
    for dimension in figures.DIMENSIONS:
        assert figures.breakdown(secretariat, dimension), dimension


def test_loading_twice_changes_nothing():
    before = (
        Activity.objects.count(),
        Need.objects.count(),
        NeedEvent.objects.count(),
        Funding.objects.count(),
        Organisation.objects.count(),
    )
    demo.load_demo()
    after = (
        Activity.objects.count(),
        Need.objects.count(),
        NeedEvent.objects.count(),
        Funding.objects.count(),
        Organisation.objects.count(),
    )
    assert after == before


def test_donor_sees_its_unpublished_activity_not_anothers():
    donor = User.objects.get(username="donor")
    mine = Activity.objects.get(code="demo-act-015")  # project 1, funded by the NLDF
    other = Activity.objects.get(code="demo-act-035")  # project 3, funded by the EPF only
    assert not mine.published and not other.published
    visible = Activity.objects.restrict(donor)
    assert visible.filter(pk=mine.pk).exists()
    assert not visible.filter(pk=other.pk).exists()
    from django.contrib.auth.models import AnonymousUser

    assert not Activity.objects.restrict(AnonymousUser()).filter(pk=mine.pk).exists()


def test_donor_sees_budget_lines_of_its_project_only():
    from palermo.assistance.models import Budget

    donor = User.objects.get(username="donor")
    lines = Budget.objects.restrict(donor)
    assert lines.filter(project__code="demo-proj-01").exists()
    assert not lines.filter(project__code="demo-proj-03").exists()
