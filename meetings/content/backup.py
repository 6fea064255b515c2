"""Backup and restore: all content, its edit history, the staff accounts and the uploaded files
in one zip file: `manifest.json`, `content.json` (accounts and content) and `history.json`
(django-reversion's revisions and versions) in Django's JSON serialisation, `media/...`.
LEFT_OUT names what is not in it, in the manifest and the command's output.

A restore goes into an empty installation only, all or nothing. The database is checked for
content before the file is opened; then every entry's declared size and compression ratio
against the limits below, before anything is extracted; uploaded files are streamed to storage,
never held whole in memory (each JSON entry is parsed whole, one after the other: hence its
limit, DATA_MAX_BYTES). Every object is
checked for its shape and its values by its field's validators, then inserted in bulk in one
transaction, the database's constraints and triggers checking the rest; any error (a damaged
file, an unsafe name, an invalid value, a broken reference) names the entry or object, removes
the files written so far and rolls back.

The States every installation gets from its migrations (all ISO 3166-1 countries, migration
0017) do not make it hold content: a restore replaces them with the backup's, row numbers and
all. A backup made before 0017 holds only the States then entered: `manage.py load_states` after
the restore adds the others.
"""

import contextlib
import datetime
import io
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from reversion.models import Revision, Version

from meetings.models import BOOKKEEPING, State

from .archive import refresh_statistics

FORMAT = 1
MEDIA_FOLDERS = ("documents", "markdownx")
MANIFEST, CONTENT, HISTORY, MEDIA = "manifest.json", "content.json", "history.json", "media/"
DATA = (CONTENT, HISTORY)  # Django's JSON: what a restore parses (a backup may lack HISTORY)
BATCH = 1000  # objects inserted at once on restore
LEFT_OUT = (
    "rendered programme PDFs (rendered again from the content)",
    "the counts of changes (counted again)",
    "sign-in sessions and lockouts",
    "the admin's log",
    "subscriptions to the notices by e-mail, and their mails (an address is kept only until its "
    "owner unsubscribes: a restore would bring back those who did)",
)

# What a restore accepts, read from the zip's directory before anything is extracted.
MANIFEST_MAX_BYTES = 1024 * 1024
# content.json and history.json are each parsed whole (Python's json reads no stream) and take
# several times their size in memory: this bounds what a restore may use, well above what the
# generated archive (generate_archive's defaults) writes.
DATA_MAX_BYTES = 256 * 1024 * 1024
# Text compresses about 10:1, PDFs and images hardly at all; a zip bomb a thousand to one. The
# ratio is checked for entries (and a whole archive) larger than RATIO_FROM_BYTES.
MAX_RATIO = 100
RATIO_FROM_BYTES = 1024 * 1024


class BackupError(Exception):
    """What went wrong, in words for the operator; nothing was changed."""


def content_models():
    """The content models, each after the models it refers to."""
    models = [
        model for model in apps.get_app_config("meetings").get_models() if model not in BOOKKEEPING
    ]
    ordered = []

    def visit(model, path=()):
        if model in ordered or model in path:
            return
        for related in model._meta.get_fields():  # forward relations: FKs and many-to-many
            if related.is_relation and not related.auto_created:
                target = related.related_model
                if target in models and target is not model:
                    visit(target, path + (model,))
        ordered.append(model)

    for model in models:
        visit(model)
    return ordered


def history_models():
    """The edit history (meetings/admin/history.py): revisions, then their versions."""
    return [Revision, Version]


def backed_up_models():
    """Every model in a backup, each after those it refers to."""
    return [get_user_model(), *content_models(), *history_models()]


def _labels():
    return {model._meta.label_lower for model in backed_up_models()}


