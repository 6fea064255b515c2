"""Hostile input from the editor's side: each is refused with a message that names the limit or
the conflict, nothing typed is lost, nothing half-saved, and the work it can cause is bounded
(counted here, never timed)."""

from unittest import mock

import factories
import pytest
from admin_forms import form_data
from bs4 import BeautifulSoup
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
