"""Admin and editor posts past Django's request limits (meetings/admin/limits.py): a page that says
nothing was saved, which limit was passed and how to get back to the typing, never a bare 400."""

import pytest
from admin_forms import form_data
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from meetings.models import Session


@pytest.fixture
def session(make_session):
    return make_session(title="As saved")


def session_post(client, session, **changes):
    url = reverse("admin:meetings_session_change", args=[session.pk])
    data = form_data(client.get(url))
    data.update({name: [value] for name, value in changes.items()})
    return url, data


def test_a_save_with_too_many_fields_is_a_page_saying_so_and_saves_nothing(
    editor_client, session, settings
):
    url, data = session_post(editor_client, session, title="Typed, not saved")
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 20

    response = editor_client.post(url, data)

    assert response.status_code == 413
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one(".errornote").get_text() == (
        "This form sent more than 20 fields, the most the site takes in one save."
    )
    assert "Back button takes you back to the form with what you typed" in page.get_text()
    assert page.select_one(f'#content a[href="{url}"]')
    assert response["Cache-Control"] == "no-store"
    session.refresh_from_db()
    assert session.title == "As saved"


def test_a_save_with_too_much_text_is_a_page_saying_so(editor_client, session, settings):
    url, data = session_post(editor_client, session, purpose="x" * 5000)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096

    response = editor_client.post(url, data)

    assert response.status_code == 413
    assert "more than 4.0\xa0KB of text" in response.content.decode()
    session.refresh_from_db()
    assert session.purpose == ""


def test_the_editors_preview_past_the_size_limit_gets_the_message_in_its_place(
    editor_client, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = editor_client.post("/markdownx/markdownify/", {"content": "x" * 2000})
    assert response.status_code == 413
    assert response.content.decode() == (
        '<p class="errornote">This form sent more than 1.0\xa0KB of text, the most the site '
        "takes in one save.</p>"
    )


def test_someone_not_signed_in_gets_the_message_without_the_back_office(db, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = Client().post("/admin/login/", {f"field{n}": "x" for n in range(10)})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")
    assert "more than 5 fields" in response.content.decode()


def test_a_save_within_the_limits_is_untouched(editor_client, session):
    url, data = session_post(editor_client, session, title="Saved")
    assert editor_client.post(url, data).status_code == 302
    assert Session.objects.get(pk=session.pk).title == "Saved"
