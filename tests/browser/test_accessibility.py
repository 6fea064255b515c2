"""WCAG 2.2 AA checks in a real Chromium: axe-core on every public page type, reflow at 320 px,
the print stylesheet. axe-core comes bundled with axe-playwright-python (nothing is fetched)."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.django_db(transaction=True)

# The pages of the content conftest.build_site() makes, one of each type.
PROGRAMME = "/meetings/may-2030/parallel/"

PAGES = {
    "home": "/",
    "meetings": "/meetings/",
    "meetings filtered": "/meetings/?convention=APMBC&kind=intersessional",
    "meeting": "/meetings/may-2030/",
    "programme": PROGRAMME,
    "programme without a day": "/meetings/may-2030/standing-committee/",
    "programme changes": PROGRAMME + "changes/",
    "notices by e-mail": PROGRAMME + "notices/",
    "session": PROGRAMME + "sessions/coordination/",
    "break": PROGRAMME + "sessions/lunch-break/",
    "action plans": "/action-plans/",
    "action plan": "/action-plans/test-action-plan/",
    "action": "/action-plans/test-action-plan/24/",
    "action without text": "/action-plans/test-later-plan/31/",
    "coordination": "/coordination/",
    "work plan": "/coordination/work-plans/test-work-plan/",
    "news": "/news/",
    "news post": "/news/programme-may-2030/",
    "documents": "/documents/",
    "search": "/search/?q=coordination",
    "documents filtered": "/documents/?kind=presentation&language=en",
    "not found": "/no-such-page/",
    "programme in French": "/fr" + PROGRAMME,
    "session in Spanish": "/es" + PROGRAMME + "sessions/coordination/",
}

# Every axe rule of WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


def describe(violations):
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.mark.parametrize("url", PAGES.values(), ids=PAGES.keys())
def test_axe_finds_no_violation(site, page, axe, url):
    response = page.goto(site + url)
    assert response.status == (404 if url == "/no-such-page/" else 200)
    results = axe.run(page, options=AXE_OPTIONS)
    violations = results.response["violations"]
    assert violations == [], describe(violations)


def test_axe_finds_no_violation_on_a_phone(site, phone, axe):
    phone.goto(site + PROGRAMME)
    violations = axe.run(phone, options=AXE_OPTIONS).response["violations"]
    assert violations == [], describe(violations)


def test_axe_would_report_a_violation(site, page, axe):
    """The scan can fail: an image without a text alternative is reported."""
    page.goto(site + "/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"x.png\">')"
    )
    ids = {v["id"] for v in axe.run(page, options=AXE_OPTIONS).response["violations"]}
    assert "image-alt" in ids


@pytest.mark.parametrize("url", PAGES.values(), ids=PAGES.keys())
def test_pages_reflow_at_320_px_without_sideways_scrolling(site, phone, url):
    phone.goto(site + url)
    overflow = phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{url} is {overflow}px wider than a 320px screen"


def test_text_zoomed_to_200_percent_still_fits(site, new_page):
    """200% zoom on a 1280 px screen lays out as a 640 px one with text twice the size."""
    page = new_page(viewport={"width": 640, "height": 450}, device_scale_factor=2)
    page.goto(site + PROGRAMME)
    # Through the CSS object model: the site's policy rightly refuses an added <style>.
    page.evaluate("document.documentElement.style.setProperty('font-size', '200%', 'important')")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_print_stylesheet_drops_navigation_and_keeps_the_programme(site, site_content, page):
    page.goto(site + PROGRAMME)
    page.emulate_media(media="print")
    assert not page.get_by_role("navigation", name="Main").is_visible()
    assert not page.get_by_role("navigation", name="On this page").is_visible()
    assert page.get_by_role("heading", name="Timetable at a glance").is_visible()
    assert page.get_by_text(site_content.question.text).is_visible()


@pytest.mark.parametrize("url", ["/fr" + PROGRAMME, "/es/", "/"])
def test_the_language_switcher_stays_within_a_320_px_screen_at_200_percent_text(site, phone, url):
    phone.goto(site + url)
    phone.evaluate("document.documentElement.style.setProperty('font-size', '200%', 'important')")
    width = phone.evaluate("document.documentElement.clientWidth")
    edges = phone.evaluate(
        "[...document.querySelectorAll('nav.languages a')]"
        ".map(a => { const r = a.getBoundingClientRect(); return [r.left, r.right]; })"
    )
    assert len(edges) == 3
    assert all(left >= 0 and right <= width for left, right in edges), (width, edges)
    header = phone.evaluate("document.querySelector('header.site').scrollWidth")
    assert header <= width


@pytest.mark.parametrize("prefix", ["", "/fr", "/es"])
def test_the_programme_page_fits_a_320_px_screen_at_200_percent_text(site, phone, prefix):
    """Its timetable too: a time breaks after its dash, a word longer than its column breaks."""
    phone.goto(site + prefix + PROGRAMME)
    phone.evaluate("document.documentElement.style.setProperty('font-size', '200%', 'important')")
    width = phone.evaluate("document.documentElement.clientWidth")
    assert phone.evaluate("document.documentElement.scrollWidth") <= width
    timetable = phone.evaluate(
        "document.querySelector('table.timetable').getBoundingClientRect().right"
    )
    assert timetable <= width


@pytest.mark.parametrize(
    "url",
    [
        PAGES["documents filtered"],
        "/fr" + PAGES["meetings filtered"],
        "/es" + PAGES["documents filtered"],
    ],
)
def test_a_filtered_list_fits_a_320_px_screen_at_200_percent_text(site, phone, url):
    """The filter form's button and "Clear the filters" wrap instead of running off the screen."""
    phone.goto(site + url)
    phone.evaluate("document.documentElement.style.setProperty('font-size', '200%', 'important')")
    width = phone.evaluate("document.documentElement.clientWidth")
    clear = phone.locator("form.filters .buttons a")
    assert clear.count() == 1
    box = clear.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (width, box)
    assert phone.evaluate("document.documentElement.scrollWidth") <= width


def test_the_skip_link_is_wholly_hidden_until_focused_at_200_percent_text(site, phone):
    """At 320 px and 200% text the link wraps onto several lines: none of it shows until it has
    the focus, and then all of it does."""
    phone.goto(site + "/fr" + PROGRAMME)
    phone.evaluate("document.documentElement.style.setProperty('font-size', '200%', 'important')")
    link = phone.locator(".skip-link")
    hidden = link.bounding_box()
    assert hidden["y"] + hidden["height"] <= 0, hidden
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.classList.contains('skip-link')")
    shown = link.bounding_box()
    assert shown["y"] >= 0 and shown["height"] > 0, shown
