"""Publishing a programme makes a numbered revision with a note; the page, the PDF and the
public Changes list say which revision they show and what changed. The seeds hold the May
2012 programme's real change: seed 001 as printed (revision 1), seed 000 as held (revision 2),
each readable with its PDF; the tests on `parallel` check it, the others build a programme of
their own (tests/factories.py)."""

import datetime
import io
import json
import re
import threading

import factories
import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from pypdf import PdfReader
from seed_sources import kept_keys, source

from meetings import queries
from meetings.models import (
    Action,
    DiscussionQuestion,
    Document,
    Meeting,
    Programme,
    ProgrammeRevision,
    Recording,
    Session,
)
from meetings.publishing import revisions, wording

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
    assert kept_keys(second.snapshot, current) == second.snapshot


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_a_snapshot_kept_before_translations_were_says_no_change_against_one_taken_now(
    parallel, language
):
    second = parallel.revisions.get(number=2)
    current = revisions.snapshot(queries.programme_page(parallel.meeting.slug, parallel.slug))
    assert "title_fr" not in second.snapshot and "title_fr" in current  # the old shape
    with translation.override(language):
        assert revisions.changes(second.snapshot, current, unchanged=[]) == []


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
    page = BeautifulSoup(Client().get(url + "changes/").content, "html.parser")
    retitled = page.select_one("#revision-3 ul.changes li")
    assert text(retitled) == (
        "Session retitled: “Group removed: Work (end of removed text) "
        "added: work in three groups (end of added text)”."
    )
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
        "“A” moved: Wednesday 22 May 2030, 10:00 → 11:00.",
        "“A” changed room: Salle B → Salle C.",
        "Question removed from “A”: “Why?”.",
        "Question added to “A”: “How?”.",
    ]


def test_a_revisions_snapshot_is_what_its_published_copy_says(parallel):
    """Publishing takes the snapshot from the working copy's rows it copies (one read): it must
    equal the snapshot of the copy read back, statements, files and translations included."""
    parallel.sessions.update(title_fr="Séance", purpose_es="Propósito")
    revision = revisions.publish(parallel, "Checked.")
    revision.refresh_from_db()
    copy = queries.programmes_in_full([revision.copy_id]).get()
    read_back = json.loads(json.dumps(revisions.snapshot(copy), cls=DjangoJSONEncoder))
    assert revision.snapshot == read_back
    assert len(read_back["sessions"]) == parallel.sessions.count() > 3


def test_publishing_asks_the_same_queries_whatever_the_number_of_sessions(programme):
    def publish_counting(note):
        with CaptureQueriesContext(connections["default"]) as queries_made:
            revisions.publish(programme, note)
        return len(queries_made)

    session = factories.SessionFactory(programme=programme, date=datetime.date(2030, 5, 22))
    factories.PresentationFactory(session=session, presenters=[factories.PersonFactory()])
    factories.DiscussionQuestionFactory(session=session)
    few = publish_counting("One session.")
    for _ in range(5):
        more = factories.SessionFactory(programme=programme, date=datetime.date(2030, 5, 22))
        factories.PresentationFactory(session=more, presenters=[factories.PersonFactory()])
        factories.DiscussionQuestionFactory(session=more)
    assert publish_counting("Six sessions.") == few


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


def text(element):
    """The words of an element as a screen reader gets them, spaces run together."""
    return re.sub(r"\s+", " ", element.get_text()).strip()


def _session(**fields):
    """A session as a snapshot holds it."""
    return {
        "title": "Group Work",
        "kind": "discussion",
        "date": "2030-05-22",
        "start": "10:00",
        "end": "12:00",
        "room": "Salle B",
        "purpose": "",
        "presenters": [],
        "documents": [],
        "questions": [],
        "actions": [],
        **fields,
    }


def _programme(sessions=None, **fields):
    """A programme as a snapshot holds it."""
    return {
        "title": "P",
        "background": "",
        "focus": "",
        "documents": [],
        "sessions": sessions or {},
        **fields,
    }


