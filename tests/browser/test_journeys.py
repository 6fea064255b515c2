"""A delegate's way through the site, by mouse and by keyboard alone, in a real Chromium."""

from types import SimpleNamespace

import pytest
from offline import record_csp_violations, refuse_other_hosts

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def titles(site_content):
    """What the delegate reads and follows, in the content of conftest.build_site()."""
    action = site_content.action
    return SimpleNamespace(
        meeting=site_content.meeting.title,
        programme=site_content.programme.title,
        session=site_content.session.title,
        action=f"{action.plan.name}, Action #{action.number}",
        question=site_content.question.text,
    )


def h1(page):
    return page.locator("h1").inner_text()


def test_a_delegate_clicks_from_home_to_a_session_and_its_action_and_back(site, titles, page):
    page.goto(site + "/")
    page.get_by_role("link", name=titles.meeting).click()
    assert h1(page) == titles.meeting

    page.get_by_role("link", name=titles.programme).click()
    assert h1(page) == titles.programme
    crumbs = page.get_by_role("navigation", name="Breadcrumb").get_by_role("listitem")
    assert crumbs.all_inner_texts() == [
        "Home",
        "Intersessional Meetings",
        "May 2030",
        titles.programme,
    ]

    page.get_by_role("heading", name=titles.session).get_by_role("link").click()
    assert h1(page) == titles.session
    assert titles.question in page.content()

    page.get_by_role("link", name=titles.action).click()
    assert h1(page) == titles.action
    page.get_by_role("link", name=titles.session).click()
    assert h1(page) == titles.session

    page.go_back()
    assert h1(page) == titles.action
    page.go_back()
    assert h1(page) == titles.session


def focused_text(page):
    return page.evaluate("document.activeElement ? document.activeElement.innerText : ''")


def tab_to(page, name, limit=300):
    """Press Tab until the focused element reads `name`; fail if it is never reached."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_text(page).strip() == name:
            return
    raise AssertionError(f"{name!r} cannot be reached with the Tab key")


def follow_by_keyboard(page, name):
    """Tab to the link reading `name`, press Enter, wait for the page it opens."""
    tab_to(page, name)
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def test_a_keyboard_user_reaches_the_same_pages_with_tab_and_enter(site, titles, page):
    page.goto(site + "/")
    page.keyboard.press("Tab")
    assert focused_text(page) == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"

    follow_by_keyboard(page, titles.meeting)
    assert h1(page) == titles.meeting
    follow_by_keyboard(page, titles.programme)
    assert h1(page) == titles.programme
    follow_by_keyboard(page, titles.session)  # the timetable's in-page link to the full session
    follow_by_keyboard(page, titles.session)  # then the session's own heading link
    assert h1(page) == titles.session
    follow_by_keyboard(page, titles.action)
    assert h1(page) == titles.action
    follow_by_keyboard(page, titles.session)  # the action page lists the sessions that served it
    assert h1(page) == titles.session


def test_focus_is_visible_on_every_focused_link(site, page):
    page.goto(site + "/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past the skip link, onto the first link of the header
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    assert outline[0] != "none" and outline[1] >= 2


def test_the_site_works_with_javascript_off(site, titles, new_page):
    page = new_page(java_script_enabled=False)
    page.goto(site + "/meetings/")
    page.get_by_label("Kind of meeting").select_option("workshop")
    page.get_by_role("button", name="Show meetings").click()
    assert "kind=workshop" in page.url
    assert "No meeting matches these filters." in page.content()

    page.get_by_label("Kind of meeting").select_option("intersessional")
    page.get_by_role("button", name="Show meetings").click()
    page.get_by_role("link", name=titles.meeting).click()
    page.get_by_role("link", name=titles.programme).click()
    assert h1(page) == titles.programme
    page.goto(site + "/documents/?language=en")
    assert page.get_by_label("Language", exact=True).input_value() == "en"


def test_a_page_that_fetches_from_another_host_is_caught(site, browser, live_server):
    """The guard of every browser test can fail: a CDN stylesheet is refused and recorded.
    (The site's own policy refuses it first; it is set aside here to test the guard alone.)"""
    context = browser.new_context(bypass_csp=True)
    refused = refuse_other_hosts(context, live_server.url)
    page = context.new_page()
    page.goto(site + "/")
    page.evaluate(
        "document.head.insertAdjacentHTML('beforeend',"
        " '<link rel=stylesheet href=\\'https://cdn.example.org/x.css\\'>')"
    )
    page.wait_for_timeout(300)
    context.close()
    assert refused == ["https://cdn.example.org/x.css"]


def test_an_inline_script_or_style_is_refused_and_caught(site, browser):
    """The site's Content Security Policy refuses inline code, and every browser test's guard
    sees the refusal."""
    context = browser.new_context()
    violations = record_csp_violations(context)
    page = context.new_page()
    page.goto(site + "/")
    page.evaluate(
        "const s = document.createElement('script'); s.textContent = 'document.title = \"ran\"';"
        " document.head.appendChild(s);"
        " document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')"
    )
    page.wait_for_timeout(300)
    title = page.title()
    context.close()
    assert title != "ran"
    assert any("inline script" in text for text in violations), violations
    assert any("inline style" in text for text in violations), violations
