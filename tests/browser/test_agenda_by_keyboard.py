"""A delegate makes a personal agenda in a real Chromium with JavaScript off, by keyboard alone:
opens the programme page's "Choose the sessions" disclosure, ticks two sessions with the space
bar, sends the form, and reads the agenda, its times also in a second time zone; the pages it
passes through have no axe-core violation and fit a 320 px screen."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from test_accessibility import AXE_OPTIONS, describe
from test_journeys import h1

pytestmark = pytest.mark.django_db(transaction=True)

PROGRAMME = "/meetings/may-2030/parallel/"
AGENDA = re.compile(r"/meetings/may-2030/parallel/agenda/[A-Za-z0-9_-]{16}/$")


def active(page, script):
    return page.evaluate(f"(() => {{ const e = document.activeElement; return {script}; }})()")


def tab_until(page, script, limit=400):
    """Press Tab until `script` (about the focused element `e`) is true."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if active(page, script):
            return
    raise AssertionError(f"nothing focused by Tab makes {script!r} true")


def make_agenda_by_keyboard(page, site, site_content):
    """On the programme page, by keyboard only: open the disclosure, tick the coordination and
    monitoring sessions, send the form; the agenda's page is then open."""
    page.goto(site + PROGRAMME)
    tab_until(page, "e.tagName === 'SUMMARY'")
    assert active(page, "e.innerText.trim()") == "Choose the sessions for your agenda"
    page.keyboard.press("Enter")
    assert page.locator("details.agenda-picker").get_attribute("open") is not None
    for slug in ("coordination", "monitoring"):
        tab_until(page, f"e.id === 'pick-{slug}'")
        page.keyboard.press("Space")
        assert active(page, "e.checked")
    tab_until(page, "e.tagName === 'BUTTON' && e.innerText.trim() === 'Make my agenda'")
    page.keyboard.press("Enter")
    page.wait_for_url(AGENDA)


def test_a_delegate_makes_an_agenda_by_keyboard_with_javascript_off(site, site_content, new_page):
    page = new_page(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    make_agenda_by_keyboard(page, site, site_content)
    assert h1(page) == "My agenda"
    shown = page.locator("article.session h4").all_inner_texts()
    assert shown == [site_content.session.title, "Session Two: Test Monitoring of Plans"]
    assert page.get_by_role("link", name="Subscribe, so your calendar follows changes").count()

    # A second time zone, chosen with the keyboard: type-ahead in the list, then the button.
    tab_until(page, "e.id === 'tz'")
    page.keyboard.type("Thailand")
    assert page.locator("#tz").input_value() == "Asia/Bangkok"
    tab_until(page, "e.tagName === 'BUTTON' && e.innerText.trim() === 'Show the times'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?tz=Asia%2FBangkok$"))
    # 10:15 in Geneva (UTC+2 in May) is 15:15 in Bangkok (UTC+7).
    first = page.locator(".second-zone").first.inner_text()
    assert first.startswith("Thailand (UTC+07:00): 15:15")

    # Back to the programme page with those boxes ticked, to change the choice.
    page.get_by_role("link", name="Change which sessions are in it").click()
    ticked = page.locator("details.agenda-picker input:checked")
    assert [box.get_attribute("id") for box in ticked.all()] == [
        "pick-coordination",
        "pick-monitoring",
    ]


@pytest.fixture(scope="module")
def axe():
    return Axe()


def test_the_agenda_and_the_open_form_pass_axe_and_fit_a_phone(site, site_content, phone, axe):
    """axe-core runs as a script: this one with JavaScript on, on a 320 px screen."""
    phone.goto(site + PROGRAMME)
    phone.locator("details.agenda-picker summary").click()
    phone.get_by_role("checkbox", name="Session Two: Test Monitoring of Plans").check()
    phone.get_by_role("checkbox", name=site_content.session.title).check()
    checks = [PROGRAMME]
    phone.get_by_role("button", name="Make my agenda").click()
    phone.wait_for_url(AGENDA)
    agenda = phone.url.removeprefix(site)
    checks += [agenda, agenda + "?tz=America/Argentina/Buenos_Aires", agenda + "?tz=Mars"]
    for url in checks:
        if url != PROGRAMME:
            phone.goto(site + url)
        violations = axe.run(phone, options=AXE_OPTIONS).response["violations"]
        assert violations == [], f"{url}: {describe(violations)}"
        overflow = phone.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{url} is {overflow}px wider than a 320px screen"
