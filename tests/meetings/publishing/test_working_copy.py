"""Staff edit a programme's working copy; delegates read what its latest published revision
published. For each public surface: an edit made after publishing is not there for an
anonymous visitor, is there right after the next publish, and is there at once for staff
reading the working copy (where staff have a view of that surface)."""

import io
import json
from datetime import timedelta

import factories
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from pypdf import PdfReader

from meetings.models import Document, Edition, Programme, Session
from meetings.publishing import revisions

NEW_TITLE = "Zanzibar rehabilitation exchange"  # one word search finds, in no other text


@pytest.fixture
def action(db):
    return factories.ActionFactory(title="Test action served")


@pytest.fixture
def published(programme, make_session, action):
    """The programme with a session "Session 1" serving `action`, published as revision 1."""
    make_session(1, actions=[action])
    revisions.publish(programme, "First published.")
    return programme


@pytest.fixture
def working_session(published):
    return Session.objects.get(programme=published, slug="session-1")


def retitle(session):
    session.title = NEW_TITLE
    session.save()


def add_session(programme):
    # Not with a factory: a factory would publish it too.
    Session.objects.create(
        programme=programme,
        title=NEW_TITLE,
        slug="zanzibar",
        date=programme.meeting.start_date,
    )


def pdf_text(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def page_text(response):
    assert response.status_code == 200
    return response.content.decode()


def found_text(response):
    """A search page, without the marks around the words found."""
    return page_text(response).replace("<mark>", "").replace("</mark>", "")


# Each public surface: (its address from the working programme and its session, how its text is
# read, whether staff read the working copy there).
SURFACES = {
    "programme page": (lambda p, s: p.get_absolute_url(), page_text, True),
    "session page": (lambda p, s: s.get_absolute_url(), page_text, True),
    "programme PDF": (lambda p, s: p.get_absolute_url() + "programme.pdf", pdf_text, True),
    "programme PDF in French": (
        lambda p, s: "/fr" + p.get_absolute_url() + "programme.pdf",
        pdf_text,
        True,
    ),
    "programme calendar": (lambda p, s: p.get_absolute_url() + "programme.ics", page_text, True),
    "session calendar": (lambda p, s: s.get_absolute_url() + "session.ics", page_text, True),
    "meeting calendar": (
        lambda p, s: p.meeting.get_absolute_url() + "meeting.ics",
        page_text,
        True,
    ),
    "schedule.json": (lambda p, s: p.get_absolute_url() + "schedule.json", page_text, True),
    "programme.json": (lambda p, s: p.get_absolute_url() + "programme.json", page_text, True),
    "search": (lambda p, s: "/search/?q=zanzibar", found_text, True),
    "action page": (
        lambda p, s: s.actions.get().get_absolute_url(),
        page_text,
        False,
    ),
    "changes feed": (lambda p, s: "/meetings/changes.atom", page_text, False),
}


@pytest.mark.parametrize("surface", SURFACES)
def test_an_edit_shows_on_the_surface_only_once_published(
    surface, published, working_session, editor_client
):
    address, read, staff_view = SURFACES[surface]
    url = address(published, working_session)
    anonymous = Client()
    assert NEW_TITLE not in read(anonymous.get(url))

    retitle(working_session)

    assert NEW_TITLE not in read(anonymous.get(url))
    if staff_view:
        assert NEW_TITLE in read(editor_client.get(url))
    revisions.publish(published, "Session 1 retitled.")
    assert NEW_TITLE in read(anonymous.get(url))


def test_a_new_session_is_in_the_sitemap_only_once_published(published, client):
    add_session(published)
    assert "/zanzibar/" not in page_text(client.get("/sitemap-sessions.xml"))
    revisions.publish(published, "A session added.")
    assert "/zanzibar/" in page_text(client.get("/sitemap-sessions.xml"))


def test_a_new_session_has_no_page_until_published(published, editor_client):
    add_session(published)
    url = published.get_absolute_url() + "sessions/zanzibar/"
    anonymous = Client()
    assert anonymous.get(url).status_code == 404
    assert NEW_TITLE in page_text(editor_client.get(url))
    revisions.publish(published, "A session added.")
    assert NEW_TITLE in page_text(anonymous.get(url))


def test_a_document_listed_under_the_programme_shows_once_published(published, client):
    # Not with a factory: a factory would publish it too.
    Document.objects.create(title="Zanzibar concept note", programme=published)
    url = published.get_absolute_url()
    assert "Zanzibar concept note" not in page_text(client.get(url))
    revisions.publish(published, "A document added.")
    assert "Zanzibar concept note" in page_text(client.get(url))


def test_a_removed_session_stays_public_until_published(published, working_session, client):
    url = working_session.get_absolute_url()
    working_session.delete()
    assert client.get(url).status_code == 200
    revisions.publish(published, "Session 1 removed.")
    assert client.get(url).status_code == 410  # gone, and the page says so


def test_staff_see_the_unpublished_changes_on_the_programme_page(
    published, working_session, editor_client
):
    retitle(working_session)
    page = page_text(editor_client.get(published.get_absolute_url()))
    assert "Working copy, not public." in page
    assert "Unpublished changes since revision 1" in page
    assert "Session retitled" in page and NEW_TITLE in page


def test_the_working_copy_page_is_never_kept_by_a_shared_cache(published, editor_client):
    response = editor_client.get(published.get_absolute_url())
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_discarding_puts_the_working_copy_back_as_published(published, working_session, action):
    retitle(working_session)
    Session.objects.create(programme=published, title="Added then discarded", slug="added")
    revisions.discard(published)
    rows = Session.objects.filter(programme=published)
    assert [(s.title, s.uid) for s in rows] == [("Session 1", working_session.uid)]
    assert list(rows.get().actions.all()) == [action]
    assert revisions.unpublished_changes(published) == []


def test_discarding_a_never_published_programme_is_refused(meeting):
    draft = factories.ProgrammeFactory(meeting=meeting, status="draft")
    with pytest.raises(revisions.NothingPublished):
        revisions.discard(draft)


def test_publishing_keeps_the_revision_before_as_an_earlier_copy(published, working_session):
    retitle(working_session)
    second = revisions.publish(published, "Session 1 retitled.")
    first = published.revisions.get(number=1)
    assert first.copy.edition == Edition.SUPERSEDED
    assert second.copy.edition == Edition.PUBLISHED
    assert first.copy.sessions.get().title == "Session 1"
    assert second.copy.sessions.get().title == NEW_TITLE
    assert first.copy.sessions.get().uid == second.copy.sessions.get().uid == working_session.uid


def test_a_withdrawn_programme_takes_its_published_copy_with_it(published, client):
    url = published.get_absolute_url()
    assert client.get(url).status_code == 200
    published.status = "draft"
    published.save()
    assert client.get(url).status_code == 404
    assert not Programme.objects.public().filter(working=published).exists()


def test_schedule_json_names_the_revision_it_shows(published, working_session, client):
    url = published.get_absolute_url() + "schedule.json"
    assert json.loads(client.get(url).content)["schedule"]["version"] == "revision 1"
    retitle(working_session)
    assert json.loads(client.get(url).content)["schedule"]["version"] == "revision 1"
    revisions.publish(published, "Session 1 retitled.")
    assert json.loads(client.get(url).content)["schedule"]["version"] == "revision 2"


def test_a_document_added_to_the_working_copy_is_public_only_once_published(published, meeting):
    document = Document.objects.create(
        title="Zanzibar draft list", programme=published, meeting=meeting, file=None
    )
    anonymous = Client()
    assert "Zanzibar draft list" not in page_text(anonymous.get("/documents/"))
    assert "Zanzibar draft list" not in page_text(anonymous.get(meeting.get_absolute_url()))
    assert not document.is_public
    revisions.publish(published, "A document added.")
    assert "Zanzibar draft list" in page_text(anonymous.get("/documents/"))
    assert Document.objects.get(pk=document.pk).is_public


def test_discarding_deletes_a_document_added_since_that_nothing_else_shows(published):
    added = Document.objects.create(title="Added since", programme=published)
    kept = Document.objects.create(title="Also the meeting's", programme=published)
    kept.meeting = published.meeting
    kept.save()
    revisions.discard(published)
    assert not Document.objects.filter(pk=added.pk).exists()  # it would have become public
    kept.refresh_from_db()
    assert (kept.programme_id, kept.meeting_id) == (None, published.meeting_id)  # the meeting's


def test_discarding_keeps_each_sessions_id(published, working_session):
    retitle(working_session)
    revisions.discard(published)
    assert Session.objects.get(pk=working_session.pk).title == "Session 1"


def test_publishing_after_another_editor_published_meanwhile_is_refused(published, working_session):
    retitle(working_session)
    revisions.publish(published, "Published by someone else.", after=1)
    with pytest.raises(revisions.PublishedMeanwhile) as refused:
        revisions.publish(published, "Mine, from a form opened before.", after=1)
    assert refused.value.revision.number == 2
    assert published.revisions.count() == 2


def test_a_stale_publish_form_publishes_nothing_and_says_why(published, editor_client):
    url = f"/admin/meetings/programme/{published.pk}/publish/"
    stale = {"note": "Second editor's note.", "since": "1"}
    assert editor_client.post(url, {"note": "First.", "since": "1"}).status_code == 302
    response = editor_client.post(url, stale, follow=True)
    assert "Nothing published: revision 2 was published meanwhile" in page_text(response)
    assert published.revisions.count() == 2


def test_a_publish_form_read_before_its_revisions_were_taken_back_publishes_nothing(
    published, editor_client
):
    url = f"/admin/meetings/programme/{published.pk}/publish/"
    published.revisions.all().delete()  # as a revert of the history takes later ones back
    response = editor_client.post(url, {"note": "From an old page.", "since": "1"}, follow=True)
    assert response.status_code == 200
    assert "revisions changed since this page was opened" in page_text(response)
    assert published.revisions.count() == 0


def test_a_programme_slug_taken_in_its_meeting_is_a_form_error(published, meeting):
    twin = Programme(meeting=meeting, title="Twin", slug=published.slug)
    with pytest.raises(ValidationError) as refused:
        twin.full_clean()
    assert "slug" in refused.value.message_dict


def test_a_session_of_a_programme_being_added_is_checked_against_the_meeting(meeting):
    unsaved = Programme(meeting=meeting, title="New", slug="new")
    session = Session(
        programme=unsaved, title="Late", slug="late", date=meeting.end_date + timedelta(days=9)
    )
    with pytest.raises(ValidationError) as refused:
        session.full_clean(exclude=["programme"])
    assert "date" in refused.value.message_dict


def test_a_removed_sessions_address_says_which_revision_removed_it(published, working_session):
    url = working_session.get_absolute_url()
    working_session.delete()
    revisions.publish(published, "Session 1 withdrawn by its presenters.")
    response = Client().get(url)
    assert response.status_code == 410
    text = page_text_any(response)
    assert "removed from the programme in revision 2" in text
    assert "Session 1 withdrawn by its presenters." in text
    assert "/changes/1/#session-session-1-title" in text


def page_text_any(response):
    return response.content.decode()
