"""The project's JSON serialization (meetings/serialization.py) writes the text Django's own
writes, without building a query for values already prefetched."""

from unittest import mock

import factories
import pytest
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.serializers import json as django_json
from django.db.models import QuerySet, prefetch_related_objects

from meetings import serialization
from meetings.admin import history
from meetings.models import Programme

pytestmark = pytest.mark.django_db


def django_text(objects, **options):
    return django_json.Serializer().serialize(objects, **options)


@pytest.fixture
def programme():
    """A programme holding every kind of many-to-many value the history writes."""
    session = factories.SessionFactory(actions=[factories.ActionFactory()])
    factories.PresentationFactory(
        session=session,
        presenters=[factories.PersonFactory(), factories.PersonFactory()],
        organisations=[factories.OrganisationFactory()],
    )
    factories.DiscussionQuestionFactory(session=session)
    return Programme.objects.get(pk=session.programme_id)


def followed_rows(programme):
    rows = [programme]
    for session in programme.sessions.all():
        rows += [session, *session.presentations.all(), *session.questions.all()]
    return rows


def test_json_is_the_projects_serialization():
    assert serializers.get_serializer("json") is serialization.Serializer
    assert serializers.get_deserializer("json") is django_json.Deserializer


@pytest.mark.parametrize("options", [{}, {"indent": 2}], ids=["flat", "indented"])
def test_a_programme_with_what_it_holds_prefetched_is_written_as_django_writes_it(
    programme, options
):
    with history.followed_at_once(programme):
        rows = followed_rows(programme)
        ours = serializers.serialize("json", rows, **options)
        assert ours == django_text(rows, **options)
    assert '"presenters": [' in ours and '"actions": [' in ours
    # Read back, the same rows and values.
    back = [item.object for item in serializers.deserialize("json", ours)]
    assert back == rows


def test_prefetched_many_to_many_values_build_no_query(programme):
    with history.followed_at_once(programme):
        rows = followed_rows(programme)
        with mock.patch.object(QuerySet, "only", autospec=True, side_effect=QuerySet.only) as only:
            serializers.serialize("json", rows)
        assert only.call_count == 0
        with mock.patch.object(QuerySet, "only", autospec=True, side_effect=QuerySet.only) as only:
            django_text(rows)
        assert only.call_count > 0  # Django's own builds one for each field of each row


def test_values_not_prefetched_are_read_from_the_database(programme):
    session = programme.sessions.get()
    assert serializers.serialize("json", [session]) == django_text([session])
    assert f'"actions": [{session.actions.get().pk}]' in serializers.serialize("json", [session])


def test_natural_keys_are_written_as_django_writes_them():
    user = factories.UserFactory()
    user.groups.set([Group.objects.create(name="ISU staff")])
    prefetch_related_objects([user], "groups")
    text = serializers.serialize("json", [user], use_natural_foreign_keys=True)
    assert text == django_text([user], use_natural_foreign_keys=True)
    assert '"groups": [["ISU staff"]]' in text
