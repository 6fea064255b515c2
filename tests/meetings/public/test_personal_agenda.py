"""A personal agenda (issue 20, item 5): a delegate ticks sessions on the programme page and gets
a page and a calendar of just those, at an address that names them and nothing else (no account,
cookie or row), which follow each published revision; times also in a second time zone of the
visitor's choosing, converted on the server. Calendars are read by icalendar, vobject and ics,
as test_calendar.py reads the programme's."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import factories
import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar
from test_calendar import parsed_by_both, utc_starts_by_three_parsers

from meetings.models import Programme, Session
from meetings.public import agenda, static_export, zones
from meetings.publishing import revisions

DAY = datetime.date(2030, 5, 22)  # a Wednesday of conftest's meeting (21 to 25 May 2030)
NEXT_DAY = datetime.date(2030, 5, 23)


@pytest.fixture
def sessions(programme, make_session):
    """Conftest's programme over two days, published as revision 1: {slug: working session}."""
    t = datetime.time
    rows = [
        ("opening", "Test opening", DAY, t(9), t(9, 30)),
        ("one", "Test session one", DAY, t(10), t(12)),
        ("two", "Test session two", DAY, t(14), None),  # ends when "close" starts
        ("close", "Test close of the day", DAY, t(17), t(18)),
        ("three", "Test session three", NEXT_DAY, t(10), t(11)),
        ("group", "Test group work", None, None, None),
    ]
    made = {
        slug: make_session(
            n, slug=slug, title=title, date=day, start_time=start, end_time=end, kind="discussion"
        )
        for n, (slug, title, day, start, end) in enumerate(rows, start=1)
    }
    factories.DiscussionQuestionFactory(session=made["one"], text="Test question to prepare?")
    revisions.publish(programme, "First published.")
    return made


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def boxes(client, programme, url=None):
    """{label text: the checkbox} of the programme page's agenda form."""
    page = soup(client.get(url or programme.get_absolute_url()))
    return {
        " ".join(page.find("label", attrs={"for": box["id"]}).get_text(" ").split()): box
        for box in page.select("details.agenda-picker input[type=checkbox]")
    }


def values(client, programme, *titles):
    """The form's values of the sessions `titles`, read off the programme page as a browser
    would send them."""
    found = boxes(client, programme)
    return [
        next(box["value"] for label, box in found.items() if label.endswith(title))
        for title in titles
    ]


def make_agenda(client, programme, *titles, **query):
    """The agenda's address the programme page's form leads to, ticking `titles`."""
    form = programme.get_absolute_url() + "agenda/"
    response = client.get(form, {"session": values(client, programme, *titles), **query})
    assert response.status_code == 302, response.content
    return response["Location"]


def shown_titles(response):
    """The titles of the sessions an agenda page shows in full."""
    page = soup(response)
    return [h.get_text(strip=True) for h in page.select("article.session h4")]


def events_by_uid(content):
    return {str(e["uid"]): e for e in Calendar.from_ical(content).walk("VEVENT")}


# -- the form -----------------------------------------------------------------------------------


def test_the_programme_page_has_a_plain_get_form_with_a_labelled_box_per_session(
    sessions, programme, client
):
    page = soup(client.get(programme.get_absolute_url()))
    picker = page.select_one("details.agenda-picker")
    assert picker is not None and not picker.has_attr("open")
    form = picker.form
    assert form["method"] == "get"
    assert form["action"] == programme.get_absolute_url() + "agenda/"
    assert form.fieldset.legend.get_text(strip=True) == "Sessions for your agenda"
    days = [f.legend.get_text(" ", strip=True) for f in form.select("fieldset.agenda-day")]
    assert days == ["Wednesday 22 May 2030", "Thursday 23 May 2030", "Day to be confirmed"]
    labels = list(boxes(client, programme))
    assert labels == [
        "09:00 – to 09:30 Test opening",
        "10:00 – to 12:00 Test session one",
        "14:00 Test session two",
        "17:00 – to 18:00 Test close of the day",
        "10:00 – to 11:00 Test session three",
        "Time not set Test group work",
    ]
    assert all(box["name"] == "session" for box in form.select("input[type=checkbox]"))
    assert form.button.get_text(strip=True) == "Make my agenda"
    toc = [a["href"] for a in page.select("nav.toc a")]
    assert "#agenda" in toc


