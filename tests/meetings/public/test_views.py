"""The public pages serve the seed content, filter, hide drafts and fail kindly."""

import re

import pytest

from meetings.models import (
    Action,
    Activity,
    Document,
    Meeting,
    NewsPost,
    Programme,
    Status,
    WorkPlan,
)

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


def test_a_server_error_shows_the_friendly_page(seeds, client, monkeypatch):
    def broken():
        raise RuntimeError("the database went away")

    monkeypatch.setattr("meetings.queries.home_page", broken)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"the database went away" not in response.content


def test_meetings_filter_by_convention_and_kind(seeds, client):
    title = b"Intersessional Standing Committee Meetings, May 2012"
    assert title in client.get("/meetings/?convention=APMBC").content
    assert title not in client.get("/meetings/?convention=CCM").content
    assert title not in client.get("/meetings/?kind=workshop").content
    # An unknown kind is ignored rather than an error; an unknown convention matches nothing.
    assert title in client.get("/meetings/?kind=<script>").content


HOSTILE = ["%00", "%27%22%3E%3Cscript%3E", "x" * 10_000, "%E2%80%AE", "a%0D%0Ab", "..%2F..%2F"]


@pytest.mark.parametrize("value", HOSTILE, ids=["nul", "quotes", "10k", "rlo", "crlf", "dots"])
def test_hostile_filter_values_match_nothing_and_never_fail(seeds, client, value):
    for url in (f"/meetings/?convention={value}&kind={value}", f"/documents/?meeting={value}"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "<script>" not in page
        assert "No meeting matches these filters." in page or "No document matches" in page


def test_documents_filter_by_meeting_kind_and_language(seeds, client):
    def titles(query):
        page = client.get("/documents/" + query).content.decode()
        return sorted(re.findall(r'<span class="document-title">([^<]+)</span>', page))

    everything = titles("")
    assert "List of Participants" in everything and len(everything) == 3
    assert titles("?kind=participants") == ["List of Participants"]
    assert titles("?meeting=intersessional-meetings-may-2012") == everything
    assert titles("?meeting=no-such-meeting") == []
    assert titles("?meeting=%00") == []
    assert titles("?language=fr") == []
    assert titles("?language=xx&kind=yy") == everything  # unknown values are ignored


def test_a_document_set_is_one_row_with_a_link_per_language(seeds, client):
    for language in ("en", "fr"):
        Document.objects.create(
            title="Guidance on an Integrated Approach",
            kind="guidance",
            symbol="CCM/MSP/2024/WP.1",
            language=language,
            size_bytes=2048,
        )
    page = client.get("/documents/?kind=guidance").content.decode()
    assert page.count('<span class="document-title">Guidance on an Integrated Approach') == 1
    assert "English <span" in page and "French <span" in page


def test_the_action_page_lists_sessions_work_plans_and_activities_newest_first(seeds, client):
    action = Action.objects.get(plan__short_name="CAP", number=24)
    work_plan = WorkPlan.objects.get(slug="ccm-victim-assistance-2023-2024")
    work_plan.actions.add(action)
    Activity.objects.create(
        convention=work_plan.convention, year=2016, month=9, text="Discussed."
    ).actions.add(action)
    page = client.get(action.get_absolute_url()).content.decode()
    badges = re.findall(r'<span class="badge">(Session|Work plan|Activity)</span>', page)
    assert badges == ["Work plan", "Activity", "Session"]  # 2023, 2016, 2012
    assert "3 places, newest first." in page
