"""Backup and restore (meetings/content/backup.py, export_content, import_content): the round
trip loses nothing, and a damaged or hostile backup is refused with nothing restored and no file
left."""

import io
import json
import zipfile

import factories
import pytest
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from meetings.caching import generations
from meetings.content import backup
from meetings.models import Meeting, Programme, ProgrammeRevision

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def export(path):
    out = io.StringIO()
    call_command("export_content", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def restore(path):
    out = io.StringIO()
    call_command("import_content", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def everything():
    """Every content object and account, serialised, and every uploaded file's bytes."""
    from django.contrib.auth import get_user_model

    objects = {}
    for model in [get_user_model(), *backup.content_models()]:
        objects[model._meta.label_lower] = serializers.serialize(
            "python",
            model.objects.order_by("pk"),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=model is get_user_model(),
        )
    files = {name: default_storage.open(name).read() for name in backup._media_files()}
    return objects, files


def wipe():
    """Back to an empty installation: no content, no accounts, no files (migrations' data stays)."""
    from django.contrib.auth import get_user_model

    for model in reversed(backup.content_models()):
        model.objects.all().delete()
    get_user_model().objects.all().delete()
    for name in backup._media_files():
        default_storage.delete(name)


@pytest.fixture
def full_site(editor):
    """A row of every content model, linked as on a real site (every relation and
    many-to-many filled, translations too), an uploaded PDF and editor image, and a revision
    published by an editor."""
    convention = factories.ConventionFactory()
    state = factories.StateFactory()
    organisation = factories.OrganisationFactory()
    person = factories.PersonFactory(organisation=organisation, state=state)
    room = factories.RoomFactory()
    action = factories.ActionFactory(plan__convention=convention)
    meeting = factories.MeetingFactory(
        convention=convention, venue=room.venue, title_fr="Réunion de test"
    )
    mandate = factories.MandateFactory(convention=convention, state=state, person=person)
    programme = factories.ProgrammeFactory(meeting=meeting, background="Test background.")
    programme.convened_by.set([mandate])
    session = factories.SessionFactory(programme=programme, room=room, actions=[action])
    document = factories.DocumentFactory(meeting=meeting, programme=programme)
    factories.DocumentFactory(meeting=meeting, file=None)  # one whose file we do not hold
    factories.PresentationFactory(
        session=session, presenters=[person], organisations=[organisation], document=document
    )
    factories.DiscussionQuestionFactory(session=session, text_es="¿Pregunta de prueba?")
    work_plan = factories.WorkPlanFactory(convention=convention, document=document)
    work_plan.coordinators.set([state])
    work_plan.actions.set([action])
    factories.MilestoneFactory(work_plan=work_plan)
    activity = factories.ActivityFactory(convention=convention, meeting=meeting, document=document)
    activity.coordinators.set([state])
    activity.actions.set([action])
    factories.ObligationFactory(convention=convention, state=state)
    post = factories.NewsPostFactory(meeting=meeting)
    post.categories.set([factories.NewsCategoryFactory()])
    factories.ProgrammeRevisionFactory(
        programme=programme, published_by=editor, snapshot={"title": programme.title}
    )
    default_storage.save("markdownx/photo.png", ContentFile(PNG))
    empty = [m.__name__ for m in backup.content_models() if not m.objects.exists()]
    assert empty == [], "the backup is to carry a row of every content model"
    return document


@pytest.mark.django_db
def test_a_backup_restored_into_an_empty_installation_loses_nothing(full_site, tmp_path):
    before = everything()
    assert before[1], "files are part of the backup"
    out = export(tmp_path / "backup.zip")
    assert out.startswith("Backed up ") and "and 2 files" in out and out.count("\n") == 1

    wipe()
    assert not Meeting.objects.exists() and not backup._media_files()
    version = generations.count_everything()
    out = restore(tmp_path / "backup.zip")
    assert out.startswith("Restored ") and "and 2 files" in out and out.count("\n") == 1

    assert everything() == before
    assert generations.count_everything() > version
    assert Group.objects.get(name="ISU editor").user_set.filter(username="editor").exists()


@pytest.mark.django_db
def test_a_restore_leaves_an_account_already_there_as_it_is(full_site, tmp_path, django_user_model):
    export(tmp_path / "backup.zip")
    wipe()
    admin = django_user_model.objects.create_user("editor", password="the-new-one-1")
    out = restore(tmp_path / "backup.zip")
    assert "1 accounts were already here" in out
    admin.refresh_from_db()
    assert admin.check_password("the-new-one-1")
    assert ProgrammeRevision.objects.filter(published_by=admin).exists()


@pytest.mark.django_db
def test_a_restore_into_an_installation_with_content_is_refused(full_site, tmp_path):
    export(tmp_path / "backup.zip")
    before = everything()
    with pytest.raises(CommandError, match="already holds content .* restore into an empty one"):
        restore(tmp_path / "backup.zip")
    assert everything() == before


def rewrite(source, target, change):
    """A copy of the backup `source` with `change(members)` applied to its {name: bytes}."""
    with zipfile.ZipFile(source) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    change(members)
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return target


def edit_content(edit):
    def change(members):
        records = json.loads(members["content.json"])
        edit(records)
        members["content.json"] = json.dumps(records).encode()

    return change


def first(records, model):
    return next(record for record in records if record["model"] == model)


BAD_BACKUPS = {
    "not a zip": lambda members: members.update({"__raw__": b"not a zip"}),
    "no manifest": lambda members: members.pop("manifest.json"),
    "damaged json": lambda members: members.update({"content.json": b"[{"}),
    "other format": lambda members: members.update({"manifest.json": b'{"format": 99}'}),
    "path traversal": lambda members: members.update({"media/../../evil.pdf": PDF}),
    "absolute path": lambda members: members.update({"media//etc/cron.d/evil": PDF}),
    "outside the upload folders": lambda members: members.update({"media/tmp/x.pdf": PDF}),
    "stray file": lambda members: members.update({"settings.py": b"DEBUG = True"}),
    "an account's group that is not site content": edit_content(
        lambda records: records.append({"model": "auth.group", "fields": {"name": "root"}})
    ),
    "an admin log entry": edit_content(
        lambda records: records.append({"model": "admin.logentry", "pk": 1, "fields": {}})
    ),
    "an invalid time zone": edit_content(
        lambda records: first(records, "meetings.meeting")["fields"].update(
            {"time_zone": "Mars/Olympus_Mons"}
        )
    ),
    "an over-long title": edit_content(
        lambda records: first(records, "meetings.meeting")["fields"].update({"title": "x" * 5000})
    ),
    "a broken reference": edit_content(
        lambda records: first(records, "meetings.session")["fields"].update({"programme": 999})
    ),
    "an unknown field": edit_content(
        lambda records: first(records, "meetings.session")["fields"].update({"nope": 1})
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("damage", BAD_BACKUPS.values(), ids=BAD_BACKUPS.keys())
def test_a_damaged_or_hostile_backup_restores_nothing(full_site, tmp_path, damage):
    good = tmp_path / "good.zip"
    export(good)
    wipe()

    def change(members):
        damage(members)

    bad = rewrite(good, tmp_path / "bad.zip", change)
    if b"not a zip" in bad.read_bytes() and zipfile.is_zipfile(bad):
        bad.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="^Nothing was restored. "):
        restore(bad)
    assert not Meeting.objects.exists()
    assert not Programme.objects.exists()
    assert backup._media_files() == []
    assert not (tmp_path.parent / "evil.pdf").exists()


@pytest.mark.django_db
def test_a_failure_while_writing_the_files_leaves_none_behind(full_site, tmp_path, monkeypatch):
    export(tmp_path / "backup.zip")
    wipe()
    real_save = default_storage.save
    saved = []

    def fails_on_the_second(name, content, **kwargs):
        if saved:
            raise OSError("disk full")
        saved.append(real_save(name, content, **kwargs))
        return saved[-1]

    monkeypatch.setattr(default_storage, "save", fails_on_the_second)
    with pytest.raises(CommandError, match="Nothing was restored"):
        restore(tmp_path / "backup.zip")
    assert saved and backup._media_files() == []
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_a_missing_backup_file_is_named(db, tmp_path):
    with pytest.raises(CommandError, match="There is no file .*missing.zip"):
        restore(tmp_path / "missing.zip")


@pytest.mark.django_db
def test_an_export_that_fails_keeps_the_previous_backup_whole(full_site, tmp_path, monkeypatch):
    path = tmp_path / "backup.zip"
    export(path)
    previous = path.read_bytes()
    monkeypatch.setattr(backup, "_media_files", lambda: ["documents/vanished.pdf"])
    with pytest.raises(FileNotFoundError):
        export(path)
    assert path.read_bytes() == previous
    assert not list(tmp_path.glob("*.partial"))


@pytest.mark.django_db
def test_an_export_into_a_missing_folder_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="There is no folder"):
        export(tmp_path / "nowhere" / "backup.zip")
