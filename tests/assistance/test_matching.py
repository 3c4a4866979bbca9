"""Matching needs to activities and programmes, on hand-made cases: the best match first with
its reasons, work that is over or cancelled or hidden never proposed, budget headroom following
the numbers across currencies, a bounded number of queries, and the donor's view."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from palermo.assistance import matching, services
from palermo.assistance.choices import NeedStatus, WorkStatus
from palermo.assistance.models import (
    Activity,
    AssistanceType,
    Budget,
    Expenditure,
    Organisation,
    PriorityArea,
    Programme,
    Project,
)
from palermo.assistance.money import Converter
from palermo.assistance.policies import DONOR_ROLE
from palermo.core.choices import Role
from palermo.core.models import Participant, User
from palermo.platform.models import Grant
from palermo.treaties.models import Article
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 1)


def state(code):
    return Participant.objects.get(code=code)


def article(number, instrument="UNTOC"):
    return Article.objects.get(instrument__code=instrument, number=number)


@pytest.fixture
def kind(db):
    """A type of assistance of the tests' own, so no other content competes with the cases."""
    return AssistanceType.objects.create(code="t-forensic-training", name="Forensic training")


@pytest.fixture
def other_kind(db):
    return AssistanceType.objects.create(code="t-witness-protection", name="Witness protection")


@pytest.fixture
def secretariat(db):
    return User.objects.get(username="secretariat")


@pytest.fixture
def focal(db):
    return User.objects.get(username="focal-point")  # Argentina


def make_need(kind, *, participant="ARG", articles=("18", "16"), areas=("PA3",), **fields):
    return services.record_need(
        acting_user=User.objects.get(username="secretariat"),
        participant=state(participant),
        title=fields.pop("title", "Train prosecutors in forensic evidence (fictional)"),
        type=kind,
        articles=[article(n) for n in articles],
        priority_areas=list(PriorityArea.objects.filter(code__in=areas)),
        **fields,
    )


def make_activity(
    code,
    kind,
    *,
    beneficiaries=("ARG",),
    articles=(),
    areas=(),
    status=WorkStatus.PLANNED,
    published=False,
    **fields,
):
    activity = Activity.objects.create(
        code=code,
        title=fields.pop("title", f"Fictional activity {code}"),
        type=kind,
        status=status,
        published=published,
        demo=True,
        **fields,
    )
    activity.beneficiaries.set([state(c) for c in beneficiaries])
    activity.articles.set([article(n) for n in articles])
    activity.priority_areas.set(PriorityArea.objects.filter(code__in=areas))
    return activity


def make_project(code, *, beneficiaries=("ARG",), published=False, budget=(), spent=()):
    project = Project.objects.create(
        code=code, title=f"Fictional project {code}", published=published, demo=True
    )
    project.beneficiaries.set([state(c) for c in beneficiaries])
    for amount, currency, year in budget:
        Budget.objects.create(project=project, amount=amount, currency=currency, year=year)
    for amount, currency, year in spent:
        Expenditure.objects.create(project=project, amount=amount, currency=currency, year=year)
    return project


def codes(found):
    return [c.obj.code for c in found]


