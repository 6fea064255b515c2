"""Every ISO 3166-1 country is a State in English, French and Spanish, UN-style
(meetings/content/states.py, un_names.py, migration 0017, `manage.py load_states`)."""

import io
import re

import pycountry
import pytest
from django.core.management import CommandError, call_command

from meetings.content import states
from meetings.models import State

pytestmark = pytest.mark.django_db


def load_states(*args):
    out = io.StringIO()
    call_command("load_states", *args, stdout=out)
    return out.getvalue()


def test_every_iso_country_is_a_state_with_french_and_spanish_names():
    assert len(pycountry.countries) == 249
    held = {state.iso_code: state for state in State.objects.all()}
    assert set(held) == {country.alpha_2 for country in pycountry.countries}
    for country in pycountry.countries:
        state = held[country.alpha_2]
        assert state.iso3_code == country.alpha_3
        assert state.name and state.name_fr and state.name_es, state.iso_code


def test_the_uns_names_replace_isos_and_cldrs():
    lao = State.objects.get(iso_code="LA")
    assert lao.name == "Lao People's Democratic Republic"
    assert lao.name_fr == "République démocratique populaire lao"
    assert lao.name_es == "República Democrática Popular Lao"
    assert lao.short_name == "Lao PDR"
    congo = State.objects.get(iso_code="CD")
    assert (congo.name, congo.with_article) == ("Democratic Republic of the Congo", True)
    assert State.objects.get(iso_code="SD").with_article
    assert not State.objects.get(iso_code="SS").with_article
    assert State.objects.get(iso_code="PS").name == "State of Palestine"
    assert State.objects.get(iso_code="VA").name_fr == "Saint-Siège"
    assert State.objects.get(iso_code="VN").name_es == "Viet Nam"
    assert State.objects.get(iso_code="TR").name_fr == "Türkiye"
    assert State.objects.get(iso_code="BO").name == "Bolivia (Plurinational State of)"
    assert State.objects.get(iso_code="AL").official_name == "Republic of Albania"


def test_no_name_is_written_inverted_as_iso_lists_them():
    """ISO lists "Korea, Republic of"; no page is to say so."""
    inverted = re.compile(r", (.* of( the)?|The .*|British|U\.S\.)$")
    assert [n for n in State.objects.values_list("name", flat=True) if inverted.search(n)] == []


def test_no_name_has_cldrs_curly_apostrophe():
    assert not State.objects.filter(name_fr__contains="\u2019").exists()
    assert State.objects.get(iso_code="CI").name_fr == "Côte d'Ivoire"


def test_loading_again_changes_nothing():
    assert load_states().endswith("0 States added, 0 updated, 0 values kept as staff gave them; "
                                  "249 States.\n")  # fmt: skip


def test_loading_again_keeps_what_staff_edited_and_says_so():
    State.objects.filter(iso_code="FR").update(name_fr="République française")
    out = load_states()
    assert "FR name_fr: kept 'République française'; the dataset has 'France'." in out
    assert State.objects.get(iso_code="FR").name_fr == "République française"


def test_loading_again_fills_what_is_empty_and_adds_what_is_missing():
    State.objects.filter(iso_code="ES").update(name_es="")
    State.objects.filter(iso_code="NO").delete()
    out = load_states()
    assert "1 States added, 1 updated" in out
    assert State.objects.get(iso_code="ES").name_es == "España"
    assert State.objects.get(iso_code="NO").name_fr == "Norvège"


def test_update_takes_the_datasets_values_for_the_states_named():
    State.objects.filter(iso_code="LA").update(name="Laos", with_article=True)
    load_states("--update", "la")
    lao = State.objects.get(iso_code="LA")
    # Shown by its short name, "Lao PDR", which the agendas write without "the".
    assert (lao.name, lao.with_article) == ("Lao People's Democratic Republic", False)


def test_the_first_load_keeps_a_seed_states_row_and_gives_it_the_uns_names():
    """Migration 0017 over a database holding the 22 seed States (name and code only)."""
    lao = State.objects.get(iso_code="LA")
    State.objects.filter(pk=lao.pk).update(
        name="Lao PDR", short_name="", name_fr="", name_es="", iso3_code="", with_article=False
    )
    states.load(State, replace=True)
    lao.refresh_from_db()
    assert (lao.name, lao.short_name, lao.iso3_code) == (
        "Lao People's Democratic Republic",
        "Lao PDR",
        "LAO",
    )
    assert State.objects.count() == 249


def test_a_state_added_by_staff_is_left_alone():
    State.objects.create(name="Kosovo", iso_code="XK")
    assert "0 updated" in load_states()
    assert State.objects.get(iso_code="XK").name == "Kosovo"


def test_a_name_another_state_holds_is_refused_with_nothing_changed():
    State.objects.filter(iso_code="SD").update(name="Sudan (the)")
    State.objects.create(name="Sudan", iso_code="XS")  # a staff State under a wrong code
    State.objects.filter(iso_code="ES").update(name_es="")
    with pytest.raises(CommandError, match=r"Nothing was changed. .*'Sudan' \((SD, XS|XS, SD)\)"):
        load_states("--update", "SD")
    assert State.objects.get(iso_code="SD").name == "Sudan (the)"
    assert State.objects.get(iso_code="ES").name_es == ""


def test_an_unknown_code_is_refused():
    with pytest.raises(CommandError, match="No ISO 3166-1 country has the code XX"):
        load_states("--update", "XX")


def test_other_names_come_from_the_datasets_and_the_former_names():
    other = dict(State.objects.values_list("iso_code", "other_names"))
    assert other["TR"] == "Turkey"  # other_names.py
    assert other["SZ"] == "Swaziland"
    former_yugoslav = "The former Yugoslav Republic of Macedonia"
    assert other["MK"].splitlines()[:2] == [former_yugoslav, "Macedonia"]
    assert other["VN"] == "Vietnam"  # pycountry's common name
    assert other["RU"] == "Russia"  # CLDR's English name
    assert "Laos" in other["LA"].splitlines()
    assert "Burma" in other["MM"].splitlines()
    assert other["AL"] == ""  # no other name than its own


def test_no_other_name_is_another_states_name():
    from meetings.delegations import key

    owners = {}
    for state in State.objects.all():
        names = [state.name, state.short_name, state.official_name, state.name_fr, state.name_es]
        for name in filter(None, [*names, *state.other_names.splitlines()]):
            owners.setdefault(key(name), set()).add(state.iso_code)
    assert {name: codes for name, codes in owners.items() if len(codes) > 1} == {}


def test_loading_again_keeps_staffs_other_names_and_adds_the_datasets():
    State.objects.filter(iso_code="TR").update(other_names="Türkei")
    State.objects.filter(iso_code="SZ").update(other_names="")
    out = load_states()
    assert "0 States added, 2 updated, 0 values kept" in out
    assert State.objects.get(iso_code="TR").other_names == "Türkei\nTurkey"
    assert State.objects.get(iso_code="SZ").other_names == "Swaziland"
    load_states("--update", "TR")
    assert State.objects.get(iso_code="TR").other_names == "Turkey"


def test_migration_0022_loads_other_names_and_nothing_else():
    State.objects.filter(iso_code="TR").update(other_names="", name_fr="Turquie (staff)")
    states.load(State, only=["other_names"])
    turkey = State.objects.get(iso_code="TR")
    assert (turkey.other_names, turkey.name_fr) == ("Turkey", "Turquie (staff)")
    assert State.objects.count() == 249
