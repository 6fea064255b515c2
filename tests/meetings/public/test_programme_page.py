"""What a delegate reads on the programme page matches the sources: seed 000 (the page written
after the meeting), seed 001 (the printed programme) and seed 002 (questions by audience)."""

import re

import factories
import pytest
from bs4 import BeautifulSoup
from seed_sources import bullet_questions, printed_timetable, source

PARALLEL = "/meetings/intersessional-meetings-may-2012/parallel-programme-victim-assistance/"
STANDING = "/meetings/intersessional-meetings-may-2012/standing-committee-victim-assistance/"


def text(element):
    """The words of an element as a reader gets them: line breaks count as spaces."""
    for br in element.find_all("br"):
        br.replace_with(" ")
    return re.sub(r"\s+", " ", element.get_text()).strip()


@pytest.fixture
def parallel_page(seeds, client):
    response = client.get(PARALLEL)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_breadcrumbs_read_as_the_post_meeting_page(parallel_page):
    crumbs = [text(li) for li in parallel_page.select("nav.breadcrumbs li")]
    # Seed 000: "HOME > Intersessional Meetings > May 2012 > Parallel Programme ..."
    expected = [c.strip() for c in source("000").splitlines()[0].split(">") if c.strip()]
    assert [c.lower() for c in crumbs[:3]] == [c.lower() for c in expected]
    assert crumbs[3] == "Parallel Programme for Victim Assistance Experts"
    assert parallel_page.select_one("nav.breadcrumbs [aria-current=page]").text == crumbs[3]


def test_timetable_holds_every_printed_time_and_title_in_order(parallel_page):
    rows = parallel_page.select("table.timetable tbody tr")
    timed = [
        (text(row.select_one("td.time"))[:5], text(row.select_one("th a")))
        for row in rows
        if re.match(r"\d\d:\d\d", text(row.select_one("td.time")))
    ]
    printed = printed_timetable()
    assert [time for time, _ in timed] == [time for time, _ in printed]
    for (_, shown), (_, title) in zip(timed, printed, strict=True):
        assert shown.endswith(title), (shown, title)
    caption = text(parallel_page.select_one("table.timetable caption"))
    assert caption == "Tuesday 22 May 2012"


def test_untimed_items_of_the_afternoon_keep_their_place(parallel_page):
    titles = [text(a) for a in parallel_page.select("table.timetable tbody th a")]
    afternoon = titles[
        titles.index("Session Two: Monitoring the Implementation of National Plans") :
    ]
    assert afternoon[1:4] == [
        "Introduction to Participatory exercise on monitoring the implementation of national plans",
        "Group Work",
        "Feedback from Groups",
    ]
    assert afternoon[4] == "Parallel Programme ends"


def test_a_break_looks_like_a_break_and_says_so(parallel_page):
    row = parallel_page.select_one("table.timetable tr.kind-break")
    assert "Break for lunch and side events" in text(row)
    assert text(row.select_one(".badge")) == "Break"  # written out, not carried by colour alone


def test_sessions_show_the_printed_room_and_venue(parallel_page):
    location = re.search(r"Location: (.+)", source("001")).group(1).strip()
    opening = parallel_page.select_one("#session-opening")
    assert text(opening.select_one(".room")) == location
    lunch = parallel_page.select_one("#session-lunch-break")
    assert lunch.select_one(".room") is None


def test_session_questions_are_the_post_meeting_pages_under_their_audience(parallel_page):
    questions = bullet_questions(source("000"))
    shown = []
    for article in parallel_page.select("article.session"):
        heading = article.find(["h5", "h6"], string="States Parties' experts")
        if heading:
            shown += [text(li) for li in heading.find_next_sibling("ol").select("li")]
    assert sorted(shown) == sorted(questions)


def test_presentations_name_presenters_organisations_and_document_sizes(parallel_page):
    lines = [text(li) for li in parallel_page.select("ul.presentations > li")]
    pattern = re.compile(
        r"Scene-setting presentation: ([^,]+), (.+?) (PDF \d+KB)", flags=re.MULTILINE
    )
    from_source = pattern.findall(source("000"))
    assert len(from_source) == len(lines) == 2
    for line, (title, people_and_org, size) in zip(lines, from_source, strict=True):
        assert line.startswith(f"Scene-setting presentation: {title}, {people_and_org}"), line
        assert size in line  # "PDF 44KB": the size the source states, as no file is held
        assert "not available online" in line


