"""The content's generations are counted by the database itself (triggers of migration 0013),
whatever writes the content, so the caches can trust them; and writers lock only what they
write (meetings/models/caching.py, meetings/caching/generations.py)."""

import threading
import time

import factories
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from meetings.caching import generations
from meetings.models import (
    BOOKKEEPING,
    DiscussionQuestion,
    Document,
    Edition,
    Mandate,
    Meeting,
    MeetingGeneration,
    Panellist,
    Presentation,
    Programme,
    ProgrammePDF,
    ProgrammeRevision,
    Recording,
    Room,
    SharedGeneration,
    Statement,
    Venue,
)
from meetings.models import Session as SessionModel

MEETING = "may-2030"  # conftest's meeting, which `content` fills


def content_tables():
    """Every content table: the meetings app's tables, many-to-many ones included, but the
    caches' own."""
    tables = set()
    for model in apps.get_app_config("meetings").get_models(include_auto_created=True):
        if model not in BOOKKEEPING:
            tables.add(model._meta.db_table)
    return tables


def triggers():
    """{table: {trigger name}} of the database's own triggers on the meetings app's tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND c.relname LIKE 'meetings_%'"
        )
        found = {}
        for table, name in cursor.fetchall():
            found.setdefault(table, set()).add(name)
    return found


@pytest.fixture
def content(programme, make_session):
    """Conftest's meeting with a row in every table inside a meeting, and rows in the tables
    outside any meeting: its programme convened by an office holder and published once; a
    session in a room serving an action, with a question, a presentation by a person of an
    organisation with its document, a State's statement with that document and a panellist; an
    office holder convening nothing yet; a work plan with a milestone, an activity, a news post
    in a category, a State's obligation."""
    meeting = programme.meeting
    convention = meeting.convention
    state = factories.StateFactory()
    programme.convened_by.add(factories.MandateFactory(convention=convention, state=state))
    factories.MandateFactory(convention=convention)  # convenes nothing yet
    factories.ProgrammeRevisionFactory(programme=programme)
    action = factories.ActionFactory(plan__convention=convention)
    session = make_session(1, room=factories.RoomFactory(), actions=[action])
    factories.DiscussionQuestionFactory(session=session)
    document = factories.DocumentFactory(meeting=meeting)
    factories.PresentationFactory(
        session=session,
        presenters=[factories.PersonFactory()],
        organisations=[factories.OrganisationFactory()],
        document=document,
    )
    factories.StatementFactory(session=session, state=state, documents=[document])
    factories.PanellistFactory(session=session, state=state)
    work_plan = factories.WorkPlanFactory(convention=convention)
    work_plan.coordinators.add(state)
    work_plan.actions.add(action)
    factories.MilestoneFactory(work_plan=work_plan)
    activity = factories.ActivityFactory(convention=convention, meeting=meeting)
    activity.coordinators.add(state)
    activity.actions.add(action)
    factories.NewsPostFactory(meeting=meeting).categories.add(factories.NewsCategoryFactory())
    factories.ObligationFactory(convention=convention, state=state)
    factories.show_published(programme)  # the published copy holds a row of each table too
    return meeting


@pytest.fixture
def counts():
    """{name: count} of the meeting, another meeting, what they share, and everything."""

    def read():
        meetings = dict(MeetingGeneration.objects.values_list("meeting__slug", "number"))
        return {
            "meeting": meetings.get(MEETING, 0),
            "other meeting": meetings.get("other", 0),
            "shared": sum(SharedGeneration.objects.values_list("number", flat=True)),
            "everything": generations.count_everything(),
        }

    return read


# -- every table is watched ---------------------------------------------------------------------


@pytest.mark.django_db
def test_every_content_table_has_a_trigger_counting_its_writes():
    """A new content model without the triggers of a migration fails here."""
    found = triggers()
    for table in content_tables():
        counting = found.get(table, set()) & {
            "bumps_shared_generation",
            "bumps_meetings_insert",
        }
        assert counting, f"{table} has no trigger counting its writes"


