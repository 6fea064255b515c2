"""What is published: numbered revisions of a programme (note, who, when, and a snapshot of
what delegates read), and its rendered PDFs, one per HTML fingerprint, each marked with the
content's generation at which it was last found current, so that a download at that generation
needs no render of the HTML to check it. The task queue's worker renders them
(meetings/publishing/tasks.py); a download that finds none current leaves one request.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .common import PublicQuerySet, Publishable
from .translations import translated


def programme_pdf_upload_to(instance, filename):
    return f"programmes/{instance.programme_id}-{instance.fingerprint[:32]}.pdf"


class ProgrammePDF(Publishable, models.Model):
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
    checked_at = models.PositiveBigIntegerField(
        _("checked at generation"),
        default=0,
        help_text=_("The content's generation when this PDF was last found to be current."),
    )
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    seconds = models.FloatField(_("render seconds"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    tries = models.PositiveSmallIntegerField(
        _("tries"), default=0, help_text=_("Renders of this version begun so far.")
    )
    next_try_at = models.DateTimeField(
        _("next try"),
        null=True,
        blank=True,
        help_text=_(
            "When a failed or interrupted render is tried again; empty when no more tries are due."
        ),
    )
    worker = models.CharField(
        _("rendered by"),
        max_length=200,
        blank=True,
        help_text=_("The machine and process of the worker rendering it."),
    )
    revision = models.PositiveIntegerField(
        _("revision"),
        null=True,
        blank=True,
        help_text=_("The published revision it shows, if the programme has one."),
    )

    objects = PublicQuerySet.as_manager()
    status_paths = ("programme__", "programme__meeting__")
    edition_path = "programme__"  # rendered from a published copy (staff previews are files)

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
        return _pdf_url(self.programme, self.language)

    def retry_due(self):
        """Whether this failed render's next try has come (never, after its last try)."""
        return self.next_try_at is not None and self.next_try_at <= timezone.now()


def _pdf_url(programme, language):
    """The download address of `programme`'s PDF in `language`."""
    with translation.override(language):
        return reverse("meetings:programme_pdf", args=[programme.meeting.slug, programme.slug])


class ProgrammePDFRequest(models.Model):
    """A download found no PDF of a programme in a language that is current: the worker is asked
    once per content generation, however many downloads come meanwhile."""

    programme = models.ForeignKey(
        "meetings.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="pdf_requests",
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    generation = models.PositiveBigIntegerField(
        _("generation"), help_text=_("The content's generation the PDF was asked for at.")
    )
    requested_at = models.DateTimeField(_("requested"))

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("programme PDF request")
        verbose_name_plural = _("programme PDF requests")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "language"], name="programme_pdf_request_one_per_language"
            )
        ]

    def __str__(self):
        return f"{self.programme} ({self.language}) at generation {self.generation}"

    def get_absolute_url(self):
        return _pdf_url(self.programme, self.language)


@translated("note")
class ProgrammeRevision(Publishable, models.Model):
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
    copy = models.OneToOneField(
        "meetings.Programme",
        verbose_name=_("copy as published"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="published_as",
        help_text=_("The programme as this revision published it, kept read only."),
    )

    objects = PublicQuerySet.as_manager()
    status_paths = ("programme__", "programme__meeting__")

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
        """The programme as this revision published it."""
        programme = self.programme
        return reverse(
            "meetings:programme_revision",
            args=[programme.meeting.slug, programme.slug, self.number],
        )
