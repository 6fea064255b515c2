"""Open data: a programme as schedule.json, in the c3voc schedule format that pretalx exports and
conference apps read, and as programme.json, everything the site holds about it; the action
plans as JSON. Each is validated against the schema written down in docs/. The c3voc format's
own schema is another project's file, neither copied here nor fetched: the checks of
`assert_c3voc_shape` carry what it requires, and where C3VOC_SCHEMA names a copy of it on disk,
every schedule.json fetched here is validated against that copy too."""

import datetime
import json
import os
import re
import uuid
from pathlib import Path

import factories
import jsonschema
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from seed_sources import bullet_questions, printed_timetable, source

from meetings.models import Programme, Recording, Session
from meetings.publishing import revisions

DOCS = Path(__file__).resolve().parents[3] / "docs"
PARALLEL = "/meetings/intersessional-meetings-may-2012/parallel-programme-victim-assistance/"
# The keys the c3voc format allows an event, and those it requires.
EVENT_KEYS = {
    "guid", "id", "date", "start", "duration", "room", "slug", "url", "title", "subtitle",
    "track", "type", "language", "abstract", "description", "persons", "links", "attachments",
}  # fmt: skip
CONFERENCE_KEYS = {
    "acronym", "title", "start", "end", "daysCount", "timeslot_duration", "time_zone_name",
    "url", "tracks", "rooms", "days",
}  # fmt: skip


def schema(name):
    return json.loads((DOCS / name).read_text())


def fetch(client, url, schema_name):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    jsonschema.validate(data, schema(schema_name), format_checker=jsonschema.FormatChecker())
    return data


def is_uuid(text):
    return str(uuid.UUID(text)) == text


def assert_c3voc_shape(data):
    """What the c3voc schedule schema asks of schedule.json, as checks of our own."""
    assert set(data) == {"$schema", "generator", "schedule"}
    assert data["$schema"] == "https://c3voc.de/schedule/schema.json"
    assert set(data["generator"]) == {"name", "version", "url"}
    conference = data["schedule"]["conference"]
    assert set(conference) == CONFERENCE_KEYS  # no x_ fields
    assert re.fullmatch(r"[a-z0-9_-][a-z0-9_]{3,}", conference["acronym"])
    rooms = {room["name"]: room["guid"] for room in conference["rooms"]}
    assert len(rooms) == len(conference["rooms"]) and "" not in rooms
    assert all(is_uuid(guid) for guid in rooms.values())
    tracks = {track["name"] for track in conference["tracks"]}
    for day in conference["days"]:
        assert set(day) == {"index", "date", "day_start", "day_end", "rooms"}
        for name, events in day["rooms"].items():
            assert name in rooms
            for event in events:
                assert set(event) == EVENT_KEYS
                assert event["room"] == name and event["track"] in tracks
                assert is_uuid(event["guid"]) and event["id"] >= 1
                assert re.fullmatch(r"[a-z0-9_-]+[a-z0-9]", event["slug"])
                assert event["url"].startswith("http")
                assert re.fullmatch(r"\d+:\d\d", event["duration"])
                for person in event["persons"]:
                    # pretalx's speaker: a name, a guid, a code; not frab's id and public_name.
                    assert set(person) == {"name", "guid", "code"} and is_uuid(person["guid"])
                    assert re.fullmatch(r"[A-Z0-9]+", person["code"])
                for attachment in event["attachments"]:
                    assert set(attachment) == {"title", "url"}
    c3voc = os.environ.get("C3VOC_SCHEMA")
    if c3voc:  # a copy of the c3voc schema on disk: validate by it too
        validator = jsonschema.Draft6Validator(
            json.loads(Path(c3voc).read_text()), format_checker=jsonschema.FormatChecker()
        )
        assert [e.message for e in validator.iter_errors(data)] == []


def events_of(data):
    days = data["schedule"]["conference"]["days"]
    return [event for day in days for room in day["rooms"].values() for event in room]


def schedule_of(client, url=PARALLEL + "schedule.json"):
    data = fetch(client, url, "schedule.schema.json")
    assert_c3voc_shape(data)
    return data


def programme_of(client, url=PARALLEL + "programme.json"):
    return fetch(client, url, "programme.schema.json")


