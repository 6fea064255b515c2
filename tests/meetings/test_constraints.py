"""Every invariant is refused twice: as a form error an editor understands, and by the database."""

import datetime

import factories
import pytest
from django.db import IntegrityError, transaction
from django.forms import modelform_factory

from meetings.models import Action, Meeting, Programme, Session


def form_for(model, data, instance=None):
    return modelform_factory(model, fields="__all__")(data=data, instance=instance)


def session_data(programme, **changes):
    data = {
        "programme": programme.pk,
        "title": "Coordination",
        "slug": "coordination",
        "kind": "discussion",
        "position": 1,
        "date": "2030-05-22",
        "start_time": "10:15",
        "end_time": "13:00",
    }
    data.update(changes)
    return data


def test_a_valid_session_form_saves(programme):
    form = form_for(Session, session_data(programme))
    assert form.is_valid(), form.errors
    form.save()
    assert Session.objects.filter(programme=programme).count() == 1


def test_session_ending_before_it_starts_is_a_form_error(programme):
    form = form_for(Session, session_data(programme, start_time="13:00", end_time="10:15"))
    assert not form.is_valid()
    assert "A session must end after it starts." in form.non_field_errors()
    assert not Session.objects.exists()


def test_session_ending_before_it_starts_is_refused_by_the_database(make_session):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_session(start_time=datetime.time(13), end_time=datetime.time(10, 15))
    assert not Session.objects.exists()


def test_session_outside_the_meeting_dates_is_a_form_error(programme):
    form = form_for(Session, session_data(programme, date="2030-05-30"))
    assert not form.is_valid()
    message = form.errors["date"][0]
    assert "outside the dates of Intersessional Meetings May 2030" in message
    assert not Session.objects.exists()


@pytest.mark.parametrize("day", [datetime.date(2030, 5, 20), datetime.date(2030, 5, 26)])
def test_session_outside_the_meeting_dates_is_refused_by_the_database(make_session, day):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_session(date=day)
    assert not Session.objects.exists()


def test_moving_a_session_outside_its_meeting_is_refused_by_the_database(make_session):
    session = make_session()
    Session.objects.filter(pk=session.pk).update(date=datetime.date(2030, 5, 25))  # last day: ok
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(date=datetime.date(2030, 6, 1))
    session.refresh_from_db()
    assert session.date == datetime.date(2030, 5, 25)


def meeting_form_data(meeting, **fields):
    """The admin form's fields for `meeting`, as they stand but for `fields`."""
    return {
        "convention": meeting.convention_id,
        "kind": meeting.kind,
        "title": meeting.title,
        "slug": meeting.slug,
        "start_date": "2030-05-21",
        "end_date": "2030-05-25",
        "time_zone": "Europe/Zurich",
        "status": "published",
        **fields,
    }


