"""The language of a request, the same page in the other languages, and content in a language.

A public page's language is the one its address names (/fr/..., /es/..., English without a
prefix), never the browser's or a cookie's, so every address always shows one language and
caches need no `Vary: Accept-Language`. Where content has no translation in the page's language,
`text()` gives the English, the template tags mark it `lang="en" data-untranslated`, and the
page gets one note (at UNTRANSLATED_NOTE) that parts of it are shown in English.
"""

import datetime
import functools
import re
from typing import NamedTuple

from django.conf import settings
from django.urls import translate_url
from django.utils import formats, translation
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext, pgettext_lazy

from .addresses import absolute
from .markdown import render_markdown

# Where base.html and the PDF template want the note, if the page needs one.
UNTRANSLATED_NOTE = "<!--untranslated-note-->"
# What the template tags put on English text standing in for a missing translation.
UNTRANSLATED_MARK = "data-untranslated"


class PathLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
            if _is_html_page(response):
                html = response.content.decode(response.charset)
                response.content = with_untranslated_note(html).encode(response.charset)
                if response.has_header("Content-Length"):
                    response["Content-Length"] = str(len(response.content))
        finally:
            translation.deactivate()
        response.headers.setdefault("Content-Language", language)
        return response


def _is_html_page(response):
    return (
        not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and UNTRANSLATED_NOTE.encode() in response.content
    )


def with_untranslated_note(html, document=False):
    """`html` with the note, in the active language, in place of UNTRANSLATED_NOTE if any of its
    text is the English standing in for a missing translation; else with the placeholder removed.
    `document`: the note of a printed document (the PDF), not of a page."""
    note = ""
    if UNTRANSLATED_MARK in html:
        if document:
            sentence = gettext(
                "Parts of this document are not available in this language: they are shown in "
                "English."
            )
        else:
            sentence = gettext(
                "Parts of this page are not available in this language: they are shown in English."
            )
        note = format_html('<p class="untranslated-note" role="note">{}</p>', sentence)
    return html.replace(UNTRANSLATED_NOTE, note, 1)


def active():
    """The active language's code ("en" where none is active, as in a management command)."""
    return translation.get_language() or settings.LANGUAGE_CODE


# An unescaped "j" (the day of the month) in a date format.
_DAY_OF_MONTH = re.compile(r"(?<!\\)j")


def day_format(value, format):
    """`value` (a date or datetime) in `format` of the active language, as Django's
    date_format writes it, but for the first of a month in French: "1er décembre 2026"
    (pages, the PDF, the calendar and the JSON all write days through this)."""
    if getattr(value, "day", None) == 1 and active().startswith("fr"):
        format = _DAY_OF_MONTH.sub(r"j\\e\\r", str(format), count=1)
    return date_format(value, format)


def month_text(year, month):
    """A month of a year as the active language writes it: "January 2024", "janvier 2024",
    "enero de 2024"."""
    return date_format(datetime.date(year, month, 1), gettext("F Y"))


def _is_french():
    return active().startswith("fr")