def test_the_schedule_holds_every_timed_seed_session(seeds, client):
    data = schedule_of(client)
    events = events_of(data)
    held = Session.objects.public().filter(programme__slug="parallel-programme-victim-assistance")
    timed = held.exclude(start_time=None)
    assert {e["id"] for e in events} == set(timed.values_list("pk", flat=True))
    by_start = sorted(events, key=lambda e: e["date"])
    for event in by_start:
        assert event["date"].endswith("+02:00")  # Geneva in May
    printed = printed_timetable()
    assert [e["start"] for e in by_start if e["start"] in dict(printed)] == [t for t, _ in printed]
    session_one = next(e for e in events if e["slug"] == "coordination-national-plans")
    assert session_one["duration"] == "02:45"
    assert [p["name"] for p in session_one["persons"]] == ["Claude Tardif"]
    conference = data["schedule"]["conference"]
    assert conference["acronym"] == "apmbc_2012_05_parallel_programme_victim_assistance"
    assert data["schedule"]["version"] == "revision 2"
    assert data["generator"]["name"] == "vapp"


def test_the_programme_json_holds_every_seed_session_with_the_sites_own_data(seeds, client):
    data = programme_of(client)["programme"]
    held = Session.objects.public().filter(programme__slug="parallel-programme-victim-assistance")
    assert [s["id"] for s in data["sessions"]] == list(held.values_list("pk", flat=True))
    session_one = next(s for s in data["sessions"] if s["slug"] == "coordination-national-plans")
    assert session_one["questions"]["states_parties"] == bullet_questions(source("000"))[:5]
    assert (session_one["actions"][0]["plan_short_name"], session_one["actions"][0]["number"]) == (
        "CAP",
        24,
    )
    assert session_one["documents"][0]["size_bytes"] == 44 * 1024
    assert session_one["end"] is not None and data["revision"] == 2
    # The same session under the same id and guid in both files.
    event = next(e for e in events_of(schedule_of(client)) if e["id"] == session_one["id"])
    assert event["guid"] == session_one["guid"]


@pytest.fixture
def odd(programme, make_session):
    """A programme over two days with what a plain one lacks: a session in a room, one without
    a room, a break, a session without presenters, one whose documents are held and not held,
    an untimed one, and a slug schedule apps would refuse."""
    room = factories.RoomFactory(name="Salle XIX", name_fr="Salle XIX", name_es="Sala XIX")
    opening = make_session(1, title="Opening", title_fr="Ouverture", room=room, kind="opening")
    speaker = factories.PersonFactory(name="Ana Example")
    factories.PresentationFactory(
        session=opening,
        presenters=[speaker],
        document=factories.DocumentFactory(title="Slides", meeting=programme.meeting),
    )
    factories.PresentationFactory(
        session=opening,
        presenters=[speaker],
        document=factories.DocumentFactory(title="Not held", not_held=True),
    )
    make_session(2, title="Coffee break", kind="break")  # no room
    make_session(3, title="Without presenters", slug="Odd-Slug-", kind="discussion")
    make_session(4, date=datetime.date(2030, 5, 23), title="Second day", room=room)
    make_session(5, date=None, start_time=None, title="Not timed yet")
    return programme


@pytest.mark.parametrize("prefix", ["", "/fr", "/es"])
@pytest.mark.parametrize("venue", ["meeting's", "rooms'", "none"])
def test_a_programme_with_odd_data_is_a_valid_c3voc_schedule(odd, client, prefix, venue):
    """A session without a room is under the meeting's venue; where the meeting names none,
    under the one venue its rooms are in; else under "Room not given"."""
    if venue == "meeting's":
        odd.meeting.venue = factories.VenueFactory(name="Palais des Nations")
        odd.meeting.save()
    elsewhere = {"": "Room not given", "/fr": "Salle non indiquée", "/es": "Sala no indicada"}
    expected = {"meeting's": "Palais des Nations", "rooms'": "Test Building"}.get(
        venue, elsewhere[prefix]
    )
    other = factories.RoomFactory(name="Room 2", venue=factories.VenueFactory(name="Other"))
    if venue == "none":  # rooms in two venues
        Session.objects.filter(programme=odd, slug="session-4").update(room=other)
        factories.show_published(odd)
    url = prefix + odd.get_absolute_url() + "schedule.json"
    data = schedule_of(client, url)
    conference = data["schedule"]["conference"]
    events = {e["title"]: e for e in events_of(data)}
    assert conference["daysCount"] == 2 and len(conference["days"]) == 2
    assert "Not timed yet" not in events  # programme.json has it
    assert events["Coffee break"]["room"] == expected
    assert [r["name"] for r in conference["rooms"]] == [
        "Sala XIX" if prefix == "/es" else "Salle XIX",
        expected,
    ] + (["Room 2"] if venue == "none" else [])
    opening = events["Ouverture" if prefix == "/fr" else "Opening"]
    assert opening["language"] == ("fr" if prefix == "/fr" else "en")
    assert [p["name"] for p in opening["persons"]] == ["Ana Example"]  # once, for two talks
    (slides,) = opening["attachments"]  # the document not held has no address
    assert slides["title"] == "Slides" and slides["url"].startswith("http://testserver/")
    assert events["Without presenters"]["persons"] == []
    assert events["Without presenters"]["slug"] == "odd-slug"
    tracks = [t["slug"] for t in conference["tracks"]]
    assert tracks == ["opening", "discussion", "break"]
    assert opening["url"] == "http://testserver" + prefix + odd.get_absolute_url() + (
        "sessions/session-1/"
    )