class TestRanking:
    def test_the_best_match_ranks_first_with_its_reasons(self, kind, secretariat):
        need = make_need(kind, wanted_by=date(2027, 6, 30), estimated_cost_usd=Decimal(50_000))
        project = make_project(
            "t-proj", budget=[(200_000, "USD", 2027)], spent=[(20_000, "USD", 2027)]
        )
        best = make_activity(
            "t-best",
            kind,
            articles=("18", "16"),
            areas=("PA3",),
            start=date(2027, 3, 1),
            end=date(2027, 3, 5),
            project=project,
        )
        neighbour = make_activity(
            "t-neighbour",
            kind,
            beneficiaries=("BRA",),
            articles=("18",),
            start=date(2027, 9, 1),
            status=WorkStatus.ONGOING,
        )
        # Same type, but for a State of another continent: it cannot reach Argentina.
        far = make_activity("t-far", kind, beneficiaries=("KEN",), articles=("18", "16"))
        # For Argentina, but offering nothing the need asks for.
        unrelated = make_activity("t-unrelated", None, articles=("5",))

        found = matching.candidates(need, secretariat, today=TODAY)

        ours = [code for code in codes(found) if code.startswith("t-")]
        assert codes(found)[0] == "t-best" and ours[:2] == ["t-best", "t-neighbour"]
        assert far.code not in codes(found) and unrelated.code not in codes(found)
        top = found[0]
        assert (top.kind, top.obj, top.score) == ("activity", best, 100)
        assert top.reasons == [
            "Same type of assistance: Forensic training",
            "Addresses UNTOC 16, UNTOC 18",
            "Priority area: PA3 International cooperation and central authorities for mutual "
            "legal assistance and extradition",
            "For Argentina itself",
            "Starts 2027-03, before the need is wanted (2027-06)",
            "Budget headroom of USD 180,000 on its project covers the estimated cost (USD 50,000)",
        ]
        second = next(c for c in found if c.obj == neighbour)
        assert second.obj == neighbour and 0 < second.score < top.score
        assert second.reasons == [
            "Same type of assistance: Forensic training",
            "Addresses UNTOC 18",
            "For a State of the same region (South America)",
        ]

    def test_a_programme_is_proposed_for_what_its_activities_deliver(self, kind, secretariat):
        need = make_need(kind, articles=(), areas=("PA2",))
        programme = Programme.objects.create(
            code="t-programme",
            title="Fictional regional programme",
            status=WorkStatus.ONGOING,
            regions=["South America"],
            demo=True,
        )
        programme.priority_areas.set(PriorityArea.objects.filter(code="PA2"))
        make_activity(
            "t-done", kind, beneficiaries=("CHL",), status=WorkStatus.COMPLETED, programme=programme
        )
        closed = Programme.objects.create(
            code="t-closed", title="Closed", status=WorkStatus.COMPLETED, demo=True
        )
        closed.priority_areas.set(PriorityArea.objects.filter(code="PA2"))

        found = {c.obj.code: c for c in matching.candidates(need, secretariat, today=TODAY)}

        assert "t-closed" not in found
        candidate = found["t-programme"]
        assert candidate.kind == "programme"
        assert candidate.reasons[0] == "Its activities include Forensic training"
        assert "Covers South America" in candidate.reasons
        # The completed activity itself is not proposed.
        assert "t-done" not in found

    def test_a_met_need_has_no_candidates(self, kind, secretariat):
        need = make_need(kind)
        make_activity("t-any", kind, articles=("18",))
        need.status = NeedStatus.MET
        need.save()
        assert matching.candidates(need, secretariat, today=TODAY) == []


class TestNeverProposed:
    def test_cancelled_past_and_already_linked_activities_are_left_out(self, kind, secretariat):
        need = make_need(kind)
        perfect = {"articles": ("18", "16"), "areas": ("PA3",)}
        make_activity("t-cancelled", kind, status=WorkStatus.CANCELLED, **perfect)
        make_activity("t-completed", kind, status=WorkStatus.COMPLETED, **perfect)
        make_activity("t-over", kind, start=date(2026, 1, 10), end=date(2026, 11, 30), **perfect)
        linked = make_activity("t-linked", kind, **perfect)
        services.link_activity(need, linked, acting_user=secretariat)
        kept = make_activity("t-kept", kind, end=TODAY, **perfect)

        found = codes(matching.candidates(need, secretariat, today=TODAY))

        assert "t-kept" in found
        for code in ("t-cancelled", "t-completed", "t-over", "t-linked"):
            assert code not in found, code
        assert kept.code == found[0]

    def test_an_activity_the_user_may_not_see_is_never_proposed_to_that_user(
        self, kind, secretariat, focal
    ):
        need = make_need(kind)
        perfect = {"articles": ("18", "16"), "areas": ("PA3",)}
        hidden = make_activity("t-hidden-bra", kind, beneficiaries=("BRA",), **perfect)
        shown = make_activity("t-published-bra", kind, beneficiaries=("BRA",), published=True)
        own = make_activity("t-own-unpublished", kind, beneficiaries=("ARG",), **perfect)

        for_focal = codes(matching.candidates(need, focal, limit=50, today=TODAY))
        assert hidden.code not in for_focal
        assert {shown.code, own.code} <= set(for_focal)
        assert hidden.code in codes(matching.candidates(need, secretariat, limit=50, today=TODAY))

    def test_whoever_may_not_see_the_need_is_refused(self, kind):
        need = make_need(kind)
        for user in (
            UserFactory(role=Role.FOCAL_POINT, state="BRA"),
            User.objects.get(username="observer"),
            AnonymousUser(),
        ):
            with pytest.raises(PermissionDenied):
                matching.candidates(need, user, today=TODAY)


