"""Test data, made by factory_boy: each factory makes a valid row with what it needs, so a test
names only what it is about. Only the tests of the seed fixtures' fidelity (that the site says
what the five source documents say) load `seeds`; every other test builds its data here.

Made-up text says so ("Test meeting 3"): nothing here is treaty or action-plan text.
Everything public by default (`status=published`); a test about drafts says `status=DRAFT`.

Delegates read a programme's published copy, made when a revision is published
(meetings/publishing/revisions.py). So that a test names only what it is about, a published
programme made here has one, and a session, presentation, question or document a factory adds
to it goes into that copy too (`show_published`), as if published with it; a test about the
working copy changes rows without a factory, and publishes with `revisions.publish`.
"""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from meetings import models

PUBLISHED = models.Status.PUBLISHED
FIRST_DAY = datetime.date(2030, 5, 21)


def minimal_pdf(text="Test document"):
    """The bytes of a one-page PDF that pdf readers open."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


# -- reference data -------------------------------------------------------------------------------


class ConventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Convention
        django_get_or_create = ["short_name"]

    short_name = "APMBC"
    full_name = "Test convention (full name)"
    isu_email = "isu@example.org"


class StateFactory(factory.django.DjangoModelFactory):
    """One of the States migration 0017 loads into every database (Austria, Panama, ... with
    their UN names in three languages); the name is used only for a code ISO lacks."""

    class Meta:
        model = models.State
        django_get_or_create = ["iso_code"]

    iso_code = factory.Iterator(["AT", "PA", "DZ", "HR", "KH", "CO", "MZ", "LA"])
    name = factory.LazyAttribute(lambda state: f"Test State {state.iso_code}")


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Party

    convention = factory.SubFactory(ConventionFactory)
    state = factory.SubFactory(StateFactory)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organisation

    name = factory.Sequence(lambda n: f"Test organisation {n}")
    acronym = factory.Sequence(lambda n: f"TO{n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Person

    name = factory.Sequence(lambda n: f"Test Person {n}")
    function = "Test function"


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Venue
        django_get_or_create = ["name", "city"]

    name = "Test Building"
    address = "1 Test Street"
    city = "Geneva"


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Room
        django_get_or_create = ["venue", "name"]

    venue = factory.SubFactory(VenueFactory)
    name = factory.Sequence(lambda n: f"Salle {n}")
    floor = "Ground Floor"


# -- action plans --------------------------------------------------------------------------------


class ActionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ActionPlan
        django_get_or_create = ["slug"]

    convention = factory.SubFactory(ConventionFactory)
    name = factory.Sequence(lambda n: f"Test Action Plan {n}")
    short_name = "TAP"
    slug = factory.Sequence(lambda n: f"test-action-plan-{n}")
    start_year = 2030
    end_year = 2034


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Action

    plan = factory.SubFactory(ActionPlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Test action title {n}")
    source = "Made up for a test."


# -- meetings and programmes ----------------------------------------------------------------------


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Meeting

    convention = factory.SubFactory(ConventionFactory)
    kind = models.Meeting.Kind.INTERSESSIONAL
    title = factory.Sequence(lambda n: f"Test meeting {n}")
    slug = factory.Sequence(lambda n: f"test-meeting-{n}")
    start_date = FIRST_DAY
    end_date = factory.LazyAttribute(lambda meeting: meeting.start_date + datetime.timedelta(4))
    venue = factory.SubFactory(VenueFactory)
    status = PUBLISHED


def show_published(programme):
    """Make the published copy of the working copy `programme` say what it says now (made if it
    has none; nothing for a draft that never was published)."""
    from meetings.publishing import revisions

    programme.refresh_from_db()
    if programme.edition != models.Edition.WORKING:
        return  # a row made right in a published copy (a test about what pages show of it)
    copy = programme.editions.filter(edition=models.Edition.PUBLISHED).first()
    if copy is not None:
        revisions.replace_content(programme, copy)
    elif programme.status == PUBLISHED:
        revisions.make_copy(programme)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Programme
        skip_postgeneration_save = True

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Test programme {n}")
    slug = factory.Sequence(lambda n: f"test-programme-{n}")
    status = PUBLISHED

    @factory.post_generation
    def published_copy(self, create, _value):
        if create:
            show_published(self)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Session
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Test session {n}")
    slug = factory.Sequence(lambda n: f"test-session-{n}")
    date = factory.LazyAttribute(lambda session: session.programme.meeting.start_date)
    start_time = factory.Sequence(lambda n: datetime.time(9 + n % 9, 0))
    position = factory.Sequence(lambda n: n)
    kind = models.Session.Kind.DISCUSSION
    room = factory.SubFactory(RoomFactory)

    class Params:
        # Its day and time not set yet, nor its room.
        undated = factory.Trait(date=None, start_time=None, room=None)

    @factory.post_generation
    def actions(self, create, actions):
        if create and actions:
            self.actions.set(actions)

    @factory.post_generation
    def published_copy(self, create, _value):
        if create:
            show_published(self.programme)


class DiscussionQuestionFactory(factory.django.DjangoModelFactory):
    session = factory.SubFactory(SessionFactory)
    text = factory.Sequence(lambda n: f"Test question {n}?")
    position = factory.Sequence(lambda n: n)

    class Meta:
        model = models.DiscussionQuestion
        skip_postgeneration_save = True

    @factory.post_generation
    def published_copy(self, create, _value):
        if create:
            show_published(self.session.programme)


class PresentationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Presentation
        skip_postgeneration_save = True

    session = factory.SubFactory(SessionFactory)
    kind = models.Presentation.Kind.PRESENTATION
    title = factory.Sequence(lambda n: f"Test presentation {n}")
    position = factory.Sequence(lambda n: n)

    @factory.post_generation
    def presenters(self, create, presenters):
        if create and presenters:
            self.presenters.set(presenters)

    @factory.post_generation
    def organisations(self, create, organisations):
        if create and organisations:
            self.organisations.set(organisations)

    @factory.post_generation
    def published_copy(self, create, _value):
        if create:
            show_published(self.session.programme)


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Statement
        skip_postgeneration_save = True

    session = factory.SubFactory(SessionFactory)
    group = models.Statement.Group.STATEMENTS
    position = factory.Sequence(lambda n: n)
    state = factory.SubFactory(StateFactory)

    @factory.post_generation
    def documents(self, create, documents):
        if create and documents:
            self.documents.set(documents)

    @factory.post_generation
    def published_copy(self, create, _value):
        if create:
            show_published(self.session.programme)


class PanellistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Panellist
        skip_postgeneration_save = True

    session = factory.SubFactory(SessionFactory, kind=models.Session.Kind.PANEL)
    position = factory.Sequence(lambda n: n)
    title = "Ms."
    name = factory.Sequence(lambda n: f"Test Panellist {n}")
    post = "Programme Manager"

    @factory.post_generation
    def published_copy(self, create, _value):
        if create:
            show_published(self.session.programme)


class RecordingFactory(factory.django.DjangoModelFactory):
    """A session's video on UN Web TV; `kind="audio"` and a `language` for the Digital
    Recordings Portal's floor or interpretation."""

    class Meta:
        model = models.Recording
        skip_postgeneration_save = True

    session = factory.SubFactory(SessionFactory)
    kind = models.Recording.Kind.VIDEO
    language = models.Recording.FLOOR
    url = factory.Sequence(lambda n: f"https://webtv.un.org/en/asset/k1{n:x}/test")

    @factory.post_generation
    def published_copy(self, create, _value):
        if create:
            show_published(self.session.programme)


