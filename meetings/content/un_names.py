"""The United Nations' names of States where they differ from ISO 3166's English (pycountry)
and CLDR's French and Spanish (Babel), as the UN's list of Member States and UNTERM write them.

Only names we are sure the UN uses are here. Where unsure, CLDR's name is kept, and the comment
below says so:
- Netherlands: the UN's list now writes "Netherlands (Kingdom of the)"; its French and Spanish
  forms are not confirmed here, so CLDR's "Netherlands", "Pays-Bas", "Países Bajos" are kept.
- Eswatini in Spanish: CLDR's "Esuatini" kept (the UN may write "Eswatini").
- Falkland Islands (Malvinas) in French and Spanish: CLDR's kept.
- Short names in French and Spanish (e.g. for Lao PDR): none given; pages fall back to the name.
- Territories that are not UN Members (Hong Kong, Bermuda, ...): ISO's English and CLDR's French
  and Spanish kept, but for ISO's inverted forms ("Virgin Islands, British").

`name`, `name_fr`, `name_es`, `short_name`, `short_name_fr`, `short_name_es`: as the UN writes
them; a field not given keeps the dataset's.
"""

UN_NAMES = {
    # UN Member States whose ISO or CLDR names differ from the UN's.
    "BO": {
        "name": "Bolivia (Plurinational State of)",
        "name_fr": "Bolivie (État plurinational de)",
        "name_es": "Bolivia (Estado Plurinacional de)",
    },
    "BN": {"name_fr": "Brunéi Darussalam", "name_es": "Brunei Darussalam"},
    "BY": {"name_fr": "Bélarus", "name_es": "Belarús"},
    "CD": {
        "name": "Democratic Republic of the Congo",
        "name_fr": "République démocratique du Congo",
        "name_es": "República Democrática del Congo",
    },
    "CG": {"name_fr": "Congo", "name_es": "Congo"},
    "CI": {"name": "Côte d'Ivoire", "name_fr": "Côte d'Ivoire", "name_es": "Côte d'Ivoire"},
    "CV": {"name_fr": "Cabo Verde", "name_es": "Cabo Verde"},
    "FM": {
        "name": "Micronesia (Federated States of)",
        "name_fr": "Micronésie (États fédérés de)",
        "name_es": "Micronesia (Estados Federados de)",
    },
    "GB": {
        "name": "United Kingdom of Great Britain and Northern Ireland",
        "name_fr": "Royaume-Uni de Grande-Bretagne et d'Irlande du Nord",
        "name_es": "Reino Unido de Gran Bretaña e Irlanda del Norte",
        "short_name": "United Kingdom",
        "short_name_fr": "Royaume-Uni",
        "short_name_es": "Reino Unido",
    },
    "IQ": {"name_fr": "Iraq", "name_es": "Iraq"},
    "IR": {
        "name": "Iran (Islamic Republic of)",
        "name_fr": "Iran (République islamique d')",
        "name_es": "Irán (República Islámica del)",
    },
    "KP": {
        "name": "Democratic People's Republic of Korea",
        "name_fr": "République populaire démocratique de Corée",
        "name_es": "República Popular Democrática de Corea",
    },
    "KR": {
        "name": "Republic of Korea",
        "name_fr": "République de Corée",
        "name_es": "República de Corea",
    },
    "LA": {
        "name": "Lao People's Democratic Republic",
        "name_fr": "République démocratique populaire lao",
        "name_es": "República Democrática Popular Lao",
        "short_name": "Lao PDR",
    },
    "MD": {
        "name": "Republic of Moldova",
        "name_fr": "République de Moldova",
        "name_es": "República de Moldova",
    },
    "MM": {"name_fr": "Myanmar", "name_es": "Myanmar"},
    "PS": {
        "name": "State of Palestine",
        "name_fr": "État de Palestine",
        "name_es": "Estado de Palestina",
    },
    "RU": {"name_fr": "Fédération de Russie", "name_es": "Federación de Rusia"},
    "SY": {"name_fr": "République arabe syrienne", "name_es": "República Árabe Siria"},
    "TL": {"name_fr": "Timor-Leste", "name_es": "Timor-Leste"},
    "TR": {"name_fr": "Türkiye", "name_es": "Türkiye"},
    "TZ": {
        "name": "United Republic of Tanzania",
        "name_fr": "République-Unie de Tanzanie",
        "name_es": "República Unida de Tanzanía",
    },
    "US": {
        "name": "United States of America",
        "name_fr": "États-Unis d'Amérique",
        "name_es": "Estados Unidos de América",
        "short_name": "United States",
        "short_name_fr": "États-Unis",
        "short_name_es": "Estados Unidos",
    },
    "VA": {"name": "Holy See", "name_fr": "Saint-Siège", "name_es": "Santa Sede"},
    "VE": {
        "name": "Venezuela (Bolivarian Republic of)",
        "name_fr": "Venezuela (République bolivarienne du)",
        "name_es": "Venezuela (República Bolivariana de)",
    },
    "VN": {"name_fr": "Viet Nam", "name_es": "Viet Nam"},
    # Where only the French differs from CLDR's.
    "KG": {"name_fr": "Kirghizistan"},
    "KN": {"name_fr": "Saint-Kitts-et-Nevis", "name_es": "Saint Kitts y Nevis"},
    "LR": {"name_fr": "Libéria"},
    "NG": {"name_fr": "Nigéria"},
    "SV": {"name_fr": "El Salvador"},
    # Where only the Spanish differs from CLDR's.
    "BD": {"name_es": "Bangladesh"},
    "BH": {"name_es": "Bahrein"},
    "BJ": {"name_es": "Benin"},
    "BW": {"name_es": "Botswana"},
    "DJ": {"name_es": "Djibouti"},
    "FJ": {"name_es": "Fiji"},
    "GW": {"name_es": "Guinea-Bissau"},
    "KE": {"name_es": "Kenya"},
    "KZ": {"name_es": "Kazajstán"},
    "LS": {"name_es": "Lesotho"},
    "ML": {"name_es": "Malí"},
    "MW": {"name_es": "Malawi"},
    "NZ": {"name_es": "Nueva Zelandia"},
    "PG": {"name_es": "Papua Nueva Guinea"},
    "PW": {"name_es": "Palau"},
    "QA": {"name_es": "Qatar"},
    "RO": {"name_es": "Rumania"},
    "RW": {"name_es": "Rwanda"},
    "SA": {"name_es": "Arabia Saudita"},
    "SR": {"name_es": "Suriname"},
    "TT": {"name_es": "Trinidad y Tabago"},
    "ZW": {"name_es": "Zimbabwe"},
    # Territories whose ISO English name is inverted ("Virgin Islands, British"); the UN's
    # statistical list (M49) writes them so.
    "VG": {"name": "British Virgin Islands"},
    "VI": {"name": "United States Virgin Islands"},
    # ISO's name kept as ISO writes it, following UN usage; CLDR's "Taiwan" is not the UN's.
    "TW": {"name": "Taiwan, Province of China"},
}

# Where running text writes "the" before the name a page shows, as the UN's list does ("the
# Sudan"): a State with a short name is shown by it, so the article is the short name's. The Lao
# People's Democratic Republic takes "the", but the agendas write "Lao PDR" without it ("UNICEF
# on behalf of UNMAT, Lao PDR, Montenegro"); the United Kingdom and the United States keep it.
WITH_ARTICLE = {
    "AE", "BS", "CD", "CF", "CG", "DO", "GB", "GM", "KM", "KP", "KR", "MD", "MH", "NE",
    "NL", "PH", "PS", "RU", "SD", "SY", "TZ", "US", "VA",
}  # fmt: skip
