"""The template filters and tags the pages use."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from meetings.templatetags.meetings_tags import and_list, document_size


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
