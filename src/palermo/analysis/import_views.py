"""Importing a sheet into an investigation from the site: a file, a ready mapping (call
records, bank transactions, company register, seizures, case file), the date order and the
default country; all or nothing, every error with its row and column (``services.import_file``,
the service of ``palermo analysis import``). Editors and owners only."""

import tempfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from palermo.platform.access import allow, declare_routes
from palermo.platform.policies import policy_for
from palermo.platform.views import get_visible_or_404

from . import services
from .mappings import READY
from .models import Investigation

MAX_UPLOAD = 100 * 1024 * 1024
SUFFIXES = (".csv", ".tsv", ".xlsx", ".json", ".jsonl")


@login_required
def investigation_import(request, pk):
    investigation = get_visible_or_404(Investigation.objects.all(), request.user, pk=pk)
    if not policy_for(Investigation).allows(request.user, "change", investigation):
        raise PermissionDenied(_("Only the investigation's owner and editors import files."))
    report, error = None, ""
    chosen = request.POST.get("mapping") or "calls"
    if request.method == "POST":
        upload = request.FILES.get("file")
        if chosen not in READY:
            error = _("Choose one of the ready mappings.")
        elif upload is None:
            error = _("Choose a file to import.")
        elif Path(upload.name).suffix.lower() not in SUFFIXES:
            error = _("%(name)s: import a CSV, XLSX, JSON or JSON-lines file.") % {
                "name": upload.name
            }
        elif upload.size > MAX_UPLOAD:
            error = _("%(name)s is larger than 100 MB: use palermo analysis import.") % {
                "name": upload.name
            }
        else:
            with tempfile.TemporaryDirectory(prefix="palermo-analysis-import-") as folder:
                target = Path(folder) / Path(upload.name).name
                with target.open("wb") as out:
                    for chunk in upload.chunks():
                        out.write(chunk)
                report = services.import_file(
                    investigation,
                    target,
                    mapping=chosen,
                    acting_user=request.user,
                    day_first=request.POST.get("date_order", "day_first") == "day_first",
                    country=(request.POST.get("country") or "").strip().lower()[:2],
                    dry_run=bool(request.POST.get("dry_run")),
                )
    return render(
        request,
        "analysis/import.html",
        {
            "investigation": investigation,
            "mappings": [(name, spec["mapping"]) for name, spec in READY.items()],
            "chosen": chosen,
            "report": report,
            "file_name": request.FILES["file"].name if report is not None else "",
            "error": error,
        },
        status=400 if error or (report is not None and not report.ok) else 200,
    )


urlpatterns = [path("<int:pk>/import/", investigation_import, name="import")]


def _sample():
    from .urls import _investigation

    investigation, _entity = _investigation()
    return {"pk": investigation.pk}


declare_routes("analysis", {"import": allow("analyst", sample=_sample, hidden=True)})
