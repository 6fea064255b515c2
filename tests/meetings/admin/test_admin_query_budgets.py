"""The back office makes a fixed number of SQL queries per page, whatever the amount of data: each
list (with and without a search), the change forms editors use most (a programme with its
sessions inline, a session with its presentations and questions, a meeting, an action, a work
plan) and the autocompletes (States, actions, people), measured with one of everything, then
three, for an editor of the ISU editor group. So are the saves of the change forms: a programme
saved with its sessions inline, a session with its presentations, questions and the rest."""

import factories
import pytest
from admin_forms import form_data
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from site_content import add_everything

from meetings.models import (
    Action,
    Document,
    Edition,
    Meeting,
    NewsPost,
    Person,
    Programme,
    Session,
    WorkPlan,
)
from meetings.publishing.revisions import publish

LISTS = [
    "meeting",
    "programme",
    "session",
    "presentation",
    "discussionquestion",
    "statement",
    "panellist",
    "recording",
    "action",
    "actionplan",
    "document",
    "workplan",
    "milestone",
    "activity",
    "mandate",
    "office",
    "person",
    "organisation",
    "state",
    "party",
    "venue",
    "room",
    "newspost",
    "newscategory",
    "programmepdf",
]
SEARCHES = {
    "session": "Session",
    "action": "1",
    "document": "Document",
    "person": "Person",
    "presentation": "Talk",
}
AUTOCOMPLETES = {
    "states": ("person", "state", "a"),
    "actions": ("session", "actions", "1"),
    "people": ("presentation", "presenters", "Person"),
}


# No admin page, with one of everything, makes more queries than this.
MOST_QUERIES = 45


def change_forms():
    """The change form of each object measured, by name: those add_everything wires to its
    fixed addresses, so they gain rows (sessions, questions, presentations) with every round."""
    objects = {
        "programme": Programme.objects.get(slug="p1", edition=Edition.WORKING),
        "session": Session.objects.get(slug="s1", programme__edition=Edition.WORKING),
        "meeting": Meeting.objects.get(slug="m1"),
        "action": Action.objects.get(plan__slug="plan-1", number=1),
        "work plan": WorkPlan.objects.get(slug="w1"),
        "news post": NewsPost.objects.get(slug="n1"),
        "document": Document.objects.filter(title="Document 1").first(),
        "person": Person.objects.get(name="Person 1"),
    }
    return {
        name: reverse(f"admin:meetings_{type(obj)._meta.model_name}_change", args=[obj.pk])
        for name, obj in objects.items()
    }


def pages():
    urls = {"index": reverse("admin:index")}
    urls.update({f"{model} list": reverse(f"admin:meetings_{model}_changelist") for model in LISTS})
    for model, term in SEARCHES.items():
        urls[f"{model} list, search"] = reverse(f"admin:meetings_{model}_changelist") + f"?q={term}"
    urls.update({f"{name} form": url for name, url in change_forms().items()})
    for name, (model, field, term) in AUTOCOMPLETES.items():
        urls[f"{name} autocomplete"] = (
            reverse("admin:autocomplete")
            + f"?app_label=meetings&model_name={model}&field_name={field}&term={term}"
        )
    return urls


def measure(client):
    counts = {}
    for name, url in pages().items():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[name] = len(captured)
    return counts


@pytest.fixture
def editor_client():
    client = Client()
    client.force_login(factories.EditorFactory())
    return client


@pytest.mark.django_db
def test_no_admin_page_grows_its_queries_with_its_data(editor_client):
    add_everything(1)
    measure(editor_client)  # what a first request reads once per process (content types)
    with_one = measure(editor_client)
    add_everything(2)
    add_everything(3)
    working = Session.objects.filter(programme__slug="p1", programme__edition=Edition.WORKING)
    assert working.count() == 3
    with_three = measure(editor_client)
    grown = {name: with_three[name] - with_one[name] for name in with_one}
    assert {name: more for name, more in grown.items() if more} == {}
    assert max(with_one.values()) <= MOST_QUERIES, with_one