def _said(before, after):
    return revisions.changes(_programme({"1": before}), _programme({"1": after}))


def test_a_session_whose_kind_changed_says_both_kinds_by_their_names():
    assert _said(_session(), _session(kind="group_work")) == [
        "Type of “Group Work” changed: Discussion → Group work."
    ]


def test_questions_added_removed_and_reworded_are_each_quoted():
    before = _session(questions=["How can coordination be improved?", "Who pays?"])
    after = _session(
        questions=["How can coordination be improved in practice?", "Who leads the work?"]
    )
    assert _said(before, after) == [
        "Question of “Group Work” reworded: “How can coordination be improved?” → "
        "“How can coordination be improved in practice?”.",
        "Question removed from “Group Work”: “Who pays?”.",
        "Question added to “Group Work”: “Who leads the work?”.",
    ]


def test_the_same_questions_in_another_order_are_said_to_be_reordered():
    before = _session(questions=["One?", "Two?"])
    assert _said(before, _session(questions=["Two?", "One?"])) == [
        "Questions of “Group Work” put in a new order."
    ]


def test_documents_and_actions_added_and_removed_are_named():
    before = _session(documents=["Old talk (English)"], actions=["CAP #24: Test action"])
    after = _session(documents=["New talk (French)"], actions=["CAP #25: Other action"])
    assert _said(before, after) == [
        "Document removed from “Group Work”: Old talk (English).",
        "Document added to “Group Work”: New talk (French).",
        "“Group Work” no longer serves CAP #24: Test action.",
        "“Group Work” now serves CAP #25: Other action.",
    ]


def test_the_programmes_own_texts_and_documents_are_said_before_its_sessions():
    before = _programme(background="Before.", focus="Plans.", documents=["List (English)"])
    after = _programme(
        title="P, revised",
        background="After.",
        focus="National plans.",
        documents=["List (English)", "Agenda (English)"],
    )
    assert revisions.changes(before, after) == [
        "Programme retitled: “P” → “P, revised”.",
        "Background changed: “Before.” → “After.”.",
        "Focus changed: “Plans.” → “National plans.”.",
        "Document added to the programme: Agenda (English).",
    ]


def test_a_snapshot_from_before_a_key_was_kept_says_nothing_changed_there():
    """Revisions published before snapshots kept kinds, purposes, documents and actions (the
    seed fixtures' among them) compare with newer ones without a change being made up."""
    old = {key: value for key, value in _session().items() if key in OLD_SESSION_KEYS}
    new = _session(kind="break", purpose="New.", documents=["Talk (English)"], actions=["A"])
    assert revisions.changes({"title": "P", "sessions": {"1": old}}, _programme({"1": new})) == [
        "No change to the sessions (the note says what changed)."
    ]


OLD_SESSION_KEYS = {"title", "date", "start", "end", "room", "presenters", "questions"}


def test_a_retitle_gives_the_words_removed_and_inserted():
    [said] = _said(_session(), _session(title="Group work in three groups"))
    assert said == "Session retitled: “Group Work” → “Group work in three groups”."
    assert isinstance(said, str)
    assert said.segments == (
        ("equal", "Session retitled: “Group "),
        ("delete", "Work"),
        ("insert", "work in three groups"),
        ("equal", "”."),
    )


def test_a_reworded_question_marks_only_the_words_put_in():
    before = _session(questions=["What can States Parties do to be more inclusive?"])
    after = _session(
        questions=["What can States Parties do to be more inclusive in implementation?"]
    )
    [said] = _said(before, after)
    assert [(op, part) for op, part in said.segments if op != "equal"] == [
        ("insert", " in implementation")
    ]


