"""Who holds which office, coordinators' work plans and activities, and States' obligations."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField

from ..addresses import page_path
from .common import MONTH_CHOICES, PublicManager, Publishable, Searched, status_field
from .plans import Action
from .programmes import Document, Meeting
from .reference import Convention, Person, State
from .translations import in_language, translated


def year_range_constraint(model_name):
    return models.CheckConstraint(
        condition=Q(end_year__isnull=True) | Q(end_year__gte=F("start_year")),
        name=f"{model_name}_ends_after_start",
        violation_error_message=_("The last year cannot be before the first year."),
    )


@translated("name", "singular_name", "feminine_name", "feminine_plural_name")
class Office(models.Model):
    """An office States hold, named as a meeting's page heads its holders: "Co-Chairs",
    "Rapporteur", "Co-Rapporteurs", "Coordinators on Victim Assistance", "President"; staff add
    any other.

    Its forms in each language: `name` heads several holders, `feminine_plural_name` several
    women; a holder alone is named by `singular_name`, a woman alone by `feminine_name`
    (`Mandate.title_field`, `heading_field`). An empty form falls back to the next one that
    fits, never to a word nobody wrote."""

    name = models.CharField(
        _("name"),
        max_length=200,
        unique=True,
        help_text=_("As a meeting's page heads several holders, e.g. “Co-Chairs” or “Rapporteur”."),
    )
    singular_name = models.CharField(
        _("name for one holder"),
        max_length=200,
        blank=True,
        help_text=_(
            "As a row naming one holder shows the office, e.g. “Co-Chair”, “Coprésident”, "
            "“Copresidente”; empty: the name above."
        ),
    )
    feminine_name = models.CharField(
        _("name for a woman holding it"),
        max_length=200,
        blank=True,
        help_text=_(
            "Where a language writes the office differently for a woman, as a row naming one "
            "holder shows it: “Coprésidente”, “Copresidenta”. Used for a person whose titles are "
            "feminine; empty: the name for one holder."
        ),
    )
    feminine_plural_name = models.CharField(
        _("name for several women holding it"),
        max_length=200,
        blank=True,
        help_text=_(
            "Where a language writes the office differently for women, as a meeting's page heads "
            "holders who are all women: “Corapporteuses”, “Correlatoras”; empty: the name above."
        ),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order among the offices a meeting's page lists.")
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self):
        return in_language(self, "name")

    def get_absolute_url(self):
        return reverse("meetings:coordination")

    def form_field(self, language, forms):
        """The first of `forms` (fields, in order of preference) the office has in `language`;
        else the first it has in English (a page then shows that English, marked as such); else
        its name. A French "Coprésidents" is preferred to an English "Co-Chair"."""
        for code in (language, "en"):
            for form in forms:
                if getattr(self, form if code == "en" else f"{form}_{code}", ""):
                    return form
        return "name"


@translated("detail")
class Mandate(models.Model):
    """A State's term in an office, with its real first and last days, and where it is one of
    a meeting's office holders, that meeting and its place in the order the meeting gives.

    "Current" means today lies within the term (queries.current_mandates). Where a source gives
    only years, the term runs from 1 January of the first year to 31 December of the last
    (migration 0019, the seed fixture), and pages show such a term as years alone (the
    template tag `term`).
    """

    convention = models.ForeignKey(
        Convention,
        verbose_name=_("convention"),
        on_delete=models.PROTECT,
        related_name="mandates",
        blank=True,
        help_text=_("For a meeting's office holder, the meeting's."),
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="office_holders",
        help_text=_("The meeting at which the State held the office, if it is one of its own."),
    )
    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="holders"
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order among the holders of the office.")
    )
    state = models.ForeignKey(
        State, verbose_name=_("state"), on_delete=models.PROTECT, related_name="mandates"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mandates",
        help_text=_("The person who holds the office for the State, where a source names one."),
    )
    detail = models.CharField(
        _("detail"),
        max_length=200,
        blank=True,
        help_text=_("e.g. “Eleventh Meeting of the States Parties (11MSP)” for a President."),
    )
    # Required in the database, optional in forms: a meeting's holder left without them is
    # given the meeting's days (clean).
    start_date = models.DateField(
        _("term from"),
        blank=True,
        help_text=_("The first day of the term; for a meeting's holder, the meeting's if empty."),
    )
    end_date = models.DateField(
        _("term until"),
        blank=True,
        help_text=_("The last day of the term; for a meeting's holder, the meeting's if empty."),
    )

    class Meta:
        ordering = ["-start_date", "convention_id", "office__position", "office_id", "position"]
        verbose_name = _("office holder")
        verbose_name_plural = _("office holders")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="mandate_ends_on_or_after_start",
                violation_error_message=_("The term cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["meeting", "office", "position"],
                name="mandate_one_holder_per_position",
                violation_error_message=_(
                    "Two holders of this office at this meeting have the same position: give "
                    "each its own."
                ),
            ),
        ]

    def __str__(self):
        office = str(self.office) if self.office_id else ""
        if self.detail:
            office = f"{office}, {self.detail}"
        term = self.years or f"{self.start_date} – {self.end_date}"
        return f"{self.state}: {office} ({self.convention}, {term})"

    def get_absolute_url(self):
        if self.meeting_id:
            return self.meeting.get_absolute_url()
        return reverse("meetings:coordination")

    @property
    def is_woman(self):
        """Whether the holder is a person whose titles are feminine."""
        return bool(self.person_id and self.person.feminine)

    def title_field(self, language):
        """The field of the office that names this holder alone in `language`: for a woman its
        feminine name, for anyone else its name for one holder; where the office has not that
        form there, the next that it has (`Office.form_field`)."""
        forms = ["singular_name", "name"]
        if self.is_woman:
            forms.insert(0, "feminine_name")
        return self.office.form_field(language, forms)

    @classmethod
    def heading_field(cls, holders, language):
        """The field of their office that heads `holders` (one office's, at one meeting) in
        `language`: one holder's own title (`title_field`); for several, the plural, its
        feminine plural where all are women and the office has one."""
        if len(holders) == 1:
            return holders[0].title_field(language)
        forms = ["name"]
        if all(m.is_woman for m in holders):
            forms.insert(0, "feminine_plural_name")
        return holders[0].office.form_field(language, forms)

    def clean(self):
        super().clean()
        meeting = self.meeting  # also a meeting not saved yet, whose rows these are
        if meeting is not None:
            self.convention_id = meeting.convention_id
            self.start_date = self.start_date or meeting.start_date
            self.end_date = self.end_date or meeting.end_date
        missing = {
            name: _("Give the term's dates, or a meeting whose dates it takes.")
            for name in ("start_date", "end_date")
            if getattr(self, name) is None
        }
        # A meeting not saved yet may lack its convention: its own form says so, and the
        # meeting's office-holder rows have no convention field to say it on.
        if not self.convention_id and meeting is None:
            missing["convention"] = _("Give the convention, or a meeting whose convention it is.")
        if missing:
            raise ValidationError(missing, code="term_dates_missing")

    @property
    def in_whole_years(self):
        """Whether the term is whole calendar years, as a source giving only years is held."""
        return (
            self.start_date is not None
            and self.end_date is not None
            and (self.start_date.month, self.start_date.day) == (1, 1)
            and (self.end_date.month, self.end_date.day) == (12, 31)
        )

    @property
    def years(self):
        """ "2012" or "2016–2017" for a term of whole years; None for any other."""
        if not self.in_whole_years:
            return None
        start, end = self.start_date.year, self.end_date.year
        return str(start) if start == end else f"{start}–{end}"

    def is_current(self, today):
        return self.start_date <= today <= self.end_date


@translated(
    "group",
    "title",
    "subtitle",
    "background",
    "objectives",
    "activities",
    "expected_outputs",
    "budget_and_partners",
)
class WorkPlan(Publishable, models.Model):
    convention = models.ForeignKey(
        Convention,
        verbose_name=_("convention"),
        on_delete=models.PROTECT,
        related_name="work_plans",
    )
    group = models.CharField(
        _("working group"),
        max_length=200,
        blank=True,
        help_text=_("e.g. CCM Thematic Working Group on Victim Assistance."),
    )
    title = models.CharField(_("title"), max_length=300, help_text=_("e.g. Work Plan 2023-2024."))
    subtitle = models.CharField(_("subtitle"), max_length=300, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    start_year = models.PositiveSmallIntegerField(_("from (year)"))
    end_year = models.PositiveSmallIntegerField(_("until (year)"), null=True, blank=True)
    coordinators = models.ManyToManyField(
        State, verbose_name=_("coordinators"), blank=True, related_name="work_plans"
    )
    actions = models.ManyToManyField(
        Action, verbose_name=_("actions served"), blank=True, related_name="work_plans"
    )
    background = MarkdownxField(_("background"), blank=True)
    objectives = MarkdownxField(_("objectives"), blank=True)
    activities = MarkdownxField(_("activities"), blank=True)
    expected_outputs = MarkdownxField(_("expected outputs"), blank=True)
    budget_and_partners = MarkdownxField(_("budget, implementers and partners"), blank=True)
    document = models.ForeignKey(
        Document,
        verbose_name=_("document"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="work_plans",
    )
    status = status_field()

    searched = Searched(
        title=("title", "subtitle"),
        body=(
            "background",
            "objectives",
            "activities",
            "expected_outputs",
            "budget_and_partners",
        ),
        translated=True,
    )
    search_vector = searched.field()

    objects = PublicManager()

    class Meta:
        ordering = ["-start_year", "title"]
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        constraints = [year_range_constraint("workplan")]
        indexes = [Searched.index("workplan")]

    def __str__(self):
        return f"{self.convention}: {self.title}" if self.convention_id else self.title

    def get_absolute_url(self):
        return page_path("meetings:work_plan_detail", self.slug)


@translated("text")
class Milestone(models.Model):
    class Quarter(models.IntegerChoices):
        Q1 = 1, _("First quarter")
        Q2 = 2, _("Second quarter")
        Q3 = 3, _("Third quarter")
        Q4 = 4, _("Fourth quarter")

    work_plan = models.ForeignKey(
        WorkPlan, verbose_name=_("work plan"), on_delete=models.CASCADE, related_name="milestones"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=Quarter.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("what is planned"))

    class Meta:
        ordering = ["work_plan_id", "year", "quarter", "position", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4),
                name="milestone_quarter_1_to_4",
                violation_error_message=_("The quarter is 1, 2, 3 or 4."),
            ),
        ]

    def __str__(self):
        return f"Q{self.quarter} {self.year}: {self.text[:60]}"

    def get_absolute_url(self):
        return self.work_plan.get_absolute_url() + f"#q{self.quarter}-{self.year}"


@translated("text")
class Activity(models.Model):
    """An entry of the coordinators' activity timeline; sources date them to the month."""

    convention = models.ForeignKey(
        Convention,
        verbose_name=_("convention"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), choices=MONTH_CHOICES)
    text = MarkdownxField(_("text"))
    coordinators = models.ManyToManyField(
        State, verbose_name=_("coordinators"), blank=True, related_name="activities"
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("related meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    actions = models.ManyToManyField(
        Action, verbose_name=_("actions served"), blank=True, related_name="activities"
    )
    document = models.ForeignKey(
        Document,
        verbose_name=_("document"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )

    class Meta:
        ordering = ["-year", "-month", "-pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12),
                name="activity_month_1_to_12",
                violation_error_message=_("The month is 1 to 12."),
            ),
        ]

    def __str__(self):
        return f"{self.get_month_display()} {self.year}: {self.text[:60]}"

    def get_absolute_url(self):
        return reverse("meetings:coordination") + f"#activity-{self.pk}"


class Obligation(models.Model):
    """A State Party reported, as of a month, to have obligations under an article."""

    convention = models.ForeignKey(
        Convention,
        verbose_name=_("convention"),
        on_delete=models.PROTECT,
        related_name="obligations",
    )
    state = models.ForeignKey(
        State, verbose_name=_("state"), on_delete=models.PROTECT, related_name="obligations"
    )
    article = models.CharField(_("article"), max_length=10, help_text=_("e.g. 5."))
    as_of_year = models.PositiveSmallIntegerField(_("reported as of (year)"))
    as_of_month = models.PositiveSmallIntegerField(
        _("reported as of (month)"), choices=MONTH_CHOICES
    )

    class Meta:
        ordering = ["convention_id", "article", "-as_of_year", "-as_of_month", "state__name"]
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "state", "article", "as_of_year", "as_of_month"],
                name="obligation_unique_per_report",
                violation_error_message=_("This obligation is already recorded for that date."),
            ),
            models.CheckConstraint(
                condition=Q(as_of_month__gte=1, as_of_month__lte=12),
                name="obligation_month_1_to_12",
                violation_error_message=_("The month is 1 to 12."),
            ),
        ]

    def __str__(self):
        return f"{self.state}: {self.convention} Article {self.article}"

    def get_absolute_url(self):
        return reverse("meetings:coordination") + "#obligations"
