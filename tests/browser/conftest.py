"""A real Chromium (Debian's `chromium` package) driven by Playwright against a live server.

`.ci/run` installs the browser; `./dev setup` installs it too when it can (as root). Where it is
missing, these tests are skipped with a message saying how to install it, except under CI
(`CI=true`), where a missing browser fails the run instead of hiding the tests.
"""

import os
import shutil

import pytest
from django.core.management import call_command
from offline import record_csp_violations, refuse_other_hosts

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the tests
# themselves (loading fixtures) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path():
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if os.path.exists(path) else None


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        message = (
            "Chromium is not installed: `apt-get install -y chromium` "
            "(or set CHROMIUM_PATH) to run the browser tests."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server):
    """The live server holding the seed content; its base URL."""
    call_command("loaddata", "seeds", verbosity=0)
    return live_server.url


@pytest.fixture
def new_page(browser, live_server):
    """Open pages that may fetch only from the site itself: a request to any other host (a CDN
    font, a script) is refused and fails the test, and so does anything the site's Content
    Security Policy refuses (an inline script or style)."""
    contexts, refused, violations = [], [], []

    def make(**options):
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        refused.append(refuse_other_hosts(context, live_server.url))
        violations.append(record_csp_violations(context))
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    foreign = [url for urls in refused for url in urls]
    assert foreign == [], f"pages fetched from other hosts: {foreign}"
    refusals = [text for texts in violations for text in texts]
    assert refusals == [], f"the Content Security Policy refused: {refusals}"


@pytest.fixture
def page(new_page):
    return new_page(viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone(new_page):
    """A 320 px wide screen, the narrowest WCAG's reflow criterion asks for."""
    return new_page(viewport={"width": 320, "height": 640})
