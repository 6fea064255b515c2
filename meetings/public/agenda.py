"""A delegate's personal agenda: the sessions they ticked on a programme's page, at an address
that names them and nothing else, with no account, cookie or row of ours.

A session is named by the first 48 bits of its uid (the same in every revision of the programme:
meetings/publishing/revisions.py), in eight characters of URL-safe base64. An agenda's code is
its sessions' names sorted by their bits and joined, so one choice has one address, and the
address follows the programme through its revisions: a session retimed or retitled is the same
session; one a revision removed is said to be removed. Two sessions of one programme sharing 48
bits of a random uid is a chance of about one in 57,000 million for a programme of 100 sessions;
should it happen, a code naming one names both.
"""

import base64
import re

from django.urls import reverse

from meetings import addresses

NAME_CHARACTERS = 8  # a session's name in a code: 6 bytes of its uid, base64
# A session's name in an agenda's code: "kq3Xw8Zp".
session_name = addresses.agenda_session_name
NAME = re.compile(r"[A-Za-z0-9_-]{8}")
# An agenda holds at most this many sessions: its address stays under 3,300 characters.
MOST_SESSIONS = 400
CODE = re.compile(rf"(?:[A-Za-z0-9_-]{{8}}){{1,{MOST_SESSIONS}}}")


def _bits(name):
    return base64.urlsafe_b64decode(name)


def names(code):
    """The session names a code holds, or None when it is not a code (other characters, a
    length not a multiple of eight, more than MOST_SESSIONS)."""
    if not CODE.fullmatch(code):
        return None
    return [code[i : i + NAME_CHARACTERS] for i in range(0, len(code), NAME_CHARACTERS)]


def code_of(chosen):
    """The one code of the session names `chosen` (in any order, repeated or not): sorted by
    their bits, each once. None when one of them is not a session's name, or none is given."""
    chosen = set(chosen)
    if not chosen or len(chosen) > MOST_SESSIONS:
        return None
    if not all(NAME.fullmatch(name) for name in chosen):
        return None
    return "".join(sorted(chosen, key=_bits))


def uid_prefix(name):
    """How a uid written by PostgreSQL begins for the session `name`: "1f0e2d3c-4b5a"."""
    hexadecimal = _bits(name).hex()
    return f"{hexadecimal[:8]}-{hexadecimal[8:]}"


def address(programme, code):
    """The agenda's page, in the active language."""
    return reverse("meetings:agenda", args=[programme.meeting.slug, programme.slug, code])


def calendar_address(programme, code):
    return reverse("meetings:agenda_ics", args=[programme.meeting.slug, programme.slug, code])
