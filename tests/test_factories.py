"""Every factory makes a row that passes its model's own validation, and a session made by one
lies inside its meeting: a test that builds on them starts from valid data."""

import inspect

import factories
import factory as factory_boy
import pytest
from pypdf import PdfReader

FACTORIES = [
    cls
    for _, cls in inspect.getmembers(factories, inspect.isclass)
    if issubclass(cls, factory_boy.django.DjangoModelFactory)
    and cls is not factory_boy.django.DjangoModelFactory
]


@pytest.mark.django_db
@pytest.mark.parametrize("factory", FACTORIES, ids=lambda cls: cls.__name__)
def test_each_factory_makes_a_valid_row(factory):
    first, second = factory(), factory()
    for row in (first, second):
        row.full_clean(exclude=["password"])
    assert first.pk is not None


@pytest.mark.django_db
def test_a_session_lies_within_its_meeting_and_is_public_as_published():
    """The factory makes the working copy's session, which staff edit, and the same session
    (its uid) in the published copy, which delegates read."""
    session = factories.SessionFactory()
    meeting = session.programme.meeting
    assert meeting.start_date <= session.date <= meeting.end_date
    assert session.programme.is_working_copy and not session.is_public
    published = type(session).objects.public().get(uid=session.uid)
    assert published.is_public and published.pk != session.pk
    assert (published.title, published.date) == (session.title, session.date)


@pytest.mark.django_db
def test_a_document_holds_a_pdf_a_reader_opens(media):
    document = factories.DocumentFactory(title="Readable")
    with document.file.open("rb") as handle:
        reader = PdfReader(handle)
        assert "Readable" in reader.pages[0].extract_text()
    assert document.size_bytes == document.file.size > 0
