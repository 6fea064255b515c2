"""Open data: a programme as `schedule.json`, in the shape conference apps read (the c3voc
schedule format that pretalx exports), as `programme.json`, everything the site holds about it
in its own shape, and the action plans with their actions. The formats are written down in
docs/schedule.schema.json, docs/programme.schema.json and docs/action-plans.schema.json.

Both programme files are in the language of their address (/fr/.../schedule.json in French):
names and titles in that language where the data holds them, else the English, as the pages
give them (meetings/languages.py); an event's `language` says which its title is in."""

import datetime
import functools
import re
import tomllib
import uuid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext

from meetings import languages, speakers
from meetings.models import Session, State, Statement

from .calendar import session_end

GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "programmes.va-isu.org")
# Where the c3voc schedule format is described: what schedule.json says it follows.
C3VOC_SCHEMA = "https://c3voc.de/schedule/schema.json"
# A colour per session kind, for apps that colour their tracks.
KIND_COLOURS = {
    Session.Kind.OPENING: "#1f4e79",
    Session.Kind.DISCUSSION: "#2e7d32",
    Session.Kind.PRESENTATION: "#6a1b9a",
    Session.Kind.PANEL: "#ad1457",
    Session.Kind.GROUP_WORK: "#e65100",
    Session.Kind.FEEDBACK: "#00695c",
    Session.Kind.BREAK: "#616161",
    Session.Kind.CLOSING: "#1f4e79",
}


def _guid(kind, key):
    """Stable across exports, revisions and languages: derived from the row, never random."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"{settings.CALENDAR_UID_DOMAIN}/{kind}/{key}"))


def _code(pk):
    """A person's short code, as pretalx gives one: the row's number in base 36, "P" first
    (capitals and digits only)."""
    digits = ""
    while True:
        pk, rest = divmod(pk, 36)
        digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[rest] + digits
        if not pk:
            return "P" + digits


def _text(obj, name):
    """Field `name` of `obj` in the active language, the English where it has no translation."""
    return languages.text(obj, name)[0]


@functools.cache
def _version():
    """The version pyproject.toml gives: the project runs from its folder, not installed as a
    package, so there is no package metadata to ask."""
    with open(settings.BASE_DIR / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)["project"]["version"]


def generator():
    """What wrote the file: this site's software, its version, and the site."""
    return {"name": "vapp", "version": _version(), "url": settings.SITE_URL + "/"}


def _duration(session, end):
    if end is None:
        return "00:00"
    minutes = (end.hour * 60 + end.minute) - (
        session.start_time.hour * 60 + session.start_time.minute
    )
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _party(delegation):
    """A State with its ISO codes, or an organisation with its acronym (None for neither)."""
    if delegation is None:
        return None
    if isinstance(delegation, State):
        return {
            "state": _text(delegation, "name"),
            "iso_code": delegation.iso_code,
            "iso3_code": delegation.iso3_code or None,
        }
    return {
        "organisation": _text(delegation, "name"),
        "acronym": _text(delegation, "acronym") or None,
    }


def _statements(session, absolute):
    return [
        {
            "group": Statement.Group(s.group).name.lower(),
            "speaker": speakers.speaker_text(s),
            "delegation": _party(s.delegation),
            "on_behalf_of": _party(s.on_behalf_of),
            "files": [
                {
                    "language": d.language,
                    "size_bytes": d.size_bytes,
                    "url": absolute(d.get_absolute_url()),
                }
                for d in speakers.ordered_documents([d for d in s.documents.all() if d.file])
            ],
        }
        for s in session.statements.all()
    ]


def _panellists(session):
    return [
        {
            "role": p.role,
            "title": p.title,
            "name": p.name,
            "post": p.post,
            "organisation": _party(p.organisation),
            "country": _party(p.state),
            "text": speakers.panellist_text(p),
        }
        for p in session.panellists.all()
    ]


def _documents(session):
    """The documents of its presentations, in order."""
    return [p.document for p in session.presentations.all() if p.document is not None]


def _links(session):
    """The link to follow it remotely, then its recordings."""
    links = []
    if session.follow_url:
        links.append({"url": session.follow_url, "title": gettext("Follow this session remotely")})
    links += [{"url": r.url, "title": r.label} for r in session.recordings.all()]
    return links


# -- schedule.json ------------------------------------------------------------------------------


def _acronym(programme):
    """The file stem in the form schedule apps take as a conference's acronym: lower case,
    letters, digits and underscores ('apmbc_2012_05_parallel_programme_victim_assistance')."""
    return re.sub(r"[^a-z0-9]+", "_", programme.file_stem.lower()).strip("_")


