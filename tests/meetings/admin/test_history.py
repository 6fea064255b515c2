"""No edit is lost (meetings/admin/history.py), proved by driving the admin as editors do: every
save is kept with who and when, a past version can be restored, deleted objects recovered, and
a save over someone else's change is refused with what they changed."""

import datetime
from unittest import mock

import factories
import pytest
from admin_forms import form_data
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from meetings.models import DiscussionQuestion, Programme, Session


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
    assert not DiscussionQuestion.objects.filter(session__programme_id=programme.pk).exists()

    recover_list = editor_client.get(reverse("admin:meetings_programme_recoverlist"))
    version = Version.objects.get_deleted(Programme).get(object_id=str(programme.pk))
    assert reverse("admin:meetings_programme_recover", args=[version.pk]) in (
        recover_list.content.decode()
    )
    recover_url = reverse("admin:meetings_programme_recover", args=[version.pk])
    assert (
        editor_client.post(recover_url, form_data(editor_client.get(recover_url))).status_code
        == 302
    )

    programme = Programme.objects.get(pk=programme.pk)
    assert sorted(programme.sessions.values_list("title", flat=True)) == sessions
    assert DiscussionQuestion.objects.filter(session__programme=programme).count() == questions


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

    mine["purpose"] = ["My new purpose"]
    response = editor_client.post(url, mine)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else changed this session after you opened it: colleague (" in page
    assert page.count("colleague (") == 1
    assert "Your changes were not saved" in page
    assert f"Title: “{old_title}” → “Retitled by a colleague”" in page
    session.refresh_from_db()
    assert session.title == "Retitled by a colleague"
    assert session.purpose != "My new purpose"

    # Having read what changed, saving the form again is a deliberate choice: it goes through.
    again = form_data(response)
    assert again["purpose"] == ["My new purpose"]
    assert editor_client.post(url, again).status_code == 302
    session.refresh_from_db()
    assert session.purpose == "My new purpose"


def test_a_session_row_changed_by_someone_else_refuses_the_programme_save(
    session, editor_client, second_editor_client
):
    url = admin_url(Programme, "change", session.programme_id)
    mine = form_data(editor_client.get(url))
    assert edit(second_editor_client, session, start_time="09:30").status_code == 302

    mine["title"] = ["My programme title"]
    response = editor_client.post(url, mine)

    assert response.status_code == 200
    assert "Someone else changed this session after you opened it" in response.content.decode()
    assert "Starts: “10:15:00” → “09:30:00”" in response.content.decode()
    session.refresh_from_db()
    assert session.start_time.strftime("%H:%M") == "09:30"
    assert session.programme.title != "My programme title"


def test_a_session_deleted_meanwhile_is_reported_not_recreated(
    session, editor_client, second_editor_client
):
    url = admin_url(Session, "change", session.pk)
    mine = form_data(editor_client.get(url))
    second_editor_client.post(admin_url(Session, "delete", session.pk), {"post": "yes"})
    response = editor_client.post(url, mine)
    assert response.status_code == 302  # the admin's own answer: the object no longer exists
    assert not Session.objects.filter(pk=session.pk).exists()


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
    page = editor_client.get(recover_url)
    assert editor_client.post(recover_url, form_data(page)).status_code == 302
    assert Session.objects.filter(pk=late.pk, title="Added later").exists()
