"""Victimization surveys on the site: the estimates of the shipped SYNTHETIC survey, and of a
survey file a signed-in person uploads (computed, shown and downloadable; the file is not
kept). The same computation as ``palermo statistics survey`` (``survey_cli.run``)."""

import tempfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palermo.platform.access import PUBLIC, SIGNED_IN, allow, declare_routes

from . import survey_cli

SYNTHETIC = Path(__file__).with_name("data") / "survey_synthetic.csv"
SYNTHETIC_DESIGN = {"design": "weight=weight,strata=stratum,cluster=psu", "by": ["sex,age_group"]}
MEASURES = (
    "prevalence",
    "incidence",
    "repeat_victimization",
    "reporting_incidents",
    "reporting_victims",
)
MAX_UPLOAD = 50 * 1024 * 1024
SUFFIXES = (".csv", ".sav", ".dta")


def _filtered(result: dict, params) -> list[dict]:
    crime, measure, group = params.get("crime"), params.get("measure"), params.get("group")
    rows = result["estimates"]
    if crime:
        rows = [e for e in rows if e["crime"] == crime]
    if measure:
        rows = [e for e in rows if e["measure"] == measure]
    if group == "all":
        rows = [e for e in rows if e["group"] is None]
    elif group:
        rows = [e for e in rows if e["group"] == group]
    return rows


def _answer(request, result: dict, *, synthetic: bool, name: str, error: str = ""):
    rows = _filtered(result, request.GET if request.method == "GET" else request.POST)
    fmt = request.GET.get("format")
    if fmt == "json":
        return JsonResponse({**result, "file": name, "estimates": rows})
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="survey-estimates.csv"'
        survey_cli.write_rows(response, rows)
        return response
    return render(
        request,
        "statistics/surveys.html",
        {
            "result": result,
            "rows": rows,
            "synthetic": synthetic,
            "name": name,
            "measures": MEASURES,
            "chosen": request.GET if request.method == "GET" else request.POST,
            "error": error,
        },
        status=400 if error else 200,
    )


def surveys(request):
    """The SYNTHETIC survey's estimates, by crime type, measure and group."""
    result = survey_cli.run({"file": str(SYNTHETIC), **SYNTHETIC_DESIGN})
    return _answer(request, result, synthetic=True, name=SYNTHETIC.name)


@login_required
@require_POST
def survey_upload(request):
    """Estimates for an uploaded survey file; errors name the file, row and column."""
    upload = request.FILES.get("file")
    error = None
    if upload is None:
        error = _("Choose a survey file (CSV, SPSS .sav or Stata .dta).")
    elif Path(upload.name).suffix.lower() not in SUFFIXES:
        error = _("%(name)s: a survey is read from CSV, SPSS .sav or Stata .dta files.") % {
            "name": upload.name
        }
    elif upload.size > MAX_UPLOAD:
        error = _("%(name)s is larger than 50 MB: use palermo statistics survey.") % {
            "name": upload.name
        }
    if error is None:
        options = {
            "weight": (request.POST.get("weight") or "").strip() or None,
            "strata": (request.POST.get("strata") or "").strip() or None,
            "cluster": (request.POST.get("cluster") or "").strip() or None,
            "by": [request.POST.get("by") or ""],
            "crimes": request.POST.get("crimes") or None,
        }
        with tempfile.TemporaryDirectory(prefix="palermo-survey-") as folder:
            target = Path(folder) / Path(upload.name).name
            with target.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            try:
                result = survey_cli.run({"file": str(target), **options})
            except ValueError as exc:
                error = str(exc).replace(str(target), upload.name)
    if error is not None:
        result = survey_cli.run({"file": str(SYNTHETIC), **SYNTHETIC_DESIGN})
        return _answer(request, result, synthetic=True, name=SYNTHETIC.name, error=error)
    return _answer(request, result, synthetic=False, name=upload.name)


urlpatterns = [
    path("surveys/", surveys, name="surveys"),
    path("surveys/estimate/", survey_upload, name="survey_upload"),
]


def _synthetic_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        "file": SimpleUploadedFile("survey.csv", SYNTHETIC.read_bytes(), "text/csv"),
        "weight": "weight",
        "strata": "stratum",
        "cluster": "psu",
    }


declare_routes(
    "statistics",
    {
        "surveys": PUBLIC,
        "survey_upload": allow(
            *SIGNED_IN.allow, method="POST", data=_synthetic_upload, multipart=True
        ),
    },
)
