"""A real Chromium (Debian's `chromium` package) driven by Playwright against a live server.

`.ci/run` installs the browser; `./dev setup` installs it too when it can (as root). Where it is
missing, these tests are skipped with a message saying how to install it, except under CI
(`CI=true`), where a missing browser fails the run instead of hiding the tests.
"""

import os
import shutil

import pytest
from django.core.management import call_command

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
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    """A 320 px wide screen, the narrowest WCAG's reflow criterion asks for."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()
