"""Notices of a programme's changes by e-mail: subscribing (double opt-in), confirming,
unsubscribing, and the mails, which only the task queue's worker sends.

- Subscribing (subscribe()) asks for a confirmation mail, at most one per address and programme
  in NOTICE_CONFIRMATION_INTERVAL_MINUTES, and never tells whether the address was subscribed
  already: the page answers the same whatever happened. Nothing else is sent to an address until
  its confirmation link is followed (a GET shows a button, the POST confirms: mail scanners
  open links). A subscription left unconfirmed for NOTICE_CONFIRMATION_DAYS is deleted.
- Publishing a revision (revisions.publish) asks, once its transaction is committed, for the
  revision to be announced: the worker makes one NoticeMail per confirmed subscriber and queues
  one task for each, so one address the server refuses, or a server down while one mail is
  sent, holds up no other mail; publishing itself sends nothing.
- Each mail is tried NOTICE_MAIL_TRIES times at most, after growing waits; the next try is put in
  the queue before a try starts, so a worker stopped in the middle is taken over. A recipient the
  server refuses for good (5xx) is not tried again. After the last try the failure is kept on the
  mail and counted on its subscription.
- A revision's notice is its note and what changed, in the subscriber's language, worded by
  revisions.changes() as the Changes page and the feed word it, in plain text and HTML, with
  the programme's address and a one-click unsubscribe (RFC 8058 List-Unsubscribe headers, and the
  link in the mail).
"""

import logging
import smtplib
from datetime import timedelta
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce, Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from meetings import languages
from meetings.addresses import absolute
from meetings.models import (
    Edition,
    NoticeMail,
    NoticeSubscription,
    Programme,
    ProgrammeRevision,
)

from . import revisions

logger = logging.getLogger(__name__)

# At most this many confirmation mails to one address (all programmes together) in
# NOTICE_CONFIRMATION_INTERVAL_MINUTES, and this many in all in an hour: someone typing other
# people's addresses cannot make the site mail them more, nor spend its standing with mail
# providers.
CONFIRMATIONS_PER_ADDRESS = 3
CONFIRMATIONS_PER_HOUR = 300
# Two keys of PostgreSQL's advisory locks: (this, a mail's id) is held while that mail is sent, so
# two workers never send one mail twice at the same time.
LOCK_KEY = 0x6E6F74  # "not"


def normalized(email):
    """The address as kept: spaces around it removed, its domain in lower case."""
    return BaseUserManager.normalize_email(email.strip())


def _same_address(email):
    return {"email_lower": email.lower()}


def _subscriptions_of(email):
    return NoticeSubscription.objects.alias(email_lower=Lower("email")).filter(
        **_same_address(email)
    )


def _interval():
    return timedelta(minutes=settings.NOTICE_CONFIRMATION_INTERVAL_MINUTES)


def _confirmation_days():
    return timedelta(days=settings.NOTICE_CONFIRMATION_DAYS)


def prune_unconfirmed():
    """Delete the subscriptions whose confirmation link has expired unused, addresses and all."""
    deadline = timezone.now() - _confirmation_days()
    expired = NoticeSubscription.objects.filter(confirmed_at__isnull=True).alias(
        asked=Coalesce("confirmation_sent_at", "created_at")
    )
    return expired.filter(asked__lt=deadline).delete()[0]


def subscribe(programme_id, email, language):
    """Subscribe `email` to programme `programme_id` (a working copy) in `language`, unconfirmed,
    and queue its confirmation mail unless one was sent too recently. Returns what happened, for
    tests and logs only: "asked", "already confirmed", "too soon" or "too many"; the page says
    the same thing whatever it is."""
    email = normalized(email)
    now = timezone.now()
    prune_unconfirmed()
    with transaction.atomic():
        mine = _subscriptions_of(email).filter(programme_id=programme_id)
        found = mine.select_for_update().first()
        if found is None:
            try:
                with transaction.atomic():
                    found = NoticeSubscription.objects.create(
                        programme_id=programme_id, email=email, language=language
                    )
            except IntegrityError:
                return "too soon"  # the same address at the same moment: that one asks
        elif found.is_confirmed:
            return "already confirmed"
        elif found.confirmation_sent_at and now - found.confirmation_sent_at < _interval():
            return "too soon"
        recent = _subscriptions_of(email).filter(confirmation_sent_at__gte=now - _interval())
        if recent.count() >= CONFIRMATIONS_PER_ADDRESS:
            return "too many"
        hour = NoticeMail.objects.filter(
            kind=NoticeMail.Kind.CONFIRMATION, created_at__gte=now - timedelta(hours=1)
        )
        if hour.count() >= CONFIRMATIONS_PER_HOUR:
            logger.warning(
                "Notices: %s confirmation mails in the past hour; none more for now.",
                CONFIRMATIONS_PER_HOUR,
            )
            return "too many"
        found.language = language
        found.confirmation_sent_at = now
        found.save(update_fields=["language", "confirmation_sent_at"])
        mail = NoticeMail.objects.create(subscription=found, kind=NoticeMail.Kind.CONFIRMATION)
        transaction.on_commit(partial(enqueue_mail, mail.pk))
    return "asked"