def time_text(value):
    """A time of day (a time, a datetime or "HH:MM") as the active language writes it: "10:15"
    in English and Spanish (the colon, accepted in Spanish); "10 h 15", "10 h" in French, with
    non-breaking spaces. Pages, the PDF and the Changes list all write times through this; the
    machine values of <time datetime> stay ISO."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = datetime.time.fromisoformat(value)
    if _is_french():
        hour = f"{value.hour}\u00a0h"
        return f"{hour}\u00a0{value.minute:02d}" if value.minute else hour
    return f"{value:%H:%M}"


def time_dash():
    """What stands between two times: "10:00–10:15", but "10 h – 10 h 15" in French, whose
    times have spaces of their own (the line may break after the dash)."""
    return "\u00a0– " if _is_french() else "–"


def times_text(start, end):
    """A start and end time as plain text: "10:00–13:00", "10 h – 13 h"; the start alone
    without an end."""
    if not end:
        return time_text(start)
    return f"{time_text(start)}{time_dash()}{time_text(end)}"


def moment_text(value):
    """A date and time in the active language, as a sentence says it: "22 May 2012 at 18:00",
    "22 mai 2012 à 18 h" (the first of a month "1er" in French)."""
    return gettext("%(date)s at %(time)s") % {
        "date": day_format(value, gettext("j F Y")),
        "time": time_text(value),
    }


# The city a time zone is named by where no venue says: Swiss time is Geneva's, the seat of the
# ISUs and of their meetings, never "Europe/Zurich". Other zones by the city of their ID.
ZONE_CITIES = {"Europe/Zurich": pgettext_lazy("city", "Geneva")}


def zone_text(meeting, session=None):
    """(The city whose time a meeting's sessions are given in, in the active language; True where
    that is English standing in for a translation): the city of the session's room's venue, else
    of the meeting's venue, else of its time zone (ZONE_CITIES, else the city of the IANA ID,
    "America/New_York" -> "New York"); never the zone's ID. A city name a venue holds in the
    page's language is used; else the catalogue's name for it (context "city")."""
    room = getattr(session, "room", None)
    for venue in (getattr(room, "venue", None), getattr(meeting, "venue", None)):
        if venue is not None and venue.city:
            city, english = text(venue, "city")
            if not english:
                return city, False
            # No translation held: the catalogue's name for it ("Genève"), else the English,
            # marked only where the catalogue names it neither (a proper name often the same
            # in every language, "Zurich", is not).
            return pgettext("city", venue.city), False
    if meeting.time_zone in ZONE_CITIES:
        return str(ZONE_CITIES[meeting.time_zone]), False
    return pgettext("city", meeting.time_zone.rsplit("/", 1)[-1].replace("_", " ")), False


def local_time_html(meeting, session=None):
    """The time zone of a meeting's session times named by its city (zone_text; an English name
    marked lang="en"): "Geneva time", "heure de Genève", "hora de Ginebra"."""
    city, fallback = zone_text(meeting, session)
    city_html = _english("span", city) if fallback else conditional_escape(city)
    sentence = conditional_escape(gettext("%(city)s time"))
    return mark_safe(sentence % {"city": city_html})  # noqa: S308 - both parts escaped


def day_texts(start, end):
    """The days from `start` to `end` in the active language, as a range writes them:
    (None, "22 May 2012") for one day, ("21", "25 May 2012") within a month ("du 21 au 25 mai
    2012", "del 16 al 19 de abril de 2012", never the month twice), ("30 April", "2 May 2012")
    within a year, ("30 December 2012", "2 January 2013") across years. The pages' <time> markup
    and the plain text of descriptions are both made from these.

    Kept per language: Django's date_format took about 45 µs a range, paid once a row by the
    lists of meetings (25 a page), and two dates always give the same text in one language."""
    if type(start) is datetime.date and type(end) is datetime.date:
        return _day_texts(start, end, active())
    return _day_texts.__wrapped__(start, end, active())


@functools.lru_cache(maxsize=4096)
def _day_texts(start, end, _language):
    """day_texts() in `_language`, the active one (part of the key, not read)."""
    end_text = day_format(end, gettext("j F Y"))
    if start == end:
        return None, end_text
    if (start.year, start.month) == (end.year, end.month):
        start_format = "j"
    elif start.year == end.year:
        start_format = gettext("j F")
    else:
        start_format = gettext("j F Y")
    return day_format(start, start_format), end_text


def size_text(size_bytes):
    """'44KB' or '1.2MB' in the active language, as programme pages have always written sizes;
    "" for an unknown size."""
    if size_bytes is None:
        return ""
    if size_bytes < 1024 * 1024:
        return gettext("%(size)sKB") % {"size": max(1, round(size_bytes / 1024))}
    return gettext("%(size)sMB") % {
        "size": formats.number_format(round(size_bytes / (1024 * 1024), 1), 1)
    }


def text(obj, name, language=None):
    """(the text of field `name` of `obj` in `language`, the active one by default; True when
    that is the English because the translation is missing)."""
    english = getattr(obj, name)
    language = language or active()
    if language == settings.LANGUAGE_CODE or name not in getattr(obj, "translated_fields", ()):
        return english, False
    return chosen(english, getattr(obj, f"{name}_{language}", ""))


def chosen(english, translated):
    """(`translated`, False) where there is a translation; else (`english`, True where that
    stands in for it), as text() reads a field."""
    if translated and translated.strip():
        return translated, False
    return english, bool(english and str(english).strip())


class Alternate(NamedTuple):
    code: str  # "fr"
    name: str  # the language's name in that language: "Français"
    url: str  # the page's address in that language, its query string kept: "/fr/meetings/?page=2"
    absolute_url: str  # the same at the site's address (SITE_URL), for hreflang links


def alternates(request):
    """The page `request` asked for, in every language."""
    path = request.get_full_path()
    return [
        Alternate(code, name, url, absolute(url))
        for code, name in settings.LANGUAGES
        for url in [translate_url(path, code)]
    ]


def _english(element, content):
    """`content` in `element` marked as the English standing in for a missing translation."""
    return format_html(
        '<{} lang="{}" {}>{}</{}>',
        element,
        settings.LANGUAGE_CODE,
        UNTRANSLATED_MARK,
        content,
        element,
    )


def marked(content, english, element="span", language=None):
    """`content` (escaped unless safe) as a page in `language` (the active one by default, where
    a caller writing many has not looked it up) shows it: marked as the English standing in for
    a translation where `english` is true and the page is not English."""
    if english and (language or active()) != settings.LANGUAGE_CODE:
        return _english(element, content)
    return conditional_escape(content)


def html(obj, name, language=None):
    """Field `name` of `obj` in `language` (the active one by default), escaped; where that is
    the English standing in for a missing translation, in a <span> marked lang="en" and
    UNTRANSLATED_MARK."""
    text_, fallback = text(obj, name, language)
    return _english("span", text_) if fallback else conditional_escape(text_)


def markdown_html(obj, name):
    """Markdown field `name` of `obj` in the active language, rendered; where that is the English
    standing in for a missing translation, in a <div> marked as `html()` marks it."""
    text_, fallback = text(obj, name)
    rendered = mark_safe(render_markdown(text_))  # noqa: S308 - sanitised by nh3
    return _english("div", rendered) if fallback else rendered
