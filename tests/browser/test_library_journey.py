"""A reader's journey through the Library: search, narrow by a facet (htmx), open a case,
export the results; the pages pass axe-core."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _published_cases():
    from palermo.core.models import Participant, User
    from palermo.library import services
    from palermo.library.models import Case, CaseSummary
    from palermo.platform.actors import system_user

    secretariat = User.objects.get(username="secretariat")
    cases = []
    for code, number, title in (
        ("ARG", "journey-1", "Forced labour journey case in vineyards"),
        ("BRA", "journey-2", "Forced labour journey case in mines"),
    ):
        case = Case(participant=Participant.objects.get(code=code), number=number, title=title)
        services.save_record(case, acting_user=system_user())
        services.save_part(
            CaseSummary(case=case, language="ar", text="ملخص وقائع القضية"),
            acting_user=system_user(),
        )
        services.submit(case, acting_user=system_user())
        case.refresh_from_db()
        services.publish(case, acting_user=secretariat)
        cases.append(case)
    return cases


def test_search_filter_by_a_facet_open_a_case_and_export_the_results(page, run_axe):
    _published_cases()
    page.goto("/library/cases/?q=journey")
    expect(page.locator("#results table tbody tr")).to_have_count(2)
    assert not run_axe(), "axe-core violations on the list of cases"
    page.goto("/library/")
    assert not run_axe(), "axe-core violations on the Library's front page"
    page.get_by_label("Search the Library").fill("forced labour journey")
    page.locator("form.library-search button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/library/search/\?q=forced"))
    hits = page.locator(".library-hits .search-hit")
    expect(hits).to_have_count(2)
    expect(page.locator(".library-hits mark").first).to_be_visible()
    assert not run_axe(), "axe-core violations on the search page"

    # The State facet narrows the results in place (htmx) and the address follows.
    page.evaluate("window.__palermoMarker = 'still here'")
    page.locator("#facet-state a", has_text="Argentina").click()
    expect(page).to_have_url(re.compile(r"state=ARG"))
    expect(hits).to_have_count(1)
    expect(hits.first).to_contain_text("vineyards")
    assert page.evaluate("window.__palermoMarker") == "still here", "the page fully reloaded"

    # Export what is shown.
    with page.expect_download() as download_info:
        page.locator("#export-csv").click()
    download = download_info.value
    text = Path(download.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["number"] for r in rows] == ["journey-1"]

    # Open the case: its Arabic summary is marked as Arabic and right to left.
    hits.first.locator("a").first.click()
    expect(page).to_have_url(re.compile(r"/library/ARG/case/journey-1/$"))
    expect(page.locator("h1")).to_have_text("Forced labour journey case in vineyards")
    summary = page.locator("#summaries article[lang=ar]")
    expect(summary).to_have_attribute("dir", "rtl")
    expect(summary).to_contain_text("ملخص وقائع القضية")
    assert not run_axe(), "axe-core violations on the case page"
    assert not page.js_errors, page.js_errors


def test_a_focal_points_contribution_form_shows_its_errors_accessibly(page, run_axe):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("focal-point")
    page.get_by_label("Password").fill("palermo-demo")
    page.get_by_role("button", name="Sign in").click()
    page.goto("/library/new/legislation/")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_title_error")).to_be_visible()
    assert not run_axe(), "axe-core violations on the form with errors"
