"""Faults of issue 22, items 6, 9 and 10, tried end to end: drafts asked for by every kind of
user at every address that can show one, and hostile backups given to import_content."""

import io
import os
import re
import struct
import tracemalloc
import warnings
import zipfile

import factories
import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import Client
from reversion.models import Revision, Version

from meetings.admin import history
from meetings.content import backup
from meetings.models import Meeting, Programme, Status

SECRET = "Zanzibarian"  # in the title of every draft: a word no other content holds

DRAFT_CAPABLE = ["meeting", "programme", "session", "document", "workplan", "newspost"]


# -- drafts ----------------------------------------------------------------------------------


@pytest.fixture
def drafts(db):
    """A published meeting holding a draft programme (a session, a document of its own and one
    shown only by its presentation), a draft meeting, a draft work plan and a draft news post."""
    meeting = factories.MeetingFactory(slug="open-meeting")
    programme = factories.ProgrammeFactory(
        meeting=meeting, title=f"{SECRET} programme", slug="secret-programme", status=Status.DRAFT
    )
    session = factories.SessionFactory(
        programme=programme, title=f"{SECRET} session", slug="secret-session"
    )
    own = factories.DocumentFactory(programme=programme, title=f"{SECRET} programme document")
    shown = factories.DocumentFactory(title=f"{SECRET} presented document")
    factories.PresentationFactory(session=session, document=shown)
    factories.MeetingFactory(
        convention=meeting.convention,
        title=f"{SECRET} meeting",
        slug="secret-meeting",
        status=Status.DRAFT,
    )
    factories.WorkPlanFactory(
        title=f"{SECRET} work plan", slug="secret-work-plan", status=Status.DRAFT
    )
    factories.NewsPostFactory(title=f"{SECRET} news", slug="secret-news", status=Status.DRAFT)
    return {"own document": own, "presented document": shown}


PROGRAMME = "/meetings/open-meeting/secret-programme/"
ADDRESSES = {
    "meeting page": lambda d: "/meetings/secret-meeting/",
    "meeting calendar": lambda d: "/meetings/secret-meeting/meeting.ics",
    "programme page": lambda d: PROGRAMME,
    "programme PDF preview": lambda d: f"{PROGRAMME}programme.pdf",
    "schedule.json": lambda d: f"{PROGRAMME}schedule.json",
    "programme.json": lambda d: f"{PROGRAMME}programme.json",
    "programme calendar": lambda d: f"{PROGRAMME}programme.ics",
    "session page": lambda d: f"{PROGRAMME}sessions/secret-session/",
    "session calendar": lambda d: f"{PROGRAMME}sessions/secret-session/session.ics",
    "work plan page": lambda d: "/coordination/work-plans/secret-work-plan/",
    "news page": lambda d: "/news/secret-news/",
    "document of a draft programme": lambda d: d["own document"].get_absolute_url(),
    "document shown only by a draft": lambda d: d["presented document"].get_absolute_url(),
}


def staff_with(codenames, username):
    user = factories.UserFactory(username=username, is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="meetings", codename__in=codenames)
    )
    return user


def every_other_right():
    """Every right of the meetings app but viewing or changing the content drafts are of."""
    denied = {f"{action}_{model}" for model in DRAFT_CAPABLE for action in ("view", "change")}
    codenames = Permission.objects.filter(content_type__app_label="meetings").values_list(
        "codename", flat=True
    )
    return [codename for codename in codenames if codename not in denied]


USERS = {
    "anonymous": lambda: None,
    "staff with no rights": lambda: staff_with([], "clerk"),
    "staff with every other right": lambda: staff_with(every_other_right(), "other-clerk"),
    "an inactive editor": lambda: factories.EditorFactory(is_active=False),
    "an ISU editor": lambda: factories.EditorFactory(),
    "a superuser": lambda: factories.UserFactory(username="root", is_staff=True, is_superuser=True),
}
ALLOWED = {"an ISU editor", "a superuser"}