@pytest.mark.django_db
def test_the_caches_own_tables_have_no_trigger():
    found = triggers()
    for model in BOOKKEEPING:
        assert model._meta.db_table not in found


@pytest.mark.django_db
def test_no_trigger_makes_writers_take_turns():
    """The advisory lock of before made every content write of the site wait for the others."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_proc WHERE prosrc ILIKE '%advisory%' "
            "AND pronamespace = 'public'::regnamespace"
        )
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db
def test_every_trigger_is_in_a_migration():
    """sqlmigrate shows them: nothing is installed after `migrate` any more."""
    from io import StringIO

    out = StringIO()
    call_command("sqlmigrate", "meetings", "0013", stdout=out)
    sql = out.getvalue()
    assert sql.count("CREATE TRIGGER") >= len(content_tables())
    assert "bumps_shared_generation" in sql and "takes_question_words" in sql


# -- every way of writing counts ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "write",
    [
        lambda: Meeting.objects.update(title="Retitled"),  # no save(), no signal
        lambda: SessionModel.objects.filter(pk=SessionModel.objects.public().first().pk).delete(),
        lambda: DiscussionQuestion.objects.bulk_create(
            [DiscussionQuestion(session=SessionModel.objects.public().first(), text="New?")]
        ),
        lambda: SessionModel.objects.public().exclude(actions=None).first().actions.clear(),
        lambda: connection.cursor().execute("UPDATE meetings_venue SET city = 'Genève'"),
    ],
    ids=["update", "delete", "bulk_create", "many-to-many", "raw SQL"],
)
def test_every_way_of_writing_content_raises_everything(content, counts, write):
    before = counts()["everything"]
    write()
    assert counts()["everything"] > before


@pytest.mark.django_db
def test_the_caches_own_bookkeeping_counts_nothing(content, counts):
    before = counts()
    ProgrammePDF.objects.create(
        programme=Programme.objects.first(),
        fingerprint="x",
        state=ProgrammePDF.State.FAILED,
        started_at=timezone.now(),
    )
    ProgrammePDF.objects.update(error="")
    assert counts() == before


# -- by meeting, and what all meetings share ----------------------------------------------------


def _session(edition):
    """A session of MEETING's copy `edition`: the working copy staff edit, or the published copy
    delegates read."""
    return SessionModel.objects.filter(
        programme__meeting__slug=MEETING, programme__edition=edition
    ).first()


def _presentation(edition):
    return Presentation.objects.filter(
        session__programme__meeting__slug=MEETING, session__programme__edition=edition
    ).first()


# One write per table inside a meeting, each to the rows of MEETING only; where the table lies
# inside a programme's copies, to the rows of the copy `e`.
WRITES_INSIDE_A_MEETING = {
    "meetings_meeting": lambda e: Meeting.objects.filter(slug=MEETING).update(title="New"),
    "meetings_programme": lambda e: Programme.objects.filter(
        meeting__slug=MEETING, edition=e
    ).update(title="New"),
    "meetings_programme_convened_by": lambda e: (
        Programme.objects.filter(meeting__slug=MEETING, edition=e)
        .get()
        .convened_by.add(Mandate.objects.filter(programmes=None).get())
    ),
    "meetings_programme_published_documents": lambda e: (
        Programme.objects.filter(meeting__slug=MEETING, edition=Edition.PUBLISHED)
        .get()
        .published_documents.add(Document.objects.first())
    ),
    "meetings_programmerevision": lambda e: ProgrammeRevision.objects.filter(
        programme__meeting__slug=MEETING
    ).update(note="New"),
    "meetings_session": lambda e: SessionModel.objects.filter(pk=_session(e).pk).update(
        title="New"
    ),
    "meetings_session_actions": lambda e: _session(e).actions.clear(),
    "meetings_presentation": lambda e: Presentation.objects.filter(pk=_presentation(e).pk).update(
        title="New"
    ),
    "meetings_discussionquestion": lambda e: DiscussionQuestion.objects.bulk_create(
        [DiscussionQuestion(session=_session(e), text="New?")]
    ),
    "meetings_presentation_presenters": lambda e: _presentation(e).presenters.clear(),
    "meetings_presentation_organisations": lambda e: _presentation(e).organisations.clear(),
    # Issue 19's statements by delegation, their files, and panellists.
    "meetings_statement": lambda e: Statement.objects.filter(session=_session(e)).update(
        position=9
    ),
    "meetings_statement_documents": lambda e: (
        Statement.objects.filter(session=_session(e)).get().documents.clear()
    ),
    "meetings_panellist": lambda e: Panellist.objects.filter(session=_session(e)).update(
        name="Ms. New"
    ),
    # Issue 20's recordings.
    "meetings_recording": lambda e: Recording.objects.create(
        session=_session(e), kind="video", url="https://webtv.un.org/en/asset/new"
    ),
}
# The tables inside a working copy's sessions that no public page reads (migration 0032): staff
# writing them leave the meeting's cached pages in place until they publish.
SEEN_ONCE_PUBLISHED = {
    "meetings_session",
    "meetings_session_actions",
    "meetings_discussionquestion",
    "meetings_presentation_presenters",
    "meetings_presentation_organisations",
    "meetings_statement",
    "meetings_panellist",
    "meetings_recording",
}


@pytest.mark.django_db
def test_every_table_inside_a_meeting_has_a_write_below():
    inside = {table for table, names in triggers().items() if "bumps_meetings_insert" in names}
    assert set(WRITES_INSIDE_A_MEETING) == inside


@pytest.mark.django_db
@pytest.mark.parametrize("table", sorted(WRITES_INSIDE_A_MEETING))
def test_a_write_inside_a_meeting_counts_for_that_meeting_only(
    content, other_meeting, counts, table
):
    before = counts()
    WRITES_INSIDE_A_MEETING[table](Edition.PUBLISHED)
    after = counts()
    assert after["meeting"] > before["meeting"]
    assert after["everything"] > before["everything"]
    assert after["other meeting"] == before["other meeting"]
    assert after["shared"] == before["shared"]


@pytest.mark.django_db
@pytest.mark.parametrize("table", sorted(SEEN_ONCE_PUBLISHED))
def test_a_write_inside_a_working_copys_sessions_counts_for_no_public_page(content, counts, table):
    before = counts()
    WRITES_INSIDE_A_MEETING[table](Edition.WORKING)
    assert counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "table", sorted(set(WRITES_INSIDE_A_MEETING) - SEEN_ONCE_PUBLISHED - {"meetings_meeting"})
)
def test_a_write_to_a_working_copy_that_public_pages_read_still_counts(content, counts, table):
    """Its programme row (its status hides the documents it holds), its revisions, and the
    rows naming documents (a document shown only by a working copy is hidden until published)."""
    before = counts()
    WRITES_INSIDE_A_MEETING[table](Edition.WORKING)
    assert counts()["meeting"] > before["meeting"]


@pytest.mark.django_db
def test_a_document_a_working_copys_presentation_takes_up_leaves_the_public_library(
    content, counts
):
    """Why a presentation's write in a working copy still counts: the library changes."""
    document = factories.DocumentFactory(title="Guidance on referral pathways")
    assert Document.objects.public().filter(pk=document.pk).exists()
    before = counts()
    Presentation.objects.filter(pk=_presentation(Edition.WORKING).pk).update(document=document)
    assert not Document.objects.public().filter(pk=document.pk).exists()
    assert counts()["meeting"] > before["meeting"]


