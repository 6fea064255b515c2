"""Public responses (pages, feeds, calendars, JSON, programme PDFs) cached for visitors who are
not logged in, on Django's cache framework.

A GET from anyone not signed in is answered from the "default" cache when a copy of that address
was stored under the current generation of what it shows (generations.py), that day; otherwise
the view's 200 is stored, unless it sets a cookie, is private, or streams a file; a process
answers a repeat from its own copy of it (below) while it has one. Every public
response carries an ETag and, unless the view set its own, `public, max-age=0, must-revalidate,
s-maxage=PAGE_CDN_MAX_AGE`; a matching If-None-Match gets a 304. While one request renders an
address's new copy, the others asking for it meanwhile get this process's copy of the version
before, where it has one (stale-while-revalidate: a publish on a meeting day no longer sets every
worker rendering the same pages at once). A signed-in session (staff
previewing drafts) is never served from the cache nor stored, and is answered `private,
no-store`; a made-up, expired or signed-out session cookie is any visitor's. An answer from a
stored copy says so, `Cache-Status: vapp; hit` (RFC 9211), and the one that stored it
`vapp; fwd=miss; stored`.
"""

import hashlib
import time
from importlib import import_module

from django.conf import settings
from django.contrib import auth
from django.contrib.sessions import middleware as django_sessions
from django.core.cache import caches
from django.http import HttpResponseRedirect
from django.http.cookie import SimpleCookie
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import parse_http_date_safe, urlencode

from . import generations

# Answered below: the admin, markdownx previews and static files (WhiteNoise).
EXCLUDED = ("/admin/", "/markdownx/", settings.STATIC_URL)
# The query parameters public views read (meetings/public/views.py, sitemaps.py). Any other would
# give each made-up value a copy of its own, rendered and stored: a way around the cache.
QUERY_PARAMETERS = frozenset(
    {"p", "page", "q", "convention", "year", "kind", "meeting", "language", "session", "tz"}
)


def _signed_in(request):
    """True when the request's session signs a user in: staff, the only accounts that can sign
    in (the admin's sign-in refuses others). Asking for that rather than for a right to preview
    drafts keeps every session that may be shown a draft out of the cache, whatever decides who
    previews. The session is read (a query) only when a session cookie is sent: a cookie that
    names no live session costs that one query, and the visitor is served from the cache. This
    middleware comes before SessionMiddleware (a stored copy is answered without it), so it
    opens the session itself; the SessionMiddleware below keeps it for the view."""
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if session_key is None:
        return False
    if not hasattr(request, "session"):
        request.session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    return auth.get_user(request).is_authenticated


def _without_unknown_parameters(request):
    """The address without the query parameters no public view reads, or None when it has none
    of them."""
    if not request.META.get("QUERY_STRING"):
        return None
    pairs = [(name, value) for name, values in request.GET.lists() for value in values]
    known = [(name, value) for name, value in pairs if name in QUERY_PARAMETERS]
    if len(known) == len(pairs):
        return None
    return request.path + (f"?{urlencode(known)}" if known else "")


def _stored_at_all(request):
    """Whether a copy of this address may be kept. Not with `session` (the sessions ticked for
    a personal agenda: each choice is one delegate's, and there are more choices than pages),
    nor with more than one `tz`."""
    return "session" not in request.GET and len(request.GET.getlist("tz")) <= 1


def _may_store(request, response):
    """A copy of an address with a `tz` is stored only when its view read that zone and says
    so (`response.zone_checked`: a personal agenda's, which answers a zone the site does not
    offer with a 400): on any other page, each made-up zone would get a copy of its own."""
    return "tz" not in request.GET or getattr(response, "zone_checked", False)


def _key(request):
    """The address's copy of the day: today in TIME_ZONE, which Django makes the process's own
    zone (TZ), so time.strftime() tells it, at a twentieth of timezone.localdate()'s cost."""
    address = request.get_full_path().encode("utf-8", "surrogateescape")
    # 16 bytes: a shorter key is validated faster on every hit; 128 bits leave no practical
    # chance of two addresses sharing one.
    path = hashlib.blake2b(address, digest_size=16).hexdigest()
    return f"public:{time.strftime('%Y-%m-%d')}:{path}"


def with_public_caching(response):
    """Browsers ask again each time (a 304 while the bytes are the same), so an edit reaches
    them at once; shared caches keep a copy for PAGE_CDN_MAX_AGE. A view's own header stays."""
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


# Whether a public answer came from a stored copy, as RFC 9211 says it (a cache in front adds
# its own entry after this one): what bench/meeting_day_bench.py waits for after a publish.
HIT = "vapp; hit"
STORED = "vapp; fwd=miss; stored"
# The copy of the version before, answered while another request renders the new one.
STALE = "vapp; hit; detail=stale"


# This process's own copies of the responses it last read from the shared cache or stored there:
# a hit answered from here is not read and unpickled again (bench/pdf_bench.py measures the
# downloads this serves). No process can serve stale content because of it: a copy is found only
# under the day and the generation it was stored under, which each process reads afresh every
# CONTENT_FRESHNESS_SECONDS, and is dropped after KEPT_SECONDS.
KEPT_SECONDS = 300
KEPT_MOST = 64  # copies, each at most KEPT_LARGEST bytes: a bound on this process's memory
KEPT_LARGEST = 1024 * 1024
# {key: (until, version, response)}: the newest copy of each address this process has, which
# answers a repeat under its version, and stale while a newer one is rendered (below).
_kept = {}


