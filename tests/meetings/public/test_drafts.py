"""A draft meeting, programme, work plan or news post is invisible to the public everywhere:
its address answers 404, and no page names it, links to it or counts it. Staff allowed to view
that content can preview it, under a "Draft - not public" banner; other staff are the public."""

import datetime
import re
from types import SimpleNamespace
from urllib.parse import urldefrag, urlsplit

import factories
import pytest
from django.contrib.auth.models import Permission

from meetings.models import Document, Status

SECRET = "Secret draft"


@pytest.fixture
def site(make_session, meeting, convention):
    """A published site around one meeting: a programme whose sessions serve an action, with
    questions, a presentation, documents and a revision; a work plan, an activity and a news
    post about the meeting."""
    action = factories.ActionFactory(plan=factories.ActionPlanFactory(convention=convention))
    for n in (1, 2):
        session = make_session(n, actions=[action])
        factories.DiscussionQuestionFactory(session=session)
        factories.PresentationFactory(session=session, presenters=[factories.PersonFactory()])
    programme = session.programme
    factories.DocumentFactory(programme=programme)
    factories.DocumentFactory(meeting=meeting, file=None, size_bytes=2048)
    factories.ProgrammeRevisionFactory(programme=programme, number=1)
    ccm = factories.ConventionFactory(short_name="CCM", full_name="Test convention CCM")
    factories.WorkPlanFactory(convention=ccm).actions.add(action)
    factories.ActivityFactory(convention=convention, meeting=meeting).actions.add(action)
    factories.NewsPostFactory(meeting=meeting)
    return SimpleNamespace(meeting=meeting, action=action, ccm=ccm)


def draft_programme_in(site, meeting, status=Status.DRAFT):
    programme = factories.ProgrammeFactory(
        meeting=meeting, title=f"{SECRET} programme", slug="secret-programme", status=status
    )
    factories.SessionFactory(
        programme=programme,
        title=f"{SECRET} session",
        slug="secret-session",
        actions=[site.action],
    )
    factories.DocumentFactory(title=f"{SECRET} document", programme=programme)
    # A document of no meeting or programme, shown only by this draft's presentation.
    factories.PresentationFactory(
        session=programme.sessions.get(),
        document=factories.DocumentFactory(title=f"{SECRET} presented document"),
    )
    return programme


def make_draft_meeting(site):
    meeting = factories.MeetingFactory(
        convention=site.meeting.convention,
        title=f"{SECRET} meeting",
        slug="secret-meeting",
        start_date=datetime.date(2031, 6, 2),
        end_date=datetime.date(2031, 6, 4),
        status=Status.DRAFT,
    )
    # A published programme inside a draft meeting is still hidden.
    draft_programme_in(site, meeting, status=Status.PUBLISHED)
    factories.DocumentFactory(title=f"{SECRET} meeting document", meeting=meeting)
    factories.ActivityFactory(
        convention=meeting.convention, year=2031, month=6, meeting=meeting
    ).actions.add(site.action)
    factories.NewsPostFactory(
        title="Test public post about a meeting",
        slug="public-post",
        posted_on=datetime.date(2031, 5, 1),
        meeting=meeting,
    )
    return meeting.get_absolute_url()


def make_draft_programme(site):
    return draft_programme_in(site, site.meeting).get_absolute_url()


def make_draft_work_plan(site):
    work_plan = factories.WorkPlanFactory(
        convention=site.ccm,
        title=f"{SECRET} work plan",
        slug="secret-work-plan",
        start_year=2031,
        end_year=None,
        status=Status.DRAFT,
    )
    work_plan.actions.add(site.action)
    return work_plan.get_absolute_url()


def make_draft_news_post(site):
    post = factories.NewsPostFactory(
        title=f"{SECRET} news",
        slug="secret-news",
        posted_on=datetime.date(2031, 1, 1),
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
def test_a_draft_is_invisible_on_every_public_page(site, client, make_draft):
    draft_url = make_draft(site)
    pages = crawl(client, start=["/", "/documents/", site.action.get_absolute_url()])
    assert len(pages) > 20  # the crawl reached the whole site
    for url, html in pages.items():
        assert SECRET.lower() not in html.lower(), f"{url} names the draft"
        assert "secret-" not in html, f"{url} links to the draft"
    assert client.get(draft_url).status_code == 404


@pytest.mark.parametrize("make_draft", DRAFTS.values(), ids=DRAFTS.keys())
def test_staff_preview_a_draft_under_a_banner(site, editor_client, client, make_draft):
    draft_url = make_draft(site)
    response = editor_client.get(draft_url)
    assert response.status_code == 200
    assert b"Draft - not public" in response.content
    assert SECRET.encode() in response.content
    client.logout()
    assert client.get(draft_url).status_code == 404


def test_counts_leave_drafts_out(site, client):
    before = re.search(r"(\d+) meetings?\b", client.get("/meetings/").content.decode()).group(1)
    make_draft_meeting(site)
    after = re.search(r"(\d+) meetings?\b", client.get("/meetings/").content.decode()).group(1)
    assert before == after == "1"


def test_a_published_page_is_not_marked_as_a_draft(site, editor_client):
    page = editor_client.get(site.meeting.get_absolute_url()).content
    assert b"Draft - not public" not in page


def staff_allowed(*codenames):
    """A logged-in staff member with only these rights of the meetings app."""
    user = factories.UserFactory(username="clerk", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="meetings", codename__in=codenames)
    )
    return user


@pytest.mark.parametrize("make_draft", DRAFTS.values(), ids=DRAFTS.keys())
def test_staff_without_the_right_to_view_a_draft_get_404(site, client, make_draft):
    draft_url = make_draft(site)
    client.force_login(staff_allowed("view_convention", "change_state"))
    response = client.get(draft_url)
    assert response.status_code == 404
    assert SECRET.encode() not in response.content


def test_a_draft_programme_needs_the_right_to_view_programmes_and_its_meetings(site, client):
    make_draft_meeting(site)  # holds a published programme
    in_draft_meeting = "/meetings/secret-meeting/secret-programme/"
    in_public_meeting = make_draft_programme(site)
    client.force_login(staff_allowed("view_programme"))
    assert client.get(in_public_meeting).status_code == 200
    assert client.get(in_draft_meeting).status_code == 404
    client.force_login(staff_allowed("view_programme", "change_meeting"))  # change includes view
    assert client.get(in_draft_meeting).status_code == 200
    # A session page of either takes the right to view sessions as well.
    assert client.get(f"{in_public_meeting}sessions/secret-session/").status_code == 404
    client.force_login(staff_allowed("view_programme", "view_meeting", "view_session"))
    assert client.get(f"{in_public_meeting}sessions/secret-session/").status_code == 200


def test_a_document_shown_only_by_a_draft_is_neither_listed_nor_served(site, client, editor):
    make_draft_programme(site)
    document = Document.objects.get(title=f"{SECRET} presented document")
    assert document.programme is None and document.meeting is None
    assert client.get(document.get_absolute_url()).status_code == 404
    assert SECRET not in client.get("/documents/").content.decode()
    client.force_login(editor)
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]