@pytest.mark.django_db
def test_moving_a_published_session_to_another_meeting_counts_for_both(
    content, other_meeting, counts
):
    before = counts()
    SessionModel.objects.filter(pk=_session(Edition.PUBLISHED).pk).update(
        programme=other_meeting.programmes.get(edition=Edition.PUBLISHED),
        date=other_meeting.start_date,
    )
    after = counts()
    assert after["meeting"] > before["meeting"]
    assert after["other meeting"] > before["other meeting"]
    assert after["shared"] == before["shared"]


@pytest.mark.django_db
def test_moving_a_working_copys_session_to_another_meeting_counts_for_neither(
    content, other_meeting, counts
):
    before = counts()
    session = _session(Edition.WORKING)
    session.programme = other_meeting.programmes.get(edition=Edition.WORKING)
    session.date = other_meeting.start_date
    session.save()
    assert counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "write",
    [
        lambda: Room.objects.update(name="Salle C"),  # shown on every meeting's pages
        lambda: Document.objects.update(title="Renamed"),  # a presentation may link any document
        lambda: connection.cursor().execute("UPDATE meetings_action SET title = 'New'"),
    ],
    ids=["room", "document", "action by raw SQL"],
)
def test_a_write_outside_any_meeting_counts_for_what_all_share(
    content, other_meeting, counts, write
):
    before = counts()
    write()
    after = counts()
    assert after["shared"] > before["shared"] and after["everything"] > before["everything"]
    assert after["meeting"] == before["meeting"]


