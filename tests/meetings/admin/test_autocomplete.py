"""The admin's autocomplete finds a State or an organisation by any of its names and codes,
exact and prefix matches first, and offers an action with its plan and title."""

import factories
import pytest
from django.urls import reverse

from meetings.models import Action, State

pytestmark = pytest.mark.django_db


def offered(client, term, model_name, field_name):
    """The texts the autocomplete offers for `term` in the field `model_name.field_name`."""
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": term, "app_label": "meetings", "model_name": model_name, "field_name": field_name},
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def states(client, term):
    return offered(client, term, "person", "state")


def test_sudan_is_offered_before_south_sudan(editor_client):
    assert states(editor_client, "Sudan") == ["Sudan", "South Sudan"]
    assert states(editor_client, "the Sudan") == ["Sudan", "South Sudan"]


def test_a_name_beginning_with_the_term_comes_before_one_holding_it(editor_client):
    found = states(editor_client, "Congo")
    assert found[0] == "Congo"
    assert found.index("Democratic Republic of the Congo") > 0
    guinea = states(editor_client, "Guinea")
    assert guinea[:4] == ["Guinea", "Guinea-Bissau", "Equatorial Guinea", "Papua New Guinea"]


@pytest.mark.parametrize(
    "term",
    [
        "Lao PDR",  # short
        "République démocratique populaire lao",  # French
        "República Democrática Popular Lao",  # Spanish
        "LA",  # ISO alpha-2
        "lao",  # ISO alpha-3, and the start of the name
    ],
)
def test_a_state_is_found_by_each_of_its_names_and_codes(editor_client, term):
    assert states(editor_client, term)[0] == "Lao People's Democratic Republic"


def test_a_state_is_found_by_its_official_name_and_alpha_3_code(editor_client):
    assert states(editor_client, "Republic of Albania")[0] == "Albania"
    assert states(editor_client, "che") [0] == "Switzerland"  # fmt: skip


def test_an_organisation_is_found_by_its_acronym_first_and_its_french_name(editor_client):
    factories.OrganisationFactory(name="Humanity & Inclusion", acronym="HI")
    factories.OrganisationFactory(name="Human Rights Watch", acronym="HRW")
    factories.OrganisationFactory(
        name="International Committee of the Red Cross",
        name_fr="Comité international de la Croix-Rouge",
        acronym="ICRC",
    )
    assert offered(editor_client, "HI", "presentation", "organisations")[0] == (
        "Humanity & Inclusion (HI)"
    )
    assert offered(editor_client, "Croix-Rouge", "presentation", "organisations") == [
        "International Committee of the Red Cross (ICRC)"
    ]


def test_an_action_is_offered_with_its_plan_and_its_title_or_text(editor_client, convention):
    plan = factories.ActionPlanFactory(
        convention=convention, name="Cartagena Action Plan", short_name="CAP",
        start_year=2010, end_year=2014,
    )  # fmt: skip
    factories.ActionFactory(
        plan=plan, number=28, title="", text="monitor and evaluate progress " * 5
    )
    factories.ActionFactory(plan=plan, number=27, title="A comprehensive approach")
    found = offered(editor_client, "CAP", "session", "actions")
    assert found[0] == "CAP #27 (Cartagena Action Plan 2010-2014): A comprehensive approach"
    assert found[1].startswith("CAP #28 (Cartagena Action Plan 2010-2014): monitor and evaluate")
    assert found[1].endswith("…") and len(found[1].split(": ", 1)[1]) == 80


def test_an_action_chosen_shows_with_its_plan_and_title_on_the_form(editor_client, convention):
    plan = factories.ActionPlanFactory(convention=convention, short_name="CAP")
    action = factories.ActionFactory(plan=plan, number=28, title="Monitor and evaluate")
    session = factories.SessionFactory(actions=[action])
    page = editor_client.get(reverse("admin:meetings_session_change", args=[session.pk]))
    label = Action.objects.select_related("plan").get(pk=action.pk).label()
    assert label.startswith("CAP #28 (") and label.endswith("): Monitor and evaluate")
    assert f"selected>{label}</option>" in page.content.decode()


def test_the_autocomplete_of_states_takes_the_same_queries_whatever_it_finds(
    editor_client, django_assert_max_num_queries
):
    assert State.objects.count() == 249
    with django_assert_max_num_queries(8):
        states(editor_client, "a")


@pytest.mark.parametrize(
    ("term", "state"),
    [
        ("Turkey", "Türkiye"),  # a former name (other_names)
        ("Swaziland", "Eswatini"),
        ("Vietnam", "Viet Nam"),  # pycountry's common name
        ("Russia", "Russian Federation"),  # CLDR's English name
        ("Bosnia & Herzegovina", "Bosnia and Herzegovina"),  # "&" as "and"
    ],
)
def test_a_state_is_found_first_by_a_name_it_is_known_by(editor_client, term, state):
    assert states(editor_client, term)[0] == state


def test_the_start_of_an_other_name_ranks_as_the_start_of_a_name(editor_client):
    assert "Türkiye" in states(editor_client, "turk")[:3]  # with Turkmenistan, Turks and Caicos
    assert states(editor_client, "Macedonia")[0] == "North Macedonia"


def test_the_states_list_search_finds_a_state_by_its_other_names(editor_client):
    response = editor_client.get(reverse("admin:meetings_state_changelist"), {"q": "Turkey"})
    assert response.status_code == 200
    assert [str(s) for s in response.context["cl"].result_list] == ["Türkiye"]


def test_every_inline_rows_chosen_values_show_by_name_on_the_change_page(editor_client):
    """The names of the values chosen in every row are read at once for the page
    (meetings/admin/autocomplete.py): each row still shows its own, selected, and no other."""
    session = factories.SessionFactory(room=factories.RoomFactory(name="Salle XX"))
    people = [factories.PersonFactory(name=f"Speaker {n}") for n in range(3)]
    for n, person in enumerate(people):
        factories.PresentationFactory(session=session, title=f"Talk {n}", presenters=[person])
    unchosen = factories.PersonFactory(name="Nobody chose me")
    page = editor_client.get(reverse("admin:meetings_session_change", args=[session.pk]))
    html = page.content.decode()
    for n, person in enumerate(people):
        field = f'name="presentations-{n}-presenters"'
        start = html.index(field)
        options = html[start : html.index("</select>", start)]
        assert f'value="{person.pk}" selected>{person}</option>' in options
        assert options.count("<option") == 1
    assert unchosen.name not in html
    programme_page = editor_client.get(
        reverse("admin:meetings_programme_change", args=[session.programme.pk])
    )
    assert "Salle XX" in programme_page.content.decode()