def client_of(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("address", ADDRESSES.values(), ids=ADDRESSES.keys())
@pytest.mark.parametrize("who", USERS.keys())
def test_a_draft_is_shown_only_to_users_allowed_to_view_it(drafts, address, who):
    url = address(drafts)
    response = client_of(USERS[who]()).get(url)
    if who in ALLOWED:
        assert response.status_code == 200, url
        assert "no-store" in response.get("Cache-Control", "")  # kept by no shared cache
    else:
        # The same answer as for an address that never existed: nothing tells a draft is there.
        assert response.status_code == 404, url
        assert SECRET.encode() not in response.content


def result_titles(client, **query):
    page = BeautifulSoup(client.get("/search/", query).content, "html.parser")
    return {link.get_text(): link.find_parent("li") for link in page.select("a.result-title")}


@pytest.mark.parametrize("who", USERS.keys())
def test_search_finds_drafts_only_for_users_allowed_to_view_them(drafts, who):
    found = result_titles(client_of(USERS[who]()), q=SECRET)
    if who in ALLOWED:
        kinds = ["meeting", "programme", "session", "work plan", "news"]
        documents = ["programme document", "presented document"]
        assert set(found) == {f"{SECRET} {title}" for title in kinds + documents}
        assert all("Draft - not public" in item.get_text() for item in found.values())
    else:
        assert found == {}


@pytest.mark.parametrize("who", ["staff with no rights", "staff with every other right"])
def test_the_admin_pdf_preview_is_refused_without_the_right_to_view_programmes(drafts, who):
    programme = Programme.objects.get(slug="secret-programme")
    client = client_of(USERS[who]())
    refused = client.get(f"/admin/meetings/programme/{programme.pk}/pdf/")
    missing = client.get("/admin/meetings/programme/999999/pdf/")
    assert refused.status_code == missing.status_code == 403  # the same for a missing one


def test_documents_shown_only_by_drafts_are_in_no_public_list(drafts, client):
    for url in ("/documents/", "/meetings/open-meeting/"):
        response = client.get(url)
        assert response.status_code == 200
        assert SECRET not in response.content.decode(), url
    assert result_titles(client, q="presented document", kind="documents") == {}


# -- backups ---------------------------------------------------------------------------------

MB = 1024 * 1024


@pytest.fixture
def backup_file(tmp_path, drafts):
    """A real backup of a small site (the drafts' content, a document's file, an edit in the
    history), and the installation emptied for its restore."""
    history.keep_state(Meeting.objects.first(), None, "Test edit")
    path = tmp_path / "backup.zip"
    call_command("export_content", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    empty_the_installation()
    return path


def empty_the_installation():
    for model in reversed([*backup.content_models(), *backup.history_models()]):
        model.objects.all().delete()
    get_user_model().objects.all().delete()
    for name in backup._media_files():
        default_storage.delete(name)


def members_of(path):
    with zipfile.ZipFile(path) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]


def write_zip(path, members):
    """`members`: (name or ZipInfo, bytes) in order, duplicates kept as given."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of a duplicate name: it is the point
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in members:
                name = name.filename if isinstance(name, zipfile.ZipInfo) else name
                archive.writestr(name, data)
    return path


def lie_in_the_directory(path, name, file_size=None, flag_bits=None):
    """Rewrite what the zip's central directory declares of entry `name`: its size once
    extracted, its flags. The bytes stored stay as they are (small)."""
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    count, _, offset = struct.unpack_from("<HII", data, end + 10)
    for _ in range(count):
        assert data[offset : offset + 4] == b"PK\x01\x02"
        lengths = struct.unpack_from("<HHH", data, offset + 28)
        if data[offset + 46 : offset + 46 + lengths[0]].decode() == name:
            if file_size is not None:
                struct.pack_into("<I", data, offset + 24, file_size)
            if flag_bits is not None:
                struct.pack_into("<H", data, offset + 8, flag_bits)
        offset += 46 + sum(lengths)
    path.write_bytes(bytes(data))
    return path


def with_entries(backup_file, *extra):
    return write_zip(backup_file.with_name("hostile.zip"), [*members_of(backup_file), *extra])


def document_name(backup_file):
    return next(
        info.filename
        for info, _ in members_of(backup_file)
        if info.filename.startswith("media/documents/")
    )


HOSTILE = {
    "a zip bomb (2 MB of zeros, stored in 2 KB)": (
        lambda f: with_entries(f, ("media/documents/bomb.pdf", bytes(2 * MB))),
        r"media/documents/bomb.pdf would expand 1,0\d\d times \(2.\d KB to 2.0 MB\); "
        r"the limit is 100 times",
    ),
    "content.json declaring 3 GB": (
        lambda f: lie_in_the_directory(f, "content.json", file_size=3 * 1024 * MB),
        r"content.json would expand to 3.0 GB; the limit is 256.0 MB",
    ),
    "a document declaring 4 GB": (
        lambda f: lie_in_the_directory(f, document_name(f), file_size=4 * 1024 * MB - 1),
        r"media/documents/\w+.pdf would expand to 4.0 GB; the limit is 20.0 MB",
    ),
    "many small bombs (40 MB of zeros in 40 entries)": (
        lambda f: with_entries(
            f, *((f"media/markdownx/{n}.png", bytes(MB - 1)) for n in range(40))
        ),
        r"The backup would expand to 40.\d MB from \d+.\d KB; the limit is 100 times its size",
    ),
    "content.json larger than it declares": (
        lambda f: lie_in_the_directory(f, "content.json", file_size=10),
        r"The backup's content.json is damaged: Bad CRC-32",
    ),
    "a document larger than it declares": (
        lambda f: lie_in_the_directory(f, document_name(f), file_size=10),
        r"The backup's media/documents/\w+.pdf is damaged: Bad CRC-32",
    ),
    "content.json twice": (
        lambda f: with_entries(f, ("content.json", b"[]")),
        r"The backup holds 'content.json' twice",
    ),
    "a document twice": (
        lambda f: with_entries(f, (document_name(f), b"%PDF-1.4 another")),
        r"The backup holds 'media/documents/\w+.pdf' twice",
    ),
    "an encrypted entry": (
        lambda f: lie_in_the_directory(f, "history.json", flag_bits=0x1),
        r"The backup's history.json is encrypted",
    ),
    '"fields": "x"': (
        lambda f: write_zip(
            f.with_name("hostile.zip"),
            [
                (info, b'[{"model": "meetings.meeting", "pk": 1, "fields": "x"}]')
                if info.filename == "content.json"
                else (info, data)
                for info, data in members_of(f)
            ],
        ),
        r'Object 1 of content.json \(a meetings.meeting, pk 1\): its "fields" is not an object',
    ),
}


def restored_nothing():
    return (
        not Meeting.objects.exists()
        and not Revision.objects.exists()
        and not Version.objects.exists()
        and backup._media_files() == []
    )


@pytest.mark.parametrize("hostile, message", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_backup_is_refused_before_anything_is_restored(backup_file, hostile, message):
    path = hostile(backup_file)
    assert path.stat().st_size < MB  # built small: the sizes are declared, or zeros compressed
    tracemalloc.start()
    try:
        with pytest.raises(CommandError) as refused:
            call_command("import_content", str(path), stdout=io.StringIO(), stderr=io.StringIO())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(refused.value).startswith("Nothing was restored. ")
    assert re.search(message, str(refused.value)), str(refused.value)
    assert peak < 4 * MB  # nothing was expanded into memory
    assert restored_nothing()


def test_a_backup_is_not_opened_when_the_installation_holds_content(
    backup_file, monkeypatch, tmp_path
):
    factories.MeetingFactory()
    bomb = lie_in_the_directory(
        with_entries(backup_file, ("media/documents/bomb.pdf", bytes(2 * MB))),
        "content.json",
        file_size=3 * 1024 * MB,
    )
    opened = []
    monkeypatch.setattr(zipfile, "ZipFile", lambda *args, **kwargs: opened.append(args))
    with pytest.raises(CommandError, match="already holds content .*restore into an empty one"):
        call_command("import_content", str(bomb), stdout=io.StringIO(), stderr=io.StringIO())
    assert opened == []


def test_a_large_document_is_streamed_into_storage_not_read_whole(backup_file, tmp_path):
    large = os.urandom(16 * MB)  # does not compress: the zip holds it whole
    name = document_name(backup_file)
    path = write_zip(
        tmp_path / "large.zip",
        [
            (info, large if info.filename == name else data)
            for info, data in members_of(backup_file)
        ],
    )
    del large
    tracemalloc.start()
    try:
        out = io.StringIO()
        call_command("import_content", str(path), stdout=out, stderr=io.StringIO())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert out.getvalue().startswith("Restored ")
    assert default_storage.size(name.removeprefix("media/")) == 16 * MB
    assert peak < 8 * MB  # the 16 MB file passed through in chunks


def test_the_edit_history_survives_a_round_trip(backup_file):
    out = io.StringIO()
    call_command("import_content", str(backup_file), stdout=out, stderr=io.StringIO())
    assert Version.objects.exists()
    assert "the edit history's" in out.getvalue()
