"""The back office: open to ISU editors, closed to everyone else, and able to build a programme."""

import datetime

import pytest
from admin_forms import form_data
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from meetings.models import (
    BOOKKEEPING,
    DiscussionQuestion,
    Document,
    Meeting,
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


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_admin_page_opens_for_an_isu_editor(seeds, editor_client, model):
    assert editor_client.get(admin_url(model, "changelist")).status_code == 200
    assert editor_client.get(admin_url(model, "add")).status_code == 200
    instance = model.objects.first()
    assert instance is not None, f"the seeds hold no {model.__name__}"
    assert editor_client.get(admin_url(model, "change", instance.pk)).status_code == 200
    searched = editor_client.get(admin_url(model, "changelist"), {"q": "national"})
    assert searched.status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_pages_send_anonymous_users_to_the_login(seeds, client, model):
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_pages_refuse_staff_outside_the_editor_group(seeds, client, model, django_user_model):
    user = django_user_model.objects.create_user("visitor", password="pw-visitor-1", is_staff=True)
    client.force_login(user)
    assert client.get(admin_url(model, "changelist")).status_code == 403
    assert client.get(admin_url(model, "change", model.objects.first().pk)).status_code == 403


def test_editor_group_cannot_manage_users(editor_client, editor):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert not editor.has_perm("auth.change_group")
    permissions = Group.objects.get(name="ISU editor").permissions
    assert set(permissions.values_list("content_type__app_label", flat=True)) == {"meetings"}
    assert permissions.count() == 4 * len(MODELS) + 2  # + add and view programme revisions
    assert not editor.has_perm("meetings.change_programmerevision")
    assert not editor.has_perm("meetings.delete_programmerevision")


def test_programme_page_lists_sessions_inline_with_links_and_copy_button(seeds, editor_client):
    programme = Programme.objects.get(slug="parallel-programme-victim-assistance")
    page = editor_client.get(admin_url(Programme, "change", programme.pk)).content.decode()
    for session in programme.sessions.all():
        assert session.title in page
        assert admin_url(session.__class__, "change", session.pk) in page
    assert admin_url(Programme, "copy", programme.pk) in page
    content_type = ContentType.objects.get_for_model(Programme)
    view_on_site = reverse("admin:view_on_site", args=[content_type.pk, programme.pk])
    assert view_on_site in page
    assert editor_client.get(view_on_site)["Location"].endswith(programme.get_absolute_url())


def test_session_page_edits_presentations_and_questions_inline(seeds, editor_client):
    session = Presentation.objects.first().session
    page = editor_client.get(admin_url(session.__class__, "change", session.pk)).content.decode()
    assert 'name="presentations-TOTAL_FORMS"' in page
    assert 'name="questions-TOTAL_FORMS"' in page
    assert session.questions.first().text in page


def test_copy_this_programme_makes_a_complete_draft_copy(seeds, editor_client):
    original = Programme.objects.get(slug="parallel-programme-victim-assistance")
    original.title_fr, original.focus_es = "Programme parallèle", "Enfoque"
    original.save()
    DiscussionQuestion.objects.filter(session__programme=original).update(text_fr="Question ?")
    Session.objects.filter(programme=original).update(title_es="Sesión")
    target = Meeting.objects.create(
        convention=original.meeting.convention,
        kind="intersessional",
        title="Intersessional Meetings May 2013",
        slug="may-2013",
        start_date=datetime.date(2013, 5, 27),
        end_date=datetime.date(2013, 5, 31),
    )
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

    assert shape(copy) == shape(original)
    # Day two of the old meeting (22 May 2012) is day two of the new one.
    assert set(copy.sessions.values_list("date", flat=True)) == {datetime.date(2013, 5, 28)}
    # The original is untouched.
    assert original.sessions.count() == 8
    assert DiscussionQuestion.objects.filter(session__programme=original).count() == 8


def test_copy_refuses_a_meeting_too_short_and_writes_nothing(seeds, editor_client):
    original = Programme.objects.get(slug="parallel-programme-victim-assistance")
    short = Meeting.objects.create(
        convention=original.meeting.convention,
        kind="workshop",
        title="One-day workshop",
        slug="one-day",
        start_date=datetime.date(2014, 1, 1),
        end_date=datetime.date(2014, 1, 1),
    )
    before = Programme.objects.count()
    response = editor_client.post(
        admin_url(Programme, "copy", original.pk), {"meeting": short.pk, "slug": ""}
    )
    assert response.status_code == 200
    assert "after One-day workshop ends" in response.content.decode()
    assert Programme.objects.count() == before


def test_copy_into_the_same_meeting_needs_a_new_slug(seeds, editor_client):
    original = Programme.objects.get(slug="parallel-programme-victim-assistance")
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


def programme_post(programme, title, session):
    data = {
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
        programme_post(programme, "Renamed", bad_session),
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
        admin_url(Programme, "change", programme.pk), programme_post(programme, "Renamed", session)
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


def test_oversized_upload_is_refused(editor_client, media, settings):
    settings.DOCUMENT_MAX_BYTES = 100
    response = upload(editor_client, "big.pdf", b"%PDF-1.7\n" + b"x" * 200)
    assert "the limit is 100" in response.content.decode()
    assert not Document.objects.exists()


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
    seeds, editor_client, values, field, message
):
    session = Session.objects.exclude(questions=None).first()
    url = admin_url(Session, "change", session.pk)
    data = form_data(editor_client.get(url))
    data.update({name: [value] for name, value in values.items()})
    data["purpose"] = ["A new purpose, which must not be saved either"]

    response = editor_client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in str(errors[field])
    session.refresh_from_db()
    assert session.purpose != "A new purpose, which must not be saved either"