class DocumentFactory(factory.django.DjangoModelFactory):
    """A document with a held PDF file; `file=None` for one whose file we do not hold."""

    class Meta:
        model = models.Document
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Test document {n}")
    kind = models.Document.Kind.PRESENTATION
    language = models.Document.Language.ENGLISH
    file = factory.LazyAttribute(lambda d: ContentFile(minimal_pdf(d.title), name="test.pdf"))

    class Params:
        # A document whose file we do not hold: the size its source states.
        not_held = factory.Trait(file=None, size_bytes=44 * 1024)

    @factory.post_generation
    def published_copy(self, create, _value):
        if create and self.programme_id:
            show_published(self.programme)


class ProgrammeRevisionFactory(factory.django.DjangoModelFactory):
    """A revision of the programme as it is now, made as publishing makes one (a copy of it that
    delegates read, and its snapshot), without publishing's checks."""

    class Meta:
        model = models.ProgrammeRevision

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)
    note = "Test revision note."
    published_at = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0))

    @classmethod
    def _create(cls, model_class, programme, **fields):
        from meetings.publishing import revisions

        return revisions.new_revision(programme, **fields)


# -- coordination and news ------------------------------------------------------------------------


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Office
        django_get_or_create = ("name",)

    name = "Co-Chairs"
    position = 10


class MandateFactory(factory.django.DjangoModelFactory):
    """A term in an office; with `meeting`, one of that meeting's office holders."""

    class Meta:
        model = models.Mandate

    convention = factory.SubFactory(ConventionFactory)
    office = factory.SubFactory(OfficeFactory)
    state = factory.SubFactory(StateFactory)
    start_date = datetime.date(2030, 1, 1)
    end_date = datetime.date(2030, 12, 31)


class WorkPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.WorkPlan

    convention = factory.SubFactory(ConventionFactory)
    title = factory.Sequence(lambda n: f"Test work plan {n}")
    slug = factory.Sequence(lambda n: f"test-work-plan-{n}")
    start_year = 2030
    end_year = 2031
    status = PUBLISHED


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Milestone

    work_plan = factory.SubFactory(WorkPlanFactory)
    year = 2030
    quarter = 1
    text = factory.Sequence(lambda n: f"Test milestone {n}")


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Activity

    convention = factory.SubFactory(ConventionFactory)
    year = 2030
    month = 5
    text = factory.Sequence(lambda n: f"Test activity {n}")


class ObligationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Obligation

    convention = factory.SubFactory(ConventionFactory)
    state = factory.SubFactory(StateFactory)
    article = "5"
    as_of_year = 2030
    as_of_month = 4


class NewsCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.NewsCategory
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Test category {n}")
    slug = factory.Sequence(lambda n: f"test-category-{n}")


class NewsPostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.NewsPost

    title = factory.Sequence(lambda n: f"Test news {n}")
    slug = factory.Sequence(lambda n: f"test-news-{n}")
    posted_on = datetime.date(2030, 4, 1)
    body = "Test news text."
    status = PUBLISHED


# -- people who sign in ---------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("pw-test-1")


class EditorFactory(UserFactory):
    """An ISU editor: staff, in the "ISU editor" group (migration 0002)."""

    username = "editor"
    password = factory.django.Password("pw-editor-1")
    is_staff = True

    @factory.post_generation
    def groups(self, create, extracted):
        if create:
            self.groups.add(Group.objects.get(name="ISU editor"))
