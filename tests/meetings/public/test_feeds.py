"""Atom feeds (read with feedparser, as a feed reader does), sitemap.xml, robots.txt and the
Open Graph meta a shared link shows. Drafts appear in none of them."""

import datetime
import re
import xml.etree.ElementTree as ET

import factories
import feedparser
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from meetings.models import NewsPost, Programme, ProgrammeRevision, Session, Status
from meetings.public.sitemaps import SITEMAPS
from meetings.publishing.revisions import publish

SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    return feed


def test_the_news_feed_is_valid_atom_with_the_published_posts(db, client):
    post = factories.NewsPostFactory(
        title="Test news of a meeting",
        posted_on=datetime.date(2030, 3, 22),
        body="Come prepared.\n\n- How do you test a feed?",
    )
    factories.NewsPostFactory(title="Test draft news", status=Status.DRAFT)
    feed = parse(client, "/news/feed.atom")
    assert [e.title for e in feed.entries] == ["Test news of a meeting"]
    entry = feed.entries[0]
    assert entry.link.endswith(post.get_absolute_url())
    assert entry.published_parsed[:3] == (2030, 3, 22)
    assert "How do you test a feed?" in entry.summary


def test_the_revision_feed_says_when_the_programme_changed(make_session, client, editor):
    session = make_session(1)
    presentation = factories.PresentationFactory(
        session=session, organisations=[factories.OrganisationFactory(acronym="TO1")]
    )
    programme = session.programme
    publish(programme, "First.", editor)
    presentation.presenters.set([factories.PersonFactory(name="Test Presenter")])
    presentation.organisations.set([factories.OrganisationFactory(acronym="TO2")])
    publish(programme, "Presenters.", editor)
    feed = parse(client, "/meetings/changes.atom")
    titles = [e.title for e in feed.entries]
    meeting = "Intersessional Meetings May 2030"
    assert titles == [
        f"Parallel Programme, {meeting}: revision 2",
        f"Parallel Programme, {meeting}: revision 1",
    ]
    assert "TO1 → Test Presenter, TO2" in feed.entries[0].summary
    # Each entry links the programme as that revision published it, kept read only.
    link = feed.entries[0].link
    assert link.endswith(programme.get_absolute_url() + "changes/2/")
    page = client.get(link)
    assert page.status_code == 200 and b"Test Presenter" in page.content
    assert client.get(feed.entries[1].link).status_code == 200
    assert b"Test Presenter" not in client.get(feed.entries[1].link).content
    publish(programme, "Rooms.", editor)
    assert parse(client, "/meetings/changes.atom").entries[0].title.endswith("revision 3")


def test_the_french_revision_feed_says_the_changes_in_french(make_session, client, editor):
    session = make_session(1, title="Group Work", title_fr="Travail de groupe")
    programme = session.programme
    programme.title_fr = "Programme parallèle"
    programme.save()
    publish(programme, "First.", editor)
    make_session(2, title="Closing", title_fr="")
    factories.DocumentFactory(title="List of Participants", programme=programme)
    publish(programme, "Second.", editor)
    entry = parse(client, "/fr/meetings/changes.atom").entries[0]
    assert entry.title == "Programme parallèle, Intersessional Meetings May 2030\u00a0: révision 2"
    summary = entry.summary
    assert '<span lang="en">Closing</span>' in summary  # (feedparser drops data- attributes)
    assert "List of Participants</span> (anglais)" in summary
    assert "English" not in summary


