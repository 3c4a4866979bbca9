"""The catalogue of cases in which the Convention served as legal basis for cooperation.

A case is in the catalogue when the reader may see it under the Library's own policy (a
published case for everyone; a draft only for its State's contributors and the Secretariat) and
at least one of its ``Cooperation`` rows says the Convention was the legal basis
(``convention_legal_basis`` True). A row saying False (another legal basis) or nothing (not
known) does not bring a case in, and is not listed with it.

The page, its downloads and the API read the same functions here, with the same filters:
``state`` (the case's State), ``partner`` (the other State of the cooperation), ``kind`` (a
``CooperationKind``), ``crime_type`` (a crime type's code) and ``year`` (of the decision, or of
the opening of proceedings when there is no decision yet). ``kind`` and ``partner`` narrow the
cooperation listed with each case as well as the cases; an unknown value matches nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import ExtractYear

from palermo.core.models import Participant
from palermo.library.choices import CooperationKind
from palermo.library.models import Case, Cooperation, CrimeType
from palermo.platform.policies import restrict

FILTERS = ("state", "partner", "kind", "crime_type", "year")


@dataclass(frozen=True)
class Filters:
    """The catalogue's filters, each optional ("" or ``None``: not filtered)."""

    state: str = ""
    partner: str = ""
    kind: str = ""
    crime_type: str = ""
    year: int | None = None

    @classmethod
    def of(cls, data: Mapping | Filters | None) -> Filters:
        """From a form's cleaned data, an API schema's dict or a query dict."""
        if isinstance(data, Filters):
            return data
        data = data or {}
        year = data.get("year")
        try:
            year = int(year) if year not in (None, "") else None
        except (TypeError, ValueError):
            year = -1  # not a year: matches nothing
        return cls(
            state=str(data.get("state") or "").strip().upper(),
            partner=str(data.get("partner") or "").strip().upper(),
            kind=str(data.get("kind") or "").strip(),
            crime_type=str(data.get("crime_type") or "").strip(),
            year=year,
        )

    def as_dict(self) -> dict:
        """The filters that are set, as query parameters."""
        values = {name: getattr(self, name) for name in FILTERS}
        return {name: value for name, value in values.items() if value not in ("", None)}


def flagged_cooperation(filters: Filters | Mapping | None = None):
    """Cooperation rows that had the Convention as legal basis, narrowed by kind and partner
    (not yet by who may see their case)."""
    filters = Filters.of(filters)
    rows = Cooperation.objects.filter(convention_legal_basis=True)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.partner:
        rows = rows.filter(partner__code=filters.partner)
    return rows


def _year_q(year: int) -> Q:
    return Q(decided__year=year) | Q(decided__isnull=True, opened__year=year)


def narrow(queryset, filters: Filters | Mapping | None = None, *, prefetch: bool = True):
    """``queryset`` (cases, already scoped to the reader) kept to the catalogue and narrowed by
    ``filters``.

    With ``prefetch``, each case carries ``catalogue_cooperation``: its cooperation rows with
    the Convention as legal basis (of the filtered kind and partner), partners loaded; its
    State and crime types are loaded too, so a page of cases costs the same queries however
    long it is."""
    filters = Filters.of(filters)
    flagged = flagged_cooperation(filters)
    qs = queryset.filter(pk__in=flagged.values("case_id"))
    if filters.state:
        qs = qs.filter(participant__code=filters.state)
    if filters.crime_type:
        qs = qs.filter(
            pk__in=Case.crime_types.through.objects.filter(
                crimetype__code=filters.crime_type
            ).values("case_id")
        )
    if filters.year is not None:
        qs = qs.filter(_year_q(filters.year))
    if not prefetch:
        return qs
    return qs.select_related("participant").prefetch_related(
        Prefetch("crime_types", queryset=CrimeType.objects.order_by("position", "code")),
        Prefetch(
            "cooperation",
            queryset=flagged.select_related("partner").order_by("kind", "partner__name", "pk"),
            to_attr="catalogue_cooperation",
        ),
    )


def cases(user, filters: Filters | Mapping | None = None, *, prefetch: bool = True):
    """The catalogue's cases ``user`` may see under the Library's policy, narrowed by
    ``filters`` (see ``narrow``)."""
    return narrow(restrict(Case.objects.all(), user), filters, prefetch=prefetch)


def cooperation_rows(user, filters: Filters | Mapping | None = None):
    """The catalogue as one row per instance of cooperation (for spreadsheets): each with its
    case, the case's State and crime types loaded; ordered by State, case and kind."""
    filters = Filters.of(filters)
    visible = cases(user, filters, prefetch=False)
    rows = flagged_cooperation(filters).filter(case__in=visible.values("pk"))
    return (
        restrict(rows, user)
        .select_related("case__participant", "partner")
        .prefetch_related(
            Prefetch("case__crime_types", queryset=CrimeType.objects.order_by("position", "code"))
        )
        .order_by("case__participant__name", "-case__decided", "case__number", "kind", "pk")
    )


