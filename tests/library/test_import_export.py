"""The ``library`` importer and the bulk export: good files in each format, what comes out goes
back in, and bad files refused whole with each error naming the file, the row (line) and the
field."""

import csv
import io
import json

import pytest
from django.contrib.auth.models import AnonymousUser

from palermo.core.choices import Role
from palermo.core.models import User
from palermo.library import exports, queries, serializers
from palermo.library.models import Case, Law, Publication
from palermo.platform.actors import system_user
from palermo.platform.imports import run_import
from tests.factories import UserFactory, library_record

pytestmark = pytest.mark.django_db


def jsonl(*records) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


LAW = {
    "kind": "legislation",
    "state": "ARG",
    "number": "imp-law-1",
    "title": "Ley ficticia de prueba",
    "title_en": "Fictional test act",
    "language": "es",
    "law_type": "act",
    "adopted": "2012-03-01",
    "is_demo": True,
    "provisions": [
        {
            "number": "Art. 1",
            "text": "Texto ficticio.",
            "articles": ["TIP 3(a)", "UNTOC 5(1)(a)"],
            "crime_types": ["trafficking-in-persons"],
        }
    ],
}
CASE = {
    "kind": "case",
    "state": "ARG",
    "number": "imp-case-1",
    "title": "Fictional prosecutor v. A.B.",
    "language": "es",
    "is_demo": True,
    "summaries": {"en": "Fictional facts.", "es": "Hechos ficticios."},
    "parties": [{"kind": "defendant", "initials": "A.B.", "sex": "male"}],
    "charges": [
        {
            "defendant": "A.B.",
            "offence": "Fictional trafficking",
            "provisions": [{"law": "ARG/imp-law-1", "provision": "Art. 1"}],
            "verdict": "convicted",
        }
    ],
    "cooperation": [{"kind": "mla", "partner": "BRA", "convention_legal_basis": True}],
}


def run(name, content, user=None, **kwargs):
    return run_import("library", name, content, acting_user=user or system_user(), **kwargs)


def errors(report):
    return [(e.file, e.row, e.field) for e in report.errors]


