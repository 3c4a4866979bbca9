"""Argentina's focal point records a need for technical assistance; the Secretariat links an
activity to it on the need's page; the need is then planned, and the periodic report the
Secretariat downloads lists it with its activity."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _sign_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("palermo-demo")
    page.get_by_role("button", name="Sign in").click()


def test_a_need_recorded_by_a_state_and_linked_by_the_secretariat(page):
    from palermo.assistance.models import Activity
    from palermo.core.models import Participant

    activity = Activity.objects.create(
        code="journey-workshop",
        title="Journey workshop on witness protection (fictional)",
        status="planned",
        published=True,
        demo=True,
    )
    activity.beneficiaries.set([Participant.objects.get(code="ARG")])

    _sign_in(page, "focal-point")
    page.goto("/assistance/needs/")
    page.get_by_role("button", name="Record a need").or_(
        page.get_by_role("link", name="Record a need")
    ).click()
    page.get_by_label("Title").fill("Protection of witnesses in trafficking cases")
    page.get_by_role("button", name="Record").click()
    expect(page).to_have_url(re.compile(r"/assistance/needs/\d+/$"))
    expect(page.locator("#need-status")).to_have_text("Open")
    need_url = page.url
    # A focal point does not link activities: the form is the Secretariat's.
    expect(page.get_by_text("Link an activity")).to_have_count(0)

    _sign_in(page, "secretariat")
    page.goto(need_url)
    page.locator("#id_activity").select_option(str(activity.pk))
    page.get_by_role("button", name="Link", exact=True).click()
    expect(page.locator("#need-status")).to_have_text("Planned")
    expect(page.locator("#linked-activities")).to_contain_text("Journey workshop")
    expect(page.locator("main")).to_contain_text("Activity linked")

    # The report of the year, as the Secretariat downloads it, lists the need and its activity.
    from datetime import date

    from docx import Document

    page.goto("/assistance/reports/new/")
    page.get_by_label("Title").fill("Journey report (fictional)")
    page.get_by_label("From").fill(f"{date.today().year}-01-01")
    page.get_by_label("To").fill(f"{date.today().year}-12-31")
    page.get_by_role("button", name=re.compile("Create|Save")).click()
    expect(page.locator("h1")).to_contain_text("Journey report")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download DOCX").click()
    text = "\n".join(p.text for p in Document(download.value.path()).paragraphs)
    assert "Protection of witnesses in trafficking cases (Planned)" in text
    assert "Journey workshop on witness protection (fictional)" in text
    assert not page.js_errors, page.js_errors
