"""Copying a programme's content: into another meeting (the parallel programme recurs at every
meeting), into the copy a published revision keeps, and back into the working copy when staff
discard unpublished changes (meetings/publishing/revisions.py)."""

import datetime
import uuid

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models as db_models
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from .models import (
    DiscussionQuestion,
    Edition,
    Panellist,
    Presentation,
    Programme,
    Recording,
    Session,
    Statement,
    Status,
)


def _fields(row, *, leave=()):
    """The values of `row`'s own columns, to make a new row of them: no primary key, no column
    the database computes or keeps (the stored words search reads, which its triggers write)."""
    return {
        field.attname: getattr(row, field.attname)
        for field in row._meta.concrete_fields
        if not field.primary_key
        and not isinstance(field, (db_models.GeneratedField, SearchVectorField))
        and field.attname not in leave
    }


PROGRAMME_CONTENT_LEAVE = ("meeting_id", "status", "edition", "working_id")


def programme_content(programme):
    """What a programme's row says (title, texts and their translations, slug, position)."""
    return _fields(programme, leave=PROGRAMME_CONTENT_LEAVE)


def content_rows(programme):
    """Its sessions, whole, with their room, actions, presentations, questions, statements
    (with their files), panellists and recordings: 11 queries."""
    from .queries import session_prefetches

    return list(
        Session.objects.filter(programme=programme)
        .select_related("room__venue")
        .prefetch_related(*session_prefetches())
    )


def copy_sessions(
    sessions,
    target,
    offset=datetime.timedelta(0),
    same_sessions=True,
    adjust=None,
    existing=None,
):
    """Rows of `sessions` (from content_rows) with their presentations, questions, actions,
    statements (with their files) and panellists,
    in the programme `target`, days moved by `offset`: a few queries, whatever their number.
    `same_sessions` keeps their uid (another copy of the same programme); `existing` ({uid:
    session} of `target`, their presentations, questions, actions, statements and panellists
    removed) are rewritten in
    place rather than made anew, so that they keep their ids; `adjust(old, new)` may set more of
    each before it is written."""
    existing = existing or {}
    new_sessions, created, rewritten = [], [], []
    for session in sessions:
        values = {**_fields(session), "programme_id": target.pk}
        new = existing.get(session.uid) if same_sessions else None
        if new is None:
            new = Session(**values)
            created.append(new)
        else:
            for name, value in values.items():
                setattr(new, name, value)
            rewritten.append(new)
        if new.date:
            new.date += offset
        new.sequence = 0
        if not same_sessions:
            new.uid = uuid.uuid4()
        if adjust is not None:
            adjust(session, new)
        new_sessions.append(new)
    if rewritten:
        # Slugs first made unique (their uid), so that two sessions may swap theirs.
        slugs = [(session, session.slug) for session in rewritten]
        for session, _slug in slugs:
            session.slug = session.uid.hex
        Session.objects.bulk_update(rewritten, ["slug"])
        for session, slug in slugs:
            session.slug = slug
        columns = [name for name in values if name != "programme_id"]
        Session.objects.bulk_update(rewritten, [c.removesuffix("_id") for c in columns])
    Session.objects.bulk_create(created)
    pairs = list(zip(sessions, new_sessions, strict=True))
    Session.actions.through.objects.bulk_create(
        Session.actions.through(session_id=new.pk, action_id=action.pk)
        for old, new in pairs
        for action in old.actions.all()
    )
    DiscussionQuestion.objects.bulk_create(
        DiscussionQuestion(**{**_fields(question), "session_id": new.pk})
        for old, new in pairs
        for question in old.questions.all()
    )
    # Another programme's presentations are new ones: the documents shown stay behind.
    leave = () if same_sessions else ("document_id",)
    presentations = [
        (shown, Presentation(**{**_fields(shown, leave=leave), "session_id": new.pk}))
        for old, new in pairs
        for shown in old.presentations.all()
    ]
    Presentation.objects.bulk_create([new for _old, new in presentations])
    Presentation.presenters.through.objects.bulk_create(
        Presentation.presenters.through(presentation_id=new.pk, person_id=person.pk)
        for old, new in presentations
        for person in old.presenters.all()
    )
    Presentation.organisations.through.objects.bulk_create(
        Presentation.organisations.through(presentation_id=new.pk, organisation_id=org.pk)
        for old, new in presentations
        for org in old.organisations.all()
    )
    # Another programme's statements keep their delegations, not the files they delivered.
    statements = [
        (said, Statement(**{**_fields(said), "session_id": new.pk}))
        for old, new in pairs
        for said in old.statements.all()
    ]
    Statement.objects.bulk_create([new for _old, new in statements])
    if same_sessions:
        Statement.documents.through.objects.bulk_create(
            Statement.documents.through(statement_id=new.pk, document_id=document.pk)
            for old, new in statements
            for document in old.documents.all()
        )
    Panellist.objects.bulk_create(
        Panellist(**{**_fields(panellist), "session_id": new.pk})
        for old, new in pairs
        for panellist in old.panellists.all()
    )
    if same_sessions:
        # Recordings are of the sessions held: another meeting's copy has none yet.
        Recording.objects.bulk_create(
            Recording(**{**_fields(recording), "session_id": new.pk})
            for old, new in pairs
            for recording in old.recordings.all()
        )
    return new_sessions


@transaction.atomic
def copy_programme(programme, meeting, slug=None):
    """Clone `programme` with its sessions, presentations and questions into `meeting`.

    The copy is a draft working copy. Session days move with the meeting: a session on the
    second day of the old meeting lands on the second day of the new one. Documents stay with
    the meeting they belong to and are not copied. Raises ValidationError (and writes nothing)
    when the copy cannot fit the new meeting. A dozen queries, whatever its size.
    """
    slug = slug or programme.slug
    taken = Programme.objects.filter(meeting=meeting, slug=slug, edition=Edition.WORKING)
    if taken.exists():
        raise ValidationError(
            _("%(meeting)s already has a programme with the address “%(slug)s”."),
            params={"meeting": meeting, "slug": slug},
            code="slug_taken",
        )
    offset = meeting.start_date - programme.meeting.start_date
    sessions = content_rows(programme)
    for session in sessions:
        if session.date and session.date + offset > meeting.end_date:
            raise ValidationError(
                _("“%(session)s” would fall on %(day)s, after %(meeting)s ends."),
                params={
                    "session": session,
                    "day": formats.date_format(session.date + offset),
                    "meeting": meeting,
                },
                code="session_outside_meeting",
            )
    copy = Programme.objects.create(
        **{**programme_content(programme), "slug": slug},
        meeting=meeting,
        status=Status.DRAFT,
    )
    copy.convened_by.set(programme.convened_by.all())
    copy_sessions(sessions, copy, offset, same_sessions=False)
    return copy
