"""What the public may see is one rule per model (`public()`, meetings/models/common.py): the
loaded row's `is_public` says the same, and `not_public()` is exactly the rest."""

import factories
import pytest
from django.contrib.auth.models import AnonymousUser

from meetings.models import (
    DiscussionQuestion,
    Document,
    Edition,
    Meeting,
    NewsPost,
    Presentation,
    Programme,
    ProgrammeRevision,
    Session,
    Status,
    WorkPlan,
)
from meetings.publishing import revisions

DRAFT = Status.DRAFT
MODELS = [
    Meeting,
    Programme,
    Session,
    Presentation,
    DiscussionQuestion,
    ProgrammeRevision,
    Document,
    WorkPlan,
    NewsPost,
]


@pytest.fixture
def rows(db):
    """Something public, something in a draft meeting, something in a draft programme of a
    public meeting, and drafts of their own; documents in no meeting shown only by drafts, by
    public content, by both, and by nothing."""
    for meeting_status, programme_status in [
        (Status.PUBLISHED, Status.PUBLISHED),
        (DRAFT, Status.PUBLISHED),
        (Status.PUBLISHED, DRAFT),
    ]:
        programme = factories.ProgrammeFactory(
            meeting__status=meeting_status, status=programme_status
        )
        session = factories.SessionFactory(programme=programme)
        # A document of no meeting or programme, shown only by this presentation: public or
        # not with the presentation.
        factories.PresentationFactory(
            session=session, document=factories.DocumentFactory(file=None)
        )
        factories.DiscussionQuestionFactory(session=session)
        factories.ProgrammeRevisionFactory(programme=programme)
        factories.DocumentFactory(meeting=programme.meeting, programme=programme, file=None)
    factories.DocumentFactory(file=None)  # in no meeting and shown by nothing: public
    factories.WorkPlanFactory(status=DRAFT, document=factories.DocumentFactory(file=None))
    factories.WorkPlanFactory(document=factories.DocumentFactory(file=None))
    # Shown by a draft work plan and by an activity: public.
    shared = factories.DocumentFactory(file=None)
    factories.WorkPlanFactory(status=DRAFT, document=shared)
    factories.ActivityFactory(document=shared)
    factories.NewsPostFactory(status=DRAFT)
    factories.NewsPostFactory()


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_a_rows_is_public_says_what_public_says(rows, model):
    public = set(model.objects.public().values_list("pk", flat=True))
    assert public and public != set(model.objects.values_list("pk", flat=True))
    for row in model.objects.all():
        assert row.is_public == (row.pk in public), row


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_not_public_is_exactly_the_rest(rows, model):
    public = set(model.objects.public().values_list("pk", flat=True))
    hidden = set(model.objects.not_public().values_list("pk", flat=True))
    assert not public & hidden
    assert public | hidden == set(model.objects.values_list("pk", flat=True))


def _working(model):
    """Every row of `model` but those inside a programme's published or earlier copy."""
    rows = model.objects.all()
    if model.edition_path is not None:
        rows = rows.filter(**{f"{model.edition_path}edition": Edition.WORKING})
    return rows


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_editors_see_every_working_row_and_everyone_else_the_public_ones(rows, model):
    """Editors read what they edit, drafts included: inside programmes, the working copy (what
    the next revision publishes), never a published copy beside it; everyone else reads the
    public rows only."""
    editor = factories.EditorFactory()
    seen = set(model.objects.visible(editor).values_list("pk", flat=True))
    assert seen == set(_working(model).values_list("pk", flat=True))
    assert set(model.objects.not_public().values_list("pk", flat=True)) & seen  # drafts too
    if model.edition_path is not None:
        assert not seen & set(model.objects.public().values_list("pk", flat=True))
        # ...yet not one row fewer than delegates read: each public row's working row is seen.
        assert model.objects.visible(editor).count() >= model.objects.public().count()
    assert model.objects.visible().count() == model.objects.public().count()
    public = model.objects.public().count()
    staff = factories.UserFactory(username="staff", is_staff=True)
    assert model.objects.visible(staff).count() == public
    assert model.objects.visible(AnonymousUser()).count() == public


@pytest.mark.django_db
def test_a_document_shown_only_by_drafts_is_not_public():
    draft_programme = factories.ProgrammeFactory(status=DRAFT)
    draft_session = factories.SessionFactory(programme=draft_programme)
    public_session = factories.SessionFactory()
    by_draft_presentation = factories.DocumentFactory(file=None, title="a")
    factories.PresentationFactory(session=draft_session, document=by_draft_presentation)
    by_draft_work_plan = factories.DocumentFactory(file=None, title="b")
    factories.WorkPlanFactory(status=DRAFT, document=by_draft_work_plan)
    by_both = factories.DocumentFactory(file=None, title="c")
    factories.PresentationFactory(session=draft_session, document=by_both)
    factories.PresentationFactory(session=public_session, document=by_both)
    by_nothing = factories.DocumentFactory(file=None, title="d")

    public = set(Document.objects.public())
    assert public == {by_both, by_nothing}
    assert set(Document.objects.not_public()) == {by_draft_presentation, by_draft_work_plan}
    assert not by_draft_presentation.is_public and by_both.is_public

    revisions.publish(draft_programme, "First published.")
    assert by_draft_presentation in Document.objects.public()


def test_a_documents_rule_asks_once_whether_something_public_shows_it():
    """The library's pages plan the rule on every request: asked twice (awaiting publication,
    shown only by drafts), its 15 EXISTS took PostgreSQL 5.4 ms to plan on the 20-year
    archive; asked once, 10 took 3.9 ms."""
    for rows in (Document.objects.public(), Document.objects.not_public()):
        assert str(rows.query).count("EXISTS") == 10


def test_a_documents_rule_reads_only_the_rows_that_show_a_document():
    """Each EXISTS names rows with a document: as a set computed once (a hashed subplan), the
    rows showing none were read too, every presentation of the archive's 20,000 sessions."""
    sql = str(Document.objects.public().query)
    # Presentations public, in a working copy and in drafts; work plans public and drafts;
    # activities. (A statement's files are a join table's rows: never without a document.)
    assert sql.count('"document_id" IS NOT NULL') == 6