def test_the_french_and_spanish_feeds_hold_the_notes_in_their_language(
    make_session, client, editor
):
    session = make_session(1)
    programme = session.programme
    meeting = programme.meeting
    meeting.title_fr, meeting.title_es = "Réunions intersessions", "Reuniones entre períodos"
    meeting.save()
    first = publish(programme, "First.", editor)
    first.note_fr, first.note_es = "Première.", "Primera."
    first.save()
    make_session(2)
    second = publish(programme, "Web addresses shortened.", editor)
    second.note_fr = "Adresses web raccourcies."
    second.save()
    newest, oldest = parse(client, "/fr/meetings/changes.atom").entries
    assert newest.title == "Parallel Programme, Réunions intersessions\u00a0: révision 2"
    assert "<p>Adresses web raccourcies.</p>" in newest.summary
    assert "shortened" not in newest.summary
    assert "<p>Première.</p>" in oldest.summary
    # No Spanish note for the second: the English stands in, marked as English.
    newest, oldest = parse(client, "/es/meetings/changes.atom").entries
    assert newest.title == "Parallel Programme, Reuniones entre períodos: revisión 2"
    assert '<p lang="en">Web addresses shortened.</p>' in newest.summary
    assert "<p>Primera.</p>" in oldest.summary
    # In English the note is the English, unmarked.
    newest, _oldest = parse(client, "/meetings/changes.atom").entries
    assert "<p>Web addresses shortened.</p>" in newest.summary


def test_feeds_leave_drafts_out(db, client):
    factories.NewsPostFactory()
    factories.ProgrammeRevisionFactory()
    assert parse(client, "/news/feed.atom").entries
    assert parse(client, "/meetings/changes.atom").entries
    NewsPost.objects.update(status=Status.DRAFT)
    Programme.objects.update(status=Status.DRAFT)
    assert parse(client, "/news/feed.atom").entries == []
    assert parse(client, "/meetings/changes.atom").entries == []


def test_the_sitemap_lists_public_pages_and_no_draft(make_session, meeting, client):
    action = factories.ActionFactory()
    session = make_session(1, actions=[action])
    programme = session.programme
    hidden = factories.ProgrammeFactory(meeting=meeting, slug="hidden-programme", status="draft")
    factories.SessionFactory(programme=hidden, slug="hidden-session")
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    sitemaps = [
        loc.text for loc in ET.fromstring(index.content).findall("s:sitemap/s:loc", SITEMAP)
    ]
    assert "http://testserver/sitemap-sessions.xml" in sitemaps
    urls = []
    for sitemap in sitemaps:
        response = client.get(sitemap.replace("http://testserver", ""))
        assert response.status_code == 200
        root = ET.fromstring(response.content)
        urls += [loc.text for loc in root.findall("s:url/s:loc", SITEMAP)]
    assert any(u.endswith(programme.get_absolute_url()) for u in urls)
    assert any(u.endswith(session.get_absolute_url()) for u in urls)
    assert any(u.endswith(action.get_absolute_url()) for u in urls)
    assert not any("hidden-" in u for u in urls)
    for url in urls:  # every listed address answers
        assert Client().get(url.replace("http://testserver", "")).status_code == 200, url


def test_a_long_sitemap_is_split_into_pages(db, client, monkeypatch):
    from meetings.public import sitemaps

    plan = factories.ActionPlanFactory()
    for _ in range(5):
        factories.ActionFactory(plan=plan)
    monkeypatch.setattr(sitemaps.ActionsSitemap, "limit", 2)
    index = ET.fromstring(client.get("/sitemap.xml").content)
    pages = [loc.text for loc in index.findall("s:sitemap/s:loc", SITEMAP) if "actions" in loc.text]
    assert pages[0].endswith("/sitemap-actions.xml") and pages[1].endswith("?p=2")
    assert len(pages) == 3  # 5 actions, 2 a page
    second = ET.fromstring(client.get("/sitemap-actions.xml", {"p": 2}).content)
    assert len(second.findall("s:url", SITEMAP)) == 2 * 3  # two actions in three languages
    assert client.get("/sitemap-actions.xml", {"p": 999}).status_code == 404
    assert client.get("/sitemap-nope.xml").status_code == 404


def sessions_in(client, page):
    root = ET.fromstring(client.get("/sitemap-sessions.xml", {"p": page}).content)
    return {loc.text.rsplit("/", 2)[-2] for loc in root.findall("s:url/s:loc", SITEMAP)}


