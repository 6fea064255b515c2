"""A translated name's `__str__` is in the active language, the English where it has none: the
names French and Spanish pages, PDFs and calendars write wherever they show one."""

import factories
import pytest
from django.utils import translation


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "APMBC",
                "Test Aid (TA)",
                "H.E. Prak Sokhonn",
                "Salle B, Ground Floor, WMO Building, 7bis Avenue de la Paix, Geneva",
                "Test Action Plan 2010-2014",
                "Test processes",
                "Test Co-Chairs",
            ],
        ),
        (
            "fr",
            [
                "CIMAP",
                "Aide d'essai (AE)",
                "S. E. M. Prak Sokhonn",
                "Salle B, rez-de-chaussée, bâtiment de l'OMM, 7 bis, avenue de la Paix, Genève",
                "Plan d'action d'essai 2010-2014",
                "Processus d'essai",
                "Coprésidents d'essai",
            ],
        ),
        # No Spanish: the English.
        (
            "es",
            [
                "APMBC",
                "Test Aid (TA)",
                "H.E. Prak Sokhonn",
                "Salle B, Ground Floor, WMO Building, 7bis Avenue de la Paix, Geneva",
                "Test Action Plan 2010-2014",
                "Test processes",
                "Test Co-Chairs",
            ],
        ),
    ],
)
def test_names_read_in_the_active_language(db, language, expected):
    convention = factories.ConventionFactory(short_name_fr="CIMAP")
    organisation = factories.OrganisationFactory(
        name="Test Aid", acronym="TA", name_fr="Aide d'essai", acronym_fr="AE"
    )
    person = factories.PersonFactory(name="Prak Sokhonn", honorific="H.E.", honorific_fr="S. E. M.")
    venue = factories.VenueFactory(
        name="WMO Building",
        name_fr="bâtiment de l'OMM",
        address="7bis Avenue de la Paix",
        address_fr="7 bis, avenue de la Paix",
        city="Geneva",
        city_fr="Genève",
    )
    room = factories.RoomFactory(
        venue=venue, name="Salle B", floor="Ground Floor", floor_fr="rez-de-chaussée"
    )
    plan = factories.ActionPlanFactory(
        convention=convention,
        name="Test Action Plan",
        name_fr="Plan d'action d'essai",
        start_year=2010,
        end_year=2014,
    )
    category = factories.NewsCategoryFactory(name="Test processes", name_fr="Processus d'essai")
    office = factories.OfficeFactory(name="Test Co-Chairs", name_fr="Coprésidents d'essai")
    with translation.override(language):
        names = [str(x) for x in (convention, organisation, person, room, plan, category, office)]
    assert names == expected


def test_an_action_plan_is_abbreviated_only_where_the_language_has_an_abbreviation(db):
    plan = factories.ActionPlanFactory(short_name="CAP", short_name_es="PAC")
    assert plan.abbreviation_field("en") == "short_name"
    assert plan.abbreviation_field("fr") == "name"  # written out: no English "CAP"
    assert plan.abbreviation_field("es") == "short_name"


@pytest.mark.parametrize(
    ("feminine", "language", "field"),
    [
        (True, "fr", "feminine_name"),
        (True, "es", "name"),  # no Spanish feminine name held
        (True, "en", "name"),  # nor an English one
        (False, "fr", "name"),
    ],
)
def test_a_holders_office_is_named_in_the_feminine_only_for_a_woman_where_held(
    db, feminine, language, field
):
    office = factories.OfficeFactory(name="Test Co-Chairs", feminine_name_fr="Coprésidente")
    mandate = factories.MandateFactory(
        office=office, person=factories.PersonFactory(feminine=feminine)
    )
    assert mandate.title_field(language) == field


def test_a_holder_without_a_person_is_named_by_the_office(db):
    office = factories.OfficeFactory(name="Test Co-Chairs", feminine_name_fr="Coprésidente")
    assert factories.MandateFactory(office=office).title_field("fr") == "name"


def forms_office(**forms):
    return factories.OfficeFactory(name="Test Co-Chairs", **forms)


@pytest.mark.parametrize(
    ("feminine", "forms", "language", "field"),
    [
        (False, {"singular_name_fr": "Coprésident"}, "fr", "singular_name"),
        (True, {"singular_name_fr": "Coprésident"}, "fr", "singular_name"),  # same for a woman
        (
            True,
            {"singular_name_fr": "Coprésident", "feminine_name_fr": "Coprésidente"},
            "fr",
            "feminine_name",
        ),
        (False, {"name_fr": "Coprésidents"}, "fr", "name"),  # no singular held: the plural
        # A French plural rather than an English singular; the English singular where the
        # office has no French at all.
        (False, {"name_fr": "Coprésidents", "singular_name": "Co-Chair"}, "fr", "name"),
        (False, {"singular_name": "Co-Chair"}, "fr", "singular_name"),
        (True, {"singular_name": "Co-Chair"}, "en", "singular_name"),
    ],
)
def test_a_holder_alone_is_named_by_the_singular_of_their_gender_where_held(
    db, feminine, forms, language, field
):
    mandate = factories.MandateFactory(
        office=forms_office(**forms), person=factories.PersonFactory(feminine=feminine)
    )
    assert mandate.title_field(language) == field


PLURALS = {
    "name_fr": "Corapporteurs",
    "singular_name_fr": "Corapporteur",
    "feminine_name_fr": "Corapporteuse",
    "feminine_plural_name_fr": "Corapporteuses",
}


@pytest.mark.parametrize(
    ("women", "forms", "field"),
    [
        ((True, True), PLURALS, "feminine_plural_name"),
        ((True, False), PLURALS, "name"),
        ((True, None), PLURALS, "name"),  # a holder named by the State alone
        ((True, True), {"name_fr": "Corapporteurs"}, "name"),  # no feminine plural held
        ((True,), PLURALS, "feminine_name"),  # one holder: her own title
        ((False,), PLURALS, "singular_name"),
    ],
)
def test_a_heading_over_several_holders_is_the_plural_feminine_where_all_are_women(
    db, women, forms, field
):
    office = forms_office(**forms)
    holders = [
        factories.MandateFactory(
            office=office,
            person=None if feminine is None else factories.PersonFactory(feminine=feminine),
        )
        for feminine in women
    ]
    assert type(holders[0]).heading_field(holders, "fr") == field
