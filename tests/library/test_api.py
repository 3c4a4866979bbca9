"""The Library's API: records in the format with the same filters as the pages, the bulk
export, the vocabularies and the workflow, each from the refused side: a draft is absent from
every answer to who may not see it."""

import csv
import io
import json

import pytest
from django.test import Client

from palermo.core.choices import Role
from palermo.core.models import User
from palermo.core.services import create_api_token
from palermo.library.choices import RecordStatus
from palermo.library.models import Publication, PublishedVersion
from tests.factories import UserFactory, library_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(db):
    """``api("focal-point")`` → a client with that user's token; ``api(None)``: anonymous."""

    def make(who):
        if who is None:
            return Client()
        user = who if isinstance(who, User) else User.objects.get(username=who)
        _token, secret = create_api_token(acting_user=user, name="test")
        return Client(headers={"Authorization": f"Bearer {secret}"})

    return make


@pytest.fixture
def other(db):
    return UserFactory(role=Role.FOCAL_POINT, state="BRA")


@pytest.fixture
def records(db):
    return {
        "published": library_record(
            number="pub-law",
            status="published",
            title="Fictional published act",
            provisions=[
                {"number": "Art. 1", "text": "Fictional text.", "articles": ["UNTOC 6(1)(a)"]}
            ],
        ),
        "draft": library_record(number="draft-law", status="draft", title="Fictional secret draft"),
        "other_draft": library_record(
            state="BRA", number="br-draft", status="draft", title="Fictional Brazilian draft"
        ),
    }


def numbers(response):
    return {r["number"] for r in response.json()["items"]}


def test_the_public_gets_published_records_only(api, records):
    anonymous = api(None)
    listed = numbers(
        anonymous.get("/api/library/records", {"kind": "legislation", "page_size": 100})
    )
    assert "pub-law" in listed and "draft-law" not in listed and "br-draft" not in listed
    assert not anonymous.get("/api/library/records", {"status": "draft"}).json()["items"]
    assert anonymous.get("/api/library/records/ARG/legislation/draft-law").status_code == 404
    assert (
        anonymous.get("/api/library/records/ARG/legislation/draft-law/versions").status_code == 404
    )
    record = anonymous.get("/api/library/records/ARG/legislation/pub-law").json()
    assert record["provisions"][0]["articles"] == ["UNTOC 6(1)(a)"]
    assert record["url"] == "/library/ARG/legislation/pub-law/" and record["version"] == 1


def test_contributors_see_their_states_drafts_and_no_others(api, records, other):
    focal = api("focal-point")
    drafts = numbers(focal.get("/api/library/records", {"status": "draft", "page_size": 100}))
    assert "draft-law" in drafts and "br-draft" not in drafts
    assert focal.get("/api/library/records/BRA/legislation/br-draft").status_code == 404
    assert api(other).get("/api/library/records/ARG/legislation/draft-law").status_code == 404
    assert api("observer").get("/api/library/records/ARG/legislation/draft-law").status_code == 404
    assert (
        api("secretariat").get("/api/library/records/BRA/legislation/br-draft").status_code == 200
    )


def test_filters_narrow_the_list(api, records):
    anonymous = api(None)
    by_article = numbers(
        anonymous.get("/api/library/records", {"article": "UNTOC-6", "page_size": 100})
    )
    assert "pub-law" in by_article
    assert numbers(
        anonymous.get("/api/library/records", {"state": "ARG", "q": "Fictional published"})
    ) == {"pub-law"}
    assert not numbers(
        anonymous.get("/api/library/records", {"state": "BRA", "q": "Fictional published"})
    )
    answer = anonymous.get("/api/library/records", {"year": "not a year"})
    assert answer.status_code == 422 and "detail" in answer.json()


def test_the_list_costs_the_same_queries_however_many_records(
    api, records, django_assert_num_queries
):
    anonymous = api(None)
    url = "/api/library/records"
    params = {"kind": "legislation", "page_size": 5}
    anonymous.get(url, params)  # warm caches
    with django_assert_num_queries(8) as first:
        assert len(anonymous.get(url, params).json()["items"]) == 5
    params["page_size"] = 20
    with django_assert_num_queries(len(first.captured_queries)):
        assert len(anonymous.get(url, params).json()["items"]) > 5


def test_versions_keep_what_was_published(api, records):
    law = records["published"]
    versions = api(None).get("/api/library/records/ARG/legislation/pub-law/versions").json()
    assert [v["version"] for v in versions] == [1]
    assert versions[0]["data"]["title"] == "Fictional published act"
    assert PublishedVersion.objects.filter(record_id=law.pk, kind="legislation").count() == 1


