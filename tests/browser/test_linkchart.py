"""The link chart in real Chromium: an analyst opens the chart, filters it by type and time,
expands a node, lays it out, saves it and opens it again, and downloads PNG and SVG; a viewer
is not offered to save."""

import re

import pytest
from playwright.sync_api import expect

from tests.analysis.helpers import load, person
from tests.browser.test_accessibility import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: How many pixels of the exported PNG have the colour of a person (#0072B2).
PERSON_PIXELS = """async () => {
  const bitmap = await createImageBitmap(await window.palermoLinkChart.pngBlob());
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width; canvas.height = bitmap.height;
  const context = canvas.getContext('2d');
  context.drawImage(bitmap, 0, 0);
  const d = context.getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i] < 30 && Math.abs(d[i + 1] - 114) < 30 && Math.abs(d[i + 2] - 178) < 30) n++;
  }
  return n;
}"""
READY = "() => window.palermoLinkChart && window.palermoLinkChart.renderer !== null"


def _investigation():
    from palermo.analysis import services
    from palermo.core.models import User

    analyst = User.objects.get(username="analyst")
    investigation = services.create_investigation(
        title="Chart journey (fictional)", acting_user=analyst
    )
    load(investigation, "calls.csv", "calls")
    load(investigation, "payments.csv", "payments")
    return investigation, analyst


def _open(page, url):
    page.on("console", lambda msg: _console_error(page, msg))
    page.goto(url)
    page.wait_for_function(READY)
    page.evaluate("async () => { await window.palermoLinkChart.ready; }")


def _console_error(page, msg):
    if msg.type == "error" and "favicon" not in msg.text:
        page.js_errors.append(msg.text)


def _visible(page):
    return page.evaluate(
        """() => { const c = window.palermoLinkChart; let n = 0;
        c.graph.forEachNode(k => { const d = c.renderer.getNodeDisplayData(k);
          if (d && !d.hidden) n++; }); return n; }"""
    )


def test_an_analyst_filters_expands_saves_and_exports_a_chart(page, tmp_path):
    investigation, _analyst = _investigation()
    sign_in(page, "analyst")
    _open(page, f"/analysis/{investigation.pk}/chart/")
    chart = page.locator("#linkchart")
    # calls.csv and payments.csv: 13 entities that are not links, joined by 5 calls, 4 payments
    # and the accounts' holders.
    total = page.evaluate("() => window.palermoLinkChart.graph.order")
    assert total >= 10
    expect(chart.locator("[data-role=status]")).to_contain_text(f"Showing {total} of {total}")
    assert _visible(page) == total

    # Filter by type: the bank accounts disappear from the chart.
    accounts = page.evaluate(
        """() => window.palermoLinkChart.graph.filterNodes((k, a) => a.schema === 'BankAccount')
        .length"""
    )
    assert accounts > 0
    chart.get_by_label("BankAccount").uncheck()
    assert _visible(page) == total - accounts
    chart.get_by_label("BankAccount").check()

    # The timeline counts the calls and payments; narrowing the window hides later links.
    summary = chart.locator("[data-role=timeline-summary]")
    expect(summary).to_contain_text("5 calls, 4 payments")
    chart.locator("[data-role=until]").fill("0")
    expect(chart.locator("[data-role=window-label]")).to_contain_text("From 2024-03-01")
    expect(summary).not_to_contain_text("5 calls, 4 payments")
    chart.locator("[data-role=until]").fill("1000")
    expect(summary).to_contain_text("5 calls, 4 payments")

    # Find Ivan Petrov, see his details, expand him.
    chart.get_by_label("Find a node by name").fill("Ivan Petrov")
    chart.get_by_role("button", name="Find", exact=True).click()
    details = chart.locator("[data-role=details]")
    expect(details.get_by_role("heading")).to_have_text("Ivan Petrov")
    expect(details.get_by_role("link", name="Open its evidence")).to_have_attribute(
        "href", re.compile(rf"/analysis/{investigation.pk}/entities/\d+/$")
    )
    details.get_by_role("button", name="Expand").click()
    expect(chart.locator("[data-role=message]")).to_contain_text("added around Ivan Petrov")
    assert page.evaluate("() => window.palermoLinkChart.timings.expand") > 0

    # A metric filter: only the nodes with the highest betweenness stay.
    chart.get_by_label("Size and filter by").select_option("betweenness")
    expect(chart.locator("[data-role=threshold]")).to_be_enabled()
    chart.locator("[data-role=threshold]").fill("100")
    assert 1 <= _visible(page) < total
    chart.locator("[data-role=threshold]").fill("0")

    # Layouts: the circle puts every node at the same distance from the centre.
    chart.get_by_role("button", name="Circle").click()
    radii = page.evaluate(
        """() => window.palermoLinkChart.graph.mapNodes((k, a) => Math.hypot(a.x, a.y))"""
    )
    assert max(radii) - min(radii) < 1e-6

    # Save, then open the saved chart: the same nodes in the same places, the same filters.
    chart.get_by_label("BankAccount").uncheck()
    chart.get_by_label("Title", exact=True).fill("Petrov's circle (fictional)")
    chart.get_by_role("button", name="Save chart").click()
    expect(chart.locator("[data-role=message]")).to_contain_text("Saved “Petrov's circle")
    expect(page).to_have_url(re.compile(rf"/analysis/{investigation.pk}/charts/\d+/$"))
    saved_positions = page.evaluate(
        "() => window.palermoLinkChart.state().nodes.map(n => [n.id, n.x.toFixed(4)]).sort()"
    )
    page.reload()
    page.wait_for_function(READY)
    page.evaluate("async () => { await window.palermoLinkChart.ready; }")
    assert (
        page.evaluate(
            "() => window.palermoLinkChart.state().nodes.map(n => [n.id, n.x.toFixed(4)]).sort()"
        )
        == saved_positions
    )
    expect(chart.get_by_label("BankAccount")).not_to_be_checked()
    assert _visible(page) == total - accounts
    expect(page.locator("#saved-charts")).to_contain_text("Petrov's circle (fictional)")

    # Exports: a PNG image and an SVG drawing of what is on screen.
    page.evaluate("() => window.palermoLinkChart.select(null)")
    blue = page.evaluate(PERSON_PIXELS)
    assert blue > 50, "the PNG shows no person node"
    with page.expect_download() as png:
        chart.get_by_role("button", name="Download PNG").click()
    png_path = tmp_path / "chart.png"
    png.value.save_as(png_path)
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with page.expect_download() as svg:
        chart.get_by_role("button", name="Download SVG").click()
    svg_path = tmp_path / "chart.svg"
    svg.value.save_as(svg_path)
    drawing = svg_path.read_text()
    assert drawing.count(" data-id=") == total - accounts
    assert "<title>Ivan Petrov (Person)</title>" in drawing
    assert page.js_errors == [], page.js_errors


def test_a_viewer_sees_the_chart_but_cannot_save_it(page):
    from palermo.analysis import services
    from palermo.core.models import User

    investigation, analyst = _investigation()
    viewer = person("chart-viewer")
    viewer.set_password("palermo-demo")
    viewer.save()
    services.add_member(investigation, viewer, role="viewer", acting_user=analyst)
    assert User.objects.filter(username="chart-viewer").exists()
    sign_in(page, "chart-viewer")
    _open(page, f"/analysis/{investigation.pk}/chart/")
    assert page.evaluate("() => window.palermoLinkChart.graph.order") >= 10
    expect(page.get_by_role("button", name="Save chart")).to_have_count(0)
    expect(page.locator("#linkchart")).to_contain_text("only its owners and editors save them")
    assert page.js_errors == [], page.js_errors