# The forms whose saves are measured, each read then posted back with a new title: every inline
# row (a programme's sessions, a session's presentations and questions) posted as it was loaded.
SAVED = ["programme form", "session form", "meeting form", "action form", "work plan form"]


def measure_saves(client, round_):
    counts = {}
    urls = change_forms()
    for name in SAVED:
        url = urls[name.removesuffix(" form")]
        data = form_data(client.get(url))
        data["title"] = [f"{data['title'][0].split(' (saved')[0]} (saved {round_})"]
        with CaptureQueriesContext(connection) as captured:
            response = client.post(url, data)
        assert response.status_code == 302, (url, response.content[:2000])
        counts[name] = len(captured)
    return counts


@pytest.mark.django_db
def test_no_admin_save_grows_its_queries_with_its_rows(editor_client):
    add_everything(1)
    measure_saves(editor_client, 0)  # first saves record each object's history baseline
    with_one = measure_saves(editor_client, 1)
    add_everything(2)
    add_everything(3)
    measure_saves(editor_client, 2)  # the new rows' own baselines, if any
    with_three = measure_saves(editor_client, 3)
    grown = {name: with_three[name] - with_one[name] for name in with_one}
    assert {name: more for name, more in grown.items() if more} == {}, (with_one, with_three)


@pytest.mark.django_db
def test_a_programmes_form_and_save_read_no_snapshot_but_the_latest_revisions(editor_client):
    """Each revision holds a snapshot of the whole programme, which the form's rows of revisions
    do not show: a meeting day's saves decoded every one of them. The form compares the
    programme with its latest revision's snapshot (unpublished changes), and reads that one."""
    add_everything(1)
    programme = Programme.objects.get(slug="p1", edition=Edition.WORKING)
    publish(programme, "Second.", factories.EditorFactory())
    publish(programme, "Third.", factories.EditorFactory())
    assert programme.revisions.count() >= 3
    url = change_forms()["programme"]
    with CaptureQueriesContext(connection) as captured:
        data = form_data(editor_client.get(url))
        data["title"] = ["Renamed"]
        assert editor_client.post(url, data).status_code == 302
    revisions = [q["sql"] for q in captured if 'FROM "meetings_programmerevision"' in q["sql"]]
    assert len(revisions) >= 2  # the rows are read, to be listed
    snapshots = [sql for sql in revisions if '"meetings_programmerevision"."snapshot"' in sql]
    assert all(sql.endswith("LIMIT 1") for sql in snapshots), snapshots


@pytest.mark.django_db
def test_a_programmes_save_reads_only_the_keys_of_what_its_sessions_name_for_its_history(
    editor_client,
):
    """The history writes the keys of a session's actions, presenters, organisations and
    documents, not their texts, and its rows in no particular order: the reads it makes for a
    programme's save ask for nothing more."""
    add_everything(1)
    url = change_forms()["programme"]
    data = form_data(editor_client.get(url))
    data["title"] = ["Renamed"]
    with CaptureQueriesContext(connection) as captured:
        assert editor_client.post(url, data).status_code == 302
    actions = [
        q["sql"]
        for q in captured
        if 'FROM "meetings_action" INNER JOIN "meetings_session_actions"' in q["sql"]
    ]
    assert actions, [q["sql"] for q in captured]
    assert all('"meetings_action"."title"' not in sql for sql in actions), actions
    # A session's questions, read for the history: neither sorted nor joined to their session,
    # programme, meeting and convention (select_related() with no names joins them all).
    followed = [
        q["sql"]
        for q in captured
        if q["sql"].startswith('SELECT "meetings_discussionquestion"."id", ')
        and 'WHERE "meetings_discussionquestion"."session_id" IN (' in q["sql"]
    ]
    assert followed, [q["sql"] for q in captured]
    assert all("ORDER BY" not in sql and " JOIN " not in sql for sql in followed), followed
