"""The generation of the content a public address shows: the version its cached copies are
stored under (meetings/models/caching.py counts the changes).

- `everything()`: the sum of every count, which any change anywhere raises (`total()` as an
  expression, for a query that compares with it).
- `for_path(path)`: for an address inside a meeting (/meetings/<meeting>/..., in any language),
  that meeting's count and the sum of the counts outside any meeting (venues, people, actions,
  documents, ...), so an edit in one meeting leaves every other meeting's pages cached; for any
  other address (lists, search, action pages, news, ...), `everything()`.

Each is one query, and is remembered in this process's "generations" cache (local memory) for
CONTENT_FRESHNESS_SECONDS: within that time of an edit saved by any process, every process reads
the new generation, and nothing cached under an older one is served again.
"""

import re

from django.conf import settings
from django.core.cache import caches
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


def _read_meeting(slug):
    """One query: the meeting's id, its count and the shared sum, as a version string; None
    when no meeting has that slug."""
    count = MeetingGeneration.objects.filter(meeting=OuterRef("pk")).values("number")[:1]
    row = (
        Meeting.objects.filter(slug=slug)
        .annotate(count=Coalesce(Subquery(count), Value(0)), shared=_sum(SharedGeneration))
        .values_list("pk", "count", "shared")
        .first()
    )
    return None if row is None else "m{}.{}.{}".format(*row)


def _remembered(key, read):
    remembered = caches["generations"]
    value = remembered.get(key)
    if value is None:
        value = read()
        remembered.set(key, value, settings.CONTENT_FRESHNESS_SECONDS)
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
