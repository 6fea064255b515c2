"""Text typed in the admin's forms that shows nothing is no text."""

from django import forms

from meetings.models.translations import shows_nothing


def _nothing_if_invisible(to_python):
    def cleaned(value):
        if isinstance(value, str) and shows_nothing(value):
            value = ""
        return to_python(value)

    return cleaned


class InvisibleIsEmpty:
    """A form whose text fields take a value made only of spaces, zero-width and other format
    characters (translations.shows_nothing) as empty, as Django's stripping already takes
    spaces alone: a required field says "This field is required.", an optional translation is
    saved empty and the page shows the English in its place."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # this form's own copies of its fields
            if isinstance(field, forms.CharField) and field.strip:
                field.to_python = _nothing_if_invisible(field.to_python)