@dataclass
class Tally:
    """How many of the catalogue's cooperation rows share one value (a kind, a partner)."""

    value: str
    label: str
    count: int
    #: The page's address filtered on this value (set by the page).
    url: str = ""


@dataclass
class Counts:
    cases: int
    cooperation: int
    by_kind: list[Tally]
    by_partner: list[Tally]


def counts(user, filters: Filters | Mapping | None = None) -> Counts:
    """The filtered catalogue in figures: cases, instances of cooperation, and those by kind
    and by partner State (most first). A cooperation row without a partner counts under "".
    Four queries whatever the size of the catalogue."""
    filters = Filters.of(filters)
    visible = cases(user, filters, prefetch=False)
    rows = flagged_cooperation(filters).filter(case__in=visible.values("pk"))
    labels = dict(CooperationKind.choices)
    by_kind = [
        Tally(row["kind"], str(labels.get(row["kind"], row["kind"])), row["n"])
        for row in rows.values("kind").annotate(n=Count("pk")).order_by("-n", "kind")
    ]
    partner_counts = list(
        rows.values("partner_id").annotate(n=Count("pk")).order_by("-n", "partner_id")
    )
    partners = Participant.objects.in_bulk(
        [r["partner_id"] for r in partner_counts if r["partner_id"]]
    )
    by_partner = []
    for row in partner_counts:
        partner = partners.get(row["partner_id"])
        by_partner.append(
            Tally(partner.code, partner.localized_name, row["n"])
            if partner
            else Tally("", "", row["n"])
        )
    by_partner.sort(key=lambda t: (-t.count, t.label == "", t.label))
    return Counts(
        cases=visible.count(),
        cooperation=sum(t.count for t in by_kind),
        by_kind=by_kind,
        by_partner=by_partner,
    )


@dataclass
class Options:
    """The values the filters offer: those present in the catalogue the reader may see (every
    kind of cooperation is offered: ``CooperationKind``)."""

    states: list[tuple[str, str]]
    partners: list[tuple[str, str]]
    crime_types: list[tuple[str, str]]
    years: list[int]


def options(user) -> Options:
    """What the State, partner, crime type and year filters may be set to: the values of
    ``user``'s catalogue (unfiltered). Four queries."""
    visible = cases(user, prefetch=False)
    rows = flagged_cooperation().filter(case__in=visible.values("pk"))

    def named(qs):
        return sorted(((p.code, p.localized_name) for p in qs), key=lambda pair: pair[1])

    states = named(Participant.objects.filter(pk__in=visible.values("participant_id")))
    partners = named(Participant.objects.filter(pk__in=rows.values("partner_id")))
    crime_types = [
        (c.code, c.label())
        for c in CrimeType.objects.filter(cases__in=visible.values("pk"))
        .distinct()
        .order_by("position", "code")
    ]
    years = set()
    for decided, opened in visible.annotate(
        decided_year=ExtractYear("decided"), opened_year=ExtractYear("opened")
    ).values_list("decided_year", "opened_year"):
        if decided or opened:
            years.add(decided or opened)
    return Options(states, partners, crime_types, sorted(years, reverse=True))


# One case as the API and the JSON download give it ---------------------------------------


def year_of(case: Case) -> int | None:
    """The year the catalogue files a case under: its decision's, else its opening's."""
    day = case.decided or case.opened
    return day.year if day else None


def cooperation_item(row: Cooperation) -> dict:
    partner = row.partner
    return {
        "kind": row.kind,
        "kind_label": str(row.get_kind_display()),
        "partner": partner.code if partner else None,
        "partner_name": partner.localized_name if partner else None,
        "description": row.description,
    }


def case_item(case: Case) -> dict:
    """A case of the catalogue with the cooperation that brought it in (``cases`` loads it)."""
    return {
        "state": case.participant.code,
        "state_name": case.participant.localized_name,
        "number": case.number,
        "title": case.title,
        "url": case.get_absolute_url(),
        "status": case.status,
        "court": case.court,
        "court_level": case.court_level,
        "decided": case.decided.isoformat() if case.decided else None,
        "opened": case.opened.isoformat() if case.opened else None,
        "year": year_of(case),
        "crime_types": [{"code": c.code, "name": c.label()} for c in case.crime_types.all()],
        "cooperation": [cooperation_item(row) for row in case.catalogue_cooperation],
        "is_demo": case.is_demo,
    }


class CaseItems:
    """The catalogue's cases as a sequence of ``case_item`` dicts, counted and sliced in SQL
    (what the API's pagination slices)."""

    def __init__(self, queryset):
        self.queryset = queryset

    def __len__(self):
        return self.queryset.count()

    def __getitem__(self, window: slice):
        return [case_item(case) for case in self.queryset[window]]
