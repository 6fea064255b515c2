"""The generated archive (meetings/content/archive.py) and its command, generate_archive."""

import io

import factories
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from meetings.caching import generations
from meetings.content import archive
from meetings.models import (
    DiscussionQuestion,
    Document,
    Meeting,
    Presentation,
    Programme,
    Session,
)

SMALL = {"years": 2, "meetings": 3, "programmes": 2, "sessions": 9, "first_year": 2001}


def generate(**options):
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_archive", **{**SMALL, **options}, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_generates_the_sizes_asked_for_and_says_so_in_one_line(meeting):
    meetings_before = Meeting.objects.count()
    version = generations.count_everything()
    out, err = generate()
    assert Meeting.objects.count() - meetings_before == 2 * 3
    assert archive.existing().count() == 6
    # Staff's working copies; each published one (all but one in 25: here the first of each
    # year) published once, which made the copy delegates read.
    working = Programme.objects.filter(meeting__slug__startswith="archive-", edition="working")
    assert working.count() == 12
    assert working.filter(status="draft").count() == 2
    published = Programme.objects.public().filter(meeting__slug__startswith="archive-")
    assert published.count() == 10
    assert {p.working_id for p in published} == set(
        working.filter(status="published").values_list("pk", flat=True)
    )
    assert Session.objects.public().filter(programme__in=published).count() == 10 * 9
    sessions = Session.objects.filter(programme__in=working)
    assert sessions.count() == 12 * 9
    assert DiscussionQuestion.objects.filter(session__in=sessions).count() == 12 * 9 * 3
    assert Presentation.objects.filter(session__in=sessions).count() == 12 * 9 * 2
    assert Document.objects.filter(symbol__startswith="GEN/").count() == 12
    assert out.count("\n") == 1
    assert out.startswith("Generated 6 meetings, 12 programmes, 108 sessions, 324 questions,")
    assert "meeting" in err  # the progress bar
    assert generations.count_everything() > version  # stored PDFs know to check again


@pytest.mark.django_db
def test_every_generated_session_lies_within_its_meeting_and_serves_actions(db):
    actions = factories.ActionFactory.create_batch(3)  # actions already there are served
    generate(sessions=30)
    sessions = Session.objects.filter(
        programme__meeting__slug__startswith="archive-"
    ).select_related("programme__meeting")
    for session in sessions:
        meeting = session.programme.meeting
        assert meeting.start_date <= session.date <= meeting.end_date
        assert session.start_time < session.end_time
    assert not sessions.filter(actions=None).exists()
    assert not sessions.exclude(actions__in=actions).exists()


@pytest.mark.django_db
def test_generated_content_says_it_is_generated_and_the_meetings_already_there_stay(meeting):
    before = set(Meeting.objects.values_list("slug", flat=True))
    generate()
    assert before <= set(Meeting.objects.values_list("slug", flat=True))
    for meeting in archive.existing():
        assert meeting.title.startswith("Generated meeting")


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_archive(db):
    generate(seed=7)
    first = list(Session.objects.order_by("pk").values_list("title", "room__name"))
    generate(seed=7, replace=True)
    again = list(Session.objects.order_by("pk").values_list("title", "room__name"))
    assert first == again


@pytest.mark.django_db
def test_a_second_run_is_refused_unless_asked_to_replace(db):
    generate()
    count = Session.objects.count()
    with pytest.raises(CommandError, match="already there. Pass --replace"):
        generate()
    assert Session.objects.count() == count
    generate(replace=True)
    assert Session.objects.count() == count
    assert archive.existing().count() == 6


@pytest.mark.django_db
@pytest.mark.parametrize(
    "options, message",
    [
        ({"years": 0}, "--years must be between 1 and 100, not 0"),
        ({"sessions": 100_000}, "--sessions must be between 1 and 200"),
        ({"first_year": 10}, "--first-year must be between 1990 and 2100"),
    ],
)
def test_sizes_out_of_bounds_are_refused_before_anything_is_written(db, options, message):
    with pytest.raises(CommandError, match=message):
        generate(**options)
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_a_failure_half_way_leaves_nothing_behind(db, monkeypatch):
    calls = []
    real = archive._meeting

    def fails_on_the_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(archive, "_meeting", fails_on_the_third)
    with pytest.raises(RuntimeError):
        generate()
    assert not archive.existing().exists()
    assert not Document.objects.filter(symbol__startswith="GEN/").exists()


@pytest.mark.django_db
def test_the_generated_pages_and_search_work(client, db):
    generate()
    session = Session.objects.filter(
        programme__meeting__slug__startswith="archive-", programme__status="published"
    ).first()
    for url in [
        session.programme.meeting.get_absolute_url(),
        session.programme.get_absolute_url(),
        session.get_absolute_url(),
    ]:
        assert client.get(url).status_code == 200, url
    response = client.get("/search/", {"q": session.title, "kind": "sessions"})
    assert session.get_absolute_url() in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_after_a_bulk_load_postgresql_tables_are_vacuumed_and_analysed():
    def last_vacuum():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'meetings_session'"
            )
            return cursor.fetchone()[0]

    before = last_vacuum()
    archive.refresh_statistics()
    after = last_vacuum()
    assert after is not None and (before is None or after > before)
