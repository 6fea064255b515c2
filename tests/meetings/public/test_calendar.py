"""The programme as iCalendar, parsed with `icalendar`: every timed session of the printed
programme (seed 001) lands at the right instant (Geneva is on CEST, UTC+2, in May); on a made-up
programme, sessions end where they should, a break leaves the delegate free, UIDs are stable
across revisions, SEQUENCE rises for the sessions a published revision changed (read by
icalendar and vobject alike), a removed session is sent cancelled, and drafts stay out."""

import datetime
from zoneinfo import ZoneInfo

import factories
import ics
import pytest
import vobject
from django.test import Client
from icalendar import Calendar
from seed_sources import printed_timetable

from meetings.models import Programme, Session
from meetings.publishing import revisions

PARALLEL = "/meetings/intersessional-meetings-may-2012/parallel-programme-victim-assistance/"


def events(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


def test_every_printed_time_is_the_right_instant_in_utc(seeds, client):
    shown = events(client, PARALLEL + "programme.ics")
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


@pytest.fixture
def day(make_session):
    """A day of the programme (22 May 2030), in order: {slug: session}."""
    room = factories.RoomFactory(name="Salle 7", floor="Ground Floor")
    t = datetime.time
    rows = [
        ("opening", "Test opening", "opening", t(9), None),
        ("one", "Test session one", "discussion", t(10, 15), t(12, 30)),
        ("lunch", "Test lunch break", "break", t(12, 30), t(14)),
        ("two", "Test session two", "discussion", t(14), None),
        ("group", "Test group work", "group_work", None, None),
        ("close", "Test close", "closing", t(18), None),
    ]
    sessions = {
        slug: make_session(
            n, slug=slug, title=title, kind=kind, start_time=start, end_time=end, room=room
        )
        for n, (slug, title, kind, start, end) in enumerate(rows, start=1)
    }
    factories.DiscussionQuestionFactory(session=sessions["one"], text="How can a test be improved?")
    return sessions


@pytest.fixture
def ics_url(programme):
    return programme.get_absolute_url() + "programme.ics"


def test_sessions_end_when_they_end_or_when_the_next_one_starts(day, ics_url, client):
    shown = events(client, ics_url)
    assert shown["Test opening"].decoded("dtend").strftime("%H:%M") == "10:15"
    assert shown["Test session one"].decoded("dtend").strftime("%H:%M") == "12:30"  # its own
    assert shown["Test session two"].decoded("dtend").strftime("%H:%M") == "18:00"  # next timed
    assert "dtend" not in shown["Test close"]
    assert "Test group work" not in shown  # no time: nothing a calendar can place


def test_events_carry_room_link_and_questions(day, ics_url, client):
    event = events(client, ics_url)["Test session one"]
    assert str(event["location"]).startswith("Salle 7, Ground Floor, Test Building")
    assert str(event["url"]).endswith("/sessions/one/")
    assert "How can a test be improved?" in str(event["description"])


def parsed_by_both(client, url):
    """{uid: (sequence, status, summary)} as icalendar reads the calendar, checked equal to what
    vobject, an independent parser, reads of it."""
    response = client.get(url)
    assert response.status_code == 200
    by_icalendar = {
        str(e["uid"]): (int(e["sequence"]), str(e["status"]), str(e["summary"]))
        for e in Calendar.from_ical(response.content).walk("VEVENT")
    }
    by_vobject = {
        event.uid.value: (int(event.sequence.value), event.status.value, event.summary.value)
        for event in vobject.readOne(response.content.decode()).vevent_list
    }
    assert by_icalendar == by_vobject
    return by_icalendar


def test_sequence_rises_only_for_the_session_a_revision_changed(day, programme, ics_url, client):
    revisions.publish(programme, "First published.")
    before = parsed_by_both(client, ics_url)
    session = Session.objects.get(programme=programme, slug="one")
    session.title = "Test session one (moved)"
    session.start_time = datetime.time(10, 30)
    session.save()
    assert parsed_by_both(client, ics_url) == before  # not published yet: nothing changed
    revisions.publish(programme, "Session one moved.")
    after = parsed_by_both(client, ics_url)
    assert set(after) == set(before)  # the same events
    moved = next(uid for uid, (_seq, _status, title) in after.items() if "(moved)" in title)
    assert after[moved][0] == before[moved][0] + 1
    assert {uid: e for uid, e in after.items() if uid != moved} == {
        uid: e for uid, e in before.items() if uid != moved
    }
    revisions.publish(programme, "Nothing changed in the sessions.")
    assert parsed_by_both(client, ics_url) == after


def test_a_session_removed_by_a_revision_is_sent_cancelled(day, programme, ics_url, client):
    revisions.publish(programme, "First published.")
    before = parsed_by_both(client, ics_url)
    Session.objects.get(programme=programme, slug="two").delete()
    revisions.publish(programme, "Session two removed.")
    after = parsed_by_both(client, ics_url)
    (removed,) = [uid for uid, event in before.items() if event[2] == "Test session two"]
    assert after[removed] == (before[removed][0] + 1, "CANCELLED", "Test session two")
    assert {e[1] for uid, e in after.items() if uid != removed} == {"CONFIRMED"}
    revisions.publish(programme, "Nothing changed in the sessions.")
    assert parsed_by_both(client, ics_url)[removed][1] == "CANCELLED"  # still, for late readers


def test_the_calendar_of_a_draft_is_404_to_the_public(day, programme, ics_url, editor_client):
    Programme.objects.filter(pk=programme.pk).update(status="draft")
    assert Client().get(ics_url).status_code == 404
    assert editor_client.get(ics_url).status_code == 200


def test_the_programme_page_links_to_its_calendar(day, programme, ics_url, client):
    assert ics_url.encode() in client.get(programme.get_absolute_url()).content


def test_a_break_is_marked_and_leaves_the_delegate_free(day, ics_url, client):
    shown = events(client, ics_url)
    lunch = shown["Test lunch break"]
    assert lunch["transp"] == "TRANSPARENT"
    assert "Break" in lunch["categories"].cats
    assert "transp" not in shown["Test session one"]


def test_a_single_session_has_its_own_calendar(day, ics_url, client):
    session = day["one"]
    url = session.get_absolute_url() + "session.ics"
    calendar = Calendar.from_ical(client.get(url).content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Test session one"
    assert event["uid"] in {e["uid"] for e in events(client, ics_url).values()}  # the same event
    assert url in client.get(session.get_absolute_url()).content.decode()


def test_the_whole_meeting_has_a_calendar_of_its_published_programmes(
    day, meeting, programme, ics_url, client
):
    other = factories.ProgrammeFactory(meeting=meeting)
    factories.SessionFactory(programme=other, date=None, start_time=None)
    url = meeting.get_absolute_url() + "meeting.ics"
    summaries = {
        str(e["summary"]) for e in Calendar.from_ical(client.get(url).content).walk("VEVENT")
    }
    assert summaries == set(events(client, ics_url))  # the other programme has no timed session
    Programme.objects.filter(pk=programme.pk).update(status="draft")
    assert Calendar.from_ical(client.get(url).content).walk("VEVENT") == []
    assert url.encode() in client.get(meeting.get_absolute_url()).content


def test_the_programme_page_offers_a_webcal_subscription(day, programme, ics_url, client):
    page = client.get(programme.get_absolute_url()).content.decode()
    assert f'href="webcal://testserver{ics_url}"' in page


def utc_starts_by_three_parsers(content):
    """{summary: start in UTC} as icalendar, vobject and ics (three independent parsers) read
    the calendar `content`, checked to agree."""
    by_icalendar = {
        str(e["summary"]): e.decoded("dtstart").astimezone(datetime.UTC)
        for e in Calendar.from_ical(content).walk("VEVENT")
    }
    by_vobject = {
        e.summary.value: e.dtstart.value.astimezone(datetime.UTC)
        for e in vobject.readOne(content.decode()).vevent_list
    }
    by_ics = {
        e.name: e.begin.datetime.astimezone(datetime.UTC)
        for e in ics.Calendar(content.decode()).events
    }
    assert by_icalendar == by_vobject == by_ics
    return by_icalendar


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [(datetime.date(2012, 5, 22), 8), (datetime.date(2013, 1, 15), 9)],
    ids=["summer", "winter"],
)
def test_geneva_times_are_the_same_instant_for_three_parsers(day, utc_hour, convention, client):
    """10:15 in Geneva is 08:15 UTC on 22 May 2012 (summer time) and 09:15 UTC on a January
    day, as icalendar, vobject and ics each read the calendar: vobject read the former list of
    every change (RDATE) an hour early."""
    meeting = factories.MeetingFactory(convention=convention, start_date=day, end_date=day)
    programme = factories.ProgrammeFactory(meeting=meeting)
    factories.SessionFactory(
        programme=programme, title="Test", date=day, start_time=datetime.time(10, 15), room=None
    )
    response = client.get(programme.get_absolute_url() + "programme.ics")
    assert response.status_code == 200
    starts = utc_starts_by_three_parsers(response.content)
    assert starts == {
        "Test": datetime.datetime.combine(day, datetime.time(utc_hour, 15), datetime.UTC)
    }
    assert "BYDAY=-1SU;BYMONTH=3" in response.content.decode()
    assert "RDATE" not in response.content.decode()


def test_a_french_calendar_is_in_french_and_says_which_text_is_english(day, ics_url, client):
    """/fr/…/programme.ics: titles and texts in French where they have a French version, the
    English standing in for one marked LANGUAGE=en (RFC 5545), the calendar's own words French."""
    one = day["one"]
    one.title_fr = "Séance d'essai un"
    one.save()
    factories.show_published(one.programme)
    response = client.get("/fr" + ics_url)
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    shown = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert "Séance d'essai un" in shown and "Test session one" not in shown
    assert "LANGUAGE" not in shown["Séance d'essai un"]["summary"].params
    assert shown["Test session two"]["summary"].params["LANGUAGE"] == "en"
    assert "Questions à préparer\u00a0:" in str(shown["Séance d'essai un"]["description"])
    english = Calendar.from_ical(client.get(ics_url).content)
    assert "Test session one" in {str(e["summary"]) for e in english.walk("VEVENT")}


def test_a_venue_opening_the_location_starts_with_a_capital(programme, make_session, client):
    """Where a session has no room, LOCATION is the meeting's venue: its French name, written
    for the middle of a sentence ("bâtiment de l'OMM"), opens the field with a capital."""
    venue = factories.VenueFactory(name="WMO Building", name_fr="bâtiment de l'OMM")
    programme.meeting.venue = venue
    programme.meeting.save()
    make_session(1, title="Test session one")
    factories.show_published(programme)
    calendar = Calendar.from_ical(
        client.get("/fr" + programme.get_absolute_url() + "programme.ics").content
    )
    (event,) = calendar.walk("VEVENT")
    assert str(event["location"]).startswith("Bâtiment de l'OMM, ")


def test_an_event_carries_the_link_to_follow_it_remotely_as_rfc_7986_conference(
    day, programme, ics_url, client
):
    """CONFERENCE (RFC 7986), read by icalendar and vobject: the session's own link, else its
    programme's, with what it offers and a label in the calendar's language; URL still names
    the session's page, and the description says it all for programs that show no CONFERENCE."""
    programme.remote_url = "https://webtv.un.org/en/schedule/2030-05-22"
    programme.hybrid = True
    programme.interpretation = ["en", "fr"]
    programme.save()
    one = day["one"]
    one.remote_url = "https://webtv.un.org/en/asset/k1one"
    one.save()
    factories.RecordingFactory(
        session=one, kind="audio", language="fr", url="https://conf.unog.ch/dr/fr"
    )
    revisions.publish(programme, "Followed remotely.")
    response = client.get("/fr" + ics_url)
    assert b"CONFERENCE;" in response.content
    shown = {str(e["summary"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}
    conference = shown["Test session one"]["conference"]
    assert str(conference) == "https://webtv.un.org/en/asset/k1one"
    assert conference.params["VALUE"] == "URI"
    assert sorted(conference.params["FEATURE"]) == ["AUDIO", "VIDEO"]
    assert conference.params["LABEL"] == "Suivre cette séance à distance"
    assert str(shown["Test session one"]["url"]).endswith("/sessions/one/")
    # A session without a link of its own: its programme's.
    assert str(shown["Test session two"]["conference"]) == programme.remote_url
    description = str(shown["Test session one"]["description"])
    assert (
        "Suivre cette séance à distance\u00a0: https://webtv.un.org/en/asset/k1one" in description
    )
    assert "Format hybride\u00a0: dans la salle et en ligne" in description
    assert "Interprétation\u00a0: anglais et français" in description
    assert "https://conf.unog.ch/dr/fr" in description
    by_vobject = {
        event.summary.value: event
        for event in vobject.readOne(response.content.decode()).vevent_list
    }
    assert by_vobject["Test session one"].conference.value == "https://webtv.un.org/en/asset/k1one"


def test_an_event_without_a_remote_link_has_no_conference(day, programme, ics_url, client):
    revisions.publish(programme, "First published.")
    response = client.get(ics_url)
    assert b"CONFERENCE" not in response.content
