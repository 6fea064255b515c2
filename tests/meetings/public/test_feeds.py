"""Atom feeds (read with feedparser, as a feed reader does), sitemap.xml, robots.txt and the
Open Graph meta a shared link shows. Drafts appear in none of them."""

import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.test import Client

from meetings.models import NewsPost, Programme, Session, Status
from meetings.publishing.revisions import publish

PARALLEL = "/meetings/intersessional-meetings-may-2012/parallel-programme-victim-assistance/"


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    return feed


def test_the_news_feed_is_valid_atom_with_the_published_posts(seeds, client):
    feed = parse(client, "/news/feed.atom")
    assert [e.title for e in feed.entries] == ["Mine Ban Treaty Intersessional Meetings May 2012"]
    entry = feed.entries[0]
    assert entry.link.endswith("/news/mine-ban-treaty-intersessional-meetings-may-2012/")
    assert entry.published_parsed[:3] == (2012, 3, 22)
    assert "How do you use the results of your evaluations?" in entry.summary


def test_the_revision_feed_says_when_the_programme_changed(seeds, client, editor):
    feed = parse(client, "/meetings/changes.atom")
    titles = [e.title for e in feed.entries]
    assert titles == [
        "Parallel Programme for Victim Assistance Experts: revision 2",
        "Parallel Programme for Victim Assistance Experts: revision 1",
    ]
    assert "ICBL → Claude Tardif, ICRC" in feed.entries[0].summary
    assert feed.entries[0].link.endswith(PARALLEL + "changes/#revision-2")
    publish(Programme.objects.get(slug="parallel-programme-victim-assistance"), "Rooms.", editor)
    assert parse(client, "/meetings/changes.atom").entries[0].title.endswith("revision 3")


def test_feeds_leave_drafts_out(seeds, client):
    NewsPost.objects.update(status=Status.DRAFT)
    Programme.objects.update(status=Status.DRAFT)
    assert parse(client, "/news/feed.atom").entries == []
    assert parse(client, "/meetings/changes.atom").entries == []


def test_the_sitemap_lists_public_pages_and_no_draft(seeds, client):
    Programme.objects.filter(slug="standing-committee-victim-assistance").update(status="draft")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    sitemaps = [loc.text for loc in ET.fromstring(index.content).findall("s:sitemap/s:loc", ns)]
    assert "http://testserver/sitemap-sessions.xml" in sitemaps
    urls = []
    for sitemap in sitemaps:
        response = client.get(sitemap.replace("http://testserver", ""))
        assert response.status_code == 200
        urls += [loc.text for loc in ET.fromstring(response.content).findall("s:url/s:loc", ns)]
    assert any(u.endswith(PARALLEL) for u in urls)
    assert any(u.endswith(PARALLEL + "sessions/coordination-national-plans/") for u in urls)
    assert any(u.endswith("/action-plans/cartagena-action-plan/24/") for u in urls)
    assert not any("standing-committee-victim-assistance" in u for u in urls)
    for url in urls:  # every listed address answers
        assert Client().get(url.replace("http://testserver", "")).status_code == 200, url


@pytest.mark.django_db
def test_a_long_sitemap_is_split_into_pages(client, seeds, monkeypatch):
    from meetings.public import sitemaps

    monkeypatch.setattr(sitemaps.SessionsSitemap, "limit", 2)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = ET.fromstring(client.get("/sitemap.xml").content)
    pages = [loc.text for loc in index.findall("s:sitemap/s:loc", ns) if "sessions" in loc.text]
    assert pages[0].endswith("/sitemap-sessions.xml") and pages[1].endswith("?p=2")
    second = ET.fromstring(client.get("/sitemap-sessions.xml", {"p": 2}).content)
    assert len(second.findall("s:url", ns)) == 2
    assert client.get("/sitemap-sessions.xml", {"p": 999}).status_code == 404
    assert client.get("/sitemap-nope.xml").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["0", "-1", "two", "1.5", "²", ""])
def test_a_sitemap_page_number_that_is_not_a_page_is_not_found(client, seeds, page):
    assert client.get("/sitemap-sessions.xml", {"p": page}).status_code == 404


@pytest.mark.django_db
def test_a_sitemap_lists_each_address_once_and_escaped(client, seeds):
    NewsPost.objects.update(slug="a&b")  # not a valid slug; imported data need not be valid
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    sessions = ET.fromstring(client.get("/sitemap-sessions.xml").content)
    locations = [loc.text for loc in sessions.findall("s:url/s:loc", ns)]
    assert len(locations) == len(set(locations)) == Session.objects.public().count() > 0
    news = ET.fromstring(client.get("/sitemap-news.xml").content)  # parses: & was escaped
    assert [u.find("s:lastmod", ns).text for u in news.findall("s:url", ns)] == ["2012-03-22"]


def test_robots_keeps_crawlers_out_of_the_back_office(client, db):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


@pytest.mark.usefixtures("seeds")
def test_a_shared_programme_link_shows_its_title_and_date(client):
    page = client.get(PARALLEL).content.decode()
    meta = dict(re.findall(r'<meta property="(og:[a-z_]+)" content="([^"]*)"', page))
    assert meta["og:title"] == "Parallel Programme for Victim Assistance Experts, 22 May 2012"
    assert meta["og:description"].startswith("Intersessional Standing Committee Meetings, May 2012")
    assert meta["og:url"] == "http://testserver" + PARALLEL
    assert '<meta name="description" content="Intersessional' in page


@pytest.mark.usefixtures("seeds")
@pytest.mark.parametrize("url", ["/", "/meetings/", "/coordination/", "/documents/", "/news/"])
def test_every_page_carries_a_description_and_open_graph_meta(client, url):
    page = client.get(url).content.decode()
    assert '<meta name="description" content="' in page
    for name in ("og:title", "og:description", "og:url", "og:type", "og:site_name"):
        assert f'<meta property="{name}"' in page
    assert 'type="application/atom+xml"' in page
