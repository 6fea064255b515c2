"""Which States are party to each convention is kept by staff in the admin (no source here
gives the lists, and none is loaded)."""

import datetime

import factories
import pytest
from admin_forms import form_data
from django.urls import reverse

from meetings.models import Party, State

pytestmark = pytest.mark.django_db


def test_no_state_is_party_to_anything_until_staff_say_so(seeds):
    assert not Party.objects.exists()


def test_an_editor_adds_a_state_party_with_the_date_it_became_party(editor_client, convention):
    url = reverse("admin:meetings_party_add")
    data = form_data(editor_client.get(url))
    lao = State.objects.get(iso_code="LA")
    data.update(convention=[convention.pk], state=[lao.pk], since=["2010-08-01"])
    response = editor_client.post(url, data)
    assert response.status_code == 302
    party = Party.objects.get()
    assert (party.state, party.convention, party.since) == (
        lao,
        convention,
        datetime.date(2010, 8, 1),
    )
    assert str(party) == "Lao People's Democratic Republic, APMBC"


def test_a_state_listed_twice_for_a_convention_is_refused_with_nothing_saved(
    editor_client, convention
):
    lao = State.objects.get(iso_code="LA")
    factories.PartyFactory(convention=convention, state=lao)
    url = reverse("admin:meetings_party_add")
    data = form_data(editor_client.get(url))
    data.update(convention=[convention.pk], state=[lao.pk])
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "This State is already listed as party to it." in response.content.decode()
    assert Party.objects.count() == 1


def test_the_states_list_filters_by_convention(editor_client, convention):
    factories.PartyFactory(convention=convention, state=State.objects.get(iso_code="AT"))
    response = editor_client.get(
        reverse("admin:meetings_state_changelist"), {"party_to__convention": convention.pk}
    )
    assert response.status_code == 200
    assert [s.iso_code for s in response.context["cl"].result_list] == ["AT"]
