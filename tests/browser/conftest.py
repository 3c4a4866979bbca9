"""Browser tests: real Chromium (Debian's /usr/bin/chromium) driven by Playwright's sync API
against pytest-django's live server.

The live server runs in a transactional database that is flushed after every test, so each test
(re)loads the reference data and demo users first (about 1.5 s); keep the number of tests small.
Without Chromium every browser test is skipped, so ``make test`` passes anywhere.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in the test thread; without this Django
# refuses ORM calls there (SynchronousOnlyOperation).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
NO_CHROMIUM = "Chromium is not installed (apt-get install chromium)"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).resolve().parents[2] / "src/palermo/static/vendor/axe.min.js"


def pytest_collection_modifyitems(config, items):
    """Skip at collection time when Chromium is absent (before any fixture runs)."""
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=NO_CHROMIUM)
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def site(live_server, transactional_db):
    """The live server's base URL, with the reference data and demo users (re)loaded."""
    from tests.conftest import load_everything

    load_everything()
    return live_server.url


@pytest.fixture
def page(browser, site):
    context = browser.new_context(
        base_url=site, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # A blocked script, style or request (Content Security Policy) is reported on the console.
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    page.js_errors = errors
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe_source():
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def run_axe(page):
    """``run_axe()`` → the serious and critical axe-core violations of the current page."""

    def run():
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            # From the site itself: the Content Security Policy forbids inline scripts.
            page.add_script_tag(url="/static/vendor/axe.min.js")
        result = page.evaluate("async () => await axe.run(document)")
        return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]

    return run