def test_one_choice_has_one_address_whatever_the_order_or_repeats(sessions, programme, client):
    one, three = values(client, programme, "Test session one", "Test session three")
    form = programme.get_absolute_url() + "agenda/"
    first = client.get(form, {"session": [three, one, three]})["Location"]
    second = client.get(form, {"session": [one, three]})["Location"]
    assert first == second
    code = first.removeprefix(programme.get_absolute_url() + "agenda/").removesuffix("/")
    assert code == agenda.code_of([one, three]) and len(code) == 16
    assert sorted([one, three], key=lambda n: agenda._bits(n)) == [code[:8], code[8:]]
    # Each name is the session's, the same in every copy: its uid's first 48 bits.
    published = Session.objects.public().get(slug="one")
    assert one == agenda.session_name(published.uid) == agenda.session_name(sessions["one"].uid)


def test_an_address_written_otherwise_redirects_to_the_choices_one_address(
    sessions, programme, client
):
    url = make_agenda(client, programme, "Test session one", "Test session three")
    code = url.rstrip("/").rsplit("/", 1)[1]
    swapped = code[8:] + code[:8]
    base = programme.get_absolute_url() + "agenda/"
    response = client.get(f"{base}{swapped}{code[8:]}/?tz=Asia/Bangkok")
    assert response.status_code == 301
    assert response["Location"] == f"{url}?tz=Asia/Bangkok"
    calendar = client.get(f"{base}{swapped}/agenda.ics")
    assert calendar.status_code == 301 and calendar["Location"] == url + "agenda.ics"


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        ([], "No session was ticked."),
        (["not a session"], "This choice names sessions this programme does not have"),
        (["AAAAAAAA", "AAAA"], "This choice names sessions this programme does not have"),
    ],
    ids=["nothing ticked", "a made-up value", "a value cut short"],
)
def test_a_form_without_a_choice_it_can_make_is_a_clear_400(
    sessions, programme, client, chosen, message
):
    response = client.get(programme.get_absolute_url() + "agenda/", {"session": chosen})
    assert response.status_code == 400
    page = soup(response)
    assert message in page.main.get_text(" ")
    link = page.main.find("a", string="Choose the sessions on the programme's page")
    assert link["href"] == programme.get_absolute_url() + "#agenda"


@pytest.mark.parametrize(
    "code",
    ["abc", "AAAAAAAAA", "AAAA!AAA", "A" * 8 * (agenda.MOST_SESSIONS + 1), "AAAAAAAA"],
    ids=["too short", "not a multiple of 8", "not base64", "too many", "no such session"],
)
def test_a_bad_or_tampered_code_is_a_clear_404_never_a_500(sessions, programme, client, code):
    base = programme.get_absolute_url() + "agenda/"
    response = client.get(f"{base}{code}/")
    assert response.status_code == 404
    assert "names sessions this programme never had" in soup(response).main.get_text(" ")
    assert client.get(f"{base}{code}/agenda.ics").status_code == 404


def test_a_code_naming_a_session_of_another_programme_is_404(sessions, programme, meeting, client):
    other = factories.ProgrammeFactory(meeting=meeting, slug="other")
    stranger = factories.SessionFactory(programme=other, room=None)
    one = agenda.session_name(sessions["one"].uid)
    code = agenda.code_of([one, agenda.session_name(stranger.uid)])
    response = client.get(f"{programme.get_absolute_url()}agenda/{code}/")
    assert response.status_code == 404
    assert client.get(f"{programme.get_absolute_url()}agenda/{one}/").status_code == 200


# -- the page -----------------------------------------------------------------------------------


def test_the_agenda_shows_just_the_chosen_sessions_as_the_programme_does(
    sessions, programme, client
):
    url = make_agenda(client, programme, "Test session three", "Test session one")
    response = client.get(url)
    assert response.status_code == 200
    assert shown_titles(response) == ["Test session one", "Test session three"]
    page = soup(response)
    main = page.main.get_text(" ")
    assert "Test question to prepare?" in main  # in full, as on the programme page
    assert "Test opening" not in main and "Test session two" not in main
    assert [h.get_text(" ", strip=True) for h in page.select("section.day h3")] == [
        "Wednesday 22 May 2030",
        "Thursday 23 May 2030",
    ]
    link = page.select_one("article.session h4 a")
    assert link["href"] == Session.objects.public().get(slug="one").get_absolute_url()
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert page.title.get_text().startswith("My agenda: Parallel Programme")
    crumbs = [li.get_text(strip=True) for li in page.select("nav.breadcrumbs li")]
    assert crumbs[-2:] == ["Parallel Programme", "My agenda"]


