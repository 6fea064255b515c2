"""Each public page makes a fixed number of SQL queries, whatever the amount of data: measured
with one of everything, then again with three, the count must not move (no N+1), and it must
stay within the budget written in meetings/queries.py."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import (
    Action,
    ActionPlan,
    Activity,
    Convention,
    DiscussionQuestion,
    Document,
    Mandate,
    Meeting,
    Milestone,
    NewsCategory,
    NewsPost,
    Organisation,
    Person,
    Presentation,
    Programme,
    Room,
    Session,
    State,
    Status,
    Venue,
    WorkPlan,
)

PUBLISHED = Status.PUBLISHED


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """What a page costs to render: the page cache (meetings/caching/pages.py) is off here."""
    settings.PAGE_CACHE_SECONDS = 0


# page: (url, queries). The budgets are the counts documented in meetings/queries.py.
PAGES = {
    "home": ("/", 4),
    "meetings": ("/meetings/", 3),
    "meetings filtered": ("/meetings/?convention=APMBC&kind=intersessional", 3),
    "meeting": ("/meetings/m1/", 3),
    "programme": ("/meetings/m1/p1/", 11),
    "session": ("/meetings/m1/p1/sessions/s1/", 8),
    "action plans": ("/action-plans/", 1),
    "action plan": ("/action-plans/plan-1/", 2),
    "action": ("/action-plans/plan-1/1/", 8),
    "coordination": ("/coordination/", 6),
    "work plan": ("/coordination/work-plans/w1/", 5),
    "news": ("/news/", 3),
    "news post": ("/news/n1/", 2),
    "documents": ("/documents/", 3),
    "documents filtered": ("/documents/?meeting=m1&kind=presentation&language=en", 3),
    "search": ("/search/?q=meeting", 11),  # 2 + a count per kind + one list per kind found
    "search one kind": ("/search/?q=session&kind=sessions&convention=APMBC", 4),
    "sitemap index": ("/sitemap.xml", 8),  # 1 + a count per section but the fixed pages
    "sitemap of sessions": ("/sitemap-sessions.xml", 1),
}


def add_everything(k):
    """Add the k-th item of every list a page shows, wired to the pages measured above
    (meeting m1, programme p1, session s1, plan-1 action 1, work plan w1, news post n1)."""
    apmbc, _ = Convention.objects.get_or_create(short_name="APMBC", full_name="Mine Ban")
    venue, _ = Venue.objects.get_or_create(name="WMO Building", city="Geneva")
    state = State.objects.create(name=f"State {k}", iso_code=f"{k:02d}"[-2:].replace("0", "Z"))
    organisation = Organisation.objects.create(name=f"Organisation {k}", acronym=f"O{k}")
    person = Person.objects.create(name=f"Person {k}", organisation=organisation, state=state)
    room = Room.objects.create(venue=venue, name=f"Room {k}")

    meeting = Meeting.objects.create(
        convention=apmbc,
        kind=Meeting.Kind.INTERSESSIONAL,
        title=f"Meeting {k}",
        slug=f"m{k}",
        start_date=datetime.date(2030, 5, 20) + datetime.timedelta(days=400 * (k - 1)),
        end_date=datetime.date(2030, 5, 25) + datetime.timedelta(days=400 * (k - 1)),
        venue=venue,
        status=PUBLISHED,
    )
    m1 = Meeting.objects.get(slug="m1")
    mandate = Mandate.objects.create(
        convention=apmbc, state=state, person=person, role="co_chair_va", start_year=2030
    )
    programme = Programme.objects.create(
        meeting=m1, title=f"Programme {k}", slug=f"p{k}", position=k, status=PUBLISHED
    )
    programme.convened_by.add(mandate)
    p1 = Programme.objects.get(slug="p1")

    plan = ActionPlan.objects.create(
        convention=apmbc, name=f"Plan {k}", short_name=f"P{k}", slug=f"plan-{k}"
    )
    Action.objects.create(plan=ActionPlan.objects.get(slug="plan-1"), number=k + 1 if k > 1 else 1)
    action = Action.objects.create(plan=plan, number=100 + k)
    served = [action, Action.objects.get(plan__slug="plan-1", number=1)]

    document = Document.objects.create(
        title=f"Document {k}", kind="presentation", meeting=m1, programme=p1, size_bytes=1000 * k
    )
    session = Session.objects.create(
        programme=p1,
        title=f"Session {k}",
        slug=f"s{k}",
        date=m1.start_date + datetime.timedelta(days=k % 3),
        start_time=datetime.time(9 + k, 0),
        room=room,
        position=k,
    )
    session.actions.add(*served)
    s1 = Session.objects.get(slug="s1", programme=p1)
    for target in {session, s1}:
        DiscussionQuestion.objects.create(
            session=target,
            text=f"Question {k}?",
            audience="survivors" if k % 2 else "states_parties",
        )
        presentation = Presentation.objects.create(
            session=target, title=f"Talk {k}", document=document, delegation_state=state
        )
        presentation.presenters.add(person)
        presentation.organisations.add(organisation)
        target.actions.add(action)
    # A session of another meeting serving plan-1's action 1, for the action page.
    elsewhere = Programme.objects.create(
        meeting=meeting, title="Elsewhere", slug=f"e{k}", status=PUBLISHED
    )
    Session.objects.create(
        programme=elsewhere, title=f"Elsewhere {k}", slug="x", date=meeting.start_date
    ).actions.add(*served)

    work_plan = WorkPlan.objects.create(
        convention=apmbc,
        title=f"Work plan {k}",
        slug=f"w{k}",
        start_year=2030,
        document=document,
        status=PUBLISHED,
    )
    work_plan.actions.add(*served)
    w1 = WorkPlan.objects.get(slug="w1")
    w1.coordinators.add(state)
    w1.actions.add(action)
    Milestone.objects.create(work_plan=w1, year=2030 + k, quarter=1 + k % 4, text=f"Step {k}")
    activity = Activity.objects.create(
        convention=apmbc, year=2030, month=k, text=f"Did {k}.", meeting=meeting, document=document
    )
    activity.coordinators.add(state)
    activity.actions.add(*served)

    category = NewsCategory.objects.create(name=f"Category {k}", slug=f"c{k}")
    post = NewsPost.objects.create(
        title=f"News {k}",
        slug=f"n{k}",
        body="Text.",
        meeting=meeting,
        posted_on=datetime.date(2030, 1, k),
        status=PUBLISHED,
    )
    post.categories.add(category)
    NewsPost.objects.get(slug="n1").categories.add(category)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.django_db
def test_no_page_grows_its_queries_with_its_data(client):
    add_everything(1)
    with_one = {name: count_queries(client, url) for name, (url, _) in PAGES.items()}
    add_everything(2)
    add_everything(3)
    assert Session.objects.filter(programme__slug="p1").count() == 3
    assert DiscussionQuestion.objects.filter(session__slug="s1").count() == 3
    with_three = {name: count_queries(client, url) for name, (url, _) in PAGES.items()}
    assert with_three == with_one
    budgets = {name: budget for name, (_, budget) in PAGES.items()}
    assert with_one == budgets


@pytest.mark.django_db
def test_the_budget_test_would_catch_a_query_per_row(client, monkeypatch):
    """The check above can fail: a page that loads each session's questions separately grows."""
    from meetings import queries

    monkeypatch.setattr(queries, "session_prefetches", lambda: ["actions__plan"])
    add_everything(1)
    one = count_queries(client, "/meetings/m1/p1/")
    add_everything(2)
    assert count_queries(client, "/meetings/m1/p1/") > one
