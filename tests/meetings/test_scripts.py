"""Titles and questions in other scripts: Arabic lays out right to left on the page and in the
PDF, and Arabic, Cyrillic and Chinese print with real glyphs from embedded fonts."""

import io
import os

import factories
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from meetings.models import Session
from meetings.publishing import pdf
from meetings.templatetags.meetings_tags import dir_attr

ARABIC = "مساعدة الضحايا في المناطق الريفية"
CHINESE = "受害者援助专家会议"
RUSSIAN = "Помощь пострадавшим"


@pytest.mark.parametrize(
    "text, expected",
    [
        (ARABIC, ' dir="rtl"'),
        ("«" + ARABIC + "»", ' dir="rtl"'),  # punctuation first: the first letter decides
        ("שיקום", ' dir="rtl"'),
        ("Session One: " + ARABIC, ""),
        (RUSSIAN, ""),
        (CHINESE, ""),
        ("2012", ""),
    ],
)
def test_text_starting_in_a_right_to_left_script_is_marked_rtl(text, expected):
    assert dir_attr(text) == expected


@pytest.fixture
def arabic_session(make_session):
    """A discussion session with an Arabic title and an Arabic question among English ones (the
    PDF prints its title twice: among the discussion topics, for its purpose, and in the day)."""
    session = make_session(title=ARABIC, kind=Session.Kind.DISCUSSION, purpose="Test purpose.")
    factories.DiscussionQuestionFactory(session=session, text=ARABIC + "؟", position=0)
    factories.DiscussionQuestionFactory(session=session, position=1)
    return session


def test_an_arabic_title_and_question_read_right_to_left_on_the_pages(client, arabic_session):
    page = BeautifulSoup(client.get(arabic_session.get_absolute_url()).content, "html.parser")
    assert page.select_one("h1").get("dir") == "rtl"
    assert page.find("li", string=ARABIC + "؟").get("dir") == "rtl"
    assert page.select_one("html").get("dir") in (None, "ltr")  # the page itself stays English

    programme = BeautifulSoup(
        client.get(arabic_session.programme.get_absolute_url()).content, "html.parser"
    )
    headings = [h for h in programme.select("h4") if h.get_text(strip=True) == ARABIC]
    assert headings and all(h.get("dir") == "rtl" for h in headings)
    english = programme.select_one("h1")
    assert english.get("dir") is None


def test_the_pdf_lays_out_arabic_right_to_left_and_prints_every_script(
    arabic_session, make_session
):
    make_session(2, title=CHINESE + " · " + RUSSIAN, kind=Session.Kind.OPENING)
    html = pdf.programme_html(arabic_session.programme)
    titles = BeautifulSoup(html, "html.parser").find_all("h3", string=ARABIC)
    assert titles and all(t.get("dir") == "rtl" for t in titles)

    rendered = pdf.render_pdf(pdf.printable(html))
    reader = PdfReader(io.BytesIO(rendered.data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert RUSSIAN in text
    assert "مساعدة" in text or "ةدعاسم" in text  # extractors may give Arabic in visual order
    fonts = embedded_fonts(reader)
    assert all(fonts.values()), fonts
    if not any("CJK" in name for name in fonts):
        message = "No CJK font: `apt-get install -y fonts-noto-cjk` (./dev setup does it)."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    assert CHINESE in text


def embedded_fonts(reader):
    """{font name: embedded?} over every page."""
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is not None:
                    descriptor = descriptor.get_object()
                    fonts[str(font["/BaseFont"])] = any(
                        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
                    )
    return fonts
