import pytest

pytestmark = pytest.mark.django_db


def test_refused_and_missing_pages_explain_themselves_inside_the_layout(user_client):
    refused = user_client("focal-point").get("/users/")
    assert refused.status_code == 403
    page = refused.content.decode()
    assert "Your role does not allow this" in page and '<main id="main"' in page
    missing = user_client(None).get("/participants/XXX/")
    assert missing.status_code == 404
    assert "There is no page at this address" in missing.content.decode()


def test_error_pages_are_translated(client):
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    response = client.get("/nowhere/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
