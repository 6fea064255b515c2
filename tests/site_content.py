"""One of everything a page shows, k times over, wired to fixed addresses (meeting m1, programme
p1, session s1, plan-1 action 1, work plan w1, news post n1): what the query-budget tests measure
with one of each, then three (tests/meetings/public/ and tests/meetings/admin/)."""

import datetime

import factories

from meetings.models import (
    Action,
    ActionPlan,
    Edition,
    Meeting,
    NewsPost,
    Programme,
    Session,
    WorkPlan,
)
from meetings.publishing import revisions


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
    mandate = factories.MandateFactory(convention=apmbc, state=state, person=person)
    # The k-th office holder of meeting m1, for its page, its programme's page and PDF.
    factories.MandateFactory(
        meeting=m1,
        convention=apmbc,
        office=factories.OfficeFactory(name=f"Office {k}", position=k),
        position=k,
        state=state,
        person=person,
    )
    programme = factories.ProgrammeFactory(
        meeting=m1, title=f"Programme {k}", slug=f"p{k}", position=k
    )
    programme.convened_by.add(mandate)
    factories.show_published(programme)
    p1 = Programme.objects.get(slug="p1", edition=Edition.WORKING)

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
        add_speakers(target, 1, state, organisation, document)
        factories.RecordingFactory(session=target, language=("floor", "ar", "zh")[k % 3])
    factories.show_published(p1)
    # Published as revision k; then a change staff have not published yet.
    revisions.publish(p1, f"Revision {k}.")
    # As many statements and panellists in the published copy as rounds so far, made right in
    # it, whatever publishing copies.
    for target in {session, s1}:
        add_speakers(Session.objects.public().get(uid=target.uid), k, state, organisation, document)
    Session.objects.filter(pk=session.pk).update(title=f"Session {k}, not published yet")
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


def add_speakers(session, count, state, organisation, document):
    """`count` statements (by a State on behalf of an organisation, with a file in two
    languages) and panellists in `session`."""
    french = factories.DocumentFactory(title="Statement", kind="statement", language="fr")
    for _ in range(count):
        factories.StatementFactory(
            session=session,
            state=state,
            on_behalf_of_organisation=organisation,
            documents=[document, french],
        )
        factories.PanellistFactory(session=session, organisation=organisation, state=state)
