"""One named query per page, with the joins that page needs, so views stay thin.

`user` (the request's) lets drafts through where `may_view_drafts` allows it them; otherwise
only what each model's `public()` allows is returned (meetings/models/common.py), so a draft
meeting, programme, work plan or news post, and everything inside a draft, never is.
Each function's docstring says how many queries it costs; tests/meetings/test_query_budgets.py
holds them to it, with one item and with several.
"""

import datetime
import functools
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import CharField, F, Prefetch, Value, prefetch_related_objects
from django.db.models.functions import Cast, Left
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext

from . import languages, paging, prefetching
from .caching import generations
from .models import (
    Action,
    ActionPlan,
    Activity,
    Convention,
    DiscussionQuestion,
    Document,
    Edition,
    Mandate,
    Meeting,
    NewsPost,
    Panellist,
    Person,
    Presentation,
    Programme,
    ProgrammeRevision,
    Session,
    Statement,
    WorkPlan,
    translations,
)
from .models.common import may_view_drafts

PER_PAGE = 25  # items on a page of a long list (meetings, documents, news, an action's uses)


def paginate(items, page, whole=None):
    """One page of PER_PAGE items of a queryset (read with its count in one query; its rows
    then read from `whole` where that is given) or list: see paging.read_page. PER_PAGE is read
    on each call."""
    return paging.read_page(items, page, PER_PAGE, whole)


def _meetings(user=None):
    return Meeting.objects.visible(user).select_related("convention", "venue")


def _programmes(rows):
    return rows.select_related("meeting__convention", "meeting__venue")


def _public_or_none(meeting):
    """A related meeting, or None where it is a draft: a draft is never linked."""
    return meeting if meeting is not None and meeting.is_public else None


# -- home ---------------------------------------------------------------------------------------


def home_page(today=None):
    """Upcoming and recent meetings, current office holders, latest news: 4 queries."""
    today = today or timezone.localdate()
    return {
        "upcoming": list(_meetings().filter(end_date__gte=today).order_by("start_date")[:5]),
        "recent": list(_meetings().filter(end_date__lt=today)[:5]),
        "mandates": current_mandates(today=today),
        "news": list(NewsPost.objects.public()[:3]),
    }


def _mandates():
    return Mandate.objects.select_related("state", "person", "convention", "office")


def office_holders():
    """A meeting's office holders as its pages list them: by office, in the order given."""
    return Mandate.objects.select_related("office", "state", "person").order_by(
        "office__position", "office__name", "position", "pk"
    )


def one_per_term(mandates):
    """`mandates` without repeats: a term held at several meetings is a row per meeting."""
    seen = set()
    terms = []
    for m in mandates:
        key = (m.convention_id, m.office_id, m.state_id, m.person_id, m.detail)
        key += (m.start_date, m.end_date)
        if key not in seen:
            seen.add(key)
            terms.append(m)
    return terms


def current_mandates(mandates=None, today=None):
    """The office holders whose term holds `today` (by default today): a term whose last day
    has passed is not current, whatever its year. One query (none if `mandates`, newest
    first, are given)."""
    today = today or timezone.localdate()
    if mandates is None:
        mandates = _mandates().filter(start_date__lte=today, end_date__gte=today)
    return one_per_term(m for m in mandates if m.is_current(today))


# -- meetings -----------------------------------------------------------------------------------


def meeting_list(convention="", kind="", page=None):
    """A page of published meetings, newest first, with the conventions to filter by: 2 queries.
    `convention` is a short name in any case ("ccm" is CCM), "" for all, or None for a value
    that names none; `selected_convention` is the one it names, `unknown_convention` whether it
    names none."""
    conventions = list(Convention.objects.all())
    # Each meeting's convention is one of the filter's, read anyway: not joined to every row.
    meetings = Meeting.objects.visible().select_related("venue")
    wanted = (convention or "").casefold()
    chosen = next((c for c in conventions if wanted and c.short_name.casefold() == wanted), None)
    unknown = convention != "" and chosen is None
    if unknown:
        meetings = meetings.none()
    elif chosen is not None:
        meetings = meetings.filter(convention=chosen)
    if kind:
        meetings = meetings.filter(kind=kind)
    page_obj = paginate(meetings, page)
    by_id = {row.pk: row for row in conventions}
    for meeting in page_obj.object_list:
        Meeting.convention.field.set_cached_value(meeting, by_id[meeting.convention_id])
    return {
        "meetings": list(page_obj),
        "page_obj": page_obj,
        "conventions": conventions,
        "selected_convention": chosen.short_name if chosen else "",
        "unknown_convention": unknown,
    }


