"""Fictional demo content for 2015–2026, every record marked ``demo=True``.

Donors, programmes, projects with budgets, expenditure and fundings in several currencies,
activities (some unpublished) with participants by sex and institution, indicators,
evaluations, and needs of several States in every status, with their history. Nothing here
is real: names say "(fictional)". Deterministic (a fixed seed) and idempotent: records are
matched by code (needs by State and title), their money rows replaced.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from palermo.core.models import Participant
from palermo.platform import actors
from palermo.platform.audit import as_system
from palermo.platform.models import Grant
from palermo.treaties.models import Article

from . import services
from .choices import NeedOrigin, NeedStatus, OrganisationKind, Priority, ProgrammeKind, WorkStatus
from .models import (
    Activity,
    AssistanceType,
    Budget,
    Evaluation,
    Expenditure,
    Funding,
    Indicator,
    InstitutionType,
    Need,
    Organisation,
    Participation,
    PriorityActivity,
    PriorityArea,
    Programme,
    Project,
)
from .policies import DONOR_ROLE

SEED = 2026
#: States across every region (those missing from the reference data are skipped, with a note).
STATES = [
    "ARG", "BRA", "MEX", "COL", "JAM",  # Americas
    "NGA", "KEN", "SEN", "ZAF", "MAR",  # Africa
    "THA", "PHL", "VNM", "JOR", "KAZ",  # Asia
    "ALB", "SRB", "MDA", "ITA",  # Europe
    "FJI", "PNG",  # Oceania
]  # fmt: skip

#: (acronym, name, kind, currency, demo username)
DONORS = [
    ("NLDF", "Northern Lights Development Fund (fictional)", OrganisationKind.FOUNDATION, "NOK",
     "donor"),
    ("EPF", "European Partnership Facility (fictional)", OrganisationKind.REGIONAL, "EUR",
     "donor-epf"),
    ("AJT", "Albion Justice Trust (fictional)", OrganisationKind.FOUNDATION, "GBP", "donor-ajt"),
    ("RSCA", "Rising Sun Cooperation Agency (fictional)", OrganisationKind.GOVERNMENT, "JPY",
     "donor-rsca"),
]  # fmt: skip

PROGRAMMES = [
    ("demo-prog-legal", "Legal frameworks against organized crime (fictional)",
     ProgrammeKind.GLOBAL, ["PA2"], "2015-2022"),
    ("demo-prog-coop", "International cooperation in criminal matters (fictional)",
     ProgrammeKind.THEMATIC, ["PA3", "PA4"], "2017-2025"),
    ("demo-prog-sea", "Maritime and border crime, South-East Asia (fictional)",
     ProgrammeKind.REGIONAL, ["PA4", "PA5"], "2019-2026"),
    ("demo-prog-victims", "Victims and witnesses (fictional)", ProgrammeKind.THEMATIC,
     ["PA1", "PA5"], "2020-2026"),
]  # fmt: skip

#: (code, programme, title, donor acronym, currency, first year, last year, states, status)
PROJECTS = [
    ("demo-proj-01", "demo-prog-legal", "Drafting laws on participation in an organized "
     "criminal group (fictional)", "NLDF", "NOK", 2015, 2018, ["ALB", "SRB", "MDA"],
     WorkStatus.COMPLETED),
    ("demo-proj-02", "demo-prog-legal", "Model legislation and legal library (fictional)", "EPF",
     "EUR", 2018, 2022, ["KEN", "NGA", "SEN"], WorkStatus.COMPLETED),
    ("demo-proj-03", "demo-prog-coop", "Central authorities network, Latin America "
     "(fictional)", "EPF", "EUR", 2019, 2024, ["ARG", "BRA", "MEX", "COL"], WorkStatus.ONGOING),
    ("demo-proj-04", "demo-prog-coop", "Extradition and mutual legal assistance casework "
     "(fictional)", "AJT", "GBP", 2021, 2025, ["JAM", "ZAF", "MAR"], WorkStatus.ONGOING),
    ("demo-proj-05", "demo-prog-sea", "Port control units (fictional)", "RSCA", "JPY", 2019,
     2026, ["THA", "PHL", "VNM"], WorkStatus.ONGOING),
    ("demo-proj-06", "demo-prog-sea", "Pacific maritime crime (fictional)", "NLDF", "NOK",
     2022, 2026, ["FJI", "PNG"], WorkStatus.ONGOING),
    ("demo-proj-07", "demo-prog-victims", "Witness protection programmes (fictional)", "AJT",
     "GBP", 2020, 2024, ["ARG", "COL", "JOR"], WorkStatus.COMPLETED),
    ("demo-proj-08", "demo-prog-victims", "Support to victims of trafficking (fictional)",
     "RSCA", "JPY", 2023, 2026, ["KAZ", "ITA", "NGA", "ARG"], WorkStatus.PLANNED),
]  # fmt: skip

#: A yearly budget in each currency (of the order of USD 150–400 thousand).
YEARLY = {"USD": 250_000, "EUR": 220_000, "GBP": 180_000, "NOK": 2_500_000, "JPY": 30_000_000}

ACTIVITY_TYPES = [
    "legislative-assistance", "training", "workshop", "expert-meeting", "assessment",
    "mentoring", "study-visit", "tool-or-publication", "conference", "awareness-raising",
]  # fmt: skip
ARTICLES = {
    "legislative-assistance": ["5", "6"],
    "training": ["29"],
    "workshop": ["27"],
    "expert-meeting": ["18", "16"],
    "assessment": ["32"],
    "mentoring": ["18"],
    "study-visit": ["27"],
    "tool-or-publication": ["28"],
    "conference": ["30"],
    "awareness-raising": ["25", "24"],
}
INSTITUTIONS = ["police", "prosecution", "judiciary", "customs-border", "central-authority",
                "ministry", "fiu", "prisons", "civil-society"]  # fmt: skip

#: (State, title, priority, article numbers, target status)
NEEDS = [
    ("ARG", "Training of prosecutors in joint investigations (fictional)", Priority.HIGH,
     ["19"], NeedStatus.OPEN),
    ("ARG", "Case-management system for the central authority (fictional)", Priority.MEDIUM,
     ["18"], NeedStatus.PLANNED),
    ("ARG", "Witness protection legislation review (fictional)", Priority.HIGH, ["24"],
     NeedStatus.BEING_MET),
    ("ARG", "Guidance on confiscated assets (fictional)", Priority.LOW, ["12", "14"],
     NeedStatus.MET),
    ("ARG", "Study visit on liaison officers (fictional)", Priority.LOW, ["27"],
     NeedStatus.WITHDRAWN),
    ("BRA", "Extradition casework mentoring (fictional)", Priority.MEDIUM, ["16"],
     NeedStatus.OPEN),
    ("MEX", "Mutual legal assistance request templates (fictional)", Priority.MEDIUM, ["18"],
     NeedStatus.BEING_MET),
    ("COL", "Victim support for trafficking cases (fictional)", Priority.HIGH, ["25"],
     NeedStatus.MET),
    ("NGA", "Law on participation in an organized criminal group (fictional)", Priority.HIGH,
     ["5"], NeedStatus.OPEN),
    ("NGA", "Special investigative techniques training (fictional)", Priority.MEDIUM, ["20"],
     NeedStatus.PLANNED),
    ("KEN", "Money-laundering prosecutions training (fictional)", Priority.MEDIUM, ["6", "7"],
     NeedStatus.MET),
    ("SEN", "Liability of legal persons (fictional)", Priority.LOW, ["10"], NeedStatus.OPEN),
    ("ZAF", "Protection of witnesses abroad (fictional)", Priority.MEDIUM, ["24"],
     NeedStatus.BEING_MET),
    ("THA", "Port container profiling (fictional)", Priority.HIGH, ["27"], NeedStatus.BEING_MET),
    ("PHL", "Joint investigation agreements (fictional)", Priority.MEDIUM, ["19"],
     NeedStatus.WITHDRAWN),
    ("VNM", "Data on organized crime (fictional)", Priority.LOW, ["28"], NeedStatus.OPEN),
    ("ALB", "Confiscation law revision (fictional)", Priority.HIGH, ["12"], NeedStatus.MET),
    ("MDA", "Training of judges on the Convention (fictional)", Priority.MEDIUM, ["29"],
     NeedStatus.PLANNED),
    ("FJI", "Maritime law enforcement cooperation (fictional)", Priority.HIGH, ["27"],
     NeedStatus.OPEN),
    ("JOR", "Assessment of criminalization gaps (fictional)", Priority.MEDIUM, ["5", "23"],
     NeedStatus.PLANNED),
    ("KAZ", "Prevention campaign on organized crime (fictional)", Priority.LOW, ["31"],
     NeedStatus.OPEN),
]  # fmt: skip


def _activity_status(project_status, year, last):
    if project_status == WorkStatus.PLANNED or year >= 2026:
        return WorkStatus.PLANNED
    if year < min(last, 2025):
        return WorkStatus.COMPLETED
    return WorkStatus.ONGOING


def _upsert(model, code, **values):
    obj, _created = model.objects.update_or_create(code=code, defaults=values)
    return obj


def _donor_user(username):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": "Demo",
            "last_name": "Donor",
            "email": f"{username}@example.org",
        },
    )
    if created:
        from palermo.core.demo import DEMO_PASSWORD

        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


@as_system
def load_demo(progress=None) -> tuple[int, list[str]]:
    system = actors.system_user()
    notes: list[str] = []
    rng = random.Random(SEED)
    with transaction.atomic():
        count = 0
        states = {p.code: p for p in Participant.objects.filter(code__in=STATES)}
        for code in STATES:
            if code not in states:
                notes.append(f"assistance demo: no State {code}; left out")
        areas = {a.code: a for a in PriorityArea.objects.all()}
        pacts = list(PriorityActivity.objects.order_by("code"))
        types = {t.code: t for t in AssistanceType.objects.all()}
        institutions = {i.code: i for i in InstitutionType.objects.all()}
        articles = {a.number: a for a in Article.objects.filter(instrument__code="UNTOC")}

        donors = {}
        org_type = ContentType.objects.get_for_model(Organisation)
        for acronym, name, kind, _currency, username in DONORS:
            org, _c = Organisation.objects.update_or_create(
                name=name, defaults={"acronym": acronym, "kind": kind, "demo": True}
            )
            donors[acronym] = org
            user = _donor_user(username)
            Grant.objects.get_or_create(
                content_type=org_type, object_id=org.pk, role=DONOR_ROLE, user=user
            )
            count += 1

        programmes = {}
        for code, title, kind, pas, period in PROGRAMMES:
            first, last = (int(y) for y in period.split("-"))
            programme = _upsert(
                Programme,
                code,
                title=title,
                kind=kind,
                period=period,
                start=date(first, 1, 1),
                end=date(last, 12, 31),
                status=WorkStatus.COMPLETED if last < 2025 else WorkStatus.ONGOING,
                published=True,
                demo=True,
                description="Fictional demonstration programme.",
            )
            programme.priority_areas.set([areas[c] for c in pas if c in areas])
            programmes[code] = programme
            count += 1

        activities = []
        for number, (
            code,
            programme_code,
            title,
            donor,
            currency,
            first,
            last,
            codes,
            status,
        ) in enumerate(PROJECTS):
            programme = programmes[programme_code]
            beneficiaries = [states[c] for c in codes if c in states]
            project = _upsert(
                Project,
                code,
                programme=programme,
                title=title,
                status=status,
                start=date(first, 1, 1),
                end=date(last, 12, 31),
                published=True,
                demo=True,
            )
            project.beneficiaries.set(beneficiaries)
            project.priority_areas.set(programme.priority_areas.all())
            programme.beneficiaries.add(*beneficiaries)
            count += 1
            project.budgets.all().delete()
            project.expenditures.all().delete()
            project.fundings.all().delete()
            yearly = Decimal(YEARLY[currency])
            for year in range(first, last + 1):
                Budget.objects.create(project=project, amount=yearly, currency=currency, year=year)
                Funding.objects.create(
                    project=project,
                    donor=donors[donor],
                    amount=yearly * Decimal("0.8"),
                    currency=currency,
                    year=year,
                    month=3,
                )
                if status != WorkStatus.PLANNED and year <= 2025:
                    spent = yearly * Decimal(rng.randint(55, 98)) / 100
                    Expenditure.objects.create(
                        project=project,
                        amount=spent.quantize(Decimal("0.01")),
                        currency=currency,
                        year=year,
                        month=rng.randint(1, 12),
                        description="Fictional expenditure",
                    )
            # A second donor pays a share in US dollars, on some projects.
            if number % 3 == 0:
                Funding.objects.create(
                    project=project,
                    donor=donors[DONORS[(number + 1) % len(DONORS)][0]],
                    amount=Decimal(50_000),
                    currency="USD",
                    year=first,
                )
            span = list(range(first, last + 1))
            for i in range(5):
                year = span[min(len(span) - 1, i * len(span) // 5)]
                type_code = ACTIVITY_TYPES[(number * 5 + i) % len(ACTIVITY_TYPES)]
                month = rng.randint(1, 11)
                start = date(year, month, rng.randint(1, 20))
                activity = _upsert(
                    Activity,
                    f"demo-act-{number + 1:02d}{i + 1}",
                    origin="palermo",
                    programme=programme,
                    project=project,
                    type=types.get(type_code),
                    title=f"{types[type_code].name if type_code in types else 'Activity'}: "
                    f"{title.split(' (fictional)')[0].lower()}, {year} (fictional)",
                    status=_activity_status(status, year, last),
                    start=start,
                    end=date(year, month + 1, 1),
                    place=beneficiaries[i % len(beneficiaries)].name if beneficiaries else "",
                    # The last activity of each project is not published yet.
                    published=i != 4,
                    demo=True,
                    outputs={"people_trained": 10 + 5 * i} if type_code == "training" else {},
                    cost=yearly / 5,
                    cost_currency=currency,
                )
                chosen = beneficiaries[i % len(beneficiaries) :][:2] or beneficiaries[:1]
                activity.beneficiaries.set(chosen)
                activity.priority_areas.set(programme.priority_areas.all())
                activity.priority_activities.set(
                    [pacts[(number + i) % len(pacts)]] if pacts else []
                )
                activity.articles.set(
                    [articles[n] for n in ARTICLES.get(type_code, []) if n in articles]
                )
                used = [
                    institutions[c]
                    for c in (INSTITUTIONS[(number + i) % 9], INSTITUTIONS[(number + 2 * i) % 9])
                    if c in institutions
                ]
                activity.institutions.set(set(used))
                activity.participations.all().delete()
                for institution in dict.fromkeys(used):
                    Participation.objects.create(
                        activity=activity,
                        institution=institution,
                        women=rng.randint(4, 30),
                        men=rng.randint(4, 30),
                        other=rng.randint(0, 2),
                    )
                activities.append(activity)
                count += 1

        for programme in programmes.values():
            programme.indicators.all().delete()
            programme.evaluations.all().delete()
            first = programme.start.year
            Indicator.objects.create(
                programme=programme,
                name="States with legislation in line with the Convention (fictional)",
                unit="States",
                baseline=Decimal(2),
                baseline_year=first,
                target=Decimal(8),
                target_year=programme.end.year,
                actual=Decimal(rng.randint(3, 8)),
                actual_year=min(2025, programme.end.year),
            )
            Indicator.objects.create(
                programme=programme,
                name="Practitioners trained (fictional)",
                unit="people",
                baseline=Decimal(0),
                baseline_year=first,
                target=Decimal(600),
                target_year=programme.end.year,
                actual=Decimal(rng.randint(200, 650)),
                actual_year=min(2025, programme.end.year),
            )
            Evaluation.objects.create(
                programme=programme,
                title=f"Mid-term evaluation of {programme.title}",
                date=date(min(2025, first + 3), 6, 30),
                evaluator="Independent evaluators (fictional)",
                findings="The activities reached the institutions named in the project "
                "documents; follow-up on the laws adopted was uneven (fictional).",
                lessons="Plan mentoring after each training (fictional).",
            )
            count += 3

        count += _needs(states, articles, types, activities, system, notes)
    return count, notes


def _needs(states, articles, types, activities, system, notes) -> int:
    by_state = {}
    for activity in activities:
        for participant in activity.beneficiaries.all():
            by_state.setdefault(participant.code, []).append(activity)
    n = 0
    for index, (code, title, priority, numbers, target) in enumerate(NEEDS):
        participant = states.get(code)
        if participant is None:
            continue
        n += 1
        if Need.objects.filter(participant=participant, title=title, demo=True).exists():
            continue
        need = services.record_need(
            acting_user=system,
            participant=participant,
            title=title,
            articles=[articles[x] for x in numbers if x in articles],
            description="Fictional need, for demonstration.",
            priority=priority,
            origin=[
                NeedOrigin.REVIEW,
                NeedOrigin.QUESTIONNAIRE,
                NeedOrigin.REQUEST,
                NeedOrigin.ASSESSMENT,
            ][index % 4],  # fmt: skip
            origin_reference="Fictional reference",
            type=types.get(ACTIVITY_TYPES[index % len(ACTIVITY_TYPES)]),
            estimated_cost_usd=Decimal(20_000 + 5_000 * index),
            demo=True,
        )
        candidates = by_state.get(code, [])
        done = [a for a in candidates if a.status == WorkStatus.COMPLETED]
        ongoing = [a for a in candidates if a.status == WorkStatus.ONGOING]
        planned = [a for a in candidates if a.status == WorkStatus.PLANNED]
        if target == NeedStatus.PLANNED:
            if planned:
                services.link_activity(need, planned[0], acting_user=system)
            else:
                services.set_status(need, NeedStatus.PLANNED, acting_user=system)
        elif target == NeedStatus.BEING_MET:
            if ongoing or done:
                services.link_activity(need, (ongoing or done)[0], acting_user=system)
            else:
                services.set_status(need, NeedStatus.BEING_MET, acting_user=system)
        elif target == NeedStatus.MET:
            if done or ongoing:
                services.link_activity(need, (done or ongoing)[0], acting_user=system)
            else:
                services.set_status(need, NeedStatus.PLANNED, acting_user=system)
            services.set_status(
                need, NeedStatus.MET, acting_user=system, note="Confirmed by the State (fictional)"
            )
        elif target == NeedStatus.WITHDRAWN:
            services.set_status(
                need,
                NeedStatus.WITHDRAWN,
                acting_user=system,
                note="Met by the State's own means (fictional)",
            )
        if need.status != target:
            notes.append(f"assistance demo: need {title!r} is {need.status}, not {target}")
    return n
