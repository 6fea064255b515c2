"""Hostile input from the editor's side: each is refused with a message that names the limit or
the conflict, nothing typed is lost, nothing half-saved, and the work it can cause is bounded
(counted here, never timed)."""

from unittest import mock

import factories
import pytest
from admin_forms import form_data
from bs4 import BeautifulSoup
from django.conf import settings
from django.test import Client
from django.urls import reverse

from meetings import markdown
from meetings.models import NewsPost, Session
from meetings.publishing import pdf

PREVIEW = "/markdownx/markdownify/"

# Markdown that made the sanitiser's time grow with the square of its nesting.
HOSTILE_MARKDOWN = {
    "a nested list of 320 KB": "".join("  " * level + "- item\n" for level in range(565)),
    "a nested list within the length limit": "".join(
        "  " * level + "- item\n" for level in range(150)
    ),
    "deep blockquotes": "".join(">" * level + " quoted\n" for level in range(1, 200)),
    "deep HTML nesting": "<ul><li>" * 5000 + "deep",
    "320 KB of plain text": "A sentence of a programme. " * 12_000,
}
LIMIT_MESSAGES = ("the limit is 50,000 characters", "the limit is 8 levels", "limit of 16 levels")


@pytest.fixture
def parsed():
    """Every text markdown-it is given, in order."""
    with mock.patch.object(markdown._parser, "render", wraps=markdown._parser.render) as render:
        yield lambda: [call.args[0] for call in render.call_args_list]


def names_a_limit(text):
    return any(message in text for message in LIMIT_MESSAGES)


@pytest.mark.parametrize("text", HOSTILE_MARKDOWN.values(), ids=HOSTILE_MARKDOWN.keys())
def test_the_preview_answers_hostile_markdown_with_the_limit_unparsed(editor_client, parsed, text):
    response = editor_client.post(PREVIEW, {"content": text})
    assert response.status_code == 400
    assert names_a_limit(response.content.decode())
    assert parsed() == []


@pytest.mark.parametrize("text", HOSTILE_MARKDOWN.values(), ids=HOSTILE_MARKDOWN.keys())
def test_the_admin_refuses_hostile_markdown_naming_the_limit_and_keeps_the_typing(
    editor_client, make_session, parsed, text
):
    session = make_session(purpose="As it stands.")
    url = reverse("admin:meetings_session_change", args=[session.pk])
    data = form_data(editor_client.get(url))
    data["purpose"] = [text]

    response = editor_client.post(url, data)

    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["purpose"]
    assert names_a_limit(error)
    assert form_data(response)["purpose"] == [text]
    session.refresh_from_db()
    assert session.purpose == "As it stands."
    assert text not in parsed()


@pytest.mark.parametrize("text", HOSTILE_MARKDOWN.values(), ids=HOSTILE_MARKDOWN.keys())
def test_hostile_markdown_already_stored_is_shown_as_plain_text_on_every_surface(
    client, make_session, parsed, text
):
    session = make_session(kind=Session.Kind.DISCUSSION)
    factories.DiscussionQuestionFactory(session=session)
    Session.objects.filter(pk=session.pk).update(purpose=text + "\n\nThe end.")
    factories.show_published(session.programme)
    post = factories.NewsPostFactory()
    NewsPost.objects.filter(pk=post.pk).update(body=text + "\n\nThe end.")

    page = client.get(session.get_absolute_url())
    assert page.status_code == 200
    article = BeautifulSoup(page.content, "html.parser").select_one("article.session")
    assert "The end." in article.get_text()
    assert not article.select("ul ul, blockquote blockquote")
    assert "The end." in pdf.programme_html(session.programme)
    feed = client.get("/news/feed.atom")
    assert feed.status_code == 200 and b"The end." in feed.content
    assert not [parsed_text for parsed_text in parsed() if text in parsed_text]


def test_a_text_within_the_limits_still_renders_as_markdown(client, make_session):
    session = make_session(purpose="- one\n  - two\n\n> quoted")
    article = BeautifulSoup(client.get(session.get_absolute_url()).content, "html.parser")
    assert article.select("article.session ul ul li") and article.select("blockquote")


# Edit conflicts: the check never depends on what the client sends ----------------------------


