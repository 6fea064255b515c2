"""Meetings, their programmes, timed sessions, presentations, questions and documents."""

import functools
import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Exists, Expression, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.template.defaultfilters import filesizeformat
from django.utils import formats
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField

from ..addresses import made_path, page_path
from .common import (
    ChoiceLabels,
    Edition,
    PublicManager,
    PublicQuerySet,
    Publishable,
    Searched,
    SearchedManager,
    Status,
    status_field,
    validate_time_zone,
)
from .plans import Action
from .reference import Convention, Organisation, Person, Room, State, Venue
from .remote import (
    https_only,
    interpretation_field,
    language_names,
    remote_url_field,
    un_languages_only,
)
from .translations import translated


@translated("title", "summary")
class Meeting(ChoiceLabels, Publishable, models.Model):
    class Kind(models.TextChoices):
        INTERSESSIONAL = "intersessional", _("Intersessional Meetings")
        MSP = "msp", _("Meeting of the States Parties")
        REVIEW_CONFERENCE = "review_conference", _("Review Conference")
        WORKSHOP = "workshop", _("Workshop")
        SIDE_EVENT = "side_event", _("Side event")

    convention = models.ForeignKey(
        Convention, verbose_name=_("convention"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(
        _("number"),
        null=True,
        blank=True,
        help_text=_(
            "For numbered meetings only: 11 for the Eleventh Meeting of the States Parties (11MSP)."
        ),
    )
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True, help_text=_("Used in the web address.")
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    venue = models.ForeignKey(
        Venue,
        verbose_name=_("venue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Zurich",
        validators=[validate_time_zone],
        help_text=_("Session times are local times in this zone (Europe/Zurich for Geneva)."),
    )
    summary = MarkdownxField(_("summary"), blank=True)
    status = status_field()

    # The names and States of its office holders (weight C), kept by triggers of migration 0027
    # on every write to its holders, their people and States: search finds a meeting by them.
    holder_words = SearchVectorField(
        _("words of its office holders"), default="", editable=False, serialize=False
    )
    searched = Searched(title=("title",), body=("summary",), translated=True)
    search_vector = searched.field(F("holder_words"))

    objects = PublicManager()

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [Searched.index("meeting")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="meeting_ends_on_or_after_start",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return page_path("meetings:meeting_detail", self.slug)

    def clean(self):
        super().clean()
        if self.pk and self.start_date and self.end_date:
            # As the database's trigger does: an undated session ("day to be confirmed") is
            # outside no dates (exclude(date__range=...) would count it, NULL being no date).
            outside = Session.objects.filter(
                Q(date__lt=self.start_date) | Q(date__gt=self.end_date),
                programme__meeting=self,
                programme__edition=Edition.WORKING,
            )
            if outside.exists():
                raise ValidationError(
                    _(
                        "Sessions of this meeting fall outside these dates: %(sessions)s. Move "
                        "them first."
                    ),
                    params={"sessions": ", ".join(str(s) for s in outside[:5])},
                    code="sessions_outside_meeting",
                )


@translated("title", "background", "focus")
class Programme(Publishable, models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="programmes"
    )
    title = models.CharField(
        _("title"),
        max_length=300,
        help_text=_("e.g. Parallel Programme for Victim Assistance Experts."),
    )
    slug = models.SlugField(
        _("slug"), max_length=100, help_text=_("Used in the web address; unique in its meeting.")
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order among the meeting's programmes.")
    )
    background = MarkdownxField(_("background"), blank=True)
    focus = MarkdownxField(
        _("focus"), blank=True, help_text=_("What this programme concentrates on.")
    )
    convened_by = models.ManyToManyField(
        "meetings.Mandate",
        verbose_name=_("convened by"),
        blank=True,
        related_name="programmes",
        help_text=_("The office holders who convene it, e.g. the Co-Chairs."),
    )
    remote_url = remote_url_field()
    hybrid = models.BooleanField(
        _("hybrid"), default=False, help_text=_("Delegates take part in the room and online.")
    )
    interpretation = interpretation_field(_("The languages delegates can listen in."))
    status = status_field()
    # Staff edit the working copy; publishing a revision copies it whole (sessions,
    # presentations, questions, the documents listed) into a row of its own that delegates
    # read, and the copy of the revision before becomes an earlier revision, kept read only
    # (meetings/publishing/revisions.py). A copy's status follows its working copy's (a
    # trigger of migration 0015).
    edition = models.CharField(
        _("edition"),
        max_length=10,
        choices=Edition.choices,
        default=Edition.WORKING,
        editable=False,
    )
    working = models.ForeignKey(
        "self",
        verbose_name=_("working copy"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="editions",
        help_text=_("For a published copy: the working copy it was made from."),
    )
    published_documents = models.ManyToManyField(
        "meetings.Document",
        verbose_name=_("documents listed when published"),
        blank=True,
        editable=False,
        related_name="+",
    )

    # The names and States of the office holders convening it (weight C), kept by triggers of
    # migration 0027 as a meeting's are: search finds a programme by them.
    holder_words = SearchVectorField(
        _("words of its conveners"), default="", editable=False, serialize=False
    )
    searched = Searched(title=("title",), body=("background", "focus"), translated=True)
    search_vector = searched.field(F("holder_words"))

    objects = PublicManager()
    status_paths = ("", "meeting__")
    edition_path = ""

    class Meta:
        ordering = ["meeting_id", "position", "title"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        indexes = [Searched.index("programme")]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "slug"],
                condition=Q(edition=Edition.WORKING),
                name="programme_unique_slug_in_meeting",
                violation_error_message=_("This meeting already has a programme with this slug."),
            ),
            models.UniqueConstraint(
                fields=["meeting", "slug"],
                condition=Q(edition=Edition.PUBLISHED),
                name="programme_one_published_at_an_address",
                violation_error_message=_(
                    "Another programme of this meeting is published at this address."
                ),
            ),
            models.UniqueConstraint(
                fields=["working"],
                condition=Q(edition=Edition.PUBLISHED),
                name="programme_one_published_copy",
            ),
            models.CheckConstraint(
                condition=Q(edition=Edition.WORKING, working__isnull=True)
                | (~Q(edition=Edition.WORKING) & Q(working__isnull=False)),
                name="programme_copy_has_working_copy",
            ),
            https_only("programme_remote_url_https"),
            un_languages_only("programme_interpretation_un_languages"),
        ]

    def __str__(self):
        if self.edition == Edition.WORKING:
            return self.title
        return f"{self.title} ({self.get_edition_display()})"

    def get_absolute_url(self):
        return page_path("meetings:programme_detail", self.meeting.slug, self.slug)

    def clean(self):
        super().clean()
        taken = Programme.objects.filter(
            meeting_id=self.meeting_id, slug=self.slug, edition=Edition.WORKING
        ).exclude(pk=self.pk)
        # The constraint holds for working copies only, so a form (without `edition`) skips it.
        if self.edition == Edition.WORKING and self.meeting_id and taken.exists():
            raise ValidationError(
                {"slug": _("This meeting already has a programme with this slug.")},
                code="unique_slug_in_meeting",
            )
        if (
            self.edition == Edition.WORKING
            and self.status == Status.PUBLISHED
            and not (self.pk and self.editions.filter(edition=Edition.PUBLISHED).exists())
        ):
            raise ValidationError(
                {
                    "status": _(
                        "Delegates see a programme once a revision of it is published: save it "
                        "as a draft, then use “Publish a revision”."
                    )
                },
                code="never_published",
            )

    @property
    def is_working_copy(self):
        return self.edition == Edition.WORKING

    @property
    def follow_url(self):
        return self.remote_url

    @property
    def is_hybrid(self):
        return self.hybrid

    @property
    def interpretation_names(self):
        """['Arabic', 'Chinese', ...]: its interpretation languages named in the active one."""
        return language_names(self.interpretation)

    @property
    def is_published_revision(self):
        """A published copy, of the latest revision or an earlier one, of a programme and
        meeting that are public: what has public PDFs."""
        return (
            self.edition != Edition.WORKING
            and self.status == Status.PUBLISHED
            and self.meeting.status == Status.PUBLISHED
        )

    @cached_property
    def revision(self):
        """The revision it shows: a published copy's own; for a working copy, the latest
        (what its unpublished changes are since), or None."""
        if self.edition == Edition.WORKING:
            revisions = self.revisions.all()  # newest first
            return revisions[0] if revisions else None
        try:
            return self.published_as
        except type(self).published_as.RelatedObjectDoesNotExist:
            return None

    @property
    def listed_documents(self):
        """The documents listed under it: a working copy's as staff set them now, a published
        copy's as they were when published."""
        if self.edition == Edition.WORKING:
            return self.documents.all()
        return self.published_documents.all()

    @property
    def file_stem(self):
        """'APMBC-2012-05-parallel-programme-victim-assistance': names its PDF, calendar and
        schedule files."""
        meeting = self.meeting
        return f"{meeting.convention.short_name}-{meeting.start_date:%Y-%m}-{self.slug}"


@deconstructible(path="meetings.models.programmes.DayTime")
class DayTime(Expression):
    """A session's place in its day, what Meta.ordering sorts by: its own start time, or for a
    session without one the start time of the timed session of the same day placed before it
    by position (none: NULL, it opens the day). Built when a query uses it, so that every
    manager (the base manager too) sorts by the one rule."""

    def __init__(self):
        super().__init__(output_field=models.TimeField())

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        return Coalesce("start_time", Subquery(_placed_before(query.model))).resolve_expression(
            query, allow_joins, reuse, summarize, for_save
        )


@functools.cache
def _placed_before(model):
    """The start time of the timed session placed before a session of `model` on its day, as
    a subquery: built once per process, since every query of sessions sorts by it (Subquery
    works on a copy)."""
    return (
        models.QuerySet(model)
        .filter(programme=OuterRef("programme"), date=OuterRef("date"), start_time__isnull=False)
        .filter(
            Q(position__lt=OuterRef("position"))
            | Q(position=OuterRef("position"), pk__lt=OuterRef("pk"))
        )
        .order_by("-position", "-pk")
        .values("start_time")[:1]
    )


@translated("title", "purpose", "questions_intro")
class Session(ChoiceLabels, Publishable, models.Model):
    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening")
        DISCUSSION = "discussion", _("Discussion")
        PRESENTATION = "presentation", _("Presentation")
        PANEL = "panel", _("Panel")
        GROUP_WORK = "group_work", _("Group work")
        FEEDBACK = "feedback", _("Feedback")
        BREAK = "break", _("Break")
        CLOSING = "closing", _("Closing")

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="sessions",
        limit_choices_to={"edition": Edition.WORKING},
    )
    position = models.PositiveSmallIntegerField(
        _("position"),
        default=0,
        help_text=_(
            "Sessions of a day follow their start times; the position orders only what has "
            "none. A session without a time comes after the session placed before it by "
            "position (first in the day if none is), and sessions at the same time follow "
            "their positions."
        ),
    )
    date = models.DateField(
        _("day"),
        null=True,
        blank=True,
        help_text=_("Must lie within the meeting's dates. Leave empty while the day is not set."),
    )
    start_time = models.TimeField(
        _("starts"), null=True, blank=True, help_text=_("Local time at the meeting, e.g. 10:15.")
    )
    end_time = models.TimeField(_("ends"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(
        _("slug"), max_length=100, help_text=_("Used in the web address; unique in its programme.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DISCUSSION)
    room = models.ForeignKey(
        Room,
        verbose_name=_("room"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
    )
    purpose = MarkdownxField(
        _("purpose"), blank=True, help_text=_("What the session is about and why.")
    )
    questions_intro = models.TextField(
        _("introduction to the questions"),
        blank=True,
        help_text=_(
            "e.g. “Participants are asked to come prepared to address the following questions:”"
        ),
    )
    actions = models.ManyToManyField(
        Action,
        verbose_name=_("actions served"),
        blank=True,
        related_name="sessions",
        help_text=_("The action-plan actions this session helps carry out."),
    )
    remote_url = remote_url_field()
    hybrid = models.BooleanField(
        _("hybrid"),
        null=True,
        blank=True,
        help_text=_("Delegates take part in the room and online. Unknown: as its programme."),
    )
    interpretation = interpretation_field(_("None ticked: as its programme."))
    # The same session in every copy of its programme: its calendar event's UID, and what the
    # changes between two revisions are matched by.
    uid = models.UUIDField(_("identifier"), default=uuid.uuid4, editable=False)
    sequence = models.PositiveIntegerField(
        _("calendar sequence"),
        default=0,
        editable=False,
        help_text=_("In a published copy: how many published revisions changed this session."),
    )

    # The words of its discussion questions, of the delegations and panellists that took the
    # floor in it (migration 0021) and of its presentations, their presenters and organisations
    # (migration 0027), weight C, kept by triggers on every write to them: search finds a
    # session by them too.
    question_words = SearchVectorField(
        _("words of its questions"), default="", editable=False, serialize=False
    )
    searched = Searched(title=("title",), body=("purpose", "questions_intro"), translated=True)
    search_vector = searched.field(F("question_words"))

    objects = PublicManager()
    status_paths = ("programme__", "programme__meeting__")
    edition_path = "programme__"

    class Meta:
        # The one order of a programme's sessions, for its page, PDF, calendar, JSON and
        # copies: by day (undated last), then by time (DayTime), a timed
        # session before the untimed ones that follow it, then by position.
        ordering = [
            "programme_id",
            F("date").asc(nulls_last=True),
            DayTime().asc(nulls_first=True),
            F("start_time").asc(nulls_last=True),
            "position",
            "id",
        ]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [
            # Newest first across every programme (an action's page): the newest of an
            # action's thousands of sessions are found by walking this, not by sorting them.
            # (SQLite refuses NULLS LAST in an index: sessions of a day without a time are put
            # last by an incremental sort of that day's few.)
            models.Index(fields=["-date", "-start_time", "-id"], name="session_newest_first"),
            # Each session's programme beside its key: counting an action's public sessions
            # (its page) reads this, not the sessions' rows (on the 20-year archive 6,329 rows
            # read for their programme alone: the page 37.5 ms, 26.6 ms with this index).
            models.Index(fields=["id"], include=["programme"], name="session_programme_by_id"),
            Searched.index("session"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "slug"],
                name="session_unique_slug_in_programme",
                violation_error_message=_("This programme already has a session with this slug."),
            ),
            models.UniqueConstraint(
                fields=["programme", "uid"], name="session_unique_uid_in_programme"
            ),
            models.CheckConstraint(
                condition=Q(start_time__isnull=True) | Q(date__isnull=False),
                name="session_time_needs_day",
                violation_error_message=_("A session with a start time needs a day."),
            ),
            models.CheckConstraint(
                condition=Q(end_time__isnull=True)
                | Q(start_time__isnull=False, end_time__gt=F("start_time")),
                name="session_ends_after_start",
                violation_error_message=_("A session must end after it starts."),
            ),
            https_only("session_remote_url_https"),
            un_languages_only("session_interpretation_un_languages"),
        ]
        # A further invariant, "the day lies within the meeting's dates", spans two tables and
        # is enforced in the database by triggers (migration 0013) and in clean().

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        programme = self.programme
        return page_path(
            "meetings:session_detail", programme.meeting.slug, programme.slug, self.slug
        )

    @property
    def is_break(self):
        return self.kind == self.Kind.BREAK

    # What a delegate following it from afar needs: its own, else its programme's.
    @property
    def follow_url(self):
        return self.remote_url or self.programme.remote_url

    @property
    def is_hybrid(self):
        return self.programme.hybrid if self.hybrid is None else self.hybrid

    @property
    def interpretation_languages(self):
        return self.interpretation or self.programme.interpretation

    @property
    def interpretation_names(self):
        return language_names(self.interpretation_languages)

    def clean(self):
        super().clean()
        # A session added with its programme (an inline of a new one) has the programme unsaved.
        has_programme = self.programme_id is not None or Session.programme.is_cached(self)
        if self.date is None or not has_programme or self.programme.meeting_id is None:
            return
        meeting = self.programme.meeting
        if not (meeting.start_date <= self.date <= meeting.end_date):
            raise ValidationError(
                {
                    "date": ValidationError(
                        _("%(day)s is outside the dates of %(meeting)s (%(start)s to %(end)s)."),
                        params={
                            "day": formats.date_format(self.date),
                            "meeting": meeting,
                            "start": formats.date_format(meeting.start_date),
                            "end": formats.date_format(meeting.end_date),
                        },
                        code="session_outside_meeting",
                    )
                }
            )


@translated("title")
class Presentation(ChoiceLabels, Publishable, models.Model):
    class Kind(models.TextChoices):
        SCENE_SETTING = "scene_setting", _("Scene-setting presentation")
        PRESENTATION = "presentation", _("Presentation")
        REMARKS = "remarks", _("Remarks")
        STATEMENT = "statement", _("Statement")

    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        limit_choices_to={"programme__edition": Edition.WORKING},
        related_name="presentations",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.PRESENTATION
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    presenters = models.ManyToManyField(
        Person, verbose_name=_("presenters"), blank=True, related_name="presentations"
    )
    organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("organisations"),
        blank=True,
        related_name="presentations",
        help_text=_("The organisations presenting, e.g. ICRC."),
    )
    delegation_state = models.ForeignKey(
        State,
        verbose_name=_("delegation (State)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
        help_text=_("For a statement by a State's delegation."),
    )
    delegation_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("delegation (organisation)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
        help_text=_("For a statement by an organisation's delegation."),
    )
    document = models.ForeignKey(
        "meetings.Document",
        verbose_name=_("document"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="presentations",
    )

    objects = PublicQuerySet.as_manager()
    status_paths = ("session__programme__", "session__programme__meeting__")
    edition_path = "session__programme__"

    class Meta:
        ordering = ["session_id", "position", "pk"]
        verbose_name = _("presentation")
        verbose_name_plural = _("presentations")
        constraints = [
            models.CheckConstraint(
                condition=Q(delegation_state__isnull=True)
                | Q(delegation_organisation__isnull=True),
                name="presentation_one_delegation",
                violation_error_message=_(
                    "A statement is by a State or by an organisation, not both."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}" if self.title else self.get_kind_display()

    def get_absolute_url(self):
        return self.session.get_absolute_url() + f"#presentation-{self.pk}"


@translated("text")
class DiscussionQuestion(ChoiceLabels, Publishable, models.Model):
    class Audience(models.TextChoices):
        ALL = "all", _("All participants")
        STATES_PARTIES = "states_parties", _("States Parties' experts")
        SURVIVORS = "survivors", _("Survivors and their representative organisations")

    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="questions",
        limit_choices_to={"programme__edition": Edition.WORKING},
    )
    audience = models.CharField(
        _("asked of"), max_length=20, choices=Audience.choices, default=Audience.ALL
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("question"))

    searched = Searched(body=("text",), translated=True)
    search_vector = searched.field()

    objects = PublicManager()
    status_paths = ("session__programme__", "session__programme__meeting__")
    edition_path = "session__programme__"

    class Meta:
        ordering = ["session_id", "audience", "position", "pk"]
        verbose_name = _("discussion question")
        verbose_name_plural = _("discussion questions")
        indexes = [Searched.index("discussionquestion")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""),
                name="question_not_empty",
                violation_error_message=_("A question needs its text."),
            ),
        ]

    def __str__(self):
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"

    def get_absolute_url(self):
        return self.session.get_absolute_url() + f"#question-{self.pk}"


def document_upload_to(instance, filename):
    """A name the server chooses: never the uploader's (which may hold ../, quotes, CR/LF)."""
    return f"documents/{uuid.uuid4().hex}.pdf"


def validate_pdf(file):
    """Refuse anything that is not a PDF by its content, not just by its name."""
    if getattr(file, "_committed", False):
        return  # already stored and checked when it was uploaded
    if file.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if file.size > settings.DOCUMENT_MAX_BYTES:
        size, limit = size_and_limit(file.size, settings.DOCUMENT_MAX_BYTES)
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s."),
            params={"size": size, "limit": limit},
            code="too_large",
        )
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(1024)
    file.seek(position)
    if not head.lstrip(b"\x00\t\n\r ").startswith(b"%PDF-"):
        raise ValidationError(
            _("This is not a PDF file: its content does not start as a PDF does."),
            code="not_pdf",
        )


def size_and_limit(size_bytes, limit_bytes):
    """An upload's size and the limit it passed, for a message: ("21.0 MB", "20.0 MB") in the
    active language; with the bytes as well where the two would read the same."""
    size, limit = filesizeformat(size_bytes), filesizeformat(limit_bytes)
    if size != limit:
        return size, limit
    return tuple(
        gettext("%(size)s (%(bytes)s bytes)")
        % {"size": shown, "bytes": formats.number_format(exact, force_grouping=True)}
        for shown, exact in ((size, size_bytes), (limit, limit_bytes))
    )


class DocumentQuerySet(PublicQuerySet):
    """A document is a draft when it lies inside one (its meeting, its programme or that
    programme's meeting is a draft); when it waits for a programme's next revision (it is listed
    under a programme's working copy, or shown by a presentation or a statement of one, and no
    published copy lists or shows it yet); or when it has no meeting or programme of its own and
    only drafts show it: presentations, statements and work plans that are (or lie inside)
    drafts, and nothing public. A document that nothing shows (guidance, say) is public: the
    library lists it. A statement's file has no meeting or programme of its own: it is public
    when a public statement shows it."""

    @staticmethod
    def _inside_a_draft():
        return (
            Q(meeting__status=Status.DRAFT)
            | Q(programme__status=Status.DRAFT)
            | Q(programme__meeting__status=Status.DRAFT)
        )

    @staticmethod
    def _showing(rows):
        # "IS NOT NULL" says nothing new to the EXISTS, but PostgreSQL runs a large one as a set
        # computed once (a hashed subplan), and without it that set read every presentation.
        return Exists(rows.filter(document__isnull=False, document=OuterRef("pk")))

    @staticmethod
    def _statements_showing(statements):
        return Exists(statements.filter(documents=OuterRef("pk")))

    @staticmethod
    def _statements():
        from .speakers import Statement  # it refers to Document

        return Statement.objects

    @classmethod
    def _shown_in_public(cls):
        from .coordination import Activity, WorkPlan  # they refer to Document

        listed = Programme.published_documents.through.objects.filter(
            document=OuterRef("pk"), programme__edition=Edition.PUBLISHED
        )
        return (
            cls._showing(Presentation.objects.public())
            | cls._statements_showing(cls._statements().public())
            | cls._showing(WorkPlan.objects.public())
            | cls._showing(Activity.objects.all())  # activities are never drafts
            | Exists(listed)
        )

    @classmethod
    def _in_a_working_copy(cls):
        return (
            Q(programme__isnull=False)
            | cls._showing(Presentation.objects.filter(session__programme__edition=Edition.WORKING))
            | cls._statements_showing(
                cls._statements().filter(session__programme__edition=Edition.WORKING)
            )
        )

    @classmethod
    def _loose_and_shown_by_drafts(cls):
        """Loose (no meeting or programme of its own) and shown by drafts: a draft itself,
        unless something public shows it too."""
        from .coordination import WorkPlan  # it refers to Document

        by_drafts = (
            cls._showing(Presentation.objects.not_public())
            | cls._statements_showing(cls._statements().not_public())
            | cls._showing(WorkPlan.objects.not_public())
        )
        return Q(meeting__isnull=True, programme__isnull=True) & by_drafts

    @classmethod
    def _public_outside_drafts(cls):
        """Neither awaiting publication (in a working copy, shown by no public row) nor shown
        only by drafts: shown in public, or neither. What is shown in public is asked once, so
        PostgreSQL plans each EXISTS once (the library's pages plan this on every request)."""
        return cls._shown_in_public() | (
            ~cls._in_a_working_copy() & ~cls._loose_and_shown_by_drafts()
        )

    def public(self):
        return (
            self.exclude(meeting__status=Status.DRAFT)
            .exclude(programme__status=Status.DRAFT)
            .exclude(programme__meeting__status=Status.DRAFT)
            .filter(self._public_outside_drafts())
        )

    def not_public(self):
        return self.filter(self._inside_a_draft() | ~self._public_outside_drafts())


class Document(ChoiceLabels, Publishable, models.Model):
    class Kind(models.TextChoices):
        PROGRAMME = "programme", _("Programme")
        PRESENTATION = "presentation", _("Presentation")
        STATEMENT = "statement", _("Statement")
        PARTICIPANTS = "participants", _("List of participants")
        CONCEPT_NOTE = "concept_note", _("Concept note")
        WORK_PLAN = "work_plan", _("Work plan")
        GUIDANCE = "guidance", _("Guidance")
        OTHER = "other", _("Other")

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        FRENCH = "fr", _("French")
        SPANISH = "es", _("Spanish")
        ARABIC = "ar", _("Arabic")
        CHINESE = "zh", _("Chinese")
        RUSSIAN = "ru", _("Russian")

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.ENGLISH
    )
    file = models.FileField(
        _("file"),
        upload_to=document_upload_to,
        blank=True,
        validators=[FileExtensionValidator(["pdf"]), validate_pdf],
        help_text=_("A PDF. Its size is measured on upload."),
    )
    size_bytes = models.PositiveBigIntegerField(
        _("size in bytes"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Measured from the uploaded file. For a document whose file we do not "
            "hold, the size its source states."
        ),
    )
    symbol = models.CharField(
        _("official symbol"),
        max_length=100,
        blank=True,
        help_text=_("e.g. APLC/MSP.11/2011/WP.1. One symbol may have one file per language."),
    )
    revision = models.CharField(_("revision"), max_length=20, blank=True)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.SET_NULL,
        limit_choices_to={"edition": Edition.WORKING},
        null=True,
        blank=True,
        related_name="documents",
    )

    searched = Searched(title=("title", "symbol"))
    search_vector = searched.field()

    objects = SearchedManager.from_queryset(DocumentQuerySet)()
    status_paths = ()  # no status of its own: DocumentQuerySet.public() is its rule

    class Meta:
        ordering = ["title", "language"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [Searched.index("document")]
        constraints = [
            models.UniqueConstraint(
                fields=["symbol", "revision", "language"],
                condition=~Q(symbol=""),
                name="document_one_file_per_symbol_language",
                violation_error_message=_(
                    "There is already a document with this symbol, revision and language."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.get_language_display()})"

    def save(self, *args, **kwargs):
        if self.file:
            self.size_bytes = self.file.size
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The file, served by the site with safe headers (meetings.views.document_file)."""
        if not self.file:
            return page_path("meetings:document_list")
        return made_path("meetings:document_file", self.pk, self.download_name)

    @property
    def download_name(self):
        """A file name that says what the document is, made of safe characters only: the
        uploader's name is never used, and a title's quotes, slashes, CR/LF or direction marks
        cannot reach a header ("co-chairs-paper-en.pdf")."""
        stem = slugify(self.symbol or self.title)[:80].strip("-") or f"document-{self.pk}"
        return f"{stem}-{self.language}.pdf"

    @property
    def is_public(self):
        """DocumentQuerySet.public()'s rule, on a loaded row: its meeting and programme as
        loaded; then what shows it (one query)."""
        above = [self.meeting, self.programme, self.programme and self.programme.meeting]
        if not all(row.status == Status.PUBLISHED for row in above if row is not None):
            return False
        return type(self).objects.public().filter(pk=self.pk).exists()

    @property
    def is_available(self):
        return bool(self.file)

    @property
    def format_label(self):
        """'PDF', from the stored name; every document we hold or describe is a PDF."""
        suffix = PurePath(self.file.name).suffix if self.file else ".pdf"
        return suffix.lstrip(".").upper() or "PDF"
