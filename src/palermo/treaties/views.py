import re
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django_tables2.export import ExportMixin
from django_tables2.utils import OrderBy
from django_tables2.views import SingleTableMixin

from palermo.core.models import Participant
from palermo.platform.exports import SafeTableExport
from palermo.platform.pages import cached_render, register_cached_page
from palermo.platform.policies import restrict

from . import services
from .choices import STATUS_COLORS, ActionKind, Status
from .forms import DeclarationForm, InstrumentFactsForm, StatusFilterForm, TreatyActionForm
from .models import Article, Declaration, Instrument, TreatyAction
from .queries import NO_ACTION, TreatyResults, instruments, status_rows
from .tables import DatabaseStatusRows, StatusTable


def _partial_notice(instrument_list):
    """What the partial-data notice says of each instrument whose actions are not all
    recorded: the date as at which they are complete, and the later actions loaded (named, so
    a reader sees exactly what is known after that date). One query."""
    items = [i for i in instrument_list if not i.actions_complete]
    later = {}
    dated = [i for i in items if i.actions_complete_until]
    if dated:
        after = Q()
        for instrument in dated:
            after |= Q(instrument=instrument, date__gt=instrument.actions_complete_until)
        rows = (
            TreatyAction.objects.filter(after)
            .exclude(kind=ActionKind.SIGNATURE)
            .order_by("date", "participant__name")
            .values_list("instrument_id", "participant__name", "kind", "date")
        )
        for instrument_id, name, kind, day in rows:
            later.setdefault(instrument_id, []).append(
                {"participant": name, "kind": ActionKind(kind).label, "date": day}
            )
    return [
        {
            "instrument": i,
            "complete_until": i.actions_complete_until,
            "later": later.get(i.pk, []),
        }
        for i in items
    ]


def instrument_list(request):
    results = TreatyResults()
    engine = results.engine()
    items = []
    for instrument in instruments().prefetch_related("snapshots"):
        snapshot = next(iter(instrument.snapshots.all()), None)
        items.append(
            {
                "instrument": instrument,
                "counts": results.counts(instrument.code, results.today),
                "entry_into_force": engine.entry_into_force(instrument.code),
                "derived": engine.derived_entry_into_force(instrument.code),
                "discrepancy": next(
                    (d for d in engine.discrepancies if d.instrument == instrument.code), None
                ),
                "snapshot": snapshot,
            }
        )
    return render(
        request,
        "treaties/instrument_list.html",
        {
            "items": items,
            "partial": _partial_notice([i["instrument"] for i in items]),
        },
    )


def _highlight(text: str, query: str) -> str:
    escaped = escape(text)
    if not query:
        return escaped
    pattern = re.compile(re.escape(escape(query)), re.IGNORECASE)
    return pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped)


def instrument_detail(request, code):
    instrument = get_object_or_404(Instrument.objects.select_related("parent"), code=code.upper())
    query = request.GET.get("q", "").strip()
    articles = instrument.articles.all()
    results = []
    if query:
        for article in articles.filter(Q(text__icontains=query) | Q(title__icontains=query)):
            hits = [
                mark_safe(_highlight(p, query))
                for p in article.paragraphs
                if query.lower() in p.lower()
            ]
            results.append(
                {
                    "article": article,
                    "hits": hits,
                    "title": mark_safe(_highlight(article.title, query)),
                }
            )
    treaty = TreatyResults()
    engine = treaty.engine()
    context = {
        "instrument": instrument,
        "articles": articles,
        "query": query,
        "results": results,
        "entry_into_force": engine.entry_into_force(instrument.code),
        "derived": engine.derived_entry_into_force(instrument.code),
        "discrepancy": next(
            (d for d in engine.discrepancies if d.instrument == instrument.code), None
        ),
        "counts": treaty.counts(instrument.code, treaty.today),
    }
    if request.htmx and request.htmx.target == "search-results":
        return render(request, "treaties/instrument_detail.html#search", context)
    return render(request, "treaties/instrument_detail.html", context)


@login_required
def instrument_facts(request, code):
    """The Secretariat corrects an instrument's sourced facts (POST from the instrument page)."""
    instrument = get_object_or_404(Instrument, code=code.upper())
    if not request.user.has_perm("treaties.change_instrument", instrument):
        raise PermissionDenied
    form = InstrumentFactsForm(request.POST or None, instance=instrument)
    if request.method == "POST" and form.is_valid():
        services.update_instrument_facts(
            acting_user=request.user, instrument=instrument, **form.cleaned_data
        )
        messages.success(request, _("Saved."))
        return redirect("treaties:instrument", code=instrument.code)
    return render(
        request, "treaties/instrument_facts.html", {"form": form, "instrument": instrument}
    )


