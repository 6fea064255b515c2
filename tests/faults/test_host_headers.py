"""Host header poisoning: a request naming another host, another port or a forwarded host right
after an edit, when it is the first to render the pages and the page cache keeps what it
rendered, puts no foreign address in what anyone is served. Absolute addresses come from
SITE_URL (meetings/addresses.py); a host ALLOWED_HOSTS does not name is refused (400) before the
cache is read or written (meetings/caching/pages.py)."""

import re

import factories
import pytest

from meetings.publishing.revisions import publish

SITE = "https://va.example.org"
# Namespaces that XML, calendars and feeds name by address, and the format schedule.json names
# as its $schema: not links to anywhere.
NAMESPACES = {"www.w3.org", "www.sitemaps.org", "c3voc.de"}
POISONED = {
    "an unknown host": {"HTTP_HOST": "evil.example"},
    "an allowed host on another port": {"HTTP_HOST": "127.0.0.1:6666"},
    "the site's host on another port": {"HTTP_HOST": "va.example.org:6666"},
    "a forwarded host": {
        "HTTP_HOST": "va.example.org",
        "HTTP_X_FORWARDED_HOST": "evil.example:6666",
        "HTTP_X_FORWARDED_PORT": "6666",
        "HTTP_X_FORWARDED_PROTO": "http",
    },
}
ADDRESS = re.compile(r"\b([a-z][a-z0-9+.-]*):(?://|\\/\\/)([^/\s\"'<>\\]+)", re.I)


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["va.example.org", "127.0.0.1"]


@pytest.fixture
def published(make_session, editor):
    """A published programme with a session serving an action, and a news post."""
    session = make_session(1, title="Session before the edit", actions=[factories.ActionFactory()])
    factories.NewsPostFactory(meeting=session.programme.meeting)
    publish(session.programme, "First.", editor)
    return session


def public_urls(session):
    programme = session.programme.get_absolute_url()
    return [
        "/",
        "/fr/",
        programme,
        programme + "programme.ics",
        session.get_absolute_url() + "session.ics",
        session.programme.meeting.get_absolute_url() + "meeting.ics",
        programme + "schedule.json",
        programme + "programme.json",
        "/action-plans.json",
        "/news/feed.atom",
        "/meetings/changes.atom",
        "/sitemap.xml",
        "/sitemap-pages.xml",
        "/sitemap-programmes.xml",
        "/sitemap-sessions.xml",
        "/robots.txt",
    ]


def hosts(response):
    """The host of every absolute address in the response's headers and body."""
    text = "\n".join(f"{k}: {v}" for k, v in response.items()) + response.content.decode()
    return {host.lower() for _scheme, host in ADDRESS.findall(text)} - NAMESPACES


def edit(session, editor):
    session.title = "Session after the edit"
    session.save()
    publish(session.programme, "Retitled.", editor)


@pytest.mark.django_db
@pytest.mark.parametrize("headers", POISONED.values(), ids=POISONED)
def test_a_poisoned_host_right_after_an_edit_reaches_nobody(
    client, site, published, editor, headers
):
    urls = public_urls(published)
    for url in urls:  # cached before the edit
        assert client.get(url, HTTP_HOST="va.example.org").status_code == 200
    edit(published, editor)

    for url in urls:
        poisoned = client.get(url, **headers)
        assert poisoned.status_code in (200, 400), url
        assert hosts(poisoned) <= {"va.example.org"}, url

    for url in urls:
        response = client.get(url, HTTP_HOST="va.example.org")
        assert response.status_code == 200, url
        assert hosts(response) == {"va.example.org"}, url
        assert f"{SITE}/" in response.content.decode(), url
    programme = client.get(urls[2], HTTP_HOST="va.example.org").content.decode()
    assert "Session after the edit" in programme  # the copy rendered after the edit
    assert 'href="webcal://va.example.org/' in programme


@pytest.mark.django_db
def test_an_unknown_host_is_refused_even_for_a_cached_page(client, site, published):
    url = published.programme.get_absolute_url()
    assert client.get(url, HTTP_HOST="va.example.org").status_code == 200  # now cached
    for host in ["evil.example", "evil.example:443", "va.example.org.evil.example"]:
        assert client.get(url, HTTP_HOST=host).status_code == 400
        assert client.get(url, HTTP_HOST=host, HTTP_IF_NONE_MATCH="*").status_code == 400


@pytest.mark.django_db
def test_addresses_follow_the_site_address_not_the_request(client, settings, published):
    settings.SITE_URL = "http://127.0.0.1:8000"  # ./dev serve's
    settings.ALLOWED_HOSTS = ["localhost"]
    robots = client.get("/robots.txt", HTTP_HOST="localhost:9999")
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in robots.content.decode()
    for url in public_urls(published):
        assert hosts(client.get(url, HTTP_HOST="localhost:9999")) == {"127.0.0.1:8000"}, url
