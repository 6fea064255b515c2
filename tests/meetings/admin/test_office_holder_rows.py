"""A meeting's office holders, entered as compact rows on the meeting's admin page, with
autocomplete for office, State and person; bad rows are form errors that save nothing."""

import datetime

import factories
import pytest
from admin_forms import form_data
from bs4 import BeautifulSoup
from django.urls import reverse

from meetings.models import Mandate, Meeting

PREFIX = "office_holders"


@pytest.fixture
def co_chairs(db):
    return factories.OfficeFactory(name="Co-Chairs", position=10)


def row(data, index, **fields):
    """Fill inline row `index` of the posted `data` (the page's extra row is row 0 of none)."""
    for name, value in fields.items():
        data[f"{PREFIX}-{index}-{name}"] = [str(value)]
    data[f"{PREFIX}-TOTAL_FORMS"] = [str(max(int(data[f"{PREFIX}-TOTAL_FORMS"][0]), index + 1))]


def test_the_meeting_page_edits_its_holders_inline_with_autocomplete(editor_client, meeting):
    page = editor_client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.find("input", attrs={"name": f"{PREFIX}-TOTAL_FORMS"})
    for field in ("office", "state", "person"):
        select = soup.find("select", attrs={"name": f"{PREFIX}-0-{field}"})
        assert "admin-autocomplete" in select["class"]
        assert select["data-field-name"] == field


def test_holders_entered_without_dates_take_the_meetings_and_keep_the_order_given(
    editor_client, meeting, co_chairs
):
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    data = form_data(editor_client.get(url))
    austria, colombia = factories.StateFactory(iso_code="AT"), factories.StateFactory(iso_code="CO")
    row(data, 0, office=co_chairs.pk, position=1, state=colombia.pk)
    row(data, 1, office=co_chairs.pk, position=0, state=austria.pk)

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    holders = list(meeting.office_holders.order_by("position"))
    assert [h.state for h in holders] == [austria, colombia]
    for holder in holders:
        assert (holder.start_date, holder.end_date) == (meeting.start_date, meeting.end_date)
        assert holder.convention == meeting.convention


def test_a_new_meeting_is_saved_with_its_holders(editor_client, convention, co_chairs):
    url = reverse("admin:meetings_meeting_add")
    data = form_data(editor_client.get(url))
    data.update(
        {
            "convention": [str(convention.pk)],
            "kind": ["intersessional"],
            "title": ["New meeting"],
            "slug": ["new-meeting"],
            "start_date": ["2031-06-02"],
            "end_date": ["2031-06-04"],
            "time_zone": ["Europe/Zurich"],
            "status": ["draft"],
        }
    )
    row(data, 0, office=co_chairs.pk, position=0, state=factories.StateFactory().pk)

    response = editor_client.post(url, data)

    assert response.status_code == 302
    holder = Meeting.objects.get(slug="new-meeting").office_holders.get()
    assert (holder.start_date, holder.end_date) == (
        datetime.date(2031, 6, 2),
        datetime.date(2031, 6, 4),
    )


def test_a_new_meeting_without_a_convention_is_a_form_error_keeping_its_rows(
    editor_client, co_chairs
):
    url = reverse("admin:meetings_meeting_add")
    data = form_data(editor_client.get(url))
    data.update(
        {
            "convention": [""],
            "kind": ["intersessional"],
            "title": ["New meeting"],
            "title_fr": ["Nouvelle réunion"],
            "slug": ["new-meeting"],
            "start_date": ["2031-06-02"],
            "end_date": ["2031-06-04"],
            "time_zone": ["Europe/Zurich"],
            "status": ["draft"],
        }
    )
    state = factories.StateFactory()
    row(data, 0, office=co_chairs.pk, position=0, state=state.pk)

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["convention"] == ["This field is required."]
    kept = form_data(response)
    assert kept["title_fr"] == ["Nouvelle réunion"]
    assert kept[f"{PREFIX}-0-office"] == [str(co_chairs.pk)]
    assert kept[f"{PREFIX}-0-state"] == [str(state.pk)]
    assert not Meeting.objects.exists()
    assert not Mandate.objects.exists()


BAD_ROWS = {
    "term ending before it starts": (
        [{"position": 0, "start_date": "2030-05-25", "end_date": "2030-05-21"}],
        "The term cannot end before it starts.",
    ),
    "two holders at one position": (
        [{"position": 0}, {"position": 0}],
        "Please correct the duplicate data",
    ),
}


@pytest.mark.parametrize("rows, message", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_bad_rows_are_form_errors_and_save_nothing(
    editor_client, meeting, co_chairs, rows, message
):
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    data = form_data(editor_client.get(url))
    data["title"] = ["A new title, which must not be saved either"]
    for index, fields in enumerate(rows):
        row(data, index, office=co_chairs.pk, state=factories.StateFactory().pk, **fields)

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Mandate.objects.exists()
    meeting.refresh_from_db()
    assert meeting.title == "Intersessional Meetings May 2030"


def test_offices_are_added_with_french_and_spanish_names(editor_client):
    url = reverse("admin:meetings_office_add")
    data = form_data(editor_client.get(url))
    data.update(
        {"name": ["Rapporteur"], "name_fr": ["Rapporteur"], "name_es": ["Relator"]},
        position=["20"],
    )
    assert editor_client.post(url, data).status_code == 302
    office = factories.OfficeFactory._meta.model.objects.get(name="Rapporteur")
    assert (office.name_fr, office.name_es, office.position) == ("Rapporteur", "Relator", 20)