def meeting_page(slug, user=None):
    """The meeting with its office holders, programmes and documents: 4 queries. A visitor's
    lists are the same for all, and loaded with their SQL compiled once per process (the
    documents' public() conditions took longer to build and compile than to run: 31.5 -> 8.4
    ms the page, in process); staff's depend on their permissions."""
    meeting = get_object_or_404(_meetings(user), slug=slug)
    if may_view_drafts(user, Programme) or may_view_drafts(user, Document):
        prefetch_related_objects([meeting], *_meeting_lists(user))
    else:
        prefetching.prefetch([meeting], _meeting_lists, None)
    return meeting


def _meeting_lists(user):
    """What a meeting's page lists, as `user` (None: a visitor) sees them."""
    return [
        Prefetch("office_holders", queryset=office_holders()),
        Prefetch("programmes", queryset=Programme.objects.visible(user)),
        Prefetch(
            "documents", queryset=Document.objects.visible(user).order_by("title", "language")
        ),
    ]


@functools.cache
def _public_documents():
    """Document.objects.public(), built once per process and handed out as clones (`.all()`),
    never evaluated itself: building its conditions (EXISTS over five tables, each with its
    own public() conditions) took longer than all the queries of a programme page."""
    return Document.objects.public()


def statement_prefetch(public=False):
    """A session's statements with their delegations and files (only public files for
    `public`): 2 queries, whatever their number."""
    documents = _public_documents().all() if public else Document.objects.all()
    return Prefetch(
        "statements",
        queryset=Statement.objects.select_related(
            "state", "organisation", "on_behalf_of_state", "on_behalf_of_organisation"
        ).prefetch_related(Prefetch("documents", queryset=documents)),
    )


def session_prefetches(public=False):
    """What a session shows: its actions, presentations, questions, statements (their public
    files only for `public`), panellists and recordings."""
    return [
        # The actions with their plan in one query (a plan's name is in each action's label).
        Prefetch("actions", queryset=Action.objects.select_related("plan")),
        Prefetch(
            "presentations",
            queryset=Presentation.objects.select_related(
                "document", "delegation_state", "delegation_organisation"
            ).prefetch_related(
                Prefetch("presenters", queryset=Person.objects.select_related("state")),
                "organisations",
            ),
        ),
        Prefetch("questions", queryset=DiscussionQuestion.objects.all()),
        statement_prefetch(public),
        Prefetch("panellists", queryset=Panellist.objects.select_related("organisation", "state")),
        "recordings",
    ]


def _everything(working=None):
    """The lookups of everything a programme's page, PDF, calendar or export shows (the
    meeting's office holders too), for programmes loaded with `_programmes` and their
    `published_as`: 13 queries for published copies (`working=False`), 14 for working copies
    (`True`: their revisions too, which say what their changes are since), 14 for either
    (`None`)."""
    sessions = Session.objects.select_related("room__venue").prefetch_related(
        *session_prefetches(public=working is False)
    )
    lists = {True: ["documents"], False: ["published_documents"]}.get(
        working, ["documents", "published_documents"]
    )
    if working is not False:
        # Newest first, without the snapshots: a working copy's changes are since the first.
        lists.append(Prefetch("revisions", queryset=ProgrammeRevision.objects.defer("snapshot")))
    return [
        Prefetch("sessions", queryset=sessions),
        Prefetch(
            "convened_by", queryset=Mandate.objects.select_related("state", "person", "office")
        ),
        Prefetch("meeting__office_holders", queryset=office_holders()),
        *lists,
    ]


def _with_everything(programmes, working=None):
    """`programmes` with everything (`_everything`) as a queryset: 14 or 15 queries."""
    return programmes.select_related("published_as").prefetch_related(*_everything(working))


def _in_full_at(programmes, meeting_slug, programme_slug, working):
    """The one programme of `programmes` at the meeting's and its own address, with everything
    (`_load_everything`), or a 404."""
    found = _load_everything(
        _programmes(programmes).filter(meeting__slug=meeting_slug, slug=programme_slug), working
    )
    if not found:
        raise Http404("No programme has this address.")
    [programme] = found
    return programme


