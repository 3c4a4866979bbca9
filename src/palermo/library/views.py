"""The Library's pages: the front page, search with facets, browse lists per kind, a record and
its earlier versions, contribution forms, the validation workflow and saved searches.

Every read goes through the policy (``queries.get_record``: 404 for a record the reader may not
see; ``DataTableView``, ``restrict`` and the search for lists); a record the reader sees but may
not change is a 403. Every write is a service call with ``acting_user``.
"""

import json
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.text import capfirst
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _

from palermo.platform.policies import policy_for, restrict
from palermo.platform.tables import DataTableView

from . import exports, queries, serializers, services
from . import forms as library_forms
from .choices import RecordKind, RecordStatus
from .filters import CaseFilter, LawFilter, PublicationFilter, StrategyFilter, sees_drafts
from .models import (
    Case,
    CaseAttachment,
    CaseParty,
    CaseSummary,
    Charge,
    Cooperation,
    Law,
    Proceeding,
    Provision,
    ProvisionArticle,
    Publication,
    PublishedVersion,
    SavedSearch,
    Strategy,
)
from .tables import CaseTable, LawTable, PublicationTable, StrategyTable

#: Languages written right to left (``dir="rtl"``).
RTL_LANGUAGES = {"ar", "fa", "he", "ur", "ps", "dv", "yi"}
#: The search facets, in the order the page lists them.
FACET_ORDER = ("state", "region", "kind", "crime_type", "article", "issue", "year", "language")
#: At most this many records in an export of search results.
EXPORT_LIMIT = 1000
SEARCH_PAGE_SIZE = 20


@dataclass(frozen=True)
class Kind:
    """One kind of record and its pages."""

    key: str
    model: type
    form: type
    list_name: str  # the browse list's route name
    template: str  # the record page's section template


KINDS = {
    RecordKind.LEGISLATION: Kind(
        RecordKind.LEGISLATION, Law, library_forms.LawForm, "legislation", "legislation"
    ),
    RecordKind.CASE: Kind(RecordKind.CASE, Case, library_forms.CaseForm, "cases", "case"),
    RecordKind.BIBLIOGRAPHY: Kind(
        RecordKind.BIBLIOGRAPHY,
        Publication,
        library_forms.PublicationForm,
        "bibliography",
        "bibliography",
    ),
    RecordKind.STRATEGY: Kind(
        RecordKind.STRATEGY, Strategy, library_forms.StrategyForm, "strategies", "strategy"
    ),
}


def language_name(code: str) -> str:
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code


def text_direction(code: str) -> str:
    return "rtl" if (code or "").split("-")[0] in RTL_LANGUAGES else "ltr"


class RecordNotFound(Http404):
    """No record the reader may see at this address."""


def _record(request, code, kind, number):
    """The record at this address, if the reader may see it (404 otherwise)."""
    if kind not in KINDS:
        raise Http404
    try:
        return queries.get_record(request.user, code.upper(), kind, number)
    except Http404 as exc:
        raise RecordNotFound(*exc.args) from exc


def _allows(user, action, obj) -> bool:
    return policy_for(obj).allows(user, action, obj)


def _refuse_unless(user, action, obj):
    """403 for a record the reader sees but may not ``action``."""
    if not _allows(user, action, obj):
        raise PermissionDenied(_("Your role does not allow this."))


