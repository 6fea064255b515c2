"""Offices and their holders: terms with real first and last days, and a meeting's holders in
the order given, held by database constraints."""

import datetime

import factories
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from meetings.models import Mandate


@pytest.fixture
def co_chairs(db):
    return factories.OfficeFactory(name="Co-Chairs", position=10)


def test_a_term_ending_before_it_starts_is_refused_by_the_database(convention, co_chairs):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.MandateFactory(
            convention=convention,
            office=co_chairs,
            start_date=datetime.date(2031, 1, 1),
            end_date=datetime.date(2030, 12, 31),
        )
    assert not Mandate.objects.exists()


def test_two_holders_of_an_office_at_one_meeting_cannot_share_a_position(meeting, co_chairs):
    factories.MandateFactory(meeting=meeting, convention=meeting.convention, office=co_chairs)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.MandateFactory(meeting=meeting, convention=meeting.convention, office=co_chairs)
    assert Mandate.objects.count() == 1


def test_terms_outside_any_meeting_may_share_a_position(convention, co_chairs):
    factories.MandateFactory.create_batch(2, convention=convention, office=co_chairs)
    assert Mandate.objects.count() == 2


def test_a_meetings_holder_without_dates_takes_the_meetings_days_and_convention(meeting, co_chairs):
    holder = Mandate(
        meeting=meeting, office=co_chairs, state=factories.StateFactory(), start_date=None
    )
    holder.full_clean()
    assert (holder.start_date, holder.end_date) == (meeting.start_date, meeting.end_date)
    assert holder.convention == meeting.convention
    assert not holder.in_whole_years


def test_a_term_outside_any_meeting_must_give_its_dates(convention, co_chairs):
    holder = Mandate(convention=convention, office=co_chairs, state=factories.StateFactory())
    with pytest.raises(ValidationError) as error:
        holder.full_clean()
    assert set(error.value.message_dict) == {"start_date", "end_date"}
    holder = Mandate(office=co_chairs, state=factories.StateFactory())
    with pytest.raises(ValidationError) as error:
        holder.full_clean()
    assert "convention" in error.value.message_dict


def test_a_term_from_1_january_to_31_december_is_in_whole_years():
    holder = Mandate(start_date=datetime.date(2016, 1, 1), end_date=datetime.date(2017, 12, 31))
    assert holder.in_whole_years and holder.years == "2016–2017"
    holder.end_date = datetime.date(2017, 12, 30)
    assert not holder.in_whole_years and holder.years is None


def test_current_means_today_lies_within_the_term():
    holder = Mandate(start_date=datetime.date(2023, 1, 1), end_date=datetime.date(2024, 12, 31))
    assert holder.is_current(datetime.date(2024, 12, 31))
    assert not holder.is_current(datetime.date(2025, 1, 1))
    assert not holder.is_current(datetime.date(2022, 12, 31))
