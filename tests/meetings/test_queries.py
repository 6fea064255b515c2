"""The helpers that shape query results for the pages."""

import datetime
import re
from types import SimpleNamespace

import factories
import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from meetings import queries
from meetings.models import Edition, Session, Status
from meetings.publishing.revisions import publish
from meetings.queries import document_sets, programme_days, quarter_columns


def test_quarter_columns_keep_empty_quarters_so_time_stays_to_scale():
    milestones = [
        SimpleNamespace(year=2023, quarter=4, text="a"),
        SimpleNamespace(year=2024, quarter=3, text="b"),
        SimpleNamespace(year=2023, quarter=4, text="c"),
    ]
    columns = quarter_columns(milestones)
    assert [c.label for c in columns] == ["Q4 2023", "Q1 2024", "Q2 2024", "Q3 2024"]
    assert [[m.text for m in c.milestones] for c in columns] == [["a", "c"], [], [], ["b"]]
    assert quarter_columns([]) == []


def test_programme_days_group_sessions_by_day_with_undated_last():
    day = datetime.date(2012, 5, 22)
    sessions = [SimpleNamespace(date=day), SimpleNamespace(date=day), SimpleNamespace(date=None)]
    days = programme_days(sessions)
    assert [(d.date, len(d.sessions)) for d in days] == [(day, 2), (None, 1)]


def test_document_sets_join_languages_of_one_symbol_only():
    docs = [
        SimpleNamespace(pk=1, symbol="X/1", revision="", language="en"),
        SimpleNamespace(pk=2, symbol="X/1", revision="", language="fr"),
        SimpleNamespace(pk=3, symbol="X/1", revision="Rev.1", language="en"),
        SimpleNamespace(pk=4, symbol="", revision="", language="en"),
        SimpleNamespace(pk=5, symbol="", revision="", language="en"),
    ]
    assert [[d.pk for d in s.documents] for s in document_sets(docs)] == [[1, 2], [3], [4], [5]]


def test_the_work_plan_chart_puts_each_milestone_in_its_quarter(client, db):
    work_plan = factories.WorkPlanFactory(start_year=2030, end_year=2031)
    for year, quarter, text in [
        (2031, 3, "Test milestone d"),
        (2030, 4, "Test milestone a"),
        (2031, 1, "Test milestone b"),
        (2031, 1, "Test milestone c"),
    ]:
        factories.MilestoneFactory(work_plan=work_plan, year=year, quarter=quarter, text=text)
    page = BeautifulSoup(client.get(work_plan.get_absolute_url()).content, "html.parser")
    chart = page.select_one("ol.quarter-chart")
    assert chart["aria-labelledby"] == "timeline"
    shown = {
        item.h3.get_text(" ", strip=True): [li.get_text(strip=True) for li in item.select("li")]
        for item in chart.find_all("li", recursive=False)
    }
    assert shown == {
        "Q4 2030": ["Test milestone a"],
        "Q1 2031": ["Test milestone b", "Test milestone c"],
        "Q2 2031": [],  # nothing planned: the quarter keeps its column
        "Q3 2031": ["Test milestone d"],
    }
    assert list(shown) == ["Q4 2030", "Q1 2031", "Q2 2031", "Q3 2031"]


@pytest.fixture
def published_session(meeting, programme, make_session, editor):
    """A published programme of two sessions, one with a question, a panellist, a statement and
    a recording (what a session's page and calendar show)."""
    session = make_session(1, title="Coordination", slug="coordination")
    make_session(2, title="Monitoring", slug="monitoring")
    factories.DiscussionQuestionFactory(session=session, text="How is it coordinated?")
    factories.PanellistFactory(session=session)
    factories.StatementFactory(session=session)
    factories.RecordingFactory(session=session)
    publish(programme, "First.", editor)
    return Session.objects.get(slug="coordination", programme__edition=Edition.PUBLISHED)


def addresses_of(session):
    programme = session.programme
    stem = session.get_absolute_url()
    return [
        f"{prefix}{address}"
        for prefix in ("", "/fr", "/es")
        for address in (
            programme.get_absolute_url(),
            programme.get_absolute_url() + "programme.ics",
            programme.get_absolute_url() + "schedule.json",
            programme.get_absolute_url() + "changes/1/",
            stem,
            stem + "session.ics",
            stem.replace("coordination", "monitoring"),
        )
    ]


DTSTAMP = re.compile(rb"^DTSTAMP:.*$", re.M)


def test_remembered_programmes_give_the_same_pages_with_fewer_queries(published_session, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client = Client()
    alone = {}
    for address in addresses_of(published_session):
        response = client.get(address)
        assert response.status_code == 200, address
        alone[address] = DTSTAMP.sub(b"", response.content)
    with queries.remembering_programmes():
        counts = {}
        for address in addresses_of(published_session):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(address)
            counts[address] = len(captured)
            assert DTSTAMP.sub(b"", response.content) == alone[address], address
    # The programme and its revision read once, for the first page (in English) that shows
    # them: each other page asks only its meeting's generation (and the programme's calendar
    # the sessions that earlier revisions had).
    programme = published_session.programme.get_absolute_url()
    assert counts[programme] > 10 and counts[programme + "changes/1/"] > 10, counts
    translated = [count for address, count in counts.items() if address.startswith(("/fr", "/es"))]
    assert max(translated) <= 2, counts
    assert queries._programme_memory is None  # remembering ends with the block


def test_a_remembered_programme_is_read_again_after_an_edit(published_session, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client = Client()
    address = published_session.get_absolute_url()
    with queries.remembering_programmes():
        assert "Coordination" in client.get(address).content.decode()
        published_session.title = "Coordination, retitled"
        published_session.save()  # counted in its meeting's generation
        assert "Coordination, retitled" in client.get(address).content.decode()


def test_staff_are_never_answered_from_remembered_programmes(published_session, editor):
    programme = published_session.programme
    slugs = (programme.meeting.slug, programme.slug)
    with queries.remembering_programmes():
        # An editor reads the working copy, never the public copy remembered for visitors.
        assert queries._remembered_programme(*slugs, editor) is None
        assert queries._remembered_session(*slugs, "coordination", editor) is None
        assert queries._programme_memory == {}
        assert queries._remembered_session(*slugs, "coordination", None) == published_session


def test_statement_files_are_filtered_on_every_page_though_their_filter_is_built_once(
    published_session, settings, client
):
    settings.PAGE_CACHE_SECONDS = 0
    document = factories.DocumentFactory(title="Full text of the statement", meeting=None)
    published_session.statements.get().documents.add(document)
    page = published_session.get_absolute_url()
    assert document.get_absolute_url() in client.get(page).content.decode()
    document.meeting = factories.MeetingFactory(status=Status.DRAFT, venue=None)
    document.save()
    assert document.get_absolute_url() not in client.get(page).content.decode()
    # The filter kept for the process is copied for each page, never run (and kept) itself.
    assert queries._public_documents()._result_cache is None


@pytest.mark.django_db
def test_each_sessions_programme_is_kept_beside_its_key_for_counting_without_the_rows():
    """Counting an action's public sessions (its page) needs each session's programme only: on
    the 20-year archive the count read 6,329 sessions' rows for it (the page 37.5 ms); from
    this index, 26.6 ms. Which plan PostgreSQL takes depends on the rows' number, so the index
    is checked here and its effect measured on the archive (bench/pages_bench.py, "action")."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'session_programme_by_id'"
        )
        (definition,) = cursor.fetchone()
    assert definition.endswith("ON public.meetings_session USING btree (id) INCLUDE (programme_id)")
