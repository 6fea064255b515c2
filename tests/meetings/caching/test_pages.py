"""HTTP and server-side caching of public responses (meetings/caching/pages.py): 304s,
invalidation on every change, and drafts that never leak through any cache."""

import factories
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from meetings.caching import generations, pages
from meetings.models import Meeting, NewsPost, Room, Session, Status
from meetings.publishing import revisions

# Conftest's meeting and programme, which `content` fills.
MEETING = "/meetings/may-2030/"
PROGRAMME = MEETING + "parallel/"
PUBLIC_URLS = [
    "/",
    "/meetings/",
    MEETING,
    PROGRAMME,
    PROGRAMME + "sessions/coordination/",
    PROGRAMME + "programme.ics",
    PROGRAMME + "schedule.json",
    PROGRAMME + "programme.json",
    "/action-plans/",
    "/coordination/",
    "/news/",
    "/documents/",
    "/search/?q=coordination",
    "/news/feed.atom",
    "/sitemap.xml",
]


@pytest.fixture
def content(programme, make_session):
    """Something on every page above: conftest's programme, published once, with a session on
    coordination in a room, serving an action, with a question and a presentation with its
    document; a work plan with a milestone, an office holder, an activity, a news post."""
    meeting = programme.meeting
    convention = meeting.convention
    factories.ProgrammeRevisionFactory(programme=programme)
    action = factories.ActionFactory(plan__convention=convention)
    session = make_session(
        1,
        title="Test session on coordination",
        slug="coordination",
        room=factories.RoomFactory(),
        actions=[action],
    )
    factories.DiscussionQuestionFactory(session=session)
    factories.PresentationFactory(
        session=session,
        presenters=[factories.PersonFactory()],
        document=factories.DocumentFactory(meeting=meeting),
    )
    factories.MilestoneFactory(work_plan__convention=convention)
    factories.MandateFactory(convention=convention)
    factories.ActivityFactory(convention=convention, meeting=meeting).actions.add(action)
    factories.NewsPostFactory(meeting=meeting)
    return session