def test_guids_are_the_same_in_every_language_and_export(odd, client):
    url = odd.get_absolute_url() + "schedule.json"

    def guids(prefix):
        data = schedule_of(client, prefix + url)
        rooms = [r["guid"] for r in data["schedule"]["conference"]["rooms"]]
        persons = [p["guid"] for e in events_of(data) for p in e["persons"]]
        return rooms, persons, sorted(e["guid"] for e in events_of(data))

    english = guids("")
    Session.objects.filter(programme=odd).update(title="Renamed")
    factories.show_published(odd)  # a new published copy of every session
    assert {e["title"] for e in events_of(schedule_of(client, url))} == {"Renamed"}
    assert guids("") == english == guids("/fr") == guids("/es")


def test_undated_sessions_are_in_programme_json_with_their_questions(
    make_session, programme, client
):
    session = make_session(1, date=None, start_time=None)
    for audience, count in (("states_parties", 4), ("survivors", 3)):
        for _ in range(count):
            factories.DiscussionQuestionFactory(session=session, audience=audience)
    assert events_of(schedule_of(client, programme.get_absolute_url() + "schedule.json")) == []
    (unscheduled,) = programme_of(client, programme.get_absolute_url() + "programme.json")[
        "programme"
    ]["sessions"]
    assert (unscheduled["date"], unscheduled["start"], unscheduled["end"]) == (None, None, None)
    assert len(unscheduled["questions"]["states_parties"]) == 4
    assert len(unscheduled["questions"]["survivors"]) == 3


@pytest.mark.parametrize("prefix", ["", "/fr", "/es"])
def test_the_programme_json_of_odd_data_follows_its_schema(odd, client, prefix):
    data = programme_of(client, prefix + odd.get_absolute_url() + "programme.json")
    sessions = {s["slug"]: s for s in data["programme"]["sessions"]}
    assert data["programme"]["language"] == (prefix[1:] or "en")
    assert sessions["session-2"]["room"] is None
    assert [d["url"] is None for d in sessions["session-1"]["documents"]] == [False, True]


def test_the_programme_json_does_not_grow_its_queries_with_sessions(
    programme, make_session, client, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # what it costs to make, not to answer from the cache
    url = programme.get_absolute_url() + "programme.json"

    def add(n):
        session = make_session(n, room=factories.RoomFactory())
        factories.DiscussionQuestionFactory(session=session)
        session.actions.add(factories.ActionFactory())
        factories.PresentationFactory(
            session=session,
            presenters=[factories.PersonFactory()],
            document=factories.DocumentFactory(),
        )
        Recording.objects.create(session=session, kind="video", url=f"https://webtv.un.org/{n}")

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    add(1)
    one = count()
    add(2), add(3)
    assert len(programme_of(client, url)["programme"]["sessions"]) == 3
    assert count() == one <= 15  # meetings.queries.programme_page's


def test_the_action_plans_json_quotes_only_what_the_sources_say(seeds, client):
    data = fetch(client, "/action-plans.json", "action-plans.schema.json")
    plans = {p["short_name"]: p for p in data["action_plans"]}
    cap = {a["number"]: a for a in plans["CAP"]["actions"]}
    assert f"“{cap[24]['text']}”" in source("000")
    assert cap[27]["text"] == ""
    assert all(a["text"] == "" for a in plans["LAP"]["actions"])


def test_each_is_linked_from_the_pages(programme, client):
    url = programme.get_absolute_url()
    page = client.get(url).content.decode()
    assert (
        f'rel="alternate" type="application/json" title="The programme as schedule.json" '
        f'href="{url}schedule.json"'
    ) in page
    assert (
        f'rel="alternate" type="application/json" title="The programme as programme.json" '
        f'href="{url}programme.json"'
    ) in page
    assert f'<a href="{url}programme.json"' in page
    assert b'href="/action-plans.json"' in client.get("/action-plans/").content


@pytest.mark.parametrize("name", ["schedule.json", "programme.json"])
def test_a_draft_programme_is_404(make_session, programme, editor_client, name):
    make_session(1)
    url = programme.get_absolute_url() + name
    Programme.objects.filter(pk=programme.pk).update(status="draft")
    assert Client().get(url).status_code == 404
    response = editor_client.get(url)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_the_schemas_reject_what_is_not_theirs():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"schedule": {"version": 2}}, schema("schedule.schema.json"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"programme": {"sessions": []}}, schema("programme.schema.json"))