def test_shrinking_a_meeting_away_from_its_sessions_is_refused(meeting, make_session):
    make_session(date=datetime.date(2030, 5, 24))
    form = form_for(Meeting, meeting_form_data(meeting, end_date="2030-05-22"), instance=meeting)
    assert not form.is_valid()
    assert "fall outside these dates" in form.non_field_errors()[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(end_date=datetime.date(2030, 5, 22))
    meeting.refresh_from_db()
    assert meeting.end_date == datetime.date(2030, 5, 25)


def test_a_meeting_with_an_undated_session_can_be_saved_and_still_not_shrunk(meeting, make_session):
    """An undated session ("day to be confirmed") is outside no dates: it once made every save
    of its meeting fail, so staff could not even make the meeting a draft."""
    make_session(1, date=None, start_time=None, title="Undated")
    make_session(2, date=datetime.date(2030, 5, 24), title="Dated")
    data = meeting_form_data(meeting, status="draft")
    form = form_for(Meeting, data, instance=meeting)
    assert form.is_valid(), form.errors
    form.save()
    meeting.refresh_from_db()
    assert meeting.status == "draft"
    form = form_for(Meeting, {**data, "end_date": "2030-05-22"}, instance=meeting)
    assert not form.is_valid()
    error = form.non_field_errors()[0]
    assert "fall outside these dates" in error
    assert "Dated" in error and "Undated" not in error


def test_moving_a_programme_to_a_meeting_its_sessions_miss_is_refused(meeting, make_session):
    make_session(date=datetime.date(2030, 5, 24))
    other = factories.MeetingFactory(
        convention=meeting.convention,
        start_date=datetime.date(2031, 1, 1),
        end_date=datetime.date(2031, 1, 2),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Programme.objects.filter(meeting=meeting).update(meeting=other)


def test_meeting_ending_before_it_starts_is_a_form_error_and_refused(convention):
    data = {
        "convention": convention.pk,
        "kind": "workshop",
        "title": "Workshop",
        "slug": "workshop",
        "start_date": "2030-05-25",
        "end_date": "2030-05-21",
        "time_zone": "Europe/Zurich",
        "status": "draft",
    }
    form = form_for(Meeting, data)
    assert not form.is_valid()
    assert "The last day cannot be before the first day." in form.non_field_errors()
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.MeetingFactory(
            convention=convention,
            start_date=datetime.date(2030, 5, 25),
            end_date=datetime.date(2030, 5, 21),
        )
    assert not Meeting.objects.exists()


def test_a_one_day_meeting_is_allowed(convention):
    day = datetime.date(2030, 5, 25)
    meeting = factories.MeetingFactory(convention=convention, start_date=day, end_date=day)
    meeting.full_clean()
    assert Meeting.objects.get(pk=meeting.pk).end_date == day


def test_unknown_time_zone_is_a_form_error(convention):
    data = {
        "convention": convention.pk,
        "kind": "workshop",
        "title": "Workshop",
        "slug": "workshop",
        "start_date": "2030-05-21",
        "end_date": "2030-05-21",
        "time_zone": "Europe/Geneva",
        "status": "draft",
    }
    form = form_for(Meeting, data)
    assert not form.is_valid()
    assert "is not a time zone name" in form.errors["time_zone"][0]


@pytest.fixture
def plan(convention):
    return factories.ActionPlanFactory(convention=convention)


def test_duplicate_action_number_is_a_form_error_and_refused(plan):
    factories.ActionFactory(plan=plan, number=24)
    form = form_for(Action, {"plan": plan.pk, "number": 24, "title": "", "text": "", "source": ""})
    assert not form.is_valid()
    assert "This plan already has an action with this number." in form.non_field_errors()
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ActionFactory(plan=plan, number=24)
    assert Action.objects.count() == 1


def test_same_action_number_in_another_plan_is_fine(plan, convention):
    other = factories.ActionPlanFactory(convention=convention)
    factories.ActionFactory(plan=plan, number=24)
    factories.ActionFactory(plan=other, number=24)
    assert Action.objects.filter(number=24).count() == 2


@pytest.mark.parametrize("slug", ["has space", "slash/es", "ümlaut", "dot.ted", ""])
def test_malformed_slug_is_a_form_error(programme, slug):
    form = form_for(Session, session_data(programme, slug=slug))
    assert not form.is_valid()
    assert "slug" in form.errors


def test_duplicate_slug_in_a_programme_is_a_form_error(programme, make_session):
    make_session(slug="coordination")
    form = form_for(Session, session_data(programme))
    assert not form.is_valid()
    assert "already has a session with this slug" in str(form.errors)


def test_duplicate_meeting_slug_is_a_form_error(meeting):
    data = {
        "convention": meeting.convention_id,
        "kind": "workshop",
        "title": "Another",
        "slug": meeting.slug,
        "start_date": "2030-05-21",
        "end_date": "2030-05-21",
        "time_zone": "Europe/Zurich",
        "status": "draft",
    }
    form = form_for(Meeting, data)
    assert not form.is_valid()
    assert "slug" in form.errors


@pytest.mark.parametrize("field", ["title", "purpose", "questions_intro"])
def test_nul_byte_in_a_text_field_is_a_form_error(programme, field):
    form = form_for(Session, session_data(programme, **{field: "Coordi\x00nation"}))
    assert not form.is_valid()
    assert "Null characters are not allowed." in form.errors[field]
    assert not Session.objects.exists()


def test_session_with_time_but_no_day_is_a_form_error(programme):
    form = form_for(Session, session_data(programme, date=""))
    assert not form.is_valid()
    assert "A session with a start time needs a day." in form.non_field_errors()