@pytest.mark.django_db
def test_a_statement_touching_no_row_counts_for_no_meeting(content, other_meeting, counts):
    before = counts()
    SessionModel.objects.filter(pk=0).update(title="nothing")
    after = counts()
    assert (after["meeting"], after["other meeting"]) == (
        before["meeting"],
        before["other meeting"],
    )


# -- what the caches read ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_meetings_address_is_keyed_by_that_meeting_and_what_all_share(content, other_meeting):
    page = f"/fr/meetings/{MEETING}/parallel/"
    other_page = f"/meetings/other/{other_meeting.programmes.get(edition=Edition.WORKING).slug}/"
    keys = {path: generations.for_path(path) for path in [page, other_page, "/"]}
    Meeting.objects.filter(slug="other").update(title="Retitled")
    assert generations.for_path(page) == keys[page]
    assert generations.for_path(other_page) != keys[other_page]
    assert generations.for_path("/") != keys["/"]
    Venue.objects.update(city="Genève")
    assert generations.for_path(page) != keys[page]


@pytest.mark.django_db
def test_an_unknown_meeting_and_an_overlong_address_are_keyed_by_everything(content):
    everything = f"all.{generations.everything()}"
    assert generations.for_path("/meetings/no-such-meeting/") == everything
    assert generations.for_path("/meetings/" + "x" * 5000 + "/") == everything


@pytest.mark.django_db
def test_every_version_read_at_once_answers_as_for_path_and_never_reads_again(
    content, other_meeting, django_assert_num_queries
):
    """What the static export reads as it starts: the versions for_path gives, in two queries,
    kept as they were when read."""
    paths = [
        f"/fr/meetings/{MEETING}/parallel/",
        "/meetings/other/",
        "/es/meetings/other/programme.ics",
        "/meetings/no-such-meeting/",
        "/meetings/",
        "/",
        "/news/feed.atom",
    ]
    generations.forget()
    expected = {path: generations.for_path(path) for path in paths}
    with django_assert_num_queries(2):
        version = generations.every_version()
    assert {path: version(path) for path in paths} == expected
    Meeting.objects.filter(slug="other").update(title="Retitled")
    with django_assert_num_queries(0):
        assert version("/meetings/other/") == expected["/meetings/other/"]
    assert generations.every_version()("/meetings/other/") != expected["/meetings/other/"]


