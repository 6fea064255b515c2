"""prefetching.prefetch loads what Django's prefetch_related loads, in one query a depth."""

import factories
import pytest
from django.db import DataError, connection, transaction
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from site_content import add_everything

from meetings import prefetching, queries
from meetings.models import Meeting, Programme, Session


def graph(instance, lists=True, path=()):
    """What a page can read of `instance` without a query: its columns, the related rows
    loaded with it (with theirs) and the lists prefetched onto it, all the way down."""
    path = (*path, (type(instance), instance.pk))
    found = {
        "model": type(instance).__name__,
        "columns": {
            f.attname: getattr(instance, f.attname)
            for f in instance._meta.concrete_fields
            if f.attname in instance.__dict__
        },
        "loaded": {
            name: None
            if related is None
            else related.pk
            if (type(related), related.pk) in path  # a row it came from
            else graph(related, lists=False, path=path)
            for name, related in sorted(instance._state.fields_cache.items())
        },
    }
    if lists:  # not those of a parent a row points back at
        found["lists"] = {
            name: [graph(row, path=path) for row in rows._result_cache]
            for name, rows in sorted(getattr(instance, "_prefetched_objects_cache", {}).items())
        }
    return found


def both_ways(working):
    """Every programme with everything, by Django's prefetch_related and by prefetching."""
    rows = queries._programmes(Programme.objects.order_by("pk"))
    by_django = list(queries._with_everything(rows, working=working))
    ours = queries._load_everything(rows, working=working)
    return by_django, ours


@pytest.fixture
def everything(seeds):
    """The seed programmes and programmes with one, two and three of everything a programme
    shows (statements with their files, panellists, recordings, presenters, office holders),
    published and with changes not yet published."""
    for k in (1, 2, 3):
        add_everything(k)


@pytest.mark.django_db
@pytest.mark.parametrize("working", [False, True, None])
def test_it_loads_what_prefetch_related_loads(everything, working):
    prefetching.forget_compiled()
    # Compiled once, in the first language, and the same SQL serves the others.
    for language in ("es", "fr", "en"):
        with translation.override(language):
            by_django, ours = both_ways(working)
        assert len(ours) == Programme.objects.count() > 10
        assert [graph(p) for p in ours] == [graph(p) for p in by_django], language
    # The comparison reaches what the pages show, down to a statement's files.
    statements = [s for p in ours for x in p.sessions.all() for s in x.statements.all()]
    assert any(s.documents.all() for s in statements)


@pytest.mark.django_db
def test_a_meetings_lists_for_visitors_are_those_prefetch_related_loads(everything):
    meetings = list(Meeting.objects.order_by("pk"))
    by_django = list(Meeting.objects.order_by("pk").prefetch_related(*queries._meeting_lists(None)))
    prefetching.prefetch(meetings, queries._meeting_lists, None)
    assert [graph(m) for m in meetings] == [graph(m) for m in by_django]
    assert any(m.documents.all() for m in meetings) and any(
        m.office_holders.all() for m in meetings
    )


@pytest.mark.django_db
def test_the_comparison_above_can_fail(everything):
    by_django, ours = both_ways(False)
    session = next(s for p in ours for s in p.sessions.all() if len(s.presentations.all()) > 1)
    session.presentations.all()._result_cache.reverse()
    assert [graph(p) for p in ours] != [graph(p) for p in by_django]


@pytest.mark.django_db
def test_it_makes_one_query_a_relation_whatever_the_number_of_rows(everything):
    rows = queries._programmes(Programme.objects.all())
    with CaptureQueriesContext(connection) as one:
        queries._load_everything(rows.filter(slug="p1", edition="working"), working=None)
    with CaptureQueriesContext(connection) as all_:
        loaded = queries._load_everything(rows, working=None)
    # The programmes, then the 15 relations of queries._everything(None).
    assert len(one) == len(all_) == 16
    # PostgreSQL keeps the relations' statements, planned once for this connection.
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [sql for (sql,) in cursor.fetchall()]
    assert len(prepared) >= 15 and all("= ANY($" in sql for sql in prepared)
    with CaptureQueriesContext(connection) as reading:
        for programme in loaded:
            for session in programme.sessions.all():
                assert session.programme is programme  # each points back at its parent
                for presentation in session.presentations.all():
                    list(presentation.presenters.all())
            list(programme.meeting.office_holders.all())
    assert len(reading) == 0


