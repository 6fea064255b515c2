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

from django.http import FileResponse, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import content_disposition_header, http_date

from . import versions

# English at /meetings/..., the other languages under their prefix: /fr/meetings/...
PDF_PATH = re.compile(r"^(/[a-z]{2})?/meetings/[-\w]+/[-\w]+/programme\.pdf$")


# A PDF up to this size is kept in the process's memory and answered from there; a larger one
# is read from its file each time. A programme's PDF is a few dozen KB.
IN_MEMORY_MAX_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Entry:
    version: int
    path: str
    etag: str
    last_modified: float
    filename: str
    data: bytes | None = None


_entries = {}


def remember(url_path, version, path, etag, last_modified, filename):
    """Called by the view once it has served a stored, current, public PDF."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(IN_MEMORY_MAX_BYTES + 1)
    except OSError:
        return
    if len(data) > IN_MEMORY_MAX_BYTES:
        data = None
    _entries[url_path] = Entry(version, path, etag, last_modified, filename, data)


def forget_all():
    _entries.clear()
    versions.forget()


def serve(request, entry):
    not_modified = get_conditional_response(
        request, etag=entry.etag, last_modified=int(entry.last_modified)
    )
    if not_modified is not None:
        return not_modified
    if entry.data is not None:
        response = HttpResponse(entry.data, content_type="application/pdf")
        response["Content-Length"] = len(entry.data)
        response["Content-Disposition"] = content_disposition_header(False, entry.filename)
    else:
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
