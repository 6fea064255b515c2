"""How statements and panels name a delegation in the page's language (meetings/speakers.py)."""

import factories
import pytest
from django.utils import translation

from meetings import speakers
from meetings.models import State


@pytest.mark.django_db
def test_an_organisation_is_named_by_its_acronym_in_the_pages_language():
    icrc = factories.OrganisationFactory(
        name="International Committee of the Red Cross",
        acronym="ICRC",
        name_fr="Comité international de la Croix-Rouge",
        acronym_fr="CICR",
        acronym_es="CICR",
    )
    assert speakers.name_text(icrc, "en") == ("ICRC", False)
    assert speakers.name_text(icrc, "fr") == ("CICR", False)
    assert speakers.name_text(icrc, "es") == ("CICR", False)


@pytest.mark.django_db
def test_an_english_acronym_standing_in_for_a_translation_is_marked_english():
    icbl = factories.OrganisationFactory(
        name="International Campaign to Ban Landmines", acronym="ICBL"
    )
    assert speakers.name_text(icbl, "fr") == ("ICBL", True)
    with translation.override("fr"):
        html = speakers.name_html(icbl)
    assert 'lang="en"' in html and 'title="International Campaign to Ban Landmines">ICBL<' in html
    with translation.override("en"):
        assert 'lang="en"' not in speakers.name_html(icbl)


@pytest.mark.django_db
def test_a_state_without_a_short_name_in_the_language_takes_its_full_name_there():
    lao = State.objects.get(iso_code="LA")
    lao.short_name, lao.short_name_fr, lao.short_name_es = "Lao PDR", "", ""
    lao.save()
    assert speakers.name_text(lao, "en") == ("Lao PDR", False)
    french, fallback = speakers.name_text(lao, "fr")
    assert not fallback and french == lao.name_fr and french.strip()
    # With neither a short nor a full name in the language, the English short name stands in.
    lao.name_es = ""
    lao.save()
    assert speakers.name_text(lao, "es") == ("Lao PDR", True)
