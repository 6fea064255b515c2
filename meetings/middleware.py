"""The fast path for programme PDF downloads.

On the first morning of a meeting most requests are the same PDF. Once the view has served a
stored PDF, this middleware (placed right after WhiteNoise) answers the next downloads of that
address itself, as WhiteNoise answers a static file: no session, no URL resolving, no query.
It trusts its entry only while the content version it was checked at is the current one
(meetings/versions.py reads that number at most once every CONTENT_FRESHNESS_SECONDS), so a
change reaches downloads within that time.
"""

import re
from dataclasses import dataclass

from django.http import FileResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from . import versions

PDF_PATH = re.compile(r"^/meetings/[-\w]+/[-\w]+/programme\.pdf$")


@dataclass(frozen=True)
class Entry:
    version: int
    path: str
    etag: str
    last_modified: float
    filename: str


_entries = {}


def remember(url_path, version, path, etag, last_modified, filename):
    """Called by the view once it has served a stored, current, public PDF."""
    _entries[url_path] = Entry(version, path, etag, last_modified, filename)


def forget_all():
    _entries.clear()
    versions.forget()


def serve(request, entry):
    not_modified = get_conditional_response(
        request, etag=entry.etag, last_modified=int(entry.last_modified)
    )
    if not_modified is not None:
        return not_modified
    try:
        handle = open(entry.path, "rb")  # noqa: SIM115 - FileResponse closes it
    except OSError:
        return None
    response = FileResponse(handle, content_type="application/pdf", filename=entry.filename)
    response["ETag"] = entry.etag
    response["Last-Modified"] = http_date(entry.last_modified)
    patch_cache_control(response, public=True, max_age=300)
    return response


class StoredPDFMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and PDF_PATH.match(request.path_info):
            entry = _entries.get(request.path_info)
            if entry is not None and entry.version == versions.current_version():
                response = serve(request, entry)
                if response is not None:
                    return response
            _entries.pop(request.path_info, None)
        return self.get_response(request)
