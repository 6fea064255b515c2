"""How many times content has changed, counted by the database: what cached copies are keyed by.

Triggers of migration 0013 count every write to a content table, however made: a write inside a
meeting (the meeting, its programmes, their sessions and what hangs from them) in that meeting's
row, a write to any other content table in that table's row. A writer locks only those rows.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class MeetingGeneration(models.Model):
    """The changes inside one meeting. No database constraint ties it to the meeting: the row
    outlives a deleted meeting, and meeting ids are never reused."""

    meeting = models.OneToOneField(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="+",
    )
    number = models.PositiveBigIntegerField(_("changes"), default=1)

    class Meta:
        ordering = ["meeting_id"]
        verbose_name = _("meeting generation")

    def __str__(self):
        return f"Meeting {self.meeting_id}: {self.number} changes"

    def get_absolute_url(self):
        return reverse("meetings:meeting_list")


class SharedGeneration(models.Model):
    """The changes to one table outside any meeting (venues, people, actions, documents, news,
    ...), which every meeting's pages may show."""

    table = models.CharField(_("table"), max_length=63, primary_key=True)
    number = models.PositiveBigIntegerField(_("changes"), default=1)

    class Meta:
        ordering = ["table"]
        verbose_name = _("shared generation")

    def __str__(self):
        return f"{self.table}: {self.number} changes"

    def get_absolute_url(self):
        return reverse("meetings:home")
