"""axe-core (vendored) finds no serious or critical violations on the main pages."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/treaties/",
    "/treaties/UNTOC/",
    "/treaties/UNTOC/articles/18/",
    "/treaties/participants/",
    "/participants/ARG/",
    "/treaties/map/",
    "/treaties/timeline/",
    "/accounts/login/",
    "/search/?q=central+authority",
]


def describe(url, violations):
    lines = []
    for v in violations:
        targets = [" ".join(map(str, node["target"])) for node in v["nodes"]]
        lines.append(f"{url}: {v['id']} ({v['impact']}) {v['help']} → {targets[:5]}")
    return lines


def test_main_pages_have_no_serious_axe_violations(page, run_axe):
    problems = []
    for url in PAGES:
        response = page.goto(url)
        assert response.ok, f"{url}: HTTP {response.status}"
        if url.startswith("/treaties/map/"):
            expect(page.locator("figure.world-map svg")).to_be_attached()
        if url.startswith("/treaties/timeline/"):
            expect(page.locator("figure.chart.chart--ready")).to_be_attached()
        problems += describe(url, run_axe())

    # The Arabic home page (right to left), chosen with the footer's language form.
    page.goto("/")
    page.locator("#language-select").select_option("ar")
    page.locator("form.language-form button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    problems += describe("/ (ar)", run_axe())

    assert not problems, "axe-core violations:\n" + "\n".join(problems)
    assert page.js_errors == []


SIGNED_IN_PAGES = [
    "/account/",
    "/notifications/",
    "/jobs/",
    "/audit/",
    "/import/",
    "/users/",
    "/users/new/",
    "/treaties/UNTOC/facts/",
    "/treaties/actions/new/",
    "/treaties/participants/ARG/declarations/new/",
]


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("palermo-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name=username)).to_be_visible()


def test_the_secretariat_pages_have_no_serious_axe_violations(page, run_axe):
    sign_in(page, "secretariat")
    problems = []
    for url in SIGNED_IN_PAGES:
        response = page.goto(url)
        assert response.ok, f"{url}: HTTP {response.status}"
        problems += describe(url, run_axe())
    # A form sent back with errors must stay accessible too.
    page.goto("/treaties/actions/new/")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".error-text").first).to_be_visible()
    problems += describe("/treaties/actions/new/ (errors)", run_axe())
    assert not problems, "axe-core violations:\n" + "\n".join(problems)
