"""Long lists paginate (meetings/queries.py `paginate`): the archive grows, the pages do not."""

import datetime
import re

import pytest

from meetings.models import (
    Action,
    ActionPlan,
    Activity,
    Document,
    Meeting,
    NewsPost,
    Programme,
    Session,
    Status,
)
from meetings.queries import PER_PAGE

PUBLISHED = Status.PUBLISHED
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
        Meeting.objects.create(
            convention=convention,
            kind=Meeting.Kind.INTERSESSIONAL,
            title=f"Meeting {n:02d}",
            slug=f"m{n:02d}",
            start_date=datetime.date(2000 + n, 5, 1),
            end_date=datetime.date(2000 + n, 5, 3),
            status=PUBLISHED,
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
@pytest.mark.parametrize("junk", ["0", "-1", "abc", "99999999999999999999", "2.5", "\x00"])
def test_a_junk_page_number_gives_a_page_never_an_error(client, many_meetings, junk):
    assert "Page " in page(client, "/meetings/", page=junk)


@pytest.mark.django_db
def test_the_action_page_pages_its_places_newest_first(client, meeting):
    plan = ActionPlan.objects.create(
        convention=meeting.convention, name="Plan", short_name="P", slug="plan"
    )
    action = Action.objects.create(plan=plan, number=1)
    programme = Programme.objects.create(
        meeting=meeting, title="Programme", slug="p", status=PUBLISHED
    )
    for n in range(COUNT - 1):
        Session.objects.create(
            programme=programme,
            title=f"Session {n:02d}",
            slug=f"s{n:02d}",
            date=meeting.start_date + datetime.timedelta(days=n % 5),
            start_time=datetime.time(8 + n // 5, 0),
        ).actions.add(action)
    # An activity older than every session: it belongs at the very end of the last page.
    Activity.objects.create(
        convention=meeting.convention, year=2001, month=1, text="Early."
    ).actions.add(action)

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
def test_the_action_page_counts_and_lists_only_public_sessions_undated_ones_in_place(
    client, meeting
):
    plan = ActionPlan.objects.create(
        convention=meeting.convention, name="Plan", short_name="P", slug="plan"
    )
    action = Action.objects.create(plan=plan, number=1)
    later = Meeting.objects.create(
        convention=meeting.convention,
        kind=meeting.kind,
        title="Later",
        slug="later",
        start_date=meeting.start_date + datetime.timedelta(days=30),
        end_date=meeting.start_date + datetime.timedelta(days=31),
        status=PUBLISHED,
    )
    draft_meeting = Meeting.objects.create(
        convention=meeting.convention,
        kind=meeting.kind,
        title="Draft",
        slug="draft",
        start_date=later.start_date,
        end_date=later.end_date,
        status=Status.DRAFT,
    )
    shown = Programme.objects.create(meeting=meeting, title="P", slug="p", status=PUBLISHED)
    undated_home = Programme.objects.create(meeting=later, title="L", slug="l", status=PUBLISHED)
    hidden = [
        Programme.objects.create(meeting=meeting, title="D", slug="d", status=Status.DRAFT),
        Programme.objects.create(meeting=draft_meeting, title="X", slug="x", status=PUBLISHED),
    ]
    for n in range(COUNT):
        Session.objects.create(
            programme=shown, title=f"Dated {n:02d}", slug=f"s{n:02d}", date=meeting.start_date
        ).actions.add(action)
    Session.objects.create(programme=undated_home, title="Undated", slug="u").actions.add(action)
    for programme in hidden:
        Session.objects.create(
            programme=programme, title="Hidden", slug="h", date=programme.meeting.start_date
        ).actions.add(action)

    first = page(client, "/action-plans/plan/1/")
    assert f"{COUNT + 1} places, newest first" in first
    # Without a day, a session stands at its meeting's start: the later meeting's comes first.
    titles = links(first, r'<span class="badge">Session</span> <a href="[^"]+">([^<]+)</a>')
    assert titles[0] == "Undated" and len(titles) == PER_PAGE
    last = page(client, "/action-plans/plan/1/", page="2")
    titles += links(last, r'<span class="badge">Session</span> <a href="[^"]+">([^<]+)</a>')
    assert len(titles) == COUNT + 1 and "Hidden" not in titles


@pytest.mark.django_db
def test_news_and_documents_paginate(client, db):
    for n in range(COUNT):
        NewsPost.objects.create(
            title=f"Post {n:02d}",
            slug=f"n{n:02d}",
            body="Text.",
            posted_on=datetime.date(2030, 1, 1) + datetime.timedelta(days=n),
            status=PUBLISHED,
        )
        Document.objects.create(title=f"Document {n:02d}")
    news = page(client, "/news/")
    assert len(links(news, r'<h2 id="post-\d+">')) == PER_PAGE
    assert len(links(page(client, "/news/", page="2"), r'<h2 id="post-\d+">')) == 5
    documents = page(client, "/documents/")
    assert len(links(documents, r'class="document-title"')) == PER_PAGE
    assert f"{COUNT} files; 1 to {PER_PAGE} shown here" in documents
    assert len(links(page(client, "/documents/", page="2"), r'class="document-title"')) == 5
