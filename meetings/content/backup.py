"""Backup and restore: all content, the staff accounts and the uploaded files in one zip file
(`manifest.json`, `content.json` in Django's JSON serialisation, `media/...`). Rendered PDFs,
the counts of changes, sessions and the admin log are left out: they are rebuilt or not content.

A restore goes into an empty installation only, all or nothing: objects are inserted in bulk in
one transaction, each value checked by its field's validators first and the database's
constraints and triggers checking the rest; any error (a damaged file, an unsafe name, an
invalid value, a broken reference) removes the files written so far and rolls back.
"""

import datetime
import io
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, transaction

from meetings.models import BOOKKEEPING

from .archive import refresh_statistics

FORMAT = 1
MEDIA_FOLDERS = ("documents", "markdownx")
MANIFEST, CONTENT, MEDIA = "manifest.json", "content.json", "media/"
BATCH = 1000  # objects inserted at once on restore


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


def user_count():
    return get_user_model().objects.count()


def _labels():
    return {model._meta.label_lower for model in [get_user_model(), *content_models()]}


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


def export(path, progress=None):
    """Write the backup to `path` (replaced only once the new file is complete)."""
    summary = Summary()
    user_model = get_user_model()
    querysets = [_all(model) for model in [user_model, *content_models()]]
    for queryset in querysets:
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
            }
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2))

            def objects():
                for queryset in querysets:
                    for item in queryset.iterator(chunk_size=2000):
                        if progress:
                            progress(1)
                        yield item

            with archive.open(CONTENT, "w") as stream:
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
            for name in files:
                with default_storage.open(name, "rb") as source:
                    data = source.read()
                archive.writestr(MEDIA + name, data)
                summary.files += 1
                summary.bytes += len(data)
        os.replace(partial, path)
    except BaseException:
        os.unlink(partial)
        raise
    return summary


# -- restore ----------------------------------------------------------------------------------


def content_present():
    """{label: count} of the content already in this installation."""
    counts = {model._meta.label_lower: model.objects.count() for model in content_models()}
    return {label: count for label, count in counts.items() if count}


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


def _read(path):
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BackupError(f"There is no file {path}.") from None
    except (zipfile.BadZipFile, IsADirectoryError, OSError) as error:
        raise BackupError(f"{path} is not a backup made by export_content ({error}).") from None
    with archive:
        names = archive.namelist()
        if MANIFEST not in names or CONTENT not in names:
            raise BackupError(f"{path} is not a backup made by export_content (no manifest).")
        media = {}
        for name in names:
            if name in (MANIFEST, CONTENT) or name.endswith("/"):
                continue
            if not name.startswith(MEDIA):
                raise BackupError(f"The backup holds an unexpected file: {name!r}.")
            media[_safe_media_name(name)] = name
        try:
            manifest = json.loads(archive.read(MANIFEST))
            records = json.loads(archive.read(CONTENT))
        except (ValueError, zipfile.BadZipFile) as error:
            raise BackupError(f"The backup is damaged: {error}.") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BackupError(f"The backup's format is not {FORMAT}, the one this site reads.")
        if not isinstance(records, list) or not all(
            isinstance(record, dict) and isinstance(record.get("model"), str) for record in records
        ):
            raise BackupError("The backup's content is not a list of objects.")
        allowed = _labels()
        for number, record in enumerate(records, start=1):
            if record["model"].lower() not in allowed:
                raise BackupError(
                    f"Object {number} is a {record['model']!r}, which is not site content."
                )
        files = {name: archive.read(member) for name, member in media.items()}
    return records, files


def restore(path, progress=None, total=None):
    """Restore a backup into this (empty) installation; returns a Summary. `total(n)` is told
    the number of objects once the file is read, `progress(1)` each one restored."""
    records, files = _read(path)
    present = content_present()
    if present:
        held = ", ".join(f"{count} {label}" for label, count in list(present.items())[:3])
        more = f" and {len(present) - 3} more kinds" if len(present) > 3 else ""
        raise BackupError(
            f"This installation already holds content ({held}{more}); restore into an empty one."
        )
    if total:
        total(len(records))
    summary = Summary()
    user_model = get_user_model()
    written = []
    try:
        with transaction.atomic():
            deferred, batch = [], []
            for deserialized in serializers.deserialize(
                "python", records, handle_forward_references=True
            ):
                item = deserialized.object
                if isinstance(item, user_model) and item.pk is not None:
                    summary.users_kept += 1  # an account of that name is here: left as it is
                else:
                    relations = [f.name for f in item._meta.concrete_fields if f.is_relation]
                    item.clean_fields(exclude=relations)
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
            if batch:
                _write(batch)
            for deserialized in deferred:
                deserialized.save_deferred_fields()
            connection.check_constraints()  # the deferred foreign keys, now rather than at commit
            models = [user_model, *content_models()]
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(statement)
            for name, data in files.items():
                if default_storage.exists(name):
                    raise BackupError(f"A file {name} is already stored here.")
                written.append(default_storage.save(name, ContentFile(data)))
                summary.files += 1
                summary.bytes += len(data)
    except ValidationError as error:
        _remove(written)
        raise BackupError(f"The backup holds an invalid value: {_messages(error)}.") from None
    except OSError as error:
        _remove(written)
        raise BackupError(f"A file could not be written: {error}") from None
    except (
        DeserializationError,
        DatabaseError,
        FieldDoesNotExist,
        ValueError,
        TypeError,
        LookupError,
    ) as error:
        _remove(written)
        raise BackupError(f"The backup could not be restored: {error}") from None
    except BaseException:
        _remove(written)
        raise
    refresh_statistics()
    return summary


def _write(batch):
    """Insert a batch of one model's objects and their many-to-many links, in bulk: no save()
    and no signals (the database's triggers count the changes)."""
    model = type(batch[0].object)
    model.objects.bulk_create([deserialized.object for deserialized in batch])
    for link in model._meta.many_to_many:
        through = link.remote_field.through
        source, target = link.m2m_field_name(), link.m2m_reverse_field_name()
        through.objects.bulk_create(
            through(**{f"{source}_id": deserialized.object.pk, f"{target}_id": pk})
            for deserialized in batch
            for pk in deserialized.m2m_data.get(link.name, [])
        )


def _remove(names):
    for name in names:
        default_storage.delete(name)


def _messages(error):
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