def test_the_agenda_links_its_calendar_a_subscription_and_how_to_change_it(
    sessions, programme, client
):
    url = make_agenda(client, programme, "Test session one", "Test session three")
    page = soup(client.get(url))
    hrefs = [a["href"] for a in page.select("ul.downloads a")]
    assert hrefs[0] == url + "agenda.ics"
    assert hrefs[1] == f"webcal://testserver{url}agenda.ics"
    assert page.find("link", attrs={"type": "text/calendar"})["href"] == url + "agenda.ics"
    assert page.select_one("#ics-address")["value"] == f"http://testserver{url}agenda.ics"
    assert page.find("label", attrs={"for": "ics-address"})
    change = hrefs[2]
    assert change.startswith(programme.get_absolute_url() + "?") and change.endswith("#agenda")
    # The programme page it leads to: those boxes ticked, the form open.
    ticked = boxes(client, programme, change.split("#")[0])
    assert [label for label, box in ticked.items() if box.has_attr("checked")] == [
        "10:00 – to 12:00 Test session one",
        "10:00 – to 11:00 Test session three",
    ]
    opened = soup(client.get(change.split("#")[0])).select_one("details.agenda-picker")
    assert opened.has_attr("open")
    # Ticked again and sent, the same boxes make the same agenda.
    chosen = parse_qs(urlsplit(change).query)["session"]
    again = client.get(programme.get_absolute_url() + "agenda/", {"session": chosen})
    assert again["Location"] == url


def test_the_agenda_is_in_the_pages_language(sessions, programme, client):
    one = sessions["one"]
    one.title_fr = "Séance d'essai un"
    one.title_es = "Sesión de prueba uno"
    one.save()
    revisions.publish(programme, "Translated.")
    url = make_agenda(client, programme, "Test session one", "Test session two")
    french = client.get("/fr" + url)
    assert french.status_code == 200 and french["Content-Language"] == "fr"
    page = soup(french)
    assert page.html["lang"] == "fr"
    assert page.h1.get_text(strip=True) == "Mon programme personnel"
    assert "Séance d'essai un" in shown_titles(french)
    # The session with no French title shows its English, marked as such, with the note.
    assert page.select_one('article.session h4 [lang="en"]').get_text() == "Test session two"
    assert page.select_one(".untranslated-note")
    assert page.select_one("ul.downloads a")["href"] == "/fr" + url + "agenda.ics"
    spanish = soup(client.get("/es" + url))
    assert spanish.h1.get_text(strip=True) == "Mi agenda"
    assert "Sesión de prueba uno" in spanish.main.get_text(" ")
    # The language switcher leads to the same agenda in each language.
    switcher = [a["href"] for a in page.select("nav.languages a")]
    assert switcher == [url, "/fr" + url, "/es" + url]


# -- the calendar -------------------------------------------------------------------------------


