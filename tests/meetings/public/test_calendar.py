"""The programme as iCalendar: parsed with `icalendar`, every timed session of the printed
programme lands at the right instant (Geneva is on CEST, UTC+2, in May), UIDs are stable across
a change and SEQUENCE rises."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from icalendar import Calendar
from seed_sources import printed_timetable

from meetings.models import Programme, Session

PARALLEL = "/meetings/intersessional-meetings-may-2012/parallel-programme-victim-assistance/"
ICS_URL = PARALLEL + "programme.ics"


def events(client):
    response = client.get(ICS_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


def test_every_printed_time_is_the_right_instant_in_utc(seeds, client):
    shown = events(client)
    geneva = ZoneInfo("Europe/Zurich")
    assert len(shown) == len(printed_timetable()) == 5
    for time, title in printed_timetable():
        (summary,) = [s for s in shown if s.endswith(title)]
        local = datetime.datetime.combine(
            datetime.date(2012, 5, 22), datetime.time.fromisoformat(time), geneva
        )
        start = shown[summary].decoded("dtstart")
        assert start.astimezone(datetime.UTC) == local.astimezone(datetime.UTC)
        assert start.astimezone(datetime.UTC).hour == int(time[:2]) - 2  # CEST is UTC+2
        assert shown[summary]["dtstart"].params["TZID"] == "Europe/Zurich"


def test_sessions_end_when_they_end_or_when_the_next_one_starts(seeds, client):
    shown = events(client)
    opening = shown["Opening of the Parallel Programme for Victim Assistance Experts"]
    assert opening.decoded("dtend").strftime("%H:%M") == "10:15"
    session_two = shown["Session Two: Monitoring the Implementation of National Plans"]
    assert session_two.decoded("dtend").strftime("%H:%M") == "18:00"  # the next timed item


def test_events_carry_room_link_and_questions(seeds, client):
    event = events(client)["Session One: Coordination in the Implementation of National Plans"]
    assert str(event["location"]).startswith("Salle B, Ground Floor, WMO Building")
    assert str(event["url"]).endswith("/sessions/coordination-national-plans/")
    assert "How can coordination be improved?" in str(event["description"])


def test_uids_are_stable_and_sequence_rises_when_the_programme_changes(seeds, client):
    before = {str(e["uid"]): int(e["sequence"]) for e in events(client).values()}
    session = Session.objects.get(slug="coordination-national-plans")
    session.title = "Session One: Coordination (moved)"
    session.start_time = datetime.time(10, 30)
    session.save()
    after = {str(e["uid"]): int(e["sequence"]) for e in events(client).values()}
    assert set(after) == set(before)
    assert all(after[uid] > before[uid] for uid in before)


def test_the_calendar_of_a_draft_is_404_to_the_public(seeds, editor_client):
    Programme.objects.filter(slug="parallel-programme-victim-assistance").update(status="draft")
    assert Client().get(ICS_URL).status_code == 404
    assert editor_client.get(ICS_URL).status_code == 200


@pytest.mark.usefixtures("seeds")
def test_the_programme_page_links_to_its_calendar(client):
    assert ICS_URL.encode() in client.get(PARALLEL).content


def test_a_break_is_marked_and_leaves_the_delegate_free(seeds, client):
    lunch = events(client)["Break for lunch and side events"]
    assert lunch["transp"] == "TRANSPARENT"
    assert "Break" in lunch["categories"].cats


def test_a_single_session_has_its_own_calendar(seeds, client):
    url = PARALLEL + "sessions/coordination-national-plans/session.ics"
    calendar = Calendar.from_ical(client.get(url).content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["summary"]).startswith("Session One")
    assert event["uid"] in {e["uid"] for e in events(client).values()}  # the same event
    page = client.get(PARALLEL + "sessions/coordination-national-plans/").content.decode()
    assert url in page


def test_the_whole_meeting_has_a_calendar_of_its_published_programmes(seeds, client):
    url = "/meetings/intersessional-meetings-may-2012/meeting.ics"
    summaries = {
        str(e["summary"]) for e in Calendar.from_ical(client.get(url).content).walk("VEVENT")
    }
    assert summaries == set(events(client))  # the other programme has no timed session
    Programme.objects.filter(slug="parallel-programme-victim-assistance").update(status="draft")
    assert Calendar.from_ical(client.get(url).content).walk("VEVENT") == []
    assert url.encode() in client.get("/meetings/intersessional-meetings-may-2012/").content


def test_the_programme_page_offers_a_webcal_subscription(seeds, client):
    page = client.get(PARALLEL).content.decode()
    assert f'href="webcal://testserver{ICS_URL}"' in page