def _load_everything(programmes, working=None):
    """The programmes of the queryset `programmes` (from `_programmes`), with everything
    (`_everything`) loaded as `_with_everything` loads it, but the SQL compiled once per process,
    prepared, and the queries of one depth sent together (prefetching.prefetch): as many queries
    (14 or 15), in 4 round trips whatever their number. For the pages delegates wait for."""
    loaded = list(programmes.select_related("published_as"))
    return prefetching.prefetch(loaded, _everything, working)


def _reads_working_copies(user):
    """Whether `user` is shown programmes' working copies (Programme.objects.visible)."""
    return may_view_drafts(user, Programme)


def programme_page(meeting_slug, programme_slug, user=None):
    """The programme with everything its page (or PDF) shows: 14 queries in 4 round trips,
    whatever its size (15 for staff, who read its working copy); none while an export remembers
    it."""
    remembered = _remembered_programme(meeting_slug, programme_slug, user)
    if remembered is not None:
        return remembered
    return _in_full_at(
        Programme.objects.visible(user),
        meeting_slug,
        programme_slug,
        working=_reads_working_copies(user),
    )


def programme_download(meeting_slug, programme_slug, user=None):
    """The programme a PDF download names, without what it holds (the worker renders that from
    programmes_in_full): 1 query."""
    return get_object_or_404(
        _programmes(Programme.objects.visible(user)),
        meeting__slug=meeting_slug,
        slug=programme_slug,
    )


def meeting_calendar(slug, user=None):
    """A meeting and its programmes with their sessions, for its calendar: 15 queries."""
    meeting = get_object_or_404(_meetings(user), slug=slug)
    programmes = _programmes(Programme.objects.visible(user)).filter(meeting=meeting)
    return meeting, _load_everything(programmes, working=_reads_working_copies(user))


def programmes_in_full(pks=None):
    """Programmes (any copy) with everything their PDF shows, drafts included (for staff,
    commands and the task queue's worker)."""
    programmes = _with_everything(_programmes(Programme.objects.all()))
    return programmes if pks is None else programmes.filter(pk__in=pks)


def programme_changes(meeting_slug, programme_slug):
    """A published programme and its revisions with their snapshots: 2 queries."""
    programme = get_object_or_404(
        _programmes(Programme.objects.public()), meeting__slug=meeting_slug, slug=programme_slug
    )
    return programme, list(ProgrammeRevision.objects.filter(programme_id=programme.working_id))


def notices_programme(meeting_slug, programme_slug):
    """A published programme whose changes a delegate may subscribe to by e-mail (drafts and
    staff's working copies never): 1 query."""
    return get_object_or_404(
        _programmes(Programme.objects.public()), meeting__slug=meeting_slug, slug=programme_slug
    )


def _revision(meeting_slug, programme_slug, number):
    """A published programme's revision `number` that kept its copy, and the current published
    copy: 2 queries."""
    current = get_object_or_404(
        _programmes(Programme.objects.public()).select_related("published_as"),
        meeting__slug=meeting_slug,
        slug=programme_slug,
    )
    revision = get_object_or_404(
        ProgrammeRevision.objects.defer("snapshot"),
        programme_id=current.working_id,
        number=number,
        copy__isnull=False,
    )
    return revision, current


def programme_revision(meeting_slug, programme_slug, number):
    """A published programme's revision `number` as it published it, with everything its page
    shows, and the current published copy: 16 queries; none while an export remembers it."""
    if _programme_memory is not None:
        key = ("revision", meeting_slug, programme_slug, number)
        return _remember(
            meeting_slug, key, lambda: _programme_revision(meeting_slug, programme_slug, number)
        )
    return _programme_revision(meeting_slug, programme_slug, number)


def _programme_revision(meeting_slug, programme_slug, number):
    revision, current = _revision(meeting_slug, programme_slug, number)
    [shown] = _load_everything(
        _programmes(Programme.objects.filter(pk=revision.copy_id)), working=False
    )
    return shown, current


def revision_download(meeting_slug, programme_slug, number):
    """The copy a revision's PDF download names, without what it holds (the worker renders that
    from programmes_in_full): 3 queries."""
    revision, _current = _revision(meeting_slug, programme_slug, number)
    return _programmes(Programme.objects.filter(pk=revision.copy_id)).get()


