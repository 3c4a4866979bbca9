import re
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

@pytest.mark.parametrize("vary", [False, True])
def test_back(page, monkeypatch, vary):
    if vary:
        from django.utils.cache import patch_vary_headers
        from palermo.treaties.views import StatusListView
        orig = StatusListView.render_to_response
        def rtr(self, *a, **k):
            r = orig(self, *a, **k)
            patch_vary_headers(r, ["HX-Request"])
            return r
        monkeypatch.setattr(StatusListView, "render_to_response", rtr)
    page.goto("/treaties/participants/")
    page.locator("#id_q").fill("Andorra")
    page.locator("form.filters button[type=submit]").click()
    expect(page).to_have_url(re.compile("q=Andorra"))
    page.locator("#results tbody a").first.click()
    expect(page).to_have_url(re.compile("/AND/"))
    page.go_back()
    expect(page).to_have_url(re.compile("q=Andorra"))
    expect(page.locator("form.filters")).to_be_visible()
