"""The writer: a guided form, one step per part of the request, each step saved as a draft.

The practitioner starts a request (kind, requested State, keeping authority), goes through its
steps (``writer.py``) back and forth, each saved as a draft (``services.save_draft``), with the
findings of the completeness rules beside the form, updated as they type (htmx posts the step's
form to ``write_findings``, which checks it without saving). The review lists every finding,
takes a reason for each warning acknowledged, finalises (refused while an essential is missing)
and offers the finalised request as PDF or DOCX in a language the requested State accepts.

Every read and write goes through the request's policy: a request one may not see answers 404.
"""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.core.choices import Role
from palermo.core.models import Participant
from palermo.directory.models import Authority
from palermo.platform.access import allow, declare_routes
from palermo.platform.policies import policy_for, restrict, states_of
from palermo.platform.views import get_visible_or_404

from . import context, services, writer
from . import render as renderer
from .models import Direction, Request
from .rules import Requested, RequestError, Severity
from .writer_forms import (
    AcknowledgeForm,
    DownloadForm,
    StartForm,
    StepForms,
    channel_label,
    content_language,
    language_label,
)

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _requests():
    return Request.objects.select_related("authority", "requesting_state", "requested_state")


def _writable(request, pk) -> Request:
    """The request, if the user may see it (404 otherwise) and change it (403)."""
    row = get_visible_or_404(_requests(), request.user, pk=pk)
    if not policy_for(Request).allows(request.user, "change", row):
        raise PermissionDenied(_("This request was shared with you to read, not to change."))
    return row


def _requested_for(row: Request, user):
    content = row.content or {}
    code = content.get("requested_state") or row.requested_state.code
    try:
        return context.requested(code, content.get("kind") or row.kind, user)
    except context.UnknownState:
        return None


def _accepted_languages(requested) -> list[str]:
    return [c.lower() for c in (requested.languages if requested else [])]


def _default_language(requested) -> str:
    """The language to write in, from the requested State's Directory entry (ISO 639-1)."""
    chosen = renderer.choose_language(requested or Requested(), "")
    return content_language(chosen) if chosen else ""


def _offered_languages(requested) -> list[str]:
    """The templates a finalised request can be downloaded in: those of the languages the
    requested State accepts; all of them when its entry names none (or none has one)."""
    accepted = [renderer.template_for(c) for c in _accepted_languages(requested)]
    return list(dict.fromkeys(c for c in accepted if c)) or list(renderer.LANGUAGES)


# Starting -----------------------------------------------------------------------------------