class TestBudgetHeadroom:
    REASON = "Budget headroom of"

    def budget_reason(self, need, user, code):
        (candidate,) = [
            c for c in matching.candidates(need, user, today=TODAY) if c.obj.code == code
        ]
        return [r for r in candidate.reasons if r.startswith(self.REASON)]

    def test_the_reason_follows_budget_minus_expenditure_across_currencies(self, kind, secretariat):
        need = make_need(kind, estimated_cost_usd=Decimal(50_000))
        project = make_project(
            "t-money", budget=[(100_000, "USD", 2026)], spent=[(60_000, "USD", 2026)]
        )
        make_activity("t-funded", kind, articles=("18",), project=project)
        # 40,000 dollars left: short of the 50,000 the need is estimated to cost.
        assert self.budget_reason(need, secretariat, "t-funded") == []

        Budget.objects.create(project=project, amount=20_000, currency="EUR", year=2024)
        euros = Converter().to_usd(20_000, "EUR", 2024).usd
        room = (Decimal(40_000) + euros).quantize(Decimal(1), ROUND_HALF_UP)
        assert room >= 50_000  # the euros are worth more than 10,000 dollars
        (reason,) = self.budget_reason(need, secretariat, "t-funded")
        assert reason == (
            f"Budget headroom of USD {room:,.0f} on its project covers the estimated cost "
            "(USD 50,000)"
        )

        Expenditure.objects.create(project=project, amount=15_000, currency="GBP", year=2025)
        assert self.budget_reason(need, secretariat, "t-funded") == []

    def test_no_headroom_is_told_from_a_project_the_user_may_not_see(
        self, kind, focal, secretariat
    ):
        need = make_need(kind, estimated_cost_usd=Decimal(1_000))
        hidden_project = make_project(
            "t-bra-project", beneficiaries=("BRA",), budget=[(9_000, "USD", 2026)]
        )
        make_activity("t-visible", kind, articles=("18",), published=True, project=hidden_project)
        assert self.budget_reason(need, focal, "t-visible") == []
        assert self.budget_reason(need, secretariat, "t-visible")


class TestQueries:
    def test_the_number_of_queries_does_not_grow_with_the_candidates(
        self, kind, secretariat, django_assert_max_num_queries
    ):
        need = make_need(kind, wanted_by=date(2027, 6, 30), estimated_cost_usd=Decimal(5_000))

        def add(n, start):
            for i in range(start, start + n):
                project = make_project(
                    f"t-q-project-{i}", budget=[(10_000, "EUR", 2025)], spent=[(1_000, "USD", 2026)]
                )
                make_activity(
                    f"t-q-{i}",
                    kind,
                    beneficiaries=("ARG", "BRA", "CHL"),
                    articles=("18", "16"),
                    areas=("PA3",),
                    project=project,
                    start=date(2027, 1, 1),
                )
                programme = Programme.objects.create(
                    code=f"t-q-programme-{i}", title=f"Programme {i}", status="ongoing", demo=True
                )
                programme.priority_areas.set(PriorityArea.objects.filter(code="PA3"))
                programme.beneficiaries.set([state("URY")])
                project.programme = programme
                project.save()

        add(2, 0)
        with CaptureQueriesContext(connection) as few:
            assert len(matching.candidates(need, secretariat, limit=100, today=TODAY)) >= 4
        add(12, 2)
        with django_assert_max_num_queries(len(few.captured_queries)):
            found = matching.candidates(need, secretariat, limit=100, today=TODAY)
        assert len([c for c in found if c.obj.code.startswith("t-q-")]) == 28


