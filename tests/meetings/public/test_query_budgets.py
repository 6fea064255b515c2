"""Each public page makes a fixed number of SQL queries, whatever the amount of data, for a
delegate and for an editor (who reads programmes' working copies): measured with one of
everything, then again with three (and three published revisions), the count must not move (no
N+1), and it must stay within the budget written below (a delegate's, as documented in
meetings/queries.py)."""

import factories
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from site_content import add_everything

from meetings.models import (
    DiscussionQuestion,
    Edition,
    Programme,
    Session,
)


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """What a page costs to render: the page cache (meetings/caching/pages.py) is off here."""
    settings.PAGE_CACHE_SECONDS = 0


# page: (url, queries for a delegate, queries for an editor). The delegate's budgets are the
# counts documented in meetings/queries.py. An editor's request costs 2 to 5 more: their login
# session, their user (read twice) and, where the page asks whether they may view drafts, their
# permissions. On a programme's pages they read its working copy, which also reads the revision
# delegates see.
PAGES = {
    "home": ("/", 4, 6),
    "meetings": ("/meetings/", 2, 4),
    "meetings filtered": ("/meetings/?convention=APMBC&kind=intersessional", 2, 4),
    "meeting": ("/meetings/m1/", 4, 9),
    # The programme and everything it shows, sent in 4 round trips (queries._load_everything). An
    # editor's: 5, the working copy with its revisions (15), its published copy (1), and that
    # copy in full, to say what publishing the working copy would change (16).
    "programme": ("/meetings/m1/p1/", 14, 37),
    # The programme's page data alone (an editor's: 5, the working copy with its revisions, 15).
    "schedule.json": ("/meetings/m1/p1/schedule.json", 14, 20),
    "programme.json": ("/meetings/m1/p1/programme.json", 14, 20),
    "changes": ("/meetings/m1/p1/changes/", 2, 4),
    "revision": ("/meetings/m1/p1/changes/1/", 16, 18),
    "session": ("/meetings/m1/p1/sessions/s1/", 11, 17),
    "session calendar": ("/meetings/m1/p1/sessions/s1/session.ics", 6, 11),
    "action plans": ("/action-plans/", 1, 3),
    "action plan": ("/action-plans/plan-1/", 2, 4),
    # The count of its sessions is read with the count of every change, and kept until that
    # moves (caching.generations.kept): 8 after a change, 7 then (6 within the freshness time).
    "action": ("/action-plans/plan-1/1/", 8, 9),
    "coordination": ("/coordination/", 6, 8),
    "work plan": ("/coordination/work-plans/w1/", 5, 10),
    "news": ("/news/", 2, 4),
    "news post": ("/news/n1/", 2, 7),
    # The public library's list and the meetings to filter by are kept until the count of
    # every change moves (caching.generations.kept), read for each (freshness 0 here): 5 after
    # a change, 3 then; 1 (the page's rows) within the freshness time.
    "documents": ("/documents/", 5, 5),
    "documents filtered": ("/documents/?meeting=m1&kind=presentation&language=en", 3, 5),
    # 2 + one per kind (its best and their count); a delegate's documents are looked for among
    # the public library's, kept until the count of every change moves (read here).
    "search": ("/search/?q=meeting", 11, 15),
    "search one kind": ("/search/?q=session&kind=sessions&convention=APMBC", 3, 8),
    # 1 + a count per section but the fixed pages and the sessions', which are a page per meeting:
    # the meetings with their dates, kept until the count of every change moves (read here).
    "sitemap index": ("/sitemap.xml", 9, 10),
    "sitemap of sessions": ("/sitemap-sessions.xml", 2, 4),  # the count of every change
}


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def measure(clients):
    return {
        who: {name: count_queries(client, url) for name, (url, *_) in PAGES.items()}
        for who, client in clients.items()
    }


@pytest.fixture
def clients(client):
    """A delegate, and an editor, who may view drafts and reads programmes' working copies."""
    editor = Client()
    editor.force_login(factories.EditorFactory())
    return {"delegate": client, "editor": editor}


@pytest.mark.django_db
def test_no_page_grows_its_queries_with_its_data(clients):
    add_everything(1)
    with_one = measure(clients)
    add_everything(2)
    add_everything(3)
    # What delegates read of p1 has grown, and the working copy editors read with it; p1 has
    # three revisions, the copies before the third kept (the factory's, revisions 1 and 2).
    for rows in (Session.objects.public(), Session.objects.filter(programme__edition="working")):
        assert rows.filter(programme__slug="p1").count() == 3
    assert DiscussionQuestion.objects.public().filter(session__slug="s1").count() == 3
    assert Programme.objects.filter(slug="p1", edition=Edition.SUPERSEDED).count() == 3
    with_three = measure(clients)
    assert with_three == with_one
    budgets = {
        "delegate": {name: delegate for name, (_, delegate, _) in PAGES.items()},
        "editor": {name: editor for name, (_, _, editor) in PAGES.items()},
    }
    assert with_one == budgets


@pytest.mark.django_db
def test_editors_are_measured_on_the_working_copy(clients):
    """What the editor's counts above measure: the working copy, with what publishing it would
    change; delegates the published copy."""
    add_everything(1)
    unpublished = "Session 1, not published yet"
    editor = clients["editor"].get("/meetings/m1/p1/").content.decode()
    assert "Working copy, not public." in editor and unpublished in editor
    delegate = clients["delegate"].get("/meetings/m1/p1/").content.decode()
    assert "Working copy" not in delegate and unpublished not in delegate
    assert "Session 1" in delegate


@pytest.mark.django_db
def test_the_budget_test_would_catch_a_query_per_row(clients, monkeypatch, request):
    """The check above can fail: a page that loads each session's questions separately grows."""
    from meetings import prefetching, queries

    # The programme's lookups are read once per process (prefetching): read them again now, and
    # again after the test.
    prefetching.forget_compiled()
    request.addfinalizer(prefetching.forget_compiled)
    monkeypatch.setattr(queries, "session_prefetches", lambda public=False: ["actions"])
    add_everything(1)
    one = measure(clients)
    add_everything(2)
    two = measure(clients)
    for who in clients:
        assert two[who]["programme"] > one[who]["programme"], who