def get(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_every_public_page_answers_a_matching_conditional_request_with_304(client, content, url):
    response, _ = get(client, url)
    assert response.status_code == 200
    etag = response["ETag"]
    assert "public" in response["Cache-Control"] and "s-maxage=60" in response["Cache-Control"]
    again, queries = get(client, url, if_none_match=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert queries <= 1  # the generation, nothing else
    other, _ = get(client, url, if_none_match='"something-else"')
    assert other.status_code == 200 and other.content == response.content


@pytest.mark.django_db
def test_a_cached_page_is_served_whole_without_rendering(client, content):
    first, rendered = get(client, PROGRAMME)
    second, queries = get(client, PROGRAMME)
    assert rendered > 5 and queries == 1
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["X-Frame-Options"] == "DENY"
    assert int(second["Content-Length"]) == len(first.content)


@pytest.mark.django_db
def test_an_answer_says_whether_it_came_from_a_stored_copy(client, content, editor):
    """Cache-Status (RFC 9211): what bench/meeting_day_bench.py reads to time how soon a
    published edit is served from the cache again."""
    first = client.get(PROGRAMME)
    assert first["Cache-Status"] == "vapp; fwd=miss; stored"
    assert client.get(PROGRAMME)["Cache-Status"] == "vapp; hit"
    assert client.get(PROGRAMME, headers={"if-none-match": first["ETag"]}).status_code == 304
    assert client.get(PROGRAMME, headers={"if-none-match": first["ETag"]})["Cache-Status"] == (
        "vapp; hit"
    )
    Session.objects.filter(pk=content.pk).update(title="Retitled for the day")
    revisions.publish(content.programme, "Session retitled.")
    edited = client.get(PROGRAMME)
    assert b"Retitled for the day" in edited.content
    assert edited["Cache-Status"] == "vapp; fwd=miss; stored"
    assert client.get(PROGRAMME)["Cache-Status"] == "vapp; hit"
    staff = type(client)()
    staff.force_login(editor)
    assert "Cache-Status" not in staff.get(PROGRAMME)  # never stored, never from a copy


def claim(url):
    """Claim the rendering of `url`'s copy under its current version, as another request
    rendering it holds it meanwhile (pages._claim). Returns its key and version."""
    key, version = pages._key(RequestFactory().get(url)), generations.for_path(url)
    assert pages._claim(cache, key, version)
    return key, version


@pytest.mark.django_db
def test_while_another_request_renders_the_new_copy_the_copy_before_is_answered(client, content):
    before = client.get(PROGRAMME)
    Session.objects.filter(pk=content.pk).update(title="Retitled for the day")
    revisions.publish(content.programme, "Session retitled.")
    key, version = claim(PROGRAMME)
    stale, queries = get(client, PROGRAMME)
    assert stale["Cache-Status"] == pages.STALE and queries == 1  # the generation only
    assert stale.content == before.content and stale["ETag"] == before["ETag"]
    assert get(client, PROGRAMME, if_none_match=before["ETag"])[0].status_code == 304
    pages._release(cache, key, version)
    fresh = client.get(PROGRAMME)
    assert b"Retitled for the day" in fresh.content
    assert fresh["Cache-Status"] == pages.STORED
    assert client.get(PROGRAMME)["Cache-Status"] == pages.HIT


@pytest.mark.django_db
def test_a_claimed_address_this_process_has_no_copy_of_is_rendered_all_the_same(client, content):
    claim(PROGRAMME)
    response = client.get(PROGRAMME)
    assert response.status_code == 200 and response["Cache-Status"] == pages.STORED


@pytest.mark.django_db
def test_a_render_that_fails_releases_its_claim(client, content, monkeypatch):
    client.get(PROGRAMME)  # a copy of the version before
    Session.objects.filter(pk=content.pk).update(title="Retitled for the day")
    revisions.publish(content.programme, "Session retitled.")
    from meetings import queries

    def failing(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(queries, "programme_page", failing)
    client.raise_request_exception = False
    assert client.get(PROGRAMME).status_code == 500
    monkeypatch.undo()
    fresh = client.get(PROGRAMME)  # rendered, not the copy before: nobody claims it now
    assert fresh["Cache-Status"] == pages.STORED
    assert b"Retitled for the day" in fresh.content


# -- this process's own copies ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_process_answers_a_repeat_from_its_own_copy_without_reading_the_shared_cache(
    client, content
):
    first, rendered = get(client, PROGRAMME)
    cache.clear()  # the shared copy gone: only this process's copy can answer
    second, queries = get(client, PROGRAMME)
    assert rendered > 5 and queries == 1  # the generation, read as on every request
    assert second.content == first.content and second["ETag"] == first["ETag"]


@pytest.mark.django_db
def test_a_process_copy_read_from_the_shared_cache_answers_the_next_repeat(client, content):
    first, _ = get(client, PROGRAMME)
    pages.forget(shared=False)  # a process that did not render it
    get(client, PROGRAMME)  # from the shared cache, and kept
    cache.clear()
    third, queries = get(client, PROGRAMME)
    assert queries == 1 and third.content == first.content


@pytest.mark.django_db
def test_an_answer_changed_on_its_way_out_leaves_the_process_copy_as_it_was(client, content):
    get(client, PROGRAMME)
    answer = client.get(PROGRAMME)
    answer["X-Added-Above"] = "1"
    answer.content = b"changed"
    again = client.get(PROGRAMME)
    assert "X-Added-Above" not in again and b"Test session on coordination" in again.content
    assert again.headers["X-Frame-Options"] == "DENY" and not again.cookies


@pytest.mark.django_db
def test_an_edit_is_never_answered_from_a_process_copy(client, content):
    get(client, PROGRAMME)
    Session.objects.filter(pk=content.pk).update(title="Retitled once")
    revisions.publish(content.programme, "Session retitled.")
    assert b"Retitled once" in client.get(PROGRAMME).content


@pytest.mark.django_db
def test_a_process_copy_is_dropped_after_its_time(client, content, monkeypatch):
    get(client, PROGRAMME)
    monkeypatch.setattr(pages, "KEPT_SECONDS", -1)  # as if its time were up
    pages.forget()
    _, rendered = get(client, PROGRAMME)  # kept again, already out of time
    cache.clear()
    _, queries = get(client, PROGRAMME)
    assert queries == rendered > 5  # rendered again: the copy was not used


@pytest.mark.django_db
def test_a_process_keeps_a_bounded_number_of_copies_and_no_large_one(client, content, monkeypatch):
    monkeypatch.setattr(pages, "KEPT_MOST", 2)
    for url in ["/", "/meetings/", "/news/", PROGRAMME]:
        get(client, url)
    assert len(pages._kept) <= 2
    monkeypatch.setattr(pages, "KEPT_LARGEST", 100)
    pages.forget()
    _, rendered = get(client, PROGRAMME)
    cache.clear()
    _, queries = get(client, PROGRAMME)
    assert not pages._kept and queries == rendered


@pytest.mark.django_db
@pytest.mark.parametrize(
    "asked, answered",
    [
        (PROGRAMME + "?x=1", PROGRAMME),
        (PROGRAMME + "?utm_source=mail&x=%C3%A9", PROGRAMME),
        ("/search/?q=coordination&x=2", "/search/?q=coordination"),
        ("/news/?page=1&page=2&junk=", "/news/?page=1&page=2"),
        ("/fr" + PROGRAMME + "?%FF=1", "/fr" + PROGRAMME),
    ],
)
def test_a_query_parameter_no_page_reads_redirects_to_the_page_without_rendering(
    client, content, asked, answered
):
    """Each made-up value would otherwise be rendered and stored as a page of its own."""
    response, queries = get(client, asked)
    assert response.status_code == 302 and response["Location"] == answered
    assert queries == 0
    assert client.get(answered).status_code == 200


@pytest.mark.django_db
def test_the_query_parameters_pages_read_are_kept(client, content):
    for url in ["/search/?q=coordination&year=2030", "/documents/?kind=x&language=en&page=2"]:
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_a_change_is_on_the_next_request_once_published(client, content):
    """Delegates read the published copy: an edit of the working copy changes nothing they
    read until it is published, and then the next request shows it, not the cached page."""
    get(client, PROGRAMME)
    session = content
    session.title = "Session One, retitled"
    session.save()
    response, _ = get(client, PROGRAMME)
    assert b"Session One, retitled" not in response.content
    assert b"Test session on coordination" in response.content
    revisions.publish(session.programme, "Session One retitled.")
    response, _ = get(client, PROGRAMME)
    assert b"Session One, retitled" in response.content
    # A queryset update, which sends no signal, is published and seen too (the database bumps
    # the generation).
    Session.objects.filter(pk=session.pk).update(title="Session One, again")
    revisions.publish(session.programme, "Session One retitled again.")
    response, _ = get(client, PROGRAMME)
    assert b"Session One, again" in response.content


@pytest.mark.django_db
def test_editing_a_working_copys_sessions_leaves_its_meetings_cached_pages_in_place(
    client, content
):
    """On a meeting day staff save a session many times before they publish: until they do,
    delegates' pages stay stored (migration 0032), then the publish shows the edit at once."""
    urls = [PROGRAMME, PROGRAMME + "sessions/coordination/", MEETING]
    stored = {url: get(client, url)[0].content for url in urls}
    session = content
    session.title = "Coordination, retitled on the day"
    session.save()
    session.questions.create(text="Who refers survivors?", position=9)
    for url in urls:
        again, queries = get(client, url)
        assert again["Cache-Status"] == "vapp; hit" and queries == 1  # the version only
        assert again.content == stored[url]
    revisions.publish(session.programme, "Session retitled.")
    for url in urls[:2]:
        fresh, _ = get(client, url)
        assert fresh["Cache-Status"] == "vapp; fwd=miss; stored"
        assert b"Coordination, retitled on the day" in fresh.content


@pytest.mark.django_db
def test_an_edit_invalidates_exactly_the_pages_whose_bytes_change(client, content):
    programme, _ = get(client, PROGRAMME)
    news, _ = get(client, "/news/")
    post = NewsPost.objects.public().first()
    post.title = "A new headline"
    post.save()
    unchanged, _ = get(client, PROGRAMME, if_none_match=programme["ETag"])
    changed, _ = get(client, "/news/", if_none_match=news["ETag"])
    assert unchanged.status_code == 304
    assert changed.status_code == 200 and b"A new headline" in changed.content


@pytest.mark.django_db
def test_an_edit_in_one_meeting_leaves_the_other_meetings_pages_cached(
    client, content, other_meeting
):
    others = ["/meetings/other/", "/meetings/other/its/", "/fr/meetings/other/its/sessions/its/"]
    first = {url: get(client, url)[0].content for url in others}
    get(client, PROGRAMME)
    get(client, "/meetings/")
    Session.objects.filter(pk=content.pk).update(title="Retitled session")
    Meeting.objects.filter(pk=content.programme.meeting_id).update(title="Retitled May")
    revisions.publish(content.programme, "Session retitled.")
    for url in others:
        again, queries = get(client, url)
        assert queries == 1 and again.content == first[url]  # from the cache: only the version
    # The edited meeting's pages and the pages about every meeting show the edit at once
    # (the session's once published).
    assert b"Retitled session" in get(client, PROGRAMME)[0].content
    assert b"Retitled May" in get(client, "/meetings/")[0].content


@pytest.mark.django_db
def test_an_edit_shared_by_every_meeting_reaches_every_meetings_pages(
    client, content, other_meeting
):
    other_session = "/meetings/other/its/sessions/its/"
    Session.objects.filter(programme__meeting=other_meeting).update(room=content.room)
    get(client, PROGRAMME)
    get(client, other_session)
    Room.objects.update(name="Salle Nouvelle")
    assert b"Salle Nouvelle" in get(client, PROGRAMME)[0].content
    assert b"Salle Nouvelle" in get(client, other_session)[0].content


@pytest.mark.django_db
def test_publishing_a_programme_shows_it_on_its_meetings_page_at_once(client, content):
    draft = factories.ProgrammeFactory(
        meeting=content.programme.meeting,
        title="Programme published late",
        slug="late",
        position=9,
        status=Status.DRAFT,
    )
    assert b"Programme published late" not in get(client, MEETING)[0].content
    assert get(client, draft.get_absolute_url())[0].status_code == 404
    revisions.publish(draft, "First published.")
    assert b"Programme published late" in get(client, MEETING)[0].content
    assert get(client, draft.get_absolute_url())[0].status_code == 200


@pytest.mark.django_db
def test_a_staff_preview_of_drafts_never_reaches_a_public_visitor(client, content, editor):
    draft = factories.ProgrammeFactory(
        meeting=content.programme.meeting,
        title="Secret draft programme",
        slug="secret",
        position=9,
        status=Status.DRAFT,
    )
    staff = type(client)()
    staff.force_login(editor)
    for url in [MEETING, draft.get_absolute_url()]:
        response = staff.get(url)
        assert response.status_code == 200
        assert b"Secret draft programme" in response.content
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
        assert not response.has_header("ETag")

    public = client.get(MEETING)
    assert b"Secret draft programme" not in public.content
    assert client.get(draft.get_absolute_url()).status_code == 404
    # ...and once a visitor's copy is cached, staff still get their own, fresh page.
    assert b"Secret draft programme" in staff.get(MEETING).content


@pytest.mark.django_db
def test_a_draft_is_not_served_from_the_cache_once_unpublished(client, content):
    meeting = content.programme.meeting
    assert client.get(PROGRAMME).status_code == 200
    meeting.status = Status.DRAFT
    meeting.save()
    assert client.get(PROGRAMME).status_code == 404
    assert client.get(MEETING).status_code == 404


@pytest.mark.django_db
def test_the_admin_and_responses_setting_cookies_are_never_cached(client, editor):
    client.get("/admin/login/")
    assert not [key for key in cache._cache if "admin" in str(key)]
    login = client.get("/admin/login/")
    assert "ETag" not in login and login.cookies.get("csrftoken") is not None


@pytest.mark.django_db
def test_the_server_cache_can_be_turned_off_and_etags_stay(client, content, settings):
    settings.PAGE_CACHE_SECONDS = 0
    first, rendered = get(client, PROGRAMME)
    second, queries = get(client, PROGRAMME)
    assert queries == rendered  # rendered again
    assert first["ETag"] == second["ETag"]
    assert get(client, PROGRAMME, if_none_match=first["ETag"])[0].status_code == 304


REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_cache(settings):
    """The page cache in the real Redis of this machine (database 15, emptied around the test)."""
    import os

    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not running on 127.0.0.1:6379")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    client.flushdb()
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
    }
    yield client
    client.flushdb()


@pytest.mark.django_db
def test_with_redis_one_process_serves_what_another_rendered(client, content, redis_cache):
    first, rendered = get(client, PROGRAMME)
    assert any(b":public:" in key for key in redis_cache.scan_iter())
    generations.forget()  # as a fresh process would start
    pages.forget(shared=False)
    second, queries = get(client, PROGRAMME)
    assert rendered > 5 and queries == 1
    assert second.content == first.content and second["ETag"] == first["ETag"]
    Session.objects.filter(pk=content.pk).update(title="Changed in Redis")
    revisions.publish(content.programme, "Session retitled.")
    assert b"Changed in Redis" in get(client, PROGRAMME)[0].content


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Zurich"])
def test_a_copy_is_kept_for_the_day_of_the_sites_time_zone(zone, settings, rf):
    """UTC+14 and UTC-11 are on different days for most of every day: the key follows the
    site's zone (TIME_ZONE), not the machine's."""
    from django.utils import timezone

    from meetings.caching.pages import _key

    settings.TIME_ZONE = zone
    assert f":{timezone.localdate().isoformat()}:" in _key(rf.get("/meetings/"))