@pytest.mark.django_db
def test_its_statements_are_planned_once_not_again_for_each_run(meeting):
    """On tables never analyzed (this test database, a site just loaded), PostgreSQL's default
    planned a meeting's public documents (EXISTS over five tables) again on every run."""
    factories.DocumentFactory(meeting=meeting)
    for _ in range(8):
        prefetching.prefetch([Meeting.objects.get(pk=meeting.pk)], queries._meeting_lists, None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
        plans = {sql: (generic, custom) for sql, generic, custom in cursor.fetchall()}
    documents = [sql for sql in plans if '"meetings_document"."title"' in sql]
    assert len(documents) == 1
    assert plans[documents[0]] == (8, 0)
    assert all(custom == 0 for _generic, custom in plans.values()), plans


@pytest.mark.django_db
def test_the_relations_of_one_depth_are_sent_together(everything, monkeypatch):
    sent = []
    run = prefetching._run
    monkeypatch.setattr(prefetching, "_run", lambda wanted: sent.append(len(wanted)) or run(wanted))
    queries._load_everything(queries._programmes(Programme.objects.all()), working=None)
    # The programmes' 6 lists (the meeting's office holders among them), the sessions' 6, and
    # the presentations' 2 with the statements' files.
    assert sent == [6, 6, 3]


@pytest.mark.django_db
def test_a_row_of_two_parents_is_given_to_both(everything):
    loaded = queries._load_everything(
        queries._programmes(Programme.objects.filter(slug="p1", edition="working")), working=True
    )
    sessions = loaded[0].sessions.all()
    served = [{a.pk for a in s.actions.all()} for s in sessions]
    assert len(sessions) >= 2 and set.intersection(*served)


@pytest.mark.django_db
def test_parents_without_rows_get_empty_lists_and_nothing_is_asked_for_none(meeting):
    programme = factories.ProgrammeFactory(meeting=meeting)
    rows = queries._programmes(Programme.objects.filter(pk=programme.pk))
    with CaptureQueriesContext(connection) as captured:
        [loaded] = queries._load_everything(rows, working=True)
    # The programme and its five lists; no session, so nothing under them is asked for.
    assert len(captured) == 6
    assert list(loaded.sessions.all()) == [] and list(loaded.documents.all()) == []
    with CaptureQueriesContext(connection) as none:
        assert prefetching.prefetch([], queries._everything, True) == []
    assert len(none) == 0


def forward_key_not_loaded():
    return ["meeting__programmes"]


def named_elsewhere():
    return [Prefetch("sessions", to_attr="kept")]


def failing_lists():
    return [Prefetch("sessions", queryset=Session.objects.extra(where=["1 / 0 = 1"]))]


@pytest.mark.django_db
def test_a_failing_statement_raises_djangos_error_and_the_connection_goes_on(meeting):
    programme = factories.ProgrammeFactory(meeting=meeting)
    factories.SessionFactory(programme=programme)
    with pytest.raises(DataError, match="division by zero"), transaction.atomic():
        prefetching.prefetch([Programme.objects.get(pk=programme.pk)], failing_lists)
    assert Programme.objects.filter(pk=programme.pk).exists()


@pytest.mark.django_db
def test_what_it_cannot_load_is_refused_by_name(meeting):
    programme = Programme.objects.get(pk=factories.ProgrammeFactory(meeting=meeting).pk)
    with pytest.raises(ValueError, match=r"Programme\.meeting .* select_related"):
        prefetching.prefetch([programme], forward_key_not_loaded)
    with pytest.raises(ValueError, match="to_attr"):
        prefetching.prefetch([programme], named_elsewhere)
    # Loaded with its meeting, the same path is followed without a query for the meeting.
    loaded = Programme.objects.select_related("meeting").get(pk=programme.pk)
    with CaptureQueriesContext(connection) as captured:
        prefetching.prefetch([loaded], forward_key_not_loaded)
    assert len(captured) == 1
    assert loaded in loaded.meeting.programmes.all()


@pytest.mark.django_db
def test_any_of_matches_a_list_of_keys_with_one_parameter(meeting):
    sessions = [factories.SessionFactory(programme__meeting=meeting) for _ in range(3)]
    wanted = [sessions[0].pk, sessions[2].pk]
    found = Session.objects.filter(pk__any_of=wanted)
    assert sorted(s.pk for s in found) == sorted(wanted)
    assert not Session.objects.filter(pk__any_of=[]).exists()
    sql, params = found.query.sql_with_params()
    assert "= ANY(%s)" in sql and list(params) == [wanted]
    assert Meeting.objects.filter(programmes__sessions__any_of=wanted).distinct().get() == meeting
