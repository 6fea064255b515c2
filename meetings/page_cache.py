"""HTTP and server-side caching of the public pages, for visitors who are not logged in.

A request without a session cookie is a public visitor's: nobody logged in, so nothing it is
shown can be a draft. Such a GET is answered from Django's cache (local memory, or Redis when
CACHE_URL is set) when the page was rendered at the current version of what it shows on the
same day (the home page's "upcoming" depends on the date); otherwise it is rendered and, when
it is a plain 200 that sets no cookie, stored for the next visitor. What a page shows: for a
page inside a meeting, that meeting and what all meetings share; for any other page,
everything (meetings/versions.py `page_version`). So an edit in one meeting re-renders that
meeting's pages and the pages about every meeting, and leaves the other meetings' pages cached.

Every public response carries an ETag made from its bytes, so a browser or CDN that asks again
with If-None-Match gets a 304 unless that page's bytes changed: an edit invalidates exactly the
pages it changes, at the HTTP level. `Cache-Control: public, max-age=0, must-revalidate,
s-maxage=PAGE_CDN_MAX_AGE` lets a CDN serve repeats for that many seconds and makes browsers
ask (cheaply) each time.

PAGE_CACHE_SECONDS=0 turns the server-side cache off; the ETags and 304s stay.

A request with a session cookie (staff previewing drafts) is never served from or stored in the
cache, and its response is marked `private, no-store`, so no cache on the way keeps it either.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control

from . import versions

EXCLUDED = ("/admin/", "/markdownx/")
REAPPLIED = {"ETag", "Cache-Control", "Content-Length", "Set-Cookie"}


def _is_public_visitor(request):
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def _key(request):
    path = hashlib.sha256(request.get_full_path().encode("utf-8", "surrogateescape")).hexdigest()
    version = versions.page_version(request.path_info)
    return f"page:{version}:{timezone.localdate().isoformat()}:{path}"


def _etag(content):
    return f'"{hashlib.sha256(content).hexdigest()[:32]}"'


def _public_headers(response, etag):
    response["ETag"] = etag
    patch_cache_control(
        response, public=True, max_age=0, must_revalidate=True, s_maxage=settings.PAGE_CDN_MAX_AGE
    )
    return response


def _storable(response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def _from_cache(request, content, headers, etag):
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return _public_headers(not_modified, etag)
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    response["Content-Length"] = str(len(content))
    return _public_headers(response, etag)


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(EXCLUDED):
            return self.get_response(request)
        if not _is_public_visitor(request):
            response = self.get_response(request)
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_store=True)
            return response
        if request.method != "GET":
            return self.get_response(request)

        cache, key = caches[settings.PAGE_CACHE_ALIAS], None
        if settings.PAGE_CACHE_SECONDS:
            key = _key(request)
            stored = cache.get(key)
            if stored is not None:
                return _from_cache(request, *stored)

        response = self.get_response(request)
        if not _storable(response):
            return response
        etag = _etag(response.content)
        # Every header the inner layers added (type, X-Frame-Options, ...), for the hits to carry.
        headers = [(name, value) for name, value in response.items() if name not in REAPPLIED]
        if key is not None:
            cache.set(key, (response.content, headers, etag), settings.PAGE_CACHE_SECONDS)
        _public_headers(response, etag)
        not_modified = get_conditional_response(request, etag=etag)
        return not_modified if not_modified is not None else response
