"""Publishing a programme makes a numbered revision with a note; the page, the PDF and the
public Changes list say which revision they show and what changed. The seeds hold the May
2012 programme's real change: seed 001 as printed (revision 1), seed 000 as held (revision 2),
each readable with its PDF; the tests on `parallel` check it, the others build a programme of
their own (tests/factories.py)."""

import datetime
import io
import re
import threading

import factories
import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connections
from django.test import Client
from pypdf import PdfReader
from seed_sources import source

from meetings import queries
from meetings.models import Meeting, Programme, ProgrammeRevision
from meetings.publishing import revisions

PARALLEL = "/meetings/intersessional-meetings-may-2012/parallel-programme-victim-assistance/"


@pytest.fixture
def parallel(seeds):
    return Programme.objects.get(slug="parallel-programme-victim-assistance", edition="working")


@pytest.fixture
def published(programme, make_session):
    """The programme with a session "Group Work", published twice: revision 2 is the last."""
    make_session(title="Group Work", slug="group-work")
    factories.ProgrammeRevisionFactory(
        programme=programme,
        number=1,
        published_at=datetime.datetime(2030, 5, 21, 10, tzinfo=datetime.UTC),
    )
    factories.ProgrammeRevisionFactory(
        programme=programme,
        number=2,
        published_at=datetime.datetime(2030, 5, 22, 16, tzinfo=datetime.UTC),
    )
    return programme


@pytest.fixture
def url(published):
    return published.get_absolute_url()


def test_revision_one_is_the_printed_programme_and_two_the_page_after(parallel):
    first, second = parallel.revisions.order_by("number")
    printed = re.findall(r"Scene-setting presentation: (\w+)", source("001"))
    sessions = sorted(first.snapshot["sessions"].values(), key=lambda s: s["start"] or "99")
    assert [p for s in sessions for p in s["presenters"]] == printed == ["ICBL", "ICRC"]
    assert "Group Work" not in {s["title"] for s in sessions}
    current = revisions.snapshot(queries.programme_page(parallel.meeting.slug, parallel.slug))
    assert second.snapshot == current


INCLUSIVE = "What can States Parties do to be more inclusive in implementation?"


def sessions_one_and_two(page):
    """The parts of a programme page showing session one and session two."""
    one = page.index('id="session-coordination-national-plans"')
    two = page.index('id="session-monitoring-national-plans"')
    end = page.index('id="session-participatory-exercise"')
    assert one < two < end
    return page[one:two], page[two:end]


