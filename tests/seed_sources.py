"""Read the five source documents (fixtures/sources/, verbatim copies of ../shared/seeds/), so
tests compare the data and the pages with what the sources say, not with the fixture."""

import re
from pathlib import Path

SOURCES = Path(__file__).resolve().parents[1] / "fixtures" / "sources"


def source(prefix):
    return next(SOURCES.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def bullet_questions(text):
    """Lines of a source that are list items ending in a question mark."""
    return [
        re.sub(r"^\s*(?:[•\-]|\d+\.)\s*", "", line).strip()
        for line in text.splitlines()
        if re.match(r"^\s*(?:[•\-]|\d+\.)\s*\S.*\?\s*$", line)
    ]


def printed_timetable():
    """(time, title) of each timed item of the printed programme (seed 001)."""
    text = source("001").split("PROGRAMME – TUESDAY 22 MAY")[1]
    return [
        (time, title.strip())
        for time, title in re.findall(r"^(\d\d:\d\d)\s*\n\s*\n(.+)$", text, flags=re.MULTILINE)
    ]


def kept_keys(stored, current):
    """`current` with only the keys snapshot `stored` keeps (its sessions' too): a snapshot
    stored before the translations were kept is the English of one taken now."""
    kept = {key: current[key] for key in stored if key != "sessions"}
    if "sessions" in stored:
        kept["sessions"] = {
            uid: {key: session[key] for key in stored["sessions"].get(uid, session)}
            for uid, session in current["sessions"].items()
        }
    return kept