def test_the_agenda_calendar_has_the_programme_calendars_events_for_those_sessions(
    sessions, programme, client
):
    url = make_agenda(
        client, programme, "Test session two", "Test session three", "Test group work"
    )
    response = client.get(url + "agenda.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "-agenda.ics" in response["Content-Disposition"]
    mine = events_by_uid(response.content)
    everything = events_by_uid(client.get(programme.get_absolute_url() + "programme.ics").content)
    # Two events (the group work has no time), the programme's own: same UID and SEQUENCE, so a
    # program subscribed to both shows each once.
    assert {str(e["summary"]) for e in mine.values()} == {"Test session two", "Test session three"}
    for uid, event in mine.items():
        theirs = everything[uid]
        for name in ("summary", "sequence", "status", "location", "url", "description"):
            assert str(event.get(name)) == str(theirs.get(name)), name
        assert event.decoded("dtstart") == theirs.decoded("dtstart")
    two = next(e for e in mine.values() if str(e["summary"]) == "Test session two")
    # No end of its own: it ends when the next session of the programme starts, chosen or not.
    assert two.decoded("dtend").strftime("%H:%M") == "17:00"
    geneva = ZoneInfo("Europe/Zurich")
    assert utc_starts_by_three_parsers(response.content) == {
        "Test session two": datetime.datetime.combine(DAY, datetime.time(14), geneva),
        "Test session three": datetime.datetime.combine(NEXT_DAY, datetime.time(10), geneva),
    }
    assert parsed_by_both(client, url + "agenda.ics").keys() == mine.keys()
    assert "My agenda: Parallel Programme" in Calendar.from_ical(response.content)["x-wr-calname"]


# -- following the published revisions ---------------------------------------------------------


def read_agenda(client, url):
    """(titles shown in full, the removed list's text, {uid: (sequence, status, summary)} as
    icalendar and vobject agree, {summary: start in UTC} as three parsers agree)."""
    page = client.get(url)
    assert page.status_code == 200
    removed = soup(page).select_one("section.removed-sessions")
    calendar = client.get(url + "agenda.ics")
    return (
        shown_titles(page),
        " ".join(removed.get_text(" ").split()) if removed else "",
        parsed_by_both(client, url + "agenda.ics"),
        utc_starts_by_three_parsers(calendar.content),
    )


def test_a_personal_agenda_follows_a_published_revision(sessions, programme, client):
    """An agenda of three sessions; a revision retimes one, retitles another and removes the
    third: nothing changes until it is published; then the same address shows them as the
    programme now has them, says which was removed and by which revision, and its calendar,
    read alike by icalendar, vobject and ics, moves one event, renames one and cancels one,
    each a newer SEQUENCE of the same UID."""
    url = make_agenda(client, programme, "Test session one", "Test session two", "three")
    titles, removed, events, starts = read_agenda(client, url)
    assert titles == ["Test session one", "Test session two", "Test session three"]
    assert removed == ""
    assert {status for _seq, status, _summary in events.values()} == {"CONFIRMED"}
    uids = {summary: uid for uid, (_seq, _status, summary) in events.items()}

    one, two, three = sessions["one"], sessions["two"], sessions["three"]
    one.start_time, one.end_time = datetime.time(10, 30), datetime.time(12, 30)
    one.save()
    three.title = "Test session three (retitled)"
    three.save()
    two.delete()
    assert read_agenda(client, url)[:3] == (titles, removed, events)  # not published yet

    revisions.publish(programme, "Session one later, three retitled, two dropped.")
    titles, removed, after, starts_after = read_agenda(client, url)
    assert titles == ["Test session one", "Test session three (retitled)"]
    assert "Test session two" in removed
    assert (
        "This session was removed from the programme in revision 2: Session one later, "
        "three retitled, two dropped." in removed
    )
    assert set(after) == set(events)  # the same events: none added, none lost
    one_uid, two_uid, three_uid = (
        uids[t] for t in [titles[0], "Test session two", "Test session three"]
    )
    assert after[one_uid] == (events[one_uid][0] + 1, "CONFIRMED", "Test session one")
    assert after[three_uid] == (
        events[three_uid][0] + 1,
        "CONFIRMED",
        "Test session three (retitled)",
    )
    assert after[two_uid] == (events[two_uid][0] + 1, "CANCELLED", "Test session two")
    geneva = ZoneInfo("Europe/Zurich")
    later = datetime.datetime.combine(DAY, datetime.time(10, 30), geneva).astimezone(datetime.UTC)
    assert starts_after["Test session one"] == later != starts["Test session one"]
    moved = events_by_uid(client.get(url + "agenda.ics").content)[one_uid]
    assert moved.decoded("dtend").astimezone(geneva).strftime("%H:%M") == "12:30"

    # The removed session's link is its address, which says it was removed (410).
    link = soup(client.get(url)).select_one("section.removed-sessions a")
    assert client.get(link["href"]).status_code == 410

    # A later revision that leaves these sessions alone changes nothing in the agenda.
    revisions.publish(programme, "Nothing changed in these sessions.")
    assert read_agenda(client, url)[:3] == (titles, removed, after)


def test_an_agenda_whose_sessions_were_all_removed_says_so(sessions, programme, client):
    url = make_agenda(client, programme, "Test session two")
    sessions["two"].delete()
    revisions.publish(programme, "Session two dropped.")
    response = client.get(url)
    assert response.status_code == 200
    text = soup(response).main.get_text(" ")
    assert "None of the sessions you chose is in the programme any more." in text
    assert "removed from the programme in revision 2" in text
    (event,) = Calendar.from_ical(client.get(url + "agenda.ics").content).walk("VEVENT")
    assert str(event["status"]) == "CANCELLED"


# -- drafts ---------------------------------------------------------------------------------------


def test_drafts_never_show_to_visitors(sessions, programme, editor):
    client = Client()  # a visitor
    url = make_agenda(client, programme, "Test session one")
    # A session added to the working copy and not published is no session of the programme.
    added = Session.objects.create(
        programme=programme,
        title="Test unpublished session",
        slug="unpublished",
        date=DAY,
        start_time=datetime.time(16),
    )
    Programme.objects.filter(pk=programme.pk).update(title="Test draft title")
    code = agenda.code_of([url.rstrip("/").rsplit("/", 1)[1], agenda.session_name(added.uid)])
    with_added = f"{programme.get_absolute_url()}agenda/{code}/"
    assert client.get(with_added).status_code == 404
    assert "Test draft title" not in client.get(url).content.decode()
    # Staff read the working copy there, under its banner, kept by no cache.
    editor_client = Client()
    editor_client.force_login(editor)
    staff = editor_client.get(with_added)
    assert staff.status_code == 200
    assert "Test unpublished session" in shown_titles(staff)
    assert "Working copy, not public." in staff.content.decode()
    assert "no-store" in staff["Cache-Control"]

    Programme.objects.filter(pk=programme.pk).update(status="draft")
    for address in (url, url + "agenda.ics", programme.get_absolute_url() + "agenda/"):
        assert Client().get(address).status_code == 404, address
    assert editor_client.get(url).status_code == 200


# -- cost ----------------------------------------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.fixture
def full_sessions(programme, make_session):
    """Eight published sessions with something in every part a session shows."""
    state = factories.StateFactory()
    organisation = factories.OrganisationFactory()
    made = []
    for n in range(1, 9):
        session = make_session(n, title=f"Test session {n}", room=factories.RoomFactory())
        factories.DiscussionQuestionFactory(session=session)
        factories.PresentationFactory(
            session=session,
            presenters=[factories.PersonFactory(state=state)],
            organisations=[organisation],
            document=factories.DocumentFactory(meeting=programme.meeting),
        )
        session.actions.add(factories.ActionFactory(plan__convention=programme.meeting.convention))
        factories.StatementFactory(session=session, state=state)
        factories.PanellistFactory(session=session, organisation=organisation)
        factories.RecordingFactory(session=session)
        made.append(session)
    revisions.publish(programme, "First.")
    return made


def test_an_agendas_queries_do_not_grow_with_the_sessions_chosen(
    full_sessions, programme, client, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    base = programme.get_absolute_url() + "agenda/"

    def cost(chosen):
        code = agenda.code_of(agenda.session_name(s.uid) for s in chosen)
        return count_queries(client, f"{base}{code}/"), count_queries(
            client, f"{base}{code}/agenda.ics"
        )

    one, three, eight = cost(full_sessions[:1]), cost(full_sessions[:3]), cost(full_sessions)
    assert one == three == eight == (13, 14)  # as queries.agenda documents
    # With a removed session among them, and a second time zone: the same.
    full_sessions[1].delete()
    revisions.publish(programme, "Session 2 dropped.")
    assert cost(full_sessions) == (13, 14)
    code = agenda.code_of(agenda.session_name(s.uid) for s in full_sessions)
    assert count_queries(client, f"{base}{code}/?tz=Asia/Bangkok") == 13


# -- a second time zone ---------------------------------------------------------------------------


def second_zone_texts(response):
    """The second zone's line of each session, as read (its spaces, not its no-break spaces,
    made one)."""
    page = soup(response)
    return [
        re.sub(r"[ \t\n]+", " ", span.get_text()).strip() for span in page.select(".second-zone")
    ]


def test_times_are_also_shown_in_a_second_zone_with_its_name_and_offset(
    sessions, programme, client
):
    url = make_agenda(client, programme, "Test session one", "Test session two", tz="Asia/Bangkok")
    assert url.endswith("/?tz=Asia%2FBangkok")
    response = client.get(url)
    assert response.status_code == 200
    # Geneva is on UTC+2 in May, Bangkok on UTC+7: 10:00 there is 15:00 here.
    assert second_zone_texts(response) == [
        "Thailand (UTC+07:00): 15:00– to 17:00",
        "Thailand (UTC+07:00): 19:00",
    ]
    page = soup(response)
    assert page.select_one("#tz option[selected]")["value"] == "Asia/Bangkok"
    assert page.select_one('#tz option[value="Asia/Bangkok"]').get_text() == (
        "Thailand (UTC+07:00)"
    )
    here = " ".join(page.select_one("p.zone-here").get_text(" ").split())
    assert "Geneva time (UTC+02:00)" in here and "Thailand (UTC+07:00)" in here
    times = page.select(".second-zone time")
    assert times[0]["datetime"] == "2030-05-22T15:00+07:00"
    # The same in French and Spanish, as each writes times and names countries.
    french = second_zone_texts(client.get("/fr" + url))
    assert french[0] == "Thaïlande (UTC+07:00)\u00a0: 15\u00a0h\u00a0– à 17\u00a0h"
    assert second_zone_texts(client.get("/es" + url))[1] == "Tailandia (UTC+07:00): 19:00"


def test_a_second_zone_across_midnight_gives_the_day_there(sessions, programme, client):
    url = make_agenda(client, programme, "Test opening", tz="Pacific/Honolulu")
    # 09:00 in Geneva (07:00 UTC) is 21:00 the evening before in Honolulu (UTC-10).
    (text,) = second_zone_texts(client.get(url))
    honolulu = "United States of America, Honolulu (UTC\u221210:00)"
    assert text == f"{honolulu}: Tuesday 21 May 2030, 21:00– to 21:30"


def test_the_zones_offered_are_known_named_and_ordered(sessions, programme, client):
    url = make_agenda(client, programme, "Test session one")
    options = soup(client.get(url)).select("#tz option")
    assert options[0]["value"] == "" and options[1]["value"] == "UTC"
    offered = [o["value"] for o in options[1:]]
    assert set(offered) == zones.KNOWN and len(offered) == len(zones.KNOWN) > 300
    assert "Europe/Zurich" in offered and "Mars/Olympus" not in offered
    # Countries with several zones say which city; the others need not.
    texts = {o["value"]: o.get_text() for o in options[1:]}
    assert texts["America/New_York"] == "United States of America, New York (UTC\u221204:00)"
    assert texts["Africa/Nairobi"] == "Kenya (UTC+03:00)"


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus", "US/Eastern", "../etc/passwd", "x" * 500, "Europe/Zurich\x00"]
)
def test_a_made_up_zone_is_a_clear_400_never_stored(sessions, programme, client, zone):
    url = make_agenda(client, programme, "Test session one")
    for _ in range(2):
        response = client.get(url, {"tz": zone})
        assert response.status_code == 400
        page = soup(response)
        assert page.select_one("#tz-error").get_text(strip=True) == (
            "The time zone in this address is not one this site knows: choose one from the list."
        )
        assert page.select_one("#tz")["aria-invalid"] == "true"
        assert shown_titles(response) == ["Test session one"]  # the agenda, without the zone
        assert second_zone_texts(response) == []
    # Rendered each time, nothing kept: the second request read the database again.
    assert count_queries_with(client, url, {"tz": zone}) > 2


def count_queries_with(client, url, data):
    with CaptureQueriesContext(connection) as captured:
        client.get(url, data)
    return len(captured)


def test_the_page_cache_keeps_a_known_zone_but_not_made_up_ones_or_choices(
    sessions, programme, client
):
    url = make_agenda(client, programme, "Test session one")
    client.get(url, {"tz": "Asia/Bangkok"})
    assert count_queries_with(client, url, {"tz": "Asia/Bangkok"}) == 1  # from the cache
    client.get(url, {"tz": ["Asia/Bangkok", "UTC"]})
    assert count_queries_with(client, url, {"tz": ["Asia/Bangkok", "UTC"]}) > 1
    # `tz` on any other page: a made-up one is never stored there either.
    other = programme.get_absolute_url()
    client.get(other, {"tz": "Mars/Olympus"})
    assert count_queries_with(client, other, {"tz": "Mars/Olympus"}) > 1
    # The programme page with boxes ticked is never stored: a copy per choice would be many.
    ticked = {"session": values(client, programme, "Test session one")}
    cache.clear()
    client.get(programme.get_absolute_url(), ticked)
    assert count_queries_with(client, programme.get_absolute_url(), ticked) > 1


# -- the static copy ----------------------------------------------------------------------------


def test_the_static_copy_replaces_the_form_with_a_note(sessions, programme, client):
    """A copy without the site cannot make agendas: its programme page says so instead of
    offering a form that leads nowhere (static_export.py, tested whole in
    test_static_export.py)."""
    html = client.get(programme.get_absolute_url()).content.decode()
    copied = static_export.AGENDA_PICKER.sub(lambda _m: static_export.agenda_note(), html)
    assert "agenda-picker" not in copied and "/agenda/" not in copied
    assert "This copy of the site cannot make agendas" in copied
    assert 'id="agenda"' in copied  # the contents' link still lands on the section
