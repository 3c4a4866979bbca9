"""What a visitor does and notices: language switch, participant filters (htmx), profile, map,
timeline."""

import os
import re
from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import expect

from palermo.treaties.choices import Status

pytestmark = pytest.mark.browser

TEST_DATA = Path(__file__).resolve().parents[1] / "treaties" / "data"
UNTC_PAGE = TEST_DATA / "untc_xviii-12_excerpt_2024-05-04.html"
UNTC_BAD_PAGE = TEST_DATA / "untc_bad_rows.html"

ANDORRA_AR = "أندورا"  # pycountry's Arabic name for Andorra
ARABIC = "العربيّة"  # the option label: Django's name_local for "ar"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs/images"


def arabic(label):
    """The label as the Arabic pages show it (English until the catalogue translates it)."""
    with translation.override("ar"):
        return str(label)


def test_arabic_visitor_filters_participants_and_opens_a_profile(page):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")

    # The language form in the footer (Django spells it with a shadda: العربيّة).
    page.locator("footer #language-select").select_option(label=ARABIC)
    page.locator("footer form.language-form button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")

    # The nav takes us to the participant list, still in Arabic.
    page.locator("header nav .nav-links a[href$='/treaties/participants/']").click()
    expect(page).to_have_url(re.compile(r"/treaties/participants/$"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#results table tbody tr")).to_have_count(50)  # one page of 50

    # From here on the form talks to the server through htmx; the page itself stays.
    page.evaluate("window.__palermoMarker = 'still here'")
    form = page.locator("form.filters")
    form.locator("#id_q").fill(ANDORRA_AR)
    form.locator("#id_instrument").select_option("UNTOC")
    form.locator("#id_on").fill("2010-07-13")
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"on=2010-07-13"))
    rows = page.locator("#results table tbody tr")
    expect(rows).to_have_count(1)
    andorra = rows.first
    expect(andorra).to_contain_text(ANDORRA_AR)
    expect(andorra).to_contain_text("AND")
    expect(andorra.locator(".status")).to_have_class(re.compile(r"\bstatus-signatory\b"))
    expect(andorra.locator(".status")).to_have_text(arabic(Status.SIGNATORY.label))
    expect(page.locator("#results .summary")).to_contain_text("2010-07-13")
    assert page.evaluate("window.__palermoMarker") == "still here", "the page fully reloaded"
    assert "q=" in page.url and "instrument=UNTOC" in page.url, page.url

    # Changing just the date (htmx triggers on "change") updates the table in place too.
    page.evaluate("window.__palermoMarker = 'changed'")
    form.locator("#id_on").fill("2012-01-01")
    form.locator("#id_on").dispatch_event("change")
    expect(page).to_have_url(re.compile(r"on=2012-01-01"))
    expect(andorra.locator(".status")).to_have_class(re.compile(r"\bstatus-party\b"))
    expect(page.locator("#results .summary")).to_contain_text("2012-01-01")
    assert page.evaluate("window.__palermoMarker") == "changed", "the page fully reloaded"

    # The profile shows the status on the chosen date.
    andorra.locator("a", has_text=ANDORRA_AR).click()
    expect(page).to_have_url(re.compile(r"/participants/AND/"))
    expect(page.locator("h1")).to_have_text(ANDORRA_AR)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.locator("#id_on").fill("2010-07-13")
    page.locator("form.filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"on=2010-07-13"))
    untoc = page.locator("#profile-status tbody tr").filter(
        has=page.locator("a[href$='/treaties/UNTOC/']")
    )
    expect(untoc.locator(".status")).to_have_class(re.compile(r"\bstatus-signatory\b"))

    # Later: ratified on 2011-09-22, in force 30 days after → a party on 2012-01-01.
    page.locator("#id_on").fill("2012-01-01")
    page.locator("form.filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"on=2012-01-01"))
    expect(untoc.locator(".status")).to_have_class(re.compile(r"\bstatus-party\b"))
    expect(untoc.locator(".status")).to_have_text(arabic(Status.PARTY.label))
    expect(untoc).to_contain_text("2011-09-22")

    assert page.js_errors == []


def test_map_and_timeline_are_drawn(page):
    if os.environ.get("PALERMO_SCREENSHOTS") == "1":  # for the README
        page.goto("/treaties/participants/?instrument=UNTOC&on=2024-01-01")
        expect(page.locator("#results table tbody tr").first).to_be_visible()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "participants.png"))

    page.goto("/treaties/map/?instrument=UNTOC&on=2024-01-01")
    countries = page.locator("figure.world-map svg path.world-map-country")
    expect(countries.nth(150)).to_be_attached()
    assert countries.count() > 150
    expect(page.locator("figure.world-map svg")).to_have_attribute("role", "img")

    # Argentina (M49 032) is a party: drawn in the party colour; its title says so.
    argentina = page.locator("path.world-map-country[data-m49='032']")
    expect(argentina).to_have_attribute("data-category", "party")
    expect(argentina).to_have_attribute("fill", "#1b6e3a")
    colours = page.evaluate(
        """() => Object.fromEntries(JSON.parse(document.getElementById('map-data').textContent)
            .categories.map(c => [c.key, c.color]))"""
    )
    coloured = page.evaluate(
        """() => [...document.querySelectorAll('path.world-map-country.has-value')]
            .map(p => [p.dataset.category, p.getAttribute('fill')])"""
    )
    assert coloured, "no country has a status on the map"
    assert all(fill == colours[category] for category, fill in coloured), coloured
    expect(page.locator("path.world-map-country.no-value").first).to_have_attribute(
        "fill", "#d9d9d9"
    )

    # Another instrument: the form reloads the page and the map is drawn again.
    page.locator("form.filters #id_instrument").select_option("TIP")
    page.locator("form.filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"instrument=TIP"))
    expect(page.locator("figure.world-map svg path.world-map-country").nth(150)).to_be_attached()
    expect(page.locator("path.world-map-country.has-value").first).to_be_attached()

    page.goto("/treaties/timeline/")
    expect(page.locator("figure.chart.chart--ready canvas")).to_be_visible()
    assert page.js_errors == []


def test_back_button_restores_the_whole_list_page(page):
    page.goto("/treaties/participants/")
    page.locator("#id_q").fill("Andorra")
    page.locator("form.filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"q=Andorra"))
    page.locator("#results tbody a", has_text="Andorra").click()
    expect(page).to_have_url(re.compile(r"/participants/AND/"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"q=Andorra"))
    expect(page.locator("form.filters #id_q")).to_have_value("Andorra", timeout=3_000)
    expect(page.locator("#results tbody tr")).to_have_count(1)


def test_the_secretariat_imports_a_status_page_and_reads_the_report(page):
    from tests.browser.test_accessibility import sign_in

    sign_in(page, "secretariat")
    page.goto("/import/")
    page.get_by_label("What to import").select_option("treaty-actions")
    page.get_by_label("File").set_input_files(str(UNTC_PAGE))
    page.get_by_role("button", name="Start import").click()
    # The job page: finished (jobs run at once in tests), with the import report.
    expect(page.locator("#job-progress")).to_contain_text("Finished")
    expect(page.locator(".import-report")).to_contain_text("1 updated, 32 already present")
    # The Secretariat is told in the app, and the job is listed.
    page.goto("/notifications/")
    expect(page.locator(".notification-list")).to_contain_text("untc_xviii-12_excerpt")
    page.goto("/jobs/")
    expect(page.locator("#results")).to_contain_text("untc_xviii-12_excerpt_2024-05-04.html")

    # A file with an error: nothing imported, the error located.
    page.goto("/import/")
    page.get_by_label("What to import").select_option("treaty-actions")
    page.get_by_label("File").set_input_files(str(UNTC_BAD_PAGE))
    page.get_by_role("button", name="Start import").click()
    expect(page.locator(".import-report")).to_contain_text("nothing was imported")
    errors = page.locator(".import-report").get_by_role("table", name="Errors", exact=True)
    expect(errors).to_contain_text("Ratification, Acceptance")
    assert page.js_errors == []


def test_the_secretariat_maps_a_bank_statement_checks_it_and_imports_it(page, tmp_path):
    """Upload a file of another layout, see its first rows, map its columns with transforms,
    check them (errors shown per column), save the mapping, import, read the import's record."""
    from tests.browser.test_accessibility import sign_in

    statement = tmp_path / "statement.csv"
    statement.write_text(
        "Datum;Betrag;Auftraggeber;Empfänger\n"
        "05.03.2024 14:37;1.234,56;Anna Muster;ACME GmbH\n"
        "06.03.2024 09:05;12,00;Ben Beispiel;Café Central\n",
        encoding="utf-8",
    )
    sign_in(page, "secretariat")
    page.goto("/import/")
    page.get_by_label("What to import").select_option("example-payments")
    page.get_by_label("File").set_input_files(str(statement))
    page.get_by_role("button", name="Map the columns first").click()
    expect(page.locator("h1")).to_have_text("Map the columns")
    expect(page.locator("main")).to_contain_text("separator “;”")
    expect(page.locator("main")).to_contain_text("Café Central")
    lines = {
        "paid_at": ("Datum", "date", "%d.%m.%Y %H:%M"),
        "amount": ("Betrag", "number", ", ."),
        "currency": ("__constant__", "", "EUR"),
        "payer": ("Auftraggeber", "", ""),
        "payee": ("Empfänger", "", ""),
    }
    for name, (column, transform, option) in lines.items():
        page.locator(f"#id_{name}-column").select_option(column)
        if transform:
            page.locator(f"#id_{name}-transform").select_option(transform)
        if option:
            page.locator(f"#id_{name}-option").fill(option)
    page.get_by_role("button", name="Check the first rows").click()
    checked = page.locator("section[aria-labelledby=checked-title]")
    expect(checked).to_contain_text("2024-03-05 14:37:00")
    expect(checked).to_contain_text("1234.56")
    page.get_by_label("Save this mapping as").fill("Bank Muster")
    page.get_by_role("button", name="Save the mapping").click()
    expect(page.locator(".messages, [role=status]").first).to_contain_text("Bank Muster")
    page.get_by_role("button", name="Import with this mapping").click()
    expect(page.locator("#job-progress")).to_contain_text("Finished")
    expect(page.locator(".import-report")).to_contain_text("2 records created")
    page.get_by_role("link", name="This import's record").click()
    expect(page.locator("main")).to_contain_text("Deleted after the import")
    expect(page.locator("main")).to_contain_text("statement.csv")
    assert page.js_errors == []
