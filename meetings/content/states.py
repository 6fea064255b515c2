"""Every ISO 3166-1 country as a State, in English, French and Spanish, from maintained datasets:
pycountry for the codes and ISO's English (short and official) names, Babel's CLDR data for the
French and Spanish names, and the UN's names where they differ (un_names.py).

Migration 0017 loaded them first, replacing what the 22 seed States held (a name and a code).
`manage.py load_states` loads them again after a dataset upgrade: it adds the States missing and
fills the names left empty, but never changes a value staff have given: where the dataset says
otherwise it reports the difference, and `--update CODE` takes the dataset's values for the
States named. States with a code ISO lacks (one staff added) are left alone.
"""

from dataclasses import dataclass, field

import pycountry
from babel import Locale

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
FIELDS = [*TEXTS, "with_article"]


def _typographic(name):
    """CLDR writes "Côte d’Ivoire"; ISO, the UN's lists and staff typing "Côte d'Ivoire"."""
    return name.replace("\u2019", "'")


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


def load(model, replace=False, update=()):
    """Create every missing State of `model` (the State model, or migration's historical one);
    fill the fields left empty; with `replace`, or for the codes in `update`, set every field to
    the dataset's. Raises NameTaken, changing nothing, where a name would be two States'."""
    data = dataset()
    held = {state.iso_code: state for state in model.objects.all()}
    created, changed, loaded = [], [], Loaded()
    for code, values in data.items():
        state = held.get(code)
        if state is None:
            created.append(model(iso_code=code, **values))
            loaded.created.append(code)
            continue
        fields = []
        for name in FIELDS:
            here, there = getattr(state, name), values[name]
            if here == there:
                continue
            if replace or code in update or (name in TEXTS and not here):
                setattr(state, name, there)
                fields.append(name)
            else:
                loaded.kept.append((code, name, here, there))
        if fields:
            changed.append(state)
            loaded.updated.append(code)
    _refuse_shared_names([*held.values(), *created])
    if changed:
        model.objects.bulk_update(changed, FIELDS)
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
