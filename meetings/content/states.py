"""Every ISO 3166-1 country as a State, in English, French and Spanish, from maintained datasets:
pycountry for the codes and ISO's English (short and official) names, Babel's CLDR data for the
French and Spanish names, and the UN's names where they differ (un_names.py). Other names a State
is known by (`other_names`, one a line): pycountry's common name and CLDR's English name where
they differ from the name ("Vietnam", "Laos", "Russia", "Syria"), and the former names of
other_names.py ("Turkey", "Swaziland", "Czech Republic").

Migration 0017 loaded them first, replacing what the 22 seed States held (a name and a code).
`manage.py load_states` loads them again after a dataset upgrade: it adds the States missing and
fills the names left empty, but never changes a value staff have given: where the dataset says
otherwise it reports the difference, and `--update CODE` takes the dataset's values for the
States named. Other names are added to staff's: a line staff wrote is never taken out (but by
`--update`). States with a code ISO lacks (one staff added) are left alone.
"""

from dataclasses import dataclass, field

import pycountry
from babel import Locale

from meetings.delegations import key

from .other_names import OTHER_NAMES
from .un_names import UN_NAMES, WITH_ARTICLE

TEXTS = [
    "name",
    "name_fr",
    "name_es",
    "short_name",
    "short_name_fr",
    "short_name_es",
    "official_name",
    "iso3_code",
]
FIELDS = [*TEXTS, "with_article", "other_names"]


def _typographic(name):
    """CLDR writes "Côte d’Ivoire"; ISO, the UN's lists and staff typing "Côte d'Ivoire"."""
    return name.replace("\u2019", "'")


def _other_names(code, country, values):
    """The names a State is known by other than those `values` hold, one a line, each once."""
    own = {key(values[name]) for name in TEXTS if name != "iso3_code" and values[name]}
    found = []
    for name in [
        getattr(country, "common_name", ""),
        _typographic(Locale("en").territories[code]),
        *OTHER_NAMES.get(code, []),
    ]:
        if name and key(name) not in own:
            own.add(key(name))
            found.append(name)
    return "\n".join(found)


def lines(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


def dataset():
    """{iso_code: {field: value}} for every ISO 3166-1 country, the UN's names applied."""
    french, spanish = Locale("fr").territories, Locale("es").territories
    states = {}
    for country in pycountry.countries:
        code = country.alpha_2
        values = {
            "name": country.name,
            "name_fr": _typographic(french[code]),
            "name_es": _typographic(spanish[code]),
            "short_name": "",
            "short_name_fr": "",
            "short_name_es": "",
            "iso3_code": country.alpha_3,
            "with_article": code in WITH_ARTICLE,
        }
        values.update(UN_NAMES.get(code, {}))
        official = getattr(country, "official_name", "").removeprefix("the ")
        values["official_name"] = "" if official == values["name"] else official
        values["other_names"] = _other_names(code, country, values)
        states[code] = values
    return states


@dataclass
class Loaded:
    """What a load did: codes created and updated, and the values kept though the dataset
    differs: (code, field, value here, the dataset's)."""

    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    kept: list = field(default_factory=list)


class NameTaken(Exception):
    """A dataset name is held by another State (another code): nothing was changed."""


def load(model, replace=False, update=(), only=FIELDS):
    """Create every missing State of `model` (the State model, or migration's historical one);
    fill the fields left empty; with `replace`, or for the codes in `update`, set every field to
    the dataset's. Raises NameTaken, changing nothing, where a name would be two States'. With
    `only` some fields, only they are loaded, into the States there are (migration 0022)."""
    creating = only == FIELDS
    # A migration's State may not have them all yet (0017's has no other names).
    only = [name for name in only if name in {f.name for f in model._meta.get_fields()}]
    data = dataset()
    held = {state.iso_code: state for state in model.objects.all()}
    created, changed, loaded = [], [], Loaded()
    for code, values in data.items():
        state = held.get(code)
        if state is None:
            if creating:
                values = {name: values[name] for name in only}
                created.append(model(iso_code=code, **values))
                loaded.created.append(code)
            continue
        fields = []
        for name in only:
            here, there = getattr(state, name), values[name]
            if here == there:
                continue
            if replace or code in update or (name in TEXTS and not here):
                setattr(state, name, there)
                fields.append(name)
            elif name == "other_names":  # staff's lines kept, the dataset's added
                known = {key(line) for line in lines(here)}
                added = [line for line in lines(there) if key(line) not in known]
                if added:
                    setattr(state, name, "\n".join([*lines(here), *added]))
                    fields.append(name)
            else:
                loaded.kept.append((code, name, here, there))
        if fields:
            changed.append(state)
            loaded.updated.append(code)
    _refuse_shared_names([*held.values(), *created])
    if changed:
        model.objects.bulk_update(changed, only)
    if created:
        model.objects.bulk_create(created)
    return loaded


def _refuse_shared_names(states):
    by_name = {}
    for state in states:
        by_name.setdefault(state.name, []).append(state.iso_code)
    shared = {name: codes for name, codes in by_name.items() if len(codes) > 1}
    if shared:
        listed = "; ".join(f"{name!r} ({', '.join(codes)})" for name, codes in shared.items())
        raise NameTaken(
            f"These names would be held by more than one State: {listed}. Rename or correct the "
            "code of the State staff added, then load again."
        )
