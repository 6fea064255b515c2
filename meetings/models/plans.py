"""Action plans and their numbered actions."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField

from ..addresses import page_path
from .common import Searched, SearchedManager
from .reference import Convention
from .translations import in_language, translated

# How much of an action's text the admin shows where it has no title.
LABEL_TEXT_CHARS = 80


@translated("name", "short_name")
class ActionPlan(models.Model):
    convention = models.ForeignKey(
        Convention, verbose_name=_("convention"), on_delete=models.PROTECT, related_name="plans"
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("e.g. Cartagena Action Plan."))
    short_name = models.CharField(_("short name"), max_length=20, help_text=_("e.g. CAP, LAP."))
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True, help_text=_("Used in the web address.")
    )
    start_year = models.PositiveSmallIntegerField(_("first year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)
    summary = MarkdownxField(
        _("summary"),
        blank=True,
        help_text=_(
            "What the plan is, as a source says it. Quote sources; never paraphrase "
            "treaty text as if it were the text."
        ),
    )

    class Meta:
        ordering = ["convention_id", F("start_year").asc(nulls_last=True), "name"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=F("start_year")),
                name="actionplan_ends_after_start",
                violation_error_message=_("The last year cannot be before the first year."),
            ),
        ]

    def __str__(self):
        """In the active language: "Plan d'action de Carthagène 2010-2014"."""
        name = in_language(self, "name")
        if self.start_year and self.end_year:
            return f"{name} {self.start_year}-{self.end_year}"
        if self.start_year:
            return f"{name} {self.start_year}"
        return name

    def get_absolute_url(self):
        return page_path("meetings:action_plan_detail", self.slug)

    def abbreviation_field(self, language):
        """The field a page shows where it would abbreviate the plan (CAP, LAP) in `language`:
        its short name, where that language has one; else its name written out ("Plan d'action
        de Carthagène"), never the English abbreviation in a French or Spanish sentence."""
        if language == "en" or getattr(self, f"short_name_{language}", ""):
            return "short_name"
        return "name"


@translated("title", "text")
class Action(models.Model):
    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("action plan"), on_delete=models.PROTECT, related_name="actions"
    )
    number = models.PositiveSmallIntegerField(
        _("number"), help_text=_("The action's number in its plan (24 for Action #24).")
    )
    title = models.CharField(
        _("short title"),
        max_length=400,
        blank=True,
        help_text=_(
            "Where a source only summarises the action, put the summary here and "
            "leave the text empty."
        ),
    )
    text = models.TextField(
        _("text"),
        blank=True,
        help_text=_(
            "The action's words, quoted exactly from the plan. Leave empty rather than paraphrase."
        ),
    )
    source = models.CharField(
        _("source"),
        max_length=400,
        blank=True,
        help_text=_("Where the title and text were taken from, and what is still missing."),
    )

    # Its plan's names and short names in every language and its number as the pages name it
    # ("Action #31", "action n° 31", "medida n.º 31"), weight C, kept by triggers of migration
    # 0027 on every write to it or to its plan's names: "Cartagena 31", "CAP 31" find it.
    plan_words = SearchVectorField(
        _("words of its plan and number"), default="", editable=False, serialize=False
    )
    searched = Searched(title=("title",), body=("text",), translated=True)
    search_vector = searched.field(F("plan_words"))

    objects = SearchedManager()

    class Meta:
        ordering = ["plan_id", "number"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        indexes = [Searched.index("action")]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="action_unique_number_in_plan",
                violation_error_message=_("This plan already has an action with this number."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="action_number_positive",
                violation_error_message=_("Action numbers start at 1."),
            ),
        ]

    def __str__(self):
        """Reads 'CAP #24' (with the title when there is one); needs the plan (select_related)."""
        label = f"{self.plan.short_name} #{self.number}"
        return f"{label}: {self.title}" if self.title else label

    def get_absolute_url(self):
        return page_path("meetings:action_detail", self.plan.slug, self.number)

    def label(self):
        """'CAP #28 (Cartagena Action Plan 2010-2014): monitor and evaluate progress ...', as
        the admin offers an action: with its plan, and its title, or its text's beginning where
        it has none; needs the plan (select_related)."""
        head = f"{self.plan.short_name} #{self.number} ({self.plan})"
        words = self.title or Truncator(self.text).chars(LABEL_TEXT_CHARS)
        return f"{head}: {words}" if words else head