def make_donor():
    org = Organisation.objects.create(name="Fictional Donor Fund", kind="foundation", demo=True)
    member = UserFactory()
    Grant.objects.create(
        content_type=ContentType.objects.get_for_model(Organisation),
        object_id=org.pk,
        role=DONOR_ROLE,
        user=member,
    )
    return org, member


class TestDonorView:
    def mine(self, groups, *types):
        return [g for g in groups if g["type"] in types]

    def test_groups_needs_without_any_activity_by_region_and_type_best_value_first(
        self, kind, other_kind, secretariat, focal
    ):
        _org, donor = make_donor()
        plain = {"articles": (), "areas": ()}  # only the tests' own type: no other content meets it
        cheap = make_need(kind, title="Cheap", estimated_cost_usd=Decimal(10_000), **plain)
        costless = make_need(kind, participant="BRA", title="No cost given", **plain)
        covered = make_need(kind, participant="AUS", estimated_cost_usd=Decimal(5), **plain)
        make_activity("t-for-new-zealand", kind, beneficiaries=("NZL",))  # reaches Australia
        dear = make_need(
            other_kind, participant="KEN", estimated_cost_usd=Decimal(100_000), **plain
        )
        linked = make_need(other_kind, participant="KEN", estimated_cost_usd=Decimal(1), **plain)
        services.link_activity(
            linked,
            make_activity("t-linked-ken", None, beneficiaries=("KEN",), status="completed"),
            acting_user=secretariat,
        )
        make_need(other_kind, participant="KEN", status=NeedStatus.MET, **plain)

        groups = self.mine(matching.donor_view(donor, today=TODAY), kind.code, other_kind.code)

        # Most needs met per dollar first; a group whose needs all have an activity last.
        assert [(g["region_label"], g["type"]) for g in groups] == [
            ("Americas", kind.code),
            ("Africa", other_kind.code),
            ("Oceania", kind.code),
        ]
        americas, africa, oceania = groups
        assert (americas["needs"], americas["uncovered"], americas["uncovered_costed"]) == (2, 2, 1)
        assert americas["estimated_cost_usd"] == Decimal(10_000)
        assert americas["needs_per_million_usd"] == 100.0
        assert (africa["needs"], africa["uncovered"], africa["estimated_cost_usd"]) == (
            2,
            1,
            Decimal(100_000),
        )
        assert africa["needs_per_million_usd"] == 10.0
        assert (oceania["needs"], oceania["uncovered"], oceania["needs_per_million_usd"]) == (
            1,
            0,
            None,
        )
        # A donor gets the figures, never the needs themselves; a State its own; the
        # Secretariat all.
        assert [g["need_ids"] for g in groups] == [[], [], []]
        by_secretariat = self.mine(
            matching.donor_view(secretariat, today=TODAY), kind.code, other_kind.code
        )
        assert [set(g["need_ids"]) for g in by_secretariat] == [
            {cheap.pk, costless.pk},
            {dear.pk},
            set(),
        ]
        assert covered.pk not in by_secretariat[2]["need_ids"]
        by_focal = self.mine(matching.donor_view(focal, today=TODAY), kind.code)
        assert by_focal[0]["need_ids"] == [cheap.pk]

    def test_a_region_keeps_its_needs_only(self, kind, other_kind):
        _org, donor = make_donor()
        make_need(kind, estimated_cost_usd=Decimal(10))
        make_need(other_kind, participant="KEN", estimated_cost_usd=Decimal(10))
        groups = self.mine(
            matching.donor_view(donor, region="202", today=TODAY), kind.code, other_kind.code
        )
        assert [(g["region_label"], g["type"]) for g in groups] == [("Africa", other_kind.code)]
