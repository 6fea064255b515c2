"""Publishing a programme as a numbered revision, and saying what changed between two.

A revision keeps a snapshot of what a delegate reads (sessions with their day, times, room,
presenters and questions), keyed by session id, so the "Changes" page can list sessions added,
removed, retitled or moved and presenters or questions changed, without keeping every edit.
"""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from meetings.models import Meeting, Programme, ProgrammeRevision, Status


def _presentation(p):
    people = [str(person) for person in p.presenters.all()]
    organisations = [org.acronym or org.name for org in p.organisations.all()]
    delegation = [str(x) for x in (p.delegation_state, p.delegation_organisation) if x]
    return ", ".join([*people, *organisations, *delegation]) or p.title


def snapshot(programme):
    """What the public reads of `programme` (loaded by queries.programme_page)."""
    return {
        "title": programme.title,
        "sessions": {
            str(s.pk): {
                "title": s.title,
                "date": s.date.isoformat() if s.date else None,
                "start": s.start_time.strftime("%H:%M") if s.start_time else None,
                "end": s.end_time.strftime("%H:%M") if s.end_time else None,
                "room": str(s.room) if s.room else None,
                "presenters": [_presentation(p) for p in s.presentations.all()],
                "questions": [q.text for q in s.questions.all()],
            }
            for s in programme.sessions.all()
        },
    }


def _when(session):
    parts = [session["date"] or _("day to be confirmed")]
    if session["start"]:
        parts.append(session["start"])
    return " ".join(parts)


def _order(session):
    """Sessions in the order of the timetable (undated ones first), then by title: each list of
    changes reads the same every time."""
    return (session["date"] or "", session["start"] or "", session["title"])


def changes(before, after):
    """Plain sentences, in the active language, saying what changed from snapshot `before` to
    `after`."""
    if not before:
        return [_("First published.")]
    said = []
    if before.get("title") != after.get("title"):
        said.append(
            _("Programme retitled: “%(old)s” → “%(new)s”.")
            % {"old": before["title"], "new": after["title"]}
        )
    old, new = before.get("sessions", {}), after.get("sessions", {})
    for key in sorted(new.keys() - old.keys(), key=lambda k: _order(new[k])):
        said.append(
            _("Session added: “%(title)s” (%(when)s).")
            % {"title": new[key]["title"], "when": _when(new[key])}
        )
    for key in sorted(old.keys() - new.keys(), key=lambda k: _order(old[k])):
        said.append(_("Session removed: “%(title)s”.") % {"title": old[key]["title"]})
    none = _("none")
    for key in sorted(old.keys() & new.keys(), key=lambda k: _order(new[k])):
        a, b = old[key], new[key]
        name = b["title"]
        if a["title"] != b["title"]:
            said.append(
                _("Session retitled: “%(old)s” → “%(new)s”.")
                % {"old": a["title"], "new": b["title"]}
            )
        if (a["date"], a["start"], a["end"]) != (b["date"], b["start"], b["end"]):
            said.append(
                _("“%(title)s” moved: %(old)s → %(new)s.")
                % {"title": name, "old": _when(a), "new": _when(b)}
            )
        if a["room"] != b["room"]:
            said.append(
                _("“%(title)s” changed room: %(old)s → %(new)s.")
                % {"title": name, "old": a["room"] or none, "new": b["room"] or none}
            )
        if a["presenters"] != b["presenters"]:
            said.append(
                _("Presenters of “%(title)s” changed: %(old)s → %(new)s.")
                % {
                    "title": name,
                    "old": "; ".join(a["presenters"]) or none,
                    "new": "; ".join(b["presenters"]) or none,
                }
            )
        if a["questions"] != b["questions"]:
            said.append(_("Questions of “%(title)s” changed.") % {"title": name})
    return said or [_("No change to the sessions (the note says what changed).")]


class MeetingIsDraft(Exception):
    """The programme's meeting is a draft: published alone, the programme would show nobody."""

    def __init__(self, meeting):
        super().__init__(f"{meeting} is a draft")
        self.meeting = meeting


def publish(programme, note, user=None, publish_meeting=False):
    """Make the programme public as revision N+1 with `note`; returns the revision.

    Raises MeetingIsDraft when its meeting is a draft, unless `publish_meeting` publishes the
    meeting too, in the same transaction."""
    from meetings import queries

    with transaction.atomic():
        locked = Programme.objects.select_for_update().get(pk=programme.pk)
        # Locked too: a meeting set back to draft meanwhile is seen, not published over.
        meeting = Meeting.objects.select_for_update().get(pk=locked.meeting_id)
        if meeting.status != Status.PUBLISHED:
            if not publish_meeting:
                raise MeetingIsDraft(meeting)
            meeting.status = Status.PUBLISHED
            meeting.save(update_fields=["status"])
        number = (locked.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
        if locked.status != Status.PUBLISHED:
            locked.status = Status.PUBLISHED
            locked.save(update_fields=["status"])
        full = queries.programmes_in_full([locked.pk]).get()
        return ProgrammeRevision.objects.create(
            programme=locked,
            number=number,
            note=note,
            published_by=user if user and user.is_authenticated else None,
            snapshot=snapshot(full),
        )


def with_changes(revisions):
    """Revisions newest first, each with `.changes` against the one before it."""
    revisions = sorted(revisions, key=lambda r: r.number)
    previous = None
    for revision in revisions:
        revision.changes = changes(previous.snapshot if previous else None, revision.snapshot)
        previous = revision
    return list(reversed(revisions))