@dataclass
class Summary:
    objects: dict = field(default_factory=dict)  # label -> count
    files: int = 0
    bytes: int = 0
    users_kept: int = 0  # accounts already there, left as they were

    @property
    def total(self):
        return sum(self.objects.values())

    @property
    def versions(self):
        return self.objects.get(Version._meta.label_lower, 0)

    @property
    def kinds(self):
        return sum(1 for count in self.objects.values() if count)


# -- export ------------------------------------------------------------------------------------


class _ExactEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a backup keeps the microseconds."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


def _media_files():
    """The stored names of every uploaded file."""
    names = []

    def walk(folder):
        if not default_storage.exists(folder):
            return
        directories, files = default_storage.listdir(folder)
        names.extend(f"{folder}/{name}" for name in files)
        for directory in directories:
            walk(f"{folder}/{directory}")

    for folder in MEDIA_FOLDERS:
        walk(folder)
    return sorted(names)


def _all(model):
    """Every row, with its many-to-many links fetched in bulk (not one query per row)."""
    links = [field.name for field in model._meta.many_to_many]
    return model.objects.order_by("pk").prefetch_related(*links)


def _serialize(archive, entry, querysets, progress):
    """Write every row of `querysets` to `entry` in Django's JSON, streamed."""

    def objects():
        for queryset in querysets:
            for item in queryset.iterator(chunk_size=2000):
                if progress:
                    progress(1)
                yield item

    with archive.open(entry, "w") as stream:
        text = io.TextIOWrapper(stream, encoding="utf-8")
        serializers.serialize(
            "json",
            objects(),
            stream=text,
            cls=_ExactEncoder,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )
        text.flush()
        text.detach()