def sign_in_for_hidden(view):
    """An anonymous visitor asking for a record they may not see (or one that does not exist:
    the two are not told apart) is sent to sign in; a signed-in reader gets 404."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except RecordNotFound:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise

    return wrapped


# The front page ---------------------------------------------------------------------------


def home(request):
    kinds, any_demo = [], False
    for kind in KINDS.values():
        visible = restrict(kind.model.objects.all(), request.user)
        counts = visible.aggregate(
            published=Count("pk", filter=Q(status=RecordStatus.PUBLISHED)),
            demo=Count("pk", filter=Q(is_demo=True)),
            total=Count("pk"),
        )
        any_demo = any_demo or counts["demo"] > 0
        recent = list(
            visible.published().select_related("participant").order_by("-published_at", "-pk")[:5]
        )
        kinds.append(
            {
                "kind": kind.key,
                "label": RecordKind(kind.key).label,
                "plural": capfirst(kind.model._meta.verbose_name_plural),
                "url": reverse(f"library:{kind.list_name}"),
                "counts": counts,
                "recent": recent,
            }
        )
    return render(
        request,
        "library/home.html",
        {
            "kinds": kinds,
            "any_demo": any_demo,
            "may_contribute": bool(library_forms.contributing_states(request.user).exists())
            if request.user.is_authenticated
            else False,
        },
    )


# Search -----------------------------------------------------------------------------------


def _search_params(data):
    """The words, the facet filters and the page asked for (GET of the page, POST of a save)."""
    query = data.get("q", "").strip()[:500]
    filters = {name: data[name].strip()[:200] for name in FACET_ORDER if data.get(name, "").strip()}
    try:
        page = max(1, min(int(data.get("page", 1)), 10_000))
    except ValueError:
        page = 1
    return query, filters, page


def search_url(query, filters, **changes) -> str:
    params = {"q": query, **filters, **changes}
    params = {k: v for k, v in params.items() if v not in (None, "")}
    return reverse("library:search") + ("?" + urlencode(params) if params else "")


def _facet_links(query, filters, found):
    """Each facet value as a link that adds its filter, or (when chosen) removes it."""
    groups = {group.name: group for group in found.facets}
    ordered = [groups[n] for n in FACET_ORDER if n in groups]
    ordered += [g for g in found.facets if g.name not in FACET_ORDER]
    return [
        {
            "name": group.name,
            "label": group.label,
            "values": [
                {
                    "label": value.label,
                    "count": value.count,
                    "selected": value.selected or filters.get(group.name) == value.value,
                    "url": search_url(
                        query,
                        filters,
                        page=None,
                        **{
                            group.name: None
                            if (value.selected or filters.get(group.name) == value.value)
                            else value.value
                        },
                    ),
                }
                for value in group.values
            ],
        }
        for group in ordered
        if group.values
    ]


def _chosen_filters(query, filters, found):
    """The filters applied, each with the link that removes it."""
    labels = {}
    for group in found.facets:
        for value in group.values:
            if filters.get(group.name) == value.value:
                labels[group.name] = (group.label, value.label)
    return [
        {
            "name": name,
            "label": labels.get(name, (name, value))[0],
            "value": labels.get(name, (name, value))[1],
            "url": search_url(query, filters, page=None, **{name: None}),
        }
        for name, value in filters.items()
    ]


def search(request):
    query, filters, page = _search_params(request.GET)
    found = queries.library_search(query, request.user, filters, page)
    applied = {k: v for k, v in filters.items()}
    links = {}
    if found.page > 1:
        links["previous"] = search_url(query, applied, page=found.page - 1)
    if found.page < found.pages:
        links["next"] = search_url(query, applied, page=found.page + 1)
    params = {"q": query, **applied}
    params = {k: v for k, v in params.items() if v}
    context = {
        "query": query,
        "found": found,
        "filters": applied,
        "facet_links": _facet_links(query, applied, found),
        "chosen": _chosen_filters(query, applied, found),
        "page_links": links,
        "export_csv": reverse("library:search_export")
        + "?"
        + urlencode({**params, "format": "csv"}),
        "export_jsonl": reverse("library:search_export")
        + "?"
        + urlencode({**params, "format": "jsonl"}),
        "saved_form": library_forms.SavedSearchForm(initial={"name": query[:200]}),
        "saved": list(SavedSearch.objects.restrict(request.user)[:20])
        if request.user.is_authenticated
        else [],
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "library/search.html#results", context)
    return render(request, "library/search.html", context)


def records_of_results(results, user) -> list:
    """The records the search results name (a provision names its law), those ``user`` may
    see, once each, in the results' order, with everything the record format reads."""
    keys = []
    for result in results:
        try:
            match = resolve(result.url.split("#")[0])
        except Resolver404:
            continue
        if match.view_name != "library:record":
            continue
        kwargs = match.kwargs
        key = (kwargs["kind"], kwargs["code"].upper(), kwargs["number"])
        if key not in keys:
            keys.append(key)
    by_key = {}
    for kind, kind_info in KINDS.items():
        wanted = [(code, number) for k, code, number in keys if k == kind]
        if not wanted:
            continue
        condition = Q()
        for code, number in wanted:
            condition |= Q(participant__code=code, number=number)
        rows = serializers.for_serializing(
            restrict(kind_info.model.objects.filter(condition), user)
        )
        for record in rows:
            by_key[(kind, record.participant.code, record.number)] = record
    return [by_key[key] for key in keys if key in by_key]


