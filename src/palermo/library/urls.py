from django.urls import path, register_converter

from palermo.platform.access import PUBLIC, SIGNED_IN, allow, declare_routes

from . import views


class KindConverter:
    """The kind of record in a stable address: legislation, case, bibliography, strategy."""

    regex = "legislation|case|bibliography|strategy"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


class PartConverter:
    regex = "|".join(views.PARTS)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


register_converter(KindConverter, "library_kind")
register_converter(PartConverter, "library_part")

app_name = "library"

RECORD = "<str:code>/<library_kind:kind>/<str:number>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("search/export/", views.search_export, name="search_export"),
    path("saved/", views.saved_list, name="saved"),
    path("saved/new/", views.saved_create, name="saved_create"),
    path("saved/<int:pk>/", views.saved_run, name="saved_run"),
    path("saved/<int:pk>/delete/", views.saved_delete, name="saved_delete"),
    path("queue/", views.queue, name="queue"),
    path("legislation/", views.LawListView.as_view(), name="legislation"),
    path("cases/", views.CaseListView.as_view(), name="cases"),
    path("bibliography/", views.PublicationListView.as_view(), name="bibliography"),
    path("strategies/", views.StrategyListView.as_view(), name="strategies"),
    path("new/<library_kind:kind>/", views.record_new, name="record_new"),
    path(RECORD, views.record_detail, name="record"),
    path(RECORD + "json/", views.record_json, name="record_json"),
    path(RECORD + "file/", views.record_file, name="record_file"),
    path(RECORD + "attachments/<int:pk>/file/", views.attachment_file, name="attachment_file"),
    path(RECORD + "v/<int:version>/", views.version_detail, name="version"),
    path(RECORD + "edit/", views.record_edit, name="record_edit"),
    path(RECORD + "delete/", views.record_delete, name="record_delete"),
    path(RECORD + "workflow/", views.record_workflow, name="record_workflow"),
    path(RECORD + "<library_part:part>/new/", views.part_edit, name="part_new"),
    path(RECORD + "<library_part:part>/<int:pk>/", views.part_edit, name="part_edit"),
    path(RECORD + "<library_part:part>/<int:pk>/delete/", views.part_delete, name="part_delete"),
]


# Samples for the permission matrix (called inside its test transaction) -------------------


def _case(state="ARG", status="draft", number="matrix-sample"):
    from palermo.core.models import Participant

    from .models import Case

    return Case.objects.create(
        participant=Participant.objects.get(code=state),
        number=number,
        title="Sample case for the permission matrix",
        status=status,
    )


def _address(record):
    return {"code": record.participant.code, "kind": record.KIND, "number": record.number}


def draft_case():
    """A draft of Argentina's: its contributors' and the Secretariat's to see."""
    return _address(_case())


def _sample_file(name="sample.pdf"):
    from django.core.files.base import ContentFile

    return ContentFile(b"%PDF-1.4 sample for the permission matrix\n", name=name)


def draft_law_with_file():
    """A draft law of Argentina's with its file."""
    from palermo.core.models import Participant

    from .models import Law

    law = Law.objects.create(
        participant=Participant.objects.get(code="ARG"),
        number="matrix-law",
        title="Sample law for the permission matrix",
        language="es",
        file=_sample_file(),
    )
    return _address(law)


def draft_case_attachment():
    from .models import CaseAttachment

    case = _case()
    attachment = CaseAttachment.objects.create(case=case, title="Sample", file=_sample_file())
    return {**_address(case), "pk": attachment.pk}


def draft_case_part():
    from .models import CaseSummary

    case = _case()
    summary = CaseSummary.objects.create(case=case, language="en", text="Sample summary.")
    return {**_address(case), "part": "summaries", "pk": summary.pk}


def draft_case_summaries():
    return {**_address(_case()), "part": "summaries"}


def chilean_draft():
    """A draft of a third State's: only the Secretariat sees it among the matrix's users."""
    return _address(_case(state="CHL"))


def chilean_submitted():
    return _address(_case(state="CHL", status="submitted"))


def published_version():
    from django.utils import timezone

    from .models import PublishedVersion

    case = _case(status="published")
    case.version = 1
    case.published_at = timezone.now()
    case.save(update_fields=["version", "published_at"])
    PublishedVersion.objects.create(
        kind=case.KIND,
        record_id=case.pk,
        version=1,
        published_at=case.published_at,
        data={"kind": "case", "state": "ARG", "number": case.number, "title": case.title},
    )
    return {**_address(case), "version": 1}


def focal_points_search():
    from palermo.core.models import User

    from .models import SavedSearch

    saved = SavedSearch.objects.create(
        owner=User.objects.get(username="focal-point"), name="Sample", query="trafficking"
    )
    return {"pk": saved.pk}


CONTRIBUTORS = ("secretariat", "focal-point", "expert")
ANY_CONTRIBUTOR = (*CONTRIBUTORS, "focal-point@other", "expert@other")

# Who may open each route (tests/test_permission_matrix.py checks every role against this).
declare_routes(
    app_name,
    {
        "home": PUBLIC,
        "search": PUBLIC,
        "search_export": PUBLIC,
        "saved": SIGNED_IN,
        "saved_create": allow(
            *SIGNED_IN.allow, method="POST", data={"name": "Matrix", "q": "trafficking"}
        ),
        "saved_run": allow("focal-point", sample=focal_points_search, hidden=True),
        "saved_delete": allow(
            "focal-point", sample=focal_points_search, method="POST", hidden=True
        ),
        "queue": allow(*ANY_CONTRIBUTOR),
        "legislation": PUBLIC,
        "cases": PUBLIC,
        "bibliography": PUBLIC,
        "strategies": PUBLIC,
        "record_new": allow(*ANY_CONTRIBUTOR, sample=lambda: {"kind": "case"}),
        "record": allow(*CONTRIBUTORS, sample=draft_case, hidden=True),
        "record_json": allow(*CONTRIBUTORS, sample=draft_case, hidden=True),
        "record_file": allow(*CONTRIBUTORS, sample=draft_law_with_file, hidden=True),
        "attachment_file": allow(*CONTRIBUTORS, sample=draft_case_attachment, hidden=True),
        "version": allow(*PUBLIC.allow, sample=published_version),
        "record_edit": allow(*CONTRIBUTORS, sample=draft_case, hidden=True),
        "record_delete": allow("secretariat", sample=chilean_draft, method="POST", hidden=True),
        "record_workflow": allow(
            "secretariat",
            sample=chilean_submitted,
            method="POST",
            data={"action": "publish"},
            hidden=True,
        ),
        "part_new": allow(*CONTRIBUTORS, sample=draft_case_summaries, hidden=True),
        "part_edit": allow(*CONTRIBUTORS, sample=draft_case_part, hidden=True),
        "part_delete": allow(*CONTRIBUTORS, sample=draft_case_part, method="POST", hidden=True),
    },
)