@dataclass
class Day:
    """One day of a programme's timetable; `date` is None for items whose day is not set."""

    date: datetime.date | None
    sessions: list = field(default_factory=list)


def programme_days(sessions):
    """Sessions grouped by day, in the order the model sorts them (undated items last)."""
    days = []
    for session in sessions:
        if not days or days[-1].date != session.date:
            days.append(Day(session.date))
        days[-1].sessions.append(session)
    return days


def _session_programme(meeting_slug, programme_slug, user):
    """The programme a session page or calendar is in. A session is a draft when its programme
    or meeting is one: seeing it takes the right to view sessions as well as theirs."""
    drafts = may_view_drafts(user, Session)
    programmes = Programme.objects.visible(user) if drafts else Programme.objects.public()
    return get_object_or_404(
        _programmes(programmes), meeting__slug=meeting_slug, slug=programme_slug
    )


def session_page(meeting_slug, programme_slug, session_slug, user=None):
    """One session in full: 11 queries in 4 round trips; none while an export remembers its
    programme."""
    remembered = _remembered_session(meeting_slug, programme_slug, session_slug, user)
    if remembered is not None:
        return remembered
    programme = _session_programme(meeting_slug, programme_slug, user)
    session = get_object_or_404(
        Session.objects.select_related("room__venue"), programme=programme, slug=session_slug
    )
    # Its lists in 2 round trips, their SQL compiled once per process (prefetching).
    prefetching.prefetch([session], session_prefetches, not programme.is_working_copy)
    session.programme = programme  # already loaded with its meeting: saves two queries
    return session


def session_calendar(meeting_slug, programme_slug, session_slug, user=None):
    """One session with what its calendar shows, and its programme's sessions (which tell where
    an open-ended session ends): 6 queries; none while an export remembers its programme. The
    calendar shows less than the page, so the page's prefetches (presentations, actions,
    statements' files) are left out."""
    remembered = _remembered_session(meeting_slug, programme_slug, session_slug, user)
    if remembered is not None:
        return remembered
    programme = _session_programme(meeting_slug, programme_slug, user)
    prefetch_related_objects(
        [programme], Prefetch("sessions", queryset=Session.objects.select_related("room__venue"))
    )
    session = next((s for s in programme.sessions.all() if s.slug == session_slug), None)
    if session is None:
        raise Http404("No session matches the given query.")
    prefetch_related_objects(
        [session],
        Prefetch("questions", queryset=DiscussionQuestion.objects.all()),
        Prefetch("panellists", queryset=Panellist.objects.select_related("organisation", "state")),
        Prefetch(
            "statements",
            queryset=Statement.objects.select_related(
                "state", "organisation", "on_behalf_of_state", "on_behalf_of_organisation"
            ),
        ),
        "recordings",
    )
    return session


# While the static copy renders (meetings/public/static_export.py), a public programme with
# everything its pages show is read once for all the pages about it (its page, calendar and
# schedule, each session's page and calendar, in every language) rather than once a page; so is
# each of its earlier revisions (its page in every language). A
# copy is used only under the generation of its meeting it was read under
# (meetings/caching/generations.py, which every edit of the meeting or of shared rows changes,
# as the page cache relies on): an edit meanwhile is read again. Only a visitor's (no drafts):
# staff read the working copy. Off elsewhere: the site reads each page's rows.
_programme_memory = None
REMEMBERED_PROGRAMMES = 64


def remember_programmes(on=True):
    """Remember public programmes read for one page for the next pages (`on`), or no longer."""
    global _programme_memory
    _programme_memory = OrderedDict() if on else None


@contextmanager
def remembering_programmes():
    """Remember public programmes read for one page for the next pages, within the block."""
    remember_programmes()
    try:
        yield
    finally:
        remember_programmes(False)


def _remember(meeting_slug, key, read):
    """What `read()` gives, read once for each generation of the meeting `meeting_slug`."""
    from .caching import generations

    version = generations.for_path(f"/meetings/{meeting_slug}/")
    found = _programme_memory.get(key)
    if found is not None and found[0] == version:
        _programme_memory.move_to_end(key)
        return found[1]
    value = read()
    _programme_memory[key] = (version, value)
    _programme_memory.move_to_end(key)
    while len(_programme_memory) > REMEMBERED_PROGRAMMES:
        _programme_memory.popitem(last=False)
    return value