def test_the_sessions_sitemap_has_a_page_for_each_meeting_dated_by_its_newest_revision(
    client, editor
):
    meetings = [factories.MeetingFactory(slug=f"meeting-{n}") for n in range(3)]
    for meeting in meetings[:2]:  # the third has no session: no page
        programme = factories.ProgrammeFactory(meeting=meeting)
        for n in range(2):
            factories.SessionFactory(programme=programme, slug=f"{meeting.slug}-session-{n}")
        publish(programme, "First.", editor)
    hidden = factories.ProgrammeFactory(meeting=meetings[2], status=Status.DRAFT)
    factories.SessionFactory(programme=hidden, slug="hidden-session")
    ProgrammeRevision.objects.filter(programme__meeting=meetings[1]).update(
        published_at=datetime.datetime(2031, 2, 3, 10, tzinfo=datetime.UTC)
    )
    index = ET.fromstring(client.get("/sitemap.xml").content)
    pages = {
        entry.find("s:loc", SITEMAP).text: entry.find("s:lastmod", SITEMAP)
        for entry in index.findall("s:sitemap", SITEMAP)
        if "sessions" in entry.find("s:loc", SITEMAP).text
    }
    first, second = (
        "http://testserver/sitemap-sessions.xml",
        "http://testserver/sitemap-sessions.xml?p=2",
    )
    assert list(pages) == [first, second]
    assert pages[second].text[:10] == "2031-02-03" != pages[first].text[:10]
    assert sessions_in(client, 1) == {"meeting-0-session-0", "meeting-0-session-1"}
    assert sessions_in(client, 2) == {"meeting-1-session-0", "meeting-1-session-1"}
    assert client.get("/sitemap-sessions.xml", {"p": 3}).status_code == 404
    # The meetings are kept until the content changes: one published later has its page.
    programme = factories.ProgrammeFactory(meeting=factories.MeetingFactory(slug="later"))
    factories.SessionFactory(programme=programme, slug="later-session")
    publish(programme, "First.", editor)
    assert sessions_in(client, 3) == {"later-session"}


def test_the_index_counts_each_section_without_reading_when_its_addresses_changed(
    client, make_session
):
    """Counted with their dates, the 20,000 sessions of the archive were grouped with their
    programmes' revisions: 64 ms of the index's 70 (bench/pages_bench.py). Only the sessions'
    meetings are read with their dates, a row a meeting."""
    make_session(0)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/sitemap.xml").status_code == 200
    counts = [query["sql"] for query in queries.captured_queries if "COUNT(" in query["sql"]]
    assert len(counts) == len(SITEMAPS) - 2  # the fixed pages are a list; sessions, by meeting
    assert [sql for sql in counts if "MAX(" in sql or "GROUP BY" in sql] == []
    dated = [query["sql"] for query in queries.captured_queries if "GROUP BY" in query["sql"]]
    assert len(dated) == 1 and dated[0].startswith('SELECT "meetings_meeting"."id" AS "pk", MAX(')


@pytest.mark.parametrize("section", SITEMAPS)
@pytest.mark.parametrize(
    "page",
    [
        "0",
        "-1",
        "two",
        "1.5",
        "²",
        "١",  # an Arabic-Indic 1: a decimal digit to Python, not to us
        "",
        "50001",
        "9223372036854775807",  # the largest 64-bit integer, as an offset an overflow
        "9223372036854775808",
        "9" * 5000,  # more digits than Python converts
    ],
)
def test_a_sitemap_page_number_that_is_not_a_page_is_not_found(client, make_session, section, page):
    make_session(1)
    assert client.get(f"/sitemap-{section}.xml", {"p": page}).status_code == 404


def test_a_sitemap_lists_each_address_once_and_escaped(client, make_session):
    action = factories.ActionFactory()
    for n in range(3):  # two actions each: a join through them must not repeat a session
        make_session(n, actions=[action, factories.ActionFactory(plan=action.plan)])
    factories.NewsPostFactory(posted_on=datetime.date(2030, 3, 22))
    NewsPost.objects.update(slug="a&b")  # not a valid slug; imported data need not be valid
    sessions = ET.fromstring(client.get("/sitemap-sessions.xml").content)
    locations = [loc.text for loc in sessions.findall("s:url/s:loc", SITEMAP)]
    assert len(locations) == len(set(locations)) == Session.objects.public().count() * 3 == 9
    news = ET.fromstring(client.get("/sitemap-news.xml").content)  # parses: & was escaped
    assert [u.find("s:lastmod", SITEMAP).text for u in news.findall("s:url", SITEMAP)] == [
        "2030-03-22"
    ] * 3


