"""Open data: the programme as schedule.json (frab/pretalx shape plus x_ fields) and the action
plans as JSON, each validated against the schema written down in docs/. The seed's programme and
plans say what the sources say; the rest is shown on made-up programmes."""

import json
from pathlib import Path

import factories
import jsonschema
import pytest
from django.test import Client
from seed_sources import bullet_questions, printed_timetable, source

from meetings.models import Programme, Recording, Session
from meetings.publishing import revisions

DOCS = Path(__file__).resolve().parents[3] / "docs"
PARALLEL = "/meetings/intersessional-meetings-may-2012/parallel-programme-victim-assistance/"


def schema(name):
    return json.loads((DOCS / name).read_text())


def fetch(client, url, schema_name):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    jsonschema.validate(data, schema(schema_name), format_checker=jsonschema.FormatChecker())
    return data


def events_of(data):
    days = data["schedule"]["conference"]["days"]
    return [event for day in days for room in day["rooms"].values() for event in room]


def schedule_of(client, url=PARALLEL + "schedule.json"):
    return fetch(client, url, "schedule.schema.json")


def test_the_schedule_holds_every_seed_session(seeds, client):
    data = schedule_of(client)
    events = events_of(data)
    unscheduled = data["schedule"]["x_unscheduled"]
    held = Session.objects.public().filter(programme__slug="parallel-programme-victim-assistance")
    timed = held.exclude(start_time=None)
    assert {e["slug"] for e in events} == set(timed.values_list("slug", flat=True))
    assert len(events) + len(unscheduled) == held.count()
    by_start = sorted(events, key=lambda e: e["date"])
    for event in by_start:
        assert event["date"].endswith("+02:00")  # Geneva in May
    printed = printed_timetable()
    assert [e["start"] for e in by_start if e["start"] in dict(printed)] == [t for t, _ in printed]
    session_one = next(e for e in events if e["slug"] == "coordination-national-plans")
    assert session_one["duration"] == "02:45"
    assert [p["name"] for p in session_one["persons"]] == ["Claude Tardif"]
    assert session_one["x_questions"]["states_parties"] == bullet_questions(source("000"))[:5]
    assert session_one["x_actions"][0]["number"] == 24
    assert session_one["x_documents"][0]["size_bytes"] == 44 * 1024
    assert data["schedule"]["version"] == "revision 2"


def test_undated_sessions_keep_their_questions_by_audience(make_session, programme, client):
    session = make_session(1, date=None, start_time=None)
    for audience, count in (("states_parties", 4), ("survivors", 3)):
        for _ in range(count):
            factories.DiscussionQuestionFactory(session=session, audience=audience)
    data = schedule_of(client, programme.get_absolute_url() + "schedule.json")
    assert events_of(data) == []
    (unscheduled,) = data["schedule"]["x_unscheduled"]
    assert set(unscheduled["x_questions"]) == {"states_parties", "survivors"}
    assert len(unscheduled["x_questions"]["states_parties"]) == 4
    assert len(unscheduled["x_questions"]["survivors"]) == 3


def test_guids_are_stable_across_exports(make_session, programme, client):
    sessions = [make_session(n) for n in range(1, 4)]
    url = programme.get_absolute_url() + "schedule.json"
    first = {e["id"]: e["guid"] for e in events_of(schedule_of(client, url))}
    assert len(first) == 3
    Session.objects.filter(pk=sessions[1].pk).update(title="Renamed")
    again = {e["id"]: e["guid"] for e in events_of(schedule_of(client, url))}
    assert first == again


def test_the_action_plans_json_quotes_only_what_the_sources_say(seeds, client):
    data = fetch(client, "/action-plans.json", "action-plans.schema.json")
    plans = {p["short_name"]: p for p in data["action_plans"]}
    cap = {a["number"]: a for a in plans["CAP"]["actions"]}
    assert f"“{cap[24]['text']}”" in source("000")
    assert cap[27]["text"] == ""
    assert all(a["text"] == "" for a in plans["LAP"]["actions"])


def test_both_are_linked_from_the_pages_as_alternates(programme, client):
    url = programme.get_absolute_url()
    assert (
        f'rel="alternate" type="application/json" title="The programme as schedule.json" '
        f'href="{url}schedule.json"'
    ).encode() in client.get(url).content
    assert b'href="/action-plans.json"' in client.get("/action-plans/").content


def test_a_draft_schedule_is_404(make_session, programme, editor_client):
    make_session(1)
    url = programme.get_absolute_url() + "schedule.json"
    Programme.objects.filter(pk=programme.pk).update(status="draft")
    assert Client().get(url).status_code == 404
    assert editor_client.get(url).status_code == 200


def test_the_schema_rejects_what_is_not_a_schedule():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"schedule": {"version": 2}}, schema("schedule.schema.json"))


def test_the_french_schedule_is_in_french_where_the_data_is(make_session, programme, client):
    opening = make_session(1, title="Opening", title_fr="Ouverture")
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
    url = programme.get_absolute_url() + "schedule.json"
    events = {e["slug"]: e for e in events_of(schedule_of(client, "/fr" + url))}
    opening, closing = events["session-1"], events["session-2"]
    assert (opening["title"], opening["language"]) == ("Ouverture", "fr")
    assert opening["x_presentations"][0]["title"] == "Exposé d'essai"
    # No French title: the English, and the event says so.
    assert (closing["title"], closing["language"]) == ("Closing", "en")
    (holder,) = schedule_of(client, "/fr" + url)["schedule"]["conference"]["x_office_holders"]
    assert (holder["office"], holder["state"]) == ("Coprésidents", state.name_fr)
    assert state.name_fr and state.name_fr != state.name
    # The English schedule is unchanged: English titles, "en".
    english = {e["slug"]: e for e in events_of(schedule_of(client, url))}
    assert (english["session-1"]["title"], english["session-1"]["language"]) == ("Opening", "en")
    assert (
        schedule_of(client, url)["schedule"]["conference"]["x_office_holders"][0]["state"]
        == state.name
    )


def test_an_event_links_to_follow_it_remotely_and_to_its_published_recordings(
    make_session, programme, client, editor
):
    """c3voc's event "links": the session's link to follow it (its programme's where it has
    none), then its recordings, titled in the file's language; hybrid and interpretation beside
    them. A recording added to the working copy stays out until it is published."""
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
    url = "/es" + programme.get_absolute_url() + "schedule.json"
    events = {e["slug"]: e for e in events_of(schedule_of(client, url))}
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
    assert events[one.slug]["x_hybrid"] is True
    assert events[one.slug]["x_interpretation"] == ["en", "fr"]


def test_the_schema_refuses_a_link_that_is_not_https(make_session, programme, client):
    make_session(1)
    data = schedule_of(client, programme.get_absolute_url() + "schedule.json")
    event = events_of(data)[0]
    assert event["links"] == [] and event["x_hybrid"] is False and event["x_interpretation"] == []
    event["links"] = [{"url": "http://webtv.un.org/", "title": "Follow"}]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema("schedule.schema.json"))
