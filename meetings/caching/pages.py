"""Public responses (pages, feeds, calendars, JSON, programme PDFs) cached for visitors who are
not logged in, on Django's cache framework.

A GET without a session cookie is answered from the "default" cache when a copy of that address
was stored under the current generation of what it shows (generations.py), that day; otherwise
the view's 200 is stored, unless it sets a cookie, is private, or streams a file. Every public
response carries an ETag and, unless the view set its own, `public, max-age=0, must-revalidate,
s-maxage=PAGE_CDN_MAX_AGE`; a matching If-None-Match gets a 304. A request with a session
cookie (staff previewing drafts) is never served from the cache nor stored, and is answered
`private, no-store`.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import parse_http_date_safe

from . import generations

EXCLUDED = ("/admin/", "/markdownx/")


def _is_public_visitor(request):
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def _key(request):
    path = hashlib.sha256(request.get_full_path().encode("utf-8", "surrogateescape")).hexdigest()
    return f"public:{timezone.localdate().isoformat()}:{path}"


def _with_public_caching(response):
    if not response.has_header("Cache-Control"):
        patch_cache_control(
            response,
            public=True,
            max_age=0,
            must_revalidate=True,
            s_maxage=settings.PAGE_CDN_MAX_AGE,
        )
    return response


def _storable(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


# Set by the middleware inside this one, which a stored copy's 304 does not pass through.
SECURITY_HEADERS = ("Content-Security-Policy", "X-Frame-Options")


def _conditional(request, response):
    """`response`, or a 304 with its ETag, caching and security headers when the client has its
    bytes."""
    if not ("HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META):
        return response
    last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
    not_modified = get_conditional_response(
        request, etag=response["ETag"], last_modified=last_modified, response=response
    )
    if not_modified is None:
        return response
    for header in SECURITY_HEADERS:
        if header in response:
            not_modified[header] = response[header]
    return not_modified


class PublicCacheMiddleware:
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

        cache, key, version = caches[settings.PAGE_CACHE_ALIAS], None, None
        if settings.PAGE_CACHE_SECONDS:
            # Read before the view runs: an edit made meanwhile keys a fresh copy.
            key, version = _key(request), generations.for_path(request.path_info)
            stored = cache.get(key, version=version)
            if stored is not None:
                return _conditional(request, stored)

        response = self.get_response(request)
        if not _storable(response):
            return response
        response = _with_public_caching(response)
        if not response.has_header("ETag"):
            set_response_etag(response)
        if key is not None:
            # The response itself, as Django's cache middleware stores it: a hit is a copy.
            response["Content-Length"] = str(len(response.content))
            cache.set(key, response, settings.PAGE_CACHE_SECONDS, version=version)
        return _conditional(request, response)
