""" "Download statements": one zip of an agenda item's statement files, built once per published
copy by the task queue's worker and kept in media storage, never built in a web request.

A published copy never changes, so its session's zip is made once. Its stored name holds the
published session's id and a fingerprint of the files it holds (which files, their stored names
and sizes), so a statement file replaced meanwhile makes a new zip rather than serving a stale
one. Files are stored, not compressed (PDFs hardly compress), so the zip's size is known exactly
from the files' sizes before it is built (`zip_size`): the page shows it beside the link.
"""

import hashlib
import shutil
import tempfile
import zipfile
from dataclasses import dataclass

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.text import slugify
from django_tasks import task

from meetings import speakers
from meetings.models import Statement

FOLDER = "statements"
# A fixed time for every member: the same files make the same zip, byte for byte.
MEMBER_TIME = (1980, 1, 1, 0, 0, 0)
# Each member's local header and central directory entry (without its name), and the end of
# the central directory, as zipfile writes them for a stored file under 4 GB (APPNOTE 4.3).
LOCAL_HEADER, CENTRAL_HEADER, END_RECORD = 30, 46, 22


@dataclass(frozen=True)
class Entry:
    name: str  # inside the zip: '01-updates-afghanistan-en.pdf'
    document: object

    @property
    def size(self):
        return self.document.size_bytes or 0


def entries(session):
    """The zip's members: each statement's held public files, in the page's order. `session`
    comes from queries.statement_bundle_session (or the page's queries): its statements with
    their public documents."""
    found = []
    for statement in session.statements.all():
        speaker = slugify(speakers.speaker_text(statement, "en"))[:60].strip("-") or "statement"
        group = Statement.Group(statement.group).name.lower()
        for document in speakers.ordered_documents(
            [d for d in statement.documents.all() if d.file], "en"
        ):
            index = len(found) + 1
            name = f"{index:02d}-{group}-{speaker}-{document.language}.pdf"
            found.append(Entry(name, document))
    return found


def zip_size(found):
    """The size in bytes of the zip build() makes of `found`."""
    return END_RECORD + sum(
        LOCAL_HEADER + CENTRAL_HEADER + 2 * len(entry.name.encode()) + entry.size for entry in found
    )


def fingerprint(found):
    digest = hashlib.sha256()
    for entry in found:
        document = entry.document
        digest.update(f"{entry.name}|{document.pk}|{document.file.name}|{entry.size}\n".encode())
    return digest.hexdigest()[:16]


def storage_name(session, found):
    """Where the zip of the published session `session` holding `found` is kept."""
    return f"{FOLDER}/{session.programme_id}/{session.pk}-{fingerprint(found)}.zip"


def file_name(session, programme):
    """'APMBC-2030-05-test-programme-1-test-session-4-statements.zip'."""
    return f"{programme.file_stem}-{session.slug}-statements.zip"


def build(found):
    """The zip of `found` in a temporary file, read back from its start."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 - the caller closes it, once stored
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for entry in found:
            info = zipfile.ZipInfo(entry.name, date_time=MEMBER_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.file_size = entry.size
            with entry.document.file.open("rb") as source, archive.open(info, "w") as member:
                shutil.copyfileobj(source, member)
    out.seek(0)
    return out


@task()
def build_statement_bundle(session_id):
    """Build and store the zip of a published session's statements, unless it is there."""
    from meetings import queries
    from meetings.models import Session

    with transaction.atomic():
        # Two workers asked for the same zip: the second waits here, then finds it stored.
        if not Session.objects.select_for_update().filter(pk=session_id).exists():
            return "deleted"
        session = queries.statement_bundle_session_by_id(session_id)
        if session is None:
            return "not public"
        found = entries(session)
        if not found:
            return "no files"
        name = storage_name(session, found)
        if default_storage.exists(name):
            return "current"
        with build(found) as handle:
            default_storage.save(name, File(handle, name=name))
    return "built"


def enqueue_for_copy(copy_id):
    """Ask the worker for the zip of every session of a newly published copy that has
    statement files, so that the first delegate to ask finds it made: one query."""
    from meetings.models import Session

    with_files = Session.objects.filter(
        programme_id=copy_id, statements__documents__isnull=False
    ).distinct()
    for session_id in with_files.values_list("pk", flat=True):
        build_statement_bundle.enqueue(session_id)


def stored_bundle(session):
    """(storage name, entries) of the zip of a published session, asked of the worker if it is
    not stored yet; the name is None until it is."""
    found = entries(session)
    if not found:
        return None, found
    name = storage_name(session, found)
    if not default_storage.exists(name):
        build_statement_bundle.enqueue(session.pk)
        # A queue that runs its tasks at once (tests, a shell) has stored it by now.
        if not default_storage.exists(name):
            return None, found
    return name, found
