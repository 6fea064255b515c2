"""A session's statements by delegation (with their files) and its panellists go wherever the
session goes: into the copy a revision publishes, back into the working copy on discard, into
another meeting's copy of the programme; the change list names them; a statement's file is
public once a public statement shows it (meetings/copying.py, meetings/publishing/revisions.py,
meetings/models/programmes.py DocumentQuerySet)."""

import factories
import pytest
import reversion
from reversion.models import Version

from meetings.admin import history
from meetings.copying import copy_programme
from meetings.models import Document, Edition, Panellist, Session, Statement
from meetings.publishing import revisions


@pytest.fixture
def states(db):
    return {
        name: factories.StateFactory(name=name, iso_code=code)
        for name, code in [("Albania", "AL"), ("Croatia", "HR"), ("Eritrea", "ER")]
    }


@pytest.fixture
def item(programme, make_session, states):
    """An agenda item with two updates (Albania's with its file) and a comment by the ICBL,
    and a panel of one, published as revision 1."""
    session = make_session(1, title="Updates from States Parties")
    albania = factories.DocumentFactory(title="Albania", kind="statement", file=None)
    factories.StatementFactory(
        session=session,
        group=Statement.Group.UPDATES,
        position=1,
        state=states["Albania"],
        documents=[albania],
    )
    factories.StatementFactory(
        session=session, group=Statement.Group.UPDATES, position=2, state=states["Croatia"]
    )
    icbl = factories.OrganisationFactory(
        name="International Campaign to Ban Landmines", acronym="ICBL"
    )
    factories.StatementFactory(
        session=session, group=Statement.Group.COMMENTS, position=1, state=None, organisation=icbl
    )
    panel = make_session(2, title="Panel", kind=Session.Kind.PANEL)
    factories.PanellistFactory(session=panel, name="Kerryn Clarke", state=states["Eritrea"])
    revisions.publish(programme, "First published.")
    return session


def said_of(statements):
    return [
        (s.get_group_display(), str(s.delegation), [d.title for d in s.documents.all()])
        for s in statements
    ]


def published_copy(programme):
    return programme.editions.get(edition=Edition.PUBLISHED)


@pytest.mark.django_db
def test_publishing_copies_the_statements_with_their_files_and_the_panellists(programme, item):
    copy = published_copy(programme)
    statements = Statement.objects.filter(session__programme=copy)
    assert said_of(statements) == [
        ("Updates", "Albania", ["Albania"]),
        ("Updates", "Croatia", []),
        ("Comments and questions", "International Campaign to Ban Landmines (ICBL)", []),
    ]
    assert [p.name for p in Panellist.objects.filter(session__programme=copy)] == ["Kerryn Clarke"]
    # Copies, not the working copy's rows: an edit to the working copy stays there.
    assert not statements.filter(pk__in=item.statements.values("pk")).exists()


@pytest.mark.django_db
def test_the_changes_name_each_delegation_added_removed_or_reordered(programme, item, states):
    Statement.objects.filter(session=item, state=states["Croatia"]).delete()
    # Not with a factory: a factory would publish it too.
    Statement.objects.create(
        session=item, group=Statement.Group.UPDATES, position=3, state=states["Eritrea"]
    )
    Statement.objects.filter(session=item, group=Statement.Group.COMMENTS).update(
        group=Statement.Group.CLOSING
    )
    Panellist.objects.filter(session__programme=programme).update(post="Director")
    assert revisions.unpublished_changes(programme) == [
        "“Updates from States Parties”: Croatia removed from Updates.",
        "“Updates from States Parties”: Eritrea added to Updates.",
        # Named as the statements' sentences name it, by its acronym.
        "“Updates from States Parties”: ICBL removed from Comments and questions.",
        "“Updates from States Parties”: ICBL added to Closing remarks.",
        "Panellist removed from “Panel”: Ms. Kerryn Clarke, Programme Manager, Eritrea.",
        "Panellist added to “Panel”: Ms. Kerryn Clarke, Director, Eritrea.",
    ]


@pytest.mark.django_db
def test_the_same_delegations_in_another_order_are_said_to_be_reordered(programme, item):
    Statement.objects.filter(session=item, position=1).update(position=5)
    assert revisions.unpublished_changes(programme) == [
        "“Updates from States Parties”: Updates put in a new order."
    ]