def subscription(token):
    """The subscription whose links carry `token`, with its programme and meeting, or None."""
    if not token or len(token) > 64:
        return None
    return (
        NoticeSubscription.objects.select_related("programme__meeting").filter(token=token).first()
    )


def confirmable(found):
    """Whether the confirmation link of subscription `found` still confirms it."""
    if found is None or found.is_confirmed:
        return found is not None
    asked = found.confirmation_sent_at or found.created_at
    return timezone.now() - asked <= _confirmation_days()


def confirm(found):
    """Confirm subscription `found`: from now on each revision published is sent to it."""
    if not found.is_confirmed:
        NoticeSubscription.objects.filter(pk=found.pk, confirmed_at__isnull=True).update(
            confirmed_at=timezone.now()
        )
        found.refresh_from_db()
    return found


def unsubscribe(token):
    """Delete the subscription whose links carry `token`, its address and mails with it. True
    when there was one."""
    if not token or len(token) > 64:
        return False
    return NoticeSubscription.objects.filter(token=token).delete()[0] > 0


def counts(programme_id):
    """What staff see of a programme's subscribers (never an address): how many are confirmed,
    waiting for their confirmation, and confirmed but whose latest notice could not be delivered
    (1 query)."""
    return NoticeSubscription.objects.filter(programme_id=programme_id).aggregate(
        confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
        waiting=Count("pk", filter=Q(confirmed_at__isnull=True)),
        failing=Count("pk", filter=Q(confirmed_at__isnull=False, failures__gt=0)),
    )


def forget(email):
    """Delete every subscription of `email`, whatever its case, and their mails: how many."""
    found = list(_subscriptions_of(normalized(email)).values_list("pk", flat=True))
    NoticeSubscription.objects.filter(pk__in=found).delete()
    return len(found)


def published_copy(programme_id):
    """The published copy of the working copy `programme_id`, with its meeting, or None."""
    return (
        Programme.objects.public()
        .select_related("meeting")
        .filter(working_id=programme_id, edition=Edition.PUBLISHED)
        .first()
    )


# -- announcing a revision -----------------------------------------------------------------------


def revision_published(revision_id, programme_id):
    """After a revision's transaction is committed: its announcement queued, if anyone is to
    be told (one query, and one row of the queue)."""
    confirmed = NoticeSubscription.objects.filter(
        programme_id=programme_id, confirmed_at__isnull=False
    )
    if confirmed.exists():
        announce_revision.enqueue(revision_id)


@task()
def announce_revision(revision_id):
    """One mail of `revision_id` for each confirmed subscriber of its programme, each queued on
    its own. Asked again, it queues no mail twice."""
    revision = ProgrammeRevision.objects.public().filter(pk=revision_id).first()
    if revision is None:
        return "not public"
    subscribers = NoticeSubscription.objects.filter(
        programme_id=revision.programme_id, confirmed_at__isnull=False
    )
    NoticeMail.objects.bulk_create(
        [
            NoticeMail(subscription=s, kind=NoticeMail.Kind.REVISION, revision=revision)
            for s in subscribers
        ],
        ignore_conflicts=True,
    )
    waiting = NoticeMail.objects.filter(
        revision=revision, state=NoticeMail.State.PENDING, tries=0
    ).values_list("pk", flat=True)
    for mail_id in waiting:
        enqueue_mail(mail_id)
    return f"{len(waiting)} queued"


# -- sending one mail ----------------------------------------------------------------------------


