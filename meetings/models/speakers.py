"""Who takes the floor in a session: delegations' statements, grouped as the agenda gives them,
and the panellists of a panel."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .common import ChoiceLabels, Edition, PublicQuerySet, Publishable
from .programmes import Document, Session
from .reference import Organisation, State


def one_of(first, second, name, message):
    """A check that at most one of two nullable foreign keys is set."""
    return models.CheckConstraint(
        condition=Q(**{f"{first}__isnull": True}) | Q(**{f"{second}__isnull": True}),
        name=name,
        violation_error_message=message,
    )


class Statement(ChoiceLabels, Publishable, models.Model):
    """A delegation that took the floor under an agenda item (a session), in the order given."""

    class Group(models.IntegerChoices):
        # The values order the groups on the page: opening first, closing last.
        OPENING = 10, _("Opening remarks")
        UPDATES = 20, _("Updates")
        STATEMENTS = 30, _("Statements")
        COMMENTS = 40, _("Comments and questions")
        CLOSING = 50, _("Closing remarks")

    session = models.ForeignKey(
        Session,
        verbose_name=_("agenda item"),
        on_delete=models.CASCADE,
        limit_choices_to={"programme__edition": Edition.WORKING},
        related_name="statements",
    )
    group = models.PositiveSmallIntegerField(
        _("what the delegation did"), choices=Group.choices, default=Group.STATEMENTS
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("The order in which it took the floor.")
    )
    state = models.ForeignKey(
        State,
        verbose_name=_("State"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="floor_statements",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="floor_statements",
    )
    on_behalf_of_state = models.ForeignKey(
        State,
        verbose_name=_("on behalf of (State)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements_on_its_behalf",
    )
    on_behalf_of_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("on behalf of (organisation)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements_on_its_behalf",
        help_text=_("e.g. UNMAT, for “UNICEF on behalf of UNMAT”."),
    )
    documents = models.ManyToManyField(
        Document,
        verbose_name=_("statement files"),
        blank=True,
        related_name="statements",
        help_text=_("The statement as delivered, one file per language."),
    )

    objects = PublicQuerySet.as_manager()
    status_paths = ("session__programme__", "session__programme__meeting__")
    edition_path = "session__programme__"

    class Meta:
        ordering = ["session_id", "group", "position", "pk"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__isnull=False, organisation__isnull=True)
                | Q(state__isnull=True, organisation__isnull=False),
                name="statement_by_one_delegation",
                violation_error_message=_(
                    "A statement is by one delegation: a State or an organisation."
                ),
            ),
            one_of(
                "on_behalf_of_state",
                "on_behalf_of_organisation",
                "statement_on_behalf_of_one",
                _("A statement is made on behalf of one State or one organisation at most."),
            ),
        ]

    def __str__(self):
        text = str(self.delegation)
        if self.on_behalf_of:
            text = f"{text} on behalf of {self.on_behalf_of}"
        return f"{self.get_group_display()}: {text}"

    def get_absolute_url(self):
        return self.session.get_absolute_url() + f"#statement-{self.pk}"

    @property
    def delegation(self):
        return self.state or self.organisation

    @property
    def on_behalf_of(self):
        return self.on_behalf_of_state or self.on_behalf_of_organisation


class Panellist(Publishable, models.Model):
    """A member of a panel, as the source gives them: "Ms. Kerryn Clarke, Programme Manager,
    COPE, Lao PDR"."""

    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        limit_choices_to={"programme__edition": Edition.WORKING},
        related_name="panellists",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    role = models.CharField(
        _("role"), max_length=100, blank=True, help_text=_("e.g. Moderator; empty for a panellist.")
    )
    title = models.CharField(_("title"), max_length=30, blank=True, help_text=_("e.g. Ms., Dr."))
    name = models.CharField(_("name"), max_length=200)
    post = models.CharField(_("post"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="panellists",
    )
    state = models.ForeignKey(
        State,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="panellists",
    )

    objects = PublicQuerySet.as_manager()
    status_paths = ("session__programme__", "session__programme__meeting__")
    edition_path = "session__programme__"

    class Meta:
        ordering = ["session_id", "position", "pk"]
        verbose_name = _("panellist")
        verbose_name_plural = _("panellists")

    def __str__(self):
        """'Ms. Kerryn Clarke, Programme Manager, COPE, Lao PDR'"""
        name = f"{self.title} {self.name}" if self.title else self.name
        organisation = self.organisation and (self.organisation.acronym or self.organisation.name)
        state = self.state and (self.state.short_name or self.state.name)
        return ", ".join(part for part in (name, self.post, organisation, state) if part)

    def get_absolute_url(self):
        return self.session.get_absolute_url() + f"#panellist-{self.pk}"