def test_the_french_files_are_in_french_where_the_data_is(make_session, programme, client):
    opening = make_session(1, title="Opening", title_fr="Ouverture", kind="opening")
    factories.PresentationFactory(
        session=opening, title="Test presentation", title_fr="Exposé d'essai"
    )
    make_session(2, title="Closing", title_fr="")
    office = factories.OfficeFactory(name="Co-Chairs")
    office.name_fr = "Coprésidents"
    office.save()
    state = factories.StateFactory(iso_code="AT")  # "Autriche" in French (migration 0017)
    factories.MandateFactory(
        meeting=programme.meeting,
        convention=programme.meeting.convention,
        office=office,
        state=state,
    )
    url = programme.get_absolute_url()
    events = {e["slug"]: e for e in events_of(schedule_of(client, "/fr" + url + "schedule.json"))}
    opening, closing = events["session-1"], events["session-2"]
    assert (opening["title"], opening["language"]) == ("Ouverture", "fr")
    assert opening["type"] == opening["track"] == "Ouverture"
    # No French title: the English, and the event says so.
    assert (closing["title"], closing["language"]) == ("Closing", "en")
    french = programme_of(client, "/fr" + url + "programme.json")["programme"]
    assert french["sessions"][0]["presentations"][0]["title"] == "Exposé d'essai"
    (holder,) = french["meeting"]["office_holders"]
    assert (holder["office"], holder["state"]) == ("Coprésidents", state.name_fr)
    assert state.name_fr and state.name_fr != state.name
    # The English files are unchanged: English titles, "en".
    english = {e["slug"]: e for e in events_of(schedule_of(client, url + "schedule.json"))}
    assert (english["session-1"]["title"], english["session-1"]["language"]) == ("Opening", "en")
    (holder,) = programme_of(client, url + "programme.json")["programme"]["meeting"][
        "office_holders"
    ]
    assert holder["state"] == state.name


def test_an_event_links_to_follow_it_remotely_and_to_its_published_recordings(
    make_session, programme, client, editor
):
    """c3voc's event "links": the session's link to follow it (its programme's where it has
    none), then its recordings, titled in the file's language; hybrid and interpretation in
    programme.json. A recording added to the working copy stays out until it is published."""
    programme.remote_url = "https://webtv.un.org/en/schedule/2030-05-22"
    programme.hybrid = True
    programme.interpretation = ["fr", "en"]
    programme.save()
    one, two = make_session(1), make_session(2)
    for kind, language in (("video", "floor"), ("audio", "es")):
        Recording.objects.create(
            session=one, kind=kind, language=language, url=f"https://conf.unog.ch/{language}"
        )
    revisions.publish(programme, "Followed remotely.", editor)
    Recording.objects.create(session=two, kind="video", url="https://webtv.un.org/en/asset/new")
    url = "/es" + programme.get_absolute_url()
    events = {e["slug"]: e for e in events_of(schedule_of(client, url + "schedule.json"))}
    assert events[one.slug]["links"] == [
        {"url": programme.remote_url, "title": "Seguir esta sesión a distancia"},
        {"url": "https://conf.unog.ch/floor", "title": "Vídeo (UN Web TV)"},
        {
            "url": "https://conf.unog.ch/es",
            "title": "Audio de la interpretación al español (portal de grabaciones digitales "
            "de las Naciones Unidas en Ginebra)",
        },
    ]
    assert events[two.slug]["links"] == [
        {"url": programme.remote_url, "title": "Seguir esta sesión a distancia"}
    ]
    data = programme_of(client, url + "programme.json")["programme"]
    sessions = {s["slug"]: s for s in data["sessions"]}
    assert sessions[one.slug]["links"] == events[one.slug]["links"]
    assert sessions[one.slug]["hybrid"] is True
    assert sessions[one.slug]["interpretation"] == ["en", "fr"]
    assert (data["follow_url"], data["hybrid"]) == (programme.remote_url, True)


def test_the_schemas_refuse_a_link_that_is_not_https(make_session, programme, client):
    make_session(1)
    url = programme.get_absolute_url()
    data = schedule_of(client, url + "schedule.json")
    event = events_of(data)[0]
    assert event["links"] == []
    event["links"] = [{"url": "http://webtv.un.org/", "title": "Follow"}]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema("schedule.schema.json"))
    data = programme_of(client, url + "programme.json")
    data["programme"]["sessions"][0]["links"] = event["links"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema("programme.schema.json"))
