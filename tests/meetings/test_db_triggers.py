"""The content version is bumped by the database itself (meetings/db_triggers.py), whatever
writes the content: the caches can trust it."""

import pytest
from django.db import connection
from django.utils import timezone

from meetings.db_triggers import content_tables
from meetings.models import (
    ContentVersion,
    DiscussionQuestion,
    Meeting,
    ProgrammePDF,
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
    assert not {"meetings_contentversion", "meetings_programmepdf"} & tables
