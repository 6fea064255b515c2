"""A time zone as a calendar's VTIMEZONE, written as Outlook, Google and Apple write theirs: one
observance for summer time and one for standard time, each a yearly rule (RRULE "the last
Sunday of March at 02:00"), rather than a list of every change from 1970 to 2038 (RDATE), which
some programs misread (vobject placed every session of a Geneva May meeting an hour early).

The rules are read from the zone's own changes (zoneinfo) in the years a calendar's events fall
in, with a year either side, so a zone whose rules changed over the years is written right for
the years it is used in: a rule that stops is closed with UNTIL, and a change that fits no
weekday rule (a fixed date) is an observance of its own. The first rule of each kind is dated
from 1970, as Outlook dates its rules from 1601: a program that keeps the first VTIMEZONE it met
for a zone name (vobject does, within one process) then still places earlier meetings right.
"""

import calendar
import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
# Zone changes are looked for a week apart, then pinned down to the second.
STEP = datetime.timedelta(days=7)
# Where the first yearly rule of each kind is dated from.
EPOCH_YEAR = 1970


class Change(NamedTuple):
    onset: datetime.datetime  # local wall time just before the change, naive (RFC 5545 DTSTART)
    at_utc: datetime.datetime
    offset_from: datetime.timedelta
    offset_to: datetime.timedelta
    name: str
    summer: bool

    def rule(self):
        """What repeats yearly: the month, the weekday, which one in the month (-1: the last),
        the wall time, the offsets and the name."""
        day = self.onset.day
        days_in_month = calendar.monthrange(self.onset.year, self.onset.month)[1]
        nth = -1 if day + 7 > days_in_month else (day - 1) // 7 + 1
        return (
            self.summer,
            self.onset.month,
            self.onset.weekday(),
            nth,
            self.onset.time(),
            self.offset_from,
            self.offset_to,
            self.name,
        )


def _changes(zone, start, end):
    """The zone's changes of offset between the UTC instants `start` and `end`."""
    found = []
    before = start
    while before < end:
        after = min(before + STEP, end)
        if before.astimezone(zone).utcoffset() != after.astimezone(zone).utcoffset():
            low, high = before, after
            while high - low > datetime.timedelta(seconds=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset():
                    low = middle
                else:
                    high = middle
            old, new = low.astimezone(zone), high.astimezone(zone)
            found.append(
                Change(
                    onset=(high + old.utcoffset()).replace(tzinfo=None),
                    at_utc=high,
                    offset_from=old.utcoffset(),
                    offset_to=new.utcoffset(),
                    name=new.tzname() or "",
                    summer=bool(new.dst()),
                )
            )
        before = after
    return found


def _day_of(year, month, weekday, nth):
    """The `nth` (-1: the last) `weekday` (0: Monday) of `month` in `year`."""
    days = [
        day
        for day in range(1, calendar.monthrange(year, month)[1] + 1)
        if datetime.date(year, month, day).weekday() == weekday
    ]
    return days[nth if nth < 0 else nth - 1]


def _observance(first, last, count, open_ended, from_epoch):
    """One STANDARD or DAYLIGHT observance: `first` change, repeated yearly to `last`; dated
    from EPOCH_YEAR when `from_epoch` and it repeats."""
    observance = TimezoneDaylight() if first.summer else TimezoneStandard()
    repeats = count > 1 or open_ended
    _summer, month, weekday, nth, *_rest = first.rule()
    onset = first.onset
    if repeats and from_epoch:
        day = _day_of(EPOCH_YEAR, month, weekday, nth)
        onset = onset.replace(year=EPOCH_YEAR, month=month, day=day)
    observance.add("dtstart", onset)
    observance.add("tzoffsetfrom", first.offset_from)
    observance.add("tzoffsetto", first.offset_to)
    if first.name:
        observance.add("tzname", first.name)
    if repeats:
        rule = {"freq": "yearly", "bymonth": month, "byday": f"{nth}{WEEKDAYS[weekday]}"}
        if not open_ended:
            rule["until"] = last.at_utc.replace(tzinfo=datetime.UTC)
        observance.add("rrule", rule)
    return observance


def vtimezone(name, first_day, last_day):
    """The VTIMEZONE of zone `name` for events from `first_day` to `last_day` (dates)."""
    zone = ZoneInfo(name)
    start = datetime.datetime(first_day.year - 1, 1, 1, tzinfo=datetime.UTC)
    end = datetime.datetime(last_day.year + 2, 1, 1, tzinfo=datetime.UTC)
    changes = _changes(zone, start, end)
    component = Timezone()
    component.add("tzid", name)
    if not changes:  # no change in those years: one standard time throughout
        local = start.astimezone(zone)
        observance = TimezoneStandard()
        observance.add("dtstart", datetime.datetime(1970, 1, 1))
        observance.add("tzoffsetfrom", local.utcoffset())
        observance.add("tzoffsetto", local.utcoffset())
        observance.add("tzname", local.tzname() or name)
        component.add_component(observance)
        return component
    # Consecutive yearly changes of one rule make one observance; each kind (summer, standard)
    # is followed on its own, as the two alternate.
    for summer in (True, False):
        runs = []
        for change in (c for c in changes if c.summer == summer):
            previous = runs[-1] if runs else None
            if (
                previous is not None
                and previous[-1].rule() == change.rule()
                and change.onset.year == previous[-1].onset.year + 1
            ):
                previous.append(change)
            else:
                runs.append([change])
        for index, run in enumerate(runs):
            # The last rule of the years looked at still holds after them: no UNTIL.
            open_ended = index == len(runs) - 1 and run[-1].onset.year >= last_day.year + 1
            component.add_component(
                _observance(run[0], run[-1], len(run), open_ended, from_epoch=index == 0)
            )
    return component