def _remembered_programme(meeting_slug, programme_slug, user):
    """The public programme with everything (programme_page's), read once for each generation
    of its meeting, when remembering; None otherwise."""
    if _programme_memory is None or may_view_drafts(user, Programme):
        return None
    return _remember(
        meeting_slug,
        ("programme", meeting_slug, programme_slug),
        lambda: _in_full_at(
            Programme.objects.public(), meeting_slug, programme_slug, working=False
        ),
    )


def _remembered_session(meeting_slug, programme_slug, session_slug, user):
    """A session of a remembered programme, with everything its page and calendar show; None
    when not remembering, for staff, or when the programme has no such session (the caller's
    own queries then answer, a removed session's page included)."""
    if _programme_memory is None or may_view_drafts(user, Session):
        return None
    programme = _remembered_programme(meeting_slug, programme_slug, user)
    if programme is None:
        return None
    return next((s for s in programme.sessions.all() if s.slug == session_slug), None)


def statement_bundle_session(meeting_slug, programme_slug, session_slug):
    """A session of a published programme's current published copy, with its statements and
    their public files, for its statements zip: 3 queries; 404 for a draft."""
    programme = get_object_or_404(
        _programmes(Programme.objects.public()), meeting__slug=meeting_slug, slug=programme_slug
    )
    session = get_object_or_404(
        Session.objects.prefetch_related(statement_prefetch(public=True)),
        programme=programme,
        slug=session_slug,
    )
    session.programme = programme
    return session


def statement_bundle_session_by_id(session_id):
    """The same by the session's id, for the worker; None unless it is in a public published
    copy."""
    session = (
        Session.objects.filter(pk=session_id, programme__in=Programme.objects.public())
        .select_related("programme__meeting__convention")
        .prefetch_related(statement_prefetch(public=True))
        .first()
    )
    if session is None or not session.programme.is_published_revision:
        return None
    return session


def removed_session(meeting_slug, programme_slug, session_slug):
    """A session of a published programme that an earlier revision had and the current one has
    not, as the last revision that had it showed it, with that revision (`last_revision`) and
    the one that removed it (`removed_by`); None if there is none: 3 queries."""
    current = (
        _programmes(Programme.objects.public())
        .filter(meeting__slug=meeting_slug, slug=programme_slug)
        .first()
    )
    if current is None:
        return None
    session = (
        Session.objects.filter(
            programme__working_id=current.working_id,
            programme__edition=Edition.SUPERSEDED,
            programme__published_as__isnull=False,
            slug=session_slug,
        )
        .select_related("programme__published_as")
        .order_by("-programme__published_as__number")
        .first()
    )
    if session is None:
        return None
    last = session.programme.revision
    session.last_revision = last
    session.removed_by = (
        ProgrammeRevision.objects.defer("snapshot")
        .filter(programme_id=current.working_id, number__gt=last.number)
        .order_by("number")
        .first()
    )
    session.current = current
    return session


@dataclass
class Agenda:
    """A personal agenda (meetings/public/agenda.py): the chosen sessions of a programme."""

    programme: Programme
    sessions: list  # those in the programme, with everything their page shows, in its order
    removed: list  # those a revision removed since, each as the last revision that had it
    unknown: bool  # whether a name chosen matches no session the programme ever published
    timeline: list | None = None  # every session of the programme (day and times only)


def _named(sessions, prefixes):
    """`sessions` whose uid begins with one of `prefixes` (agenda.uid_prefix)."""
    text = Left(Cast("uid", output_field=CharField()), len(prefixes[0]))
    return sessions.annotate(agenda_prefix=text).filter(agenda_prefix__in=prefixes)


