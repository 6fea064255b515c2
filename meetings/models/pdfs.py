"""Rendered programme PDFs, kept in media storage so each version is rendered once.

A PDF is identified by the fingerprint of the HTML it was rendered from: a download whose HTML
has not changed reuses the file. To avoid rendering that HTML on every download, every content
change bumps one counter (`ContentVersion`, by the triggers of meetings/db_triggers.py); a PDF
checked against the current counter is served straight away (one query), and only after a
change is the HTML rendered again and compared.
"""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class ContentVersion(models.Model):
    """One row counting content changes; database triggers bump it on every write to content.

    `number` counts every change. `shared` counts only changes outside any one meeting (see
    MeetingVersion): pages inside a meeting depend on their meeting's version and on `shared`.
    """

    number = models.PositiveBigIntegerField(default=1)
    # A database default too: the triggers of before this column insert the row without it.
    shared = models.PositiveBigIntegerField(default=1, db_default=1)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("content version")

    def __str__(self):
        return f"Content version {self.number}"

    def get_absolute_url(self):
        return reverse("meetings:home")

    @classmethod
    def bump(cls):
        """Count a change to everything (what a write to a shared table does)."""
        if not cls.objects.update(number=F("number") + 1, shared=F("shared") + 1):
            cls.objects.get_or_create(pk=1)

    @classmethod
    def current(cls):
        row = cls.objects.first()
        return row.number if row else 0


class MeetingVersion(models.Model):
    """Counts the changes inside one meeting: to the meeting, its programmes, their sessions,
    presentations, questions, revisions, and the links of these to actions, people and offices.
    Database triggers bump it (meetings/db_triggers.py); the page cache keys a meeting's pages
    by it, so an edit in one meeting leaves every other meeting's cached pages in place.

    No database constraint ties it to the meeting: the row outlives a deleted meeting, and
    meeting ids are never reused, so an old number can never be mistaken for a new meeting's."""

    meeting = models.OneToOneField(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="+",
    )
    number = models.PositiveBigIntegerField(default=1)

    class Meta:
        ordering = ["meeting_id"]
        verbose_name = _("meeting version")

    def __str__(self):
        return f"Meeting {self.meeting_id}, version {self.number}"

    def get_absolute_url(self):
        return reverse("meetings:meeting_list")


def programme_pdf_upload_to(instance, filename):
    return f"programmes/{instance.programme_id}-{instance.fingerprint[:32]}.pdf"


class ProgrammePDF(models.Model):
    class State(models.TextChoices):
        RENDERING = "rendering", _("Rendering")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    programme = models.ForeignKey(
        "meetings.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="pdfs",
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language of its labels and dates; each language has its own PDF."),
    )
    fingerprint = models.CharField(
        _("fingerprint"), max_length=64, help_text=_("SHA-256 of the HTML it is rendered from.")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    file = models.FileField(_("file"), upload_to=programme_pdf_upload_to, blank=True)
    size_bytes = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    checked_version = models.PositiveBigIntegerField(
        _("checked at content version"),
        default=0,
        help_text=_("The content version at which this PDF was last found to be current."),
    )
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    seconds = models.FloatField(_("render seconds"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["programme_id", "-finished_at", "-pk"]
        verbose_name = _("programme PDF")
        verbose_name_plural = _("programme PDFs")
        constraints = [
            # The row doubles as the lock: two requests cannot both start the same render.
            models.UniqueConstraint(
                fields=["programme", "fingerprint"], name="programme_pdf_one_per_fingerprint"
            ),
            models.CheckConstraint(
                condition=~models.Q(state="done") | ~models.Q(file=""),
                name="programme_pdf_done_has_file",
            ),
        ]

    def __str__(self):
        return (
            f"{self.programme} ({self.language}, {self.get_state_display()}, "
            f"{self.fingerprint[:12]})"
        )

    def get_absolute_url(self):
        with translation.override(self.language):
            return reverse(
                "meetings:programme_pdf", args=[self.programme.meeting.slug, self.programme.slug]
            )