def test_a_long_purpose_is_cut_to_the_words_around_each_change():
    words = [f"word{n}" for n in range(60)]
    before = " ".join(words)
    after = " ".join(["Changed" if w == "word30" else w for w in words])
    [said] = _said(_session(purpose=before), _session(purpose=after))
    assert said.segments == (
        ("equal", "Purpose of “Group Work” changed: “… word24 word25 word26 word27 word28 word29 "),
        ("delete", "word30"),
        ("insert", "Changed"),
        ("equal", " word31 word32 word33 word34 word35 word36 …”."),
    )
    assert "word10" not in said and "word50" not in said  # the plain sentence is cut too
    assert said == (
        "Purpose of “Group Work” changed: “… word24 word25 word26 word27 word28 word29 word30 "
        "word31 word32 word33 word34 word35 word36 …” → “… word24 word25 word26 word27 word28 "
        "word29 Changed word31 word32 word33 word34 word35 word36 …”."
    )


@pytest.mark.parametrize(
    "old, new",
    [
        ("the fox jumps", "the fox"),
        ("the fox", "the fox jumps"),
        ("in implementation?", "in the implementation of national plans?"),
        ("First paragraph.\n\nSecond one here.", "First paragraph.\n\nSecond one there, now."),
        ("", "A whole new text."),
        ("A whole old text.", ""),
    ],
)
def test_the_segments_give_back_the_old_and_the_new_text(old, new):
    segments = wording.word_diff(old, new)
    assert "".join(part for op, part in segments if op != "insert") == old
    assert "".join(part for op, part in segments if op != "delete") == new


def test_a_phrase_replaced_reads_as_one_removal_and_one_insertion():
    [said] = _said(_session(title="The quick brown fox"), _session(title="The slow red fox"))
    assert said.segments[1:3] == (("delete", "quick brown"), ("insert", "slow red"))


def test_a_plain_change_is_one_unchanged_segment():
    [said] = _said(_session(), _session(room="Salle C"))
    assert said.segments == (("equal", "“Group Work” changed room: Salle B → Salle C."),)


def test_moves_and_added_sessions_give_dates_and_times_in_english_words():
    after = _session(date="2030-05-24", start="15:00", end=None)
    assert _said(_session(), after) == [
        "“Group Work” moved: Wednesday 22 May 2030, 10:00–12:00 → Friday 24 May 2030, 15:00."
    ]
    added = revisions.changes(_programme(), _programme({"1": _session()}))
    assert added == ["Session added: “Group Work” (Wednesday 22 May 2030, 10:00–12:00)."]
    undated = _session(date=None, start=None, end=None)
    assert _said(undated, _session()) == [
        "“Group Work” moved: day to be confirmed → Wednesday 22 May 2030, 10:00–12:00."
    ]


@pytest.mark.parametrize(
    "language, said",
    [
        (
            "fr",
            "«\u00a0Group Work\u00a0» déplacée\u00a0: mercredi 22 mai 2030, "
            "10\u00a0h\u00a0– 12\u00a0h → vendredi 24 mai 2030, 15\u00a0h.",
        ),
        (
            "es",
            "«Group Work» cambió de horario: miércoles 22 de mayo de 2030, 10:00–12:00 → "
            "viernes 24 de mayo de 2030, 15:00.",
        ),
    ],
)
def test_moves_are_told_in_the_active_language_with_its_month_names(language, said):
    with translation.override(language):
        assert _said(_session(), _session(date="2030-05-24", start="15:00", end=None)) == [said]


