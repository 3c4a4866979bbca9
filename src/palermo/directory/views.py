from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palermo.core.models import Participant
from palermo.platform.policies import policy_for, restrict
from palermo.platform.tables import DataTableView
from palermo.platform.views import get_visible_or_404

from . import edition, services
from .forms import AuthorityFilter, AuthorityForm
from .models import Area, Authority
from .queries import declarations_for, declared, disagreements, prefill
from .tables import AuthorityTable


class AuthorityListView(DataTableView):
    """Browse and search the Directory; the stale flag; CSV/XLSX of what the reader may see."""

    template_name = "directory/entry_list.html"
    table_class = AuthorityTable
    filterset_class = AuthorityFilter
    title = gettext_lazy("Directory of competent authorities")
    intro = gettext_lazy(
        "Where a request goes in each State, per area of cooperation. Entries not confirmed "
        "for 12 months are marked “to confirm”."
    )
    export_name = "palermo-directory"

    def get_queryset(self):
        return Authority.objects.with_related()

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return ["platform/data_table.html#results"]  # the partial lives in the parent template
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("directory.add_authority")
        context["query"] = self.request.GET.urlencode()
        return context


def entry_detail(request, pk):
    entry = get_visible_or_404(Authority.objects.with_related(), request.user, pk=pk)
    hidden = policy_for(Authority).hidden_fields(request.user)
    found = declared(
        entry.area, declarations_for([entry.participant_id]).get(entry.participant_id, [])
    )
    return render(
        request,
        "directory/entry_detail.html",
        {
            "entry": entry,
            "lines": edition.lines(entry, hidden),
            "declared": found,
            "disagreements": disagreements(entry, found),
            "laws": restrict(entry.laws.select_related("participant"), request.user),
            "can_change": request.user.has_perm("directory.change_authority", entry),
            "can_confirm": request.user.has_perm("directory.confirm_authority", entry),
            "can_delete": request.user.has_perm("directory.delete_authority", entry),
        },
    )


def _initial(request) -> dict:
    """A new entry's first values: the State and area asked for, prefilled from the State's
    Treaties declarations (art. 18(13), 18(14), SOM art. 8(6))."""
    initial = {}
    participant = Participant.objects.filter(
        code=request.GET.get("participant", "").upper()
    ).first()
    area = Area.objects.filter(code=request.GET.get("area", "")).first()
    if participant:
        initial["participant"] = participant
    if area:
        initial["area"] = area
    if participant and area:
        initial.update(prefill(participant, area))
    return initial


@login_required
def entry_edit(request, pk=None):
    if pk:
        entry = get_visible_or_404(Authority.objects.with_related(), request.user, pk=pk)
        if not request.user.has_perm("directory.change_authority", entry):
            raise PermissionDenied
    else:
        entry = Authority()
        if not request.user.has_perm("directory.add_authority"):
            raise PermissionDenied
    initial = {} if pk else _initial(request)
    form = AuthorityForm(request.POST or None, instance=entry, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_entry(acting_user=request.user, entry=form.instance)
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            form.add_error("participant", str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("directory:entry", pk=form.instance.pk)
    prefilled = bool(not pk and initial.keys() - {"participant", "area"})
    return render(
        request,
        "directory/entry_form.html",
        {"form": form, "entry": entry, "prefilled": prefilled, "areas": Area.objects.all()},
    )


@login_required
def entry_confirm(request, pk):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    entry = get_visible_or_404(Authority.objects.with_related(), request.user, pk=pk)
    if not request.user.has_perm("directory.confirm_authority", entry):
        raise PermissionDenied
    services.confirm_entry(acting_user=request.user, entry=entry)
    messages.success(request, _("Confirmed as correct today."))
    return redirect("directory:entry", pk=entry.pk)


@login_required
def entry_delete(request, pk):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    entry = get_visible_or_404(Authority.objects.with_related(), request.user, pk=pk)
    if not request.user.has_perm("directory.delete_authority", entry):
        raise PermissionDenied
    try:
        services.delete_entry(acting_user=request.user, entry=entry)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("directory:entry", pk=entry.pk)
    messages.success(request, _("Deleted."))
    return redirect("directory:entries")


def _edition_entries(request):
    """The entries of the edition: the list's filters, the reader's rows."""
    filters = AuthorityFilter(
        request.GET or None, queryset=restrict(Authority.objects.with_related(), request.user)
    )
    return list(filters.qs), filters


def _by(request) -> str:
    return "state" if request.GET.get("by") == "state" else "area"


def printable(request):
    """The printable edition (print it, or save it as PDF from the browser)."""
    entries, filters = _edition_entries(request)
    by = _by(request)
    hidden = policy_for(Authority).hidden_fields(request.user)
    grouped = [
        {
            "heading": group.heading,
            "entries": [{"entry": e, "lines": edition.lines(e, hidden)} for e in group.entries],
        }
        for group in edition.groups(entries, by)
    ]
    query = request.GET.copy()
    query.pop("by", None)
    return render(
        request,
        "directory/edition.html",
        {
            "groups": grouped,
            "by": by,
            "query": query.urlencode(),
            "pdf": edition.pdf_available(),
            "filter": filters,
        },
    )


def printable_pdf(request):
    """The same edition as a PDF file; without the PDF library, the print page."""
    if not edition.pdf_available():
        messages.info(
            request,
            _("PDF is not available on this server: print this page or save it as PDF."),
        )
        return redirect(f"{_url('directory:edition')}?{request.GET.urlencode()}")
    entries, _filters = _edition_entries(request)
    by = _by(request)
    data = edition.render_pdf(entries, user=request.user, by=by)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="palermo-directory-by-{by}.pdf"'
    return response


def _url(name):
    from django.urls import reverse

    return reverse(name)


def participant_panel(request, participant):
    """The Directory panel of a State's profile: its entries, each with its stale flag."""
    entries = restrict(
        Authority.objects.with_related().filter(participant=participant), request.user
    )
    return {
        "entries": list(entries),
        "participant": participant,
        "can_add": request.user.has_perm(
            "directory.add_authority", Authority(participant=participant)
        ),
    }
