"""No edit is lost (meetings/admin/history.py), proved by driving the admin as editors do: every
save is kept with who and when, a past version can be restored, deleted objects recovered, and
a save over someone else's change is refused with what they changed."""

import datetime
import re
from unittest import mock

import factories
import pytest
from admin_forms import form_data
from bs4 import BeautifulSoup
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from meetings.models import DiscussionQuestion, Programme, ProgrammePDF, Session

# What the admin says to saving a programme as published before a revision of it is.
NEVER_PUBLISHED = "save it as a draft, then use “Publish a revision”"


def admin_url(model, view, *args):
    return reverse(f"admin:meetings_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def second_editor_client(db):
    client = Client()
    client.force_login(factories.EditorFactory(username="colleague"))
    return client


@pytest.fixture
def sessions(programme, make_session):
    """Two sessions of the programme, each with a presentation and three questions."""
    made = [
        make_session(1, start_time=datetime.time(10, 15), end_time=datetime.time(13)),
        make_session(2, start_time=datetime.time(15)),
    ]
    for session in made:
        factories.PresentationFactory(session=session, presenters=[factories.PersonFactory()])
        factories.DiscussionQuestionFactory.create_batch(3, session=session)
    return made


@pytest.fixture
def session(sessions):
    """The first, from 10:15 to 13:00."""
    return sessions[0]


def edit(client, obj, **changes):
    url = admin_url(type(obj), "change", obj.pk)
    data = form_data(client.get(url))
    data.update({name: [value] for name, value in changes.items()})
    return client.post(url, data)


def test_an_edit_keeps_the_state_before_it_and_after_it_with_who_and_when(
    session, editor_client, editor
):
    old_title = session.title
    assert edit(editor_client, session, title="Renamed by the editor").status_code == 302

    versions = list(Version.objects.get_for_object(session).select_related("revision__user"))
    assert [v.field_dict["title"] for v in versions] == ["Renamed by the editor", old_title]
    assert versions[0].revision.user == editor
    history = editor_client.get(admin_url(Session, "history", session.pk)).content.decode()
    assert history.count(f"/history/{versions[1].pk}/") == 1
    assert history.count(f"/history/{versions[0].pk}/") == 1


def test_reverting_restores_the_session_with_its_questions(session, editor_client):
    old_title = session.title
    old_questions = list(session.questions.values_list("text", flat=True))
    url = admin_url(Session, "change", session.pk)
    data = form_data(editor_client.get(url))
    data["title"] = ["A wrong title"]
    data["questions-0-DELETE"] = ["on"]
    assert editor_client.post(url, data).status_code == 302
    assert session.questions.count() == len(old_questions) - 1

    baseline = Version.objects.get_for_object(session).last()
    revert_url = reverse("admin:meetings_session_revision", args=[session.pk, baseline.pk])
    page = editor_client.get(revert_url)
    assert page.status_code == 200
    session.refresh_from_db()
    assert session.title == "A wrong title"  # looking at an old version changes nothing
    assert editor_client.post(revert_url, form_data(page)).status_code == 302

    session.refresh_from_db()
    assert session.title == old_title
    assert sorted(session.questions.values_list("text", flat=True)) == sorted(old_questions)


def test_a_deleted_programme_is_recovered_with_its_sessions_and_questions(
    programme, sessions, editor_client
):
    sessions = sorted(programme.sessions.values_list("title", flat=True))
    questions = DiscussionQuestion.objects.filter(session__programme=programme).count()
    url = admin_url(Programme, "delete", programme.pk)
    assert editor_client.post(url, {"post": "yes"}).status_code == 302
    assert not Programme.objects.filter(pk=programme.pk).exists()
    assert not Programme.objects.filter(working_id=programme.pk).exists()  # its published copy
    assert not DiscussionQuestion.objects.filter(session__programme_id=programme.pk).exists()
    assert Client().get(programme.get_absolute_url()).status_code == 404

    recover_list = editor_client.get(reverse("admin:meetings_programme_recoverlist"))
    version = Version.objects.get_deleted(Programme).get(object_id=str(programme.pk))
    assert reverse("admin:meetings_programme_recover", args=[version.pk]) in (
        recover_list.content.decode()
    )
    recover_url = reverse("admin:meetings_programme_recover", args=[version.pk])
    data = form_data(editor_client.get(recover_url))
    # Its published copy went with it: it comes back unpublished, as a draft.
    refused = editor_client.post(recover_url, data)
    assert refused.status_code == 200 and NEVER_PUBLISHED in refused.content.decode()
    assert not Programme.objects.filter(pk=programme.pk).exists()
    data["status"] = ["draft"]
    assert editor_client.post(recover_url, data).status_code == 302

    programme = Programme.objects.get(pk=programme.pk)
    assert (programme.edition, programme.status) == ("working", "draft")
    assert sorted(programme.sessions.values_list("title", flat=True)) == sessions
    assert DiscussionQuestion.objects.filter(session__programme=programme).count() == questions
    assert Client().get(programme.get_absolute_url()).status_code == 404


def test_a_bulk_delete_from_the_list_can_be_recovered(editor_client):
    question = factories.DiscussionQuestionFactory()
    response = editor_client.post(
        admin_url(DiscussionQuestion, "changelist"),
        {"action": "delete_selected", "_selected_action": [question.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not DiscussionQuestion.objects.filter(pk=question.pk).exists()
    version = Version.objects.get_deleted(DiscussionQuestion).get(object_id=str(question.pk))
    assert version.field_dict["text"] == question.text


def test_a_save_over_someone_elses_change_is_refused_and_says_what_they_changed(
    session, editor_client, second_editor_client
):
    url = admin_url(Session, "change", session.pk)
    mine = form_data(editor_client.get(url))  # I open the session ...
    old_title = session.title
    # ... my colleague opens it too, retitles it and saves first.
    assert edit(second_editor_client, session, title="Retitled by a colleague").status_code == 302

    mine["title"] = ["Retitled by me"]
    mine["purpose"] = ["My new purpose"]
    response = editor_client.post(url, mine)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else changed this session after you opened it: colleague (" in page
    assert page.count("colleague (") == 1
    assert "Your changes were not saved" in page
    assert f"Title: “{old_title}” → “Retitled by a colleague”" in page
    errors = response.context["adminform"].form.non_field_errors()
    assert not [e for e in errors if e.startswith("Purpose")]  # only I changed it: no conflict
    session.refresh_from_db()
    assert session.title == "Retitled by a colleague"
    assert session.purpose != "My new purpose"

    # Having read what changed, saving the form again is a deliberate choice: it goes through.
    again = form_data(response)
    assert again["title"] == ["Retitled by me"] and again["purpose"] == ["My new purpose"]
    assert editor_client.post(url, again).status_code == 302
    session.refresh_from_db()
    assert (session.title, session.purpose) == ("Retitled by me", "My new purpose")


def test_a_change_to_other_fields_than_theirs_is_saved_and_keeps_theirs(
    session, editor_client, second_editor_client
):
    url = admin_url(Session, "change", session.pk)
    mine = form_data(editor_client.get(url))
    assert edit(second_editor_client, session, title="Retitled by a colleague").status_code == 302

    mine["purpose"] = ["My new purpose"]
    assert editor_client.post(url, mine).status_code == 302

    session.refresh_from_db()
    assert (session.title, session.purpose) == ("Retitled by a colleague", "My new purpose")
    latest = LogEntry.objects.filter(object_id=str(session.pk)).first()
    assert latest.user.username != "colleague"
    assert latest.get_change_message() == "Changed Purpose."


def test_saving_again_after_a_refusal_keeps_their_change_in_fields_left_alone(
    session, editor_client, second_editor_client
):
    """The refusal lists only what both changed; the form then shows their values elsewhere,
    so "Save again" does not put back what they had changed."""
    url = admin_url(Session, "change", session.pk)
    mine = form_data(editor_client.get(url))
    changed = edit(second_editor_client, session, title="Their title", start_time="09:30")
    assert changed.status_code == 302

    mine["title"] = ["My title"]
    response = editor_client.post(url, mine)
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert [e.split(":")[0] for e in list(errors)[1:]] == ["Title"]  # not "Starts": only they did
    again = form_data(response)
    assert again["start_time"] == ["09:30"]  # the field shows hours and minutes (issue 19)
    assert again["title"] == ["My title"]

    assert editor_client.post(url, again).status_code == 302
    session.refresh_from_db()
    assert session.title == "My title"
    assert session.start_time == datetime.time(9, 30)


def test_a_session_row_changed_by_someone_else_is_kept_when_the_programme_is_saved(
    session, editor_client, second_editor_client
):
    url = admin_url(Programme, "change", session.programme_id)
    mine = form_data(editor_client.get(url))
    assert edit(second_editor_client, session, start_time="09:30").status_code == 302

    mine["title"] = ["My programme title"]
    assert editor_client.post(url, mine).status_code == 302

    session.refresh_from_db()
    assert session.start_time == datetime.time(9, 30)
    assert session.programme.title == "My programme title"


def test_a_session_row_both_changed_refuses_the_programme_save(
    session, editor_client, second_editor_client
):
    url = admin_url(Programme, "change", session.programme_id)
    mine = form_data(editor_client.get(url))
    assert edit(second_editor_client, session, start_time="09:30").status_code == 302

    mine["title"] = ["My programme title"]
    mine["sessions-0-start_time"] = ["11:00"]
    response = editor_client.post(url, mine)

    assert response.status_code == 200
    assert "Someone else changed this session after you opened it" in response.content.decode()
    assert "Starts: “10:15:00” → “09:30:00”" in response.content.decode()
    session.refresh_from_db()
    assert session.start_time == datetime.time(9, 30)
    assert session.programme.title != "My programme title"


def test_a_save_without_its_loaded_copy_is_refused_and_saving_again_keeps_the_typing(
    session, editor_client
):
    url = admin_url(Session, "change", session.pk)
    data = form_data(editor_client.get(url))
    del data["loaded_state"]
    data["title"] = ["Posted without the check"]

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "could not be checked against the saved version" in response.content.decode()
    session.refresh_from_db()
    assert session.title != "Posted without the check"
    again = form_data(response)
    assert again["title"] == ["Posted without the check"]
    assert editor_client.post(url, again).status_code == 302
    session.refresh_from_db()
    assert session.title == "Posted without the check"


def test_the_loaded_copy_of_another_object_is_refused(sessions, editor_client):
    first, second = sessions
    url = admin_url(Session, "change", second.pk)
    data = form_data(editor_client.get(url))
    data["loaded_state"] = form_data(editor_client.get(admin_url(Session, "change", first.pk)))[
        "loaded_state"
    ]
    data["title"] = ["Checked against the wrong session"]
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "could not be checked against the saved version" in response.content.decode()
    second.refresh_from_db()
    assert second.title != "Checked against the wrong session"


def test_a_session_row_deleted_meanwhile_and_left_alone_stays_deleted(
    sessions, editor_client, second_editor_client
):
    first, second = sessions
    url = admin_url(Programme, "change", first.programme_id)
    mine = form_data(editor_client.get(url))
    second_editor_client.post(admin_url(Session, "delete", first.pk), {"post": "yes"})

    mine["title"] = ["My programme title"]
    mine["sessions-1-title"] = ["Second, retitled"]
    assert editor_client.post(url, mine).status_code == 302

    programme = Programme.objects.get(pk=first.programme_id)
    assert programme.title == "My programme title"
    assert list(programme.sessions.values_list("pk", "title")) == [(second.pk, "Second, retitled")]


def test_a_session_row_deleted_meanwhile_that_i_changed_comes_back_as_a_new_row(
    sessions, editor_client, second_editor_client
):
    first, second = sessions
    url = admin_url(Programme, "change", first.programme_id)
    mine = form_data(editor_client.get(url))
    second_editor_client.post(admin_url(Session, "delete", first.pk), {"post": "yes"})

    mine["sessions-0-title"] = ["First, retitled by me"]
    response = editor_client.post(url, mine)

    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Someone else deleted the session “First, retitled by me” while you were editing it. "
        "Your version is kept below as a new row"
    ) in page
    assert not Session.objects.filter(title="First, retitled by me").exists()
    again = form_data(response)
    assert again["sessions-INITIAL_FORMS"] == ["1"]
    assert again["sessions-0-id"] == [str(second.pk)]
    assert again["sessions-1-title"] == ["First, retitled by me"]
    assert "sessions-1-id" not in again or again["sessions-1-id"] == [""]

    assert editor_client.post(url, again).status_code == 302
    titles = Session.objects.filter(programme_id=first.programme_id).values_list("title", flat=True)
    assert sorted(titles) == sorted(["First, retitled by me", second.title])
    assert not Session.objects.filter(pk=first.pk).exists()


def test_a_session_row_both_deleted_is_no_conflict(sessions, editor_client, second_editor_client):
    first, second = sessions
    url = admin_url(Programme, "change", first.programme_id)
    mine = form_data(editor_client.get(url))
    second_editor_client.post(admin_url(Session, "delete", first.pk), {"post": "yes"})
    mine["sessions-0-DELETE"] = ["on"]
    assert editor_client.post(url, mine).status_code == 302
    working = Session.objects.filter(programme_id=first.programme_id)
    assert list(working.values_list("pk", flat=True)) == [second.pk]


def test_rows_stay_matched_to_their_sessions_when_someone_reordered_them(
    sessions, editor_client, second_editor_client
):
    first, second = sessions
    url = admin_url(Programme, "change", first.programme_id)
    mine = form_data(editor_client.get(url))
    assert mine["sessions-0-id"] == [str(first.pk)]
    moved = edit(second_editor_client, first, position="5")
    assert moved.status_code == 302  # now the last

    mine["title"] = [""]  # refused for another reason: the page shows the rows again
    response = editor_client.post(url, mine)

    assert response.status_code == 200
    [sessions_inline] = [
        inline
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "sessions"
    ]
    shown = [
        (row.original.pk, int(row.form["id"].value())) for row in sessions_inline if row.original
    ]
    assert shown == [(first.pk, first.pk), (second.pk, second.pk)]


def test_a_session_deleted_meanwhile_is_offered_back_with_what_was_typed(
    session, editor_client, second_editor_client
):
    url = admin_url(Session, "change", session.pk)
    mine = form_data(editor_client.get(url))
    second_editor_client.post(url.replace("/change/", "/delete/"), {"post": "yes"})
    mine["title"] = ["My title"]
    mine["purpose"] = ["My purpose"]

    response = editor_client.post(url, mine)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else deleted this session while you were editing it. What you typed" in page
    form = BeautifulSoup(page, "html.parser").select_one("form#session_form")
    assert form["action"] == admin_url(Session, "add")
    again = form_data(response)
    assert again["title"] == ["My title"] and again["purpose"] == ["My purpose"]
    assert again["questions-INITIAL_FORMS"] == ["0"]
    typed = [k for k, v in again.items() if re.fullmatch(r"questions-\d+-text", k) and v != [""]]
    assert len(typed) == 3
    assert not Session.objects.filter(title="My title").exists()

    assert editor_client.post(admin_url(Session, "add"), again).status_code == 302
    added = Session.objects.get(title="My title")
    assert added.pk != session.pk
    assert added.purpose == "My purpose"
    assert added.questions.count() == 3
    assert added.presentations.count() == 1


def test_a_programme_deleted_meanwhile_comes_back_with_its_sessions_as_typed(
    programme, sessions, editor_client, second_editor_client
):
    factories.ProgrammeRevisionFactory(programme=programme, number=1)
    url = admin_url(Programme, "change", programme.pk)
    mine = form_data(editor_client.get(url))
    second_editor_client.post(admin_url(Programme, "delete", programme.pk), {"post": "yes"})
    mine["sessions-1-title"] = ["Second, retitled by me"]

    response = editor_client.post(url, mine)

    assert response.status_code == 200
    assert "Someone else deleted this programme while you were editing it" in (
        response.content.decode()
    )
    # Typed back as it was, published: a new programme is published by a revision only.
    refused = editor_client.post(admin_url(Programme, "add"), form_data(response))
    assert refused.status_code == 200 and NEVER_PUBLISHED in refused.content.decode()
    assert not Programme.objects.exists()
    again = form_data(refused)
    again["status"] = ["draft"]
    assert editor_client.post(admin_url(Programme, "add"), again).status_code == 302
    added = Programme.objects.get()
    assert added.pk != programme.pk
    assert sorted(added.sessions.values_list("title", flat=True)) == [
        "Second, retitled by me",
        sessions[0].title,
    ]
    assert not added.revisions.exists()  # a record of what was published is not typed back


def test_the_history_says_what_the_editor_changed_and_nothing_of_the_conflict_check(
    session, editor_client
):
    assert edit(editor_client, session, title="Renamed").status_code == 302
    url = admin_url(Programme, "change", session.programme_id)
    data = form_data(editor_client.get(url))
    data["sessions-0-title"] = ["Renamed again"]
    assert editor_client.post(url, data).status_code == 302

    messages = [e.get_change_message() for e in LogEntry.objects.order_by("action_time")]
    assert messages == ["Changed Title.", "Changed Title for session “Renamed again”."]
    comments = Version.objects.get_for_model(Programme).values_list("revision__comment", flat=True)
    assert "Changed Title for session “Renamed again”." in comments
    assert not any("loaded_state" in text for text in [*messages, *comments])


def test_a_tampered_conflict_check_is_refused_and_saves_nothing(session, editor_client):
    url = admin_url(Session, "change", session.pk)
    data = form_data(editor_client.get(url))
    data["loaded_state"] = ["forged"]
    data["title"] = ["Forged"]
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "could not be checked against the saved version" in response.content.decode()
    session.refresh_from_db()
    assert session.title != "Forged"


def test_a_failure_part_way_through_a_save_leaves_the_previous_state(session, editor_client):
    """The session and its question rows are saved in one transaction: a fault on the second
    question leaves the title and the first question as they were."""
    url = admin_url(Session, "change", session.pk)
    data = form_data(editor_client.get(url))
    old_title = session.title
    old_questions = list(session.questions.order_by("pk").values_list("text", flat=True))
    data["title"] = ["Half saved?"]
    data["questions-0-text"] = ["First question, changed"]
    data["questions-1-text"] = ["Second question, changed"]
    real_save = DiscussionQuestion.save
    calls = []

    def failing_save(self, *args, **kwargs):
        calls.append(self.pk)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_save(self, *args, **kwargs)

    editor_client.raise_request_exception = False
    with mock.patch.object(DiscussionQuestion, "save", failing_save):
        response = editor_client.post(url, data)

    assert response.status_code == 500
    assert len(calls) == 2
    session.refresh_from_db()
    assert session.title == old_title
    assert list(session.questions.order_by("pk").values_list("text", flat=True)) == old_questions


def test_publishing_and_copying_are_kept_in_history_with_their_note(
    programme, sessions, editor_client, editor
):
    factories.ProgrammeRevisionFactory(programme=programme, number=1)
    factories.ProgrammeRevisionFactory(programme=programme, number=2)
    publish = reverse("admin:meetings_programme_publish", args=[programme.pk])
    assert editor_client.post(publish, {"note": "Room changed"}).status_code == 302
    latest = Version.objects.get_for_object(programme).select_related("revision").first()
    assert latest.revision.comment == "Published revision 3: Room changed"
    assert latest.revision.user == editor

    copy = reverse("admin:meetings_programme_copy", args=[programme.pk])
    data = {"meeting": programme.meeting_id, "slug": "copied"}
    assert editor_client.post(copy, data).status_code == 302
    copied = Programme.objects.get(slug="copied")
    version = Version.objects.get_for_object(copied).select_related("revision").get()
    assert version.revision.comment.startswith("Copied from “")
    # The copy's sessions are in the same revision (by model: a presentation may share an id).
    kept = version.revision.version_set.get_for_model(Session).values_list("object_id", flat=True)
    assert sorted(kept) == sorted(str(pk) for pk in copied.sessions.values_list("pk", flat=True))
    assert len(kept) == 2


def test_recovering_a_programme_brings_back_a_session_added_after_its_last_version(
    programme, sessions, editor_client
):
    assert edit(editor_client, programme, title="Edited once").status_code == 302  # a version
    late = Session.objects.create(
        programme=programme,
        title="Added later",
        slug="added-later",
        date=programme.sessions.first().date,
    )
    url = admin_url(Programme, "delete", programme.pk)
    assert editor_client.post(url, {"post": "yes"}).status_code == 302

    version = Version.objects.get_deleted(Programme).get(object_id=str(programme.pk))
    assert version.revision.comment == "As it stood when it was deleted"
    recover_url = reverse("admin:meetings_programme_recover", args=[version.pk])
    data = form_data(editor_client.get(recover_url))
    data["status"] = ["draft"]  # its published copy went with it
    assert editor_client.post(recover_url, data).status_code == 302
    assert Session.objects.filter(pk=late.pk, title="Added later").exists()


def publish_in_the_admin(client, programme, note):
    url = reverse("admin:meetings_programme_publish", args=[programme.pk])
    assert client.post(url, {"note": note}).status_code == 302


def test_saving_a_programme_keeps_its_sessions_not_the_record_of_its_publications(
    programme, sessions, editor_client
):
    """Each save would otherwise store every revision's snapshot again: a meeting day's saves
    slower and larger with each publish."""
    for note in ("First", "Second", "Third"):
        publish_in_the_admin(editor_client, programme, note)
    assert edit(editor_client, programme, title="Renamed").status_code == 302

    (version,) = Version.objects.get_for_object(programme)[:1]
    kept = {v.content_type.model for v in version.revision.version_set.all()}
    assert {"programme", "session"} <= kept
    assert "programmerevision" not in kept


@pytest.mark.parametrize("deleted_from", ["its delete page", "the list"])
def test_a_published_programme_deleted_and_recovered_keeps_its_revisions_not_its_copies(
    programme, sessions, editor_client, deleted_from
):
    """Deleting a programme deletes its published copies and their PDFs: recovered, it is a
    draft with its sessions and the record of its revisions, none of which names a copy that
    is gone, and is published again by a new revision. Only the programme is offered for
    recovery: the copies publishing made are no content of the history."""
    publish_in_the_admin(editor_client, programme, "Room changed")
    assert Client().get(programme.get_absolute_url() + "programme.pdf").status_code == 200
    assert ProgrammePDF.objects.filter(programme__working=programme).exists()  # go with it
    if deleted_from == "the list":
        url, data = admin_url(Programme, "changelist"), {"action": "delete_selected"}
        data.update(_selected_action=[programme.pk], post="yes")
    else:
        url, data = admin_url(Programme, "delete", programme.pk), {"post": "yes"}
    assert editor_client.post(url, data).status_code == 302
    assert not Programme.objects.exists() and not ProgrammePDF.objects.exists()

    (version,) = Version.objects.get_deleted(Programme)
    assert version.object_id == str(programme.pk)
    recover_url = reverse("admin:meetings_programme_recover", args=[version.pk])
    data = form_data(editor_client.get(recover_url))
    data["status"] = ["draft"]
    assert editor_client.post(recover_url, data).status_code == 302
    with connection.cursor() as cursor:  # the foreign keys, checked now rather than at commit
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    (recovered,) = Programme.objects.all()
    assert (recovered.pk, recovered.edition, recovered.status) == (programme.pk, "working", "draft")
    assert list(recovered.revisions.values_list("number", "note", "copy")) == [
        (1, "Room changed", None)
    ]
    assert recovered.sessions.count() == 2
    public = Client()
    assert public.get(programme.get_absolute_url()).status_code == 404

    publish_in_the_admin(editor_client, recovered, "Back")
    assert list(recovered.revisions.values_list("number", flat=True)) == [2, 1]
    page = public.get(programme.get_absolute_url()).content.decode()
    assert all(session.title in page for session in sessions)


def test_reverting_to_the_version_a_publication_kept_leaves_the_published_copies_alone(
    programme, sessions, editor_client
):
    publish_in_the_admin(editor_client, programme, "First")
    kept = Version.objects.get_for_object(programme).first()
    assert edit(editor_client, sessions[0], title="Retitled").status_code == 302
    publish_in_the_admin(editor_client, programme, "Second")
    copies = {
        copy.pk: (copy.edition, sorted(copy.sessions.values_list("title", flat=True)))
        for copy in Programme.objects.filter(working=programme)
    }

    revert_url = reverse("admin:meetings_programme_revision", args=[programme.pk, kept.pk])
    page = editor_client.get(revert_url)
    assert page.status_code == 200
    assert editor_client.post(revert_url, form_data(page)).status_code == 302

    assert sessions[0].title in programme.sessions.values_list("title", flat=True)
    assert {
        copy.pk: (copy.edition, sorted(copy.sessions.values_list("title", flat=True)))
        for copy in Programme.objects.filter(working=programme)
    } == copies
    assert "Retitled" in Client().get(programme.get_absolute_url()).content.decode()
    # The record of each publication stays: reverting the content does not unpublish.
    assert list(programme.revisions.values_list("number", "note")) == [
        (2, "Second"),
        (1, "First"),
    ]
