"""The one markdown renderer (meetings/markdown.py) makes every hostile input harmless, on every
surface that shows an editor's text: the public page, the programme PDF, the Atom feed and the
admin's preview."""

import io
import re
from unittest import mock
from xml.etree import ElementTree

import factories
import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from meetings import markdown
from meetings.markdown import MAX_DEPTH, MAX_HTML_DEPTH, MAX_NESTING, check_limits, render_markdown
from meetings.models import NewsPost, Session
from meetings.publishing import pdf

PAYLOADS = {
    "script": "<script>alert(1)</script> after",
    "img onerror": "<img src=x onerror=alert(1)> after",
    "javascript link": "[a](javascript:alert(1)) after",
    "javascript link with CR": "[a](jav&#x0D;ascript:alert(1)) after",
    "quote in alt": '![" onerror=alert(1)](x) after',
    "data link": '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">a</a> after',
    "svg onload": '<svg onload="alert(1)"><circle r="4"/></svg> after',
    "iframe": '<iframe src="https://evil.example/"></iframe> after',
    "form": '<form action="https://evil.example/"><input name="pw"></form> after',
    "style, data and on attributes": '<p style="position:fixed" data-x="1" onclick="x">a</p> after',
    "foreign image": "![tracker](https://evil.example/pixel.png) after",
    "nested quotes": ">" * 1000 + " deep after",
    "open brackets": "[" * 20000 + " after",
}
ALLOWED_SCHEMES = ("http:", "https:", "mailto:", "tel:")
ATOM = "{http://www.w3.org/2005/Atom}"


