"""In a real browser: open Argentina's profile, see its homicide panel, follow it to the whole
series, switch the source to public health, and download that series."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_states_panel_switch_source_and_download(page):
    page.goto("/statistics/")
    countries = page.locator('figure.world-map svg[role="img"] path')
    expect(countries.first).to_be_visible()
    assert countries.count() > 150  # the world drawn from the vendored outlines
    argentina = page.locator('figure.world-map path[data-href="/statistics/states/ARG/"]')
    expect(argentina).to_have_count(1)
    page.goto("/participants/ARG/")
    panel = page.locator("#panel-statistics")
    expect(panel).to_contain_text("Intentional homicide")
    expect(panel).to_contain_text("Published value")
    panel.get_by_role("link", name="The whole series").click()
    expect(page.locator("h1")).to_contain_text("Argentina")
    expect(page.locator("table.series thead")).to_contain_text("UNODC homicide statistics")
    chart = page.locator('figure.chart canvas[role="img"]')
    expect(chart).to_have_count(1)  # the series drawn by Chart.js (vendored)
    assert chart.bounding_box()["height"] > 100
    page.locator("#source-who-homicide").click()
    expect(page.locator("table.series thead")).not_to_contain_text("UNODC homicide statistics")
    expect(page.locator("table.series thead")).to_contain_text("WHO Global Health Estimates")
    with page.expect_download() as info:
        page.locator("#download-series").click()
    path = info.value.path()
    rows = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8"))))
    assert rows and set(rows[0]) >= {"year", "who-homicide", "chosen", "reason"}
    assert "unodc-homicide" not in rows[0]
    from palermo.statistics.models import HomicideChoice

    by_year = {int(r["year"]): r for r in rows}
    for choice in HomicideChoice.objects.filter(participant__code="ARG"):
        assert float(by_year[choice.year]["chosen"]) == pytest.approx(choice.rate)