def agenda(meeting_slug, programme_slug, prefixes, user=None, timeline=False):
    """The sessions of a programme whose uids begin with `prefixes`, as the programme shows them
    now (its published copy; its working copy for staff), and those of them a revision removed
    since: 13 queries, whatever the number chosen (4 where none of them is still in it: nothing
    to prefetch); with `timeline` (the calendar, whose events end where the next session
    starts), one more."""
    programme = get_object_or_404(
        _programmes(Programme.objects.visible(user)).select_related("published_as"),
        meeting__slug=meeting_slug,
        slug=programme_slug,
    )
    sessions = prefetching.prefetch(
        _named(Session.objects.filter(programme=programme), prefixes).select_related("room__venue"),
        session_prefetches,
        not programme.is_working_copy,
    )
    working_id = programme.working_id or programme.pk
    removed = list(
        _named(
            Session.objects.filter(
                programme__working_id=working_id, programme__published_as__isnull=False
            ),
            prefixes,
        )
        .exclude(uid__in=[s.uid for s in sessions])
        .select_related("programme__published_as", "room__venue")
        .order_by("uid", "-programme__published_as__number")  # DISTINCT ON keeps the latest
        .distinct("uid")
    )
    published = list(
        ProgrammeRevision.objects.defer("snapshot")
        .filter(programme_id=working_id)
        .order_by("number")
    )
    for session in sessions:
        session.programme = programme  # loaded with its meeting: no query for its address
    for session in removed:
        session.last_revision = session.programme.revision
        session.removed_by = next(
            (r for r in published if r.number > session.last_revision.number), None
        )
    removed.sort(key=_day_order)
    found = {s.agenda_prefix for s in [*sessions, *removed]}
    everything = None
    if timeline:
        everything = list(
            Session.objects.filter(programme=programme).only(
                "pk", "programme_id", "date", "start_time", "end_time"
            )
        )
    return Agenda(programme, sessions, removed, found != set(prefixes), everything)


def _day_order(session):
    """Undated last, untimed first in their day, as a programme orders them roughly."""
    return (
        session.date is None,
        session.date or datetime.date.min,
        session.start_time or datetime.time.min,
        session.position,
    )


# -- action plans -------------------------------------------------------------------------------


def action_plan_list():
    """Every plan with its convention: 1 query."""
    return list(ActionPlan.objects.select_related("convention"))


def action_plans_with_actions():
    """Every plan with its convention and actions, for the open data: 2 queries."""
    return list(ActionPlan.objects.select_related("convention").prefetch_related("actions"))


def action_plan_page(slug):
    """The plan and its actions: 2 queries."""
    return get_object_or_404(
        ActionPlan.objects.select_related("convention").prefetch_related("actions"), slug=slug
    )


@dataclass
class Discussed:
    """One place where an action was taken up: a session, a work plan or an activity."""

    kind: str
    sort_key: tuple
    item: object


def _count_serving(action):
    """How many public sessions serve `action` (in a published copy of a published programme
    and meeting): one query, once for each change of the content (caching.generations.kept).
    PostgreSQL reads every link of the action to count them: on the archive, 3,064 public
    sessions among 6,329 links, 10 ms of a 25 ms page, against 0.1 ms on the seed site."""
    return generations.kept(
        ("sessions serving", action.pk),
        lambda: action.sessions.filter(
            programme__in=Programme.objects.public().values("pk")
        ).count(),
    )


def action_page(plan_slug, number, page=None):
    """The action, and a page of every published session, work plan and activity that serves it,
    newest first, in one list: 7 queries, 8 after a change of content (the number of sessions
    serving it is kept until the content changes, read with the count of every change).

    Work plans and activities are few and read whole; sessions can be thousands over the years,
    so only the newest that can reach the page asked for are read (a page n needs at most the n
    pages' worth of newest sessions)."""
    action = get_object_or_404(
        Action.objects.select_related("plan__convention"), plan__slug=plan_slug, number=number
    )
    serving = Session.objects.public().filter(actions=action)
    work_plans = WorkPlan.objects.public().filter(actions=action).select_related("convention")
    activities = Activity.objects.filter(actions=action).select_related("convention", "meeting")
    others = [
        Discussed("work_plan", (datetime.date(w.start_year, 1, 1), datetime.time.min), w)
        for w in work_plans
    ]
    for activity in activities:
        activity.public_meeting = _public_or_none(activity.meeting)
        others.append(
            Discussed(
                "activity",
                (datetime.date(activity.year, activity.month, 1), datetime.time.min),
                activity,
            )
        )
    page_obj = paginate(range(_count_serving(action) + len(others)), page)
    end = page_obj.end_index()
    # The newest `end` sessions: those with a day by walking the index session_newest_first
    # (an action of the archive is served by 3,000 sessions: no sort of them all), those
    # without one (few) by their meeting's start, as the timeline sorts them. Only their ids
    # and days are read (as two subqueries OR-ed in one query they made PostgreSQL scan every
    # session), to place them in the timeline; then only the page's sessions are read whole,
    # with their programme and meeting: a deep page costs little more than the first.
    key_fields = ("pk", "date", "start_time", "programme__meeting__start_date")
    dated = (
        serving.filter(date__isnull=False)
        .order_by("-date", F("start_time").desc(nulls_last=True), "-pk")
        .values_list(*key_fields)[:end]
    )
    undated = (
        serving.filter(date__isnull=True)
        .order_by("-programme__meeting__start_date", "-pk")
        .values_list(*key_fields)[:end]
    )
    newest = sorted([*dated, *undated], reverse=True)  # ties in the timeline's sort: newest row
    timeline = others + [
        Discussed("session", (date or start_date, start_time or datetime.time.min), pk)
        for pk, date, start_time, start_date in newest
    ]
    timeline.sort(key=lambda entry: entry.sort_key, reverse=True)
    timeline = timeline[page_obj.start_index() - 1 : end] if end else []
    on_page = [entry.item for entry in timeline if entry.kind == "session"]
    sessions = Session.objects.select_related("programme__meeting__convention").in_bulk(on_page)
    for entry in timeline:
        if entry.kind == "session":
            entry.item = sessions[entry.item]
    return {"action": action, "timeline": timeline, "page_obj": page_obj}