def assert_harmless(html):
    """Nothing in `html` can run code, load from elsewhere, restyle the page or post a form."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(True):
        assert tag.name not in {"script", "iframe", "form", "svg", "object", "embed", "style"}
        for name, value in tag.attrs.items():
            assert not name.startswith("on"), tag
            assert name != "style" and not name.startswith("data-"), tag
            if name == "href":  # browsers drop tabs and line breaks before reading a scheme
                scheme = re.match(r"([a-z][a-z0-9+.-]*):", re.sub(r"[\x00-\x20]", "", value), re.I)
                assert scheme is None or scheme.group(0).lower() in ALLOWED_SCHEMES, tag
            if name == "src":
                assert tag.name == "img" and value.startswith("/media/"), tag
    depth = max((len(list(t.parents)) for t in soup.find_all(True)), default=0)
    assert depth <= MAX_NESTING + 3


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_the_renderer_makes_each_payload_harmless_and_keeps_the_text(payload):
    html = render_markdown(payload)
    assert_harmless(html)
    assert "after" in BeautifulSoup(html, "html.parser").get_text()


def test_each_block_takes_its_direction_from_its_own_text():
    html = render_markdown("مساعدة الضحايا\n\nVictim assistance\n\n- أولا\n- first")
    assert html.count('<p dir="auto">') == 2 and html.count('<li dir="auto">') == 2
    assert "<script" not in render_markdown('<p dir="rtl" onclick="x">a</p>')


def test_an_image_of_the_sites_own_media_is_kept():
    html = render_markdown("![Survivors' meeting](/media/markdownx/abc.png)")
    assert '<img src="/media/markdownx/abc.png" alt="Survivors\' meeting">' in html
    assert "src" not in render_markdown("![x](/media/../admin/x.png)")


@pytest.fixture
def session(make_session):
    """A discussion session: the PDF prints its purpose among the discussion topics too."""
    session = make_session(kind=Session.Kind.DISCUSSION)
    factories.DiscussionQuestionFactory(session=session)
    return session


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_the_public_session_page_shows_each_payload_harmlessly(client, session, payload):
    Session.objects.filter(pk=session.pk).update(purpose=payload)
    factories.show_published(session.programme)
    response = client.get(session.get_absolute_url())
    assert response.status_code == 200
    article = BeautifulSoup(response.content, "html.parser").select_one("article.session")
    assert_harmless(str(article))
    assert "after" in article.get_text()


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_the_pdfs_html_holds_each_payload_harmlessly(session, payload):
    Session.objects.filter(pk=session.pk).update(purpose=payload)
    html = pdf.programme_html(session.programme)
    body = BeautifulSoup(html, "html.parser").select_one("body")
    assert_harmless(str(body))
    assert "after" in body.get_text()


def test_a_pdf_of_every_payload_renders_with_only_safe_links(session):
    Session.objects.filter(pk=session.pk).update(purpose="\n\n".join(PAYLOADS.values()))
    rendered = pdf.render_pdf(pdf.printable(pdf.programme_html(session.programme)))
    reader = PdfReader(io.BytesIO(rendered.data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "deep after" in text
    targets = [
        annotation.get_object().get("/A", {}).get("/URI")
        for page in reader.pages
        for annotation in page.get("/Annots") or []
    ]
    assert [t for t in targets if t and not str(t).startswith(ALLOWED_SCHEMES)] == []


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_the_news_feed_carries_each_payload_harmlessly(client, db, payload):
    post = factories.NewsPostFactory()
    NewsPost.objects.filter(pk=post.pk).update(body=payload)
    # Read the feed's own XML, not through a feed parser, which would clean the HTML itself.
    feed = ElementTree.fromstring(client.get("/news/feed.atom").content)
    [entry] = [e for e in feed.iter(ATOM + "entry") if e.findtext(ATOM + "title") == post.title]
    html = entry.findtext(ATOM + "summary") or entry.findtext(ATOM + "content")
    assert_harmless(html)
    assert "after" in html


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_the_admin_preview_shows_each_payload_harmlessly(editor_client, payload):
    response = editor_client.post("/markdownx/markdownify/", {"content": payload})
    refused = payload == PAYLOADS["nested quotes"]  # past MAX_DEPTH: a message, not a preview
    assert response.status_code == (400 if refused else 200)
    assert_harmless(response.content.decode())
    assert ("the limit is" if refused else "after") in response.content.decode()


# Limits checked before parsing -----------------------------------------------------------------


def nested_list(depth):
    return "".join("  " * level + f"- level {level}\n" for level in range(depth))


def nested_quotes(depth):
    return "".join(">" * (level + 1) + f" level {level}\n" for level in range(depth))


def nested_html(depth):
    return "<ul><li>" * (depth // 2) + "level" + "</li></ul>" * (depth // 2)


WITHIN_LIMITS = {
    "lists as deep as allowed": (nested_list(MAX_DEPTH), f"level {MAX_DEPTH - 1}"),
    "quotes as deep as allowed": (nested_quotes(MAX_DEPTH), f"level {MAX_DEPTH - 1}"),
    "a table in the deepest list": (
        nested_list(MAX_DEPTH) + "  " * MAX_DEPTH + "| a | b |\n" + "  " * MAX_DEPTH + "|-|-|\n",
        "<table>",
    ),
    "HTML as deep as allowed": (nested_html(MAX_HTML_DEPTH), "level"),
    "a rule of spaced dashes": ("above\n\n" + "- " * 30 + "\n\nbelow", "<hr>"),
    "many autolinks and line breaks": ("<https://example.org> a<br>\n" * 300, "example.org"),
    "list items without end tags": ("<ul>" + "<li>item" * 300 + "</ul>", "item"),
    "a long, flat text": ("A sentence of a programme. " * 1800, "programme"),
}


@pytest.mark.parametrize("text, shown", WITHIN_LIMITS.values(), ids=WITHIN_LIMITS.keys())
def test_text_within_the_limits_passes_and_renders_whole(text, shown):
    check_limits(text)
    html = render_markdown(text)
    assert shown in html
    assert "<br>" not in html or "a<br>" in text  # parsed, not the plain-text stand-in


PAST_LIMITS = {
    "too long": ("x" * 50_001, "This text is 50,001 characters long; the limit is 50,000"),
    "a list one level too deep": (
        nested_list(MAX_DEPTH + 1),
        f"Line {MAX_DEPTH + 1} is nested {MAX_DEPTH + 1} levels deep",
    ),
    "markers on one line": (
        "intro\n\n" + "- " * 9 + "x",
        f"Line 3 is nested 9 levels deep in quotes, lists or indentation; the limit is {MAX_DEPTH}",
    ),
    "quotes": (">" * 1000 + " deep", "Line 1 is nested 1000 levels deep"),
    "indented by tabs": ("\t" * 5 + "- x", "Line 1 is nested 11 levels deep"),
    "quote markers with indentation between": ("> " + " " * 30 + "- x", "nested 17 levels"),
    "unclosed HTML tags": (
        "intro\n\n" + "<b>" * (MAX_HTML_DEPTH + 1),
        f"At line 3, HTML tags are nested deeper than the limit of {MAX_HTML_DEPTH} levels",
    ),
    "nested HTML lists": (nested_html(MAX_HTML_DEPTH + 2), "HTML tags are nested deeper"),
    "self-closed tags, which HTML leaves open": ("<div/>" * 40, "HTML tags are nested deeper"),
}


@pytest.mark.parametrize("text, message", PAST_LIMITS.values(), ids=PAST_LIMITS.keys())
def test_text_past_a_limit_is_refused_with_a_message_naming_the_limit(text, message):
    with pytest.raises(ValidationError) as refused:
        check_limits(text)
    assert message in refused.value.messages[0]


def test_a_text_rendered_again_after_the_limit_changed_follows_the_new_limit(settings):
    text = "*eleven chr*"
    assert render_markdown(text) == '<p dir="auto"><em>eleven chr</em></p>\n'
    assert render_markdown(text) == render_markdown(text)  # the kept HTML, the same
    settings.MARKDOWN_MAX_CHARS = 10
    assert render_markdown(text) == '<p dir="auto">*eleven chr*</p>'


def test_the_length_limit_comes_from_the_settings(settings):
    settings.MARKDOWN_MAX_CHARS = 10
    with pytest.raises(ValidationError, match="the limit is 10 characters"):
        check_limits("eleven char")
    check_limits("ten chars.")


@pytest.mark.parametrize("text, message", PAST_LIMITS.values(), ids=PAST_LIMITS.keys())
def test_stored_text_past_a_limit_is_shown_as_plain_text_never_parsed(text, message):
    with (
        mock.patch.object(markdown._parser, "render", side_effect=AssertionError) as parse,
        mock.patch.object(markdown.nh3, "clean", side_effect=AssertionError) as sanitise,
    ):
        html = render_markdown(text + "\n\n<script>alert(1)</script> after")
    assert parse.call_count == sanitise.call_count == 0
    assert_harmless(html)
    assert html.startswith('<p dir="auto">')
    assert "&lt;script&gt;alert(1)&lt;/script&gt; after</p>" in html


def test_an_over_long_text_is_refused_before_any_line_is_read():
    with mock.patch.object(markdown, "_line_depth", wraps=markdown._line_depth) as line_depth:
        render_markdown(nested_list(600))  # 320 KB
    assert line_depth.call_count == 0


def test_the_html_check_stops_at_the_first_tag_past_the_limit():
    read, tags = [], markdown._TAG

    class CountingTags:
        def finditer(self, text):
            for tag in tags.finditer(text):
                read.append(tag)
                yield tag

    with mock.patch.object(markdown, "_TAG", CountingTags()), pytest.raises(ValidationError):
        check_limits("<ul><li>" * 5000)
    assert len(read) == MAX_HTML_DEPTH + 1
