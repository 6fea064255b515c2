"""The programme as an iCalendar file (RFC 5545), for delegates' calendar programs.

Each session with a day and a start time is one event in the meeting's own time zone (with its
VTIMEZONE in the yearly-rule form every program reads: time_zones.py). UIDs name the session
(its uid, the same in every revision), not its title or time, so an event stays the same event
when the programme changes; SEQUENCE counts the published revisions that changed that session,
so calendar programs take the newer copy of a changed event and leave the others alone. A
session an earlier revision had and the published one has not is sent as cancelled, so
subscribed calendars drop it.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext
from icalendar import Calendar, Event

from meetings import languages, speakers
from meetings.models import Edition, Session

from .time_zones import vtimezone

PRODID = "-//ISU APMBC and CCM//Victim assistance programmes//EN"


def session_end(session, following):
    """A session's end: its own, else the start of the next timed session of the same day."""
    if session.end_time:
        return session.end_time
    for later in following:
        if (
            later.date == session.date
            and later.start_time
            and later.start_time > session.start_time
        ):
            return later.start_time
    return None


def _text(obj, name):
    """Field `name` of `obj` in the calendar's language (the request's), else the English."""
    return languages.text(obj, name)[0]


def _listed(label):
    """'Questions to prepare:' in the calendar's language ("Questions à préparer :")."""
    return label + pgettext("before a title, a quote or a list", ":")


def _description(session, url):
    """The event's text in the calendar's language: the session's kind, purpose, questions,
    panellists and who took the floor, then its page."""
    lines = [str(session.get_kind_display())]
    purpose = _text(session, "purpose")
    if purpose:
        lines += ["", purpose]
    questions = list(session.questions.all())
    if questions:
        lines += ["", _text(session, "questions_intro") or _listed(gettext("Questions to prepare"))]
        lines += [f"- {_text(q, 'text')}" for q in questions]
    panellists = list(session.panellists.all())
    if panellists:
        lines += ["", _listed(gettext("Panellists"))]
        lines += [f"- {speakers.panellist_text(p)}" for p in panellists]
    sentences = speakers.group_sentence(session.statements.all())
    if sentences:
        lines += ["", *sentences]
    lines += _remote_lines(session)
    lines += ["", url]
    return "\n".join(lines)


def _remote_lines(session):
    """How to follow it from afar, for the many calendar programs that show no CONFERENCE: its
    link (or its programme's), whether it is hybrid, its interpretation, its recordings."""
    lines = []
    if session.follow_url:
        lines.append(f"{_listed(gettext('Follow this session remotely'))} {session.follow_url}")
    if session.is_hybrid:
        lines.append(gettext("Hybrid: in the room and online"))
    names = session.interpretation_names
    if names:
        after = speakers.separators(names)
        listed = "".join(name + sep for name, sep in zip(names, after, strict=True))
        lines.append(f"{_listed(gettext('Interpretation'))} {listed}")
    recordings = list(session.recordings.all())
    if recordings:
        lines += ["", _listed(gettext("Recordings"))]
        lines += [f"- {recording.label}: {recording.url}" for recording in recordings]
    return ["", *lines] if lines else []


def _add_conference(event, session):
    """RFC 7986's CONFERENCE: the link to follow the session remotely, in sound and picture."""
    if session.follow_url:
        event.add(
            "conference",
            session.follow_url,
            parameters={
                "value": "URI",
                "feature": ["AUDIO", "VIDEO"],
                "label": gettext("Follow this session remotely"),
            },
        )


def _add_text(event, name, obj, field):
    """Property `name` of `event`: field `field` of `obj` in the calendar's language, or the
    English standing in for it, said to be English (RFC 5545's LANGUAGE parameter)."""
    text, english = languages.text(obj, field)
    event.add(name, text, parameters={"language": settings.LANGUAGE_CODE} if english else None)


def _uid(session):
    return f"session-{session.uid}@{settings.CALENDAR_UID_DOMAIN}"


def removed_sessions(programmes):
    """The sessions that earlier revisions of the published copies `programmes` had and these
    have not, each as the last revision that had it: one query (none for working copies)."""
    published = [p for p in programmes if p.edition == Edition.PUBLISHED]
    if not published:
        return []
    current = [s.uid for p in published for s in p.sessions.all()]
    return list(
        Session.objects.filter(
            programme__working_id__in=[p.working_id for p in published],
            programme__edition=Edition.SUPERSEDED,
            date__isnull=False,
            start_time__isnull=False,
        )
        .exclude(uid__in=current)
        .select_related("room__venue")
        .order_by("uid", "-programme_id")  # the latest copy first: DISTINCT ON keeps it
        .distinct("uid")
    )