def search_export(request):
    """The records of a search's results, as CSV or JSON lines in the Library's record format
    (what the reader may see; at most ``EXPORT_LIMIT`` records)."""
    query, filters, _page = _search_params(request.GET)
    export_format = request.GET.get("format", "csv")
    if export_format not in ("csv", "jsonl"):
        export_format = "csv"
    results, page = [], 1
    while len(results) < EXPORT_LIMIT:
        found = queries.library_search(query, request.user, filters, page, page_size=100)
        results.extend(found.results)
        if page >= found.pages or not found.results:
            break
        page += 1
    records = records_of_results(results[:EXPORT_LIMIT], request.user)
    data = (serializers.serialize_record(r) for r in records)
    if export_format == "jsonl":
        body = "".join(exports.jsonl_lines(data))
        content_type = "application/jsonl; charset=utf-8"
    else:
        body = "".join(exports.csv_lines(data))
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="palermo-library-search.{export_format}"'
    )
    return response


# Saved searches ---------------------------------------------------------------------------


@login_required
def saved_list(request):
    searches = [
        {"saved": s, "url": search_url(s.query, s.filters or {})}
        for s in SavedSearch.objects.restrict(request.user)
    ]
    return render(request, "library/saved_list.html", {"searches": searches})


@login_required
def saved_create(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    query, filters, _page = _search_params(request.POST)
    form = library_forms.SavedSearchForm(request.POST)
    if form.is_valid():
        try:
            services.save_search(
                acting_user=request.user,
                name=form.cleaned_data["name"],
                query=query,
                filters=filters,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Search saved."))
    else:
        messages.error(request, _("Give the search a name to save it."))
    return redirect(search_url(query, filters))


def _saved(request, pk):
    return get_object_or_404(SavedSearch.objects.restrict(request.user), pk=pk)


@login_required
def saved_run(request, pk):
    saved = _saved(request, pk)
    return redirect(search_url(saved.query, saved.filters or {}))


@login_required
def saved_delete(request, pk):
    saved = _saved(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.delete_search(saved, acting_user=request.user)
    messages.success(request, _("Saved search deleted."))
    return redirect("library:saved")


# Browse lists -----------------------------------------------------------------------------


class RecordListView(DataTableView):
    template_name = "library/record_list.html"
    kind: str = ""
    related = ("participant",)

    def get_queryset(self):
        return KINDS[self.kind].model.objects.select_related(*self.related)

    @property
    def title(self):
        return capfirst(KINDS[self.kind].model._meta.verbose_name_plural)

    @property
    def export_name(self):
        return f"palermo-library-{KINDS[self.kind].list_name}"

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return ["platform/data_table.html#results"]  # the partial lives in the parent template
        return [self.template_name]

    def get_table_kwargs(self):
        kwargs = super().get_table_kwargs()
        if not sees_drafts(self.request.user):
            kwargs["exclude"] = [*kwargs.get("exclude", ()), "status"]
        if not getattr(self, "_exporting", False):
            kwargs["exclude"] = [*kwargs.get("exclude", ()), "address"]
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            kind=self.kind,
            may_add=self.request.user.is_authenticated
            and library_forms.contributing_states(self.request.user).exists(),
            new_url=reverse("library:record_new", args=[self.kind]),
        )
        return context


class LawListView(RecordListView):
    kind = RecordKind.LEGISLATION
    table_class = LawTable
    filterset_class = LawFilter


class CaseListView(RecordListView):
    kind = RecordKind.CASE
    table_class = CaseTable
    filterset_class = CaseFilter


class PublicationListView(RecordListView):
    kind = RecordKind.BIBLIOGRAPHY
    table_class = PublicationTable
    filterset_class = PublicationFilter


class StrategyListView(RecordListView):
    kind = RecordKind.STRATEGY
    table_class = StrategyTable
    filterset_class = StrategyFilter


# The validation queue ---------------------------------------------------------------------


@login_required
def queue(request):
    """The Secretariat's records awaiting validation; a State's drafts for its contributors."""
    user = request.user
    from palermo.core.permissions import is_secretariat

    secretariat = is_secretariat(user)
    if not secretariat and not sees_drafts(user):
        raise PermissionDenied(_("Only the Secretariat and the States' contributors have a queue."))
    rows = []
    for kind in KINDS.values():
        visible = restrict(kind.model.objects.select_related("participant"), user)
        if secretariat:
            visible = visible.filter(status=RecordStatus.SUBMITTED)
        else:
            visible = visible.exclude(status=RecordStatus.PUBLISHED)
        for record in visible.order_by("-updated")[:200]:
            rows.append({"record": record, "kind": RecordKind(kind.key).label})
    rows.sort(key=lambda r: r["record"].updated, reverse=True)
    return render(
        request,
        "library/queue.html",
        {
            "rows": rows,
            "title": _("Awaiting validation") if secretariat else _("My State's drafts"),
            "secretariat": secretariat,
        },
    )


# A record ---------------------------------------------------------------------------------


def _prefetch(record, user):
    """Every section of ``record``, in a fixed number of queries."""
    from django.db.models import prefetch_related_objects

    if isinstance(record, Law):
        prefetch_related_objects(
            [record],
            Prefetch(
                "provisions",
                queryset=Provision.objects.prefetch_related(
                    Prefetch(
                        "tags",
                        queryset=ProvisionArticle.objects.select_related("article__instrument"),
                    ),
                    "crime_types",
                    "issues",
                ),
            ),
        )
    elif isinstance(record, Case):
        cited = restrict(Provision.objects.select_related("law__participant"), user)
        prefetch_related_objects(
            [record],
            "summaries",
            "proceedings",
            Prefetch("parties", queryset=CaseParty.objects.select_related("nationality")),
            Prefetch(
                "charges",
                queryset=Charge.objects.select_related("defendant").prefetch_related(
                    Prefetch("provisions", queryset=cited)
                ),
            ),
            Prefetch("cooperation", queryset=Cooperation.objects.select_related("partner")),
            "attachments",
            "crime_types",
            "issues",
        )
    elif isinstance(record, Publication):
        prefetch_related_objects([record], "states", "crime_types", "issues")
    else:
        prefetch_related_objects([record], "crime_types", "issues")


def _workflow(record, user):
    """The workflow actions ``user`` may take on ``record``."""
    labels = {
        "submit": gettext_lazy("Submit for validation"),
        "publish": gettext_lazy("Publish"),
        "request_changes": gettext_lazy("Request changes"),
        "withdraw": gettext_lazy("Withdraw"),
    }
    return [
        {"action": action, "label": label}
        for action, label in labels.items()
        if _allows(user, action, record)
    ]


def _versions(record):
    return list(
        PublishedVersion.objects.filter(kind=record.KIND, record_id=record.pk)
        .select_related("published_by")
        .order_by("-version")
    )


@sign_in_for_hidden
def record_detail(request, code, kind, number):
    record = _record(request, code, kind, number)
    _prefetch(record, request.user)
    user = request.user
    context = {
        "record": record,
        "kind": kind,
        "kind_label": RecordKind(kind).label,
        "section_template": f"library/record/{KINDS[kind].template}.html",
        "record_dir": text_direction(getattr(record, "language", "")),
        "may_change": _allows(user, "change", record),
        "may_delete": _allows(user, "delete", record),
        "workflow": _workflow(record, user),
        "note_form": library_forms.RequestChangesForm(),
        "versions": _versions(record),
        "record_language_name": language_name(getattr(record, "language", "")),
    }
    if isinstance(record, Case):
        context["summaries"] = [
            {
                "summary": s,
                "language_name": language_name(s.language),
                "dir": text_direction(s.language),
            }
            for s in record.summaries.all()
        ]
        parties = list(record.parties.all())
        context["defendants"] = [p for p in parties if p.kind == "defendant"]
        context["victims"] = [p for p in parties if p.kind == "victim"]
        context["sources"] = [line for line in record.sources.splitlines() if line.strip()]
    if isinstance(record, Law):
        context["provisions"] = [
            {
                "provision": p,
                "tags": [
                    {
                        "article": t.article,
                        "label": library_forms.article_reference(t.article, t.paragraph),
                    }
                    for t in p.tags.all()
                ],
            }
            for p in record.provisions.all()
        ]
        context["amendments"] = [line for line in record.amendments.splitlines() if line.strip()]
    return render(request, "library/record_detail.html", context)


@sign_in_for_hidden
def record_json(request, code, kind, number):
    """The record in the Library's JSON format (what an export or an import reads)."""
    record = _record(request, code, kind, number)
    response = HttpResponse(
        json.dumps(serializers.serialize_record(record), ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{record.participant.code}-{kind}-{record.number}.json"'
    )
    return response


def _download(stored) -> FileResponse:
    """A stored file as a download (never shown inline: an uploaded page runs no script here)."""
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is missing from the server's storage.")) from exc
    return FileResponse(handle, as_attachment=True, filename=Path(stored.name).name)


@sign_in_for_hidden
def record_file(request, code, kind, number):
    """A law's or a strategy's file, for who may see the record (404 for the others)."""
    record = _record(request, code, kind, number)
    stored = getattr(record, "file", None)
    if not stored:
        raise Http404(_("This record has no file."))
    return _download(stored)


@sign_in_for_hidden
def attachment_file(request, code, kind, number, pk):
    """A case's attachment, for who may see the case (404 for the others)."""
    record = _record(request, code, kind, number)
    if kind != RecordKind.CASE:
        raise Http404
    attachment = get_object_or_404(CaseAttachment, case=record, pk=pk)
    if not attachment.file:
        raise Http404(_("This attachment is a link, not a file."))
    return _download(attachment.file)


@sign_in_for_hidden
def version_detail(request, code, kind, number, version):
    """An earlier published version, as it was published (of a record the reader sees)."""
    record = _record(request, code, kind, number)
    published = get_object_or_404(
        restrict(PublishedVersion.objects.all(), request.user),
        kind=kind,
        record_id=record.pk,
        version=version,
    )
    data = published.data or {}
    scalars, lists = [], []
    for key, value in data.items():
        if key in ("kind", "state", "number", "url", "version", "status"):
            continue
        label = _field_label(type(record), key)
        if isinstance(value, list | dict):
            if value:
                lists.append({"key": key, "label": label, "rows": _rows(value)})
        elif value not in (None, ""):
            scalars.append({"key": key, "label": label, "value": value})
    return render(
        request,
        "library/version_detail.html",
        {
            "record": record,
            "version": published,
            "title": data.get("title") or str(record),
            "scalars": scalars,
            "lists": lists,
            "is_current": published.version == record.version and record.is_published,
            "versions": _versions(record),
        },
    )


def _field_label(model, key: str) -> str:
    """A key of the record format named as the form names the field."""
    from django.core.exceptions import FieldDoesNotExist

    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        return key.replace("_", " ").capitalize()
    label = getattr(field, "verbose_name", None) or field.related_model._meta.verbose_name_plural
    return capfirst(str(label))


def _rows(value):
    """A list of dicts as a table (its header and rows); other lists and dicts as text."""
    if isinstance(value, dict):
        return {"header": [], "rows": [[k, v] for k, v in value.items()]}
    if value and all(isinstance(v, dict) for v in value):
        header = []
        for item in value:
            for key in item:
                if key not in header:
                    header.append(key)
        return {
            "header": header,
            "rows": [[_cell(item.get(k)) for k in header] for item in value],
        }
    return {"header": [], "rows": [[_cell(v)] for v in value]}


def _cell(value):
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_cell(v)}" for k, v in value.items())
    if value is None:
        return ""
    return str(value)


# Contributing -----------------------------------------------------------------------------


def _save_form(request, form, save):
    """Run ``save()`` (a service call); a ValidationError comes back next to the fields."""
    try:
        return save()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
    return None


@login_required
def record_new(request, kind):
    if kind not in KINDS:
        raise Http404
    info = KINDS[kind]
    if not policy_for(info.model).allows(request.user, "add"):
        raise PermissionDenied(_("Your role does not allow contributing to the Library."))
    form = info.form(
        request.POST or None, request.FILES or None, user=request.user, instance=info.model()
    )
    if request.method == "POST" and form.is_valid():
        record = form.instance
        record.created_by = request.user
        saved = _save_form(
            request,
            form,
            lambda: services.save_record(record, acting_user=request.user, m2m=form.m2m()),
        )
        if not form.errors:
            record = saved or record
            messages.success(request, _("Saved as a draft."))
            return redirect(record.get_absolute_url())
    return render(
        request,
        "library/record_form.html",
        {"form": form, "kind": kind, "kind_label": RecordKind(kind).label, "record": None},
    )


@login_required
def record_edit(request, code, kind, number):
    record = _record(request, code, kind, number)
    _refuse_unless(request.user, "change", record)
    info = KINDS[kind]
    form = info.form(
        request.POST or None, request.FILES or None, user=request.user, instance=record
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_form(
            request,
            form,
            lambda: services.save_record(form.instance, acting_user=request.user, m2m=form.m2m()),
        )
        if not form.errors:
            record = saved or form.instance
            messages.success(request, _("Saved."))
            return redirect(record.get_absolute_url())
    return render(
        request,
        "library/record_form.html",
        {"form": form, "kind": kind, "kind_label": RecordKind(kind).label, "record": record},
    )


@login_required
def record_delete(request, code, kind, number):
    record = _record(request, code, kind, number)
    _refuse_unless(request.user, "delete", record)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.delete_record(record, acting_user=request.user)
    messages.success(request, _("Deleted."))
    return redirect(f"library:{KINDS[kind].list_name}")


WORKFLOW = {
    "submit": ("submit", gettext_lazy("Submitted for validation.")),
    "publish": ("publish", gettext_lazy("Published.")),
    "request_changes": ("request_changes", gettext_lazy("Sent back with your note.")),
    "withdraw": ("withdraw", gettext_lazy("Withdrawn: the record is a draft again.")),
}


@login_required
def record_workflow(request, code, kind, number):
    """Submit, publish, request changes (with a note) or withdraw: ``action`` in the POST."""
    record = _record(request, code, kind, number)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    action = request.POST.get("action", "")
    if action not in WORKFLOW:
        messages.error(request, _("Unknown action."))
        return redirect(record.get_absolute_url())
    _refuse_unless(request.user, action, record)
    step_name, done = WORKFLOW[action]
    step = getattr(services, step_name)
    extra = {}
    if action == "request_changes":
        form = library_forms.RequestChangesForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Say what should change: the note is required."))
            return redirect(record.get_absolute_url())
        extra["note"] = form.cleaned_data["note"]
    try:
        step(record, acting_user=request.user, **extra)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(record.get_absolute_url())


# Parts of a record ------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    model: type
    form: type
    relation: str  # the part's field naming its record
    kind: str  # the kind of record it belongs to
    label: object


PARTS = {
    "provisions": Part(
        Provision,
        library_forms.ProvisionForm,
        "law",
        RecordKind.LEGISLATION,
        gettext_lazy("Provision"),
    ),
    "summaries": Part(
        CaseSummary,
        library_forms.CaseSummaryForm,
        "case",
        RecordKind.CASE,
        gettext_lazy("Summary of the facts"),
    ),
    "proceedings": Part(
        Proceeding,
        library_forms.ProceedingForm,
        "case",
        RecordKind.CASE,
        gettext_lazy("Proceeding"),
    ),
    "parties": Part(
        CaseParty,
        library_forms.CasePartyForm,
        "case",
        RecordKind.CASE,
        gettext_lazy("Defendant or victim"),
    ),
    "charges": Part(
        Charge, library_forms.ChargeForm, "case", RecordKind.CASE, gettext_lazy("Charge")
    ),
    "cooperation": Part(
        Cooperation,
        library_forms.CooperationForm,
        "case",
        RecordKind.CASE,
        gettext_lazy("International cooperation"),
    ),
    "attachments": Part(
        CaseAttachment,
        library_forms.CaseAttachmentForm,
        "case",
        RecordKind.CASE,
        gettext_lazy("Attachment"),
    ),
}


def _part_of(request, code, kind, number, part):
    """The record and the part's description: 404 unless the record is visible and has such
    parts; 403 unless the reader may change it."""
    if part not in PARTS or PARTS[part].kind != kind:
        raise Http404
    record = _record(request, code, kind, number)
    _refuse_unless(request.user, "change", record)
    return record, PARTS[part]


@login_required
def part_edit(request, code, kind, number, part, pk=None):
    record, info = _part_of(request, code, kind, number, part)
    instance = (
        get_object_or_404(info.model, pk=pk, **{info.relation: record})
        if pk is not None
        else info.model(**{info.relation: record})
    )
    form = info.form(request.POST or None, request.FILES or None, instance=instance, record=record)
    if request.method == "POST" and form.is_valid():
        _save_form(
            request,
            form,
            lambda: services.save_part(form.instance, acting_user=request.user, m2m=form.m2m()),
        )
        if not form.errors:
            messages.success(request, _("Saved."))
            return redirect(record.get_absolute_url() + f"#{part}")
    return render(
        request,
        "library/part_form.html",
        {"form": form, "record": record, "part": part, "part_label": info.label, "item": pk},
    )


@login_required
def part_delete(request, code, kind, number, part, pk):
    record, info = _part_of(request, code, kind, number, part)
    instance = get_object_or_404(info.model, pk=pk, **{info.relation: record})
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.delete_part(instance, acting_user=request.user)
    messages.success(request, _("Deleted."))
    return redirect(record.get_absolute_url() + f"#{part}")
