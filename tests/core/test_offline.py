"""The site works with no internet: every page loads its scripts, styles and data from itself,
and the browser is told to load nothing else (Content Security Policy)."""

import re

import pytest

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/treaties/",
    "/treaties/UNTOC/",
    "/treaties/participants/",
    "/treaties/map/",
    "/treaties/timeline/",
    "/participants/ARG/",
    "/accounts/login/",
    "/api/docs",
]
EXTERNAL = re.compile(r"""<(?:script|link|img)\b[^>]*(?:src|href)=["'](?:https?:)?//""", re.I)


@pytest.mark.parametrize("url", PAGES)
def test_no_page_loads_anything_from_another_site(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert not EXTERNAL.search(response.content.decode()), url
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_the_api_docs_use_the_vendored_swagger_ui(client):
    page = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page and "cdn.jsdelivr" not in page
