"""Notices of a programme's changes by e-mail: a delegate's subscription to a programme (double
opt-in: nothing is sent but the confirmation mail until its link is followed), and each mail the
task queue's worker sends, with its tries (meetings/publishing/notices.py).

An address is shown nowhere: no page, feed, export, backup or history holds it, the back office
shows counts only, and `__str__` names a subscription by its number. Unsubscribing deletes the
subscription and its mails, the address with them.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_token():
    """A random, unguessable key for a subscription's confirm and unsubscribe links."""
    return secrets.token_urlsafe(32)


class NoticeSubscription(models.Model):
    programme = models.ForeignKey(
        "meetings.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="notice_subscriptions",
        help_text=_("The programme's working copy, which stays the same from one revision on."),
    )
    email = models.EmailField(_("e-mail address"), max_length=254)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        help_text=_("The language of the page subscribed from: the notices are written in it."),
    )
    token = models.CharField(_("key"), max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(_("subscribed"), default=timezone.now)
    confirmation_sent_at = models.DateTimeField(
        _("confirmation asked"),
        null=True,
        blank=True,
        help_text=_("When the latest confirmation mail was queued."),
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    failures = models.PositiveIntegerField(
        _("failed notices"),
        default=0,
        help_text=_("Notices in a row that could not be delivered after their last try."),
    )
    last_failure = models.TextField(_("last failure"), blank=True)

    class Meta:
        ordering = ["programme_id", "created_at", "pk"]
        verbose_name = _("notice subscription")
        verbose_name_plural = _("notice subscriptions")
        constraints = [
            # One per programme and address, whatever its letters' case: the same delegate
            # asking twice gets one subscription, and one mail per revision.
            models.UniqueConstraint(
                Lower("email"), "programme", name="notice_subscription_one_per_address"
            ),
            models.CheckConstraint(
                condition=Q(language__in=[code for code, _name in settings.LANGUAGES]),
                name="notice_subscription_language_known",
            ),
            models.CheckConstraint(condition=~Q(email=""), name="notice_subscription_has_address"),
        ]

    def __str__(self):
        # Never the address: this is what the admin's deletion pages and logs show.
        return f"Notice subscription {self.pk} to {self.programme}"

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None


class NoticeMail(models.Model):
    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Confirmation")
        REVISION = "revision", _("Revision")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        WITHDRAWN = "withdrawn", _("Not sent")

    subscription = models.ForeignKey(
        NoticeSubscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="mails",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    revision = models.ForeignKey(
        "meetings.ProgrammeRevision",
        verbose_name=_("revision"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notice_mails",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    tries = models.PositiveSmallIntegerField(_("tries"), default=0)
    next_try_at = models.DateTimeField(
        _("next try"),
        null=True,
        blank=True,
        help_text=_(
            "When it is tried again should this try not end (the worker stopped); empty when "
            "none is due."
        ),
    )
    created_at = models.DateTimeField(_("queued"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("notice mail")
        verbose_name_plural = _("notice mails")
        constraints = [
            # Each revision is announced once to each subscriber, however often it is asked.
            models.UniqueConstraint(
                fields=["subscription", "revision"],
                condition=Q(revision__isnull=False),
                name="notice_mail_one_per_revision",
            ),
            models.CheckConstraint(
                condition=Q(kind="confirmation", revision__isnull=True)
                | Q(kind="revision", revision__isnull=False),
                name="notice_mail_revision_of_its_kind",
            ),
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False),
                name="notice_mail_sent_has_time",
            ),
        ]
        indexes = [models.Index(fields=["kind", "created_at"], name="notice_mail_kind_created")]

    def __str__(self):
        return f"Notice mail {self.pk} ({self.get_kind_display()}, {self.get_state_display()})"