def _cancelled(session, stamp, zone):
    """The event of a removed session, cancelled: one change more than it last had."""
    event = Event()
    event.add("uid", _uid(session))
    event.add("dtstamp", stamp)
    event.add("sequence", session.sequence + 1)
    event.add("status", "CANCELLED")
    event.add("summary", session.title)
    event.add("dtstart", datetime.datetime.combine(session.date, session.start_time, zone))
    if session.end_time:
        event.add("dtend", datetime.datetime.combine(session.date, session.end_time, zone))
    return event


def _events(programme, absolute, stamp, only=None, sessions=None, timeline=None):
    """The events of `programme`'s timed sessions (or of the one session `only`, or of
    `sessions`, some of them, each ending where the next session of `timeline`, all of them,
    starts when it has no end of its own)."""
    meeting = programme.meeting
    zone = ZoneInfo(meeting.time_zone)
    if sessions is None:
        sessions = list(programme.sessions.all())
    if timeline is None:
        timeline = sessions
    places = {session.pk: index for index, session in enumerate(timeline)}
    for session in sessions:
        if session.date is None or session.start_time is None:
            continue  # a day or time not yet set: nothing a calendar can place
        if only is not None and session.pk != only.pk:
            continue
        index = places[session.pk]
        event = Event()
        event.add("uid", _uid(session))
        event.add("dtstamp", stamp)
        event.add("sequence", session.sequence)
        event.add("status", "CONFIRMED")
        _add_text(event, "summary", session, "title")
        event.add("dtstart", datetime.datetime.combine(session.date, session.start_time, zone))
        end = session_end(session, timeline[index + 1 :])
        if end:
            event.add("dtend", datetime.datetime.combine(session.date, end, zone))
        if session.room:
            event.add("location", capfirst(str(session.room)))
        elif meeting.venue:
            event.add("location", capfirst(str(meeting.venue)))
        url = absolute(session.get_absolute_url())
        event.add("url", url)
        _add_conference(event, session)
        event.add("description", _description(session, url))
        event.add("categories", [session.get_kind_display()])
        if session.is_break:
            event.add("transp", "TRANSPARENT")  # a break does not make a delegate busy
        yield event


def build_calendar(name, meeting, programmes, absolute, only=None):
    """The .ics bytes of the timed sessions of `programmes` of `meeting` (loaded by queries with
    their sessions); `absolute(path)` makes a full URL of a site path."""
    stamp = _stamp()
    events = [
        event for programme in programmes for event in _events(programme, absolute, stamp, only)
    ]
    if only is None:
        zone = ZoneInfo(meeting.time_zone)
        events += [_cancelled(session, stamp, zone) for session in removed_sessions(programmes)]
    return _calendar(name, meeting, events)


def _stamp():
    return timezone.now().astimezone(datetime.UTC).replace(microsecond=0)


def _calendar(name, meeting, events):
    """The .ics bytes of `events`, with the VTIMEZONE of `meeting`'s zone for their days."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", meeting.time_zone)
    if events:
        days = [event.decoded("dtstart").date() for event in events]
        calendar.add_component(vtimezone(meeting.time_zone, min(days), max(days)))
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()


def programme_calendar(programme, absolute):
    meeting = programme.meeting
    name = f"{_text(programme, 'title')}, {_text(meeting, 'title')}"
    return build_calendar(name, meeting, [programme], absolute)


def session_calendar(session, absolute):
    programme = session.programme
    name = f"{_text(session, 'title')}, {_text(programme, 'title')}"
    return build_calendar(name, programme.meeting, [programme], absolute, only=session)


def meeting_calendar(meeting, programmes, absolute):
    return build_calendar(_text(meeting, "title"), meeting, programmes, absolute)


def agenda_calendar(agenda, absolute):
    """A personal agenda (queries.agenda, with its timeline) as a calendar: the events of its
    sessions, the same as the programme's calendar sends (UID, SEQUENCE, times, texts), so a
    program subscribed to both shows each once; and those a revision removed since, cancelled."""
    programme = agenda.programme
    meeting = programme.meeting
    stamp = _stamp()
    events = list(
        _events(programme, absolute, stamp, sessions=agenda.sessions, timeline=agenda.timeline)
    )
    zone = ZoneInfo(meeting.time_zone)
    events += [
        _cancelled(session, stamp, zone)
        for session in agenda.removed
        if session.date is not None and session.start_time is not None
    ]
    name = gettext("My agenda: %(programme)s, %(meeting)s") % {
        "programme": _text(programme, "title"),
        "meeting": _text(meeting, "title"),
    }
    return _calendar(name, meeting, events)