@pytest.mark.django_db
def test_a_statement_file_added_is_named_in_the_changes(programme, item):
    croatia = Statement.objects.get(session=item, state__name="Croatia")
    croatia.documents.add(factories.DocumentFactory(title="Croatia", kind="statement", file=None))
    assert revisions.unpublished_changes(programme) == [
        "Document added to “Updates from States Parties”: Croatia (English)."
    ]


@pytest.mark.django_db
def test_discarding_puts_the_statements_back_and_deletes_a_file_added_since(
    programme, item, states
):
    added = factories.DocumentFactory(title="Eritrea", kind="statement", file=None)
    Statement.objects.create(session=item, state=states["Eritrea"]).documents.add(added)
    Panellist.objects.filter(session__programme=programme).delete()
    revisions.discard(programme)
    assert said_of(Statement.objects.filter(session=item)) == [
        ("Updates", "Albania", ["Albania"]),
        ("Updates", "Croatia", []),
        ("Comments and questions", "International Campaign to Ban Landmines (ICBL)", []),
    ]
    assert Panellist.objects.filter(session__programme=programme).count() == 1
    # Shown by nothing any more, it would have become public in the library.
    assert not Document.objects.filter(pk=added.pk).exists()
    assert Document.objects.filter(title="Albania").exists()
    assert revisions.unpublished_changes(programme) == []


@pytest.mark.django_db
def test_a_programme_copied_to_another_meeting_keeps_its_delegations_not_their_files(
    programme, item, other_meeting
):
    copy = copy_programme(programme, other_meeting)
    statements = Statement.objects.filter(session__programme=copy)
    assert [(str(s.delegation), s.documents.count()) for s in statements] == [
        ("Albania", 0),
        ("Croatia", 0),
        ("International Campaign to Ban Landmines (ICBL)", 0),
    ]
    assert Panellist.objects.filter(session__programme=copy).count() == 1


@pytest.mark.django_db
def test_a_statement_file_is_public_once_a_public_statement_shows_it(programme, item, states):
    added = factories.DocumentFactory(title="Croatia", kind="statement", file=None)
    Statement.objects.get(session=item, state=states["Croatia"]).documents.add(added)
    assert not Document.objects.public().filter(pk=added.pk).exists()
    assert Document.objects.not_public().filter(pk=added.pk).exists()
    assert Document.objects.filter(pk=added.pk).get().is_public is False
    revisions.publish(programme, "Croatia's statement.")
    assert Document.objects.public().filter(pk=added.pk).exists()
    assert Document.objects.public().filter(title="Albania").exists()


@pytest.mark.django_db
def test_a_statement_file_of_a_draft_programme_is_not_public(meeting, states):
    draft = factories.ProgrammeFactory(meeting=meeting, status="draft")
    session = factories.SessionFactory(programme=draft, date=meeting.start_date)
    hidden = factories.DocumentFactory(title="Hidden", kind="statement", file=None)
    factories.StatementFactory(session=session, state=states["Albania"], documents=[hidden])
    assert not Document.objects.public().filter(pk=hidden.pk).exists()


@pytest.mark.django_db
def test_a_sessions_history_holds_its_statements_and_panellists(item, editor):
    history.keep_state(item, editor, "Test edit")
    versions = Version.objects.filter(
        revision=Version.objects.get_for_object(item).first().revision
    )
    models = [version.content_type.model for version in versions]
    assert sorted(models) == ["session", "statement", "statement", "statement"]
    assert reversion.is_registered(Statement) and reversion.is_registered(Panellist)


def test_publishing_in_the_admin_builds_the_statements_zip_before_anyone_asks(
    item, states, editor_client
):
    from django.core.files.storage import default_storage

    from meetings import queries
    from meetings.publishing import bundles

    statement = item.statements.get(state=states["Croatia"])
    statement.documents.add(factories.DocumentFactory(title="Croatia", kind="statement"))
    url = f"/admin/meetings/programme/{item.programme_id}/publish/"
    assert editor_client.post(url, {"note": "Croatia's file.", "since": "1"}).status_code == 302

    copy = Session.objects.get(uid=item.uid, programme__edition=Edition.PUBLISHED)
    found = bundles.entries(queries.statement_bundle_session_by_id(copy.pk))
    assert [entry.document.title for entry in found] == ["Croatia"]
    assert default_storage.exists(bundles.storage_name(copy, found))
