"""The Library importer's bulk path (``services.write_parsed_many``): new records, their
provisions, tags and case parts are created many at a time, with the one-by-one path's rules —
all or nothing, located errors, rights on each record's State, counts, published versions, one
audit entry for the import."""

import json

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import AnonymousUser

from palermo.core.choices import Role
from palermo.core.models import User
from palermo.library import queries, services
from palermo.library.models import (
    Case,
    CaseParty,
    CaseSummary,
    Cooperation,
    Law,
    Provision,
    ProvisionArticle,
    PublishedVersion,
)
from palermo.platform.actors import system_user
from palermo.platform.imports import run_import
from palermo.platform.models import ImportRun
from tests.factories import UserFactory, library_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    """Batches of 4, so that a file of a few dozen records spans many of them."""
    monkeypatch.setattr(services, "BULK_BATCH", 4)


def jsonl(records) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def law(i, state="ARG", **data):
    return {
        "kind": "legislation",
        "state": state,
        "number": f"bulk-law-{i}",
        "title": f"Ley ficticia {i}",
        "language": "es",
        "law_type": "act",
        "is_demo": True,
        "provisions": [
            {
                "number": "Art. 1",
                "text": f"Texto ficticio {i} trata de personas.",
                "articles": ["TIP 3(a)", "UNTOC 5(1)(a)"],
                "crime_types": ["trafficking-in-persons"],
            },
            {"number": "Art. 2", "text": "Otro texto ficticio."},
        ],
        **data,
    }


def case(i, state="ARG", **data):
    return {
        "kind": "case",
        "state": state,
        "number": f"bulk-case-{i}",
        "title": f"Fictional prosecutor v. X{i}",
        "language": "es",
        "is_demo": True,
        "crime_types": ["trafficking-in-persons"],
        "summaries": {"en": "Fictional facts.", "es": "Hechos ficticios."},
        "parties": [{"kind": "defendant", "initials": "A.B.", "sex": "male"}],
        "cooperation": [{"kind": "mla", "partner": "BRA", "convention_legal_basis": True}],
        **data,
    }


def run(records, user=None, name="big.jsonl"):
    return run_import("library", name, jsonl(records), acting_user=user or system_user())


def located(report):
    return [(e.row, e.field) for e in report.errors]


def test_a_big_file_is_written_with_its_parts_tags_and_provenance():
    records = [law(i) for i in range(15)] + [case(i) for i in range(15)]
    report = run(records)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (30, 0, 0)
    assert Law.objects.filter(number__startswith="bulk-law-").count() == 15
    assert Provision.objects.filter(law__number__startswith="bulk-law-").count() == 30
    first = Provision.objects.get(law__number="bulk-law-0", number="Art. 1")
    assert sorted(str(t.article.number) for t in first.tags.select_related("article")) == [
        "3",
        "5",
    ]
    assert [t.code for t in first.crime_types.all()] == ["trafficking-in-persons"]
    assert ProvisionArticle.objects.filter(provision__law__number="bulk-law-14").count() == 2
    last = Case.objects.get(number="bulk-case-14")
    assert CaseSummary.objects.filter(case=last).count() == 2
    assert CaseParty.objects.get(case=last).initials == "A.B."
    assert Cooperation.objects.get(case=last).partner.code == "BRA"
    assert [t.code for t in last.crime_types.all()] == ["trafficking-in-persons"]
    run_ = ImportRun.objects.get(pk=report.run.pk)
    assert last.import_run == run_ and last.source_row == 30
    assert Law.objects.get(number="bulk-law-3").source_row == 4
    assert last.status == "draft" and last.created_by == system_user()


def test_a_bad_row_in_the_middle_of_a_big_file_leaves_nothing_written():
    records = [law(i) for i in range(20)] + [case(i) for i in range(20)]
    records[25] = case(25, adopted="yesterday")  # a case has no "adopted"
    records[12] = law(12, law_type="decree-of-the-moon")
    report = run(records)
    assert located(report) == [(13, "law_type"), (26, "adopted")]
    assert not Law.objects.filter(number__startswith="bulk-law-").exists()
    assert not Case.objects.filter(number__startswith="bulk-case-").exists()
    assert not Provision.objects.filter(law__number__startswith="bulk-law-").exists()


