"""The OpenAPI document tells a caller the truth: which operations need credentials and which
errors each one can answer, in the shape the API answers them."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ERROR = {"$ref": "#/components/schemas/ErrorOut"}
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def document():
    return Client().get("/api/openapi.json").json()


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def test_the_error_schema_is_a_detail_sentence_or_list_of_sentences(document):
    schema = document["components"]["schemas"]["ErrorOut"]
    assert schema["required"] == ["detail"]
    assert schema["properties"]["detail"]["anyOf"] == [
        {"type": "string"},
        {"type": "array", "items": {"type": "string"}},
    ]


def test_public_reads_show_credentials_as_optional(document):
    ops = dict(operations(document))
    for name in ("GET /api/participants", "GET /api/treaties/status", "GET /api/me"):
        assert ops[name]["security"] == [{"TokenAuth": []}, {"SessionAuth": []}, {}], name


def test_operations_that_need_credentials_do_not_show_them_as_optional(document):
    ops = dict(operations(document))
    for name in (
        "GET /api/users",
        "GET /api/jobs/{job_id}",
        "POST /api/treaties/actions",
        "DELETE /api/users/{user_id}/roles/{assignment_id}",
    ):
        assert ops[name]["security"] == [{"TokenAuth": []}, {"SessionAuth": []}], name
    writes = [op for name, op in operations(document) if not name.startswith("GET")]
    assert writes and all({} not in op["security"] for op in writes)


def test_every_operation_documents_the_errors_it_can_answer(document):
    for name, operation in operations(document):
        responses = operation["responses"]
        expected = {"401", "403"}  # every operation checks credentials (a bad token is a 401)
        if "{" in name:
            expected.add("404")
        if operation["parameters"] or "requestBody" in operation:
            expected.add("422")
        if "application/json" in operation.get("requestBody", {}).get("content", {}):
            expected.add("400")
        assert expected <= set(responses), name
        for status, response in responses.items():
            if status.startswith("4"):
                assert response["content"]["application/json"]["schema"] == ERROR, (name, status)
                assert response["description"], (name, status)


def test_lookups_by_query_or_body_document_their_404(document):
    ops = dict(operations(document))
    for name in (
        "GET /api/treaties/counts",
        "GET /api/treaties/timeline",
        "GET /api/treaties/status",
        "GET /api/treaties/map",
        "POST /api/treaties/actions",
        "POST /api/treaties/declarations",
    ):
        assert ops[name]["responses"]["404"]["content"]["application/json"]["schema"] == ERROR


def test_pages_and_identifiers_document_their_bounds(document):
    ops = dict(operations(document))
    page = next(p for p in ops["GET /api/participants"]["parameters"] if p["name"] == "page")
    assert (page["schema"]["minimum"], page["schema"]["maximum"]) == (1, 1_000_000)
    for parameter in ops["DELETE /api/users/{user_id}/roles/{assignment_id}"]["parameters"]:
        assert (parameter["schema"]["minimum"], parameter["schema"]["maximum"]) == (1, 2**63 - 1)
