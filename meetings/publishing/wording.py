"""How the Changes list says a change: one sentence that compares equal to its plain text and
carries `.segments`, the parts shown (words removed and inserted marked), and the day and times
of a session written in the page's language.

templates/meetings/_changes.html shows the segments, the only place that does."""

import datetime
import re
from difflib import SequenceMatcher

from django.utils.formats import date_format
from django.utils.translation import gettext as _

EQUAL, DELETE, INSERT = "equal", "delete", "insert"

# Words, runs of spaces and single marks apart: a change of one word or one comma shows alone.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
_WORD = re.compile(r"\S+\s*")
# An unchanged run longer than this many words between changes is cut down to CONTEXT words on
# either side of the change ("…" where words were left out): a long purpose or background reads
# as the words that changed in their sentence, not the whole text again.
LONG_RUN = 16
CONTEXT = 6
ELLIPSIS = "…"


class Change(str):
    """A sentence of changes(): equal to its plain text (tests, the plain contexts and sorting
    read it as one); `segments` are the parts to show, [(op, text)], op one of "equal",
    "delete", "insert"; a plain sentence's one part is all of it, "equal"."""

    def __new__(cls, text, segments=None):
        change = super().__new__(cls, text)
        change.segments = tuple(segments) if segments is not None else ((EQUAL, str(text)),)
        return change

    @property
    def has_edits(self):
        return any(op != EQUAL for op, _text in self.segments)


def word_diff(old, new, cut=False):
    """The segments turning text `old` into `new` word by word: unchanged runs "equal", words
    taken out "delete", words put in "insert" (each removal before the insertion that takes its
    place). A run of only spaces or marks between two changes joins them, so "quick brown" ->
    "slow red" reads as one replacement, not two with a space kept between. `cut` shortens long
    unchanged runs (shorten())."""
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    opcodes = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    merged = []  # [op, old text, new text], op "equal" or "change"
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        removed, inserted = "".join(a[i1:i2]), "".join(b[j1:j2])
        op = EQUAL if tag == "equal" else "change"
        # No two equal runs follow each other: one inside the list lies between two changes.
        joins = op == EQUAL and 0 < index < len(opcodes) - 1 and not re.search(r"\w", removed)
        if (op != EQUAL or joins) and merged and merged[-1][0] != EQUAL:
            merged[-1][1] += removed
            merged[-1][2] += inserted
        else:
            merged.append([op, removed, inserted])
    segments = []
    for op, removed, inserted in merged:
        if op == EQUAL:
            segments.append((EQUAL, removed))
            continue
        if removed:
            segments.append((DELETE, removed))
        if inserted:
            segments.append((INSERT, inserted))
    return shorten(segments) if cut else segments


def shorten(segments):
    """`segments` with each long unchanged run cut to the words next to a change, "…" in place
    of those left out."""
    if len(segments) < 2:
        return list(segments)
    shortened = []
    last = len(segments) - 1
    for index, (op, text) in enumerate(segments):
        words = _WORD.findall(text)
        long = LONG_RUN if 0 < index < last else CONTEXT + 4
        if op != EQUAL or len(words) <= long:
            shortened.append((op, text))
            continue
        lead = text[: len(text) - len(text.lstrip())]
        head = lead + "".join(words[:CONTEXT]).rstrip() + " " + ELLIPSIS
        tail = "".join(words[-CONTEXT:])
        if index == 0:
            shortened.append((EQUAL, f"{ELLIPSIS} {tail}"))
        elif index == last:
            shortened.append((EQUAL, head))
        else:
            shortened.append((EQUAL, f"{head} {tail}"))
    return shortened


def old_text(segments):
    """The text before the change, as the segments show it (long unchanged runs cut)."""
    return "".join(text for op, text in segments if op != INSERT)


def new_text(segments):
    """The text after the change, as the segments show it."""
    return "".join(text for op, text in segments if op != DELETE)


_MARK = "\x00"


def text_change(plain, shown, old, new, cut=False, **values):
    """The change of a text from `old` to `new` as one sentence: `plain` (a translated sentence
    with %(old)s and %(new)s) is its plain text, with the cut texts; `shown` (one with
    %(change)s) is what is shown, the change word by word in place of %(change)s. Other
    placeholders of both come from `values`; `cut` shortens long unchanged runs (a purpose,
    a background), not a title's or a question's."""
    segments = word_diff(old, new, cut)
    text = plain % {**values, "old": old_text(segments), "new": new_text(segments)}
    before, after = (shown % {**values, "change": _MARK}).split(_MARK)
    parts = []
    for op, part in [(EQUAL, before), *segments, (EQUAL, after)]:
        if parts and parts[-1][0] == op:
            parts[-1] = (op, parts[-1][1] + part)
        elif part:
            parts.append((op, part))
    return Change(text, parts)


def day(iso):
    """An ISO date ("2012-05-24") written in the active language: "24 May 2012"."""
    return date_format(datetime.date.fromisoformat(iso), _("j F Y"))


def when(session):
    """A session's day and times from its snapshot, in the active language: "24 May 2012,
    10:00–13:00"; the day to be confirmed where it has none."""
    if not session.get("date"):
        return _("day to be confirmed")
    said = day(session["date"])
    start, end = session.get("start"), session.get("end")
    if start:
        said = _("%(day)s, %(time)s") % {
            "day": said,
            "time": f"{start}–{end}" if end else start,
        }
    return said