def test_the_jsonl_export_is_every_published_record(api, records):
    body = b"".join(api(None).get("/api/library/export.jsonl").streaming_content).decode()
    lines = [json.loads(line) for line in body.splitlines()]
    assert {r["status"] for r in lines} == {"published"}
    assert "pub-law" in {r["number"] for r in lines}
    assert "Fictional secret draft" not in body and "Brazilian draft" not in body
    # Even for a contributor the export is of published records unless asked otherwise …
    focal_body = b"".join(
        api("focal-point").get("/api/library/export.jsonl").streaming_content
    ).decode()
    assert "secret draft" not in focal_body
    # … and asked, they get their own State's drafts, never another's.
    drafts = b"".join(
        api("focal-point").get("/api/library/export.jsonl", {"status": "draft"}).streaming_content
    ).decode()
    assert "secret draft" in drafts and "Brazilian draft" not in drafts
    anonymous = b"".join(
        api(None).get("/api/library/export.jsonl", {"status": "draft"}).streaming_content
    )
    assert anonymous == b""


def test_the_csv_export_is_one_row_per_record_with_parts_as_json(api, records):
    response = api(None).get("/api/library/export.csv", {"kind": "legislation", "state": "ARG"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    row = next(r for r in rows if r["number"] == "pub-law")
    assert json.loads(row["provisions"])[0]["number"] == "Art. 1"
    assert row["is_demo"] == "true" and row["status"] == "published"
    assert "draft-law" not in {r["number"] for r in rows}


def test_vocabularies(api):
    crime = api(None).get("/api/library/vocabularies/crime-types").json()
    corruption = next(t for t in crime if t["code"] == "corruption")
    assert corruption["iccs_code"] == "0703" and corruption["names"]["fr"] == "Corruption"
    issues = api(None).get("/api/library/vocabularies/issues").json()
    assert "extradition" in {t["code"] for t in issues}


NEW = {
    "kind": "bibliography",
    "state": "ARG",
    "number": "api-new",
    "title": "A fictional study",
    "language": "en",
    "authors": ["A. Author"],
    "year": 2021,
}


def test_a_contributor_creates_a_draft_and_others_are_refused(api, other):
    assert (
        Client().post("/api/library/records", NEW, content_type="application/json").status_code
        == 401
    )
    for who in (other, "observer", "practitioner"):
        response = api(who).post("/api/library/records", NEW, content_type="application/json")
        assert response.status_code == 403, who
    response = api("focal-point").post(
        "/api/library/records", {**NEW, "status": "published"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "only the Secretariat" in response.json()["detail"][0]
    response = api("focal-point").post("/api/library/records", NEW, content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == "draft"
    again = api("expert").post("/api/library/records", NEW, content_type="application/json")
    assert again.status_code == 409


def test_bad_records_are_refused_with_the_key(api):
    bad = {**NEW, "year": "soon", "crime_types": ["no-such-type"], "colour": "red"}
    response = api("focal-point").post("/api/library/records", bad, content_type="application/json")
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert any(d.startswith("year:") for d in detail)
    assert any(d.startswith("crime_types[0]:") for d in detail)
    assert any(d.startswith("colour:") for d in detail)


def test_replace_and_the_workflow_through_the_api(api, other):
    focal, secretariat = api("focal-point"), api("secretariat")
    focal.post("/api/library/records", NEW, content_type="application/json")
    url = "/api/library/records/ARG/bibliography/api-new"
    changed = {**NEW, "title": "A fictional study, revised"}
    assert api(other).put(url, changed, content_type="application/json").status_code == 404
    assert (
        focal.put(
            url, {**changed, "number": "elsewhere"}, content_type="application/json"
        ).status_code
        == 422
    )
    assert (
        focal.put(url, changed, content_type="application/json").json()["title"].endswith("revised")
    )

    assert secretariat.post(url + "/submit").status_code == 404  # not a step for them
    assert api(other).post(url + "/submit").status_code == 404
    assert focal.post(url + "/submit").json()["status"] == "submitted"
    assert focal.post(url + "/submit").status_code == 422  # already submitted: says why
    assert focal.put(url, NEW, content_type="application/json").status_code == 403
    assert focal.post(url + "/publish").status_code == 404
    assert (
        secretariat.post(
            url + "/request-changes", {"note": " "}, content_type="application/json"
        ).status_code
        == 422
    )
    response = secretariat.post(
        url + "/request-changes", {"note": "Add the publisher."}, content_type="application/json"
    )
    assert response.json()["status"] == "changes_requested"
    focal.post(url + "/submit")
    published = secretariat.post(url + "/publish").json()
    assert (published["status"], published["version"]) == ("published", 1)
    assert api(None).get(url).status_code == 200
    assert focal.post(url + "/withdraw").status_code == 404
    assert secretariat.post(url + "/withdraw").json()["status"] == "draft"
    assert api(None).get(url).status_code == 404
    assert Publication.objects.get(number="api-new").status == RecordStatus.DRAFT
