"""The content version is bumped by the database itself (meetings/db_triggers.py), whatever
writes the content: the caches can trust it."""

import pytest
from django.db import connection
from django.utils import timezone

from meetings.db_triggers import MEETING_TABLES, content_tables
from meetings.models import (
    ContentVersion,
    DiscussionQuestion,
    Document,
    Mandate,
    Meeting,
    MeetingVersion,
    Presentation,
    Programme,
    ProgrammePDF,
    ProgrammeRevision,
    Room,
    Session,
)


@pytest.fixture
def version():
    def read():
        return ContentVersion.current()

    return read


@pytest.mark.django_db
@pytest.mark.parametrize(
    "write",
    [
        lambda: Meeting.objects.update(title="Retitled"),  # no save(), no signal
        lambda: Session.objects.filter(pk=Session.objects.first().pk).delete(),
        lambda: DiscussionQuestion.objects.bulk_create(
            [DiscussionQuestion(session=Session.objects.first(), text="New?")]
        ),
        lambda: Session.objects.exclude(actions=None).first().actions.clear(),  # many-to-many
        lambda: connection.cursor().execute("UPDATE meetings_venue SET city = 'Genève'"),
    ],
    ids=["update", "delete", "bulk_create", "many-to-many", "raw SQL"],
)
def test_every_way_of_writing_content_bumps_the_version(seeds, version, write):
    before = version()
    write()
    assert version() > before


@pytest.mark.django_db
def test_the_caches_own_bookkeeping_does_not_bump_it(seeds, version):
    from meetings.models import Programme

    before = version()
    ProgrammePDF.objects.create(
        programme=Programme.objects.first(),
        fingerprint="x",
        state=ProgrammePDF.State.FAILED,
        started_at=timezone.now(),
    )
    ProgrammePDF.objects.update(error="")
    assert version() == before


@pytest.mark.django_db
def test_the_version_row_comes_back_after_a_flush(db, version, convention):
    ContentVersion.objects.all().delete()
    assert version() == 0
    Meeting.objects.filter(pk=0).update(title="nothing")  # a statement touching no row
    convention.full_name = "Changed"
    convention.save()
    assert version() >= 1


def test_every_content_model_table_is_watched():
    tables = set(content_tables())
    assert {"meetings_session", "meetings_session_actions", "meetings_programmerevision"} <= tables
    assert not {"meetings_contentversion", "meetings_meetingversion"} & tables
    assert "meetings_programmepdf" not in tables
    assert set(MEETING_TABLES) <= tables


# -- the version of each meeting, and of what all meetings share ---------------------------------

SEED_MEETING = "intersessional-meetings-may-2012"


@pytest.fixture
def versions():
    """{name: number} of the seed meeting, another meeting, what they share, and everything."""

    def read():
        meetings = dict(MeetingVersion.objects.values_list("meeting__slug", "number"))
        row = ContentVersion.objects.get(pk=1)
        return {
            "seed meeting": meetings.get(SEED_MEETING, 0),
            "other meeting": meetings.get("other", 0),
            "shared": row.shared,
            "all": row.number,
        }

    return read


def _seed_session():
    return Session.objects.filter(programme__meeting__slug=SEED_MEETING).first()


def _seed_presentation():
    return Presentation.objects.filter(session__programme__meeting__slug=SEED_MEETING).first()


# One write per table inside a meeting, each to the seed meeting's rows only.
WRITES_INSIDE_A_MEETING = {
    "meetings_meeting": lambda: Meeting.objects.filter(slug=SEED_MEETING).update(title="New"),
    "meetings_programme": lambda: Programme.objects.filter(meeting__slug=SEED_MEETING).update(
        title="New"
    ),
    "meetings_programme_convened_by": lambda: (
        Programme.objects.filter(meeting__slug=SEED_MEETING)
        .first()
        .convened_by.add(Mandate.objects.first())
    ),
    "meetings_programmerevision": lambda: ProgrammeRevision.objects.filter(
        programme__meeting__slug=SEED_MEETING
    ).update(note="New"),
    "meetings_session": lambda: Session.objects.filter(pk=_seed_session().pk).delete(),
    "meetings_session_actions": lambda: (
        Session.objects.filter(programme__meeting__slug=SEED_MEETING)
        .exclude(actions=None)
        .first()
        .actions.clear()
    ),
    "meetings_presentation": lambda: Presentation.objects.filter(pk=_seed_presentation().pk).update(
        title="New"
    ),
    "meetings_discussionquestion": lambda: DiscussionQuestion.objects.bulk_create(
        [DiscussionQuestion(session=_seed_session(), text="New?")]
    ),
    "meetings_presentation_presenters": lambda: _seed_presentation().presenters.clear(),
    "meetings_presentation_organisations": lambda: _seed_presentation().organisations.clear(),
}


