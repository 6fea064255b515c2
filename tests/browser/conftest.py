"""A real Chromium (Debian's `chromium` package) driven by Playwright against a live server.

`.ci/run` installs the browser; `./dev setup` installs it too when it can (as root). Where it is
missing, these tests are skipped with a message saying how to install it, except under CI
(`CI=true`), where a missing browser fails the run instead of hiding the tests.
"""

import datetime
import os
import shutil
from types import SimpleNamespace

import factories
import pytest
from offline import record_csp_violations, refuse_other_hosts

from meetings.models import DiscussionQuestion, Document, Presentation, Session

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the tests
# themselves (building the content with the factories) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path():
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if os.path.exists(path) else None


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        message = (
            "Chromium is not installed: `apt-get install -y chromium` "
            "(or set CHROMIUM_PATH) to run the browser tests."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def build_site():
    """Made-up content of every public page type, as full as real content: a meeting (21 to 25
    May 2030, beside a past one) with a programme of a day's sessions of every kind (timed and
    untimed, in a room or not, serving actions, with questions to two audiences and
    presentations by people and organisations with their documents) published twice, and a
    programme whose day is not set; action plans with an action quoted and one only summarised;
    office holders, a work plan with milestones over several quarters, activities; news; a
    document we hold and one we only describe. Its addresses are the ones the tests visit."""
    Audience, Kind = DiscussionQuestion.Audience, Session.Kind
    apmbc = factories.ConventionFactory(short_name="APMBC", full_name="Test Mine Ban Convention")
    ccm = factories.ConventionFactory(short_name="CCM", full_name="Test Cluster Convention")
    states = factories.StateFactory.create_batch(4)
    icrc, icbl = factories.OrganisationFactory.create_batch(2)
    presenters = [
        factories.PersonFactory(organisation=icrc, honorific="Dr."),
        factories.PersonFactory(organisation=icbl),
        factories.PersonFactory(organisation=icbl),
    ]
    co_chairs = [factories.MandateFactory(convention=apmbc, state=state) for state in states[:2]]
    factories.MandateFactory(
        convention=apmbc,
        state=states[2],
        office=factories.OfficeFactory(name="President", position=20),
        detail="Test Meeting of the States Parties",
        person=factories.PersonFactory(honorific="H.E.", state=states[2]),
    )
    factories.MandateFactory(
        convention=ccm,
        state=states[3],
        office=factories.OfficeFactory(name="Coordinators on Victim Assistance", position=30),
    )

    plan = factories.ActionPlanFactory(
        convention=apmbc,
        name="Test Action Plan",
        short_name="TAP",
        slug="test-action-plan",
        summary="Test summary of the action plan, as a source would say it.",
    )
    quoted = factories.ActionFactory(
        plan=plan, number=24, title="Test coordination", text="Test words of the action."
    )
    monitored = factories.ActionFactory(plan=plan, number=28, title="Test monitoring")
    later_plan = factories.ActionPlanFactory(
        convention=ccm, name="Test Later Action Plan", short_name="TLAP", slug="test-later-plan"
    )
    summarised = factories.ActionFactory(
        plan=later_plan, number=31, title="Test action known only by its summary", text=""
    )

    venue = factories.VenueFactory(name="Test Building", address="1 Test Street", city="Geneva")
    room = factories.RoomFactory(venue=venue, name="Salle B", floor="Ground Floor")
    factories.MeetingFactory(
        convention=apmbc,
        kind="msp",
        title="Test Meeting of the States Parties, 2020",
        slug="msp-2020",
        start_date=datetime.date(2020, 11, 16),
        end_date=datetime.date(2020, 11, 20),
        venue=venue,
    )
    meeting = factories.MeetingFactory(
        convention=apmbc,
        title="Intersessional Meetings, May 2030",
        slug="may-2030",
        start_date=datetime.date(2030, 5, 21),
        end_date=datetime.date(2030, 5, 25),
        venue=venue,
        summary="Test summary of the meeting: five days in Geneva.",
    )
    for position, state in enumerate(states[:2]):
        factories.MandateFactory(
            meeting=meeting,
            convention=apmbc,
            office=factories.OfficeFactory(name="Co-Chairs", position=10),
            position=position,
            state=state,
            person=factories.PersonFactory(honorific="Ms."),
        )
    programme = factories.ProgrammeFactory(
        meeting=meeting,
        title="Test Parallel Programme for Experts",
        slug="parallel",
        position=1,
        background="Test background of the programme.\n\nA second paragraph of it.",
        focus="**Test focus**\n\n- a first point\n- a second point",
    )
    programme.convened_by.set(co_chairs)
    day = datetime.date(2030, 5, 22)

    def session(position, start, end=None, **fields):
        fields.setdefault("room", room)
        return factories.SessionFactory(
            programme=programme,
            date=day,
            position=position,
            start_time=start and datetime.time(*start),
            end_time=end and datetime.time(*end),
            **fields,
        )

    session(
        10,
        (10, 0),
        (10, 15),
        title="Opening of the Test Parallel Programme",
        slug="opening",
        kind=Kind.OPENING,
        purpose="Test purpose: the Co-Chairs open the programme.",
    )
    coordination = session(
        20,
        (10, 15),
        (13, 0),
        title="Session One: Test Coordination",
        slug="coordination",
        purpose="Test purpose of the session, with **a point** in bold.",
        questions_intro="Participants are asked to come prepared for these test questions:",
        actions=[quoted],
    )
    questions = [
        factories.DiscussionQuestionFactory(
            session=coordination, audience=Audience.STATES_PARTIES, position=n, text=text
        )
        for n, text in enumerate(
            ["Test question: how can coordination be improved?", "Test question: who takes part?"]
        )
    ]
    factories.DiscussionQuestionFactory(
        session=coordination, audience=Audience.SURVIVORS, text="Test question to survivors?"
    )
    document = factories.DocumentFactory(
        title="Test presentation on coordination", meeting=meeting, kind=Document.Kind.PRESENTATION
    )
    factories.PresentationFactory(
        session=coordination,
        kind=Presentation.Kind.SCENE_SETTING,
        title=document.title,
        presenters=presenters[:1],
        organisations=[icrc],
        document=document,
    )
    session(30, (13, 0), (15, 0), title="Break for lunch", slug="lunch-break", kind=Kind.BREAK,
            room=None)  # fmt: skip
    monitoring = session(
        40,
        (15, 0),
        title="Session Two: Test Monitoring",
        slug="monitoring",
        purpose="Test purpose of the second session.",
        actions=[monitored],
    )
    factories.DiscussionQuestionFactory(session=monitoring, text="Test question on monitoring?")
    factories.PresentationFactory(
        session=monitoring,
        presenters=presenters[1:],
        organisations=[icbl],
        document=factories.DocumentFactory(title="Test monitoring slides", meeting=meeting),
    )
    session(50, None, title="Group work", slug="group-work", kind=Kind.GROUP_WORK)
    session(60, (18, 0), title="Close of the programme", slug="close", kind=Kind.CLOSING)
    factories.ProgrammeRevisionFactory(
        programme=programme, number=1, note="The programme as first printed."
    )
    monitoring.title = "Session Two: Test Monitoring of Plans"
    monitoring.save()
    factories.ProgrammeRevisionFactory(programme=programme, number=2, note="Session two retitled.")
    factories.DocumentFactory(
        title="List of Participants",
        kind=Document.Kind.PARTICIPANTS,
        meeting=meeting,
        programme=programme,
        file=None,
    )

    undated = factories.ProgrammeFactory(
        meeting=meeting,
        title="Test Standing Committee Programme",
        slug="standing-committee",
        position=2,
        background="Test background: the day of this programme is not set yet.",
    )
    open_session = factories.SessionFactory(
        programme=undated,
        title="Test discussion whose day is not set",
        slug="discussion",
        date=None,
        start_time=None,
        room=None,
        purpose="Test purpose of the discussion.",
    )
    factories.DiscussionQuestionFactory(session=open_session, audience=Audience.SURVIVORS)

    work_plan = factories.WorkPlanFactory(
        convention=ccm,
        group="Test Working Group on Victim Assistance",
        title="Test Work Plan 2030-2031",
        subtitle="Test subtitle of the work plan",
        slug="test-work-plan",
        background="Test background of the work plan.",
        objectives="Test objectives.",
        activities="- Test activity one\n- Test activity two",
        expected_outputs="- Test output",
        budget_and_partners="Test budget and partners.",
    )
    work_plan.coordinators.set(states[2:])
    work_plan.actions.set([summarised])
    for year, quarter in [(2030, 3), (2030, 3), (2031, 1), (2031, 2)]:
        factories.MilestoneFactory(work_plan=work_plan, year=year, quarter=quarter)
    activity = factories.ActivityFactory(convention=ccm, year=2030, month=4)
    activity.coordinators.set(states[2:])
    activity.actions.set([summarised])
    factories.ActivityFactory(convention=apmbc, meeting=meeting, document=document)

    category = factories.NewsCategoryFactory(name="Test category", slug="test-category")
    post = factories.NewsPostFactory(
        title="Test news: the programme of May 2030",
        slug="programme-may-2030",
        meeting=meeting,
        body="Test news text.\n\nIts second paragraph, with [a link](/meetings/).",
    )
    post.categories.set([category])
    factories.NewsPostFactory(title="Test news of before", posted_on=datetime.date(2030, 1, 10))

    return SimpleNamespace(
        meeting=meeting,
        programme=programme,
        session=coordination,
        question=questions[0],
        action=quoted,
    )


@pytest.fixture
def site_content(live_server):
    """What the live server holds: `build_site()`, made for each test."""
    return build_site()


@pytest.fixture
def site(live_server, site_content):
    """The live server holding `site_content`; its base URL."""
    return live_server.url


@pytest.fixture
def new_page(browser, live_server):
    """Open pages that may fetch only from the site itself: a request to any other host (a CDN
    font, a script) is refused and fails the test, and so does anything the site's Content
    Security Policy refuses (an inline script or style)."""
    contexts, refused, violations = [], [], []

    def make(**options):
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        refused.append(refuse_other_hosts(context, live_server.url))
        violations.append(record_csp_violations(context))
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    foreign = [url for urls in refused for url in urls]
    assert foreign == [], f"pages fetched from other hosts: {foreign}"
    refusals = [text for texts in violations for text in texts]
    assert refusals == [], f"the Content Security Policy refused: {refusals}"


@pytest.fixture
def page(new_page):
    return new_page(viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone(new_page):
    """A 320 px wide screen, the narrowest WCAG's reflow criterion asks for."""
    return new_page(viewport={"width": 320, "height": 640})
