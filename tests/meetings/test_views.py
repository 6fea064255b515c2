"""The public pages serve the seed content, hide drafts, and keep their queries constant."""

import pytest

from meetings.models import Meeting, NewsPost, Programme, Status

PARALLEL = "/meetings/intersessional-meetings-may-2012/parallel-programme-victim-assistance/"


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/meetings/",
        "/meetings/?convention=APMBC&kind=intersessional",
        "/meetings/intersessional-meetings-may-2012/",
        PARALLEL,
        PARALLEL + "sessions/coordination-national-plans/",
        "/action-plans/",
        "/action-plans/cartagena-action-plan/",
        "/action-plans/cartagena-action-plan/24/",
        "/coordination/",
        "/coordination/work-plans/ccm-victim-assistance-2023-2024/",
        "/news/",
        "/news/mine-ban-treaty-intersessional-meetings-may-2012/",
        "/documents/",
    ],
)
def test_public_pages_serve_the_seed_content(seeds, client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert b'<html lang="en">' in response.content


def test_programme_page_shows_sessions_presenters_questions_and_sizes(seeds, client):
    page = client.get(PARALLEL).content.decode()
    for text in [
        "Claude Tardif",
        "Margaret Arach Orech",
        "PDF 44KB",
        "PDF 418KB, not available online",
        "How can coordination be improved?",
        "Salle B, Ground Floor, WMO Building, 7bis Avenue de la Paix, Geneva",
        "10:15",
        "States Parties&#x27; experts",
    ]:
        assert text in page, text


def test_action_page_lists_the_sessions_that_serve_it(seeds, client):
    page = client.get("/action-plans/cartagena-action-plan/24/").content.decode()
    assert "Session One: Coordination in the Implementation of National Plans" in page


def test_unknown_page_is_a_friendly_404(db, client):
    response = client.get("/meetings/no-such-meeting/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


@pytest.fixture
def draft_programme(seeds):
    Programme.objects.filter(slug="parallel-programme-victim-assistance").update(
        status=Status.DRAFT
    )


def test_a_draft_programme_is_invisible_to_the_public(draft_programme, client):
    assert client.get(PARALLEL).status_code == 404
    assert client.get(PARALLEL + "sessions/coordination-national-plans/").status_code == 404
    meeting_page = client.get("/meetings/intersessional-meetings-may-2012/").content.decode()
    assert "Parallel Programme for Victim Assistance Experts" not in meeting_page
    action_page = client.get("/action-plans/cartagena-action-plan/24/").content.decode()
    assert "Session One" not in action_page


def test_staff_preview_a_draft_with_a_banner(draft_programme, editor_client):
    response = editor_client.get(PARALLEL)
    assert response.status_code == 200
    assert b"Draft - not public" in response.content


def test_a_draft_meeting_hides_its_published_programmes(seeds, client):
    Meeting.objects.update(status=Status.DRAFT)
    assert client.get(PARALLEL).status_code == 404
    assert b"Intersessional Standing Committee Meetings" not in client.get("/meetings/").content
    assert client.get("/").status_code == 200


def test_a_draft_news_post_answers_404(seeds, client):
    NewsPost.objects.update(status=Status.DRAFT)
    assert client.get("/news/mine-ban-treaty-intersessional-meetings-may-2012/").status_code == 404
    assert b"Mine Ban Treaty" not in client.get("/news/").content
