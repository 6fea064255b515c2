"""Long lists paginate (meetings/queries.py `paginate`): the archive grows, the pages do not."""

import datetime
import re

import factories
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import Meeting, Session, Status
from meetings.queries import PER_PAGE

COUNT = PER_PAGE + 5


def links(html, pattern):
    return re.findall(pattern, html)


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def many_meetings(convention):
    return [
        factories.MeetingFactory(
            convention=convention,
            title=f"Meeting {n:02d}",
            slug=f"m{n:02d}",
            start_date=datetime.date(2000 + n, 5, 1),
            end_date=datetime.date(2000 + n, 5, 3),
        )
        for n in range(COUNT)
    ]


@pytest.mark.django_db
def test_the_meeting_list_pages_keep_their_filters(client, many_meetings):
    first = page(client, "/meetings/", convention="APMBC")
    assert len(links(first, r'<li><a href="/meetings/m\d\d/">')) == PER_PAGE
    assert f"{COUNT} meetings match the filters; 1 to {PER_PAGE} shown here" in first
    assert 'href="?convention=APMBC&amp;page=2" rel="next"' in first or (
        'rel="next" href="?convention=APMBC&amp;page=2"' in first
    )
    second = page(client, "/meetings/", convention="APMBC", page="2")
    assert len(links(second, r'<li><a href="/meetings/m\d\d/">')) == 5
    assert "/meetings/m00/" in second  # the oldest is last
    assert 'rel="prev"' in second and 'rel="next"' not in second


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["3", "999999", "1000001"])
def test_a_page_past_the_end_gives_the_last_page_with_the_whole_count(
    client, many_meetings, number
):
    last = page(client, "/meetings/", page=number)
    assert len(links(last, r'<li><a href="/meetings/m\d\d/">')) == 5
    assert "/meetings/m00/" in last
    assert f"{COUNT} meetings; 26 to {COUNT} shown here" in last


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["0", "-1"])
def test_a_page_number_below_the_first_gives_the_first_page(client, many_meetings, number):
    first = page(client, "/meetings/", page=number)
    assert f"/meetings/m{COUNT - 1:02d}/" in first  # the newest
    assert f"{COUNT} meetings; 1 to {PER_PAGE} shown here" in first


def title(html):
    return " ".join(re.search(r"<title>(.*?)</title>", html, re.S)[1].split())


@pytest.mark.django_db
def test_a_later_page_says_its_number_in_its_title_and_leads_back_to_the_first_pages_address(
    client, many_meetings
):
    """The first page has one address (no "?page=1"), with its filters or without; the second
    is told apart from it by its title, in the page's language."""
    first = page(client, "/meetings/")
    assert title(first).startswith("Meetings | ")
    second = page(client, "/meetings/", page="2")
    assert title(second).startswith("Meetings – Page 2 of 2 | ")
    assert 'rel="prev" href="/meetings/"' in second
    filtered = page(client, "/meetings/", convention="APMBC", page="2")
    assert 'rel="prev" href="?convention=APMBC"' in filtered
    assert title(page(client, "/fr/meetings/", page="2")).startswith("Réunions – Page 2 sur 2 | ")
    assert 'rel="prev" href="/fr/meetings/"' in page(client, "/fr/meetings/", page="2")


@pytest.mark.django_db
@pytest.mark.parametrize("junk", ["0", "-1", "abc", "99999999999999999999", "2.5", "\x00"])
def test_a_junk_page_number_gives_a_page_never_an_error(client, many_meetings, junk):
    assert "Page " in page(client, "/meetings/", page=junk)


@pytest.fixture
def one_of_each(make_session):
    """Something on each paginated page: a session serving action 1 of plan "plan", a news post
    and a document."""
    action = factories.ActionFactory(plan__slug="plan", number=1)
    make_session(1, title="A paginated session", actions=[action])
    factories.NewsPostFactory(title="A paginated post")
    factories.DocumentFactory(title="A paginated document")


PAGINATED = [  # (address, its other parameters, what its only page lists)
    ("/meetings/", {}, "Intersessional Meetings May 2030"),
    ("/news/", {}, "A paginated post"),
    ("/documents/", {}, "A paginated document"),
    ("/action-plans/plan/1/", {}, "A paginated session"),
    ("/search/", {"q": "paginated", "kind": "sessions"}, "paginated</mark> session"),
]
HOSTILE_NUMBERS = [
    "0",
    "-1",
    "abc",
    "",
    "1e9",
    "²",
    "9223372036854775807",  # the largest 64-bit integer
    "9223372036854775808",
    "9" * 5000,  # more digits than Python converts
]


