"""Text that shows nothing (spaces, zero-width and other format characters) is no text in the
admin's forms (meetings/admin/text.py): a translation of it is saved empty, so the page shows the
English in its place, and a required field of it is refused as empty."""

import re

import factories
import pytest
from admin_forms import form_data
from bs4 import BeautifulSoup
from django.urls import reverse

from meetings.models import Session
from meetings.models.translations import shows_nothing

INVISIBLE = {
    "zero-width space": "\u200b",
    "zero-width joiner and non-joiner": "\u200c\u200d",
    "word joiner": "\u2060",
    "byte-order mark": "\ufeff",
    "no-break and ideographic spaces": "\u00a0\u3000",
    "mixed with spaces and a soft hyphen": " \u200b \u00ad\t",
}


@pytest.mark.parametrize("value", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_text_of_only_invisible_characters_shows_nothing(value):
    assert shows_nothing(value)


@pytest.mark.parametrize("value", ["a", "\u200bTitre", "Niño\u200d", "\u2014"])
def test_text_with_a_visible_character_shows_something(value):
    assert not shows_nothing(value)


@pytest.fixture
def session(make_session):
    session = make_session(1, title="Test session on coordination", slug="coordination")
    factories.ProgrammeRevisionFactory(programme=session.programme, number=1)
    return session


def post_session(client, session, **fields):
    url = reverse("admin:meetings_session_change", args=[session.pk])
    data = form_data(client.get(url))
    data.update({name: [value] for name, value in fields.items()})
    return client.post(url, data)


@pytest.mark.parametrize("value", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_an_invisible_translation_is_saved_empty(editor_client, session, value):
    response = post_session(editor_client, session, title_es=value, title_fr="Coordination")

    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.title_es, session.title_fr) == ("", "Coordination")


def test_the_spanish_page_of_an_invisible_translation_shows_the_english_marked(
    editor_client, client, session
):
    assert post_session(editor_client, session, title_es="\u200b").status_code == 302
    factories.show_published(session.programme)

    response = client.get(f"/es{session.get_absolute_url()}")

    assert response.status_code == 200
    h1 = BeautifulSoup(response.content, "html.parser").h1
    assert re.sub(r"\s+", " ", h1.get_text()).strip() == "Test session on coordination"
    assert h1.span["lang"] == "en" and h1.span.has_attr("data-untranslated")


@pytest.mark.parametrize("value", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_a_required_title_of_invisible_characters_is_refused_as_empty(
    editor_client, session, value
):
    response = post_session(editor_client, session, title=value, title_fr="Coordination")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title"] == ["This field is required."]
    session.refresh_from_db()
    assert (session.title, session.title_fr) == ("Test session on coordination", "")
    assert Session.objects.filter(title=value).count() == 0