def _slug(session):
    """The session's slug as schedule apps take one: lower case letters, digits, - and _, at
    least two characters, ending in a letter or digit; else one made from its number."""
    slug = session.slug.lower().rstrip("-_")
    return slug if re.fullmatch(r"[a-z0-9_-]+[a-z0-9]", slug) else f"session-{session.pk}"


class _Rooms:
    """The rooms of a schedule, each with a stable guid. A session without a room is placed
    under the meeting's venue (it takes place there, say a break in the hall), or where the
    meeting names none, under the one venue of the programme's rooms; else under "Room not
    given": never under a nameless room, which apps drop."""

    def __init__(self, meeting, sessions):
        venues = {s.room.venue for s in sessions if s.room is not None}
        self.venue = meeting.venue or (venues.pop() if len(venues) == 1 else None)
        self.used = {}

    def of(self, session):
        if session.room is not None:
            key, name = _guid("room", session.room.pk), _text(session.room, "name")
        elif self.venue is not None:
            key, name = _guid("venue", self.venue.pk), _text(self.venue, "name")
        else:
            key, name = _guid("room", "none"), gettext("Room not given")
        self.used.setdefault(key, name)
        return name

    def listed(self):
        return [{"name": name, "guid": guid} for guid, name in self.used.items()]


def _persons(session):
    persons, seen = [], set()
    for presentation in session.presentations.all():
        for person in presentation.presenters.all():
            if person.pk in seen:
                continue
            seen.add(person.pk)
            persons.append(
                {"name": str(person), "guid": _guid("person", person.pk), "code": _code(person.pk)}
            )
    return persons


def _event(session, end, zone, room, absolute):
    start = datetime.datetime.combine(session.date, session.start_time, zone)
    title, english = languages.text(session, "title")
    kind = session.get_kind_display()
    return {
        "guid": str(session.uid),
        "id": session.pk,
        "date": start.isoformat(),
        "start": session.start_time.strftime("%H:%M"),
        "duration": _duration(session, end),
        "room": room,
        "slug": _slug(session),
        "url": absolute(session.get_absolute_url()),
        "title": title,
        "subtitle": "",
        "track": kind,
        "type": kind,
        # The language the title is given in: the English where it stands in for a translation.
        "language": settings.LANGUAGE_CODE if english else languages.active(),
        "abstract": "",
        "description": _text(session, "purpose"),
        "persons": _persons(session),
        "links": _links(session),
        "attachments": [
            {"title": d.title, "url": absolute(d.get_absolute_url())}
            for d in _documents(session)
            if d.file
        ],
    }


def _day_bounds(date, zone):
    return (
        datetime.datetime.combine(date, datetime.time.min, zone).isoformat(),
        datetime.datetime.combine(date, datetime.time.max.replace(microsecond=0), zone).isoformat(),
    )


def schedule(programme, absolute, revision=None):
    """The programme as a `schedule.json` document (a dict): its timed sessions, by day and
    room. Sessions whose day or time is not set yet are in programme.json only."""
    meeting = programme.meeting
    zone = ZoneInfo(meeting.time_zone)
    sessions = list(programme.sessions.all())
    rooms = _Rooms(meeting, sessions)
    days, kinds = {}, set()
    for index, session in enumerate(sessions):
        if session.date is None or session.start_time is None:
            continue
        end = session_end(session, sessions[index + 1 :])
        room = rooms.of(session)
        kinds.add(session.kind)
        day = days.setdefault(session.date, {})
        day.setdefault(room, []).append(_event(session, end, zone, room, absolute))
    dates = sorted(days)
    return {
        "$schema": C3VOC_SCHEMA,
        "generator": generator(),
        "schedule": {
            "version": f"revision {revision.number}" if revision else "unnumbered",
            "base_url": absolute("/"),
            "conference": {
                "acronym": _acronym(programme),
                "title": f"{_text(programme, 'title')}, {_text(meeting, 'title')}",
                "start": meeting.start_date.isoformat(),
                "end": meeting.end_date.isoformat(),
                "daysCount": len(dates),
                "timeslot_duration": "00:15",
                "time_zone_name": meeting.time_zone,
                "url": absolute(programme.get_absolute_url()),
                "tracks": [
                    {"name": str(label), "slug": value, "color": KIND_COLOURS[value]}
                    for value, label in Session.Kind.choices
                    if value in kinds
                ],
                "rooms": rooms.listed(),
                "days": [
                    {
                        "index": number,
                        "date": date.isoformat(),
                        "day_start": _day_bounds(date, zone)[0],
                        "day_end": _day_bounds(date, zone)[1],
                        "rooms": days[date],
                    }
                    for number, date in enumerate(dates, start=1)
                ],
            },
        },
    }


