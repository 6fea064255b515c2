"""The version a cached copy of a public address is stored under: the generation of what it
shows (meetings/models/caching.py counts the changes).

An address inside a meeting (/meetings/<meeting>/..., in any language) is keyed by that
meeting's count and the counts outside any meeting, so an edit in one meeting leaves every
other meeting's copies in place; any other address by the sum of every count. Each is one
query, remembered in this process for CONTENT_FRESHNESS_SECONDS.
"""

import re
import time

from django.conf import settings
from django.db.models import F, Func, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from meetings.models import Meeting, MeetingGeneration, SharedGeneration

# A page of one meeting: its own page and everything under it. "/meetings/" alone and the
# changes feed "/meetings/changes.atom" are pages about every meeting.
MEETING_PATH = re.compile(r"^(?:/[a-z]{2})?/meetings/(?P<slug>[-\w]{1,100})/")


def _sum(model):
    """The sum of `model`'s counts, as a subquery (0 for no row)."""
    total = model.objects.order_by().values(total=Func(F("number"), function="SUM"))
    return Coalesce(Subquery(total.values("total")[:1]), Value(0))


def total():
    """The sum of every count now, as an expression."""
    return _sum(MeetingGeneration) + _sum(SharedGeneration)


def count_everything():
    return SharedGeneration.objects.aggregate(
        total=Coalesce(Sum("number"), Value(0)) + _sum(MeetingGeneration)
    )["total"]


def _versions(meetings):
    """{slug: version} of `meetings` (a queryset), in one query: each one's id, its count and
    the shared sum."""
    count = MeetingGeneration.objects.filter(meeting=OuterRef("pk")).values("number")[:1]
    rows = (
        meetings.order_by()
        .annotate(count=Coalesce(Subquery(count), Value(0)), shared=_sum(SharedGeneration))
        .values_list("slug", "pk", "count", "shared")
    )
    return {slug: f"m{pk}.{number}.{shared}" for slug, pk, number, shared in rows}


def _read_meeting(slug):
    """One query: the meeting's version string; None when no meeting has that slug."""
    return _versions(Meeting.objects.filter(slug=slug)).get(slug)


# What this process read, by key: (read again after, value). A plain dict rather than a LocMem
# cache, which costs 30 times as much a read on every public request (bench/pdf_bench.py). No
# process can serve stale content because of it: each trusts its own read for
# CONTENT_FRESHNESS_SECONDS only, and a newer count keys fresh copies in the shared cache.
_remembered_here = {}
MOST_REMEMBERED = 2000  # made-up meeting addresses cannot grow it past this


def _remembered(key, read):
    now = time.monotonic()
    found = _remembered_here.get(key)
    if found is not None and found[0] > now:
        return found[1]
    value = read()
    if len(_remembered_here) >= MOST_REMEMBERED:
        _remembered_here.clear()
    _remembered_here[key] = (now + settings.CONTENT_FRESHNESS_SECONDS, value)
    return value


def forget():
    """Read every count again on the next request (tests; as after the freshness time)."""
    _remembered_here.clear()
    _kept_here.clear()


# Values worked out from the content, by key: (the count of every change they were worked out
# under, value). Kept in this process until the content changes, never longer: that count is
# read again after CONTENT_FRESHNESS_SECONDS, as the page cache's keys are.
_kept_here = {}
MOST_KEPT = 2000  # each action's count of sessions, say: a few hundred keys


def kept(key, work_out):
    """work_out(), or what it gave in this process since the content last changed: for a value
    the database reads thousands of rows for on every request, as the number of public
    sessions serving an action on the archive (3,064 among 6,329 links: 10 ms)."""
    version = everything()  # first: a change while working out is worked out again next time
    found = _kept_here.get(key)
    if found is not None and found[0] == version:
        return found[1]
    value = work_out()
    if len(_kept_here) >= MOST_KEPT:
        _kept_here.clear()
    _kept_here[key] = (version, value)
    return value


def everything():
    return _remembered("everything", count_everything)


def for_path(path):
    """The version a cached copy of the public address `path` is stored under."""
    match = MEETING_PATH.match(path)
    if match is not None:
        slug = match["slug"]
        # No such meeting (yet): a 404, or one made within the freshness time.
        version = _remembered(f"meeting:{slug}", lambda: _read_meeting(slug) or "")
        if version:
            return version
    return f"all.{everything()}"


def every_version():
    """for_path as it answers now, for every address at once, read in two queries and never
    again: for a job that renders many addresses and must know what each one showed when it
    began (the static copy, meetings/public/static_export.py)."""
    # Read before the meetings' counts: an edit made in between keys the pages about every
    # meeting as older than they are, which renders them again next time, never too few.
    every = count_everything()
    meetings = _versions(Meeting.objects.all())

    def version(path):
        match = MEETING_PATH.match(path)
        if match is not None and match["slug"] in meetings:
            return meetings[match["slug"]]
        return f"all.{every}"

    return version