def test_a_focal_point_is_refused_another_state_and_nothing_is_written():
    focal = User.objects.get(username="focal-point")
    state = focal.role_assignments.get(role=Role.FOCAL_POINT).participant.code
    records = [law(i, state=state) for i in range(10)]
    records[6] = law(6, state="BRA" if state != "BRA" else "ARG")
    report = run(records, focal)
    assert located(report) == [(7, "state")]
    assert report.errors[0].kind == "permission"
    assert not Law.objects.filter(number__startswith="bulk-law-").exists()
    # The same file without the other State's law goes in, as drafts of the focal point.
    del records[6]
    report = run(records, focal)
    assert report.ok, report.errors
    assert report.created == 9
    assert set(
        Law.objects.filter(number__startswith="bulk-law-").values_list("status", "created_by")
    ) == {("draft", focal.pk)}


def test_a_focal_point_may_not_import_published_records():
    focal = User.objects.get(username="focal-point")
    state = focal.role_assignments.get(role=Role.FOCAL_POINT).participant.code
    records = [law(i, state=state) for i in range(6)]
    records[3]["status"] = "published"
    report = run(records, focal)
    assert located(report) == [(4, "status")]
    assert not Law.objects.filter(number__startswith="bulk-law-").exists()


def test_another_states_contributor_is_refused():
    other = UserFactory(role=Role.FOCAL_POINT, state="BRA")
    report = run([law(i) for i in range(5)], other)
    assert located(report) == [(i, "state") for i in range(1, 6)]
    assert not Law.objects.filter(number__startswith="bulk-law-").exists()


def test_a_record_given_as_published_gets_its_version_and_is_found():
    records = [law(i, status="published") for i in range(6)] + [case(0, status="published")]
    records.append(law(99))  # a draft
    report = run(records)
    assert report.ok, report.errors
    published = Law.objects.get(number="bulk-law-4")
    assert (published.status, published.version) == ("published", 1)
    assert published.published_at is not None
    version = PublishedVersion.objects.get(kind="legislation", record_id=published.pk)
    assert version.version == 1
    assert version.data["number"] == "bulk-law-4"
    assert [p["number"] for p in version.data["provisions"]] == ["Art. 1", "Art. 2"]
    assert PublishedVersion.objects.filter(
        kind="case", record_id=Case.objects.get(number="bulk-case-0").pk
    ).exists()
    draft = Law.objects.get(number="bulk-law-99")
    assert (draft.status, draft.version) == ("draft", 0)
    assert not PublishedVersion.objects.filter(kind="legislation", record_id=draft.pk).exists()


def test_found_by_search_after_the_import(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = run([law(i, status="published") for i in range(5)] + [law(9)])
    assert report.ok, report.errors
    found = queries.library_search("ficticia", AnonymousUser(), {"kind": "legislation"}, 1)
    urls = {result.url for result in found.results}
    laws = {law.number: law.get_absolute_url() for law in Law.objects.all()}
    assert {laws[f"bulk-law-{i}"] for i in range(5)} <= urls
    assert laws["bulk-law-9"] not in urls  # a draft: not for the public


def test_a_bulk_load_without_indexing_is_found_after_one_rebuild(
    django_capture_on_commit_callbacks,
):
    """``index=False`` (a load of many files): nothing reaches the index until the rebuild."""
    from palermo.platform.search import PROVIDERS, rebuild

    records = [law(i, status="published") for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        report = run_import(
            "library", "load.jsonl", jsonl(records), acting_user=system_user(), index=False
        )
    assert report.ok, report.errors
    loaded = {law.get_absolute_url() for law in Law.objects.filter(number__startswith="bulk-")}
    assert len(loaded) == 3

    def found():
        page = queries.library_search("ficticia", AnonymousUser(), {"kind": "legislation"}, 1)
        return {result.url for result in page.results} & loaded

    assert found() == set()
    rebuild([k for k in PROVIDERS if k in ("legislation", "provisions")])
    assert found() == loaded


def test_counts_created_updated_unchanged_and_one_audit_entry():
    library_record(number="bulk-law-0", title="Ley ficticia 0", status="draft")
    first = run([law(1), law(2)])
    assert first.ok, first.errors
    last = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    records = [law(1), {**law(2), "title": "Ley ficticia cambiada"}, law(3), law(4), case(1)]
    report = run(records)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (3, 1, 1)
    assert Law.objects.get(number="bulk-law-2").title == "Ley ficticia cambiada"
    entries = LogEntry.objects.filter(pk__gt=last)
    imports = [e for e in entries if e.changes_dict.get("importer")]
    assert len(imports) == 1
    assert imports[0].changes_dict["created"][1] in (3, "3")
    assert not [e for e in entries if e.content_type.model in ("law", "provision", "case")]
