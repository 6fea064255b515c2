"""The template filters and tags the pages use."""

import datetime
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from meetings.models import Mandate
from meetings.templatetags.meetings_tags import (
    and_list,
    date_range,
    document_size,
    meeting_options,
    session_time,
    term,
)


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ([], ""),
        (["Austria"], "Austria"),
        (["Austria", "Panama"], "Austria and Panama"),
        (["Australia", "Austria", "Chile", "Iraq"], "Australia, Austria, Chile and Iraq"),
    ],
)
def test_and_list_joins_names_as_a_sentence_does(names, expected):
    assert and_list(names) == expected


@pytest.mark.parametrize(
    ("size", "expected"),
    [(None, ""), (10, "1KB"), (44 * 1024, "44KB"), (418 * 1024, "418KB"), (1258291, "1.2MB")],
)
def test_document_size_reads_as_programmes_print_it(size, expected):
    assert document_size(size) == expected


def _day(text):
    return datetime.date.fromisoformat(text)


@pytest.mark.parametrize(
    ("language", "start", "end", "expected"),
    [
        ("en", "2012-05-22", "2012-05-22", '<time datetime="2012-05-22">22 May 2012</time>'),
        (
            "en",
            "2012-05-21",
            "2012-05-25",
            '<time datetime="2012-05-21">21</time> to '
            '<time datetime="2012-05-25">25 May 2012</time>',
        ),
        (
            "en",
            "2012-04-30",
            "2012-05-02",
            '<time datetime="2012-04-30">30 April</time> to '
            '<time datetime="2012-05-02">2 May 2012</time>',
        ),
        (
            "fr",
            "2026-12-01",
            "2026-12-04",
            'du <time datetime="2026-12-01">1er</time> au '
            '<time datetime="2026-12-04">4 décembre 2026</time>',
        ),
        (
            "fr",
            "2012-12-30",
            "2013-01-02",
            'du <time datetime="2012-12-30">30 décembre 2012</time> au '
            '<time datetime="2013-01-02">2 janvier 2013</time>',
        ),
        (
            "es",
            "2012-05-21",
            "2012-05-25",
            'del <time datetime="2012-05-21">21</time> al '
            '<time datetime="2012-05-25">25 de mayo de 2012</time>',
        ),
        ("en", None, "2012-05-25", ""),
    ],
)
def test_date_range_writes_the_days_in_the_pages_language(language, start, end, expected):
    with translation.override(language):
        shown = date_range(start and _day(start), end and _day(end))
    assert shown == expected


def test_a_kept_date_range_is_kept_per_language():
    """The same two days, asked in turn in three languages: each gets its own markup."""
    start, end = _day("2012-05-21"), _day("2012-05-25")
    shown = {}
    for language in ("en", "fr", "en", "es", "fr"):
        with translation.override(language):
            shown.setdefault(language, set()).add(str(date_range(start, end)))
    assert {language: len(texts) for language, texts in shown.items()} == {
        "en": 1,
        "fr": 1,
        "es": 1,
    }
    assert "May 2012" in shown["en"].pop()
    assert "mai 2012" in shown["fr"].pop()
    assert "de mayo de 2012" in shown["es"].pop()


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/meetings/", 'aria-current="page"'),
        ("/meetings/may-2012/", 'aria-current="true"'),
        ("/news/", "<a "),
    ],
)
def test_nav_link_marks_the_current_page_and_section(path, expected):
    template = Template("{% load meetings_tags %}{% nav_link 'meetings:meeting_list' 'Meetings' %}")
    html = template.render(Context({"request": RequestFactory().get(path)}))
    assert html.startswith('<a href="/meetings/"')
    assert expected in html
    if path == "/news/":
        assert "aria-current" not in html


D = datetime.date


@pytest.mark.parametrize(
    ("language", "start", "end", "expected"),
    [
        ("en", D(2012, 1, 1), D(2012, 12, 31), "2012"),
        ("en", D(2016, 1, 1), D(2017, 12, 31), "2016–2017"),
        ("en", D(2030, 5, 21), D(2030, 5, 25), "21–25 May 2030"),
        ("fr", D(2030, 5, 21), D(2030, 5, 25), "21–25 mai 2030"),
        ("en", D(2030, 4, 30), D(2030, 5, 2), "30 April – 2 May 2030"),
        ("en", D(2030, 5, 21), D(2030, 5, 21), "21 May 2030"),
    ],
)
def test_a_term_reads_as_years_where_it_is_whole_years_else_as_days(language, start, end, expected):
    with translation.override(language):
        assert term(Mandate(start_date=start, end_date=end)) == expected


@pytest.mark.parametrize(
    ("language", "start", "end", "expected"),
    [
        (
            "en",
            datetime.time(10, 15),
            datetime.time(11, 0),
            '<time datetime="2012-05-22T10:15">10:15</time><span aria-hidden="true">–</span>'
            '<span class="visually-hidden"> to </span>'
            '<time datetime="2012-05-22T11:00">11:00</time>',
        ),
        (
            "fr",
            datetime.time(10, 15),
            datetime.time(11, 0),
            '<time datetime="2012-05-22T10:15">10\u00a0h\u00a015</time>'
            '<span aria-hidden="true">\u00a0– </span><span class="visually-hidden"> à </span>'
            '<time datetime="2012-05-22T11:00">11\u00a0h</time>',
        ),
        ("en", datetime.time(9, 5), None, '<time datetime="2012-05-22T09:05">09:05</time>'),
        ("es", None, None, '<span class="untimed">Hora sin fijar</span>'),
    ],
)
def test_a_sessions_time_is_machine_readable_and_written_as_its_language_writes_it(
    language, start, end, expected
):
    session = SimpleNamespace(date=datetime.date(2012, 5, 22), start_time=start, end_time=end)
    with translation.override(language):
        assert session_time(session) == expected


def test_meeting_options_escape_each_title_and_mark_the_english_and_the_chosen():
    options = meeting_options(
        [("a-1", 'Tom & "Jerry" <b>', False), ("b-2", "Réunion", False), ("c-3", "C", True)],
        "c-3",
    )
    assert options == (
        '<option value="a-1">Tom &amp; &quot;Jerry&quot; &lt;b&gt;</option>'
        '<option value="b-2">Réunion</option>'
        '<option value="c-3" lang="en" data-untranslated selected>C</option>'
    )
