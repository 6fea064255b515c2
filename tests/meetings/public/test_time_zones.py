"""A time zone written as a VTIMEZONE of yearly rules (meetings/public/time_zones.py), read back
by vobject, which misread the former list of every change: each instant the zone's own data
(zoneinfo) gives is the instant the VTIMEZONE gives, in the years it was written for, for zones
with the same rule every year, with rules that changed, with fixed dates, and with none."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import vobject

from meetings.public.time_zones import vtimezone


def read_back(name, first, last):
    """The zone as vobject reads the VTIMEZONE written for `first` to `last`."""
    calendar = vobject.iCalendar()
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\n"
        + vtimezone(name, first, last).to_ical().decode()
        + "END:VCALENDAR\r\n"
    )
    calendar = vobject.readOne(text)
    return calendar.vtimezone.gettzinfo(), text


@pytest.mark.parametrize(
    "name",
    ["Europe/Zurich", "America/Santiago", "Asia/Tehran", "Australia/Sydney", "Asia/Bangkok"],
)
def test_every_hour_of_the_years_written_has_the_zones_own_offset(name):
    first, last = datetime.date(2011, 1, 1), datetime.date(2013, 12, 31)
    written, _text = read_back(name, first, last)
    zone = ZoneInfo(name)
    moment = datetime.datetime(2011, 1, 1, 0, 30)
    wrong = []
    while moment.date() <= last:
        # Skip the hour a change makes ambiguous or missing: each program picks one.
        around = {
            (moment + datetime.timedelta(hours=h)).replace(tzinfo=zone).utcoffset()
            for h in (-2, 0, 2)
        }
        if len(around) == 1 and moment.replace(tzinfo=written).utcoffset() != around.pop():
            wrong.append(moment)
        moment += datetime.timedelta(hours=1)
    assert wrong == []


def test_a_zone_with_one_rule_is_two_yearly_observances_as_outlook_writes_it():
    _zone, text = read_back("Europe/Zurich", datetime.date(2012, 5, 22), datetime.date(2012, 5, 25))
    assert text.count("BEGIN:DAYLIGHT") == text.count("BEGIN:STANDARD") == 1
    assert "DTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in text
    assert "DTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in text
    assert "RDATE" not in text and "UNTIL" not in text


def test_a_rule_that_stopped_is_closed_with_until():
    # Chile moved the end of summer time from March to April in 2012 and the start from
    # October to September in 2011.
    _zone, text = read_back(
        "America/Santiago", datetime.date(2010, 1, 1), datetime.date(2013, 12, 31)
    )
    assert "UNTIL=" in text


def test_a_zone_without_summer_time_is_one_standard_observance():
    _zone, text = read_back("Asia/Bangkok", datetime.date(2012, 5, 22), datetime.date(2012, 5, 22))
    assert text.count("BEGIN:STANDARD") == 1 and "BEGIN:DAYLIGHT" not in text
    assert "TZOFFSETFROM:+0700\r\nTZOFFSETTO:+0700" in text
