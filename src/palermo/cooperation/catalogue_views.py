"""The catalogue of cases in which the Convention served as legal basis for cooperation.

The page is a ``DataTableView`` of the Library's cases, so the Library's policy scopes it (a
draft is listed only for its State's contributors and the Secretariat); ``catalogue.narrow``
keeps it to the cases with cooperation under the Convention. The downloads give the same
filtered catalogue as a spreadsheet (one row per instance of cooperation) or as JSON (one
object per case, as the API gives it).
"""

import json
from urllib.parse import urlencode

import django_filters
import django_tables2 as tables
from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from palermo.library.choices import CooperationKind
from palermo.library.filters import sees_drafts
from palermo.library.models import Case, Cooperation
from palermo.platform.access import PUBLIC, allow, declare_routes
from palermo.platform.exports import Export, SafeTableExport, register_export
from palermo.platform.tables import DataTableView, PalermoTable

from . import catalogue

EXPORT_FORMATS = ("csv", "xlsx", "json")
EXPORT_NAME = "palermo-cooperation-catalogue"


# Filters ----------------------------------------------------------------------------------


class CatalogueFilter(django_filters.FilterSet):
    """The catalogue's filters; each offers only the values present in the reader's catalogue
    (every kind of cooperation, though, so that a kind with no case yet is a valid choice)."""

    state = django_filters.ChoiceFilter(label=_("State of the case"), choices=[])
    partner = django_filters.ChoiceFilter(label=_("Partner State"), choices=[])
    kind = django_filters.ChoiceFilter(
        label=_("Kind of cooperation"), choices=CooperationKind.choices
    )
    crime_type = django_filters.ChoiceFilter(label=_("Crime type"), choices=[])
    year = django_filters.ChoiceFilter(label=_("Year"), choices=[])

    class Meta:
        model = Case
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        found = catalogue.options(getattr(request, "user", None))
        empty = [("", "---------")]
        fields = self.form.fields
        fields["state"].choices = empty + found.states
        fields["partner"].choices = empty + found.partners
        fields["crime_type"].choices = empty + found.crime_types
        fields["year"].choices = empty + [(str(y), str(y)) for y in found.years]

    def filter_queryset(self, queryset):
        return catalogue.narrow(queryset, self.form.cleaned_data)

    def error_text(self) -> str:
        """The form's errors as one sentence per field, naming the parameter."""
        return " ".join(
            f"{name}: {' '.join(messages)}" for name, messages in self.form.errors.items()
        )


# Tables -----------------------------------------------------------------------------------


def _demo_badge(record):
    if not record.is_demo:
        return ""
    return format_html(' <span class="badge demo">{}</span>', _("fictional"))


class CatalogueTable(PalermoTable):
    """One row per case, with the cooperation that brought it into the catalogue."""

    title = tables.Column(verbose_name=_("Case"))
    participant = tables.Column(verbose_name=_("State"), order_by=("participant__name",))
    court = tables.Column(verbose_name=_("Court"))
    year = tables.Column(verbose_name=_("Year"), accessor="pk", order_by=("decided", "opened"))
    crime_types = tables.Column(verbose_name=_("Crime types"), accessor="pk", orderable=False)
    cooperation = tables.Column(
        verbose_name=_("Cooperation under the Convention"), accessor="pk", orderable=False
    )
    status = tables.Column(verbose_name=_("Status"))

    class Meta(PalermoTable.Meta):
        model = Case
        fields = ()
        sequence = ("title", "participant", "court", "year", "crime_types", "cooperation")
        empty_text = _("No case in the catalogue matches these filters.")

    def render_title(self, value, record):
        return format_html(
            '<a href="{}">{}</a>{}', record.get_absolute_url(), value, _demo_badge(record)
        )

    def render_participant(self, value):
        return value.localized_name

    def render_year(self, record):
        return catalogue.year_of(record) or "—"

    def render_crime_types(self, record):
        return ", ".join(c.label() for c in record.crime_types.all()) or "—"

    def render_cooperation(self, record):
        items = []
        for row in record.catalogue_cooperation:
            partner = (
                format_html(" — {}", _t("with %(state)s") % {"state": row.partner.localized_name})
                if row.partner
                else ""
            )
            description = (
                format_html("<br><small>{}</small>", Truncator(row.description).words(40))
                if row.description
                else ""
            )
            items.append((row.get_kind_display(), partner, description))
        return format_html(
            '<ul class="catalogue-cooperation">{}</ul>',
            format_html_join("", "<li><strong>{}</strong>{}{}</li>", items),
        )

    def render_status(self, record):
        return format_html(
            '<span class="status status-{}">{}</span>', record.status, record.get_status_display()
        )


