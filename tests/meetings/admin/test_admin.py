"""The back office: open to ISU editors, closed to everyone else, and able to build a programme."""

import datetime

import factories
import pytest
from admin_forms import form_data
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from meetings.models import (
    BOOKKEEPING,
    DiscussionQuestion,
    Document,
    Presentation,
    Programme,
    Session,
    Status,
)

# Revisions are made by "Publish a revision" and shown inline on their programme's page.
NOT_EDITED_ON_THEIR_OWN = {*(model.__name__ for model in BOOKKEEPING), "ProgrammeRevision"}
MODELS = sorted(
    (
        m
        for m in apps.get_app_config("meetings").get_models()
        if m.__name__ not in NOT_EDITED_ON_THEIR_OWN
    ),
    key=lambda m: m.__name__,
)


def admin_url(model, view, *args):
    return reverse(f"admin:meetings_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def one_of_each(db):
    """A row of every model an editor edits, linked as content is, so each change page shows
    its inlines and choices filled: a programme convened by an office holder and published
    once, a session serving an action with a question and a presentation (a person of an
    organisation, with its document), a State's statement and a panellist, a work plan with a
    milestone, an activity, a news post in a category and a State's obligation."""
    convention = factories.ConventionFactory()
    state = factories.StateFactory()
    organisation = factories.OrganisationFactory()
    person = factories.PersonFactory(organisation=organisation, state=state)
    mandate = factories.MandateFactory(convention=convention, state=state, person=person)
    action = factories.ActionFactory(plan__convention=convention)
    session = factories.SessionFactory(programme__meeting__convention=convention, actions=[action])
    programme, meeting = session.programme, session.programme.meeting
    programme.convened_by.add(mandate)
    factories.ProgrammeRevisionFactory(programme=programme)
    document = factories.DocumentFactory(meeting=meeting, programme=programme)
    factories.PresentationFactory(
        session=session, presenters=[person], organisations=[organisation], document=document
    )
    factories.DiscussionQuestionFactory(session=session)
    factories.StatementFactory(session=session, state=state, documents=[document])
    factories.PanellistFactory(session=session, organisation=organisation, state=state)
    factories.RecordingFactory(session=session, url="https://webtv.un.org/en/asset/test")
    work_plan = factories.WorkPlanFactory(convention=convention, document=document)
    work_plan.coordinators.add(state)
    work_plan.actions.add(action)
    factories.MilestoneFactory(work_plan=work_plan)
    activity = factories.ActivityFactory(convention=convention, meeting=meeting, document=document)
    activity.coordinators.add(state)
    activity.actions.add(action)
    factories.NewsPostFactory(meeting=meeting).categories.add(factories.NewsCategoryFactory())
    factories.ObligationFactory(convention=convention, state=state)
    factories.PartyFactory(convention=convention, state=state)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_admin_page_opens_for_an_isu_editor(one_of_each, editor_client, model):
    assert editor_client.get(admin_url(model, "changelist")).status_code == 200
    assert editor_client.get(admin_url(model, "add")).status_code == 200
    instance = model.objects.first()
    assert instance is not None, f"one_of_each makes no {model.__name__}"
    assert editor_client.get(admin_url(model, "change", instance.pk)).status_code == 200
    # Made-up text says "Test": most lists find a row by it, the others answer it all the same.
    searched = editor_client.get(admin_url(model, "changelist"), {"q": "test"})
    assert searched.status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_pages_send_anonymous_users_to_the_login(db, client, model):
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_pages_refuse_staff_outside_the_editor_group(one_of_each, client, model):
    client.force_login(factories.UserFactory(username="visitor", is_staff=True))
    assert client.get(admin_url(model, "changelist")).status_code == 403
    assert client.get(admin_url(model, "change", model.objects.first().pk)).status_code == 403


def test_editor_group_cannot_manage_users(editor_client, editor):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert not editor.has_perm("auth.change_group")
    permissions = Group.objects.get(name="ISU editor").permissions
    assert set(permissions.values_list("content_type__app_label", flat=True)) == {"meetings"}
    # + add and view programme revisions, view and change (render again) programme PDFs
    assert permissions.count() == 4 * len(MODELS) + 4
    assert not editor.has_perm("meetings.change_programmerevision")
    assert not editor.has_perm("meetings.delete_programmerevision")
    assert editor.has_perm("meetings.change_programmepdf")
    assert not editor.has_perm("meetings.delete_programmepdf")


def test_programme_page_lists_sessions_inline_with_links_and_copy_button(
    editor_client, programme, make_session
):
    sessions = [make_session(n) for n in (1, 2, 3)]
    page = editor_client.get(admin_url(Programme, "change", programme.pk)).content.decode()
    for session in sessions:
        assert session.title in page
        assert admin_url(session.__class__, "change", session.pk) in page
    assert admin_url(Programme, "copy", programme.pk) in page
    content_type = ContentType.objects.get_for_model(Programme)
    view_on_site = reverse("admin:view_on_site", args=[content_type.pk, programme.pk])
    assert view_on_site in page
    assert editor_client.get(view_on_site)["Location"].endswith(programme.get_absolute_url())


def test_session_page_edits_presentations_and_questions_inline(editor_client, make_session):
    session = make_session()
    presentation = factories.PresentationFactory(session=session)
    question = factories.DiscussionQuestionFactory(session=session)
    page = editor_client.get(admin_url(Session, "change", session.pk)).content.decode()
    assert 'name="presentations-TOTAL_FORMS"' in page
    assert 'name="questions-TOTAL_FORMS"' in page
    assert presentation.title in page
    assert question.text in page


@pytest.fixture
def programme_to_copy(programme, make_session):
    """The parallel programme with all that a copy carries, on the second day of its meeting
    (22 May 2030): sessions of several kinds, with a room or none, timed or not, serving an
    action, with questions to two audiences and presentations by people and organisations."""
    programme.background = "Test background of the programme."
    programme.save()
    room = factories.RoomFactory()
    action = factories.ActionFactory(plan__convention=programme.meeting.convention)
    make_session(1, kind=Session.Kind.OPENING, room=room)
    discussion = make_session(2, room=room, actions=[action])
    Audience = DiscussionQuestion.Audience
    factories.DiscussionQuestionFactory.create_batch(
        2, session=discussion, audience=Audience.STATES_PARTIES
    )
    factories.DiscussionQuestionFactory(session=discussion, audience=Audience.SURVIVORS)
    factories.PresentationFactory(
        session=discussion,
        kind=Presentation.Kind.SCENE_SETTING,
        presenters=factories.PersonFactory.create_batch(2),
        organisations=[factories.OrganisationFactory()],
    )
    factories.PresentationFactory(
        session=discussion, organisations=[factories.OrganisationFactory()]
    )
    make_session(3, kind=Session.Kind.BREAK)
    make_session(4, kind=Session.Kind.GROUP_WORK, start_time=None, room=room)
    return programme


def test_copy_this_programme_makes_a_complete_draft_copy(programme_to_copy, editor_client):
    original = programme_to_copy
    original.title_fr, original.focus_es = "Programme parallèle", "Enfoque"
    original.save()
    DiscussionQuestion.objects.filter(session__programme=original).update(text_fr="Question ?")
    Session.objects.filter(programme=original).update(title_es="Sesión")
    target = factories.MeetingFactory(
        convention=original.meeting.convention,
        start_date=datetime.date(2031, 5, 26),
        end_date=datetime.date(2031, 5, 30),
    )

    def shape(programme):
        return [
            (
                s.title,
                s.title_es,
                s.kind,
                s.start_time,
                s.position,
                s.room_id,
                sorted(s.actions.values_list("pk", flat=True)),
                list(s.questions.values_list("audience", "position", "text", "text_fr")),
                [
                    (p.title, p.kind, sorted(p.presenters.values_list("name", flat=True)),
                     sorted(p.organisations.values_list("acronym", flat=True)))
                    for p in s.presentations.all()
                ],
            )
            for s in programme.sessions.all()
        ]  # fmt: skip

    before = shape(original)
    response = editor_client.post(
        admin_url(Programme, "copy", original.pk), {"meeting": target.pk, "slug": ""}
    )
    copy = Programme.objects.get(meeting=target)
    assert response.status_code == 302
    assert response["Location"] == admin_url(Programme, "change", copy.pk)
    assert copy.status == Status.DRAFT
    assert (copy.title, copy.slug, copy.background) == (
        original.title,
        original.slug,
        original.background,
    )
    assert (copy.title_fr, copy.focus_es) == ("Programme parallèle", "Enfoque")
    assert shape(copy) == before
    # Day two of the old meeting (22 May 2030) is day two of the new one.
    assert set(copy.sessions.values_list("date", flat=True)) == {datetime.date(2031, 5, 27)}
    # The original is untouched.
    assert shape(original) == before


def test_copy_refuses_a_meeting_too_short_and_writes_nothing(programme_to_copy, editor_client):
    original = programme_to_copy
    short = factories.MeetingFactory(
        convention=original.meeting.convention,
        title="One-day workshop",
        start_date=datetime.date(2031, 1, 1),
        end_date=datetime.date(2031, 1, 1),
    )
    before = Programme.objects.count()
    response = editor_client.post(
        admin_url(Programme, "copy", original.pk), {"meeting": short.pk, "slug": ""}
    )
    assert response.status_code == 200
    assert "after One-day workshop ends" in response.content.decode()
    assert Programme.objects.count() == before


def test_copy_into_the_same_meeting_needs_a_new_slug(programme_to_copy, editor_client):
    original = programme_to_copy
    url = admin_url(Programme, "copy", original.pk)
    response = editor_client.post(url, {"meeting": original.meeting_id, "slug": ""})
    assert "already has a programme with the address" in response.content.decode()
    response = editor_client.post(url, {"meeting": original.meeting_id, "slug": "copy-two"})
    assert response.status_code == 302
    assert original.meeting.programmes.filter(slug="copy-two", status=Status.DRAFT).exists()


def inline_management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def programme_post(client, programme, title, session):
    """The programme's form with `title` and one new session row, typed in by hand, with the
    conflict check's copy the change page gave (a save without it is refused)."""
    [loaded_state] = form_data(client.get(admin_url(Programme, "change", programme.pk)))[
        "loaded_state"
    ]
    data = {
        "loaded_state": loaded_state,
        "meeting": programme.meeting_id,
        "title": title,
        "slug": programme.slug,
        "position": "0",
        "background": "",
        "focus": "",
        "status": "draft",
        **inline_management("sessions", 1),
        **inline_management("revisions", 0),  # read-only inline: no forms, but its management
    }
    data.update({f"sessions-0-{key}": value for key, value in session.items()})
    return data


def test_programme_with_an_invalid_session_saves_nothing(editor_client, programme):
    bad_session = {
        "position": "1",
        "date": "2030-05-22",
        "start_time": "13:00",
        "end_time": "10:00",
        "title": "Backwards",
        "slug": "backwards",
        "kind": "discussion",
    }
    response = editor_client.post(
        admin_url(Programme, "change", programme.pk),
        programme_post(editor_client, programme, "Renamed", bad_session),
    )
    assert response.status_code == 200
    assert "A session must end after it starts." in response.content.decode()
    programme.refresh_from_db()
    assert programme.title == "Parallel Programme"
    assert not programme.sessions.exists()


def test_programme_with_a_valid_session_saves_both(editor_client, programme):
    session = {
        "position": "1",
        "date": "2030-05-22",
        "start_time": "10:00",
        "end_time": "11:00",
        "title": "Opening",
        "slug": "opening",
        "kind": "opening",
    }
    response = editor_client.post(
        admin_url(Programme, "change", programme.pk),
        programme_post(editor_client, programme, "Renamed", session),
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.title == "Renamed"
    assert programme.sessions.get().title == "Opening"


def upload(editor_client, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return editor_client.post(
        admin_url(Document, "add"),
        {
            "title": "Statement",
            "kind": "statement",
            "language": "en",
            "symbol": "",
            "revision": "",
            "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
        },
    )


def test_uploaded_document_size_is_measured_not_typed(editor_client, media):
    content = b"%PDF-1.7\n" + b"x" * 5000 + b"\n%%EOF\n"
    response = upload(editor_client, '../../"evil\u202egnp.pdf', content)
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.size_bytes == len(content)
    assert document.file.name.startswith("documents/") and ".." not in document.file.name
    assert "size_bytes" not in editor_client.get(admin_url(Document, "add")).content.decode()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("statement.pdf", b"<html><script>alert(1)</script></html>", "This is not a PDF file"),
        ("statement.pdf", b"\x89PNG\r\n\x1a\n<html></html>", "This is not a PDF file"),
        ("statement.pdf", b"", "The submitted file is empty."),
        ("statement.html", b"%PDF-1.7\n", "File extension “html” is not allowed."),
    ],
)
def test_bad_uploads_are_refused_with_a_form_error_and_nothing_stored(
    editor_client, media, name, content, message
):
    response = upload(editor_client, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.exists()
    assert not any(media.rglob("*.*"))


def test_oversized_upload_is_refused_with_sizes_in_megabytes(editor_client, media, settings):
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    response = upload(editor_client, "big.pdf", b"%PDF-1.7\n" + b"x" * 1_600_000)
    assert "The file is 1.5\xa0MB; the limit is 1.0\xa0MB." in response.content.decode()
    assert not Document.objects.exists()


def test_a_file_just_over_the_limit_is_told_in_bytes_as_well(editor_client, media, settings):
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    response = upload(editor_client, "big.pdf", b"%PDF-1.7\n".ljust(1024 * 1024 + 1, b"x"))
    assert (
        "The file is 1.0\xa0MB (1,048,577 bytes); the limit is 1.0\xa0MB (1,048,576 bytes)."
        in response.content.decode()
    )


BAD_SESSION_VALUES = {
    "a day that does not exist": ({"date": "2012-02-30"}, "date", "Enter a valid date."),
    "a time past midnight": ({"start_time": "25:99"}, "start_time", "Enter a valid time."),
    "an over-long title": ({"title": "x" * 5000}, "title", "at most 300 characters"),
    "a day outside the meeting": ({"date": "2031-01-01"}, "date", "is outside the dates of"),
}


@pytest.mark.parametrize(
    "values, field, message", BAD_SESSION_VALUES.values(), ids=BAD_SESSION_VALUES.keys()
)
def test_bad_values_in_the_admin_are_form_errors_and_save_nothing(
    editor_client, make_session, values, field, message
):
    session = make_session(purpose="The purpose as it stands.")
    factories.DiscussionQuestionFactory.create_batch(2, session=session)
    factories.PresentationFactory(session=session)
    url = admin_url(Session, "change", session.pk)
    data = form_data(editor_client.get(url))
    data.update({name: [value] for name, value in values.items()})
    data["purpose"] = ["A new purpose, which must not be saved either"]

    response = editor_client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in str(errors[field])
    session.refresh_from_db()
    assert session.purpose == "The purpose as it stands."


def test_saving_a_programme_rewrites_none_of_the_sessions_left_as_they_were(
    editor_client, programme, make_session
):
    """Each inline row carries the copy it was loaded with (the conflict check); that copy is
    not a change, so rows the editor did not touch are neither saved nor kept again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sessions = [make_session(n) for n in range(1, 6)]
    url = admin_url(Programme, "change", programme.pk)
    data = form_data(editor_client.get(url))
    data["title"] = ["Retitled programme"]
    data["sessions-1-title"] = ["Retitled session"]
    with CaptureQueriesContext(connection) as queries:
        assert editor_client.post(url, data).status_code == 302
    updated = [q for q in queries if q["sql"].startswith('UPDATE "meetings_session"')]
    assert len(updated) == 1  # the retitled one, not the four left as they were
    assert Session.objects.filter(title="Retitled session").count() == 1
    assert Session.objects.filter(pk__in=[s.pk for s in sessions]).count() == 5


def test_a_session_left_as_it_was_is_still_refused_outside_its_new_meetings_dates(
    editor_client, programme, make_session
):
    """A row left as it was skips the database's own checks (its values are the stored ones),
    not its model's clean(): a programme moved to another meeting still says which of its
    sessions fall outside that meeting's dates."""
    make_session(1, date=datetime.date(2030, 5, 22))
    later = factories.MeetingFactory(
        start_date=datetime.date(2031, 5, 20), end_date=datetime.date(2031, 5, 23)
    )
    url = admin_url(Programme, "change", programme.pk)
    data = form_data(editor_client.get(url))
    data["meeting"] = [str(later.pk)]
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "is outside the dates of" in response.content.decode()
    programme.refresh_from_db()
    assert programme.meeting_id != later.pk


def test_only_the_rows_changed_are_checked_against_their_constraints(
    editor_client, programme, make_session
):
    """A row left as it was holds the stored values, which the database already holds to its
    constraints: only the changed row is checked, and its broken constraint is refused with its
    message, nothing saved."""
    from unittest import mock

    from django.db.models import CheckConstraint

    sessions = [make_session(n) for n in range(1, 4)]
    url = admin_url(Programme, "change", programme.pk)
    data = form_data(editor_client.get(url))
    data["title"] = ["Retitled programme"]
    data["sessions-1-start_time"] = ["14:00"]
    data["sessions-1-end_time"] = ["13:00"]
    checked = []

    def validate(constraint, model, instance, **kwargs):
        checked.append(instance.pk)
        return validate.original(constraint, model, instance, **kwargs)

    validate.original = CheckConstraint.validate
    with mock.patch.object(CheckConstraint, "validate", autospec=True, side_effect=validate):
        response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "A session must end after it starts." in response.content.decode()
    session_rows = {pk for pk in checked if pk in {s.pk for s in sessions}}
    assert session_rows == {sessions[1].pk}
    programme.refresh_from_db()
    assert programme.title != "Retitled programme"


def test_a_programmes_save_keeps_each_session_and_what_it_holds_in_its_history(
    editor_client, programme, make_session
):
    """The version of a programme's save holds its sessions and theirs (read at once), as they
    stand after the save."""
    from reversion.models import Version

    first, second = make_session(1), make_session(2)
    factories.DiscussionQuestionFactory(session=first, text="Who pays?")
    first.actions.add(factories.ActionFactory())
    url = admin_url(Programme, "change", programme.pk)
    data = form_data(editor_client.get(url))
    data["title"] = ["Retitled programme"]
    data["sessions-1-title"] = ["Retitled session"]
    assert editor_client.post(url, data).status_code == 302
    revision = Version.objects.get_for_object(programme).first().revision
    held = {v.object_repr: v.field_dict for v in revision.version_set.all()}
    assert held["Retitled programme"]["title"] == "Retitled programme"
    assert held["Retitled session"]["id"] == second.pk
    assert held["Session 1"]["actions"] == [first.actions.get().pk]
    assert "Who pays?" in held


def test_every_markdown_field_of_every_admin_form_checks_the_renderers_limits(rf, editor):
    from django.contrib import admin
    from markdownx.models import MarkdownxField

    from meetings.markdown import check_limits

    request = rf.get("/admin/")
    request.user = editor
    forms = [
        form
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label == "meetings"
        for form in [
            model_admin.get_form(request),
            *(
                inline.get_formset(request).form
                for inline in model_admin.get_inline_instances(request)
            ),
        ]
    ]
    checked = set()
    for form in forms:
        fields = {field.name: field for field in form._meta.model._meta.get_fields()}
        for name, formfield in form.base_fields.items():
            if isinstance(fields.get(name), MarkdownxField):
                assert check_limits in formfield.validators, f"{form._meta.model.__name__}.{name}"
                checked.add(name)
    assert {"purpose", "purpose_fr", "background", "body", "text", "summary"} <= checked


def test_a_markdown_text_past_a_limit_is_a_form_error_and_the_typing_stays(
    editor_client, make_session
):
    session = make_session(purpose="The purpose as it stands.")
    url = admin_url(Session, "change", session.pk)
    data = form_data(editor_client.get(url))
    typed = "Our purpose\n\n" + "> " * 12 + "too deep"
    data["purpose"] = [typed]
    data["title"] = ["A new title, not saved either"]

    response = editor_client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["purpose"] == [
        "Line 3 is nested 12 levels deep in quotes, lists or indentation; the limit is 8 levels."
    ]
    assert form_data(response)["purpose"] == [typed]
    session.refresh_from_db()
    assert session.purpose == "The purpose as it stands."


def test_a_programme_of_150_sessions_saves_through_its_change_form(editor_client, programme):
    factories.SessionFactory.create_batch(
        150, programme=programme, date=datetime.date(2030, 5, 22), room=None
    )
    url = admin_url(Programme, "change", programme.pk)
    data = form_data(editor_client.get(url))
    sent = sum(len(values) for values in data.values())
    assert sent > 1000  # Django's default limit, which refused such a save with a bare 400
    data["title"] = ["A programme of 150 sessions"]
    data["sessions-149-title"] = ["The last session, retitled"]

    assert editor_client.post(url, data).status_code == 302

    programme.refresh_from_db()
    assert programme.title == "A programme of 150 sessions"
    assert programme.sessions.filter(title="The last session, retitled").count() == 1
    # The largest real programmes have 300 sessions: they fit under the default limit too.
    per_session = len([name for name in data if name.startswith("sessions-0-")])
    assert sent + 150 * per_session < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS


# -- issue 19: times without seconds, who published a revision ------------------------------------


def test_session_times_show_and_take_hours_and_minutes(editor_client, make_session):
    session = make_session(start_time=datetime.time(10, 15), end_time=datetime.time(11, 30))
    url = admin_url(Session, "change", session.pk)
    response = editor_client.get(url)
    page = response.content.decode()
    assert 'value="10:15"' in page and 'value="11:30"' in page
    assert "10:15:00" not in page
    data = form_data(response)
    data.update({"start_time": "18:15", "end_time": "19:00"})
    assert editor_client.post(url, data).status_code == 302
    session.refresh_from_db()
    assert (session.start_time, session.end_time) == (datetime.time(18, 15), datetime.time(19))
    programme_page = editor_client.get(admin_url(Programme, "change", session.programme.pk))
    assert 'value="18:15"' in programme_page.content.decode()


def test_an_editor_sees_who_published_a_revision_by_name_without_a_forbidden_link(
    editor_client, editor, programme
):
    publisher = factories.UserFactory(username="ana", first_name="Ana", last_name="Publisher")
    factories.ProgrammeRevisionFactory(programme=programme, published_by=publisher)
    page = editor_client.get(admin_url(Programme, "change", programme.pk)).content.decode()
    assert "Ana Publisher" in page
    user_admin = reverse("admin:auth_user_change", args=[publisher.pk])
    assert user_admin not in page
    assert not editor.is_superuser
    assert editor_client.get(user_admin).status_code == 403  # what the link used to lead to


def test_a_session_form_saves_how_to_follow_it_and_its_recordings(editor_client, make_session):
    """Interpretation is one checkbox per UN language; recordings are rows of the session."""
    session = make_session()
    url = admin_url(Session, "change", session.pk)
    page = editor_client.get(url)
    assert page.content.count(b'type="checkbox" name="interpretation"') == 6
    data = form_data(page)
    data["remote_url"] = ["webtv.un.org/en/asset/k1test"]  # typed without its scheme: https
    data["hybrid"] = ["true"]
    data["interpretation"] = ["fr", "ar"]
    data.update(
        {
            "recordings-TOTAL_FORMS": ["2"],
            "recordings-0-kind": ["video"],
            "recordings-0-language": ["floor"],
            "recordings-0-url": ["https://webtv.un.org/en/asset/k1test"],
            "recordings-1-kind": ["audio"],
            "recordings-1-language": ["fr"],
            "recordings-1-url": ["https://conf.unog.ch/digitalrecordings/fr"],
        }
    )

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    session.refresh_from_db()
    assert session.remote_url == "https://webtv.un.org/en/asset/k1test"
    assert session.hybrid is True
    assert session.interpretation == ["ar", "fr"]
    assert [(r.kind, r.language) for r in session.recordings.all()] == [
        ("video", "floor"),
        ("audio", "fr"),
    ]


def test_a_recording_link_that_is_not_https_is_a_form_error_and_saves_nothing(
    editor_client, make_session
):
    session = make_session()
    url = admin_url(Session, "change", session.pk)
    data = form_data(editor_client.get(url))
    data["title"] = ["A new title, not saved either"]
    data["remote_url"] = ["http://webtv.un.org/en/asset/k1test"]
    data.update(
        {
            "recordings-TOTAL_FORMS": ["1"],
            "recordings-0-kind": ["video"],
            "recordings-0-language": ["floor"],
            "recordings-0-url": ["http://webtv.un.org/en/asset/k1test"],
        }
    )

    response = editor_client.post(url, data)

    assert response.status_code == 200
    message = "Enter a full web address starting with https://"
    assert message in str(response.context["adminform"].form.errors["remote_url"])
    (recordings,) = [
        f for f in response.context["inline_admin_formsets"] if "recordings" in f.formset.prefix
    ]
    assert message in str(recordings.formset.errors)
    session.refresh_from_db()
    assert session.title != "A new title, not saved either"
    assert session.remote_url == "" and not session.recordings.exists()
