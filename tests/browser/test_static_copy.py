"""The static copy (manage.py export_static) in a real Chromium: opened from a folder, as a
delegate opens it from a USB key, and served by a plain static web server, searching in both.

Pagefind cannot search a copy opened from a folder: its script loads the index with fetch() and
a module import, which Chromium refuses for file:// pages (as Firefox does; Pagefind's issues
#202 and #241). There the search page loads the copy's own index of its language, a script file,
which Chromium allows; served from a host, Pagefind searches."""

import functools
import http.server
import threading
from urllib.parse import unquote, urlsplit

import pytest

from meetings.public import static_export

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def copy(site_content, tmp_path):
    """The content of conftest.build_site() exported; the folder."""
    out = tmp_path / "copy"
    summary = static_export.export(out)
    assert summary.failed == {}
    return out


@pytest.fixture
def tab(browser):
    """A page that may open only the copy: any request to a host (the live site, a CDN) fails
    the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    refused = []

    def guard(route):
        url = route.request.url
        # The copy, and Chromium's own PDF viewer (chrome://, chrome-extension://).
        if url.startswith(("file://", "http://127.0.0.1:", "chrome")):
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    context.route("**/*", guard)
    yield context.new_page()
    context.close()
    assert refused == []


@pytest.fixture
def served(copy):
    """The copy served by Python's static file server under a path prefix (/archive/), as a
    static host may serve it; the address of its home page."""
    root = copy.parent
    (root / "archive").symlink_to(copy, target_is_directory=True)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/archive/"
    server.shutdown()
    server.server_close()


def test_a_delegate_opens_the_folder_and_follows_links_to_a_session_and_the_pdf(
    copy, site_content, tab
):
    tab.goto((copy / "index.html").as_uri())
    tab.get_by_role("link", name=site_content.meeting.title).first.click()
    assert tab.locator("h1").inner_text() == site_content.meeting.title
    tab.get_by_role("link", name=site_content.programme.title).first.click()
    assert tab.locator("h1").inner_text() == site_content.programme.title
    assert tab.url.startswith("file://") and tab.url.endswith("/index.html")

    # A page opened from a folder has no origin, so Chromium ignores `download` and shows the
    # PDF in its viewer: the file the link names is the programme's PDF.
    tab.get_by_role("link", name="Download the programme (PDF)").click()
    tab.wait_for_url("**/programme.pdf")
    with open(unquote(urlsplit(tab.url).path), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    tab.go_back()

    tab.locator("a[href*='sessions/']", has_text=site_content.session.title).first.click()
    assert tab.locator("h1").inner_text() == site_content.session.title
    # The stylesheet came with the copy: the page is laid out, not bare.
    assert tab.evaluate("getComputedStyle(document.body).margin") == "0px"
    # The same page in French, by the language switcher.
    tab.get_by_role("link", name="Français").click()
    assert "/fr/meetings/" in tab.url and tab.locator("html").get_attribute("lang") == "fr"


def test_from_a_folder_a_delegate_finds_a_session_by_search(copy, site_content, tab):
    tab.goto((copy / "search" / "index.html").as_uri())
    assert tab.locator("#static-search-note").is_hidden()
    words = tab.get_by_label("Words to find")
    # Case and accents aside: "COÖRDINATION" finds "coordination".
    words.fill("COÖRDINATION")
    words.press("Enter")
    assert tab.get_by_role("status").inner_text().startswith("Pages found: ")
    results = tab.locator("#folder-search-results a")
    assert results.count() >= 1
    results.filter(has_text=site_content.session.title).first.click()
    assert tab.locator("h1").inner_text() == site_content.session.title
    assert tab.url.startswith("file://")

    words_found_nowhere = "zyxwvut qqqq"
    tab.goto((copy / "search" / "index.html").as_uri())
    tab.get_by_label("Words to find").fill(words_found_nowhere)
    tab.get_by_role("button", name="Search").click()
    assert tab.get_by_role("status").inner_text() == "No page of this copy holds all these words."
    assert tab.locator("#folder-search-results li").count() == 0

    # In French, the French pages.
    tab.goto((copy / "fr" / "search" / "index.html").as_uri())
    tab.get_by_label("Mots à chercher").fill("coordination")
    tab.get_by_label("Mots à chercher").press("Enter")
    assert tab.get_by_role("status").inner_text().startswith("Pages trouvées\u00a0: ")
    found = tab.locator("#folder-search-results a").evaluate_all("links => links.map(a => a.href)")
    assert all("/copy/fr/" in href for href in found)
    assert any("/copy/fr/meetings/" in href and "/sessions/" in href for href in found)


def test_without_javascript_the_search_page_of_the_copy_says_so_and_links_to_the_lists(
    copy, browser
):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto((copy / "search" / "index.html").as_uri())
    note = tab.locator("#static-search-note")
    assert note.is_visible() and tab.locator("#folder-search").is_hidden()
    note.get_by_role("link", name="Meetings").click()
    assert tab.locator("h1").inner_text() == "Meetings"
    context.close()


def test_served_from_a_static_host_the_copy_finds_a_session_by_search(served, site_content, tab):
    tab.goto(served + "search/index.html")
    assert tab.locator("#static-search-note").is_hidden()
    tab.locator("#static-search input").fill("coordination")
    result = tab.locator(".pagefind-ui__result-link", has_text=site_content.session.title)
    result.first.click()
    assert tab.locator("h1").inner_text() == site_content.session.title
    assert tab.url.startswith(served + "meetings/")

    # In French, the French index.
    tab.goto(served + "fr/search/index.html")
    tab.locator("#static-search input").fill("coordination")
    link = tab.locator(".pagefind-ui__result-link", has_text=site_content.session.title).first
    assert link.get_attribute("href").startswith("/archive/fr/meetings/")
