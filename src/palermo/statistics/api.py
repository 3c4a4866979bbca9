"""The Statistics API: the ICCS, a State's homicide series (by source and chosen), the stored
aggregates, aggregates computed for a year with their details, and observations (the policy
applies: confidential figures only for their State and the Secretariat)."""

from django.core.exceptions import ValidationError
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from palermo.core.api_auth import READ
from palermo.core.models import Participant
from palermo.platform.access import PUBLIC, allow, declare_api
from palermo.platform.api import ErrorOut, Pagination

from . import iccs, services
from .models import Aggregate, IccsCode, Observation

router = Router(tags=["statistics"])


class IccsOut(Schema):
    code: str
    label: str
    label_es: str
    level: int
    parent: str | None
    description: str
    inclusions: str
    exclusions: str


class SuggestionOut(Schema):
    code: str
    label: str
    score: float
    reason: str


class AggregateOut(Schema):
    area: str
    name: str
    level: str
    year: int
    rate: float
    count: float
    population: int
    population_observed: int
    coverage: float
    rate_low: float
    rate_high: float
    states: int
    observed: int
    interpolated: int
    imputed: int


class DetailOut(Schema):
    state: str
    population: int
    fill: str
    rate: float | None
    confidential: bool


class ComputedOut(AggregateOut):
    details: list[DetailOut]


class SeriesRow(Schema):
    year: int
    population: int | None
    by_source: dict[str, float | None]
    chosen: float | None
    chosen_source: str | None
    reason: str
    region: float | None


class SeriesOut(Schema):
    state: str
    area: str | None
    rows: list[SeriesRow]


class ObservationOut(Schema):
    state: str
    year: int
    indicator: str
    iccs: str | None
    sex: str
    age: str
    citizenship: str
    value: float
    unit: str
    source: str
    estimate: bool
    break_in_series: bool
    definition_differs: bool
    confidential: bool
    needs_review: bool

    @staticmethod
    def resolve_state(obj):
        return obj.participant.code

    @staticmethod
    def resolve_indicator(obj):
        return obj.indicator_id

    @staticmethod
    def resolve_iccs(obj):
        return obj.iccs_id

    @staticmethod
    def resolve_source(obj):
        return obj.source.code


class ObservationFilters(Schema):
    state: str = ""
    indicator: str = ""
    year: int | None = None


class AggregateFilters(Schema):
    year: int | None = None
    area: str = ""


def _aggregate(a: Aggregate) -> dict:
    return {
        "area": a.area,
        "name": a.area_name,
        "level": a.level,
        "year": a.year,
        "rate": a.rate,
        "count": a.count,
        "population": a.population,
        "population_observed": a.population_observed,
        "coverage": a.coverage,
        "rate_low": a.rate_low,
        "rate_high": a.rate_high,
        "states": a.states,
        "observed": a.observed,
        "interpolated": a.interpolated,
        "imputed": a.imputed,
    }


@router.get("/iccs/{code}", response={200: IccsOut, 404: ErrorOut}, auth=READ)
def get_iccs(request, code: str):
    item = IccsCode.objects.restrict(request.auth).filter(code=code).first()
    if item is None:
        raise HttpError(404, "No such ICCS code.")
    return {
        "code": item.code,
        "label": item.label,
        "label_es": item.label_es,
        "level": item.level,
        "parent": item.parent_id,
        "description": item.description,
        "inclusions": item.inclusions,
        "exclusions": item.exclusions,
    }


@router.get("/iccs-suggestions", response=list[SuggestionOut], auth=READ)
def suggest_iccs(request, category: str):
    """ICCS codes for a national offence category, ranked, each with the reason."""
    return [s.__dict__ for s in iccs.suggest(category)]


@router.get("/homicide/aggregates", response=list[AggregateOut], auth=READ)
@paginate(Pagination, page_size=100)
def list_aggregates(request, filters: Query[AggregateFilters]):
    """The stored homicide aggregates (recomputed by the background job)."""
    qs = Aggregate.objects.restrict(request.auth).filter(indicator_id="homicide")
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.area:
        qs = qs.filter(area=filters.area)
    return [_aggregate(a) for a in qs]


@router.get(
    "/homicide/aggregates/{year}", response={200: list[ComputedOut], 422: ErrorOut}, auth=READ
)
def compute_aggregates(request, year: int, region: str = ""):
    """The aggregates of ``year`` computed now, each with its States (a confidential value
    withheld from whoever may not see it)."""
    try:
        results = services.compute_aggregates(year, region or None)
    except ValidationError as exc:
        raise HttpError(422, "; ".join(exc.messages)) from None
    return [{**r.as_dict(), "details": services.details(r, request.auth)} for r in results]


@router.get("/homicide/states/{code}", response={200: SeriesOut, 404: ErrorOut}, auth=READ)
def state_series(request, code: str):
    participant = Participant.objects.filter(code=code.upper()).first()
    if participant is None:
        raise HttpError(404, "No State with this code.")
    data = services.state_homicide(participant, request.auth)
    return {"state": participant.code, "area": data["area"], "rows": data["rows"]}


@router.get("/observations", response=list[ObservationOut], auth=READ)
@paginate(Pagination, page_size=100)
def list_observations(request, filters: Query[ObservationFilters]):
    qs = Observation.objects.restrict(request.auth).select_related("participant", "source")
    if filters.state:
        qs = qs.filter(participant__code=filters.state.upper())
    if filters.indicator:
        qs = qs.filter(indicator_id=filters.indicator)
    if filters.year:
        qs = qs.filter(year=filters.year)
    return qs.order_by("participant__code", "indicator_id", "year", "pk")


declare_api(
    "/api/statistics",
    {
        "GET /iccs/{code}": allow(*PUBLIC.allow, sample=lambda: {"code": "0101"}),
        "GET /iccs-suggestions": allow(*PUBLIC.allow, query={"category": "murder"}),
        "GET /homicide/aggregates": PUBLIC,
        "GET /homicide/aggregates/{year}": allow(*PUBLIC.allow, sample=lambda: {"year": 2012}),
        "GET /homicide/states/{code}": allow(*PUBLIC.allow, sample=lambda: {"code": "ARG"}),
        "GET /observations": PUBLIC,
    },
)