def enqueue_mail(mail_id, when=None):
    """Queue the sending of mail `mail_id` (at `when`, if given); a queue that runs its tasks at
    once cannot wait, and is given no task for later."""
    queued = send_notice_mail
    if when is not None:
        if not queued.get_backend().supports_defer:
            return None
        queued = queued.using(run_after=when)
    return queued.enqueue(mail_id)


def retry_wait(tries):
    """The wait after try number `tries`: NOTICE_MAIL_RETRY_SECONDS, then four times longer."""
    return timedelta(seconds=settings.NOTICE_MAIL_RETRY_SECONDS * 4 ** (tries - 1))


@task()
def send_notice_mail(mail_id):
    """Send mail `mail_id`, one try: "sent", "failed", "will try again", or why nothing was
    done. While it is sent, no other worker sends it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_KEY, mail_id & 0x7FFFFFFF])
        if not cursor.fetchone()[0]:
            return "busy"  # another worker is sending it; its next try is queued
    try:
        return _send(mail_id)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_KEY, mail_id & 0x7FFFFFFF])


def _claim(mail_id):
    """The mail to try now, its try counted and its next try queued; else why not."""
    now = timezone.now()
    with transaction.atomic():
        mail = (
            NoticeMail.objects.select_for_update(of=("self",))
            .select_related("subscription__programme__meeting", "revision")
            .filter(pk=mail_id)
            .first()
        )
        if mail is None:
            return None, "unsubscribed"
        if mail.state != NoticeMail.State.PENDING:
            return None, "nothing to do"
        if mail.next_try_at is not None and mail.next_try_at > now:
            return None, "not due"
        if mail.tries >= settings.NOTICE_MAIL_TRIES:
            # Its last try was begun, and its worker stopped before saying how it went.
            _give_up(mail, mail.error or "the worker stopped during the last try")
            return None, "failed"
        reason = _not_due(mail)
        if reason:
            mail.state, mail.error, mail.next_try_at = NoticeMail.State.WITHDRAWN, reason, None
            mail.save(update_fields=["state", "error", "next_try_at"])
            return None, "not sent"
        mail.tries += 1
        mail.next_try_at = now + retry_wait(mail.tries)
        mail.save(update_fields=["tries", "next_try_at"])
        transaction.on_commit(partial(enqueue_mail, mail.pk, mail.next_try_at))
    return mail, None


def _not_due(mail):
    """Why `mail` is no longer to be sent, or ""."""
    subscribed = mail.subscription
    if mail.kind == NoticeMail.Kind.CONFIRMATION:
        return "already confirmed" if subscribed.is_confirmed else ""
    if not subscribed.is_confirmed:
        return "not confirmed"
    if not ProgrammeRevision.objects.public().filter(pk=mail.revision_id).exists():
        return "the revision is no longer public"
    return ""


def _send(mail_id):
    mail, outcome = _claim(mail_id)
    if mail is None:
        return outcome
    try:
        message = compose(mail)
        message.send()
    except Exception as error:
        permanent = _refused_for_good(error)
        said = _error_text(error, mail.subscription.email)
        if not isinstance(error, (smtplib.SMTPException, OSError)):
            logger.exception("Notices: mail %s could not be made or sent", mail.pk)
        if permanent or mail.tries >= settings.NOTICE_MAIL_TRIES:
            _give_up(mail, said)
            return "failed"
        NoticeMail.objects.filter(pk=mail.pk, state=NoticeMail.State.PENDING).update(error=said)
        return "will try again"
    NoticeMail.objects.filter(pk=mail.pk).update(
        state=NoticeMail.State.SENT, sent_at=timezone.now(), next_try_at=None, error=""
    )
    if mail.kind == NoticeMail.Kind.REVISION:
        NoticeSubscription.objects.filter(pk=mail.subscription_id).update(
            failures=0, last_failure=""
        )
    return "sent"


def _give_up(mail, said):
    """No more tries of `mail`: the failure kept on it and counted on its subscription."""
    NoticeMail.objects.filter(pk=mail.pk).update(
        state=NoticeMail.State.FAILED, error=said, next_try_at=None
    )
    if mail.kind == NoticeMail.Kind.REVISION:
        NoticeSubscription.objects.filter(pk=mail.subscription_id).update(
            failures=F("failures") + 1, last_failure=said
        )


def _refused_for_good(error):
    """Whether the server refused this mail or its recipient for good (a 5xx answer): trying
    again would be refused again."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code >= 500
    return False