XHTML = "{http://www.w3.org/1999/xhtml}link"


def test_each_sitemap_address_names_its_other_languages_and_when_it_last_changed(
    client, make_session, editor
):
    session = make_session(1)
    programme = session.programme
    publish(programme, "First.", editor)
    publish(programme, "Second.", editor)
    for number, day in [(1, 2), (2, 3)]:  # the newest revision's day is the page's
        ProgrammeRevision.objects.filter(number=number).update(
            published_at=datetime.datetime(2030, 4 + number - 1, day, 10, tzinfo=datetime.UTC)
        )
    root = ET.fromstring(client.get("/sitemap-sessions.xml").content)
    path = session.get_absolute_url()
    by_address = {u.find("s:loc", SITEMAP).text: u for u in root.findall("s:url", SITEMAP)}
    addresses = {
        code: f"http://testserver{prefix}{path}"
        for code, prefix in [("en", ""), ("fr", "/fr"), ("es", "/es")]
    }
    assert set(by_address) == set(addresses.values())
    for address in addresses.values():
        entry = by_address[address]
        assert entry.find("s:lastmod", SITEMAP).text == "2030-05-03"
        alternates = {link.get("hreflang"): link.get("href") for link in entry.findall(XHTML)}
        assert alternates == {**addresses, "x-default": addresses["en"]}
        assert all(link.get("rel") == "alternate" for link in entry.findall(XHTML))
    for section in ("programmes", "meetings"):
        root = ET.fromstring(client.get(f"/sitemap-{section}.xml").content)
        assert {u.find("s:lastmod", SITEMAP).text for u in root.findall("s:url", SITEMAP)} == {
            "2030-05-03"
        }


def test_feed_entries_have_an_author_and_categories(make_session, client, editor):
    category = factories.NewsCategoryFactory(name="Test category")
    post = factories.NewsPostFactory()
    post.categories.set([category])
    publish(make_session(1).programme, "First.", editor)
    news = parse(client, "/news/feed.atom")
    assert news.feed.author  # RFC 4287: the feed's author stands for entries naming none
    assert [tag.term for tag in news.entries[0].tags] == ["Test category"]
    changes = parse(client, "/meetings/changes.atom")
    entry = changes.entries[0]
    assert entry.author.startswith("Implementation Support Unit, ")
    terms = [tag.term for tag in entry.tags]
    assert terms[1] == "Intersessional Meetings May 2030" and len(terms) == 2


def test_robots_keeps_crawlers_out_of_the_back_office(client, db):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_a_shared_programme_link_shows_its_title_and_date(make_session, client):
    programme = make_session(1).programme  # on 22 May 2030
    page = client.get(programme.get_absolute_url()).content.decode()
    meta = dict(re.findall(r'<meta property="(og:[a-z_]+)" content="([^"]*)"', page))
    assert meta["og:title"] == "Parallel Programme, 22 May 2030"
    assert meta["og:description"].startswith("Intersessional Meetings May 2030")
    assert meta["og:url"] == "http://testserver" + programme.get_absolute_url()
    assert '<meta name="description" content="Intersessional' in page


@pytest.fixture
def published(make_session):
    make_session(1)
    factories.NewsPostFactory()
    factories.DocumentFactory()
    factories.WorkPlanFactory()


@pytest.mark.usefixtures("published")
@pytest.mark.parametrize("url", ["/", "/meetings/", "/coordination/", "/documents/", "/news/"])
def test_every_page_carries_a_description_and_open_graph_meta(client, url):
    page = client.get(url).content.decode()
    assert '<meta name="description" content="' in page
    for name in ("og:title", "og:description", "og:url", "og:type", "og:site_name"):
        assert f'<meta property="{name}"' in page
    assert 'type="application/atom+xml"' in page