@pytest.fixture
def colleague_client(db):
    client = Client()
    client.force_login(factories.EditorFactory(username="colleague"))
    return client


def without_the_check(data, token):
    del data["loaded_state"]


def with_a_forged_check(data, token):
    data["loaded_state"] = ["forged"]


def with_another_objects_check(data, token):
    data["loaded_state"] = token


HOSTILE_CHECKS = {
    "left out": without_the_check,
    "forged": with_a_forged_check,
    "taken from another session": with_another_objects_check,
}


@pytest.mark.parametrize("tamper", HOSTILE_CHECKS.values(), ids=HOSTILE_CHECKS.keys())
def test_a_save_with_its_conflict_check_tampered_with_does_not_overwrite_a_colleague(
    editor_client, colleague_client, make_session, tamper
):
    session, other = make_session(1), make_session(2)
    url = reverse("admin:meetings_session_change", args=[session.pk])
    mine = form_data(editor_client.get(url))
    other_url = reverse("admin:meetings_session_change", args=[other.pk])
    other_token = form_data(editor_client.get(other_url))["loaded_state"]
    theirs = form_data(colleague_client.get(url))
    theirs["purpose"] = ["Their purpose"]
    assert colleague_client.post(url, theirs).status_code == 302

    tamper(mine, other_token)
    mine["title"] = ["My title"]
    response = editor_client.post(url, mine)

    assert response.status_code == 200
    assert "could not be checked against the saved version" in response.content.decode()
    session.refresh_from_db()
    assert (session.title, session.purpose) == ("Session 1", "Their purpose")
    assert form_data(response)["title"] == ["My title"]


def test_an_inline_row_deleted_meanwhile_is_a_message_on_the_page_not_a_silent_error(
    editor_client, colleague_client, programme, make_session
):
    session, kept = make_session(1), make_session(2)
    url = reverse("admin:meetings_programme_change", args=[programme.pk])
    mine = form_data(editor_client.get(url))
    delete = reverse("admin:meetings_session_delete", args=[session.pk])
    assert colleague_client.post(delete, {"post": "yes"}).status_code == 302
    mine["sessions-0-title"] = ["My retitled session"]

    response = editor_client.post(url, mine)

    assert response.status_code == 200
    shown = BeautifulSoup(response.content, "html.parser").select(".errorlist li")
    assert [li.get_text() for li in shown] == [
        "Someone else deleted the session “My retitled session” while you were editing it. Your "
        "version is kept below as a new row: save again to add it back, or remove the row to "
        "leave it out."
    ]
    assert form_data(response)["sessions-1-title"] == ["My retitled session"]
    assert list(programme.sessions.values_list("pk", flat=True)) == [kept.pk]


def test_an_object_deleted_meanwhile_keeps_the_typing_in_a_form_to_add_it_again(
    editor_client, colleague_client, make_session
):
    session = make_session(1)
    url = reverse("admin:meetings_session_change", args=[session.pk])
    mine = form_data(editor_client.get(url))
    delete = reverse("admin:meetings_session_delete", args=[session.pk])
    assert colleague_client.post(delete, {"post": "yes"}).status_code == 302
    mine["purpose"] = ["Typed while it was being deleted"]

    response = editor_client.post(url, mine)

    assert response.status_code == 200  # not a redirect to /admin/
    assert "Someone else deleted this session while you were editing it" in (
        response.content.decode()
    )
    assert form_data(response)["purpose"] == ["Typed while it was being deleted"]
    assert not Session.objects.filter(programme_id=session.programme_id).exists()


# Request limits -------------------------------------------------------------------------------


def test_a_save_past_the_field_limit_is_a_page_saying_so_not_a_bare_400(
    editor_client, programme, make_session
):
    make_session(1)
    url = reverse("admin:meetings_programme_change", args=[programme.pk])
    data = form_data(editor_client.get(url))
    data["title"] = ["Typed, not saved"]
    data.update({f"padding-{n}": ["x"] for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)})

    response = editor_client.post(url, data)

    assert response.status_code == 413
    text = BeautifulSoup(response.content, "html.parser").get_text()
    assert f"This form sent more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,} fields" in text
    assert "Back button takes you back to the form with what you typed" in text
    programme.refresh_from_db()
    assert programme.title == "Parallel Programme"
