"""The content version as the caches see it: read from the database at most once every
CONTENT_FRESHNESS_SECONDS per process, so a cache hit usually costs no query at all, and an edit
reaches every cache within that time (0 reads it on every request)."""

import time

from django.conf import settings

_seen = {"number": None, "read_at": float("-inf")}


def current_version():
    now = time.monotonic()
    if now - _seen["read_at"] >= settings.CONTENT_FRESHNESS_SECONDS:
        from .models import ContentVersion

        _seen.update(number=ContentVersion.current(), read_at=now)
    return _seen["number"]


def forget():
    _seen.update(number=None, read_at=float("-inf"))