def test_every_table_inside_a_meeting_has_a_write_below():
    assert set(WRITES_INSIDE_A_MEETING) == set(MEETING_TABLES)


@pytest.mark.django_db
@pytest.mark.parametrize("table", sorted(WRITES_INSIDE_A_MEETING))
def test_a_write_inside_a_meeting_bumps_that_meeting_only(other_meeting, versions, table):
    before = versions()
    WRITES_INSIDE_A_MEETING[table]()
    after = versions()
    assert after["seed meeting"] > before["seed meeting"]
    assert after["all"] > before["all"]
    assert after["other meeting"] == before["other meeting"]
    assert after["shared"] == before["shared"]


@pytest.mark.django_db
def test_moving_a_session_to_another_meeting_bumps_both(other_meeting, versions):
    before = versions()
    session = _seed_session()
    session.programme = other_meeting.programmes.get()
    session.date = other_meeting.start_date
    session.save()
    after = versions()
    assert after["seed meeting"] > before["seed meeting"]
    assert after["other meeting"] > before["other meeting"]
    assert after["shared"] == before["shared"]


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
def test_a_write_outside_any_meeting_bumps_what_all_share(other_meeting, versions, write):
    before = versions()
    write()
    after = versions()
    assert after["shared"] > before["shared"] and after["all"] > before["all"]


@pytest.mark.django_db
def test_a_statement_touching_no_row_bumps_no_meeting(other_meeting, versions):
    before = versions()
    Session.objects.filter(pk=0).update(title="nothing")
    after = versions()
    assert (after["seed meeting"], after["other meeting"]) == (
        before["seed meeting"],
        before["other meeting"],
    )


@pytest.mark.django_db(transaction=True)
def test_a_step_back_over_the_versions_migration_and_forward_keeps_writes_counted(seeds):
    """Deploying and rolling back: each schema state has the triggers that fit its columns, so
    a content write never fails, and `shared` starts past every number seen before."""
    from django.core.management import call_command

    call_command("migrate", "meetings", "0010", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT number FROM meetings_contentversion")
        (before,) = cursor.fetchone()
        cursor.execute("UPDATE meetings_session SET title = title")
        cursor.execute("UPDATE meetings_venue SET city = city")
        cursor.execute("SELECT number FROM meetings_contentversion")
        (after,) = cursor.fetchone()
    assert after > before
    call_command("migrate", verbosity=0)
    Session.objects.update(title="Again")
    row = ContentVersion.objects.get(pk=1)
    assert row.number > after and row.shared > after
    assert MeetingVersion.objects.filter(meeting__slug=SEED_MEETING).exists()


@pytest.mark.django_db(transaction=True)
def test_two_editors_writing_in_crossed_order_both_succeed(other_meeting):
    """On PostgreSQL writers take turns (meetings/db_triggers.py): one editor saving in meeting
    A then B while another saves in B then A would otherwise lock each other's rows in a
    circle, and PostgreSQL would fail one of them."""
    import threading
    import time

    from django.db import connections, transaction

    seed, other = SEED_MEETING, other_meeting.slug
    first_wrote = threading.Event()
    errors = []

    def edit(first, second, wait_for=None, then_signal=None):
        try:
            with transaction.atomic():
                if wait_for is not None:
                    wait_for.wait(5)
                Session.objects.filter(programme__meeting__slug=first).update(title="Edited")
                if then_signal is not None:
                    then_signal.set()
                    time.sleep(0.5)  # the other editor starts its own write meanwhile
                Session.objects.filter(programme__meeting__slug=second).update(title="Edited")
        except Exception as error:  # noqa: BLE001 - the test reports it
            errors.append(error)
        finally:
            connections.close_all()

    editors = [
        threading.Thread(target=edit, args=(seed, other), kwargs={"then_signal": first_wrote}),
        threading.Thread(target=edit, args=(other, seed), kwargs={"wait_for": first_wrote}),
    ]
    for editor in editors:
        editor.start()
    for editor in editors:
        editor.join(30)
    assert errors == []
    assert set(Session.objects.values_list("title", flat=True)) == {"Edited"}
