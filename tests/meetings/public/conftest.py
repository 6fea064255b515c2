"""The made-up site of every public page kind, shared by the tests that walk them all: the
HTML checker's (test_html_validity.py) and the English-leak check's (test_english_leaks.py)."""

import datetime
from typing import NamedTuple

import factories
import pytest

from meetings.models import Programme, Recording
from meetings.public import agenda
from meetings.publishing.revisions import publish

MARKDOWN = "Test text with *emphasis* and [a link](https://example.org/).\n\n- one\n- two"


class Site(NamedTuple):
    programme: Programme  # the timed programme's working copy
    pages: dict  # {"programme": "/meetings/.../timed/", ...}: each public page kind, in English


@pytest.fixture
def full_site(convention, editor):
    """A made-up site with something in every part of every public page: a meeting with two
    programmes (timed, untimed and undated sessions, a break, rooms, presenters, statements,
    questions by audience, actions served, documents held and not, two revisions, a session
    the second removed), action plans, office holders, a work plan with milestones, activities,
    news and a document in two languages. Its content is in English only (tests that need
    translations add them); `pages` names the address of each kind of public page."""
    ccm = factories.ConventionFactory(short_name="CCM", full_name="Test convention CCM")
    venue = factories.VenueFactory()
    room = factories.RoomFactory(venue=venue, name="Salle 7")
    states = [factories.StateFactory() for _ in range(3)]
    organisation = factories.OrganisationFactory(acronym="TO")
    people = [
        # Names in no one language, which no page translates (test_english_leaks.py).
        factories.PersonFactory(
            name="Amina Diallo", honorific="Dr.", organisation=organisation, state=states[0]
        ),
        factories.PersonFactory(name="Kenji Sato"),
    ]
    meeting = factories.MeetingFactory(convention=convention, venue=venue, summary=MARKDOWN)
    mandates = [
        factories.MandateFactory(convention=convention, state=states[0], person=people[0]),
        factories.MandateFactory(convention=convention, state=states[1], detail="Test detail"),
    ]
    plan = factories.ActionPlanFactory(convention=convention, summary=MARKDOWN)
    quoted = factories.ActionFactory(plan=plan, text="Test words of the action.")
    titled = factories.ActionFactory(plan=plan)
    elsewhere = factories.ActionFactory(plan=factories.ActionPlanFactory(convention=ccm))

    programme = factories.ProgrammeFactory(
        meeting=meeting,
        slug="timed",
        background=MARKDOWN,
        focus=MARKDOWN,
        remote_url="https://webtv.un.org/en/schedule",
        hybrid=True,
        interpretation=["en", "fr", "es"],
    )
    programme.convened_by.set(mandates)

    def session(n, kind, start=None, end=None, **fields):
        return factories.SessionFactory(
            programme=programme,
            slug=f"s{n}",
            position=n,
            kind=kind,
            start_time=start and datetime.time(*start),
            end_time=end and datetime.time(*end),
            **fields,
        )

    session(1, "opening", (10, 0), (10, 15), room=room)
    discussion = session(
        2,
        "discussion",
        (10, 15),
        room=room,
        purpose=MARKDOWN,
        questions_intro="Test: come prepared to answer these.",
        actions=[quoted, titled, elsewhere],
    )
    session(3, "break", (13, 0), (15, 0), room=None)
    session(4, "group_work", room=room)
    session(5, "closing", (18, 0), room=room)
    removed = session(6, "discussion", (16, 0), room=room)
    for audience in ("states_parties", "states_parties", "survivors"):
        factories.DiscussionQuestionFactory(session=discussion, audience=audience)
    factories.PresentationFactory(
        session=discussion,
        kind="scene_setting",
        presenters=people,
        organisations=[organisation],
        document=factories.DocumentFactory(file=None, size_bytes=44 * 1024, meeting=meeting),
    )
    factories.PresentationFactory(
        session=discussion,
        title="Test talk",
        presenters=people[:1],
        document=factories.DocumentFactory(title="Test talk", meeting=meeting),
    )
    factories.DocumentFactory(
        title="Test list", kind="participants", programme=programme, file=None, size_bytes=9000
    )

    standing = factories.ProgrammeFactory(meeting=meeting, slug="undated")
    undated = factories.SessionFactory(
        programme=standing, slug="undated", date=None, start_time=None, room=None
    )
    for audience in ("states_parties", "survivors"):
        factories.DiscussionQuestionFactory(session=undated, audience=audience)
    factories.PresentationFactory(session=undated, kind="statement", delegation_state=states[2])

    publish(programme, "First.", editor)
    discussion.title = "Test discussion (retitled)"
    discussion.start_time = datetime.time(10, 30)
    discussion.save()
    discussion.presentations.first().presenters.set(people[1:])
    # Followed from afar in its own way, and recorded: the second revision says so.
    discussion.remote_url = "https://webtv.un.org/en/asset/k1test"
    discussion.hybrid = False
    discussion.interpretation = ["ar", "zh", "ru"]
    discussion.save()
    for kind, language in (("video", "floor"), ("audio", "floor"), ("audio", "fr")):
        Recording.objects.create(
            session=discussion,
            kind=kind,
            language=language,
            url=f"https://conf.unog.ch/{kind}/{language}",
        )
    removed.delete()
    publish(programme, "Second.", editor)

    work_plan = factories.WorkPlanFactory(
        convention=ccm,
        group="Test working group",
        subtitle="Test subtitle",
        background=MARKDOWN,
        objectives=MARKDOWN,
        activities=MARKDOWN,
        expected_outputs=MARKDOWN,
        budget_and_partners=MARKDOWN,
        document=factories.DocumentFactory(kind="work_plan"),
    )
    work_plan.coordinators.set(states[:2])
    work_plan.actions.set([quoted, elsewhere])
    for year, quarter in ((2030, 1), (2030, 3), (2031, 2)):
        factories.MilestoneFactory(work_plan=work_plan, year=year, quarter=quarter)
    activity = factories.ActivityFactory(
        convention=ccm, text=MARKDOWN, meeting=meeting, document=factories.DocumentFactory()
    )
    activity.coordinators.set(states[:2])
    activity.actions.set([quoted, elsewhere])
    factories.ActivityFactory(convention=convention, year=2029)

    post = factories.NewsPostFactory(meeting=meeting, body=MARKDOWN)
    post.categories.add(factories.NewsCategoryFactory())
    for language, title in (("en", "Test guidance"), ("fr", "Texte d'orientation")):
        factories.DocumentFactory(title=title, kind="guidance", symbol="TEST/1", language=language)

    programme_url = programme.get_absolute_url()
    # A personal agenda of the discussion (retitled by the second revision) and the session
    # that revision removed.
    chosen = agenda.code_of(agenda.session_name(s.uid) for s in (discussion, removed))
    pages = {
        "home": "/",
        "meetings": "/meetings/",
        "meetings, filtered": "/meetings/?convention=CCM&kind=workshop",
        "meeting": meeting.get_absolute_url(),
        "programme": programme_url,
        "programme, undated": standing.get_absolute_url(),
        "changes": programme_url + "changes/",
        "notices by e-mail": programme_url + "notices/",
        "revision": programme_url + "changes/1/",
        "session": discussion.get_absolute_url(),
        "session, undated": undated.get_absolute_url(),
        "session removed (410)": removed.get_absolute_url(),
        "agenda": f"{programme_url}agenda/{chosen}/",
        "agenda, second time zone": f"{programme_url}agenda/{chosen}/?tz=Asia/Bangkok",
        "agenda, address naming nothing (404)": f"{programme_url}agenda/AAAAAAAA/",
        "action plans": "/action-plans/",
        "action plan": plan.get_absolute_url(),
        "action": quoted.get_absolute_url(),
        "action, other convention": elsewhere.get_absolute_url(),
        "coordination": "/coordination/",
        "work plan": work_plan.get_absolute_url(),
        "news": "/news/",
        "news item": post.get_absolute_url(),
        "documents": "/documents/",
        "documents, filtered": f"/documents/?meeting={meeting.slug}&kind=programme&language=fr",
        "search": "/search/?q=test",
        "search, filtered": "/search/?q=test&kind=sessions&convention=APMBC&year=2030",
        "search, no results": "/search/?q=zqxwv",
        "not found (404)": "/no-such-page/",
    }
    return Site(programme, pages)