@pytest.fixture
def changed(programme, make_session, editor):
    """The programme published with a session "Group Work", whose working copy then changed
    in every way a delegate reads (not yet published)."""
    session = make_session(title="Group Work", slug="group-work", purpose="Share what works.")
    question = factories.DiscussionQuestionFactory(
        session=session, text="What can States Parties do to be more inclusive?"
    )
    factories.DiscussionQuestionFactory(session=session, text="Who pays for the work?")
    listed = factories.DocumentFactory(title="Test list of participants", programme=programme)
    revisions.publish(programme, "First.", editor)
    Session.objects.filter(pk=session.pk).update(
        title="Group work in three groups",
        kind=Session.Kind.GROUP_WORK,
        purpose="Share what works in practice.",
        start_time=datetime.time(15),
    )
    question.text = "What can States Parties do to be more inclusive in implementation?"
    question.save()
    DiscussionQuestion.objects.filter(session=session, text="Who pays for the work?").delete()
    DiscussionQuestion.objects.create(
        session=session, text="Which States have a national plan?", position=9
    )
    session.actions.add(factories.ActionFactory(title="Test action"))
    Document.objects.filter(pk=listed.pk).update(programme=None)
    Programme.objects.filter(pk=programme.pk).update(background="A new background.")
    return programme


def test_every_change_to_the_working_copy_is_listed_before_publishing(changed):
    said = revisions.unpublished_changes(changed)
    action = str(Action.objects.get(title="Test action"))
    assert said == [
        "Background changed: “” → “A new background.”.",
        "Document removed from the programme: Test list of participants (English).",
        "Session retitled: “Group Work” → “Group work in three groups”.",
        "Type of “Group work in three groups” changed: Discussion → Group work.",
        "“Group work in three groups” moved: Wednesday 22 May 2030, 10:00 → 15:00.",
        "Purpose of “Group work in three groups” changed: “Share what works.” → "
        "“Share what works in practice.”.",
        "Question of “Group work in three groups” reworded: “What can States Parties do to be "
        "more inclusive?” → “What can States Parties do to be more inclusive in "
        "implementation?”.",
        "Question removed from “Group work in three groups”: “Who pays for the work?”.",
        "Question added to “Group work in three groups”: “Which States have a national plan?”.",
        f"“Group work in three groups” now serves {action}.",
    ]


def _marked(page, selector):
    """The words removed and inserted in the changes list at `selector`, as a screen reader
    reads them (labels included) and as the eye sees them (labels hidden)."""
    changes = page.select_one(selector)
    assert changes is not None, selector
    for mark in changes.select("del, ins"):
        hidden = mark.select(".visually-hidden")
        assert len(hidden) == 2  # "removed:" ... "(end of removed text)"
    read = [text(mark) for mark in changes.select("del, ins")]
    for label in changes.select(".visually-hidden"):
        label.decompose()
    seen = [(mark.name, text(mark)) for mark in changes.select("del, ins")]
    return read, seen


def test_the_admin_page_of_a_changed_programme_marks_words_removed_and_added(
    changed, editor_client
):
    response = editor_client.get(f"/admin/meetings/programme/{changed.pk}/change/")
    page = BeautifulSoup(response.content, "html.parser")
    read, seen = _marked(page, ".unpublished-changes ul.changes")
    assert ("del", "Work") in seen and ("ins", "work in three groups") in seen
    assert ("ins", "in practice") in seen  # the purpose
    assert ("ins", "in implementation") in seen  # the question
    assert "removed: Work (end of removed text)" in read
    assert "added: work in three groups (end of added text)" in read


def test_the_changes_page_marks_words_removed_and_added_once_published(changed, editor, client):
    revisions.publish(changed, "Second.", editor)
    url = changed.get_absolute_url() + "changes/"
    page = BeautifulSoup(client.get(url).content, "html.parser")
    read, seen = _marked(page, "#revision-2 ul.changes")
    assert ("del", "Work") in seen and ("ins", "work in three groups") in seen
    assert "added: in implementation (end of added text)" in read
    moved = "“Group work in three groups” moved: Wednesday 22 May 2030, 10:00 → 15:00."
    assert moved in [text(li) for li in page.select("#revision-2 ul.changes li")]
    french = BeautifulSoup(client.get("/fr" + url).content, "html.parser")
    said = [text(li) for li in french.select("#revision-2 ul.changes li")]  # no-break spaces
    assert "« Group work in three groups » déplacée : mercredi 22 mai 2030, 10 h → 15 h." in said
    assert any("supprimé : Work (fin du texte supprimé)" in line for line in said)


