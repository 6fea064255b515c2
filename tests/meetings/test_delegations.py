"""Names of delegations, as the ISU writes them, matched to States and organisations
(meetings/delegations.py)."""

import factories
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.delegations import Directory, NotMatched


@pytest.fixture
def directory(db):
    for name, code, extra in [
        ("Afghanistan", "AF", {}),
        ("Albania", "AL", {"official_name": "Republic of Albania", "iso3_code": "ALB"}),
        ("Bosnia and Herzegovina", "BA", {}),
        ("Croatia", "HR", {}),
        ("Eritrea", "ER", {}),
        ("Mexico", "MX", {"name_fr": "Mexique", "name_es": "México"}),
        ("Côte d'Ivoire", "CI", {}),
        ("Lao People's Democratic Republic", "LA", {"short_name": "Lao PDR"}),
        ("Montenegro", "ME", {}),
        ("Sudan", "SD", {"with_article": True}),
        ("South Sudan", "SS", {}),
        ("Trinidad and Tobago", "TT", {}),
        ("Saint Kitts and Nevis", "KN", {}),
        (
            "United Kingdom of Great Britain and Northern Ireland",
            "GB",
            {"short_name": "United Kingdom"},
        ),
        ("Belarus", "BY", {}),
        ("Guinea", "GN", {}),
        ("Guinea-Bissau", "GW", {}),
        ("Türkiye", "TR", {}),  # known as Turkey: migration 0022 loaded its other names
        ("Eswatini", "SZ", {}),  # Swaziland
    ]:
        factories.StateFactory(name=name, iso_code=code, **extra)
    for name, acronym in [
        ("International Campaign to Ban Landmines", "ICBL"),
        ("United Nations Children's Fund", "UNICEF"),
        ("United Nations Mine Action Team", "UNMAT"),
        ("Mines Advisory Group", "MAG"),
        ("Mine Action Group", "MAG"),
    ]:
        factories.OrganisationFactory(name=name, acronym=acronym)
    return Directory()


def texts(delegations):
    return [(str(d.who), str(d.on_behalf_of) if d.on_behalf_of else None) for d in delegations]


def test_a_list_with_a_label_and_a_final_and_keeps_its_order(directory):
    found = directory.match(
        "Updates from: Afghanistan, Albania, Bosnia and Herzegovina, Croatia and Eritrea."
    )
    assert [str(d.who) for d in found] == [
        "Afghanistan",
        "Albania",
        "Bosnia and Herzegovina",
        "Croatia",
        "Eritrea",
    ]


@pytest.mark.parametrize(
    "name",
    [
        "Trinidad and Tobago",
        "Saint Kitts and Nevis",
        "United Kingdom of Great Britain and Northern Ireland",
    ],
)
def test_a_name_holding_and_is_matched_whole(directory, name):
    assert [str(d.who) for d in directory.match(f"Croatia, {name} and Mexico")] == [
        "Croatia",
        name,
        "Mexico",
    ]


def test_the_icbl_and_mexico_with_the_article_case_and_accents_ignored(directory):
    found = directory.match("Comments/questions: the ICBL and MÉXICO")
    assert texts(found) == [
        ("International Campaign to Ban Landmines (ICBL)", None),
        ("Mexico", None),
    ]


def test_on_behalf_of_sets_whom_the_delegation_spoke_for(directory):
    found = directory.match("Statements by UNICEF on behalf of UNMAT, Lao PDR, Montenegro")
    assert texts(found) == [
        ("United Nations Children's Fund (UNICEF)", "United Nations Mine Action Team (UNMAT)"),
        ("Lao People's Democratic Republic", None),
        ("Montenegro", None),
    ]


@pytest.mark.parametrize(
    "written",
    [
        "Republic of Albania",
        "AL",
        "ALB",
        "albania",
    ],
)
def test_a_state_by_any_of_its_names_or_codes(directory, written):
    assert [str(d.who) for d in directory.match(written)] == ["Albania"]


def test_french_and_spanish_names_the_sudan_and_apostrophes(directory):
    found = directory.match("Mexique; México\nthe Sudan\nCote d’Ivoire")
    assert [str(d.who) for d in found] == ["Mexico", "Mexico", "Sudan", "Côte d'Ivoire"]


def test_sudan_is_not_south_sudan(directory):
    assert [str(d.who) for d in directory.match("Sudan, South Sudan")] == ["Sudan", "South Sudan"]


def test_every_unknown_and_ambiguous_name_is_reported_by_name(directory):
    with pytest.raises(NotMatched) as raised:
        directory.match("Albania, Atlantis, MAG, Narnia and Croatia, Saint Foo and Bar")
    error = raised.value
    assert error.unknown == ["Atlantis", "Narnia", "Saint Foo and Bar"]
    assert [(name, [str(c) for c in cs]) for name, cs in error.ambiguous] == [
        ("MAG", ["Mine Action Group (MAG)", "Mines Advisory Group (MAG)"])
    ]
    assert "“Atlantis”, “Narnia”, “Saint Foo and Bar”" in error.messages[0]