@pytest.mark.django_db
@pytest.mark.parametrize("url, params, listed", PAGINATED, ids=[p[0] for p in PAGINATED])
@pytest.mark.parametrize("number", HOSTILE_NUMBERS, ids=lambda n: n[:20])
def test_no_page_number_breaks_a_paginated_page(client, one_of_each, url, params, listed, number):
    assert listed in page(client, url, **params, page=number)


@pytest.mark.django_db
def test_the_action_page_pages_its_places_newest_first(client, meeting):
    action = factories.ActionFactory(
        plan=factories.ActionPlanFactory(convention=meeting.convention, slug="plan"), number=1
    )
    programme = factories.ProgrammeFactory(meeting=meeting)
    for n in range(COUNT - 1):
        factories.SessionFactory(
            programme=programme,
            date=meeting.start_date + datetime.timedelta(days=n % 5),
            start_time=datetime.time(8 + n // 5, 0),
            actions=[action],
        )
    # An activity older than every session: it belongs at the very end of the last page.
    factories.ActivityFactory(convention=meeting.convention, year=2001, month=1).actions.add(action)

    pattern = r'<span class="badge">(\w[\w ]*)</span> <a href="([^"]+)"'
    first = links(page(client, "/action-plans/plan/1/"), pattern)
    second = links(page(client, "/action-plans/plan/1/", page="2"), pattern)
    assert len(first) == PER_PAGE and len(second) == COUNT - PER_PAGE
    assert second[-1][0] == "Activity"
    urls = [url for _, url in first + second]
    assert len(set(urls)) == COUNT
    sessions = {s.get_absolute_url(): s for s in Session.objects.all()}
    shown = [sessions[url] for url in urls if url in sessions]
    keys = [(s.date, s.start_time) for s in shown]
    assert keys == sorted(keys, reverse=True)


@pytest.mark.django_db
def test_a_deep_action_page_reads_only_its_own_sessions_whole(client, meeting):
    """A page n places the n pages' newest sessions by their ids and days alone; only the page's
    own sessions are read whole (walking an action's 128 pages was quadratic otherwise)."""
    action = factories.ActionFactory(
        plan=factories.ActionPlanFactory(convention=meeting.convention, slug="plan"), number=1
    )
    programme = factories.ProgrammeFactory(meeting=meeting)
    sessions = [
        factories.SessionFactory(programme=programme, start_time=None, actions=[action])
        for _n in range(2 * PER_PAGE + 3)
    ]
    with CaptureQueriesContext(connection) as queries:
        third = page(client, "/action-plans/plan/1/", page="3")
    whole = [q["sql"] for q in queries if '"meetings_session"."purpose"' in q["sql"]]
    assert len(whole) == 1, whole
    read = {int(pk) for pk in re.findall(r"\d+", whole[0].split(" IN (")[1].split(")")[0])}
    shown = {s.get_absolute_url() for s in sessions if s.get_absolute_url() in third}
    assert len(shown) == 3  # the last page: the three left over
    assert {s.get_absolute_url() for s in Session.objects.filter(pk__in=read)} == shown
    assert len(read) == 3


@pytest.mark.django_db
def test_the_action_page_counts_and_lists_only_public_sessions_undated_ones_in_place(
    client, meeting
):
    action = factories.ActionFactory(
        plan=factories.ActionPlanFactory(convention=meeting.convention, slug="plan"), number=1
    )
    later = factories.MeetingFactory(
        convention=meeting.convention,
        start_date=meeting.start_date + datetime.timedelta(days=30),
        end_date=meeting.start_date + datetime.timedelta(days=31),
    )
    draft_meeting = factories.MeetingFactory(
        convention=meeting.convention,
        start_date=later.start_date,
        end_date=later.end_date,
        status=Status.DRAFT,
    )
    shown = factories.ProgrammeFactory(meeting=meeting)
    undated_home = factories.ProgrammeFactory(meeting=later)
    hidden = [
        factories.ProgrammeFactory(meeting=meeting, status=Status.DRAFT),
        factories.ProgrammeFactory(meeting=draft_meeting),
    ]
    for n in range(COUNT):
        factories.SessionFactory(
            programme=shown, title=f"Dated {n:02d}", start_time=None, actions=[action]
        )
    factories.SessionFactory(
        programme=undated_home, title="Undated", date=None, start_time=None, actions=[action]
    )
    for programme in hidden:
        factories.SessionFactory(programme=programme, title="Hidden", actions=[action])

    first = page(client, "/action-plans/plan/1/")
    assert f"{COUNT + 1} places, newest first" in first
    # Without a day, a session stands at its meeting's start: the later meeting's comes first.
    titles = links(first, r'<span class="badge">Session</span> <a href="[^"]+">([^<]+)</a>')
    assert titles[0] == "Undated" and len(titles) == PER_PAGE
    last = page(client, "/action-plans/plan/1/", page="2")
    titles += links(last, r'<span class="badge">Session</span> <a href="[^"]+">([^<]+)</a>')
    assert len(titles) == COUNT + 1 and "Hidden" not in titles


@pytest.mark.django_db
def test_the_action_pages_count_of_sessions_follows_every_change_of_content(client, meeting):
    """The count is kept until the content changes (caching.generations.kept): a session added,
    a programme made a draft, each shows in the next count."""
    action = factories.ActionFactory(
        plan=factories.ActionPlanFactory(convention=meeting.convention, slug="plan"), number=1
    )
    programme = factories.ProgrammeFactory(meeting=meeting)
    for _n in range(3):
        factories.SessionFactory(programme=programme, actions=[action])
    assert "3 places, newest first" in page(client, "/action-plans/plan/1/")
    with CaptureQueriesContext(connection) as kept:
        assert "3 places, newest first" in page(client, "/action-plans/plan/1/")
    assert not any("COUNT(" in query["sql"] for query in kept)  # kept, not counted again
    factories.SessionFactory(programme=programme, actions=[action])
    assert "4 places, newest first" in page(client, "/action-plans/plan/1/")
    Meeting.objects.filter(pk=meeting.pk).update(status=Status.DRAFT)
    assert "4 places" not in page(client, "/action-plans/plan/1/")


@pytest.mark.django_db
def test_news_and_documents_paginate(client):
    for n in range(COUNT):
        factories.NewsPostFactory(posted_on=datetime.date(2030, 1, 1) + datetime.timedelta(days=n))
        factories.DocumentFactory()
    news = page(client, "/news/")
    assert len(links(news, r'<h2 id="post-\d+">')) == PER_PAGE
    assert len(links(page(client, "/news/", page="2"), r'<h2 id="post-\d+">')) == 5
    documents = page(client, "/documents/")
    assert len(links(documents, r'class="document-title"')) == PER_PAGE
    assert f"{COUNT} files; 1 to {PER_PAGE} shown here" in documents
    assert len(links(page(client, "/documents/", page="2"), r'class="document-title"')) == 5


@pytest.mark.django_db
def test_the_librarys_pages_follow_every_change_of_content_in_one_order(client, meeting):
    """The public library's list is kept until the content changes (caching.generations.kept):
    a document added or hidden shows on the next page read; files of one title and language
    stand in the order they were added, so no page repeats or skips one."""
    for n in range(COUNT):
        factories.DocumentFactory(title="Programme", symbol=f"DOC/{n:02d}", meeting=meeting)
    symbols = r'<span class="file-meta">(DOC/\d\d)</span>'
    listed = links(page(client, "/documents/"), symbols)
    listed += links(page(client, "/documents/", page="2"), symbols)
    assert listed == [f"DOC/{n:02d}" for n in range(COUNT)]
    factories.DocumentFactory(title="Another")
    assert f"{COUNT + 1} files; 1 to {PER_PAGE} shown here" in page(client, "/documents/")
    Meeting.objects.filter(pk=meeting.pk).update(status=Status.DRAFT)
    library = page(client, "/documents/")
    assert "Another" in library and links(library, symbols) == []

    # The meetings to filter by are kept too, in each language, until the content changes.
    def meetings_to_filter_by(html):
        select = html.split('name="meeting"')[1].split("</select>")[0]
        return links(select, r'<option value="([-\w]+)"')

    assert meetings_to_filter_by(library) == []
    assert meetings_to_filter_by(page(client, "/fr/documents/")) == []
    # A meeting is one to filter by once it has a public document.
    new = factories.MeetingFactory(slug="a-new-meeting", title_fr="Une nouvelle réunion")
    assert meetings_to_filter_by(page(client, "/documents/")) == []
    factories.DocumentFactory(title="Its report", meeting=new)
    assert meetings_to_filter_by(page(client, "/documents/")) == ["a-new-meeting"]
    assert "Une nouvelle réunion</option>" in page(client, "/fr/documents/")