def test_the_feed_writes_the_labels_where_no_style_sheet_hides_them(changed, editor, client):
    revisions.publish(changed, "Second.", editor)
    feed = client.get("/meetings/changes.atom").content.decode()
    assert "[removed: &lt;del&gt;Work&lt;/del&gt;]" in feed
    assert "[added: &lt;ins&gt;work in three groups&lt;/ins&gt;]" in feed


def test_the_working_copy_banner_marks_words_removed_and_added(changed, editor_client):
    page = BeautifulSoup(editor_client.get(changed.get_absolute_url()).content, "html.parser")
    read, seen = _marked(page, ".draft-banner ul.changes")
    assert ("del", "Work") in seen and ("ins", "work in three groups") in seen


def test_the_staff_pdf_preview_writes_the_labels_it_cannot_hide(changed):
    from meetings.publishing import pdf

    [working] = queries.programmes_in_full([changed.pk])
    html = pdf.programme_html(working)
    assert "[removed: <del>Work</del>][added: <ins>work in three groups</ins>]" in html
    assert "visually-hidden" not in html


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

    def snapshot(*args, **kwargs):
        if threading.current_thread().name == "second":
            second_read_the_number.set()
        else:
            for _ in range(500):  # a bound on waiting, not on the result
                if second_has_caught_up():
                    break
                threading.Event().wait(0.02)
        return real_snapshot(*args, **kwargs)

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


# An ISO date, or a clock time with a colon (not French style).
ISO_OR_COLON = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}")


@pytest.mark.parametrize(
    ("language", "added", "moved"),
    [
        (
            "fr",
            "Séance ajoutée\u00a0: «\u00a0Group Work\u00a0» (mardi 22 mai 2012).",
            "«\u00a0Group Work\u00a0» déplacée\u00a0: jeudi 24 mai 2012, 10\u00a0h → 15\u00a0h.",
        ),
        (
            "es",
            "Sesión añadida: «Group Work» (martes 22 de mayo de 2012).",
            "«Group Work» cambió de horario: jueves 24 de mayo de 2012, 10:00 → 15:00.",
        ),
    ],
)
def test_the_change_list_writes_days_and_times_in_words_never_iso(language, added, moved):
    undated = _session(date="2012-05-22", start=None, end=None)
    at_ten = _session(date="2012-05-24", start="10:00", end=None)
    with translation.override(language):
        [said_added] = revisions.changes(_programme(), _programme({"1": undated}))
        [said_moved] = _said(at_ten, {**at_ten, "start": "15:00"})
    assert (said_added, said_moved) == (added, moved)
    if language == "fr":
        assert not ISO_OR_COLON.search(said_added + said_moved)


# -- the Changes list in the page's language ----------------------------------------------------


def _french(text):
    """French `text` as the catalogue writes it: a no-break space inside « » and before : ?"""
    return re.sub(r"« | »| :| \?", lambda m: m.group().replace(" ", "\u00a0"), text)


def _html(said):
    """A sentence as the Changes list shows it (templates/meetings/_changes.html, labels
    shown): its segments, English standing in for a translation marked."""
    return "".join(str(part) for _op, part in said.segments)