def test_an_unknown_name_on_whose_behalf_is_reported(directory):
    with pytest.raises(NotMatched) as raised:
        directory.match("UNICEF on behalf of Atlantis")
    assert raised.value.unknown == ["Atlantis"]


def test_the_names_are_loaded_once_and_matching_costs_no_query(db, directory):
    with CaptureQueriesContext(connection) as loading:
        fresh = Directory()
    assert len(loading) == 2
    with CaptureQueriesContext(connection) as matching:
        fresh.match("Afghanistan, Albania, Bosnia and Herzegovina, Croatia and Eritrea, " * 5)
    assert len(matching) == 0


def test_an_empty_list_is_no_delegation(directory):
    assert directory.match("  \n") == []


# -- file names ------------------------------------------------------------------------------


def states(*names):
    from meetings.models import State

    return [State.objects.get(name=name) for name in names]


@pytest.mark.parametrize(
    ("filename", "state", "language"),
    [
        ("Albania.pdf", "Albania", None),
        ("SCVA-2019-Lao-PDR-EN.pdf", "Lao People's Democratic Republic", "en"),
        ("croatia_fr.PDF", "Croatia", "fr"),
        ("Guinea-Bissau.pdf", "Guinea-Bissau", None),
        ("ALB-ES.pdf", "Albania", "es"),
    ],
)
def test_a_file_is_matched_to_the_delegation_its_name_names(directory, filename, state, language):
    delegations = states(
        "Albania", "Lao People's Democratic Republic", "Croatia", "Guinea", "Guinea-Bissau"
    )
    who, found = directory.file_delegation(filename, delegations)
    assert (who.name, found) == (state, language)


def test_a_code_counts_in_capitals_only(directory):
    """ "by" in "Statement-by-the-ICBL" is not Belarus (BY)."""
    from meetings.models import Organisation

    delegations = [*states("Belarus"), Organisation.objects.get(acronym="ICBL")]
    who, _language = directory.file_delegation("Statement-by-the-ICBL.pdf", delegations)
    assert who.acronym == "ICBL"


def test_a_file_naming_none_or_several_is_refused(directory):
    delegations = states("Albania", "Croatia")
    with pytest.raises(NotMatched) as none:
        directory.file_delegation("Narnia.pdf", delegations)
    assert none.value.unknown == ["Narnia.pdf"]
    with pytest.raises(NotMatched) as several:
        directory.file_delegation("Albania-Croatia.pdf", delegations)
    assert [str(c) for c in several.value.ambiguous[0][1]] == ["Albania", "Croatia"]


# -- other names, "&" ------------------------------------------------------------------------


def test_a_state_is_matched_by_its_other_names(directory):
    """The 2009 agenda writes Turkey; the State is Türkiye, known as Turkey (other_names)."""
    found = directory.match("Updates from: Albania, Turkey, swaziland and Croatia.")
    assert [str(d.who) for d in found] == ["Albania", "Türkiye", "Eswatini", "Croatia"]


def test_an_ampersand_reads_as_and(directory):
    found = directory.match("Bosnia & Herzegovina, Trinidad&Tobago and Croatia")
    assert [str(d.who) for d in found] == [
        "Bosnia and Herzegovina",
        "Trinidad and Tobago",
        "Croatia",
    ]


def test_an_other_name_two_states_share_is_ambiguous(db, directory):
    from meetings.models import State

    State.objects.filter(iso_code="CG").update(other_names="The Congo Republic")
    State.objects.filter(iso_code="CD").update(other_names="Laos\nCongo Republic")
    with pytest.raises(NotMatched) as refused:
        Directory().match("Albania and the Congo Republic")
    ((name, candidates),) = refused.value.ambiguous
    assert name == "the Congo Republic"
    assert sorted(str(c) for c in candidates) == ["Congo", "Democratic Republic of the Congo"]


def test_a_list_refused_still_says_which_names_it_found(directory):
    with pytest.raises(NotMatched) as refused:
        directory.match("Albania, Atlantis and Turkey")
    assert [str(d.who) for d in refused.value.found] == ["Albania", "Türkiye"]


@pytest.mark.parametrize(
    ("filename", "state"),
    [("Turkey-EN.pdf", "Türkiye"), ("Bosnia-&-Herzegovina.pdf", "Bosnia and Herzegovina")],
)
def test_a_file_is_matched_by_an_other_name_and_an_ampersand(directory, filename, state):
    delegations = states("Türkiye", "Bosnia and Herzegovina", "Albania")
    who, _language = directory.file_delegation(filename, delegations)
    assert who.name == state
