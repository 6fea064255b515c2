"""Delegations named as the ISU writes them: "Updates from: Afghanistan, Albania, Bosnia and
Herzegovina, ... Croatia and Eritrea", "the ICBL and Mexico", "UNICEF on behalf of UNMAT, Lao
PDR, Montenegro"; and statement files named after them ("SCVA-2019-Lao-PDR-EN.pdf").

A name is matched to a State (its name, short name, official name, French and Spanish names, ISO
alpha-2 or alpha-3 code) or an organisation (name, acronym, French and Spanish names), with or
without "the", case and accents ignored. A known name containing "and" (Bosnia and Herzegovina)
is matched whole: the longest known name wins. `Directory` loads every candidate name in two
queries; matching then costs none. Unknown and ambiguous names are all reported, by name, in one
`NotMatched` error: the caller saves nothing.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Document, Organisation, State

# "Updates from:", "Comments/questions:"; "Statements by" without a colon.
LABEL = re.compile(
    r"^[^:\n]*:|^\s*(?:statements?|updates?|(?:opening|closing)\s+remarks|comments?"
    r"(?:\s*(?:/|and)\s*questions?)?|questions?)\s+(?:by|from)\s+",
    re.IGNORECASE,
)
SEPARATORS = re.compile(r"[,;\n]+")
AND = re.compile(r"\s+(?:and|&)\s+", re.IGNORECASE)
ON_BEHALF = re.compile(r"\s+on\s+behalf\s+of\s+", re.IGNORECASE)


def key(text):
    """What two spellings of a name have in common: no accents, case, punctuation or leading
    "the"; "Côte d’Ivoire" and "cote d'ivoire" give "cote d ivoire". "&" reads as "and":
    "Bosnia & Herzegovina" is Bosnia and Herzegovina."""
    text = unicodedata.normalize("NFKD", text).replace("&", " and ")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = " ".join(re.sub(r"[^\w]+", " ", text).split())
    return text.removeprefix("the ")


@dataclass(frozen=True)
class Delegation:
    """A delegation that took the floor, possibly on behalf of another; `text` as typed."""

    text: str
    state: State | None = None
    organisation: Organisation | None = None
    on_behalf_of_state: State | None = None
    on_behalf_of_organisation: Organisation | None = None

    @property
    def who(self):
        return self.state or self.organisation

    @property
    def on_behalf_of(self):
        return self.on_behalf_of_state or self.on_behalf_of_organisation

    def same_as(self, statement):
        """Whether `statement` is by this delegation, on behalf of the same one."""
        return (
            statement.state_id == (self.state and self.state.pk)
            and statement.organisation_id == (self.organisation and self.organisation.pk)
            and statement.on_behalf_of_state_id
            == (self.on_behalf_of_state and self.on_behalf_of_state.pk)
            and statement.on_behalf_of_organisation_id
            == (self.on_behalf_of_organisation and self.on_behalf_of_organisation.pk)
        )


class NotMatched(ValidationError):
    """Names that match nothing (`unknown`) or more than one delegation (`ambiguous`: [(name,
    [the candidates])]), all of them, in the order of the list; `found`: the delegations the
    other names of the list are."""

    def __init__(self, unknown=(), ambiguous=(), found=()):
        self.unknown, self.ambiguous, self.found = list(unknown), list(ambiguous), list(found)
        messages = []
        if self.unknown:
            messages.append(
                _("Not found: %(names)s. Add them (States, organisations) or correct the spelling.")
                % {"names": ", ".join(f"“{name}”" for name in self.unknown)}
            )
        for name, candidates in self.ambiguous:
            messages.append(
                _("“%(name)s” could be %(candidates)s: write the full name.")
                % {"name": name, "candidates": _(" or ").join(str(c) for c in candidates)}
            )
        super().__init__(messages, code="not_matched")


def _state_names(state):
    names = [state.name, state.short_name, state.official_name]
    names += [state.name_fr, state.name_es, state.short_name_fr, state.short_name_es]
    names += state.other_names.splitlines()  # Turkey, Swaziland, Vietnam
    return names, [state.iso_code, state.iso3_code]


def _organisation_names(organisation):
    names = [organisation.name, organisation.acronym, organisation.name_fr, organisation.name_es]
    return names, []


class Directory:
    """Every State and organisation by each of its names: two queries, once."""

    def __init__(self):
        self.names = {}  # key -> {State or Organisation}
        self.codes = {}  # "AL", "ALB" -> State (case kept: "by" in a file name is not Belarus)
        for rows, names_of in (
            (State.objects.all(), _state_names),
            (Organisation.objects.all(), _organisation_names),
        ):
            for row in rows:
                names, codes = names_of(row)
                for name in filter(None, names):
                    self.names.setdefault(key(name), set()).add(row)
                for code in filter(None, codes):
                    self.codes.setdefault(code.upper(), set()).add(row)

    def candidates(self, name):
        """The delegations a name may be: by their names first, by an ISO code only if none."""
        found = self.names.get(key(name))
        if not found:
            found = self.codes.get(name.strip().upper(), set())
        return sorted(found, key=lambda row: (type(row).__name__, str(row)))

    def known(self, name):
        """Whether `name` names something: one delegation, or one on behalf of another."""
        if self.candidates(name):
            return True
        parts = ON_BEHALF.split(name, maxsplit=1)
        return len(parts) == 2 and all(self.candidates(part) for part in parts)

    # -- a list -------------------------------------------------------------------------------

    def names_in(self, text):
        """The names of a pasted list, in its order: labels, separators and the last "and"
        taken out, "Bosnia and Herzegovina" kept whole when it is a known name."""
        names = []
        for line in text.splitlines():
            line = LABEL.sub("", line)
            for chunk in SEPARATORS.split(line):
                chunk = chunk.strip().rstrip(".").strip()
                chunk = re.sub(r"^and\s+", "", chunk, flags=re.IGNORECASE)
                if chunk:
                    names += self._split_ands(chunk)
        return names

    def _split_ands(self, chunk):
        """'Croatia and Eritrea' -> two names; 'Trinidad and Tobago' -> one if it is known;
        unknown parts next to each other stay together ('Saint Kitts and Nevis', unknown, is
        reported as such, not as 'Saint Kitts' and 'Nevis')."""
        parts = AND.split(chunk)
        separators = AND.findall(chunk)
        names, start = [], 0
        while start < len(parts):
            end = next(
                (
                    end
                    for end in range(len(parts), start, -1)
                    if self.known(self._join(parts, separators, start, end))
                ),
                None,
            )
            if end is None:  # unknown: joined to the unknown part before it
                if names and names[-1][1] is False:
                    text = names[-1][0] + separators[start - 1] + parts[start]
                    names[-1] = (text, False)
                else:
                    names.append((parts[start], False))
                start += 1
            else:
                names.append((self._join(parts, separators, start, end), True))
                start = end
        return [name for name, _known in names]

    @staticmethod
    def _join(parts, separators, start, end):
        text = parts[start]
        for i in range(start + 1, end):
            text += separators[i - 1] + parts[i]
        return text

    def match(self, text):
        """The delegations of a pasted list, in its order. Raises NotMatched naming every
        unknown or ambiguous name; an empty list for an empty text."""
        delegations, unknown, ambiguous = [], [], []
        for name in self.names_in(text):
            parts = ON_BEHALF.split(name, maxsplit=1)
            found = []
            for part in parts:
                candidates = self.candidates(part)
                if not candidates:
                    unknown.append(part)
                elif len(candidates) > 1:
                    ambiguous.append((part, candidates))
                else:
                    found.append(candidates[0])
            if len(found) == len(parts):
                delegations.append(_delegation(name, *found))
        if unknown or ambiguous:
            raise NotMatched(unknown, ambiguous, found=delegations)
        return delegations

    # -- file names ---------------------------------------------------------------------------

    def file_delegation(self, filename, delegations):
        """Of `delegations` (State or Organisation rows), the one a file's name names, and the
        file's language from a final EN, FR, ES, AR, ZH or RU (None if there is none): ("Lao
        PDR", "en") for "SCVA-2019-Lao-PDR-EN.pdf". Raises NotMatched when it names none or
        several."""
        stem = re.sub(r"\.pdf$", "", filename.strip(), flags=re.IGNORECASE).replace("&", " and ")
        tokens = [t for t in re.split(r"[\W_]+", stem) if t]
        language = None
        if tokens and tokens[-1].lower() in Document.Language.values:
            language = tokens.pop().lower()
        keys = [key(t) for t in tokens]
        spans = []  # (start, end, delegation)
        for delegation in delegations:
            names, codes = (
                _state_names(delegation)
                if isinstance(delegation, State)
                else _organisation_names(delegation)
            )
            wanted = [key(n).split() for n in names if n]
            for start in range(len(tokens)):
                for words in wanted:
                    if words and keys[start : start + len(words)] == words:
                        spans.append((start, start + len(words), delegation))
                if tokens[start] in {c for c in codes if c}:  # ALB, not "by"
                    spans.append((start, start + 1, delegation))
        # A match inside a longer one is part of it: "Guinea" in "Guinea-Bissau".
        kept = {
            who
            for start, end, who in spans
            if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _w in spans)
        }
        if len(kept) != 1:
            if not kept:
                raise NotMatched(unknown=[filename])
            raise NotMatched(ambiguous=[(filename, sorted(kept, key=str))])
        return kept.pop(), language


def _delegation(text, who, on_behalf=None):
    values = {"text": text}
    values["state" if isinstance(who, State) else "organisation"] = who
    if on_behalf is not None:
        side = "on_behalf_of_state" if isinstance(on_behalf, State) else "on_behalf_of_organisation"
        values[side] = on_behalf
    return Delegation(**values)