@pytest.mark.django_db
def test_a_snapshot_keeps_each_language_of_titles_questions_documents_and_delegations(
    programme, make_session
):
    session = make_session(title="Group Work", title_fr="Travail de groupe", purpose="Aim.")
    factories.DiscussionQuestionFactory(session=session, text="Why?", text_fr="Pourquoi venir")
    document = factories.DocumentFactory(title="List", language="fr")
    factories.PresentationFactory(session=session, document=document)
    algeria = factories.StateFactory(iso_code="DZ")
    factories.StatementFactory(session=session, state=algeria)
    with translation.override("fr"):  # the language the editor happens to read in
        entry = revisions.session_entry(
            queries.programmes_in_full([programme.pk]).get().sessions.get()
        )
    assert (entry["title"], entry["title_fr"], entry["title_es"]) == (
        "Group Work",
        "Travail de groupe",
        "",
    )
    assert (entry["questions"], entry["questions_fr"]) == (["Why?"], ["Pourquoi venir"])
    assert entry["documents"] == ["List (French)"]  # in English, as snapshots always kept it
    assert entry["document_files"] == [["List", "fr"]]
    [(group, names, behalf)] = entry["speakers"]
    assert (names["en"], names["fr"], behalf) == ("Algeria", "Algérie", None)
    assert entry["statements"] == [[group, "Algeria"]]


def _sessions(**fields):
    """A programme snapshot of one session "Group Work", with `fields`."""
    return _programme({"1": _session(**fields)})


def test_a_french_page_says_a_change_with_the_french_titles_and_questions():
    translated = {"title_fr": "Travail de groupe", "title_es": ""}
    before = _sessions(
        **translated, questions=["Who?"], questions_fr=["Qui vient"], questions_es=[""]
    )
    after = _sessions(
        **translated,
        questions=["Who?", "Why?"],
        questions_fr=["Qui vient", "Pourquoi venir"],
        questions_es=["", ""],
    )
    with translation.override("fr"):
        [said] = revisions.changes(before, after)
        assert said == _french("Question ajoutée à « Travail de groupe » : « Pourquoi venir ».")
        assert "lang=" not in _html(said)
    with translation.override("es"):  # no Spanish: the English, marked
        [said] = revisions.changes(before, after)
        assert "Group Work" in said and "Why?" in said
        html = _html(said)
        assert '<span lang="en" data-untranslated>Group Work</span>' in html
        assert '<span lang="en" data-untranslated>Why?</span>' in html


def test_a_snapshot_kept_in_english_only_shows_its_english_marked_on_a_french_page():
    before = _sessions(purpose="Old aim.")
    after = _sessions(purpose="New aim.")
    with translation.override("fr"):
        [said] = revisions.changes(before, after)
    html = _html(said)
    assert html.startswith(
        _french('Objectif de « <span lang="en" data-untranslated>Group Work</span> »')
    )
    assert ("delete", '<span lang="en" data-untranslated>Old</span>') in [
        (op, str(part)) for op, part in said.segments
    ]
    with translation.override("en"):
        [said] = revisions.changes(before, after)
    assert "lang=" not in _html(said)  # English on an English page is not marked


def test_a_translation_added_later_is_not_a_change_against_an_english_only_snapshot():
    old_shape = _sessions()
    new_shape = _sessions(title_fr="Travail de groupe", title_es="", questions_fr=[])
    for language in ("en", "fr", "es"):
        with translation.override(language):
            assert revisions.changes(old_shape, new_shape, unchanged=[]) == []


def test_a_documents_language_is_named_in_the_pages_language():
    before = _sessions(documents=[], document_files=[])
    after = _sessions(documents=["List (English)"], document_files=[["List", "en"]])
    with translation.override("fr"):
        [said] = revisions.changes(before, after)
    assert said == _french("Document ajouté à « Group Work » : List (anglais).")
    marked = _french('Document ajouté à « <span lang="en" data-untranslated>Group Work</span> » : ')
    assert marked in _html(said)
    assert '<span lang="en">List</span> (anglais)' in _html(said)


def test_a_delegation_is_named_and_on_behalf_of_said_in_the_pages_language():
    unicef = {"en": "UNICEF", "fr": "", "es": ""}
    algeria = {"en": "Algeria", "fr": "Algérie", "es": "Argelia"}
    before = _sessions(statements=[], speakers=[])
    after = _sessions(
        statements=[[3, "Algeria on behalf of UNICEF"]], speakers=[[3, algeria, unicef]]
    )
    with translation.override("fr"):
        [said] = revisions.changes(before, after)
    assert "Algérie au nom de UNICEF" in said
    with translation.override("es"):
        [said] = revisions.changes(before, after)
    assert "Argelia" in said and "Algeria" not in said
    assert '<span lang="en" data-untranslated>UNICEF</span>' in _html(said)


