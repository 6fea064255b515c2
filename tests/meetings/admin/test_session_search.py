"""The session list's search and filters, read without going through every session of the
archive (SessionAdmin.get_search_results, session_years): they find what the admin's own search
and filters found."""

import datetime

import factories
import pytest
from django.urls import reverse

from meetings.models import Edition

SESSIONS = reverse("admin:meetings_session_changelist")


def listed(client, query):
    response = client.get(SESSIONS, query)
    assert response.status_code == 200
    return sorted(session.title for session in response.context["cl"].result_list)


@pytest.fixture
def sessions(programme, make_session):
    """Sessions with 'mapping' in each searched field, one in two of them, and one without."""
    make_session(1, title="Victim mapping in the provinces")
    make_session(2, title="Opening", purpose="Experts compare their mapping of services.")
    question = make_session(3, title="Group work")
    factories.DiscussionQuestionFactory(session=question, text="Who leads the mapping?")
    factories.DiscussionQuestionFactory(session=question, text="And the mapping of needs?")
    both = make_session(4, title="Mapping, again", purpose="Mapping")
    factories.DiscussionQuestionFactory(session=both, text="Is mapping done?")
    make_session(5, title="Closing", purpose="Thanks to all.")
    other = factories.ProgrammeFactory(meeting=programme.meeting, title="Mapping programme")
    factories.SessionFactory(programme=other, title="Lunch", slug="lunch")


def test_the_session_search_finds_a_word_in_any_searched_field_once(editor_client, sessions):
    assert listed(editor_client, {"q": "MAPPING"}) == [
        "Group work",
        "Lunch",  # in its programme's title
        "Mapping, again",
        "Opening",
        "Victim mapping in the provinces",
    ]


def test_the_session_search_wants_every_word_and_takes_a_quoted_phrase(editor_client, sessions):
    assert listed(editor_client, {"q": "mapping provinces"}) == ["Victim mapping in the provinces"]
    assert listed(editor_client, {"q": "mapping needs"}) == ["Group work"]
    assert listed(editor_client, {"q": '"the mapping of"'}) == ["Group work"]
    assert listed(editor_client, {"q": "nowhere"}) == []
    assert listed(editor_client, {"q": '"provinces'}) == []  # an unclosed quote is a character


def test_the_session_search_lists_working_copies_only(editor_client, sessions, programme):
    factories.show_published(programme)
    assert programme.editions.filter(edition=Edition.PUBLISHED).exists()
    assert listed(editor_client, {"q": "provinces"}) == ["Victim mapping in the provinces"]


def test_the_session_lists_year_filter_offers_the_years_of_dated_sessions(
    editor_client, programme, make_session
):
    make_session(1)
    later = factories.MeetingFactory(
        start_date=datetime.date(2033, 6, 1), end_date=datetime.date(2033, 6, 3)
    )
    in_2033 = factories.SessionFactory(programme=factories.ProgrammeFactory(meeting=later))
    # A meeting whose programme has no dated session offers no year.
    empty = factories.MeetingFactory(
        start_date=datetime.date(2035, 6, 1), end_date=datetime.date(2035, 6, 3)
    )
    factories.SessionFactory(
        programme=factories.ProgrammeFactory(meeting=empty), date=None, start_time=None
    )
    response = editor_client.get(SESSIONS)
    [years] = [
        f for f in response.context["cl"].filter_specs if getattr(f, "parameter_name", "") == "year"
    ]
    assert [year for year, _label in years.lookup_choices] == ["2033", "2030"]
    assert listed(editor_client, {"year": "2033"}) == [in_2033.title]