def _error_text(error, address):
    """What went wrong, for staff, without the address (a server's answer often repeats it)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        said = "; ".join(
            f"{code} {_decoded(message)}" for code, message in error.recipients.values()
        )
        said = f"the recipient was refused: {said}"
    elif isinstance(error, smtplib.SMTPResponseException):
        said = f"{type(error).__name__}: {error.smtp_code} {_decoded(error.smtp_error)}"
    else:
        said = f"{type(error).__name__}: {error}"
    return said.replace(address, "<address>")[:1000]


def _decoded(message):
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)


# -- the mails -----------------------------------------------------------------------------------


def _one_line(text):
    """A header's text on one line (a title may hold a line break)."""
    return " ".join(str(text).split())


def _url(name, *args):
    return absolute(reverse(name, args=args))


def _programme_names(programme, revision=None):
    """(the programme's title, its meeting's) in the active language: the title as `revision`
    published it, where it keeps one."""
    title = revisions.title(revision.snapshot) if revision is not None else ""
    return (
        title or languages.text(programme, "title")[0],
        languages.text(programme.meeting, "title")[0],
    )


def _headers(subscribed):
    return {
        "Auto-Submitted": "auto-generated",
        "Content-Language": subscribed.language,
    }


def compose(mail):
    """The message of `mail`, in its subscriber's language."""
    with translation.override(mail.subscription.language):
        if mail.kind == NoticeMail.Kind.CONFIRMATION:
            return _confirmation(mail.subscription)
        return _revision_notice(mail.subscription, mail.revision)


def _message(subscribed, subject, template, context, headers):
    context = {**context, "subject": subject, "language": subscribed.language}
    message = EmailMultiAlternatives(
        subject=_one_line(subject),
        body=render_to_string(f"meetings/notices/{template}.txt", context),
        to=[subscribed.email],
        headers={**_headers(subscribed), **headers},
    )
    message.attach_alternative(
        render_to_string(f"meetings/notices/{template}.html", context), "text/html"
    )
    return message


def _confirmation(subscribed):
    programme = subscribed.programme
    title, meeting = _programme_names(programme)
    subject = _("Confirm notices of changes to %(programme)s") % {"programme": title}
    context = {
        "programme": title,
        "meeting": meeting,
        "confirm_url": _url("meetings:notices_confirm", subscribed.token),
        "days": settings.NOTICE_CONFIRMATION_DAYS,
    }
    copy = published_copy(programme.pk)
    if copy is not None:
        context["programme_url"] = absolute(copy.get_absolute_url())
    return _message(subscribed, subject, "confirmation", context, {})


def _revision_notice(subscribed, revision):
    """A revision's note and what changed, as the Changes page says it (revisions.changes)."""
    programme = subscribed.programme
    title, meeting = _programme_names(programme, revision)
    before = (
        ProgrammeRevision.objects.filter(programme=programme, number=revision.number - 1)
        .values_list("snapshot", flat=True)
        .first()
    )
    note, english = languages.text(revision, "note")
    # The same words as the feed's entries.
    subject = _("%(programme)s, %(meeting)s: revision %(number)s") % {
        "programme": title,
        "meeting": meeting,
        "number": revision.number,
    }
    unsubscribe_url = _url("meetings:notices_unsubscribe", subscribed.token)
    copy = published_copy(programme.pk) or revision.copy
    context = {
        "programme": title,
        "meeting": meeting,
        "number": revision.number,
        "published": languages.moment_text(timezone.localtime(revision.published_at)),
        "note": note,
        "note_html": languages.marked(note, english),
        "changes": revisions.changes(before, revision.snapshot),
        "unsubscribe_url": unsubscribe_url,
    }
    if copy is not None:
        context["programme_url"] = absolute(copy.get_absolute_url())
        changes_url = reverse("meetings:programme_changes", args=[copy.meeting.slug, copy.slug])
        context["changes_url"] = absolute(f"{changes_url}#revision-{revision.number}")
    headers = {
        # RFC 2369 and RFC 8058: a mail program's own "Unsubscribe" posts
        # List-Unsubscribe=One-Click to this address, and the subscription is deleted.
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"<programme-{programme.pk}.notices.{_host()}>",
    }
    return _message(subscribed, subject, "revision", context, headers)


def _host():
    return urlsplit(settings.SITE_URL).hostname