def article_detail(request, code, number):
    article = get_object_or_404(
        Article.objects.select_related("instrument"), instrument__code=code.upper(), number=number
    )
    siblings = list(article.instrument.articles.values_list("number", flat=True))
    index = siblings.index(article.number)
    declarations = Declaration.objects.with_related().filter(article=article)
    return render(
        request,
        "treaties/article_detail.html",
        {
            "article": article,
            "declarations": declarations,
            "previous": siblings[index - 1] if index > 0 else None,
            "next": siblings[index + 1] if index + 1 < len(siblings) else None,
        },
    )


PARTICIPANTS_PAGE = register_cached_page(
    "treaties.participants", "/treaties/participants/?instrument=UNTOC&on=2010-07-13"
)


class StatusListView(ExportMixin, SingleTableMixin, TemplateView):
    """Every participant with its status towards one instrument on a chosen date."""

    template_name = "treaties/participant_list.html"
    table_class = StatusTable
    paginate_by = 50
    export_formats = ("csv", "xlsx")
    export_trigger_param = "_export"
    export_class = SafeTableExport

    def get_form(self):
        if not hasattr(self, "_form"):
            self._form = StatusFilterForm(self.request.GET or None)
            if not self._form.is_bound:
                self._form = StatusFilterForm({})
            self._form.is_valid()
        return self._form

    content_template = "treaties/participant_list_content.html"

    def get(self, request, *args, **kwargs):
        export_format = request.GET.get(self.export_trigger_param)
        if self.export_class.is_valid_format(export_format):
            # Straight to the export: the page's context would build every row a second time.
            return self.create_export(export_format)
        # The content is the same for every reader: rendered once per data version, query and
        # language, and only the page around it (navigation, user, language form) per request.
        partial = request.htmx and not request.htmx.boosted
        content = cached_render(
            request,
            self.get_results().data,
            PARTICIPANTS_PAGE,
            f"{self.content_template}#results" if partial else self.content_template,
            self.public_context,
        )
        if partial:
            return HttpResponse(content)
        return render(request, self.template_name, {"content": content})

    def public_context(self, public):
        """The content's context, computed for ``public`` (an anonymous visitor's request)."""
        self.request = public
        return self.get_context_data()

    def get_results(self):
        """One read of the data's version for the rows and the counts."""
        if not hasattr(self, "_results"):
            self._results = TreatyResults()
        return self._results

    def get_table_data(self):
        form = self.get_form()
        data = form.cleaned_data
        participants = form.filter_participants(Participant.objects.all())
        instrument, on, results = data["instrument"], data["on"], self.get_results()
        sort = OrderBy(self.request.GET.get("sort") or StatusTable._meta.order_by[0]).bare
        if not data.get("status") and sort in DatabaseStatusRows.SORTABLE:
            # Sorted and paginated in SQL: rows are built for the page shown only.
            return DatabaseStatusRows(
                participants.select_related(None),
                lambda page: status_rows(instrument, on, page, results),
            )
        rows = status_rows(instrument, on, participants, results)
        if data.get("status"):
            rows = [r for r in rows if r["status"] == data["status"]]
        return rows

    def get_export_filename(self, export_format):
        data = self.get_form().cleaned_data
        return f"palermo-status-{data['instrument'].code}-{data['on']}.{export_format}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.get_form()
        data = form.cleaned_data
        # The instrument select reads its options once, not once to render them and once more
        # to decide on its `required` attribute (iter(): without a COUNT first).
        instrument = form.fields["instrument"]
        instrument.choices = list(iter(instrument.choices))
        context.update(
            form=form,
            filter=form,
            instrument=data["instrument"],
            on=data["on"],
            counts=self.get_results().counts(data["instrument"].code, data["on"]),
            export_formats=self.export_formats,
            title=_("Participants"),
            partial=_partial_notice([data["instrument"]]),
        )
        return context


def participant_redirect(request, code):
    """The State profile moved to the core page that gathers every module's panel."""
    url = reverse("core:participant", args=[code.upper()])
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url, permanent=True)


def participant_panel(request, participant):
    """The Treaties panel of a State's profile: status on a date, actions, declarations."""
    form = StatusFilterForm(request.GET or {})
    form.is_valid()
    on = form.cleaned_data.get("on") or date.today()
    results = TreatyResults()
    engine = results.engine()
    all_instruments = list(instruments())
    by_code = {i.code: i for i in all_instruments}
    actions = {}
    for action in TreatyAction.objects.filter(participant=participant).select_related("instrument"):
        actions.setdefault(action.instrument.code, []).append(action)
    rows = []
    for history in engine.history(participant.code):
        rows.append(
            {
                "instrument": by_code.get(history.instrument),
                "history": history,
                "status": Status(results.status(participant.code, history.instrument, on)),
                "consent_kind": ActionKind(history.consent.kind).label if history.consent else "",
                "actions": actions.get(history.instrument, []),
            }
        )
    seen = {r["instrument"].code for r in rows if r["instrument"]}
    for instrument in all_instruments:
        if instrument.code not in seen:
            rows.append(
                {"instrument": instrument, "history": None, "status": Status.NONE, "actions": []}
            )
    rows.sort(key=lambda r: r["instrument"].order)
    declarations = restrict(
        Declaration.objects.with_related().filter(participant=participant), request.user
    )
    return {
        "rows": rows,
        "on": on,
        "declarations": declarations,
        "notes": [
            n
            for n in [*engine.unverified, *engine.excepted]
            if n.action.participant == participant.code
        ],
        "can_add_declaration": request.user.has_perm("treaties.add_declaration", participant),
        "partial": _partial_notice(all_instruments),
    }


