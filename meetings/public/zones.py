"""The time zones a visitor may see a programme's times in, beside the meeting's own: a remote
participant's. Each is named by its country and city in the page's language ("Thaïlande,
Bangkok"), with its offset from UTC on the meeting's days, and the times are converted on the
server: pages need no JavaScript.

The zones offered are those of the tz database's zone.tab (one a country and region, the names a
person looks for; the tzdata package's own copy, so every machine offers the same), and UTC.
Nothing else is a zone here: a made-up `tz` is refused with a message, and the page cache
(meetings/caching/pages.py) stores no copy for it, so made-up values cannot fill the cache.
"""

import datetime
import functools
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from zoneinfo import ZoneInfo

from babel.dates import get_timezone_location
from django.utils.translation import gettext

from meetings import languages
from meetings.delegations import key

UTC = "UTC"


def _zone_tab():
    """[(country code, zone name)] of zone.tab, as tzdata ships it."""
    text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    rows = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            country, _coordinates, name, *_comment = line.split("\t")
            rows.append((country, name))
    return rows


ZONE_COUNTRIES = {name: country for country, name in _zone_tab()}
# Countries with more than one zone: their zones are told apart by a city.
SEVERAL = frozenset(
    country for country, count in Counter(ZONE_COUNTRIES.values()).items() if count > 1
)
# Every value the `tz` parameter may take.
KNOWN = frozenset([UTC, *ZONE_COUNTRIES])


def is_known(name):
    return name in KNOWN


@functools.cache
def _country_names():
    """{ISO code: {"en": ..., "fr": ..., "es": ...}}: the names the site gives States (the UN's
    where they differ from ISO's and CLDR's: meetings/content/states.py)."""
    from meetings.content.states import dataset

    return {
        code: {"en": values["name"], "fr": values["name_fr"], "es": values["name_es"]}
        for code, values in dataset().items()
    }


@functools.cache
def city(name, language):
    """The city a zone is named by, in `language`: CLDR's ("Nueva York", "Port-d'Espagne"), else
    the zone's own ("America/Argentina/Buenos_Aires" -> "Buenos Aires")."""
    if name == UTC:
        return UTC
    try:
        found = get_timezone_location(name, locale=language, return_city=True)
    except (LookupError, ValueError):
        found = ""
    found = (found or name).rsplit("/", 1)[-1].replace("_", " ")
    return found.replace("\u2019", "'")  # the site's straight apostrophe, as the data writes it


@functools.cache
def label(name, language):
    """A zone named in `language` as a person looks for it: by its country ("Thaïlande"), and
    where the country has several, by its city too ("États-Unis, New York"); "UTC" for UTC."""
    if name == UTC:
        return UTC
    code = ZONE_COUNTRIES[name]
    names = _country_names().get(code, {})
    country = names.get(language) or names.get("en") or code
    return f"{country}, {city(name, language)}" if code in SEVERAL else country


def offset_text(offset):
    """ "UTC+07:00", "UTC−03:00" (a minus sign, read as such), "UTC+05:45", "UTC+00:00"."""
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "\u2212"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def offset_on(name, day):
    """The zone's offset from UTC at noon UTC of `day`."""
    moment = datetime.datetime.combine(day, datetime.time(12), datetime.UTC)
    return moment.astimezone(ZoneInfo(name)).utcoffset()


@dataclass(frozen=True)
class Choice:
    value: str
    text: str


@functools.lru_cache(maxsize=64)
def choices(day, language):
    """The zones offered, for a meeting on `day` in the page's `language`: UTC first, then by
    country and city as that language sorts them (accents aside), each with its offset that day:
    "Thaïlande (UTC+07:00)", "États-Unis, New York (UTC−04:00)"."""
    named = sorted(ZONE_COUNTRIES, key=lambda name: key(label(name, language)))
    return tuple(
        Choice(name, f"{label(name, language)} ({offset_text(offset_on(name, day))})")
        for name in [UTC, *named]
    )


@dataclass(frozen=True)
class Zoned:
    """A session's times in the second zone, as its page writes them."""

    day: str  # its day there where it differs from the meeting's day ("mercredi 23 mai 2030")
    start: str
    start_iso: str
    end: str
    end_iso: str
    offset: str  # "UTC+07:00"


def zoned(session, meeting_zone, name):
    """The times of `session` (a day and a start; an end if it has one) in zone `name`, or None
    for a session without a day or start."""
    if session.date is None or session.start_time is None:
        return None
    there = ZoneInfo(name)
    here = ZoneInfo(meeting_zone)
    start = datetime.datetime.combine(session.date, session.start_time, here).astimezone(there)
    end = None
    if session.end_time:
        end = datetime.datetime.combine(session.date, session.end_time, here).astimezone(there)
    return Zoned(
        day="" if start.date() == session.date else languages.day_format(start, gettext("l j F Y")),
        start=languages.time_text(start),
        start_iso=start.isoformat(timespec="minutes"),
        end=languages.time_text(end) if end else "",
        end_iso=end.isoformat(timespec="minutes") if end else "",
        offset=offset_text(start.utcoffset()),
    )
