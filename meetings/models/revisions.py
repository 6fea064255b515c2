"""Published revisions of a programme: number, note of what changed, who and when, and a
snapshot of what was published, so the public "Changes" page can say what changed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProgrammeRevision(models.Model):
    programme = models.ForeignKey(
        "meetings.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="revisions",
    )
    number = models.PositiveIntegerField(_("revision"))
    note = models.CharField(
        _("what changed"),
        max_length=300,
        help_text=_("e.g. “Scene-setting presenters of sessions one and two swapped”."),
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    snapshot = models.JSONField(_("snapshot"), default=dict, editable=False)

    class Meta:
        ordering = ["programme_id", "-number"]
        verbose_name = _("programme revision")
        verbose_name_plural = _("programme revisions")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"],
                name="revision_unique_number_in_programme",
                violation_error_message=_("This programme already has a revision of that number."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="revision_number_from_1",
                violation_error_message=_("Revisions are numbered from 1."),
            ),
        ]

    def __str__(self):
        return f"{self.programme}, revision {self.number}"

    def get_absolute_url(self):
        programme = self.programme
        return (
            reverse("meetings:programme_changes", args=[programme.meeting.slug, programme.slug])
            + f"#revision-{self.number}"
        )
