"""The content version as the caches see it: read from the database at most once every
CONTENT_FRESHNESS_SECONDS per process, so a cache hit usually costs no query at all, and an edit
reaches every cache within that time (0 reads it on every request).

`current_version()` counts every change anywhere. `page_version(path)` is what a public page's
cached copy is keyed by: for a page inside a meeting (/meetings/<meeting>/..., in any language)
that meeting's own version and the version of what all meetings share (venues, people, actions,
documents, ...), so an edit in one meeting leaves every other meeting's pages cached; for any
other page (lists, search, action pages, news, ...) the count of every change.
"""

import re
import time

from django.conf import settings
from django.db.models import Subquery

# A page of one meeting: its own page and everything under it. "/meetings/" alone and the
# changes feed "/meetings/changes.atom" are pages about every meeting.
MEETING_PATH = re.compile(r"^(?:/[a-z]{2})?/meetings/(?P<slug>[-\w]+)/")
# Tokens remembered per meeting slug; past this many, the memory starts again (a crawler asking
# for many addresses cannot make it grow without bound).
MAX_REMEMBERED = 10_000

_seen = {"number": None, "read_at": float("-inf")}
_pages = {}  # meeting slug -> (read_at, token)


def _fresh(read_at, now):
    return now - read_at < settings.CONTENT_FRESHNESS_SECONDS


def current_version():
    now = time.monotonic()
    if not _fresh(_seen["read_at"], now):
        from .models import ContentVersion

        _seen.update(number=ContentVersion.current(), read_at=now)
    return _seen["number"]


def _meeting_token(slug):
    """One query: the meeting's id and version with the shared version, as a cache key part;
    None when no meeting has that slug (the page is then keyed by every change)."""
    from .models import ContentVersion, Meeting, MeetingVersion

    meeting = Meeting.objects.filter(slug=slug).values("pk")
    own = MeetingVersion.objects.filter(meeting__slug=slug).values("number")
    row = (
        ContentVersion.objects.filter(pk=1)
        .annotate(meeting=Subquery(meeting[:1]), meeting_number=Subquery(own[:1]))
        .values_list("meeting", "meeting_number", "shared")
        .first()
    )
    if row is None or row[0] is None:
        return None
    meeting_id, meeting_number, shared = row
    return f"m{meeting_id}.{meeting_number or 0}.{shared}"


def page_version(path):
    """What a cached copy of the public page at `path` is keyed by (see the module's text)."""
    match = MEETING_PATH.match(path)
    if match is None:
        return f"all{current_version()}"
    slug, now = match["slug"], time.monotonic()
    read_at, token = _pages.get(slug, (float("-inf"), None))
    if not _fresh(read_at, now):
        token = _meeting_token(slug)
        if token is None:  # no such meeting (yet): a 404, or one made within the freshness time
            return f"all{current_version()}"
        if len(_pages) >= MAX_REMEMBERED:
            _pages.clear()
        _pages[slug] = (now, token)
    return token


def forget():
    _seen.update(number=None, read_at=float("-inf"))
    _pages.clear()
