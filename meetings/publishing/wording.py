"""How the Changes list says a change: one sentence that compares equal to its plain text and
carries `.segments`, the parts shown (words removed and inserted marked), and the day and times
of a session written in the page's language.

templates/meetings/_changes.html shows the segments, the only place that does."""

import datetime
import re
from difflib import SequenceMatcher

from django.utils.translation import gettext as _

from meetings import languages

EQUAL, DELETE, INSERT = "equal", "delete", "insert"

# Words and single marks apart, each with the spaces after it (spaces leading a text alone): a
# change of one word or one comma shows alone.
_TOKEN = re.compile(r"\w+\s*|[^\w\s]\s*|\s+")
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


def _tokens(text):
    """Words and marks, each with the spaces after it (leading spaces alone); and their keys,
    the same without the spaces, which are what is compared: a word followed by a line break
    in one text and by a space in the other is the same word."""
    tokens = _TOKEN.findall(text or "")
    return tokens, [token.strip() for token in tokens]


def word_diff(old, new, cut=False):
    """The segments turning text `old` into `new` word by word: unchanged runs "equal", words
    taken out "delete", words put in "insert" (each removal before the insertion that takes its
    place). A run of only marks between two changes joins them, so "quick, brown fox" ->
    "slow; red fox" reads as one replacement. `cut` shortens long unchanged runs (shorten()).
    Joined up, the segments other than "insert" give the old text, the ones other than
    "delete" the new one, but for the spaces between words: an unchanged run is written with
    the new text's (a line break where the old text had a space, say)."""
    a, a_keys = _tokens(old)
    b, b_keys = _tokens(new)
    # The words both texts start and end with are matched at once: a long text with one
    # change is compared in the stretch around the change only.
    head = 0
    while head < min(len(a), len(b)) and a_keys[head] == b_keys[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a_keys[-1 - tail] == b_keys[-1 - tail]:
        tail += 1
    matcher = SequenceMatcher(
        None, a_keys[head : len(a) - tail], b_keys[head : len(b) - tail], autojunk=False
    )
    opcodes = [("equal", 0, head, 0, head)] if head else []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        opcodes.append((tag, i1 + head, i2 + head, j1 + head, j2 + head))
    if tail:
        opcodes.append(("equal", len(a) - tail, len(a), len(b) - tail, len(b)))
    merged = []  # [op, old text, new text], op "equal" or "change"
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        removed, inserted = "".join(a[i1:i2]), "".join(b[j1:j2])
        op = EQUAL if tag == "equal" else "change"
        # An unchanged run inside the list lies between two changes (the matcher never gives
        # two in a row, and the ones of the start and the end are outside its stretch).
        inside = 0 < index < len(opcodes) - 1 and merged and merged[-1][0] != EQUAL
        joins = op == EQUAL and inside and not re.search(r"\w", removed)
        if op != EQUAL and merged and merged[-1][0] != EQUAL or joins:
            merged[-1][1] += removed
            merged[-1][2] += inserted
        else:
            merged.append([op, removed, inserted])
    segments = []
    before_old = before_new = ""
    for index, (op, removed, inserted) in enumerate(merged):
        if op == EQUAL:
            space_old = removed[len(removed.rstrip()) :]
            space_new = inserted[len(inserted.rstrip()) :]
            before_old = before_new = ""
            if bool(space_old) != bool(space_new) and index < len(merged) - 1:
                # A space after it in one text only belongs to the change that follows:
                # "in implementation?" -> "in implementation of plans?" puts in " of plans".
                inserted, before_old, before_new = inserted.rstrip(), space_old, space_new
            segments.append((EQUAL, inserted))
            continue
        removed, inserted = before_old + removed, before_new + inserted
        space = inserted[len(inserted.rstrip()) :]
        if removed.strip() and inserted.strip() and space and removed[-1:].isspace():
            # A replacement followed by a space in both texts: the space is not part of it.
            removed, inserted = removed.rstrip(), inserted.rstrip()
        else:
            space = ""
        segments += [(DELETE, removed), (INSERT, inserted), (EQUAL, space)]
    return shorten(_joined(segments)) if cut else _joined(segments)


def _joined(segments):
    """`segments` with neighbours of the same kind made one."""
    joined = []
    for op, text in segments:
        if joined and joined[-1][0] == op:
            joined[-1] = (op, joined[-1][1] + text)
        elif text:
            joined.append((op, text))
    return joined


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
    """An ISO date ("2012-05-24") written in the active language with its weekday: "Thursday 24
    May 2012", "jeudi 24 mai 2012" (never the ISO form in a sentence)."""
    return languages.day_format(datetime.date.fromisoformat(iso), _("l j F Y"))


def when(session):
    """A session's day and times from its snapshot, in the active language: "Thursday 24 May
    2012, 10:00–13:00", "jeudi 24 mai 2012, 10 h – 13 h"; the day to be confirmed where it has
    none."""
    if not session.get("date"):
        return _("day to be confirmed")
    said = day(session["date"])
    if session.get("start"):
        said = _("%(day)s, %(time)s") % {
            "day": said,
            "time": languages.times_text(session["start"], session.get("end")),
        }
    return said


def move(old, new):
    """A session's move from one snapshot's day and times to another's: "Thursday 24 May 2012,
    10:00 → 15:00" when only the times changed on the same day, the whole of both otherwise
    ("jeudi 24 mai 2012, 10 h → vendredi 25 mai 2012, 15 h")."""
    same_day = old.get("date") and old.get("date") == new.get("date")
    if same_day and old.get("start") and new.get("start"):
        before = languages.times_text(old["start"], old.get("end"))
        after = languages.times_text(new["start"], new.get("end"))
        return _("%(day)s, %(time)s") % {"day": day(old["date"]), "time": f"{before} → {after}"}
    return f"{when(old)} → {when(new)}"
