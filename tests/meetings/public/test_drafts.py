"""A draft meeting, programme, work plan or news post is invisible to the public everywhere:
its address answers 404, and no page names it, links to it or counts it. Staff who are logged
in can preview it, under a "Draft - not public" banner."""

import datetime
import re
from urllib.parse import urldefrag, urlsplit

import pytest

from meetings.models import (
    Action,
    Activity,
    Convention,
    Document,
    Meeting,
    NewsPost,
    Programme,
    Session,
    Status,
    WorkPlan,
)

SECRET = "Secret draft"


def cap24():
    return Action.objects.get(plan__short_name="CAP", number=24)


def draft_programme_in(meeting, status=Status.DRAFT):
    programme = Programme.objects.create(
        meeting=meeting, title=f"{SECRET} programme", slug="secret-programme", status=status
    )
    session = Session.objects.create(
        programme=programme,
        title=f"{SECRET} session",
        slug="secret-session",
        date=meeting.start_date,
    )
    session.actions.add(cap24())
    Document.objects.create(title=f"{SECRET} document", programme=programme, size_bytes=1000)
    return programme


def make_draft_meeting():
    meeting = Meeting.objects.create(
        convention=Convention.objects.get(short_name="APMBC"),
        kind=Meeting.Kind.INTERSESSIONAL,
        title=f"{SECRET} meeting",
        slug="secret-meeting",
        start_date=datetime.date(2031, 6, 2),
        end_date=datetime.date(2031, 6, 4),
        status=Status.DRAFT,
    )
    # A published programme inside a draft meeting is still hidden.
    draft_programme_in(meeting, status=Status.PUBLISHED)
    Document.objects.create(title=f"{SECRET} meeting document", meeting=meeting, size_bytes=10)
    activity = Activity.objects.create(
        convention=meeting.convention, year=2031, month=6, text="Met.", meeting=meeting
    )
    activity.actions.add(cap24())
    NewsPost.objects.create(
        title="Public post about a meeting",
        slug="public-post",
        posted_on=datetime.date(2031, 5, 1),
        body="Soon.",
        meeting=meeting,
        status=Status.PUBLISHED,
    )
    return meeting.get_absolute_url()


def make_draft_programme():
    meeting = Meeting.objects.get(slug="intersessional-meetings-may-2012")
    return draft_programme_in(meeting).get_absolute_url()


def make_draft_work_plan():
    work_plan = WorkPlan.objects.create(
        convention=Convention.objects.get(short_name="CCM"),
        title=f"{SECRET} work plan",
        slug="secret-work-plan",
        start_year=2031,
        status=Status.DRAFT,
    )
    work_plan.actions.add(cap24())
    return work_plan.get_absolute_url()


def make_draft_news_post():
    post = NewsPost.objects.create(
        title=f"{SECRET} news",
        slug="secret-news",
        posted_on=datetime.date(2031, 1, 1),
        body="Not yet.",
        status=Status.DRAFT,
    )
    return post.get_absolute_url()


DRAFTS = {
    "meeting": make_draft_meeting,
    "programme": make_draft_programme,
    "work plan": make_draft_work_plan,
    "news post": make_draft_news_post,
}


def crawl(client, start=("/",)):
    """Every public page reachable by links from the home page: {url: html}."""
    seen, queue = {}, list(start)
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        seen[url] = html = response.content.decode()
        for href in re.findall(r'href="([^"]+)"', html):
            href = urldefrag(href.replace("&amp;", "&")).url
            parts = urlsplit(href)
            if parts.netloc or not href.startswith("/"):
                continue
            if parts.path.startswith(("/admin/", "/static/", "/media/")):
                continue
            if parts.path.endswith(".pdf"):  # tests/meetings/test_pdf.py covers the PDFs
                continue
            queue.append(href)
    return seen


@pytest.mark.parametrize("make_draft", DRAFTS.values(), ids=DRAFTS.keys())
def test_a_draft_is_invisible_on_every_public_page(seeds, client, make_draft):
    draft_url = make_draft()
    pages = crawl(client, start=["/", "/documents/", "/action-plans/cartagena-action-plan/24/"])
    assert len(pages) > 20  # the crawl reached the whole site
    for url, html in pages.items():
        assert SECRET.lower() not in html.lower(), f"{url} names the draft"
        assert "secret-" not in html, f"{url} links to the draft"
    assert client.get(draft_url).status_code == 404


@pytest.mark.parametrize("make_draft", DRAFTS.values(), ids=DRAFTS.keys())
def test_staff_preview_a_draft_under_a_banner(seeds, editor_client, client, make_draft):
    draft_url = make_draft()
    response = editor_client.get(draft_url)
    assert response.status_code == 200
    assert b"Draft - not public" in response.content
    assert SECRET.encode() in response.content
    client.logout()
    assert client.get(draft_url).status_code == 404


def test_counts_leave_drafts_out(seeds, client):
    before = re.search(r"(\d+) meetings?\b", client.get("/meetings/").content.decode()).group(1)
    make_draft_meeting()
    after = re.search(r"(\d+) meetings?\b", client.get("/meetings/").content.decode()).group(1)
    assert before == after == "1"


def test_a_published_page_is_not_marked_as_a_draft(seeds, editor_client):
    page = editor_client.get("/meetings/intersessional-meetings-may-2012/").content
    assert b"Draft - not public" not in page
