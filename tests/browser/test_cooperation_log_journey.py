"""Argentina's central-authority practitioner records a request received from France outside
Palermo, acknowledges it, is refused a refusal without grounds, and records it refused on two
grounds of article 18(21)."""

import datetime as dt

import pytest
from django.utils import timezone

TODAY = timezone.localdate()
DAY = dt.timedelta(days=1)


@pytest.mark.browser
def test_an_incoming_request_recorded_then_refused(page, run_axe):
    """Argentina's practitioner records a request received from France, acknowledges it and
    records its refusal on two grounds of article 18(21), through the page's forms."""
    from playwright.sync_api import expect

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("practitioner")
    page.get_by_label("Password").fill("palermo-demo")
    page.get_by_role("button", name="Sign in").click()

    page.goto("/cooperation/")
    page.get_by_role("button", name="Record a request sent or received outside Palermo").or_(
        page.get_by_role("link", name="Record a request sent or received outside Palermo")
    ).click()
    page.get_by_label("Incoming").check()
    page.locator("#id_authority").select_option(index=1)
    page.locator("#id_counterpart_state").select_option("FRA")
    page.get_by_label("Title").fill("Journey: hearing of a witness (fictional)")
    page.get_by_label("Sent or received on").fill((TODAY - 20 * DAY).isoformat())
    page.locator("#id_language").fill("fr")
    page.get_by_role("button", name="Record").click()
    expect(page.locator("h1")).to_contain_text("Journey: hearing of a witness (fictional)")
    expect(page.locator("#request-status")).to_have_text("Sent")
    assert not run_axe(), "the request's page has serious accessibility violations"

    page.locator("#status_status").select_option("acknowledged")
    page.locator("#status_on").fill((TODAY - 10 * DAY).isoformat())
    page.get_by_role("button", name="Change the status").click()
    expect(page.locator("#request-status")).to_have_text("Acknowledged")

    # A refusal without its grounds is not recorded; with them, it closes the request.
    page.locator("#status_status").select_option("refused")
    page.get_by_role("button", name="Change the status").click()
    expect(page.locator("main")).to_contain_text("a refusal needs its grounds under article 18(21)")
    expect(page.locator("#request-status")).to_have_text("Acknowledged")
    page.locator("#status_status").select_option("refused")
    page.get_by_label("18(21)(b)").check()
    page.get_by_label("18(21)(d)").check()
    page.get_by_role("button", name="Change the status").click()
    expect(page.locator("#request-status")).to_contain_text("Refused")
    expect(page.locator("#request-status")).to_contain_text("18(21)(d)")
    expect(page.locator("#status-form")).to_have_count(0)
    assert not page.js_errors
