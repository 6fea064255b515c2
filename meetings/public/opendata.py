"""Open data: a programme in the frab/pretalx `schedule.json` shape that conference apps read,
with our own fields prefixed `x_`, and the action plans with their actions. The formats are
written down in docs/schedule.schema.json and docs/action-plans.schema.json.

A programme's schedule.json is in the language of its address (/fr/.../schedule.json in French):
names and titles in that language where the data holds them, else the English, as the pages
give them (meetings/languages.py); an event's `language` says which its title is in."""

import datetime
import uuid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext

from meetings import languages, speakers
from meetings.models import State, Statement

from .calendar import session_end

GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "programmes.va-isu.org")


def _guid(kind, pk):
    """Stable across exports and revisions: derived from the row, never random."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"{settings.CALENDAR_UID_DOMAIN}/{kind}/{pk}"))


def _text(obj, name):
    """Field `name` of `obj` in the active language, the English where it has no translation."""
    return languages.text(obj, name)[0]


def _room(session):
    return _text(session.room, "name") if session.room else ""


def _duration(session, end):
    if end is None:
        return "00:00"
    minutes = (end.hour * 60 + end.minute) - (
        session.start_time.hour * 60 + session.start_time.minute
    )
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _persons(session):
    persons = []
    for presentation in session.presentations.all():
        for person in presentation.presenters.all():
            persons.append({"id": person.pk, "name": str(person), "public_name": str(person)})
    return persons


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


def _own_fields(session, absolute):
    questions = {}
    for question in session.questions.all():
        questions.setdefault(question.audience, []).append(question.text)
    documents = []
    for presentation in session.presentations.all():
        document = presentation.document
        if document is not None:
            documents.append(
                {
                    "title": document.title,
                    "language": document.language,
                    "size_bytes": document.size_bytes,
                    "url": absolute(document.get_absolute_url()) if document.file else None,
                }
            )
    return {
        "x_kind": session.kind,
        "x_purpose_markdown": _text(session, "purpose"),
        "x_actions": [
            {
                "plan": _text(a.plan, "name"),
                "number": a.number,
                "url": absolute(a.get_absolute_url()),
            }
            for a in session.actions.all()
        ],
        "x_questions": questions,
        "x_documents": documents,
        "x_presentations": [
            {
                "kind": p.kind,
                "title": _text(p, "title"),
                "presenters": [str(person) for person in p.presenters.all()],
                "organisations": [str(org) for org in p.organisations.all()],
            }
            for p in session.presentations.all()
        ],
        "x_statements": _statements(session, absolute),
        "x_panellists": _panellists(session),
        "x_hybrid": session.is_hybrid,
        "x_interpretation": list(session.interpretation_languages),
    }


def _links(session):
    """c3voc's event links: the link to follow it remotely, then its recordings."""
    links = []
    if session.follow_url:
        links.append({"url": session.follow_url, "title": gettext("Follow this session remotely")})
    links += [{"url": r.url, "title": r.label} for r in session.recordings.all()]
    return links


def _event(session, end, zone, absolute):
    start = datetime.datetime.combine(session.date, session.start_time, zone)
    title, english = languages.text(session, "title")
    return {
        "guid": str(session.uid),
        "id": session.pk,
        "date": start.isoformat(),
        "start": session.start_time.strftime("%H:%M"),
        "duration": _duration(session, end),
        "room": _room(session),
        "slug": session.slug,
        "url": absolute(session.get_absolute_url()),
        "title": title,
        "subtitle": "",
        "track": None,
        "type": session.get_kind_display(),
        # The language the title is given in: the English where it stands in for a translation.
        "language": settings.LANGUAGE_CODE if english else languages.active(),
        "abstract": "",
        "description": _text(session, "purpose"),
        "persons": _persons(session),
        "links": _links(session),
        "attachments": [],
        **_own_fields(session, absolute),
    }


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


def schedule(programme, absolute, revision=None):
    """The programme as a `schedule.json` document (a dict)."""

    meeting = programme.meeting
    zone = ZoneInfo(meeting.time_zone)
    sessions = list(programme.sessions.all())
    # Each room by its name in the language, its guid from the English name (the same in all).
    rooms = sorted({(_room(s), s.room.name) for s in sessions if s.room})
    days, unscheduled = {}, []
    for index, session in enumerate(sessions):
        if session.date is None or session.start_time is None:
            unscheduled.append(
                {
                    "id": session.pk,
                    "title": _text(session, "title"),
                    "date": session.date and session.date.isoformat(),
                    **_own_fields(session, absolute),
                }
            )
            continue
        end = session_end(session, sessions[index + 1 :])
        day = days.setdefault(session.date, {})
        day.setdefault(_room(session), []).append(_event(session, end, zone, absolute))
    dates = sorted(days)
    return {
        "schedule": {
            "version": f"revision {revision.number}" if revision else "unnumbered",
            "base_url": absolute("/"),
            "conference": {
                "acronym": programme.file_stem,
                "title": f"{_text(programme, 'title')}, {_text(meeting, 'title')}",
                "start": meeting.start_date.isoformat(),
                "end": meeting.end_date.isoformat(),
                "daysCount": len(dates),
                "timeslot_duration": "00:15",
                "time_zone_name": meeting.time_zone,
                "url": absolute(programme.get_absolute_url()),
                "rooms": [
                    {"name": name, "guid": _guid("room", english)} for name, english in rooms
                ],
                "x_office_holders": _office_holders(meeting),
                "days": [
                    {
                        "index": number,
                        "date": date.isoformat(),
                        "day_start": datetime.datetime.combine(
                            date, datetime.time.min, zone
                        ).isoformat(),
                        "day_end": datetime.datetime.combine(
                            date, datetime.time.max.replace(microsecond=0), zone
                        ).isoformat(),
                        "rooms": days[date],
                    }
                    for number, date in enumerate(dates, start=1)
                ],
            },
            "x_unscheduled": unscheduled,
        }
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