@pytest.mark.django_db
def test_a_process_trusts_what_it_read_for_the_freshness_time_only(content, settings):
    settings.CONTENT_FRESHNESS_SECONDS = 60
    first = generations.everything()
    Venue.objects.update(city="Genève")
    assert generations.everything() == first  # remembered
    settings.CONTENT_FRESHNESS_SECONDS = 0
    generations.forget()  # as after the freshness time
    assert generations.everything() > first


# -- writers do not wait for each other ---------------------------------------------------------


def _in_threads(*editors):
    errors = []

    def run(edit):
        try:
            edit()
        except Exception as error:  # noqa: BLE001 - the test reports it
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(edit,)) for edit in editors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return errors


@pytest.mark.django_db(transaction=True)
def test_two_editors_saving_in_two_meetings_do_not_wait_for_each_other(content, other_meeting):
    """The first editor keeps its transaction open; the second, in another meeting, commits
    meanwhile. With one row counting every change (or a lock taken by every writer), the
    second would wait for the first to end."""
    first_wrote, second_done = threading.Event(), threading.Event()
    waited = {}

    def first():
        with transaction.atomic():
            SessionModel.objects.filter(programme__meeting__slug=MEETING).update(title="A")
            first_wrote.set()
            second_done.wait(10)  # still open while the other editor saves

    def second():
        first_wrote.wait(10)
        started = time.monotonic()
        with transaction.atomic():
            SessionModel.objects.filter(programme__meeting__slug="other").update(title="B")
        waited["seconds"] = time.monotonic() - started
        second_done.set()

    assert _in_threads(first, second) == []
    assert second_done.is_set() and waited["seconds"] < 5  # it did not wait for the 10 s
    assert set(SessionModel.objects.values_list("title", flat=True)) == {"A", "B"}


@pytest.mark.django_db(transaction=True)
def test_two_editors_saving_in_the_same_meeting_both_succeed_one_after_the_other(content):
    pk = _session(Edition.WORKING).pk

    def edit(title):
        def save():
            with transaction.atomic():
                session = SessionModel.objects.select_for_update().get(pk=pk)
                time.sleep(0.2)
                session.title = title
                session.save()

        return save

    assert _in_threads(edit("First"), edit("Second")) == []
    assert SessionModel.objects.get(pk=pk).title in {"First", "Second"}


# -- deploying and stepping back ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_step_back_over_migration_0013_and_forward_keeps_the_schema_whole(content):
    """Back to the columns of 0012 and forward again: the triggers, generations and search
    vectors are all there again, and a write is counted."""
    before = triggers()
    call_command("migrate", "meetings", "0012", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM meetings_session WHERE found_by @@ 'survivor'")
        assert cursor.fetchone()[0] >= 0  # 0012's column is back
    call_command("migrate", verbosity=0)
    assert triggers() == before
    SessionModel.objects.update(title="Again")
    assert MeetingGeneration.objects.filter(meeting__slug=MEETING).exists()


@pytest.mark.django_db(transaction=True)
def test_a_step_back_over_migration_0032_counts_working_copy_writes_again(content, counts):
    call_command("migrate", "meetings", "0031", verbosity=0)
    try:
        before = counts()
        WRITES_INSIDE_A_MEETING["meetings_session"](Edition.WORKING)
        assert counts()["meeting"] > before["meeting"]
    finally:
        call_command("migrate", verbosity=0)
    before = counts()
    WRITES_INSIDE_A_MEETING["meetings_session"](Edition.WORKING)
    assert counts() == before


@pytest.mark.django_db
def test_a_kept_value_is_worked_out_once_until_the_content_changes(content):
    worked_out = []

    def work_out():
        worked_out.append(len(worked_out))
        return len(worked_out)

    assert generations.kept("a count", work_out) == 1
    assert generations.kept("a count", work_out) == 1
    assert generations.kept("another count", work_out) == 2  # each key its own
    Venue.objects.update(name="Elsewhere")  # a write to any content table
    assert generations.kept("a count", work_out) == 3
    generations.forget()
    assert generations.kept("a count", work_out) == 4
