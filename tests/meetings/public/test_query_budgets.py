"""Each public page makes a fixed number of SQL queries, whatever the amount of data: measured
with one of everything, then again with three, the count must not move (no N+1), and it must
stay within the budget written in meetings/queries.py."""

import datetime

import factories
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import (
    Action,
    ActionPlan,
    DiscussionQuestion,
    Meeting,
    NewsPost,
    Programme,
    Session,
    WorkPlan,
)


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
    apmbc = factories.ConventionFactory(short_name="APMBC")
    venue = factories.VenueFactory()
    state = factories.StateFactory()
    organisation = factories.OrganisationFactory(name=f"Organisation {k}", acronym=f"O{k}")
    person = factories.PersonFactory(name=f"Person {k}", organisation=organisation, state=state)
    room = factories.RoomFactory(venue=venue, name=f"Room {k}")

    meeting = factories.MeetingFactory(
        convention=apmbc,
        title=f"Meeting {k}",
        slug=f"m{k}",
        start_date=datetime.date(2030, 5, 20) + datetime.timedelta(days=400 * (k - 1)),
        end_date=datetime.date(2030, 5, 25) + datetime.timedelta(days=400 * (k - 1)),
        venue=venue,
    )
    m1 = Meeting.objects.get(slug="m1")
    mandate = factories.MandateFactory(
        convention=apmbc, state=state, person=person, start_year=2030, end_year=None
    )
    programme = factories.ProgrammeFactory(
        meeting=m1, title=f"Programme {k}", slug=f"p{k}", position=k
    )
    programme.convened_by.add(mandate)
    p1 = Programme.objects.get(slug="p1")

    plan = factories.ActionPlanFactory(
        convention=apmbc, name=f"Plan {k}", short_name=f"P{k}", slug=f"plan-{k}"
    )
    factories.ActionFactory(
        plan=ActionPlan.objects.get(slug="plan-1"), number=k + 1 if k > 1 else 1
    )
    action = factories.ActionFactory(plan=plan, number=100 + k)
    served = [action, Action.objects.get(plan__slug="plan-1", number=1)]

    document = factories.DocumentFactory(
        title=f"Document {k}", kind="presentation", meeting=m1, programme=p1
    )
    session = factories.SessionFactory(
        programme=p1,
        title=f"Session {k}",
        slug=f"s{k}",
        date=m1.start_date + datetime.timedelta(days=k % 3),
        start_time=datetime.time(9 + k, 0),
        room=room,
        position=k,
        actions=served,
    )
    s1 = Session.objects.get(slug="s1", programme=p1)
    for target in {session, s1}:
        factories.DiscussionQuestionFactory(
            session=target,
            text=f"Question {k}?",
            audience="survivors" if k % 2 else "states_parties",
        )
        factories.PresentationFactory(
            session=target,
            title=f"Talk {k}",
            document=document,
            delegation_state=state,
            presenters=[person],
            organisations=[organisation],
        )
        target.actions.add(action)
    # A session of another meeting serving plan-1's action 1, for the action page.
    elsewhere = factories.ProgrammeFactory(meeting=meeting, title="Elsewhere", slug=f"e{k}")
    factories.SessionFactory(programme=elsewhere, title=f"Elsewhere {k}", slug="x", actions=served)

    work_plan = factories.WorkPlanFactory(
        convention=apmbc, title=f"Work plan {k}", slug=f"w{k}", document=document
    )
    work_plan.actions.add(*served)
    w1 = WorkPlan.objects.get(slug="w1")
    w1.coordinators.add(state)
    w1.actions.add(action)
    factories.MilestoneFactory(work_plan=w1, year=2030 + k, quarter=1 + k % 4, text=f"Step {k}")
    activity = factories.ActivityFactory(
        convention=apmbc, year=2030, month=k, text=f"Did {k}.", meeting=meeting, document=document
    )
    activity.coordinators.add(state)
    activity.actions.add(*served)

    category = factories.NewsCategoryFactory(name=f"Category {k}", slug=f"c{k}")
    post = factories.NewsPostFactory(
        title=f"News {k}", slug=f"n{k}", meeting=meeting, posted_on=datetime.date(2030, 1, k)
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
