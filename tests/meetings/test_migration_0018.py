"""Migration 0018 moves the statements entered as presentations of the kind "statement" with a
delegation into Statement rows, their file with them; a person's statement stays."""

import importlib

import factories
import pytest
from django.apps import apps

from meetings.models import Presentation, Statement

MIGRATION = importlib.import_module("meetings.migrations.0018_speakers_plumbing")


@pytest.mark.django_db
def test_statement_presentations_with_a_delegation_become_statements(make_session):
    session = make_session(1)
    albania = factories.StateFactory(name="Albania", iso_code="AL")
    icbl = factories.OrganisationFactory(name="International Campaign to Ban Landmines")
    document = factories.DocumentFactory(title="Albania", kind="statement", file=None)
    Presentation.objects.create(
        session=session, kind="statement", position=2, delegation_state=albania, document=document
    )
    Presentation.objects.create(
        session=session, kind="statement", position=3, delegation_organisation=icbl
    )
    person = Presentation.objects.create(session=session, kind="statement", title="A survivor")
    talk = Presentation.objects.create(
        session=session, kind="presentation", delegation_state=albania
    )

    MIGRATION.presentations_to_statements(apps, None)

    moved = Statement.objects.filter(session=session)
    assert [(str(s.delegation), s.position, list(s.documents.all())) for s in moved] == [
        ("Albania", 2, [document]),
        (str(icbl), 3, []),
    ]
    assert set(Presentation.objects.filter(session=session)) == {person, talk}