# -- coordination -------------------------------------------------------------------------------


def coordination_page(today=None):
    """Office holders (current and earlier), the activity timeline, work plans: 6 queries."""
    mandates = one_per_term(_mandates())
    activities = list(
        Activity.objects.select_related("convention", "document", "meeting").prefetch_related(
            "coordinators", "actions__plan"
        )
    )
    for activity in activities:
        activity.public_meeting = _public_or_none(activity.meeting)
    return {
        "current": current_mandates(mandates, today),
        "mandates": mandates,
        "activities": activities,
        "work_plans": list(WorkPlan.objects.public().select_related("convention")),
    }


@dataclass
class Quarter:
    year: int
    quarter: int
    milestones: list = field(default_factory=list)

    @property
    def label(self):
        return gettext("Q%(quarter)s %(year)s") % {"quarter": self.quarter, "year": self.year}

    @property
    def anchor(self):
        return f"q{self.quarter}-{self.year}"


def quarter_columns(milestones):
    """Every quarter from the first milestone's to the last's, empty ones included, so the chart
    keeps time to scale; each holds its milestones in order."""
    milestones = list(milestones)
    if not milestones:
        return []
    first = min((m.year, m.quarter) for m in milestones)
    last = max((m.year, m.quarter) for m in milestones)
    columns = {}
    year, quarter = first
    while (year, quarter) <= last:
        columns[(year, quarter)] = Quarter(year, quarter)
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    for milestone in milestones:
        columns[(milestone.year, milestone.quarter)].milestones.append(milestone)
    return list(columns.values())


def work_plan_page(slug, user=None):
    """The work plan with its coordinators, actions and milestones: 5 queries."""
    work_plan = get_object_or_404(
        WorkPlan.objects.visible(user)
        .select_related("convention", "document")
        .prefetch_related("coordinators", "actions__plan", "milestones"),
        slug=slug,
    )
    return {"work_plan": work_plan, "quarters": quarter_columns(work_plan.milestones.all())}


# -- news ---------------------------------------------------------------------------------------


def news_list(page=None):
    """A page of published posts with their categories: 2 queries."""
    return paginate(NewsPost.objects.public().prefetch_related("categories"), page)


def news_page(slug, user=None):
    """One post, its categories and its meeting (linked only if published, or to a user who
    may view it): 2 queries."""
    post = get_object_or_404(
        NewsPost.objects.visible(user).select_related("meeting").prefetch_related("categories"),
        slug=slug,
    )
    shown = post.meeting if may_view_drafts(user, Meeting) else _public_or_none(post.meeting)
    post.public_meeting = shown
    return post


# -- documents ----------------------------------------------------------------------------------


@dataclass
class DocumentSet:
    """The files of one document: one per language where it has an official symbol."""

    documents: list

    @property
    def first(self):
        return self.documents[0]


