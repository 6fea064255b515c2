"""Names States were known by in meeting documents of 2004 to 2019 and are no longer (or not
officially) called, which neither pycountry's `common_name` nor CLDR's English name gives: the
States renamed since (Turkey, Swaziland, the Czech Republic, Macedonia, Cape Verde), and common
names in long use (Burma, Ivory Coast). Only names sure to mean that State are here; a name two
States could bear (Korea, Congo, Guinea) is not.

Loaded into `State.other_names` with those of the datasets (meetings/content/states.py).
"""

OTHER_NAMES = {
    "TR": ["Turkey"],
    "SZ": ["Swaziland"],
    "CZ": ["Czech Republic"],
    "MK": ["The former Yugoslav Republic of Macedonia", "Macedonia", "FYROM"],
    "CV": ["Cape Verde"],
    "MM": ["Burma"],
    "CI": ["Ivory Coast"],
    "TL": ["East Timor"],
    "CD": ["DR Congo", "DRC", "Democratic Republic of Congo"],
    "PS": ["Palestine"],
    "VA": ["Vatican"],
    "GB": ["UK"],
}