def export(path, progress=None):
    """Write the backup to `path` (replaced only once the new file is complete)."""
    summary = Summary()
    content = [_all(model) for model in [get_user_model(), *content_models()]]
    history = [_all(model) for model in history_models()]
    for queryset in content + history:
        summary.objects[queryset.model._meta.label_lower] = queryset.count()
    files = _media_files()
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise BackupError(f"There is no folder {directory}.")
    handle, partial = tempfile.mkstemp(dir=directory, suffix=".partial")
    os.close(handle)
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            manifest = {
                "format": FORMAT,
                "created": datetime.datetime.now(datetime.UTC).isoformat(),
                "objects": summary.objects,
                "files": len(files),
                "left_out": LEFT_OUT,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
            _serialize(archive, CONTENT, content, progress)
            _serialize(archive, HISTORY, history, progress)
            for name in files:
                with (
                    default_storage.open(name, "rb") as source,
                    archive.open(MEDIA + name, "w") as target,
                ):
                    shutil.copyfileobj(source, target)
                summary.files += 1
                summary.bytes += archive.getinfo(MEDIA + name).file_size
        os.replace(partial, path)
    except BaseException:
        os.unlink(partial)
        raise
    return summary


# -- restore ----------------------------------------------------------------------------------


def content_present():
    """{label: count} of the content and edit history already in this installation. The States
    the migrations load into every installation (migration 0017) are not counted: a restore
    replaces them with the backup's."""
    models = [model for model in (*content_models(), *history_models()) if model is not State]
    counts = {model._meta.label_lower: model.objects.count() for model in models}
    return {label: count for label, count in counts.items() if count}


def _refuse_unless_empty():
    present = content_present()
    if present:
        held = ", ".join(f"{count} {label}" for label, count in list(present.items())[:3])
        more = f" and {len(present) - 3} more kinds" if len(present) > 3 else ""
        raise BackupError(
            f"This installation already holds content ({held}{more}); restore into an empty one."
        )


def _safe_media_name(name):
    """The storage name of a zip member under media/, or a BackupError for an unsafe one."""
    relative = name[len(MEDIA) :]
    parts = PurePosixPath(relative).parts
    if (
        not relative
        or "\\" in relative
        or "\x00" in relative
        or relative.startswith("/")
        or any(part in ("..", ".", "") for part in parts)
        or parts[0] not in MEDIA_FOLDERS
        or len(parts) < 2
    ):
        raise BackupError(f"The backup holds a file with an unsafe name: {name!r}.")
    return relative


def _size(size):
    """'3,072.0 MB', '12.5 KB', '10 bytes': for the operator."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:,.1f} {unit}"
    return f"{size} bytes"


def _media_max_bytes():
    """The largest uploaded file the site accepts: a document or an editor's image."""
    return max(settings.DOCUMENT_MAX_BYTES, settings.MARKDOWNX_UPLOAD_MAX_SIZE)


def _free_bytes():
    """Free space where uploaded files are stored, or None where that cannot be known."""
    location = getattr(default_storage, "location", None)
    if not location:
        return None
    folder = Path(location)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def _entries(archive, archive_bytes):
    """{storage name, or MANIFEST and DATA's names: ZipInfo}, once every entry has passed:
    a known, safe name held once, not encrypted, and a declared size and compression ratio
    within the limits (the whole archive's too). Nothing is extracted."""
    entries, seen, total = {}, set(), 0
    for info in archive.infolist():
        name = info.filename
        if name in seen:
            raise BackupError(f"The backup holds {name!r} twice; a backup holds each file once.")
        seen.add(name)
        if info.is_dir():
            continue
        if name in (MANIFEST, *DATA):
            key = name
            limit = MANIFEST_MAX_BYTES if name == MANIFEST else DATA_MAX_BYTES
        elif name.startswith(MEDIA):
            key = _safe_media_name(name)
            if key in entries:
                raise BackupError(f"The backup holds the file {key} twice.")
            limit = _media_max_bytes()
        else:
            raise BackupError(f"The backup holds an unexpected file: {name!r}.")
        if info.flag_bits & 0x1:
            raise BackupError(f"The backup's {name} is encrypted; a backup is not.")
        if info.file_size > limit:
            raise BackupError(
                f"The backup's {name} would expand to {_size(info.file_size)}; "
                f"the limit is {_size(limit)}."
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FROM_BYTES and ratio > MAX_RATIO:
            raise BackupError(
                f"The backup's {name} would expand {ratio:,.0f} times "
                f"({_size(info.compress_size)} to {_size(info.file_size)}); "
                f"the limit is {MAX_RATIO} times."
            )
        total += info.file_size
        entries[key] = info
    if MANIFEST not in entries or CONTENT not in entries:
        raise BackupError("The file is not a backup made by export_content (no manifest).")
    if total > RATIO_FROM_BYTES and total > MAX_RATIO * archive_bytes:
        raise BackupError(
            f"The backup would expand to {_size(total)} from {_size(archive_bytes)}; "
            f"the limit is {MAX_RATIO} times its size."
        )
    free = _free_bytes()
    files = total - sum(info.file_size for name, info in entries.items() if name in DATA)
    files -= entries[MANIFEST].file_size
    if free is not None and files > free:
        raise BackupError(
            f"The backup's files take {_size(files)}; the storage has {_size(free)} free."
        )
    return entries


def _json(archive, info):
    """The parsed JSON of an entry already checked by _entries (at most its declared size)."""
    try:
        with archive.open(info) as stream:
            return json.load(stream)
    except (ValueError, zipfile.BadZipFile, EOFError, OSError) as error:
        raise BackupError(f"The backup's {info.filename} is damaged: {error}.") from None
    except (RuntimeError, NotImplementedError) as error:  # compression method, password
        raise BackupError(f"The backup's {info.filename} cannot be read: {error}.") from None


SCALARS = (str, int, float, bool, type(None))


def _describe(entry, number, record):
    model = record.get("model") if isinstance(record, dict) else None
    pk = record.get("pk") if isinstance(record, dict) else None
    what = f"a {model}" if isinstance(model, str) else "an object"
    key = f", pk {pk!r}" if pk is not None else ""
    return f"Object {number} of {entry} ({what}{key})"


def _value_problem(field, value):
    """What is wrong with a serialised value of `field`, or None: scalars for plain fields,
    a scalar or natural key (a list of scalars) for a reference, a list of those for a
    many-to-many field; any JSON for a JSONField."""

    def is_key(item):
        return isinstance(item, SCALARS) or (
            isinstance(item, list) and all(isinstance(part, SCALARS) for part in item)
        )

    if field.many_to_many:
        if not isinstance(value, list) or not all(is_key(item) for item in value):
            return "is not a list of references"
    elif field.is_relation:
        if not is_key(value):
            return "is not a reference"
    elif not isinstance(field, models.JSONField) and not isinstance(value, SCALARS):
        return f"is a {type(value).__name__}, not a single value"
    return None


def _check_records(entry, records):
    """Refuse, naming the object, any record of `entry` that is not shaped as Django serialises
    one, or is not of a model that entry holds."""
    if not isinstance(records, list):
        raise BackupError(f"The backup's {entry} is not a list of objects.")
    held = history_models() if entry == HISTORY else [get_user_model(), *content_models()]
    allowed = {model._meta.label_lower: model for model in held}
    for number, record in enumerate(records, start=1):
        where = _describe(entry, number, record)
        if not isinstance(record, dict):
            raise BackupError(f"{where} is not an object.")
        label = record.get("model")
        if not isinstance(label, str):
            raise BackupError(f"{where} does not say which model it is.")
        model = allowed.get(label.lower())
        if model is None:
            raise BackupError(f"{where} is a {label!r}, which is not what {entry} holds.")
        if not isinstance(record.get("pk"), (str, int, type(None))):
            raise BackupError(f"{where}: its pk is not a number.")
        fields = record.get("fields")
        if not isinstance(fields, dict):
            raise BackupError(f'{where}: its "fields" is not an object of field names.')
        for name, value in fields.items():
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                raise BackupError(f"{where} has a field {name!r} that {label} has not.") from None
            problem = _value_problem(field, value)
            if problem:
                raise BackupError(f"{where}: its {name!r} {problem}.")


def _open(path):
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BackupError(f"There is no file {path}.") from None
    except (zipfile.BadZipFile, IsADirectoryError, OSError, ValueError) as error:
        raise BackupError(f"{path} is not a backup made by export_content ({error}).") from None


def restore(path, progress=None, total=None):
    """Restore a backup into this (empty) installation; returns a Summary. `total(n)` is told
    the number of objects the manifest announces, `progress(1)` each one restored."""
    _refuse_unless_empty()  # before the file is even opened
    with _open(path) as archive:
        entries = _entries(archive, os.path.getsize(path))
        manifest = _json(archive, entries[MANIFEST])
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BackupError(f"The backup's format is not {FORMAT}, the one this site reads.")
        announced = manifest.get("objects")
        if total and isinstance(announced, dict):
            total(sum(n for n in announced.values() if isinstance(n, int) and n > 0))
        summary, written = Summary(), []
        try:
            with transaction.atomic():
                # Nothing refers to them in an installation without content.
                State.objects.all().delete()
                for entry in DATA:
                    if entry in entries:  # backups made before the history was kept lack it
                        records = _json(archive, entries[entry])
                        _check_records(entry, records)
                        _restore_objects(entry, records, summary, progress)
                        del records  # the next entry is parsed without this one in memory
                _finish_objects()
                for name, info in entries.items():
                    if name not in (MANIFEST, *DATA):
                        _restore_file(archive, name, info, written)
                        summary.files += 1
                        summary.bytes += info.file_size
        except BaseException:
            _remove(written)
            raise
    refresh_statistics()
    return summary


OBJECT_ERRORS = (
    DeserializationError,
    DatabaseError,
    FieldDoesNotExist,
    ValueError,
    TypeError,
    LookupError,
    AttributeError,
)


def _restore_objects(entry, records, summary, progress):
    """Insert the objects of `records` (checked by _check_records), counted in `summary`; a
    BackupError names the object, or the kind of objects, that could not be restored."""
    user_model = get_user_model()
    deferred, batch, done = [], [], 0  # done: records turned into objects so far
    try:
        for deserialized in serializers.deserialize(
            "python", records, handle_forward_references=True
        ):
            done += 1
            item = deserialized.object
            if isinstance(item, user_model) and item.pk is not None:
                summary.users_kept += 1  # an account of that name is here: left as it is
            else:
                relations = [f.name for f in item._meta.concrete_fields if f.is_relation]
                try:
                    item.clean_fields(exclude=relations)
                except ValidationError as error:
                    where = _describe(entry, done, records[done - 1])
                    message = f"{where} holds an invalid value: {_messages(error)}."
                    raise BackupError(message) from None
                if batch and (type(batch[0].object) is not type(item) or len(batch) >= BATCH):
                    _write(batch)
                    batch = []
                batch.append(deserialized)
                if deserialized.deferred_fields:
                    deferred.append(deserialized)
                label = item._meta.label_lower
                summary.objects[label] = summary.objects.get(label, 0) + 1
            if progress:
                progress(1)
    except OBJECT_ERRORS as error:
        # Raised while the deserializer read the record after the last object it gave.
        if done < len(records):
            where = _describe(entry, done + 1, records[done])
        else:
            where = f"An object of {entry}"
        raise BackupError(f"{where} could not be restored: {error}") from None
    if batch:
        _write(batch)
    try:
        for deserialized in deferred:
            deserialized.save_deferred_fields()
    except OBJECT_ERRORS as error:
        raise BackupError(f"A reference in the backup's {entry} is broken: {error}") from None


def _finish_objects():
    """Check the references deferred to the end, and set each table's next id after the ids
    restored."""
    try:
        connection.check_constraints()  # now rather than at commit, to say what failed
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), backed_up_models()):
                cursor.execute(statement)
    except OBJECT_ERRORS as error:
        raise BackupError(f"A reference in the backup is broken: {error}") from None