def _codes(values) -> str:
    return "; ".join(values)


class CatalogueExportTable(PalermoTable):
    """The spreadsheet download: one row per instance of cooperation with its case's details
    (a case with two instances gives two rows)."""

    state = tables.Column(verbose_name=_("State"), accessor="case__participant__code")
    state_name = tables.Column(verbose_name=_("State name"), accessor="case__participant__name")
    case_number = tables.Column(verbose_name=_("Case number"), accessor="case__number")
    case_title = tables.Column(verbose_name=_("Case"), accessor="case__title")
    address = tables.Column(verbose_name=_("Address"), accessor="pk")
    status = tables.Column(verbose_name=_("Status"), accessor="case__status")
    court = tables.Column(verbose_name=_("Court"), accessor="case__court")
    decided = tables.Column(verbose_name=_("Date of the decision"), accessor="pk")
    year = tables.Column(verbose_name=_("Year"), accessor="pk")
    crime_types = tables.Column(verbose_name=_("Crime types"), accessor="pk")
    crime_type_codes = tables.Column(verbose_name=_("Crime type codes"), accessor="pk")
    kind = tables.Column(verbose_name=_("Kind of cooperation"), accessor="pk")
    kind_code = tables.Column(verbose_name=_("Kind code"), accessor="kind")
    partner = tables.Column(verbose_name=_("Partner State"), accessor="pk")
    partner_name = tables.Column(verbose_name=_("Partner State name"), accessor="pk")
    description = tables.Column(verbose_name=_("Description"), accessor="description")
    fictional = tables.Column(verbose_name=_("Fictional"), accessor="pk")

    class Meta(PalermoTable.Meta):
        model = Cooperation
        fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The site's address, as in e-mailed links: never the Host header of whoever asked.
        self.base_url = settings.PALERMO_SITE_URL.rstrip("/")

    def value_state_name(self, record):
        return record.case.participant.localized_name

    def value_address(self, record):
        return self.base_url + record.case.get_absolute_url()

    def value_status(self, record):
        return record.case.status

    def value_decided(self, record):
        return record.case.decided.isoformat() if record.case.decided else ""

    def value_year(self, record):
        return catalogue.year_of(record.case) or ""

    def value_crime_types(self, record):
        return _codes(c.label() for c in record.case.crime_types.all())

    def value_crime_type_codes(self, record):
        return _codes(c.code for c in record.case.crime_types.all())

    def value_kind(self, record):
        return str(record.get_kind_display())

    def value_kind_code(self, record):
        return record.kind

    def value_partner(self, record):
        return record.partner.code if record.partner else ""

    def value_partner_name(self, record):
        return record.partner.localized_name if record.partner else ""

    def value_fictional(self, record):
        return "true" if record.case.is_demo else "false"


# Pages ------------------------------------------------------------------------------------


def _query(filters: catalogue.Filters, **changes) -> str:
    values = {**filters.as_dict(), **changes}
    return urlencode({k: v for k, v in values.items() if v not in ("", None)})


