"""The pages of imports: the list of one's imports, an import's report, its kept file, and the
mapping page that previews a file's first rows through a column mapping before importing it."""

from pathlib import Path

import django_filters
import django_tables2 as tables
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palermo.platform.choices import ImportStatus
from palermo.platform.imports import IMPORTERS, queue_run
from palermo.platform.models import ColumnMapping, ImportRun
from palermo.platform.policies import restrict
from palermo.platform.tables import DataTableView, PalermoTable
from palermo.platform.views import get_visible_or_404

from . import mapping_form


class ImportRunTable(PalermoTable):
    file_name = tables.Column(
        linkify=("core:import-run", {"pk": tables.A("pk")}), verbose_name=gettext_lazy("File")
    )
    importer = tables.Column(verbose_name=gettext_lazy("Importer"))
    status = tables.Column()
    owner = tables.Column(verbose_name=gettext_lazy("Who"), default="—")
    created = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=gettext_lazy("Started"))
    rows = tables.Column()
    created_count = tables.Column()
    error_count = tables.Column()

    class Meta(PalermoTable.Meta):
        model = ImportRun
        fields = (
            "file_name",
            "importer",
            "status",
            "owner",
            "created",
            "rows",
            "created_count",
            "error_count",
        )


class ImportRunFilter(django_filters.FilterSet):
    class Meta:
        model = ImportRun
        fields = ["status", "importer"]


class ImportRunListView(DataTableView):
    table_class = ImportRunTable
    filterset_class = ImportRunFilter
    title = gettext_lazy("Imports")
    intro = gettext_lazy(
        "Every import you started (the Secretariat sees all): its file, its counts and its "
        "report. Records an import created name it as their source."
    )
    export_name = "palermo-imports"

    def get_queryset(self):
        return ImportRun.objects.select_related("owner")


def _run_for(request, pk, action="view"):
    return get_visible_or_404(
        ImportRun.objects.select_related("owner", "mapping", "job"), request.user, action, pk=pk
    )


@login_required
def import_run(request, pk):
    run = _run_for(request, pk)
    may_download = (
        bool(run.stored_file)
        and restrict(ImportRun.objects.filter(pk=run.pk), request.user, "download").exists()
    )
    return render(
        request,
        "core/import_run.html",
        {
            "run": run,
            "report": run.report or {},
            "importer": IMPORTERS.get(run.importer),
            "may_download": may_download,
        },
    )


@login_required
def import_file(request, pk):
    """A kept file, as it was uploaded: to its owner and the Secretariat only."""
    run = _run_for(request, pk, "download")
    path = Path(settings.MEDIA_ROOT) / run.stored_file if run.stored_file else None
    if path is None or not path.is_file():
        raise Http404(_("This import's file is no longer kept."))
    return FileResponse(path.open("rb"), as_attachment=True, filename=run.file_name)


@login_required
def import_mapping(request, pk):
    """Map a waiting file's columns to the importer's fields, see the first rows through the
    mapping with each column's errors, save the mapping, then import."""
    run = _run_for(request, pk)
    importer = IMPORTERS.get(run.importer)
    if importer is None or not request.user.has_perm(importer.permission):
        raise PermissionDenied
    if run.status != ImportStatus.PENDING:
        return redirect("core:import-run", pk=run.pk)
    saved = restrict(ColumnMapping.objects.filter(importer=run.importer), request.user)
    path = Path(settings.MEDIA_ROOT) / run.stored_file
    preview = mapping_form.read_preview(path, run.file_name, importer)
    form = mapping_form.MappingForm(
        request.POST or None,
        importer=importer,
        columns=preview.columns,
        saved=saved,
        initial=mapping_form.initial_for(
            request.GET.get("mapping") or request.GET.get("saved"), saved, run, preview
        ),
    )
    checked = None
    if request.method == "POST" and form.is_valid():
        spec = form.spec()
        action = request.POST.get("action", "check")
        if action == "import":
            job = queue_run(run, acting_user=request.user, mapping=spec)
            return redirect("core:job", pk=job.pk)
        if action == "save":
            try:
                mapping = mapping_form.save_mapping(
                    form, spec, importer=importer, acting_user=request.user
                )
            except ValidationError as exc:
                form.add_error("save_as", exc)
            else:
                messages.success(request, _("Mapping “%(name)s” saved.") % {"name": mapping.name})
        checked = mapping_form.check(preview, spec, importer)
    elif request.method == "GET" and form.initial:
        checked = mapping_form.check(preview, form.initial_spec(), importer)
    return render(
        request,
        "core/import_mapping.html",
        {
            "run": run,
            "importer": importer,
            "form": form,
            "preview": preview,
            "checked": checked,
            "saved": saved,
        },
    )
