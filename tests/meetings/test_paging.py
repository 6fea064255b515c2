"""meetings/paging.py: a page of a list and its count, read narrow then whole where asked."""

import factories
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import Meeting
from meetings.paging import read_page


@pytest.fixture
def meetings():
    """Seven meetings, listed by title, each with its convention and venue."""
    return [factories.MeetingFactory(title=f"Meeting {n}") for n in range(7)]


def titles(page):
    return [meeting.title for meeting in page.object_list]


@pytest.mark.django_db
def test_a_page_read_narrow_then_whole_has_the_lists_rows_in_its_order(meetings):
    listed = Meeting.objects.order_by("-title")
    whole = Meeting.objects.select_related("convention", "venue")
    page = read_page(listed, 2, 3, whole=whole)
    assert titles(page) == ["Meeting 3", "Meeting 2", "Meeting 1"]
    assert page.paginator.count == 7 and page.paginator.num_pages == 3
    # Read whole: what `whole` selects comes with each row, no query more.
    with CaptureQueriesContext(connection) as captured:
        assert all(meeting.convention.pk and meeting.venue.pk for meeting in page.object_list)
    assert len(captured) == 0


@pytest.mark.django_db
def test_a_page_read_narrow_then_whole_takes_two_queries_whatever_its_rows(meetings):
    listed = Meeting.objects.order_by("title")
    whole = Meeting.objects.select_related("convention", "venue")
    with CaptureQueriesContext(connection) as captured:
        page = read_page(listed, 1, 5, whole=whole)
    assert len(page.object_list) == 5 and len(captured) == 2
    # The list's query reads ids and the count only: no join, however wide `whole` is.
    assert "JOIN" not in captured[0]["sql"] and "COUNT(*) OVER ()" in captured[0]["sql"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("number", "expected"), [("99", ["Meeting 6"]), ("junk", None), ("0", None), ("-5", None)]
)
def test_a_page_past_the_end_or_junk_is_read_whole_too(meetings, number, expected):
    listed = Meeting.objects.order_by("title")
    whole = Meeting.objects.select_related("convention")
    page = read_page(listed, number, 3, whole=whole)
    assert titles(page) == (expected or ["Meeting 0", "Meeting 1", "Meeting 2"])
    assert isinstance(page.object_list, list)
    with CaptureQueriesContext(connection) as captured:
        assert all(meeting.convention.pk for meeting in page.object_list)
    assert len(captured) == 0


@pytest.mark.django_db
def test_an_empty_list_read_narrow_then_whole_is_an_empty_first_page():
    page = read_page(Meeting.objects.order_by("title"), 1, 3, whole=Meeting.objects.all())
    assert list(page.object_list) == [] and page.paginator.count == 0