class CatalogueView(DataTableView):
    template_name = "cooperation/catalogue.html"
    table_class = CatalogueTable
    filterset_class = CatalogueFilter
    model = Case
    paginate_by = 25
    export_formats = ()  # the downloads are catalogue_export's, one row per cooperation
    title = _("Cases with cooperation under the Convention")
    intro = _(
        "Cases of the Library in which the Convention served as the legal basis for "
        "international cooperation: mutual legal assistance, extradition, transfer of "
        "proceedings, joint investigations and more."
    )

    def get_queryset(self):
        return Case.objects.all()  # scoped by the Library's policy, then kept to the catalogue

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["data"] = self.request.GET  # always bound: no filter still means the catalogue
        return kwargs

    def get_table_kwargs(self):
        kwargs = super().get_table_kwargs()
        if not sees_drafts(self.request.user):
            kwargs["exclude"] = [*kwargs.get("exclude", ()), "status"]
        return kwargs

    def create_export(self, export_format):
        """The tables' ``?_export=`` leads to the catalogue's own download, same filters."""
        params = self.request.GET.copy()
        params.pop(self.export_trigger_param, None)
        params["format"] = export_format if export_format in EXPORT_FORMATS else "csv"
        return redirect(f"{reverse('cooperation:catalogue_export')}?{params.urlencode()}")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        valid = self.filterset.is_valid()
        filters = catalogue.Filters.of(self.filterset.form.cleaned_data if valid else {})
        figures = catalogue.counts(self.request.user, filters) if valid else None
        base = reverse("cooperation:catalogue")
        if figures:
            for tally in figures.by_kind:
                tally.url = f"{base}?{_query(filters, kind=tally.value)}"
            for tally in figures.by_partner:
                tally.url = f"{base}?{_query(filters, partner=tally.value)}" if tally.value else ""
        export = reverse("cooperation:catalogue_export")
        context.update(
            figures=figures,
            filters=filters,
            downloads=[
                (fmt.upper(), f"{export}?{_query(filters, format=fmt)}") for fmt in EXPORT_FORMATS
            ],
            api_url=f"/api/cooperation/catalogue?{_query(filters)}".rstrip("?"),
        )
        return context


def catalogue_export(request):
    """The filtered catalogue as CSV or XLSX (one row per instance of cooperation) or JSON
    (one object per case); the filters are the page's."""
    fmt = request.GET.get("format") or "csv"
    if fmt not in EXPORT_FORMATS:
        return _bad_request(
            _t("Unknown format “%(format)s”: choose csv, xlsx or json.") % {"format": fmt}
        )
    filterset = CatalogueFilter(request.GET, queryset=Case.objects.none(), request=request)
    if not filterset.is_valid():
        return _bad_request(
            _t("Check the filters. %(errors)s") % {"errors": filterset.error_text()}
        )
    filters = catalogue.Filters.of(filterset.form.cleaned_data)
    if fmt == "json":
        items = [
            catalogue.case_item(case)
            for case in catalogue.cases(request.user, filters).order_by(
                "participant__code", "number", "pk"
            )
        ]
        body = json.dumps(
            {"filters": filters.as_dict(), "count": len(items), "cases": items},
            ensure_ascii=False,
            indent=2,
        )
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{EXPORT_NAME}.json"'
        return response
    exclude = [] if sees_drafts(request.user) else ["status"]
    table = CatalogueExportTable(
        catalogue.cooperation_rows(request.user, filters),
        user=request.user,
        exclude=exclude,
    )
    export = SafeTableExport(fmt, table, dataset_kwargs={"title": "Cooperation catalogue"})
    return export.response(filename=f"{EXPORT_NAME}.{fmt}")


def _bad_request(message: str):
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


# ``palermo export cooperation-catalogue``: the spreadsheet download from the command line.


def _export_arguments(parser):
    parser.add_argument("--state", help="Only cases of this State (ISO 3166 alpha-3, e.g. ITA).")
    parser.add_argument("--partner", help="Only cooperation with this State (alpha-3).")
    parser.add_argument("--kind", choices=CooperationKind.values, help="Only this kind.")
    parser.add_argument("--crime-type", dest="crime_type", help="Only this crime type (code).")
    parser.add_argument("--year", type=int, help="Only cases of this year.")


def _export_rows(options):
    filters = catalogue.Filters.of(options)
    cases = catalogue.narrow(Case.objects.all(), filters, prefetch=False)
    rows = catalogue.flagged_cooperation(filters).filter(case__in=cases.values("pk"))
    return rows.select_related("case__participant", "partner").prefetch_related("case__crime_types")


register_export(
    Export(
        name="cooperation-catalogue",
        help="Cases with cooperation under the Convention, one row per instance of cooperation "
        "(--state, --partner, --kind, --crime-type, --year).",
        table_class=CatalogueExportTable,
        rows=_export_rows,
        arguments=_export_arguments,
    )
)


urlpatterns = [
    path("catalogue/", CatalogueView.as_view(), name="catalogue"),
    path("catalogue/export/", catalogue_export, name="catalogue_export"),
]

declare_routes(
    "cooperation",
    {
        "catalogue": PUBLIC,
        "catalogue_export": allow(*PUBLIC.allow, query={"format": "csv"}),
    },
)