# -- programme.json -----------------------------------------------------------------------------


def _office_holders(meeting):
    """The meeting's office holders, office by office in the order given, with their terms."""
    return [
        {
            "office": _text(m.office, "name"),
            "position": m.position,
            "state": _text(m.state, "name"),
            "state_code": m.state.iso_code,
            "person": str(m.person) if m.person_id else None,
            "detail": _text(m, "detail"),
            "term_start": m.start_date.isoformat(),
            "term_end": m.end_date.isoformat(),
        }
        for m in meeting.office_holders.all()
    ]


def _questions(session):
    questions = {}
    for question in session.questions.all():
        questions.setdefault(question.audience, []).append(question.text)
    return questions


def _session(session, end, absolute):
    title, english = languages.text(session, "title")
    timed = session.date is not None and session.start_time is not None
    return {
        "id": session.pk,
        "guid": str(session.uid),
        "slug": session.slug,
        "url": absolute(session.get_absolute_url()),
        "title": title,
        "language": settings.LANGUAGE_CODE if english else languages.active(),
        "kind": session.kind,
        "kind_name": session.get_kind_display(),
        "date": session.date and session.date.isoformat(),
        "start": session.start_time and session.start_time.strftime("%H:%M"),
        "end": end.strftime("%H:%M") if timed and end is not None else None,
        "room": _text(session.room, "name") if session.room else None,
        "purpose_markdown": _text(session, "purpose"),
        "actions": [
            {
                "plan": _text(a.plan, "name"),
                "plan_short_name": a.plan.short_name,
                "number": a.number,
                "url": absolute(a.get_absolute_url()),
            }
            for a in session.actions.all()
        ],
        "questions": _questions(session),
        "presentations": [
            {
                "kind": p.kind,
                "title": _text(p, "title"),
                "presenters": [str(person) for person in p.presenters.all()],
                "organisations": [str(org) for org in p.organisations.all()],
            }
            for p in session.presentations.all()
        ],
        "documents": [
            {
                "title": d.title,
                "language": d.language,
                "size_bytes": d.size_bytes,
                "url": absolute(d.get_absolute_url()) if d.file else None,
            }
            for d in _documents(session)
        ],
        "statements": _statements(session, absolute),
        "panellists": _panellists(session),
        "links": _links(session),
        "hybrid": session.is_hybrid,
        "interpretation": list(session.interpretation_languages),
    }


def programme_data(programme, absolute, revision=None):
    """The programme as a `programme.json` document (a dict): every session, timed or not, in
    the programme's order, with everything the site holds about it."""
    meeting = programme.meeting
    sessions = list(programme.sessions.all())
    timed = [s for s in sessions if s.date is not None and s.start_time is not None]
    ends = {s.pk: session_end(s, timed[i + 1 :]) for i, s in enumerate(timed)}
    return {
        "generator": generator(),
        "programme": {
            "title": _text(programme, "title"),
            "url": absolute(programme.get_absolute_url()),
            "language": languages.active(),
            "revision": revision.number if revision else None,
            "meeting": {
                "title": _text(meeting, "title"),
                "url": absolute(meeting.get_absolute_url()),
                "convention": meeting.convention.short_name,
                "start": meeting.start_date.isoformat(),
                "end": meeting.end_date.isoformat(),
                "time_zone": meeting.time_zone,
                "venue": str(meeting.venue) if meeting.venue else None,
                "office_holders": _office_holders(meeting),
            },
            "follow_url": programme.follow_url or None,
            "hybrid": programme.is_hybrid,
            "interpretation": list(programme.interpretation),
            "sessions": [_session(s, ends.get(s.pk), absolute) for s in sessions],
        },
    }


def action_plans(plans, absolute):
    """Every action plan with its actions (a dict). Text is only ever quoted from a source;
    `source` says what is quoted and what staff still have to fill."""
    return {
        "action_plans": [
            {
                "name": plan.name,
                "short_name": plan.short_name,
                "slug": plan.slug,
                "convention": plan.convention.short_name,
                "start_year": plan.start_year,
                "end_year": plan.end_year,
                "url": absolute(plan.get_absolute_url()),
                "actions": [
                    {
                        "number": action.number,
                        "title": action.title,
                        "text": action.text,
                        "source": action.source,
                        "url": absolute(action.get_absolute_url()),
                    }
                    for action in plan.actions.all()
                ],
            }
            for plan in plans
        ]
    }
