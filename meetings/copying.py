"""Copying a programme into another meeting: the parallel programme recurs at every meeting."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from .models import DiscussionQuestion, Presentation, Programme, Status, translations


@transaction.atomic
def copy_programme(programme, meeting, slug=None):
    """Clone `programme` with its sessions, presentations and questions into `meeting`.

    The copy is a draft. Session days move with the meeting: a session on the second day of the
    old meeting lands on the second day of the new one. Documents stay with the meeting they
    belong to and are not copied. Raises ValidationError (and writes nothing) when the copy
    cannot fit the new meeting. Costs a handful of queries per session.
    """
    slug = slug or programme.slug
    if Programme.objects.filter(meeting=meeting, slug=slug).exists():
        raise ValidationError(
            _("%(meeting)s already has a programme with the address “%(slug)s”."),
            params={"meeting": meeting, "slug": slug},
            code="slug_taken",
        )
    offset = meeting.start_date - programme.meeting.start_date
    sessions = list(
        # Whole rows (defer(None)): each is saved again as a new row below.
        programme.sessions.defer(None).prefetch_related(
            "actions", "questions", "presentations__presenters", "presentations__organisations"
        )
    )
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
        meeting=meeting,
        title=programme.title,
        slug=slug,
        position=programme.position,
        background=programme.background,
        focus=programme.focus,
        **translations.values(programme),
        status=Status.DRAFT,
    )
    copy.convened_by.set(programme.convened_by.all())
    for session in sessions:
        questions = list(session.questions.all())
        presentations = list(session.presentations.all())
        actions = list(session.actions.all())
        session.pk = session.id = None
        session._state.adding = True
        session._prefetched_objects_cache = {}
        session.programme = copy
        if session.date:
            session.date += offset
        session.save()
        session.actions.set(actions)
        DiscussionQuestion.objects.bulk_create(
            DiscussionQuestion(
                session=session,
                audience=q.audience,
                position=q.position,
                text=q.text,
                **translations.values(q),
            )
            for q in questions
        )
        for presentation in presentations:
            new = Presentation.objects.create(
                session=session,
                position=presentation.position,
                kind=presentation.kind,
                title=presentation.title,
                delegation_state_id=presentation.delegation_state_id,
                delegation_organisation_id=presentation.delegation_organisation_id,
            )
            new.presenters.set(presentation.presenters.all())
            new.organisations.set(presentation.organisations.all())
    return copy