REMOTE = {"remote_url": "", "hybrid": None, "interpretation": [], "recordings": []}


def test_a_changed_remote_link_interpretation_and_recordings_are_each_said():
    before = _session(**REMOTE)
    after = _session(
        remote_url="https://webtv.un.org/en/asset/k1",
        hybrid=False,
        interpretation=["ar", "fr"],
        recordings=[["audio", "fr", "https://conf.unog.ch/fr"]],
    )
    assert _said(before, after) == [
        "Link to follow “Group Work” remotely changed: none → https://webtv.un.org/en/asset/k1.",
        "Hybrid participation in “Group Work” changed: as its programme → no.",
        "Interpretation of “Group Work” changed: as its programme → Arabic, French.",
        "Recording added to “Group Work”: Audio (UN Geneva Digital Recordings Portal), French "
        "(https://conf.unog.ch/fr).",
    ]
    programme = {"remote_url": "", "hybrid": False, "interpretation": []}
    hybrid = {**programme, "hybrid": True, "interpretation": ["en"]}
    assert revisions.changes(_programme(**programme), _programme(**hybrid)) == [
        "Hybrid participation in the programme changed: no → yes.",
        "Interpretation of the programme changed: none → English.",
    ]


def test_a_snapshot_from_before_remote_participation_was_kept_says_nothing_of_it():
    new = _session(
        remote_url="https://webtv.un.org/en/asset/k1",
        hybrid=True,
        interpretation=["fr"],
        recordings=[["video", "floor", "https://webtv.un.org/en/asset/k1"]],
    )
    assert _said(_session(), new) == ["No change to the sessions (the note says what changed)."]


def test_recordings_are_published_with_the_revision_and_discarding_puts_them_back(programme):
    session = factories.SessionFactory(programme=programme, title="Recorded")
    Recording.objects.create(session=session, kind="video", url="https://webtv.un.org/en/a")
    session.remote_url = "https://webtv.un.org/en/live"
    session.save()
    revisions.publish(programme, "Recorded.")
    public = Session.objects.public().get(uid=session.uid)
    assert public.remote_url == "https://webtv.un.org/en/live"
    assert [r.url for r in public.recordings.all()] == ["https://webtv.un.org/en/a"]
    sequence = public.sequence
    Recording.objects.create(session=session, kind="audio", url="https://conf.unog.ch/floor")
    assert Recording.objects.public().filter(session__uid=session.uid).count() == 1
    revisions.discard(programme)
    assert [r.url for r in session.recordings.all()] == ["https://webtv.un.org/en/a"]
    # A recording published later changes the session's calendar event: SEQUENCE rises.
    Recording.objects.create(session=session, kind="audio", url="https://conf.unog.ch/floor")
    revision = revisions.publish(programme, "Floor audio.")
    public = Session.objects.public().get(uid=session.uid)
    assert public.sequence == sequence + 1
    assert revision.snapshot["sessions"][str(session.uid)]["recordings"] == [
        ["video", "floor", "https://webtv.un.org/en/a"],
        ["audio", "floor", "https://conf.unog.ch/floor"],
    ]


def test_a_programme_copied_into_another_meeting_leaves_its_recordings_behind(
    programme, other_meeting
):
    from meetings import copying

    session = factories.SessionFactory(programme=programme)
    Recording.objects.create(session=session, kind="video", url="https://webtv.un.org/en/a")
    copy = copying.copy_programme(programme, other_meeting)
    assert copy.sessions.count() == 1
    assert not Recording.objects.filter(session__programme=copy).exists()