def test_actions_served_link_to_their_page_with_the_actions_words(parallel_page):
    session = parallel_page.select_one("#session-coordination-national-plans")
    link = session.select_one("ul.actions a")
    assert link["href"] == "/action-plans/cartagena-action-plan/24/"
    assert text(link) == "Cartagena Action Plan, Action #24"
    quoted = text(session.select_one("ul.actions q"))
    assert f"“{quoted}”" in source("000")


def test_the_programme_names_who_convenes_it(parallel_page):
    convened = text(parallel_page.find("strong", string="Convened by").parent)
    assert "Algeria" in convened and "Croatia" in convened
    office = "Co-Chairs of the Standing Committee on Victim Assistance"
    assert f"{office} (Algeria and Croatia)" in source("000")
    # Each State alone is one of the two: a Co-Chair, not "Co-Chairs".
    one = "Co-Chair of the Standing Committee on Victim Assistance"
    assert f"Algeria, {one}; Croatia, {one}." in convened


def test_the_list_of_participants_shows_its_stated_size(parallel_page):
    documents = [text(li) for li in parallel_page.select("#documents + ul li")]
    assert documents == ["List of Participants PDF 418KB, not available online"]


def test_background_and_focus_come_from_the_printed_programme(parallel_page):
    background = parallel_page.find("h2", id="background").find_next_sibling("p")
    assert text(background) in re.sub(r"\s+", " ", source("001"))


def test_the_standing_committee_questions_are_grouped_by_audience(seeds, client):
    page = BeautifulSoup(client.get(STANDING).content, "html.parser")
    news = source("002")
    expected = {
        "States Parties' experts": bullet_questions(
            news.split("States Parties:")[1].split("Survivors or their")[0]
        ),
        "Survivors and their representative organisations": bullet_questions(
            news.split("Survivors or their representative organizations:")[1]
        ),
    }
    for audience, questions in expected.items():
        heading = page.find(["h5", "h6"], string=audience)
        assert heading is not None, audience
        assert [text(li) for li in heading.find_next_sibling("ol").select("li")] == questions
    assert text(page.select_one("table.timetable caption")) == "Day to be confirmed"


def test_a_session_page_shows_the_session_in_full(seeds, client):
    page = BeautifulSoup(
        client.get(PARALLEL + "sessions/coordination-national-plans/").content, "html.parser"
    )
    assert text(page.h1) == "Session One: Coordination in the Implementation of National Plans"
    facts = {text(div.dt): text(div.dd) for div in page.select("dl.facts > div")}
    assert facts["Day"] == "Tuesday 22 May 2012"
    assert facts["Time"].startswith("10:15")
    assert facts["Time"].endswith("(Geneva time)")  # the venue's city, not the zone's ID
    assert "Salle B" in facts["Room"]
    assert len(page.select("ol.questions li")) == 5
    crumbs = [text(li) for li in page.select("nav.breadcrumbs li")]
    assert crumbs[-2:] == [
        "Parallel Programme for Victim Assistance Experts",
        "Session One: Coordination in the Implementation of National Plans",
    ]


@pytest.fixture
def presented(programme, make_session):
    """A session with a presentation by a presenter representing Uganda, one by a presenter
    representing no State, and a statement by Uganda's delegation given by the first."""
    session = make_session(1)
    uganda = factories.StateFactory(iso_code="UG")
    baryayebwa = factories.PersonFactory(name="Herbert Baryayebwa", state=uganda)
    factories.PresentationFactory(
        session=session,
        title="National accessibility standards",
        presenters=[baryayebwa, factories.PersonFactory(name="Amina Diallo")],
    )
    factories.PresentationFactory(
        session=session,
        kind="statement",
        title="",
        presenters=[baryayebwa],
        delegation_state=uganda,
    )
    factories.show_published(programme)
    return session


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("", "Amina Diallo and Herbert Baryayebwa (Uganda)"),
        ("/fr", "Amina Diallo et Herbert Baryayebwa (Ouganda)"),
        ("/es", "Amina Diallo y Herbert Baryayebwa (Uganda)"),
    ],
)
def test_a_presenter_is_named_with_the_state_they_represent_in_the_page_language(
    presented, client, prefix, expected
):
    for url in (presented.programme.get_absolute_url(), presented.get_absolute_url()):
        page = BeautifulSoup(client.get(prefix + url).content, "html.parser")
        lines = [text(li) for li in page.select("ul.presentations > li")]
        assert expected in lines[0], lines
        # A statement by the presenter's own delegation names the State once, not twice.
        assert lines[1].count("Uganda" if prefix != "/fr" else "Ouganda") == 1, lines
