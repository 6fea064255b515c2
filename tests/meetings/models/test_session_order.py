"""Sessions of a day in time order, a position ordering only what has no time (issue 19): the
page, the PDF, schedule.json and the calendar all follow Session.Meta.ordering."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar
from pypdf import PdfReader

from meetings.models import Edition, Programme, Session
from meetings.publishing import pdf

DAY = datetime.date(2030, 5, 22)


@pytest.fixture
def late_addition(make_session):
    """A day at 10:00 and 15:00, an untimed group work placed after the 15:00 session, and an
    18:15 session added last but left at position 0."""
    make_session(1, title="Morning", start_time=datetime.time(10), position=10)
    make_session(2, title="Afternoon", start_time=datetime.time(15), position=20)
    make_session(3, title="Group work", start_time=None, position=30)
    make_session(4, title="Evening reception", start_time=datetime.time(18, 15), position=0)


IN_ORDER = ["Morning", "Afternoon", "Group work", "Evening reception"]


def test_the_model_orders_by_time_and_an_untimed_session_after_the_one_placed_before_it(
    programme, late_addition
):
    assert [s.title for s in programme.sessions.all()] == IN_ORDER
    assert [s.title for s in Session.objects.filter(programme=programme)] == IN_ORDER


def test_an_untimed_session_placed_first_opens_the_day(programme, make_session, late_addition):
    make_session(5, title="Registration", start_time=None, position=1)
    # Placed after the 18:15 session (position 0): it follows it.
    assert [s.title for s in programme.sessions.all()][-2:] == ["Evening reception", "Registration"]
    Session.objects.filter(programme=programme, title="Evening reception").update(position=40)
    assert [s.title for s in programme.sessions.all()][0] == "Registration"


def titles_in(text, titles=IN_ORDER):
    return sorted(titles, key=text.index)


def test_the_page_pdf_json_and_calendar_follow_the_times(programme, late_addition, client):
    url = programme.get_absolute_url()
    page = client.get(url).content.decode()
    sessions_in_full = page[page.index('id="sessions"') :]
    assert titles_in(sessions_in_full) == IN_ORDER
    copy = Programme.objects.get(working=programme, edition=Edition.PUBLISHED)
    data = pdf.render_pdf(pdf.programme_html(copy)).data
    text = re.sub(
        r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    )
    assert titles_in(text) == IN_ORDER
    schedule = client.get(url + "schedule.json").json()["schedule"]
    rooms = schedule["conference"]["days"][0]["rooms"]
    events = [e for room in rooms.values() for e in room]
    assert [e["title"] for e in events] == IN_ORDER[:2] + IN_ORDER[3:]
    sessions = client.get(url + "programme.json").json()["programme"]["sessions"]
    assert [s["title"] for s in sessions] == IN_ORDER
    assert [s["title"] for s in sessions if s["start"] is None] == ["Group work"]
    calendar = Calendar.from_ical(client.get(url + "programme.ics").content)
    summaries = [str(e["summary"]) for e in calendar.walk("VEVENT")]
    assert summaries == ["Morning", "Afternoon", "Evening reception"]
    # The afternoon ends when the next timed session starts: the evening, not the morning.
    afternoon = next(e for e in calendar.walk("VEVENT") if str(e["summary"]) == "Afternoon")
    assert afternoon["dtend"].dt.time() == datetime.time(18, 15)


def test_ordering_by_time_costs_no_query_per_session(programme, make_session):
    for n in range(1, 4):
        make_session(n, start_time=None if n == 2 else datetime.time(9 + n))
    with CaptureQueriesContext(connection) as few:
        list(programme.sessions.all())
    for n in range(4, 20):
        make_session(n, start_time=None if n % 3 == 0 else datetime.time(n % 14 + 8))
    with CaptureQueriesContext(connection) as many:
        list(programme.sessions.all())
    assert len(many) == len(few) == 1
