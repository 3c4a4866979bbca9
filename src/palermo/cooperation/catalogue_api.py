"""The catalogue's API: Library cases whose cooperation had the Convention as legal basis.

The same cases, filters and fields as the page's JSON download (``catalogue.case_item``), for
whoever calls: published cases for the public, drafts too for their State's contributors and
the Secretariat (the Library's policy)."""

from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from palermo.core.api_auth import READ
from palermo.library.choices import CooperationKind, RecordStatus
from palermo.platform.access import PUBLIC, declare_api
from palermo.platform.api import Pagination

from . import catalogue

router = Router(tags=["cooperation"])


class CatalogueFilters(Schema):
    state: str = Field(
        "", max_length=3, description="The case's State (ISO 3166 alpha-3), e.g. ITA."
    )
    partner: str = Field(
        "", max_length=3, description="The other State of the cooperation (alpha-3), e.g. IND."
    )
    kind: CooperationKind | None = Field(None, description="The kind of cooperation.")
    crime_type: str = Field(
        "", max_length=60, description="A crime type's code, e.g. trafficking-in-persons."
    )
    year: int | None = Field(
        None,
        ge=1000,
        le=9999,
        description="The year of the decision (of the opening of proceedings if undecided).",
    )

    def as_filters(self) -> catalogue.Filters:
        data = self.dict()
        if data.get("kind") is not None:
            data["kind"] = CooperationKind(data["kind"]).value
        return catalogue.Filters.of(data)


class CrimeTypeOut(Schema):
    code: str
    name: str


class CooperationOut(Schema):
    kind: CooperationKind
    kind_label: str
    partner: str | None = Field(description="The partner State's alpha-3 code; null: not recorded.")
    partner_name: str | None
    description: str


class CatalogueCaseOut(Schema):
    """A case of the catalogue and the cooperation under the Convention recorded in it."""

    state: str
    state_name: str
    number: str
    title: str
    url: str = Field(description="The case's stable address in the Library.")
    status: RecordStatus
    court: str
    court_level: str
    decided: str | None = Field(description="Date of the decision (YYYY-MM-DD).")
    opened: str | None = Field(description="Date the proceedings opened (YYYY-MM-DD).")
    year: int | None
    crime_types: list[CrimeTypeOut]
    cooperation: list[CooperationOut]
    is_demo: bool


@router.get("/catalogue", response=list[CatalogueCaseOut], auth=READ)
@paginate(Pagination, page_size=20)
def list_catalogue(request, filters: Query[CatalogueFilters]):
    """Cases in which the Convention served as legal basis for cooperation, each with those
    instances of cooperation, by State and number. Every filter is optional; ``kind`` and
    ``partner`` narrow the instances listed as well as the cases. An unknown code matches
    nothing."""
    cases = catalogue.cases(request.auth, filters.as_filters()).order_by(
        "participant__code", "number", "pk"
    )
    return catalogue.CaseItems(cases)


declare_api("/api/cooperation", {"GET /catalogue": PUBLIC})
