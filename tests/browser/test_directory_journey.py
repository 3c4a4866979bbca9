"""A visitor opens the Directory, filters it by area (htmx), opens an entry and downloads the
table."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_browse_filter_open_and_export_the_directory(page):
    page.goto("/")
    page.locator("header nav a[href$='/directory/']").click()
    expect(page).to_have_url(re.compile(r"/directory/$"))
    expect(page.locator("h1")).to_have_text("Directory of competent authorities")
    rows = page.locator("#results table tbody tr")
    expect(rows.first).to_be_visible()
    expect(page.locator("#results .demo-label").first).to_have_text("Fictional")

    page.evaluate("window.__palermoMarker = 'still here'")
    page.locator("form.filters #id_area").select_option("som_sea")
    expect(page).to_have_url(re.compile(r"area=som_sea"))
    expect(rows).to_have_count(2)
    expect(page.locator("#results")).to_contain_text("Fictional Coast Guard Operations Centre")
    assert page.evaluate("window.__palermoMarker") == "still here", "the page fully reloaded"
    # A visitor is not a registered authority: no contact persons.
    expect(page.locator("#results table thead")).not_to_contain_text("Contact persons")

    with page.expect_download() as download:
        page.locator("#results a", has_text="CSV").click()
    csv = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Fictional Coast Guard Operations Centre (demo)" in csv
    assert "Fictional Directorate of Extradition" not in csv
    assert "Demo Person" not in csv

    page.locator("#results a", has_text="Fictional Coast Guard Operations Centre").click()
    expect(page).to_have_url(re.compile(r"/directory/\d+/$"))
    expect(page.locator("h1")).to_contain_text("Fictional Coast Guard Operations Centre")
    expect(page.locator("main")).to_contain_text("Smuggling of migrants by sea")
    expect(page.locator("main")).not_to_contain_text("Demo Person")
    assert not page.js_errors, page.js_errors
