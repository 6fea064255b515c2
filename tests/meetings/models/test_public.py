"""What the public may see is one rule per model (`public()`, meetings/models/common.py): the
loaded row's `is_public` says the same, and `not_public()` is exactly the rest."""

import factories
import pytest

from meetings.models import (
    DiscussionQuestion,
    Document,
    Meeting,
    NewsPost,
    Presentation,
    Programme,
    ProgrammeRevision,
    Session,
    Status,
    WorkPlan,
)

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
    public meeting, and drafts of their own."""
    for meeting_status, programme_status in [
        (Status.PUBLISHED, Status.PUBLISHED),
        (DRAFT, Status.PUBLISHED),
        (Status.PUBLISHED, DRAFT),
    ]:
        programme = factories.ProgrammeFactory(
            meeting__status=meeting_status, status=programme_status
        )
        session = factories.SessionFactory(programme=programme)
        factories.PresentationFactory(session=session)
        factories.DiscussionQuestionFactory(session=session)
        factories.ProgrammeRevisionFactory(programme=programme)
        factories.DocumentFactory(meeting=programme.meeting, programme=programme, file=None)
    factories.DocumentFactory(file=None)  # in no meeting: public
    factories.WorkPlanFactory(status=DRAFT)
    factories.WorkPlanFactory()
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


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_staff_previewing_see_every_row(rows, model):
    assert model.objects.visible(preview=True).count() == model.objects.count()
    assert model.objects.visible().count() == model.objects.public().count()
