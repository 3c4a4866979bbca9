"""The log of requests: list, detail, status changes, notes, documents, related requests,
sharing, recording a request sent or received outside Palermo, and statistics per counterpart.

Every page reads through the request's policy: a request the user may not see answers 404 like
one that does not exist (for every POST too), a reader it was shared with cannot change it
(403), and each read of a request's page is logged (``get_visible_or_404``). Every write goes
through ``services``.
"""

from datetime import date
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palermo.core.choices import Role
from palermo.core.models import Participant
from palermo.platform.access import allow, declare_routes
from palermo.platform.models import Grant
from palermo.platform.policies import has_role, policy_for, restrict
from palermo.platform.tables import DataTableView
from palermo.platform.views import get_visible_or_404

from . import context, rules, services
from .forms import (
    GROUND_LABELS,
    DocumentForm,
    NoteForm,
    RecordForm,
    RelateForm,
    RequestFilter,
    ShareForm,
    StatusForm,
    UnshareForm,
)
from .models import Direction, Document, Request, Status
from .tables import RequestTable, annotate_log, is_overdue

practitioner = has_role(Role.PRACTITIONER)


def may_use_log(user) -> bool:
    """Practitioners keep a log; anyone else only sees requests shared with them."""
    if not user.is_authenticated:
        return False
    return practitioner.test(user, None) or (
        Grant.objects.held_by(user).for_model(Request).exists()
    )


def _refuse_unless_log_user(request):
    if not may_use_log(request.user):
        raise PermissionDenied(_("The log of requests is for central-authority practitioners."))


# The list -------------------------------------------------------------------------------------


