"""The periodic report's pages, for the Secretariat: the drafts, a new draft (title, period),
the narrative of each section written beside its computed figures, and the DOCX or PDF."""

import tempfile
from datetime import date
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palermo.platform.access import allow, declare_routes

from . import report
from .models import Report

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


class ReportForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    date_from = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise ValidationError(_("The period ends before it starts."))
        return data


def _secretariat(request, action="view", obj=None):
    if not request.user.has_perm(f"assistance.{action}_report", obj):
        raise PermissionDenied(_("Only the Secretariat writes the periodic report."))


def _draft(request, pk, action="view"):
    draft = get_object_or_404(Report.objects.restrict(request.user), pk=pk)
    _secretariat(request, action, draft)
    return draft


@login_required
def report_list(request):
    _secretariat(request)
    drafts = Report.objects.restrict(request.user).select_related("created_by")
    return render(request, "assistance/report_list.html", {"reports": drafts})


@login_required
def report_new(request):
    _secretariat(request, "add")
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = report.create_report(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The report is created: write its sections."))
            return redirect("assistance:report_edit", pk=draft.pk)
    return render(request, "assistance/report_form.html", {"form": form})


@login_required
def report_edit(request, pk):
    draft = _draft(request, pk, "change" if request.method == "POST" else "view")
    if request.method == "POST":
        narratives = {
            key.removeprefix("narrative-"): value
            for key, value in request.POST.items()
            if key.startswith("narrative-")
        }
        try:
            report.save_narratives(draft, narratives, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The narratives are saved."))
            return redirect("assistance:report_edit", pk=draft.pk)
    data = report.build_for(draft, request.user)
    return render(
        request,
        "assistance/report_edit.html",
        {"report": draft, "data": data, "sections": data.sections},
    )


@login_required
def report_download(request, pk, fmt):
    draft = _draft(request, pk)
    if fmt not in CONTENT_TYPES:
        raise Http404(_("A report is downloaded as docx or pdf."))
    data = report.build_for(draft, request.user)
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"report.{fmt}"
        report.write(data, target, fmt)
        content = target.read_bytes()
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    name = f"palermo-assistance-report-{draft.date_from:%Y%m%d}-{draft.date_to:%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


urlpatterns = [
    path("reports/", report_list, name="reports"),
    path("reports/new/", report_new, name="report_new"),
    path("reports/<int:pk>/", report_edit, name="report_edit"),
    path("reports/<int:pk>/<str:fmt>/", report_download, name="report_download"),
]


def _sample():
    from palermo.core.models import User

    draft = Report.objects.create(
        title="Matrix report (fictional)",
        date_from=date(2008, 1, 1),
        date_to=date(2010, 12, 31),
        created_by=User.objects.filter(username="secretariat").first(),
    )
    return {"pk": draft.pk}


declare_routes(
    "assistance",
    {
        "reports": allow("secretariat"),
        "report_new": allow("secretariat"),
        "report_edit": allow("secretariat", sample=_sample, hidden=True),
        "report_download": allow(
            "secretariat", sample=lambda: {**_sample(), "fmt": "docx"}, hidden=True
        ),
    },
)