def _chosen(request):
    form = StatusFilterForm(request.GET or {})
    form.is_valid()
    return form, form.cleaned_data["instrument"], form.cleaned_data["on"]


def world_map(request):
    form, instrument, on = _chosen(request)
    results = TreatyResults()
    statuses = results.statuses(instrument.code, on)
    participants = list(Participant.objects.exclude(m49_code=""))
    values, labels, links = {}, {}, {}
    for p in participants:
        status = statuses.get(p.code, NO_ACTION)[0]
        labels[p.m49_code] = p.localized_name
        links[p.m49_code] = reverse("core:participant", args=[p.code])
        if status != Status.NONE:
            values[p.m49_code] = status
    categories = [
        {"key": s.value, "label": str(s.label), "color": STATUS_COLORS[s]}
        for s in (Status.PARTY, Status.CONTRACTING, Status.SIGNATORY, Status.DENOUNCED)
    ]
    return render(
        request,
        "treaties/map.html",
        {
            "form": form,
            "instrument": instrument,
            "on": on,
            "map_data": {
                "categories": categories,
                "values": values,
                "labels": labels,
                "links": links,
            },
            "topojson": static("vendor/countries-110m.json"),
            "counts": results.counts(instrument.code, on),
            "partial": _partial_notice([instrument]),
        },
    )


def timeline(request):
    results = TreatyResults()
    series = []
    for instrument in instruments():
        points = results.timeline(instrument.code)
        series.append({"instrument": instrument, "points": points})
    # One label axis for all instruments: every date on which any count changes, and today,
    # so each step line runs to the present.
    dates = sorted({d for s in series for d, _counts in s["points"]} | {date.today()})
    datasets = []
    for s in series:
        values, current, i = [], 0, 0
        points = s["points"]
        for d in dates:
            while i < len(points) and points[i][0] <= d:
                current = points[i][1].parties
                i += 1
            values.append(current)
        datasets.append(
            {"label": s["instrument"].local_short_title, "data": values, "stepped": True}
        )
    chart = {
        "type": "line",
        "x_type": "date",
        "labels": [d.isoformat() for d in dates],
        "datasets": datasets,
        "x_title": _("Date"),
        "y_title": _("Parties (instrument in force for them)"),
    }
    return render(
        request,
        "treaties/timeline.html",
        {
            "series": series,
            "chart": chart,
            "partial": _partial_notice(list(instruments())),
        },
    )


@login_required
def declaration_delete(request, code, pk):
    declaration = get_object_or_404(
        Declaration.objects.select_related("participant"), pk=pk, participant__code=code.upper()
    )
    if not request.user.has_perm("treaties.delete_declaration", declaration):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.delete_declaration(acting_user=request.user, declaration=declaration)
    messages.success(request, _("Deleted."))
    return redirect("core:participant", code=declaration.participant.code)


@login_required
def declaration_edit(request, code, pk=None):
    participant = get_object_or_404(Participant, code=code.upper())
    declaration = (
        get_object_or_404(Declaration, pk=pk, participant=participant)
        if pk
        else Declaration(participant=participant)
    )
    perm = "treaties.change_declaration" if pk else "treaties.add_declaration"
    if not request.user.has_perm(perm, participant):
        raise PermissionDenied
    form = DeclarationForm(
        request.POST or None,
        instance=declaration,
        user=request.user,
        initial={"participant": participant},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_declaration(acting_user=request.user, declaration=form.instance)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("core:participant", code=form.instance.participant.code)
    return render(
        request,
        "treaties/declaration_form.html",
        {"form": form, "participant": participant, "declaration": declaration},
    )


@login_required
def action_create(request):
    if not request.user.has_perm("treaties.add_treatyaction"):
        raise PermissionDenied
    form = TreatyActionForm(request.POST or None, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = services.record_action(acting_user=request.user, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Recorded: %(action)s") % {"action": action})
            return redirect("core:participant", code=action.participant.code)
    return render(request, "treaties/action_form.html", {"form": form})


@login_required
def action_delete(request, pk):
    action = get_object_or_404(TreatyAction.objects.select_related("participant"), pk=pk)
    if not request.user.has_perm("treaties.delete_treatyaction", action):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.delete_action(acting_user=request.user, action=action)
    messages.success(request, _("Deleted."))
    return redirect("core:participant", code=action.participant.code)