class RequestListView(DataTableView):
    template_name = "cooperation/log.html"
    table_class = RequestTable
    filterset_class = RequestFilter
    title = gettext_lazy("Requests for cooperation")
    intro = gettext_lazy(
        "The requests your authority sent and received, and those shared with you. Nobody "
        "else sees them; every read is recorded."
    )
    export_name = "palermo-cooperation-log"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        _refuse_unless_log_user(request)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return annotate_log(Request.objects.select_related("requesting_state", "requested_state"))

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return ["platform/data_table.html#results"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context_data = super().get_context_data(**kwargs)
        context_data.update(
            can_record=policy_for(Request).allows(self.request.user, "add"),
            write_url=_url("cooperation:write"),
        )
        return context_data


# One request ----------------------------------------------------------------------------------

DETAIL_RELATED = (
    "authority__participant",
    "authority__area",
    "counterpart_authority__participant",
    "counterpart_authority__area",
    "requesting_state",
    "requested_state",
    "created_by",
)


def _url(name, *args, query="") -> str:
    """The URL of a route of another part of the module, or "" while it is not there."""
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return ""


def _writer_links(item: Request) -> dict:
    step = item.step
    if not step:
        try:
            from .writer import steps_for

            steps = steps_for(item.kind)
            step = steps[0].slug if steps else ""
        except ImportError:
            step = ""
    language = item.language or ""
    query = f"&language={language}" if language else ""
    return {
        "write": _url("cooperation:write_step", item.pk, step) if step else "",
        "pdf": _url("cooperation:download", item.pk, query=f"?format=pdf{query}"),
        "docx": _url("cooperation:download", item.pk, query=f"?format=docx{query}"),
    }


SEVERITIES = {
    rules.Severity.ESSENTIAL: gettext_lazy("Essential"),
    rules.Severity.WARNING: gettext_lazy("Warning"),
    rules.Severity.RISK: gettext_lazy("Risk of refusal"),
    rules.Severity.INFO: gettext_lazy("To know"),
}


def _report(item: Request, user):
    """The completeness rules' findings for an outgoing request (``None`` for an incoming one),
    or the reason they could not be run."""
    if item.direction != Direction.OUTGOING:
        return None, ""
    try:
        report = services.check(item, user=user)
    except rules.RequestError as exc:
        return None, _("The request's text cannot be read: %(error)s") % {"error": exc}
    except context.UnknownState as exc:
        return None, _("The requested State %(code)s is unknown.") % {"code": exc}
    return {
        "finalisable": report.finalisable,
        "blocking": len(report.blocking),
        "findings": [
            {
                "severity": str(f.severity),
                "label": SEVERITIES.get(f.severity, f.severity),
                "message": f.message,
                "source": str(f.source),
                "acknowledged": f.acknowledged,
            }
            for f in report.findings
        ],
    }, ""


def _detail_context(request, item: Request, **forms) -> dict:
    user = request.user
    policy = policy_for(Request)
    can_change = policy.allows(user, "change", item)
    can_share = policy.allows(user, "share", item)
    allowed = services.TRANSITIONS.get(item.status, ()) if can_change else ()
    report, report_error = _report(item, user)
    visible = restrict(Request.objects.all(), user)
    return {
        "item": item,
        "counterpart": item.counterpart_state,
        "directory_url": _url(
            "directory:entries", query=f"?participant={item.counterpart_state.code}"
        ),
        "overdue": is_overdue(item),
        "grounds": [GROUND_LABELS.get(g, g) for g in item.refusal_grounds or []],
        "events": restrict(item.events.select_related("created_by"), user),
        "documents": restrict(item.documents.select_related("created_by"), user),
        "related": visible.filter(related=item).select_related(
            "requesting_state", "requested_state"
        ),
        "report": report,
        "report_error": report_error,
        "links": _writer_links(item) if item.direction == Direction.OUTGOING else {},
        "can_change": can_change,
        "can_share": can_share,
        "shares": services.shares(item) if can_share else [],
        "needs_finalising": (
            item.status == Status.DRAFT
            and item.direction == Direction.OUTGOING
            and not item.finalised
        ),
        "status_form": StatusForm(allowed=allowed) if allowed else None,
        "note_form": NoteForm() if can_change else None,
        "document_form": DocumentForm() if can_change else None,
        "relate_form": RelateForm() if can_change else None,
        "share_form": ShareForm() if can_share else None,
        # The form that failed, with its errors, in place of its blank one.
        **forms,
    }


@login_required
def request_detail(request, pk):
    item = get_visible_or_404(Request.objects.select_related(*DETAIL_RELATED), request.user, pk=pk)
    return render(request, "cooperation/request.html", _detail_context(request, item))


def _for_write(request, pk, action="change"):
    """The request for a POST: 404 unless the user may see it, 403 unless they may ``action``
    it. The read is not logged: the page that follows logs it."""
    if request.method != "POST":
        return None, HttpResponseNotAllowed(["POST"])
    item = get_object_or_404(
        restrict(Request.objects.select_related(*DETAIL_RELATED), request.user), pk=pk
    )
    if not policy_for(Request).allows(request.user, action, item):
        raise PermissionDenied(_("You may read this request but not change it."))
    return item, None


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _add_errors(form, exc: ValidationError) -> None:
    """A service's ``ValidationError`` on the form: on its field where the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, _errors(exc))


def _invalid(request, item, **forms):
    """The request's page again, with the form that failed and its errors: 400, except to
    htmx (the boosted forms), which swaps in only a successful answer."""
    return render(
        request,
        "cooperation/request.html",
        _detail_context(request, item, **forms),
        status=200 if getattr(request, "htmx", False) else 400,
    )


@login_required
def request_status(request, pk):
    item, refused = _for_write(request, pk)
    if refused:
        return refused
    form = StatusForm(request.POST, allowed=services.TRANSITIONS.get(item.status, ()))
    if not form.is_valid():
        return _invalid(request, item, status_form=form)
    data = form.cleaned_data
    try:
        services.transition(
            item,
            data["status"],
            acting_user=request.user,
            on=data["on"],
            note=data["note"],
            grounds=data["grounds"],
        )
    except services.TransitionError as exc:
        form.add_error("grounds" if "18(21)" in str(exc) else None, str(exc))
        return _invalid(request, item, status_form=form)
    messages.success(
        request,
        _("%(ref)s is now %(status)s.")
        % {"ref": item.reference, "status": Status(data["status"]).label},
    )
    return redirect("cooperation:request", pk=item.pk)


@login_required
def request_note(request, pk):
    item, refused = _for_write(request, pk)
    if refused:
        return refused
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _invalid(request, item, note_form=form)
    try:
        services.add_note(
            item, form.cleaned_data["text"], acting_user=request.user, on=form.cleaned_data["on"]
        )
    except ValidationError as exc:
        form.add_error("text", _errors(exc))
        return _invalid(request, item, note_form=form)
    messages.success(request, _("The note is added."))
    return redirect("cooperation:request", pk=item.pk)


@login_required
def request_document(request, pk):
    item, refused = _for_write(request, pk)
    if refused:
        return refused
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _invalid(request, item, document_form=form)
    data = form.cleaned_data
    try:
        services.add_document(
            item,
            title=data["title"],
            way=data["way"],
            on=data["on"],
            file=data["file"] or None,
            acting_user=request.user,
        )
    except ValidationError as exc:
        _add_errors(form, exc)
        return _invalid(request, item, document_form=form)
    messages.success(request, _("The document “%(title)s” is recorded.") % {"title": data["title"]})
    return redirect("cooperation:request", pk=item.pk)


@login_required
def document_file(request, pk, document):
    """A document's file, for who may see the request (404 for everyone else); always a
    download, never shown inline."""
    item = get_object_or_404(restrict(Request.objects.all(), request.user), pk=pk)
    stored = get_visible_or_404(
        Document.objects.filter(request=item).exclude(file=""), request.user, pk=document
    ).file
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is missing from the server's storage.")) from exc
    return FileResponse(handle, as_attachment=True, filename=Path(stored.name).name)


@login_required
def request_relate(request, pk):
    item, refused = _for_write(request, pk)
    if refused:
        return refused
    form = RelateForm(
        request.POST, candidates=restrict(Request.objects.exclude(pk=item.pk), request.user)
    )
    if not form.is_valid():
        return _invalid(request, item, relate_form=form)
    other = form.cleaned_data["other"]
    try:
        services.relate(item, other, acting_user=request.user)
    except ValidationError as exc:
        form.add_error("reference", _errors(exc))
        return _invalid(request, item, relate_form=form)
    messages.success(
        request, _("%(ref)s is related to %(other)s.") % {"ref": item.reference, "other": other}
    )
    return redirect("cooperation:request", pk=item.pk)


@login_required
def request_share(request, pk):
    """Who the request is shared with, and the form to share it or take a share back."""
    item = get_object_or_404(
        restrict(Request.objects.select_related(*DETAIL_RELATED), request.user), pk=pk
    )
    if not policy_for(Request).allows(request.user, "share", item):
        raise PermissionDenied(_("Only its authority's practitioners and its owner share it."))
    form = ShareForm()
    status = 200
    if request.method == "POST":
        if request.POST.get("remove"):
            removal = UnshareForm(request.POST)
            if removal.is_valid():
                data = removal.cleaned_data
                services.unshare(item, to=data["to"], role=data["role"], acting_user=request.user)
                messages.success(request, _("The share is taken back."))
                return redirect("cooperation:share", pk=item.pk)
            messages.error(request, " ".join(removal.non_field_errors()) or _("Nothing to remove."))
            return redirect("cooperation:share", pk=item.pk)
        form = ShareForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.share(item, to=data["to"], role=data["role"], acting_user=request.user)
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(
                    request,
                    _("%(ref)s is shared with %(holder)s (%(role)s).")
                    % {"ref": item.reference, "holder": data["holder"], "role": data["role"]},
                )
                return redirect("cooperation:share", pk=item.pk)
        status = 400
    return render(
        request,
        "cooperation/share.html",
        {"item": item, "shares": services.shares(item), "share_form": form},
        status=status,
    )


# Recording a request sent or received outside Palermo ------------------------------------------


def _record(form: RecordForm, user) -> Request:
    """One request in the log, sent or received outside Palermo on its day; all or nothing."""
    arguments = form.request_arguments()
    on, note = form.cleaned_data["on"], form.cleaned_data["note"]
    outgoing = arguments["direction"] == Direction.OUTGOING
    with transaction.atomic():
        if outgoing:
            item = services.create_request(acting_user=user, sent_on=on, **arguments)
        else:
            item = services.create_request(acting_user=user, **arguments)
        if note:
            services.add_note(item, note, acting_user=user, on=on)
    return item


@login_required
def record(request):
    if not policy_for(Request).allows(request.user, "add"):
        raise PermissionDenied(_("Central-authority practitioners record requests."))
    form = RecordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            item = _record(form, request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("authority", str(exc) or _("You may not record a request for it."))
        else:
            messages.success(request, _("%(ref)s is in the log.") % {"ref": item.reference})
            return redirect("cooperation:request", pk=item.pk)
    return render(
        request,
        "cooperation/record.html",
        {"form": form, "write_url": _url("cooperation:write")},
        status=400 if form.is_bound and form.errors else 200,
    )


# Statistics ---------------------------------------------------------------------------------------


def _ground_list(counts: dict) -> list[tuple[str, str, int]]:
    """``(ground, its label, refusals)`` in the order of article 18(21)."""
    order = list(services.REFUSAL_GROUNDS)
    ranked = sorted(counts.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
    return [(ground, GROUND_LABELS.get(ground, ground), n) for ground, n in ranked]


@login_required
def statistics(request):
    _refuse_unless_log_user(request)
    direction = request.GET.get("direction") or None
    if direction not in (None, *Direction.values):
        direction = None
    rows = services.counterpart_stats(request.user, direction=direction)
    for row in rows:
        row["grounds"] = _ground_list(row.get("refusals_by_ground") or {})
    totals = {
        key: sum(row[key] for row in rows)
        for key in ("total", "open", "executed", "refused", "withdrawn")
    }
    return render(
        request,
        "cooperation/statistics.html",
        {
            "rows": rows,
            "totals": totals,
            "direction": direction or "",
            "directions": Direction.choices,
            "ground_labels": GROUND_LABELS,
        },
    )


urlpatterns = [
    path("", RequestListView.as_view(), name="log"),
    path("record/", record, name="record"),
    path("statistics/", statistics, name="statistics"),
    path("<int:pk>/", request_detail, name="request"),
    path("<int:pk>/status/", request_status, name="status"),
    path("<int:pk>/note/", request_note, name="note"),
    path("<int:pk>/document/", request_document, name="document"),
    path("<int:pk>/documents/<int:document>/", document_file, name="document_file"),
    path("<int:pk>/relate/", request_relate, name="relate"),
    path("<int:pk>/share/", request_share, name="share"),
]


# Samples for the permission matrix (tests/test_permission_matrix.py) -----------------------------


def _matrix_request(reference="MATRIX-001") -> Request:
    """A fictional outgoing request kept by an Argentine authority, sent to Brazil."""
    from palermo.directory.models import Area, Authority

    argentina = Participant.objects.get(code="ARG")
    keeper = Authority.objects.filter(participant=argentina, area__code="mla").first()
    if keeper is None:
        keeper = Authority.objects.create(
            participant=argentina,
            area=Area.objects.get_or_create(
                code="mla", defaults={"name": "Mutual legal assistance"}
            )[0],
            authority="Matrix central authority (fictional)",
            is_demo=True,
        )
    item, _created = Request.objects.get_or_create(
        authority=keeper,
        reference=reference,
        defaults={
            "title": "Matrix request for bank records (fictional)",
            "direction": Direction.OUTGOING,
            "requesting_state": argentina,
            "requested_state": Participant.objects.get(code="BRA"),
            "status": Status.SENT,
            "sent_on": date(2026, 1, 5),
            "is_demo": True,
        },
    )
    return item


def _sample_request():
    return {"pk": _matrix_request().pk}


def _sample_document():
    item = _matrix_request()
    document = item.documents.exclude(file="").first()
    if document is None:
        document = Document(
            request=item, title="Matrix answer (fictional)", way="received", on=date(2026, 1, 9)
        )
        document.file.save("matrix-answer.txt", ContentFile(b"Fictional answer."), save=True)
    return {"pk": item.pk, "document": document.pk}


LOG_USERS = ("practitioner", "practitioner@other")


def _write(data):
    """A POST on a sample request: Argentina's practitioner only, hidden from the others."""
    return allow("practitioner", sample=_sample_request, method="POST", hidden=True, data=data)


declare_routes(
    "cooperation",
    {
        # Each practitioner sees their own authority's requests (and those shared with them).
        "log": allow(*LOG_USERS),
        "record": allow(*LOG_USERS),
        "statistics": allow(*LOG_USERS),
        "request": allow("practitioner", sample=_sample_request, hidden=True),
        "status": _write(data={"status": "acknowledged", "on": "2026-01-10", "note": "Matrix"}),
        "note": _write(data={"text": "Matrix note", "on": "2026-01-10"}),
        "document": _write(
            data={"title": "Matrix answer (fictional)", "way": "received", "on": "2026-01-10"}
        ),
        "relate": _write(data=lambda: {"reference": _matrix_request("MATRIX-002").reference}),
        "document_file": allow("practitioner", sample=_sample_document, hidden=True),
        "share": allow("practitioner", sample=_sample_request, hidden=True),
    },
)