def document_sets(documents, language=None):
    """Group documents sharing a symbol and revision into one row; others stand alone. In a row
    the file in `language` (the page's, by default) comes first, and names the row; then English,
    then the others in their usual order."""
    language = language or languages.active()
    sets = {}
    for document in documents:
        key = (document.symbol, document.revision) if document.symbol else ("pk", document.pk)
        sets.setdefault(key, DocumentSet([])).documents.append(document)
    for document_set in sets.values():
        document_set.documents.sort(
            key=lambda d: (d.language != language, d.language != settings.LANGUAGE_CODE)
        )
    return list(sets.values())


def _public_library():
    """([(id, meeting's slug, its programme's meeting's slug, kind, language)] of every public
    document, in the library's order; the slugs of the meetings they are in): read once for
    each change of the content (caching.generations.kept). The public rule (EXISTS over five
    tables) cost PostgreSQL 4.4 ms to plan and 3.2 ms to run over the archive's 943 public
    documents on every request, 3.3 ms on the seed site's 3; kept, a page's filters are a loop
    over tuples."""
    return generations.kept("public library", _read_public_library)


def public_document_ids():
    """The ids of every public document, kept as the library is (`_public_library`): what
    search looks for documents among."""
    return [row[0] for row in _public_library()[0]]


def _read_public_library():
    # By id after title and language: documents of one title in one language (a programme's
    # of each year) stand in one order on every page.
    rows = list(
        _public_documents()
        .order_by("title", "language", "pk")
        .values_list("pk", "meeting__slug", "programme__meeting__slug", "kind", "language")
    )
    return rows, frozenset(slug for row in rows for slug in row[1:3] if slug)


def document_list(meeting="", kind="", language="", page=None):
    """A page of the public library, filtered, with the published meetings to filter by (those
    with public documents, and `meeting` where it is published): 1 query, 5 after a change of
    content (the library's list and the meetings, each with the count of every change,
    caching.generations.kept). A symbol's files in several languages make one row; a page
    boundary may fall between them. `unknown_meeting`: `meeting` names no published meeting.
    `meeting` is a slug, "" for all, or None for a value that names none."""
    rows, listed = _public_library()
    if meeting is None:
        rows = []
    if meeting:
        rows = [row for row in rows if meeting in (row[1], row[2])]
    if kind:
        rows = [row for row in rows if row[3] == kind]
    if language:
        rows = [row for row in rows if row[4] == language]
    # The page's 25 rows whole, by id; each one's meeting (its own, or its programme's) named
    # by its slug, whose title the meeting filter's options read already.
    page_obj = paginate([row[0] for row in rows], page, whole=Document.objects.all())
    on_page = {document.pk: document for document in page_obj.object_list}
    for pk, meeting_slug, programme_meeting_slug, *_rest in rows:
        if pk in on_page:
            on_page[pk].meeting_slug = meeting_slug or programme_meeting_slug
    published = meeting_choices()
    # Only meetings with documents to show: the others' options each led to an empty list.
    choices = [choice for choice in published if choice[0] in listed or choice[0] == meeting]
    return {
        "document_sets": document_sets(page_obj),
        "page_obj": page_obj,
        "meeting_choices": choices,
        "meeting_titles": {slug: (title, english) for slug, title, english in choices},
        "unknown_meeting": meeting != "" and not any(c[0] == meeting for c in choices),
    }


def meeting_choices():
    """(slug, title in the page's language, True where that title is the English standing in
    for a missing translation) of every published meeting, newest first: the options of the
    documents page's meeting filter (an <option> cannot hold the marked <span> of `tr`). Kept
    in each language until the content changes (caching.generations.kept): one row a meeting
    of the archive (200), 0.7 ms a request."""
    language = languages.active()
    return generations.kept(("meeting choices", language), lambda: _meeting_choices(language))


def _meeting_choices(language):
    published = Meeting.objects.public()
    if language == settings.LANGUAGE_CODE:
        return list(published.values_list("slug", "title", Value(False)))
    # Read as values, not as meetings: read as 200 model instances, each asked for its title,
    # then looped in the template, the archive's options cost 30 million instructions a page
    # (callgrind; about half of it the instances).
    column = f"title_{language}"
    rows = published.values_list(
        "slug", "title", column if column in translations.names("title") else Value("")
    )
    return [(slug, *languages.chosen(english, translated)) for slug, english, translated in rows]
