"""Session cookies and the page cache (meetings/caching/pages.py): only a signed-in staff
session skips the cache; a made-up, expired or dead session cookie is served the cached copy
like any visitor, for one query on the session, and never brings a staff member's drafts or a
cookie into what the cache keeps."""

import datetime

import factories
import pytest
from django.contrib.sessions.models import Session as StoredSession
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import Status

MADE_UP = "made-up-session-key-0123456789abcdef"


@pytest.fixture
def programme_url(programme, make_session):
    factories.ProgrammeRevisionFactory(programme=programme)
    make_session(1)
    return programme.get_absolute_url()


def get(url, session_key=None, client=None):
    """(response, number of queries) for `url`, with `session_key` as the session cookie."""
    client = client or Client()
    if session_key is not None:
        client.cookies["sessionid"] = session_key
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def staff_session(editor):
    client = Client()
    client.force_login(editor)
    return client.cookies["sessionid"].value


def expired(editor):
    key = staff_session(editor)
    StoredSession.objects.filter(pk=key).update(
        expire_date=timezone.now() - datetime.timedelta(minutes=1)
    )
    return key


def deactivated(editor):
    key = staff_session(editor)
    editor.is_active = False
    editor.save()
    return key


def password_changed(editor):
    key = staff_session(editor)
    editor.set_password("a-new-password-0")
    editor.save()
    return key


def signed_out(editor):
    """A live session that signs nobody in (a visitor's, holding something else)."""
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store["something"] = "else"
    store.create()
    return store.session_key


# Each: how to make the cookie, and the queries a cached answer costs: the generation, the
# session (none for a value that cannot be a key), the user where the session names one, and
# for a session a password change ended, Django's removal of it (a read and a delete).
DEAD_SESSIONS = {
    "made up": (lambda editor: MADE_UP, 2),
    "too short to be a key": (lambda editor: "x", 1),
    "expired": (expired, 2),
    "signed out": (signed_out, 2),
    "of a deactivated account": (deactivated, 3),
    "from before a password change": (password_changed, 5),
}


@pytest.mark.django_db
@pytest.mark.parametrize("make, queries", DEAD_SESSIONS.values(), ids=DEAD_SESSIONS)
def test_a_session_cookie_that_signs_nobody_in_is_served_from_the_cache(
    programme_url, editor, make, queries
):
    key = make(editor)
    cached, rendered = get(programme_url)
    response, count = get(programme_url, session_key=key)
    assert rendered > 5 and count == queries
    assert response.status_code == 200 and response.content == cached.content
    assert response["ETag"] == cached["ETag"]
    assert "public" in response["Cache-Control"]


@pytest.mark.django_db
def test_without_a_session_cookie_the_session_is_never_read(programme_url):
    get(programme_url)
    response, count = get(programme_url)
    assert count == 1  # the generation only


@pytest.mark.django_db
def test_a_dead_session_cookie_is_removed_from_the_browser(programme_url):
    get(programme_url)
    response, _ = get(programme_url, session_key=MADE_UP)
    assert response.cookies["sessionid"].value == ""
    assert response.cookies["sessionid"]["max-age"] == 0


@pytest.mark.django_db
def test_a_copy_rendered_for_a_dead_session_cookie_stores_no_cookie(programme_url):
    first, rendered = get(programme_url, session_key=MADE_UP)  # renders and stores
    assert rendered > 5
    again, count = get(programme_url)
    assert count == 1 and again.content == first.content
    assert not again.cookies and "Set-Cookie" not in again


@pytest.mark.django_db
def test_a_signed_in_staff_session_skips_the_cache_and_keeps_its_drafts_to_itself(
    programme, programme_url, editor
):
    draft = factories.ProgrammeFactory(
        meeting=programme.meeting, title="Secret draft programme", slug="secret", position=9
    )
    draft.status = Status.DRAFT
    draft.save()
    meeting_url = programme.meeting.get_absolute_url()
    key = staff_session(editor)
    for _ in range(2):
        staff, _count = get(meeting_url, session_key=key)
        assert b"Secret draft programme" in staff.content
        assert staff["Cache-Control"] == "private, no-store" and "ETag" not in staff
    for cookie in [None, MADE_UP]:
        visitor, _count = get(meeting_url, session_key=cookie)
        assert b"Secret draft programme" not in visitor.content
        assert get(draft.get_absolute_url(), session_key=cookie)[0].status_code == 404
    # ...and once a visitor's copy is stored, the staff member still gets their own page.
    assert b"Secret draft programme" in get(meeting_url, session_key=key)[0].content