def _keep(key, version, response):
    if len(response.content) > KEPT_LARGEST:
        return
    if len(_kept) >= KEPT_MOST:
        _kept.clear()
    _kept[key] = (time.monotonic() + KEPT_SECONDS, version, response)


def _kept_copy(key, version, stale=False):
    """This process's copy of the address under `version`; with `stale`, under an earlier one
    instead. None when it has no such copy."""
    found = _kept.get(key)
    if found is None or found[0] < time.monotonic() or (found[1] == version) is stale:
        return None
    return _own(found[2])


# Who renders an address's new copy: a claim in the page cache (one across every process with
# Redis, one per process with local memory), released once the copy is stored, and lapsing
# after RENDER_CLAIM_SECONDS should its request never release it.
RENDER_CLAIM_SECONDS = 10


def _claim(cache, key, version):
    """True when this request is the one to render the copy of `key` under `version`."""
    return cache.add(f"rendering:{key}", True, RENDER_CLAIM_SECONDS, version=version)


def _release(cache, key, version):
    cache.delete(f"rendering:{key}", version=version)


def _own(response):
    """A copy of a stored response for one answer: the layers above add headers to it and the
    server closes it, which must leave the kept one as it was. A shallow copy with its own headers
    and closers (HttpResponse has no public copy; the pickling the shared cache does is what this
    spares; a stored response has no cookies, see _storable)."""
    copied = object.__new__(type(response))
    copied.__dict__.update(response.__dict__)
    copied.headers = object.__new__(type(response.headers))
    copied.headers._store = dict(response.headers._store)
    copied._container = list(response._container)
    copied.cookies = SimpleCookie()
    copied._resource_closers = []
    return copied


def forget(shared=True):
    """Drops this process's copies (as a fresh process starts) and, with `shared`, every copy in
    the shared cache too (tests)."""
    _kept.clear()
    if shared:
        caches[settings.PAGE_CACHE_ALIAS].clear()


class SessionMiddleware(django_sessions.SessionMiddleware):
    """Django's, keeping the session PublicCacheMiddleware opened to tell staff from visitors
    rather than reading it a second time."""

    def process_request(self, request):
        if not hasattr(request, "session"):
            super().process_request(request)


class PublicCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # What SessionMiddleware does to a response, for a stored copy answered before it.
        self.sessions = SessionMiddleware(get_response)

    def __call__(self, request):
        # A host ALLOWED_HOSTS does not name is refused (DisallowedHost: 400) before the cache is
        # read or written. Nothing stored depends on the host otherwise: absolute addresses are
        # made from SITE_URL (meetings/addresses.py).
        request.get_host()
        if request.path_info.startswith(EXCLUDED):
            return self.get_response(request)
        if _signed_in(request):
            response = self.get_response(request)
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_store=True)
            return response
        if request.method != "GET":
            return self.get_response(request)
        known_only = _without_unknown_parameters(request)
        if known_only is not None:  # the same page, at its one address: nothing rendered
            return HttpResponseRedirect(known_only)

        cache, key, version = caches[settings.PAGE_CACHE_ALIAS], None, None
        if settings.PAGE_CACHE_SECONDS and _stored_at_all(request):
            # Read before the view runs: an edit made meanwhile keys a fresh copy.
            key, version = _key(request), generations.for_path(request.path_info)
            stored = _kept_copy(key, version)
            if stored is None:
                stored = cache.get(key, version=version)
                if stored is not None:
                    _keep(key, version, stored)
                    stored = _own(stored)
            if stored is not None:
                return self.answer_stored(request, stored, HIT)
            claimed = _claim(cache, key, version)
            if not claimed:  # another request renders it: the copy before meanwhile
                stale = _kept_copy(key, version, stale=True)
                if stale is not None:
                    return self.answer_stored(request, stale, STALE)
            try:
                return self.answer_rendered(request, cache, key, version)
            finally:
                if claimed:
                    _release(cache, key, version)
        return self.answer_rendered(request, cache, key, version)

    def answer_stored(self, request, stored, status):
        response = _conditional(request, stored)
        response["Cache-Status"] = status
        if hasattr(request, "session"):  # a cookie that signs nobody in: removed
            response = self.sessions.process_response(request, response)
        return response

    def answer_rendered(self, request, cache, key, version):
        """The view's answer, stored under `key` and `version` when it may be (key None: not)."""
        response = self.get_response(request)
        # A cookie that signs nobody in is removed from the browser (SessionMiddleware), not
        # from the copy stored for everyone: that stays free of cookies.
        removal = _session_removal(response)
        if not _storable(response):
            return _with_cookie(response, removal)
        response = with_public_caching(response)
        if not response.has_header("ETag"):
            set_response_etag(response)
        if key is not None and _may_store(request, response):
            # The response itself, as Django's cache middleware stores it: a hit is a copy.
            response["Content-Length"] = str(len(response.content))
            cache.set(key, response, settings.PAGE_CACHE_SECONDS, version=version)
            _keep(key, version, _own(response))
            response = _conditional(request, response)
            response["Cache-Status"] = STORED
            return _with_cookie(response, removal)
        return _with_cookie(_conditional(request, response), removal)


def _session_removal(response):
    """Takes from `response` the removal of a session cookie that signs nobody in, if that is
    its only cookie, and gives it."""
    name = settings.SESSION_COOKIE_NAME
    if list(response.cookies) != [name] or response.cookies[name].value != "":
        return None
    return response.cookies.pop(name)


def _with_cookie(response, removal):
    if removal is not None:
        response.cookies[settings.SESSION_COOKIE_NAME] = removal
    return response
