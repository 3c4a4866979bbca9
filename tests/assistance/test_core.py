"""The foundation of Assistance: who sees what (from the refused side), the need lifecycle and
its history, money across currencies and years, and the figures the dashboards and the report
share."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from palermo.assistance import figures, services
from palermo.assistance.choices import NeedStatus, WorkStatus
from palermo.assistance.models import (
    Activity,
    AssistanceType,
    Budget,
    ExchangeRate,
    Expenditure,
    Funding,
    Need,
    Organisation,
    Participation,
    PriorityArea,
    Project,
)
from palermo.assistance.money import Converter, MissingRate
from palermo.assistance.policies import DONOR_ROLE
from palermo.core.choices import Role
from palermo.core.models import Participant, User
from palermo.platform.models import Grant
from palermo.treaties.models import Article
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    get = User.objects.get
    return {
        "secretariat": get(username="secretariat"),
        "focal": get(username="focal-point"),  # Argentina
        "expert": get(username="expert"),  # Argentina
        "observer": get(username="observer"),
        "practitioner": get(username="practitioner"),  # Argentina, not a needs role
        "other": UserFactory(role=Role.FOCAL_POINT, state="BRA"),
        "anonymous": AnonymousUser(),
    }


def state(code):
    return Participant.objects.get(code=code)


def make_donor(name="Fictional Donor Fund"):
    from django.contrib.contenttypes.models import ContentType

    org = Organisation.objects.create(name=name, kind="foundation", demo=True)
    member = UserFactory()
    Grant.objects.create(
        content_type=ContentType.objects.get_for_model(Organisation),
        object_id=org.pk,
        role=DONOR_ROLE,
        user=member,
    )
    return org, member


def make_activity(code, *, published=False, beneficiaries=("ARG",), project=None, **fields):
    activity = Activity.objects.create(
        code=code,
        title=fields.pop("title", f"Fictional activity {code}"),
        published=published,
        project=project,
        demo=True,
        **fields,
    )
    activity.beneficiaries.set([state(c) for c in beneficiaries])
    return activity


class TestWhoSeesWhat:
    def test_an_unpublished_activity_is_hidden_from_the_public_and_other_states(self, people):
        hidden = make_activity("t-hidden", beneficiaries=("ARG",))
        for who in ("anonymous", "observer", "other"):
            assert not Activity.objects.restrict(people[who]).filter(pk=hidden.pk).exists(), who
        for who in ("secretariat", "focal", "expert"):
            assert Activity.objects.restrict(people[who]).filter(pk=hidden.pk).exists(), who

    def test_a_donor_sees_what_its_funds_support_and_nothing_else(self, people):
        org, member = make_donor()
        funded = Project.objects.create(code="t-funded", title="Funded (fictional)")
        Funding.objects.create(project=funded, donor=org, amount=1000, currency="USD", year=2024)
        other = Project.objects.create(code="t-other", title="Someone else's (fictional)")
        mine = make_activity("t-mine", project=funded, beneficiaries=("KEN",))
        theirs = make_activity("t-theirs", project=other, beneficiaries=("KEN",))
        assert set(Activity.objects.restrict(member).filter(code__startswith="t-")) == {mine}
        assert list(Project.objects.restrict(member).filter(code__startswith="t-")) == [funded]
        assert list(Funding.objects.restrict(member).filter(project__code__startswith="t-"))
        # The other project's ledger is refused to the donor; the public sees no ledger at all.
        Budget.objects.create(project=other, amount=5, currency="USD", year=2024)
        assert not Budget.objects.restrict(member).filter(project=other).exists()
        assert not Budget.objects.restrict(people["anonymous"]).exists()
        assert theirs not in Activity.objects.restrict(member)

    def test_a_need_is_seen_only_by_its_state_and_the_secretariat(self, people):
        need = services.record_need(
            acting_user=people["focal"], participant=state("ARG"), title="Train prosecutors"
        )
        for who in ("anonymous", "observer", "other", "practitioner"):
            assert not Need.objects.restrict(people[who]).filter(pk=need.pk).exists(), who
        for who in ("secretariat", "focal", "expert"):
            assert Need.objects.restrict(people[who]).filter(pk=need.pk).exists(), who


class TestNeedLifecycle:
    def test_a_focal_point_records_a_need_for_its_own_state_only(self, people):
        need = services.record_need(
            acting_user=people["focal"], participant=state("ARG"), title="A central authority"
        )
        assert need.status == NeedStatus.OPEN
        assert [e.status_to for e in need.events.all()] == [NeedStatus.OPEN]
        with pytest.raises(PermissionDenied):
            services.record_need(
                acting_user=people["other"], participant=state("ARG"), title="Not theirs"
            )
        with pytest.raises(PermissionDenied):
            services.record_need(
                acting_user=people["anonymous"], participant=state("ARG"), title="Nobody"
            )
        assert not Need.objects.filter(title__in=["Not theirs", "Nobody"]).exists()

    def test_linking_an_activity_plans_the_need_and_the_history_says_so(self, people):
        need = services.record_need(
            acting_user=people["focal"], participant=state("ARG"), title="Witness protection"
        )
        activity = make_activity("t-link", status=WorkStatus.PLANNED, published=True)
        with pytest.raises(PermissionDenied):
            services.link_activity(need, activity, acting_user=people["other"])
        services.link_activity(need, activity, acting_user=people["secretariat"])
        need.refresh_from_db()
        assert need.status == NeedStatus.PLANNED
        assert list(need.activities.all()) == [activity]
        steps = [(e.status_from, e.status_to) for e in need.events.all()]
        assert steps == [("", "open"), ("open", "planned")]
        assert need.events.last().by == people["secretariat"]
        services.unlink_activity(need, activity, acting_user=people["secretariat"])
        need.refresh_from_db()
        assert need.status == NeedStatus.OPEN

    def test_an_ongoing_activity_makes_the_need_being_met_and_met_is_a_decision(self, people):
        need = services.record_need(
            acting_user=people["secretariat"], participant=state("ARG"), title="Judges trained"
        )
        services.link_activity(
            need, make_activity("t-on", status=WorkStatus.ONGOING), acting_user=people["focal"]
        )
        need.refresh_from_db()
        assert need.status == NeedStatus.BEING_MET
        services.set_status(need, NeedStatus.MET, acting_user=people["focal"], note="Done")
        assert Need.objects.get(pk=need.pk).status == NeedStatus.MET

    def test_refused_transitions_and_withdrawal_need_a_reason(self, people):
        need = services.record_need(
            acting_user=people["focal"], participant=state("ARG"), title="Data collection"
        )
        with pytest.raises(services.NeedRefused, match="cannot become"):
            services.set_status(need, NeedStatus.MET, acting_user=people["focal"])
        with pytest.raises(services.NeedRefused, match="why"):
            services.set_status(need, NeedStatus.WITHDRAWN, acting_user=people["focal"])
        with pytest.raises(PermissionDenied):
            services.set_status(need, NeedStatus.PLANNED, acting_user=people["other"])
        assert Need.objects.get(pk=need.pk).status == NeedStatus.OPEN
        assert need.events.count() == 1

    def test_a_withdrawn_need_takes_no_activity(self, people):
        need = services.record_need(
            acting_user=people["focal"], participant=state("ARG"), title="Gone"
        )
        services.set_status(
            need, NeedStatus.WITHDRAWN, acting_user=people["focal"], note="Met by another donor"
        )
        with pytest.raises(services.NeedRefused):
            services.link_activity(
                need, make_activity("t-late", published=True), acting_user=people["secretariat"]
            )


class TestMoney:
    def test_a_monthly_amount_uses_that_months_rate(self):
        rate = ExchangeRate.objects.get(currency="EUR", month=date(2010, 1, 1)).per_usd
        conversion = Converter().to_usd(Decimal("1000"), "EUR", 2010, 1)
        assert conversion.usd == (Decimal(1000) / rate).quantize(Decimal("0.01"))
        assert conversion.period == "2010-01" and not conversion.substituted
        assert "EUR" in conversion.label and "2010-01" in conversion.label

    def test_a_yearly_amount_uses_the_mean_of_the_years_months(self):
        rates = list(
            ExchangeRate.objects.filter(currency="GBP", month__year=2015).values_list(
                "per_usd", flat=True
            )
        )
        assert len(rates) == 12
        mean = sum(rates) / 12
        conversion = Converter().to_usd(500, "GBP", 2015)
        assert abs(conversion.usd - Decimal(500) / mean) < Decimal("0.01")

    def test_totals_across_currencies_and_years_add_the_converted_amounts(self):
        converter = Converter()
        rows = [
            {"amount": Decimal("100"), "currency": "USD", "year": 2012, "month": None},
            {"amount": Decimal("200"), "currency": "EUR", "year": 2012, "month": 6},
            {"amount": Decimal("300"), "currency": "NOK", "year": 2020, "month": None},
        ]
        expected = sum(
            (converter.to_usd(r["amount"], r["currency"], r["year"], r["month"]).usd for r in rows),
            Decimal(0),
        )
        assert converter.total(rows) == expected
        assert Decimal(100) < expected < Decimal(100 + 200 * 2 + 300)
        assert {c.currency for c in converter.rates_used()} == {"EUR", "NOK"}

    def test_a_period_beyond_the_data_uses_the_latest_rate_and_says_so(self):
        latest = ExchangeRate.objects.filter(currency="JPY").latest("month")
        conversion = Converter().to_usd(1000, "JPY", 2099, 3)
        assert conversion.substituted and conversion.period == f"{latest.month:%Y-%m}"
        assert conversion.per_usd == latest.per_usd

    def test_an_unknown_currency_is_a_clear_error(self):
        with pytest.raises(MissingRate, match="XYZ"):
            Converter().to_usd(1, "XYZ", 2020)


class TestFigures:
    def test_summary_counts_participants_by_sex_and_converts_the_budget(self, people):
        project = Project.objects.create(code="t-fig", title="Figures (fictional)", published=True)
        project.beneficiaries.set([state("KEN")])
        Budget.objects.create(project=project, amount=1000, currency="USD", year=2024)
        Budget.objects.create(project=project, amount=1000, currency="EUR", year=2024, month=3)
        Expenditure.objects.create(project=project, amount=400, currency="USD", year=2024)
        activity = make_activity(
            "t-fig-1",
            published=True,
            beneficiaries=("KEN",),
            project=project,
            start=date(2024, 3, 1),
        )
        Participation.objects.create(activity=activity, women=7, men=5, other=1)
        only = figures.Filters(
            participant=state("KEN"), period=figures.Period(date(2024, 1, 1), date(2024, 12, 31))
        )
        result = figures.summary(people["anonymous"], only)
        eur = Converter().to_usd(1000, "EUR", 2024, 3).usd
        assert result["budget_usd"] == Decimal(1000) + eur
        assert result["expenditure_usd"] == 400
        # An unpublished project's money is in the Secretariat's figures, not the public's.
        hidden = Project.objects.create(code="t-fig-hidden", title="Hidden (fictional)")
        hidden.beneficiaries.set([state("KEN")])
        Budget.objects.create(project=hidden, amount=50, currency="USD", year=2024)
        assert figures.summary(people["anonymous"], only)["budget_usd"] == Decimal(1000) + eur
        assert figures.summary(people["secretariat"], only)["budget_usd"] == Decimal(1050) + eur
        assert result["participants"] == {"women": 7, "men": 5, "other": 1, "total": 13}
        assert result["beneficiary_states"] >= 1

    def test_breakdown_by_priority_area_counts_an_activity_in_each_of_its_areas(self, people):
        pa2, pa3 = PriorityArea.objects.get(code="PA2"), PriorityArea.objects.get(code="PA3")
        activity = make_activity(
            "t-two",
            published=True,
            beneficiaries=("NGA",),
            start=date(2031, 5, 1),
            type=AssistanceType.objects.get(code="training"),
        )
        activity.priority_areas.set([pa2, pa3])
        Participation.objects.create(activity=activity, women=3, men=2)
        period = figures.Filters(period=figures.Period(date(2031, 1, 1), date(2031, 12, 31)))
        rows = {
            r["key"]: r for r in figures.breakdown(people["anonymous"], "priority_area", period)
        }
        assert rows["PA2"]["activities"] == rows["PA3"]["activities"] == 1
        assert rows["PA2"]["women"] == 3
        years = figures.breakdown(people["anonymous"], "year", period)
        assert [r["key"] for r in years] == [2031]

    def test_unmet_needs_by_article_leave_out_met_needs_and_other_states_needs(self, people):
        article = Article.objects.get(instrument__code="UNTOC", number="18")
        open_need = services.record_need(
            acting_user=people["secretariat"],
            participant=state("ARG"),
            title="MLA",
            articles=[article],
        )
        met = services.record_need(
            acting_user=people["secretariat"],
            participant=state("ARG"),
            title="Old",
            articles=[article],
        )
        Need.objects.filter(pk=met.pk).update(status=NeedStatus.MET)
        rows = {
            r["label"]: r for r in figures.unmet_needs(people["focal"], "article", state("ARG"))
        }
        assert (
            rows["UNTOC 18"]["needs"]
            == Need.objects.filter(
                participant__code="ARG",
                articles=article,
                status__in=["open", "planned", "being_met"],
            ).count()
        )
        assert open_need.pk and not figures.unmet_needs(people["other"], "article", state("ARG"))


def test_the_audit_page_shows_many_to_many_changes_as_added_objects(people, user_client):
    """A need's articles are recorded in the audit trail as objects added to a relation, and
    the audit page shows them (it once expected every change to be an old/new pair)."""
    from django.urls import reverse

    article = Article.objects.get(instrument__code="UNTOC", number="18")
    need = services.record_need(
        acting_user=people["secretariat"],
        participant=state("ARG"),
        title="Audited need (fictional)",
        articles=[article],
    )
    page = user_client("secretariat").get(reverse("core:audit"), {"object_repr": need.title})
    assert page.status_code == 200
    assert "articles: +" in page.content.decode() and str(article) in page.content.decode()


def test_the_funding_gap_by_priority_area_is_budget_not_yet_funded(people):
    org, _member = make_donor("Gap Fund (fictional)")
    project = Project.objects.create(code="t-gap", title="Gap (fictional)", published=True)
    project.priority_areas.set([PriorityArea.objects.get(code="PA4")])
    Budget.objects.create(project=project, amount=900, currency="USD", year=2033)
    Funding.objects.create(project=project, donor=org, amount=600, currency="USD", year=2033)
    period = figures.Filters(period=figures.Period(date(2033, 1, 1), date(2033, 12, 31)))
    rows = {r["key"]: r for r in figures.breakdown(people["anonymous"], "priority_area", period)}
    assert rows["PA4"]["budget_usd"] == 900 and rows["PA4"]["funding_usd"] == 600
    assert rows["PA4"]["funding_gap_usd"] == 300
    assert figures.summary(people["anonymous"], period)["funding_gap_usd"] == 300


def test_the_needs_page_maps_the_states_whose_needs_want_assistance(people, user_client):
    services.record_need(
        acting_user=people["focal"], participant=state("ARG"), title="Mapped need (fictional)"
    )
    page = user_client("focal-point").get("/assistance/needs/").content.decode()
    assert 'id="needs-map-data"' in page and '"032"' in page  # Argentina's M49 code
    refused = user_client("observer").get("/assistance/needs/")
    assert refused.status_code == 403 and '"032"' not in refused.content.decode()


def test_the_breakdowns_name_the_priority_areas_in_the_readers_language(people):
    from django.utils import translation

    from palermo.assistance.reference import load_vocabularies

    load_vocabularies()
    activity = make_activity("t-fr", published=True, start=date(2034, 2, 1))
    activity.priority_areas.set([PriorityArea.objects.get(code="PA4")])
    period = figures.Filters(period=figures.Period(date(2034, 1, 1), date(2034, 12, 31)))
    with translation.override("fr"):
        rows = {
            r["key"]: r for r in figures.breakdown(people["anonymous"], "priority_area", period)
        }
    assert rows["PA4"]["label"] == "Collecte de données"
    rows = {r["key"]: r for r in figures.breakdown(people["anonymous"], "priority_area", period)}
    assert rows["PA4"]["label"] == "Data collection"


def test_the_2010_facts_and_the_iati_schema_ship_with_the_package_and_match_the_shared_data():
    """An installed Palermo reads nothing outside its package; the copies are the shared data."""
    from pathlib import Path

    from palermo.assistance import historical, iati

    package = Path(historical.__file__).resolve().parent
    shared = package.parents[3] / "shared" / "data"
    assert historical.data_path().is_relative_to(package)
    assert iati._find_schema().is_relative_to(package)
    assert historical.data_path().read_bytes() == (shared / "assistance/ta_2010.json").read_bytes()
    for name in ("iati-activities-schema.xsd", "iati-common.xsd", "xml.xsd"):
        ours = package / "data" / "iati" / name
        assert ours.read_bytes() == (shared / "iati" / name).read_bytes(), name