@login_required
def write(request):
    user = request.user
    if not policy_for(Request).allows(user, "add"):
        raise PermissionDenied(_("Only a central-authority practitioner writes requests."))
    state_ids = states_of(user, Role.PRACTITIONER)
    form = StartForm(request.POST or None, user=user, state_ids=state_ids)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        authority, requested_state = data["authority"], data["requested_state"]
        try:
            requested = context.requested(requested_state.code, data["kind"], user)
        except context.UnknownState:
            requested = None
        content = {
            "kind": data["kind"],
            "requesting_state": authority.participant.code,
            "requested_state": requested_state.code,
            "requesting_authority": authority.authority,
            "language": _default_language(requested),
        }
        if requested and len(requested.channels) == 1:
            content["channel"] = requested.channels[0]
        try:
            row = services.create_request(
                acting_user=user,
                authority=authority,
                direction=Direction.OUTGOING,
                kind=data["kind"],
                title=data["title"],
                requesting_state=authority.participant,
                requested_state=requested_state,
                reference=data["reference"],
                content=content,
                language=content["language"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except (PermissionDenied, RequestError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The draft is saved. Go through the steps in any order."))
            first = writer.steps_for(row.kind)[0]
            return redirect("cooperation:write_step", pk=row.pk, step=first.slug)
    return render(request, "cooperation/writer/start.html", {"form": form})


# The steps ----------------------------------------------------------------------------------


def _step_or_404(row: Request, slug: str) -> writer.Step:
    try:
        return writer.get_step(row.kind, slug)
    except writer.UnknownStep:
        raise Http404(
            _("A request of this kind has no step “%(step)s”.") % {"step": slug}
        ) from None


def _forms(step, row: Request, requested, data=None) -> StepForms:
    options = {"authority": row.authority.authority}
    if step.slug == "parties":
        options["languages"] = requested.languages if requested else []
        options["channels"] = requested.channels if requested else []
    return StepForms(step, row.content or {}, data=data, **options)


def _typed(step, forms: StepForms, row: Request) -> dict:
    """The request's content with what was typed in the step's form (the valid part of it)."""
    forms.is_valid()
    return writer.apply(step, forms.cleaned(), row.content or {})


def _check(row: Request, user, content: dict | None = None):
    """The completeness rules on the request, or on its content as typed (not saved)."""
    if content is not None and content != row.content:
        row = copy.copy(row)
        row.content = content
    try:
        return services.check(row, user=user), ""
    except RequestError as exc:
        return None, str(exc)


def _findings(row: Request, report, step=None) -> list[dict]:
    rows = []
    for finding in report.findings if report else []:
        target = writer.step_for_field(row.kind, finding.field)
        anchor = f"#field-{writer.field_root(finding.field)}" if finding.field else ""
        rows.append(
            {
                "finding": finding,
                "severity": str(finding.severity),
                "step": target,
                "here": step is not None and target.slug == step.slug,
                "url": reverse("cooperation:write_step", args=[row.pk, target.slug]) + anchor,
            }
        )
    return rows


def _panel(row: Request, report, step, *, errors=(), problem="") -> dict:
    findings = _findings(row, report, step)
    return {
        "row": row,
        "findings": findings,
        "essentials": [f for f in findings if f["severity"] == Severity.ESSENTIAL],
        "warnings": [
            f
            for f in findings
            if f["severity"] == Severity.WARNING and not f["finding"].acknowledged
        ],
        "finalisable": bool(report and report.finalisable),
        "form_errors": list(errors),
        "problem": problem,
    }


def _page(request, row, step, forms, requested, report, *, problem="", status=200, **extra):
    previous, following = writer.neighbours(row.kind, step.slug)
    content = row.content or {}
    context_ = {
        "row": row,
        "step": step,
        "forms": forms,
        "previous": previous,
        "next": following,
        "steps": writer.step_states(row.kind, content, row.step, report.findings if report else []),
        "requested": requested,
        "requested_channels": [channel_label(c) for c in (requested.channels if requested else [])],
        "requested_languages": [
            language_label(c) for c in (requested.languages if requested else [])
        ],
        "purposes": content.get("purposes") or [],
        "panel": _panel(
            row, report, step, errors=forms.errors() if forms and forms.form.is_bound else ()
        ),
        "problem": problem,
        **extra,
    }
    if step.slug == "parties" and requested and requested.has_entry:
        context_["entry"] = (
            restrict(Authority.objects.all(), request.user)
            .filter(participant__code=requested.code, authority=requested.authority)
            .order_by("-last_confirmed", "pk")
            .first()
        )
    if step.slug == "review":
        context_.update(_review(row, requested, report))
    return render(request, "cooperation/writer/step.html", context_, status=status)


def _review(row: Request, requested, report) -> dict:
    acknowledged = (row.content or {}).get("acknowledged") or {}
    warnings = [
        {
            "finding": f,
            "form": AcknowledgeForm(initial={"code": f.code}, prefix=f"ack-{i}"),
        }
        for i, f in enumerate(report.findings if report else [])
        if f.severity == Severity.WARNING and not f.acknowledged
    ]
    offered = _offered_languages(requested)
    default = renderer.choose_language(requested or Requested(), row.language) or offered[0]
    return {
        "warnings_to_acknowledge": warnings,
        "acknowledged": sorted(acknowledged.items()),
        "download_form": DownloadForm(
            languages=offered,
            initial={"format": "pdf", "language": default if default in offered else None},
        )
        if row.finalised
        else None,
    }


@login_required
def write_step(request, pk, step):
    user = request.user
    row = _writable(request, pk)
    step = _step_or_404(row, step)
    requested = _requested_for(row, user)
    if request.method == "POST" and step.slug != "review":
        forms = _forms(step, row, requested, data=request.POST)
        problem = ""
        if forms.is_valid():
            content = writer.apply(step, forms.cleaned(), row.content or {})
            try:
                services.save_draft(row, content=content, step=step.slug, acting_user=user)
            except RequestError as exc:
                problem = _("Not saved: %(error)s") % {"error": exc}
            else:
                previous, following = writer.neighbours(row.kind, step.slug)
                go = request.POST.get("go", "next")
                target = {"back": previous, "next": following}.get(go) or step
                messages.success(request, _("Saved: %(step)s.") % {"step": step.title})
                return redirect("cooperation:write_step", pk=row.pk, step=target.slug)
        else:
            problem = _("Not saved: correct the fields marked below.")
        report, error = _check(row, user, _typed(step, forms, row))
        return _page(request, row, step, forms, requested, report, problem=problem or error)
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    forms = _forms(step, row, requested) if step.slug != "review" else None
    report, error = _check(row, user)
    return _page(request, row, step, forms, requested, report, problem=error)


@login_required
def write_findings(request, pk):
    """The findings panel for the step's form as typed (POST), or as saved (GET): a partial.

    Nothing is saved. The read was logged when the step's page was opened; the panel, asked
    for as the practitioner types, is not logged again."""
    user = request.user
    row = get_object_or_404(restrict(_requests(), user, "change"), pk=pk)
    slug = request.POST.get("step") or request.GET.get("step") or ""
    step = None
    if slug:
        step = _step_or_404(row, slug)
    errors, content = [], None
    if request.method == "POST" and step is not None and step.slug != "review":
        forms = _forms(step, row, _requested_for(row, user), data=request.POST)
        content = _typed(step, forms, row)
        errors = forms.errors()
    report, problem = _check(row, user, content)
    return render(
        request,
        "cooperation/writer/_findings.html",
        {"panel": _panel(row, report, step, errors=errors, problem=problem), "row": row},
    )


# Review: acknowledge, finalise, download -----------------------------------------------------


@login_required
def acknowledge(request, pk):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = request.user
    row = _writable(request, pk)
    review = reverse("cooperation:write_step", args=[row.pk, "review"])
    prefix = next((k.removesuffix("-code") for k in request.POST if k.endswith("-code")), None)
    form = AcknowledgeForm(request.POST, prefix=prefix)
    if not form.is_valid():
        messages.error(request, _("Give a reason for going on despite the warning."))
        return redirect(review)
    code, reason = form.cleaned_data["code"], form.cleaned_data["reason"].strip()
    report, problem = _check(row, user)
    warnings = {
        f.code for f in (report.findings if report else []) if f.severity == Severity.WARNING
    }
    if code not in warnings:
        messages.error(
            request,
            _("“%(code)s” is not a warning on this request: nothing to acknowledge.")
            % {"code": code},
        )
        return redirect(review)
    content = dict(row.content or {})
    content["acknowledged"] = {**(content.get("acknowledged") or {}), code: reason}
    try:
        services.save_draft(row, content=content, step="review", acting_user=user)
    except RequestError as exc:
        messages.error(request, _("Not saved: %(error)s") % {"error": exc})
    else:
        messages.success(request, _("Warning %(code)s acknowledged.") % {"code": code})
    return redirect(review)


@login_required
def finalise(request, pk):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = request.user
    row = _writable(request, pk)
    step = writer.get_step(row.kind, "review")
    try:
        services.finalise(row, acting_user=user)
    except services.NotFinalisable as exc:
        requested = _requested_for(row, user)
        return _page(
            request,
            row,
            step,
            None,
            requested,
            exc.report,
            refused=_findings(row, type(exc.report)(exc.report.blocking), step),
        )
    except RequestError as exc:
        messages.error(request, _("The request cannot be read: %(error)s") % {"error": exc})
    else:
        messages.success(request, _("Finalised: the request is ready for signature."))
    return redirect("cooperation:write_step", pk=row.pk, step="review")


@login_required
def download(request, pk):
    user = request.user
    row = get_visible_or_404(_requests(), user, pk=pk)
    if not row.finalised:
        if policy_for(Request).allows(user, "change", row):
            messages.error(request, _("Finalise the request before downloading it."))
            return redirect("cooperation:write_step", pk=row.pk, step="review")
        return HttpResponseBadRequest(_("This request is not finalised yet."))
    requested = _requested_for(row, user)
    offered = _offered_languages(requested)
    data = request.GET.copy()
    data.setdefault("format", "pdf")
    default = renderer.choose_language(requested or Requested(), row.language) or offered[0]
    data.setdefault("language", default)
    # The Directory's code ("zh") names the same template as the interface's ("zh-hans").
    data["language"] = renderer.template_for(data["language"]) or data["language"]
    form = DownloadForm(data, languages=offered)
    if not form.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
        return HttpResponseBadRequest(
            _("Cannot download: %(problems)s (languages offered: %(offered)s).")
            % {"problems": problems, "offered": ", ".join(offered)},
            content_type="text/plain; charset=utf-8",
        )
    fmt, language = form.cleaned_data["format"], form.cleaned_data["language"]
    try:
        body = renderer.render(row, fmt=fmt, language=language, user=user)
    except renderer.RenderError as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{row.reference}-{language}.{fmt}"'
    return response


urlpatterns = [
    path("write/", write, name="write"),
    path("<int:pk>/write/findings/", write_findings, name="write_findings"),
    path("<int:pk>/write/acknowledge/", acknowledge, name="acknowledge"),
    path("<int:pk>/write/finalise/", finalise, name="finalise"),
    path("<int:pk>/download/", download, name="download"),
    path("<int:pk>/write/<slug:step>/", write_step, name="write_step"),
]


# Samples for the permission matrix (tests/test_permission_matrix.py) --------------------------


def _sample_request(*, finalised=False):
    """A draft (or finalised) request kept by Argentina's central authority, to Brazil."""
    reference = "MATRIX-WRITER-2" if finalised else "MATRIX-WRITER-1"
    row = Request.objects.filter(reference=reference).first()
    if row is None:
        keeper = Authority.objects.filter(participant__code="ARG", area__code="mla").first()
        requested = Participant.objects.get(code="BRA")
        row = Request.objects.create(
            reference=reference,
            title="Matrix request for bank records (fictional)",
            authority=keeper,
            requesting_state=keeper.participant,
            requested_state=requested,
            content={
                "kind": "mla",
                "requesting_state": "ARG",
                "requested_state": "BRA",
                "requesting_authority": keeper.authority,
                "facts": "Fictional facts for the permission matrix.",
                "purposes": ["records"],
                "language": "es",
            },
            language="es",
            finalised=timezone.now() if finalised else None,
            is_demo=True,
        )
    return {"pk": row.pk}


def _sample_step():
    return {**_sample_request(), "step": "facts"}


WRITERS = ("practitioner",)
declare_routes(
    "cooperation",
    {
        # Any central-authority practitioner writes for their own State's authorities.
        "write": allow("practitioner", "practitioner@other"),
        "write_step": allow(*WRITERS, sample=_sample_step, hidden=True),
        "write_findings": allow(
            *WRITERS,
            sample=_sample_request,
            method="POST",
            data={"step": "facts", "facts": "Typed, not saved."},
            hidden=True,
        ),
        "acknowledge": allow(
            *WRITERS,
            sample=_sample_request,
            method="POST",
            data={"ack-0-code": "18-15-e", "ack-0-reason": "Not known yet."},
            hidden=True,
        ),
        "finalise": allow(*WRITERS, sample=_sample_request, method="POST", hidden=True),
        "download": allow(
            *WRITERS,
            sample=lambda: _sample_request(finalised=True),
            query={"format": "pdf", "language": "es"},
            hidden=True,
        ),
    },
)
