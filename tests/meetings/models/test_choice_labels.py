"""A field's choice label (get_FOO_display, meetings/models/common.py's ChoiceLabels): the label
in the active language, read from a table built once per field."""

import pytest
from django.utils import translation

from meetings.models import Document, Meeting, Recording, Session


@pytest.mark.parametrize(
    ("language", "label"),
    [
        ("en", "Review Conference"),
        ("fr", "Conférence d'examen"),
        ("es", "Conferencia de Examen"),
        ("en", "Review Conference"),  # after the others: the table keeps no language's text
    ],
)
def test_a_kind_is_labelled_in_the_active_language(language, label):
    meeting = Meeting(kind=Meeting.Kind.REVIEW_CONFERENCE)
    with translation.override(language):
        assert meeting.get_kind_display() == label


@pytest.mark.parametrize(
    ("row", "name"),
    [
        (Session(kind=Session.Kind.GROUP_WORK), "kind"),
        (Document(language="fr"), "language"),
        (Recording(kind=Recording.Kind.VIDEO, language="floor"), "language"),
    ],
)
def test_each_label_is_the_one_its_field_gives_its_value(row, name):
    field = type(row)._meta.get_field(name)
    expected = dict(field.flatchoices)[getattr(row, name)]
    assert getattr(row, f"get_{name}_display")() == str(expected)


def test_a_value_outside_the_choices_is_shown_as_it_is():
    assert Meeting(kind="not-a-kind").get_kind_display() == "not-a-kind"
    assert Session(kind="").get_kind_display() == ""