def test_a_json_lines_file_is_imported_case_citing_a_law_of_the_same_file(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        report = run("records.jsonl", jsonl(CASE, LAW))  # the case first: laws are written first
    assert report.ok, report.errors
    assert (report.rows, report.created) == (2, 2)
    law = Law.objects.get(number="imp-law-1")
    assert law.status == "draft" and law.import_run_id == report.run.pk and law.source_row == 2
    case = Case.objects.get(number="imp-case-1")
    charge = case.charges.get()
    assert charge.defendant.initials == "A.B." and list(charge.provisions.all()) == [
        law.provisions.get()
    ]
    found = queries.library_search("ficticio", User.objects.get(username="focal-point"))
    assert any("/ARG/legislation/imp-law-1/" in r.url for r in found.results)  # indexed
    again = run("records.jsonl", jsonl(CASE, LAW))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_what_the_export_writes_imports_again():
    original = library_record(
        "case",
        number="round-1",
        status="published",
        summaries={"fr": "Faits fictifs."},
        keywords=["fictional", "round trip"],
        proceedings=[{"court": "Fictional court", "date": "2019-01-02", "level": "first"}],
    )
    exported = [
        r for r in exports.export_records(AnonymousUser(), kind="case") if r["number"] == "round-1"
    ]
    assert len(exported) == 1
    copy = {**exported[0], "number": "round-2"}
    report = run("copy.jsonl", jsonl(copy))
    assert report.ok, report.errors
    imported = serializers.for_serializing(Case.objects.filter(number="round-2")).get()
    mine = serializers.serialize_record(imported)
    theirs = serializers.serialize_record(original)
    ignore = {"number", "url", "version", "published_at"}
    assert {k: v for k, v in mine.items() if k not in ignore} == {
        k: v for k, v in theirs.items() if k not in ignore
    }


def test_the_csv_export_imports_again():
    library_record("bibliography", number="csv-1", status="published", authors=["A. B"], year=2001)
    out = io.StringIO()
    records = [r for r in exports.export_records(AnonymousUser()) if r["number"] == "csv-1"]
    exports.write(records, "csv", out)
    text = out.getvalue().replace("csv-1", "csv-2")
    report = run("copy.csv", text.encode())
    assert report.ok, report.errors
    copy = Publication.objects.get(number="csv-2")
    assert copy.authors == ["A. B"] and copy.year == 2001 and copy.status == "published"


def test_a_flat_csv_with_one_row_per_provision():
    content = (
        b"kind,state,number,title,language,law_type,adopted,provision_number,provision_text,"
        b"provision_articles,provision_issues\n"
        b"legislation,ARG,flat-1,Ley plana ficticia,es,act,2010-01-01,Art. 1,Uno.,UNTOC 6(1)(a); TIP 3,\n"
        b"legislation,ARG,flat-1,,,,,Art. 2,Dos.,,extradition\n"
    )
    report = run("flat.csv", content)
    assert report.ok, report.errors
    assert (report.rows, report.created) == (2, 1)
    law = Law.objects.get(number="flat-1")
    first, second = law.provisions.all()
    assert [str(t) for t in first.tags.all()] == ["UNTOC art. 6(1(a))", "TIP art. 3"]
    assert [i.code for i in second.issues.all()] == ["extradition"]


def test_an_error_names_the_file_line_and_field_and_nothing_is_written():
    bad_law = {**LAW, "number": "bad-law", "adopted": "01/02/2012"}
    bad_law["provisions"] = [{"number": "Art. 1", "text": "x", "articles": ["UNTOC 999"]}]
    good = {**LAW, "number": "good-law"}
    content = jsonl(good, bad_law) + b"{not json\n" + jsonl({**LAW, "number": "x", "colour": "red"})
    report = run("bad.jsonl", content)
    assert not report.ok
    assert errors(report) == [
        ("bad.jsonl", 3, None),
        ("bad.jsonl", 2, "adopted"),
        ("bad.jsonl", 2, "provisions[0].articles[0]"),
        ("bad.jsonl", 4, "colour"),
    ]
    assert "999" in report.errors[2].message
    assert not Law.objects.filter(number__in=["good-law", "bad-law"]).exists()


def test_a_csv_error_names_the_row_and_the_column():
    content = (
        b"kind,state,number,title,language,law_type,provision_number,provision_text,provision_articles\n"
        b"legislation,ARG,flat-2,Ley ficticia,es,act,Art. 1,Uno.,TIP 3\n"
        b"legislation,ARG,flat-2,,,,Art. 2,Dos.,UNTOC five\n"
        b"legislation,XXX,flat-3,Ley ficticia,es,statute,Art. 1,Uno.,\n"
    )
    report = run("flat.csv", content)
    assert errors(report) == [
        ("flat.csv", 3, "provision_articles"),
        ("flat.csv", 4, "state"),
        ("flat.csv", 4, "law_type"),
    ]
    assert not Law.objects.filter(number="flat-2").exists()


def test_bad_files():
    assert errors(run("x.json", b"[{]")) == [("x.json", 1, None)]
    assert errors(run("x.json", b"[]"))[0] == ("x.json", None, None)
    assert errors(run("x.txt", b"hello"))[0] == ("x.txt", None, None)
    assert "UTF-8" in run("x.jsonl", b'{"kind": "case", "title": "\xff"}\n').errors[0].message
    duplicate = run("d.json", json.dumps([LAW, LAW]).encode())
    assert errors(duplicate) == [("d.json", 2, "number")]
    charge = {**CASE, "number": "c2"}
    charge["charges"] = [{"defendant": "Z.Z.", "offence": "x"}]
    assert errors(run("c.json", json.dumps([charge]).encode())) == [
        ("c.json", 1, "charges[0].defendant")
    ]
    missing_law = {**CASE, "number": "c3"}
    missing_law["charges"] = [
        {"offence": "x", "provisions": [{"law": "ARG/none", "provision": "1"}]}
    ]
    assert errors(run("c.json", json.dumps([missing_law]).encode())) == [
        ("c.json", 1, "charges[0].provisions[0]")
    ]


def test_contributors_import_drafts_for_their_own_state_only():
    focal = User.objects.get(username="focal-point")
    other = UserFactory(role=Role.FOCAL_POINT, state="BRA")
    report = run("mine.jsonl", jsonl({**LAW, "status": "published"}), focal)
    assert errors(report) == [("mine.jsonl", 1, "status")]
    report = run("theirs.jsonl", jsonl(LAW), other)
    assert errors(report) == [("theirs.jsonl", 1, "state")]
    assert report.errors[0].kind == "permission"
    report = run("mine.jsonl", jsonl(LAW), focal)
    assert report.ok and Law.objects.get(number="imp-law-1").created_by == focal
    observer = User.objects.get(username="observer")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run("mine.jsonl", jsonl(LAW), observer)


def test_a_published_record_is_not_replaced_by_its_state():
    library_record(number="locked", status="published")
    focal = User.objects.get(username="focal-point")
    report = run("x.jsonl", jsonl({**LAW, "number": "locked"}), focal)
    assert errors(report) == [("x.jsonl", 1, "state")]


def test_the_csv_export_has_a_column_for_every_key():
    out = io.StringIO()
    exports.write(exports.export_records(AnonymousUser(), kind="strategy"), "csv", out)
    header = next(csv.reader(io.StringIO(out.getvalue())))
    for key in ("kind", "state", "number", "provisions", "summaries", "period_start", "licence"):
        assert key in header
