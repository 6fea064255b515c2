"""Subscribing to a programme's notices by e-mail in a real Chromium, by keyboard alone: the
form, its message for a bad address, the neutral answer, the link the mail brings and its
button, each page without an axe-core violation (WCAG 2.2 AA). The form needs no JavaScript:
the browser's own submission of a form, which tests/browser/test_journeys.py's journey with
JavaScript off relies on too."""

import re
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from test_accessibility import AXE_OPTIONS, PROGRAMME, describe

from meetings.models import NoticeSubscription

pytestmark = pytest.mark.django_db(transaction=True)


def no_violation(page):
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert violations == [], describe(violations)


def test_a_delegate_subscribes_by_keyboard(site, page, mailoutbox):
    page.goto(site + PROGRAMME)
    link = page.get_by_role("link", name="Get an e-mail when this programme changes")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{PROGRAMME}notices/")
    field = page.get_by_label("Your e-mail address")
    field.focus()
    page.keyboard.type("not an address")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # submits the form
    assert page.get_by_text("Enter an e-mail address such as name@example.org.").is_visible()
    assert field.get_attribute("aria-invalid") == "true"
    no_violation(page)
    assert not NoticeSubscription.objects.exists()

    field.fill("")
    field.focus()
    page.keyboard.type("delegate@ministry.test")
    page.keyboard.press("Tab")  # to the button
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Check your e-mail"
    no_violation(page)

    (mail,) = mailoutbox
    confirm = re.search(r"http://\S+/confirm/", mail.body).group(0)
    page.goto(site + urlsplit(confirm).path)  # the mail's address is SITE_URL's
    no_violation(page)
    page.get_by_role("button", name="Confirm").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Subscription confirmed"
    no_violation(page)
    assert NoticeSubscription.objects.get().is_confirmed