def test_revision_one_reads_as_the_printed_programme(parallel, client):
    response = client.get(PARALLEL + "changes/1/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Revision 1 of 2, read only." in page
    assert f'<a href="{PARALLEL}">See the current programme</a>' in page
    one, two = sessions_one_and_two(page)
    assert "(ICBL)" in one and "(ICRC)" not in one and "Claude Tardif" not in one
    assert "(ICRC)" in two and "(ICBL)" not in two and "Loren Persi" not in two
    assert INCLUSIVE in one and INCLUSIVE in source("001")
    assert "Session One" not in page and "Group Work" not in page
    assert "List of Participants" not in page


def test_revision_two_reads_as_the_page_after_the_meeting_and_is_the_current_one(parallel, client):
    page = client.get(PARALLEL + "changes/2/").content.decode()
    assert "Revision 2 of 2, read only." in page
    assert f'<a href="{PARALLEL}">This is the current revision: see the programme</a>' in page
    one, two = sessions_one_and_two(page)
    assert "Claude Tardif" in one and "(ICRC)" in one and "(ICBL)" not in one
    assert "Loren Persi" in two and "(ICBL)" in two and "(ICRC)" not in two
    assert INCLUSIVE not in page and INCLUSIVE not in source("000")
    assert "Session One: Coordination" in page and "Group Work" in page
    assert "List of Participants" in page


def test_there_is_no_revision_three(parallel, client):
    assert client.get(PARALLEL + "changes/3/").status_code == 404
    assert client.get(PARALLEL + "changes/3/programme.pdf").status_code == 404


def test_the_current_programme_page_shows_revision_two(parallel, client):
    page = client.get(PARALLEL).content.decode()
    assert "Revision 2, published" in page
    one, two = sessions_one_and_two(page)
    assert "Claude Tardif" in one and "(ICBL)" not in one
    assert "Loren Persi" in two and "(ICRC)" not in two
    assert INCLUSIVE not in page and "Group Work" in page


def pdf_text(response):
    data = b"".join(response.streaming_content) if response.streaming else response.content
    pages = PdfReader(io.BytesIO(data)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


@pytest.mark.parametrize(
    ("number", "presenters"),
    [
        (1, ["(ICBL)", "(ICRC)"]),
        (2, ["Claude Tardif", "(ICRC)", "Loren Persi and Margaret Arach Orech", "(ICBL)"]),
    ],
)
def test_each_revision_has_its_pdf_with_its_presenters_in_order(
    parallel, client, number, presenters
):
    response = client.get(PARALLEL + f"changes/{number}/programme.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert f"Revision {number}, published" in text
    timetable = text[text.index("Programme – Tuesday 22 May 2012") :]
    position = 0
    for name in presenters:
        position = timetable.index(name, position) + len(name)
    assert timetable.count("(ICBL)") == timetable.count("(ICRC)") == 1
    assert ("Claude Tardif" in text) == (number == 2)


def test_the_changes_page_shows_the_real_change_of_may_2012(parallel, client):
    page = client.get(PARALLEL + "changes/").content.decode()
    assert "Revision 2" in page and "Revision 1" in page
    assert page.index("Revision 2") < page.index("Revision 1")  # newest first
    assert (
        "Presenters of “Session One: Coordination in the Implementation of National Plans” "
        "changed: ICBL → Claude Tardif, ICRC." in page
    )
    assert "Session added: “Group Work”" in page
    assert "First published." in page


def test_the_page_and_the_pdf_say_which_revision_they_show(url, client):
    page = client.get(url).content.decode()
    assert "Revision 2, published" in page and "22 May 2030" in page
    assert url + "changes/" in page
    response = client.get(url + "programme.pdf")
    reader = PdfReader(io.BytesIO(response.content))  # a small file: answered whole
    assert "Revision 2, published 22 May 2030" in reader.pages[0].extract_text()


def test_an_editor_publishes_revision_three_from_the_admin(published, url, editor_client, editor):
    session = published.sessions.get(slug="group-work")
    session.title = "Group work in three groups"
    session.save()
    publish = f"/admin/meetings/programme/{published.pk}/publish/"
    assert b"revision 3" in editor_client.get(publish).content
    response = editor_client.post(publish, {"note": "Group work retitled."}, follow=True)
    assert "as revision 3" in response.content.decode()
    revision = published.revisions.get(number=3)
    assert revision.published_by == editor and revision.note == "Group work retitled."
    changes = Client().get(url + "changes/").content.decode()
    assert "Session retitled: “Group Work” → “Group work in three groups”." in changes
    assert "Revision 3, published" in Client().get(url).content.decode()


def test_publishing_a_draft_makes_it_public(programme, editor_client):
    url = programme.get_absolute_url()
    Programme.objects.filter(pk=programme.pk).update(status="draft")
    assert Client().get(url).status_code == 404
    editor_client.post(f"/admin/meetings/programme/{programme.pk}/publish/", {"note": "Out."})
    assert Client().get(url).status_code == 200


@pytest.mark.parametrize("note", ["", "   ", "x" * 301])
def test_a_revision_needs_a_short_note_and_nothing_is_saved_without_one(
    published, editor_client, note
):
    response = editor_client.post(
        f"/admin/meetings/programme/{published.pk}/publish/", {"note": note}
    )
    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert published.revisions.count() == 2


def test_publishing_is_refused_to_anonymous_users_and_staff_without_the_right(published, client):
    url = f"/admin/meetings/programme/{published.pk}/publish/"
    response = client.post(url, {"note": "x"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    staff = factories.UserFactory(username="clerk", is_staff=True)
    client.force_login(staff)
    assert client.post(url, {"note": "x"}).status_code == 403
    assert published.revisions.count() == 2
    staff.groups.add(Group.objects.get(name="ISU editor"))
    assert client.post(url, {"note": "x"}).status_code == 302


def test_the_changes_of_a_draft_are_404(published, url, client):
    assert client.get(url + "changes/").status_code == 200
    Programme.objects.filter(pk=published.pk).update(status="draft")
    assert client.get(url + "changes/").status_code == 404


def test_changes_name_moves_rooms_removals_and_questions():
    session = {
        "title": "A",
        "date": "2030-05-22",
        "start": "10:00",
        "end": None,
        "room": "Salle B",
        "presenters": [],
        "questions": ["Why?"],
    }
    before = {"title": "P", "sessions": {"1": session, "2": {**session, "title": "Gone"}}}
    moved = {**session, "start": "11:00", "room": "Salle C", "questions": ["How?"]}
    after = {"title": "P", "sessions": {"1": moved}}
    assert revisions.changes(before, after) == [
        "Session removed: “Gone”.",
        "“A” moved: 2030-05-22 10:00 → 2030-05-22 11:00.",
        "“A” changed room: Salle B → Salle C.",
        "Questions of “A” changed.",
    ]


def test_revision_numbers_are_unique_in_a_programme(programme):
    from django.db import IntegrityError, transaction

    factories.ProgrammeRevisionFactory(programme=programme, number=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeRevision.objects.create(programme=programme, number=2, note="again", snapshot={})


def test_added_and_removed_sessions_are_listed_in_the_order_of_the_timetable():
    def session(title, date, start):
        return {"title": title, "date": date, "start": start, "end": None, "room": None,
                "presenters": [], "questions": []}  # fmt: skip

    later = session("Later", "2030-05-22", "15:00")
    earlier = session("Earlier", "2030-05-22", "09:00")
    first_day = session("First day", "2030-05-21", "16:00")
    before = {"title": "P", "sessions": {"9": session("Kept", "2030-05-21", "09:00")}}
    for keys in (["1", "2", "3"], ["3", "2", "1"]):  # whatever order the ids come in
        added = dict(zip(keys, [later, earlier, first_day], strict=True))
        said = revisions.changes(
            before, {"title": "P", "sessions": {**before["sessions"], **added}}
        )
        assert [line.split("“")[1].split("”")[0] for line in said] == [
            "First day",
            "Earlier",
            "Later",
        ]
        said = revisions.changes({"title": "P", "sessions": added}, before)
        removed = [line for line in said if line.startswith("Session removed")]
        assert [line.split("“")[1].split("”")[0] for line in removed] == [
            "First day",
            "Earlier",
            "Later",
        ]


def _publish_url(programme):
    return f"/admin/meetings/programme/{programme.pk}/publish/"


@pytest.fixture
def in_draft_meeting(programme):
    Meeting.objects.filter(pk=programme.meeting_id).update(status="draft")
    return programme


def test_publishing_in_a_draft_meeting_says_so_and_publishes_nothing(
    in_draft_meeting, editor_client
):
    response = editor_client.post(_publish_url(in_draft_meeting), {"note": "Out."})
    page = response.content.decode()
    assert response.status_code == 200
    assert "is a draft, so delegates would not see this programme" in page
    assert "Publish the meeting too" in page
    assert in_draft_meeting.revisions.count() == 0
    assert Client().get(in_draft_meeting.get_absolute_url()).status_code == 404


def test_publishing_in_a_draft_meeting_can_publish_the_meeting_too(in_draft_meeting, editor_client):
    response = editor_client.post(
        _publish_url(in_draft_meeting), {"note": "Out.", "publish_meeting": "on"}, follow=True
    )
    assert "as revision 1" in response.content.decode()
    assert Meeting.objects.get(pk=in_draft_meeting.meeting_id).status == "published"
    assert Client().get(in_draft_meeting.get_absolute_url()).status_code == 200


def test_who_may_not_publish_meetings_is_told_to_ask_and_cannot_tick_it(in_draft_meeting):
    clerk = factories.UserFactory(username="publisher", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="add_programmerevision"))
    client = Client()
    client.force_login(clerk)
    assert b"Publish the meeting too" not in client.get(_publish_url(in_draft_meeting)).content
    response = client.post(_publish_url(in_draft_meeting), {"note": "x", "publish_meeting": "on"})
    assert "you may not publish meetings" in response.content.decode()
    assert Meeting.objects.get(pk=in_draft_meeting.meeting_id).status == "draft"
    assert in_draft_meeting.revisions.count() == 0


def test_a_meeting_set_back_to_draft_is_never_published_over(in_draft_meeting):
    with pytest.raises(revisions.MeetingIsDraft):
        revisions.publish(in_draft_meeting, "Out.")
    assert in_draft_meeting.revisions.count() == 0
    assert Programme.objects.get(pk=in_draft_meeting.pk).status == "published"


@pytest.mark.django_db(transaction=True)
def test_two_editors_publishing_at_once_get_consecutive_revisions(programme, monkeypatch):
    """The first publish holds its transaction open until the second is either waiting on the
    programme's row lock (seen in pg_stat_activity) or, were there no lock, has read the same
    last number: only the lock gives two numbers."""
    second_read_the_number = threading.Event()
    real_snapshot = revisions.snapshot

    def second_has_caught_up():
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # fresh inside the transaction
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND datname = current_database()"
            )
            return cursor.fetchone()[0] > 0 or second_read_the_number.is_set()

    def snapshot(full):
        if threading.current_thread().name == "second":
            second_read_the_number.set()
        else:
            for _ in range(500):  # a bound on waiting, not on the result
                if second_has_caught_up():
                    break
                threading.Event().wait(0.02)
        return real_snapshot(full)

    monkeypatch.setattr(revisions, "snapshot", snapshot)
    results = {}

    def publish(name):
        try:
            results[name] = revisions.publish(programme, f"From the {name} editor.").number
        except Exception as error:  # noqa: BLE001 - the assertion shows it
            results[name] = error
        finally:
            connections.close_all()

    first = threading.Thread(target=publish, args=("first",), name="first")
    second = threading.Thread(target=publish, args=("second",), name="second")
    first.start()
    second_is_due = threading.Timer(0.1, second.start)
    second_is_due.start()
    first.join()
    second_is_due.join()
    second.join()
    assert sorted(results.values()) == [1, 2], results
    assert sorted(programme.revisions.values_list("number", flat=True)) == [1, 2]
