"""Backup and restore (meetings/content/backup.py, export_content, import_content): the round
trip loses nothing, the edit history included, and a damaged or malformed backup is refused
with a message naming the entry and object, nothing restored and no file left. Hostile
archives (zip bombs, lying sizes, duplicate entries) are tried in tests/faults/."""

import io
import json
import re
import zipfile

import factories
import pytest
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from reversion.models import Revision, Version

from meetings.admin import history
from meetings.caching import generations
from meetings.content import backup, states
from meetings.models import Meeting, Programme, ProgrammeRevision, State

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
    for model in backup.backed_up_models():
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

    for model in reversed([*backup.content_models(), *backup.history_models()]):
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
    factories.StatementFactory(
        session=session, state=state, on_behalf_of_organisation=organisation, documents=[document]
    )
    factories.PanellistFactory(session=session, organisation=organisation, state=state)
    factories.RecordingFactory(session=session)
    work_plan = factories.WorkPlanFactory(convention=convention, document=document)
    work_plan.coordinators.set([state])
    work_plan.actions.set([action])
    factories.MilestoneFactory(work_plan=work_plan)
    activity = factories.ActivityFactory(convention=convention, meeting=meeting, document=document)
    activity.coordinators.set([state])
    activity.actions.set([action])
    factories.ObligationFactory(convention=convention, state=state)
    factories.PartyFactory(convention=convention, state=state)
    post = factories.NewsPostFactory(meeting=meeting)
    post.categories.set([factories.NewsCategoryFactory()])
    factories.ProgrammeRevisionFactory(
        programme=programme, published_by=editor, snapshot={"title": programme.title}
    )
    default_storage.save("markdownx/photo.png", ContentFile(PNG))
    history.keep_state(programme, editor, "Test edit")  # the edit history: a revision
    models = [*backup.content_models(), *backup.history_models()]
    empty = [m.__name__ for m in models if not m.objects.exists()]
    assert empty == [], "the backup is to carry a row of every content model and the history"
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
def test_a_backup_restores_into_a_new_installation_holding_the_migrations_states(
    full_site, tmp_path
):
    State.objects.filter(iso_code="FR").update(name_fr="La France")  # an edit the backup holds
    before = everything()
    export(tmp_path / "backup.zip")
    wipe()
    states.load(State)  # what migration 0017 gives every installation
    assert State.objects.count() == len(states.dataset())
    out = restore(tmp_path / "backup.zip")
    assert out.startswith("Restored ")
    assert everything() == before
    assert State.objects.get(iso_code="FR").name_fr == "La France"


@pytest.mark.django_db
def test_the_edit_history_is_backed_up_and_restored_with_its_author(full_site, tmp_path):
    revision = Revision.objects.get()
    versions = sorted(Version.objects.values_list("object_id", "serialized_data"))
    assert versions and revision.user.username == "editor"
    out = export(tmp_path / "backup.zip")
    assert f"the edit history's {len(versions)} versions among them" in out
    wipe()
    out = restore(tmp_path / "backup.zip")
    assert f"the edit history's {len(versions)} versions among them" in out
    restored = Revision.objects.get()
    assert (restored.comment, restored.user.username) == ("Test edit", "editor")
    assert restored.date_created == revision.date_created
    assert sorted(Version.objects.values_list("object_id", "serialized_data")) == versions


@pytest.mark.django_db
def test_the_manifest_and_the_output_name_what_is_left_out(full_site, tmp_path):
    out = export(tmp_path / "backup.zip")
    with zipfile.ZipFile(tmp_path / "backup.zip") as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert {"content.json", "history.json"} <= set(archive.namelist())
    assert manifest["left_out"] and manifest["objects"]["reversion.version"] > 0
    assert "Left out: rendered programme PDFs" in out
    assert all(what in out for what in manifest["left_out"])


@pytest.mark.django_db
def test_a_backup_made_before_the_history_was_kept_restores(full_site, tmp_path):
    export(tmp_path / "backup.zip")
    old = rewrite(tmp_path / "backup.zip", tmp_path / "old.zip", lambda m: m.pop("history.json"))
    wipe()
    out = restore(old)
    assert "the edit history's 0 versions" in out
    assert Meeting.objects.exists() and not Version.objects.exists()


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
    '"fields": "x"': edit_content(
        lambda records: first(records, "meetings.meeting").update({"fields": "x"})
    ),
    "no model": edit_content(lambda records: first(records, "meetings.meeting").pop("model")),
    "a list for a title": edit_content(
        lambda records: first(records, "meetings.meeting")["fields"].update({"title": ["x"]})
    ),
    "an object for a reference": edit_content(
        lambda records: first(records, "meetings.session")["fields"].update({"programme": {}})
    ),
    "an object for a pk": edit_content(
        lambda records: first(records, "meetings.meeting").update({"pk": {"a": 1}})
    ),
    "a string for the objects": lambda members: members.update({"content.json": b'"x"'}),
    "a number for an object": edit_content(lambda records: records.insert(3, 7)),
    "a version among the content": edit_content(
        lambda records: records.append({"model": "reversion.version", "fields": {}})
    ),
    "content among the history": lambda members: members.update(
        {"history.json": b'[{"model": "meetings.meeting", "pk": 1, "fields": {}}]'}
    ),
    "a broken history": lambda members: members.update({"history.json": b"[{"}),
    "a version of a revision not held": lambda members: members.update(
        {"history.json": _versions_without_their_revision(members["history.json"])}
    ),
}


def _versions_without_their_revision(data):
    return json.dumps(
        [record for record in json.loads(data) if record["model"] != "reversion.revision"]
    ).encode()


# What the operator reads for some of them: the entry and the object, in words.
MESSAGES = {
    '"fields": "x"': r'Object \d+ of content.json \(a meetings.meeting, pk \d+\): its "fields"',
    "no model": r"Object \d+ of content.json \(an object, pk \d+\) does not say which model",
    "a list for a title": r"meetings.meeting, pk \d+\): its 'title' is a list, not a single value",
    "an object for a reference": r"meetings.session, pk \d+\): its 'programme' is not a reference",
    "an object for a pk": r"its pk is not a number",
    "a string for the objects": r"content.json is not a list of objects",
    "a number for an object": r"Object 4 of content.json \(an object\) is not an object",
    "a version among the content": r"'reversion.version', which is not what content.json holds",
    "content among the history": r"'meetings.meeting', which is not what history.json holds",
    "a broken history": r"The backup's history.json is damaged",
    "a version of a revision not held": r"A reference in the backup is broken",
    "an invalid time zone": r"Object \d+ of content.json \(a meetings.meeting, pk \d+\) holds an "
    r"invalid value: time_zone: .*Mars/Olympus_Mons",
    "an unknown field": r"has a field 'nope' that meetings.session has not",
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
    with pytest.raises(CommandError, match="^Nothing was restored. ") as refused:
        restore(bad)
    name = next(name for name, each in BAD_BACKUPS.items() if each is damage)
    if name in MESSAGES:
        assert re.search(MESSAGES[name], str(refused.value)), str(refused.value)
    assert not Meeting.objects.exists()
    assert not Programme.objects.exists()
    assert not Revision.objects.exists() and not Version.objects.exists()
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
