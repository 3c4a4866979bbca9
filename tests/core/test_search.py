"""Site search: every module at once, and never more than the searcher may see."""

import pytest

from palermo.core.models import User
from palermo.core.services import create_api_token
from palermo.platform.jobs import HANDLERS, job_handler, start_job
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db


@pytest.fixture
def focal_points_job(focal_point, django_capture_on_commit_callbacks):
    @job_handler("test.noop")
    def noop(progress, *, acting_user):
        return {"ok": True, "message": "done"}

    # The index is written when the job's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(
            "test.noop", acting_user=focal_point, label="Import of zanzibar.csv", params={}
        )
    yield job
    del HANDLERS["test.noop"]


def groups(response):
    return {g["key"]: g for g in response.json()}


def test_anyone_finds_participants_articles_and_declarations(client):
    page = client.get("/search/?q=Argentina").content.decode()
    assert 'href="/participants/ARG/"' in page
    found = groups(client.get("/api/search?q=central authority"))
    assert found["articles"]["results"][0]["url"] == "/treaties/UNTOC/articles/18/"
    assert "central authority" in found["articles"]["results"][0]["snippet"]
    assert found["declarations"]["results"][0]["title"].startswith("Argentina")


def test_participants_are_found_by_name_in_any_language_or_by_code(client):
    assert (
        groups(client.get("/api/search?q=Allemagne"))["participants"]["results"][0]["url"]
        == "/participants/DEU/"
    )
    assert groups(client.get("/api/search?q=deu"))["participants"]["total"] == 1


def test_an_htmx_search_returns_only_the_results(client):
    html = client.get("/search/?q=extradition", headers={"HX-Request": "true"}).content.decode()
    assert html.lstrip().startswith('<div id="search-results"') and "<html" not in html
    assert "/treaties/UNTOC/articles/16/" in html


def test_too_short_or_empty_queries_say_so(client):
    assert "at least two letters" in client.get("/search/?q=a").content.decode()
    assert "Nothing found for" in client.get("/search/?q=qwertyuiop").content.decode()


@pytest.mark.parametrize("username", [r for r in ROLES if r not in ("focal-point", "secretariat")])
def test_someone_elses_job_never_appears_in_search(user_client, focal_points_job, username):
    page = user_client(username).get("/search/?q=zanzibar").content.decode()
    assert "Import of zanzibar.csv" not in page and "/jobs/" not in page


def test_the_owner_and_the_secretariat_find_the_job(user_client, focal_points_job):
    for username in ("focal-point", "secretariat"):
        page = user_client(username).get("/search/?q=zanzibar").content.decode()
        assert f"/jobs/{focal_points_job.pk}/" in page
    assert (
        "Import of zanzibar.csv"
        not in user_client(None).get("/search/?q=zanzibar").content.decode()
    )


@pytest.mark.parametrize("username", [None, *[r for r in ROLES if r != "secretariat"]])
def test_only_the_secretariat_finds_users(user_client, client, username):
    # Everyone but the Secretariat finds at most themself among the users.
    page = user_client(username).get("/search/?q=practitioner").content.decode()
    assert ('data-kind="users"' in page) == (username == "practitioner")
    if username:
        _t, key = create_api_token(acting_user=User.objects.get(username=username), name="s")
        found = groups(
            client.get("/api/search?q=practitioner", headers={"Authorization": f"Bearer {key}"})
        )
        assert ("users" in found) == (username == "practitioner")


def test_the_secretariat_finds_users(user_client):
    page = user_client("secretariat").get("/search/?q=practitioner").content.decode()
    assert 'data-kind="users"' in page and "Demo Central-authority practitioner" in page