def _restore_file(archive, name, info, written):
    """Stream one uploaded file from the archive to storage, at most its declared size."""
    if default_storage.exists(name):
        raise BackupError(f"A file {name} is already stored here.")
    written.append(name)  # before saving: a save that fails may leave part of the file
    try:
        with archive.open(info) as stream:
            upload = File(stream, name=name)
            upload.size = info.file_size
            stored = default_storage.save(name, upload)
    except (zipfile.BadZipFile, EOFError) as error:
        raise BackupError(f"The backup's {info.filename} is damaged: {error}.") from None
    except (RuntimeError, NotImplementedError) as error:
        raise BackupError(f"The backup's {info.filename} cannot be read: {error}.") from None
    except OSError as error:
        raise BackupError(f"A file could not be written: {error}") from None
    if stored != name:
        written.append(stored)


def _write(batch):
    """Insert a batch of one model's objects and their many-to-many links, in bulk: no save()
    and no signals (the database's triggers count the changes)."""
    model = type(batch[0].object)
    try:
        model.objects.bulk_create([deserialized.object for deserialized in batch])
        for link in model._meta.many_to_many:
            through = link.remote_field.through
            source, target = link.m2m_field_name(), link.m2m_reverse_field_name()
            through.objects.bulk_create(
                through(**{f"{source}_id": deserialized.object.pk, f"{target}_id": pk})
                for deserialized in batch
                for pk in deserialized.m2m_data.get(link.name, [])
            )
    except OBJECT_ERRORS as error:
        raise BackupError(
            f"The backup's {model._meta.label_lower} objects could not be stored: {error}"
        ) from None


def _remove(names):
    for name in names:
        # Never there, or already gone: the restore's own error is what matters.
        with contextlib.suppress(OSError):
            default_storage.delete(name)


def _messages(error):
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
