"""The notices by e-mail (meetings/publishing/notices.py): nothing but the confirmation until an
address is confirmed; each published revision's note and changes in the subscriber's language,
worded as the Changes page words them, with one-click unsubscribe headers; bounded tries, a
refused address given up at once, and none of it holding up another address's mail or the
publishing. End to end, a real `db_worker` and a real SMTP server on 127.0.0.1 (aiosmtpd). The
pages: tests/meetings/public/test_notice_pages.py."""

import io
import time
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from django_tasks import task_backends
from smtp_server import SMTPServer, free_port, silent_server
from task_workers import DATABASE_QUEUE, kill, start_worker, wait_for, worker_env

from meetings.models import NoticeMail, NoticeSubscription, Session, Status
from meetings.publishing import notices, revisions

DUMMY_QUEUE = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# The French Changes page's words for the edit `edited` makes (non-breaking spaces as the French
# catalogue writes them).
FRENCH_MOVE = (
    "«\u00a0Opening\u00a0» déplacée\u00a0: mercredi 22 mai 2030, 10\u00a0h → 11\u00a0h\u00a030."
)


def subscriber(programme, email, language="en", confirmed=True):
    return NoticeSubscription.objects.create(
        programme=programme,
        email=email,
        language=language,
        confirmation_sent_at=timezone.now(),
        confirmed_at=timezone.now() if confirmed else None,
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs an action as if its transactions committed: the test's queue then runs each task
    at once."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


@pytest.fixture
def edited(programme, make_session):
    """A programme published with one session, then edited: its next revision moves it."""
    session = make_session(title="Opening")
    revisions.publish(programme, "First")
    Session.objects.filter(pk=session.pk).update(start_time="11:30")
    return programme


def publish(programme, committed, note="Opening moved to 11:30", **translations):
    def act():
        revision = revisions.publish(programme, note)
        if translations:
            type(revision).objects.filter(pk=revision.pk).update(**translations)
        return revision

    return committed(act)


def text_of(html):
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


# -- what is sent, and to whom -------------------------------------------------------------------


def test_nothing_is_sent_to_an_address_not_confirmed(edited, committed, mailoutbox, settings):
    settings.TASKS = DUMMY_QUEUE
    subscriber(edited, "waiting@ministry.test", confirmed=False)
    publish(edited, committed)
    assert mailoutbox == [] and list(task_backends["default"].results) == []
    assert not NoticeMail.objects.exists()


def test_a_revision_is_sent_to_each_confirmed_subscriber_once(edited, committed, mailoutbox):
    subscriber(edited, "one@ministry.test")
    subscriber(edited, "two@ministry.test")
    revision = publish(edited, committed)
    assert sorted(m.to[0] for m in mailoutbox) == ["one@ministry.test", "two@ministry.test"]
    assert set(NoticeMail.objects.values_list("state", flat=True)) == {"sent"}
    notices.announce_revision.call(revision.pk)  # asked again: no mail twice
    assert len(mailoutbox) == 2


def test_the_notice_says_the_note_and_what_changed_with_links_to_stop_it(
    edited, committed, mailoutbox, client
):
    subscribed = subscriber(edited, "one@ministry.test")
    revision = publish(edited, committed)
    (mail,) = mailoutbox
    assert mail.subject == "Parallel Programme, Intersessional Meetings May 2030: revision 2"
    assert "Opening moved to 11:30" in mail.body
    assert "“Opening” moved: Wednesday 22 May 2030, 10:00 → 11:30." in mail.body
    unsubscribe = f"http://testserver/notices/{subscribed.token}/unsubscribe/"
    assert mail.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail.extra_headers["Auto-Submitted"] == "auto-generated"
    assert unsubscribe in mail.body
    assert f"http://testserver{edited.get_absolute_url()}" in mail.body
    ((html, kind),) = mail.alternatives
    assert kind == "text/html" and f'href="{unsubscribe}"' in html
    # The changes as the Changes page lists them, from the same wording (revisions.changes).
    changes_page = BeautifulSoup(
        client.get(edited.get_absolute_url() + "changes/").content, "html.parser"
    )
    listed = changes_page.find(id=f"revision-{revision.number}").find("ul", class_="changes")
    in_mail = BeautifulSoup(html, "html.parser").find("ul", class_="changes")
    assert [li.get_text(" ", strip=True) for li in in_mail.find_all("li")] == [
        li.get_text(" ", strip=True) for li in listed.find_all("li")
    ]


def test_each_subscriber_gets_the_notice_in_their_own_language(edited, committed, mailoutbox):
    subscriber(edited, "en@ministry.test", "en")
    subscriber(edited, "fr@ministry.test", "fr")
    subscriber(edited, "es@ministry.test", "es")
    publish(
        edited,
        committed,
        note_fr="Ouverture déplacée à 11 h 30",
        note_es="Apertura trasladada a las 11:30",
    )
    sent = {mail.to[0]: mail for mail in mailoutbox}
    french, spanish = sent["fr@ministry.test"], sent["es@ministry.test"]
    assert "Ouverture déplacée à 11 h 30" in french.body
    assert FRENCH_MOVE in french.body
    assert "/fr/notices/" in french.extra_headers["List-Unsubscribe"]
    assert french.extra_headers["Content-Language"] == "fr"
    assert "Apertura trasladada a las 11:30" in spanish.body
    assert "/es/meetings/" in spanish.body and "/es/notices/" in spanish.body
    assert "Opening moved to 11:30" in sent["en@ministry.test"].body


def test_a_note_without_its_translation_is_the_english_marked_as_such(
    edited, committed, mailoutbox
):
    subscriber(edited, "fr@ministry.test", "fr")
    publish(edited, committed)
    ((html, _kind),) = mailoutbox[0].alternatives
    assert '<span lang="en" data-untranslated>Opening moved to 11:30</span>' in html


def test_publishing_with_nobody_subscribed_queues_nothing(edited, committed, settings):
    settings.TASKS = DUMMY_QUEUE
    publish(edited, committed)
    assert list(task_backends["default"].results) == []


# -- tries ---------------------------------------------------------------------------------------


@pytest.fixture
def queue(settings):
    """A queue that keeps its tasks and runs none: what the worker finds waiting."""
    settings.TASKS = DUMMY_QUEUE
    return task_backends["default"].results


def make_due():
    NoticeMail.objects.filter(next_try_at__isnull=False).update(
        next_try_at=timezone.now() - timedelta(seconds=1)
    )


@pytest.fixture
def worker(queue, django_capture_on_commit_callbacks):
    """Runs the tasks waiting in `queue` as the worker would, each in a transaction that
    commits (what a task queues on commit is queued), and takes them off."""

    def run(results):
        outcomes = []
        for result in results:
            queue.remove(result)
            with django_capture_on_commit_callbacks(execute=True):
                outcomes.append(result.task.call(*result.args, **result.kwargs))
        return outcomes

    class Worker:
        def due(self):
            """The tasks due now."""
            now = timezone.now()
            return run([r for r in queue if r.task.run_after is None or r.task.run_after <= now])

        def later(self):
            """Every task waiting, once their time has come."""
            make_due()
            return run(list(queue))

    return Worker()


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1 for the mails of this process."""
    server = SMTPServer().start()
    settings.EMAIL_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
    yield server
    server.stop()


def test_a_mail_server_down_is_tried_again_after_growing_waits_then_given_up(
    edited, committed, queue, worker, settings
):
    settings.EMAIL_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 5
    settings.NOTICE_MAIL_TRIES, settings.NOTICE_MAIL_RETRY_SECONDS = 3, 60
    subscribed = subscriber(edited, "one@ministry.test")
    publish(edited, committed)
    assert worker.due() == ["1 queued"]  # the announcement
    waits, outcomes = [], worker.due()
    while NoticeMail.objects.get().state == "pending":
        mail = NoticeMail.objects.get()
        waits.append(round((mail.next_try_at - timezone.now()).total_seconds() / 60))
        (queued,) = queue
        assert queued.task.run_after == mail.next_try_at  # queued before the try began
        assert worker.due() == []  # not due yet
        outcomes += worker.later()
    assert outcomes == ["will try again", "will try again", "failed"]
    assert waits == [1, 4]
    # The look at the last try, queued before it began should its worker stop, finds it done.
    assert worker.later() == ["nothing to do"]
    mail = NoticeMail.objects.get()
    assert (mail.state, mail.tries, mail.next_try_at) == ("failed", 3, None)
    assert "ConnectionRefusedError" in mail.error
    subscribed.refresh_from_db()
    assert subscribed.failures == 1 and "ConnectionRefusedError" in subscribed.last_failure
    assert queue == []  # nothing more, ever


def test_an_address_refused_for_good_is_not_tried_again_and_the_others_are_sent(
    edited, committed, queue, worker, smtp
):
    smtp.inbox.refused = {"gone@ministry.test"}
    subscriber(edited, "gone@ministry.test")
    subscriber(edited, "here@ministry.test")
    publish(edited, committed)
    worker.due()
    assert sorted(worker.due()) == ["failed", "sent"]
    assert [m["To"] for _r, m in smtp.inbox.messages] == ["here@ministry.test"]
    gone = NoticeMail.objects.get(subscription__email="gone@ministry.test")
    assert (gone.state, gone.tries) == ("failed", 1)
    assert "550" in gone.error and "ministry.test" not in gone.error  # never the address
    assert set(worker.later()) == {"nothing to do"}  # the tries queued find nothing to do
    assert NoticeSubscription.objects.get(email="gone@ministry.test").failures == 1
    assert NoticeSubscription.objects.get(email="here@ministry.test").failures == 0


def test_a_try_whose_worker_stopped_is_taken_over_and_the_last_given_up(
    edited, committed, queue, worker, settings
):
    settings.NOTICE_MAIL_TRIES = 2
    subscriber(edited, "one@ministry.test")
    publish(edited, committed)
    worker.due()
    (mail,) = NoticeMail.objects.all()
    # As a worker stopped in the middle of each try leaves it: counted, its next try queued.
    for tries in (1, 2):
        mail = notices._claim(mail.pk)[0]
        assert mail.tries == tries
        queue.clear()
        make_due()
    assert notices.send_notice_mail.call(mail.pk) == "failed"
    mail.refresh_from_db()
    assert mail.state == "failed" and "stopped during the last try" in mail.error


def test_a_revision_withdrawn_before_its_mail_goes_is_not_sent(
    edited, committed, worker, mailoutbox
):
    subscriber(edited, "one@ministry.test")
    publish(edited, committed)
    worker.due()
    edited.status = Status.DRAFT
    edited.save()
    assert worker.due() == ["not sent"]
    assert mailoutbox == []
    assert NoticeMail.objects.get().state == "withdrawn"


def test_an_address_unsubscribed_before_its_mail_goes_gets_nothing(
    edited, committed, worker, mailoutbox
):
    subscribed = subscriber(edited, "one@ministry.test")
    publish(edited, committed)
    worker.due()
    notices.unsubscribe(subscribed.token)
    assert worker.due() == ["unsubscribed"] and mailoutbox == []


def test_the_admin_counts_subscribers_and_never_lists_them(edited, editor_client):
    subscriber(edited, "one@ministry.test")
    subscriber(edited, "two@ministry.test", confirmed=False)
    failing = subscriber(edited, "three@ministry.test")
    NoticeSubscription.objects.filter(pk=failing.pk).update(failures=2)
    assert notices.counts(edited.pk) == {"confirmed": 2, "waiting": 1, "failing": 1}
    response = editor_client.get(f"/admin/meetings/programme/{edited.pk}/change/")
    assert b"ministry.test" not in response.content
    assert "2 subscriber(s)" in text_of(response.content)
    assert editor_client.get("/admin/meetings/noticesubscription/").status_code == 404


# -- a real worker and a real mail server ---------------------------------------------------------


def notice_worker(tmp_path, port, **extra):
    """A `db_worker` sending to the mail server on `port`, trying each mail again after 1 s."""
    env = worker_env(
        tmp_path,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_TIMEOUT=5,
        NOTICE_MAIL_RETRY_SECONDS=1,
        NOTICE_MAIL_TRIES=4,
        **extra,
    )
    return start_worker(env)


def published_transactionally(programme, note, **translations):
    revision = revisions.publish(programme, note)
    if translations:
        type(revision).objects.filter(pk=revision.pk).update(**translations)
    return revision


@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_each_subscriber_the_revision_in_their_language_through_smtp(
    edited, settings, tmp_path
):
    """One address refused by the server (550) loses nobody else's mail."""
    settings.TASKS = DATABASE_QUEUE
    server = SMTPServer(refused=["gone@ministry.test"]).start()
    subscriber(edited, "en@ministry.test", "en")
    subscriber(edited, "fr@ministry.test", "fr")
    subscriber(edited, "gone@ministry.test", "es")
    process = notice_worker(tmp_path, server.port)
    try:
        published_transactionally(
            edited, "Opening moved to 11:30", note_fr="Ouverture déplacée à 11 h 30"
        )
        wait_for(lambda: len(server.inbox.messages) >= 2, "the two mails")
        wait_for(
            lambda: not NoticeMail.objects.filter(state="pending").exists(),
            "every mail to be sent or given up",
        )
    finally:
        kill(process)
        server.stop()
    (english,) = server.inbox.to("en@ministry.test")
    (french,) = server.inbox.to("fr@ministry.test")
    assert server.inbox.to("gone@ministry.test") == []
    assert english["Subject"] == "Parallel Programme, Intersessional Meetings May 2030: revision 2"
    assert french["Content-Language"] == "fr"
    french_text = french.get_body(("plain",)).get_content()
    assert "Ouverture déplacée à 11 h 30" in french_text
    assert FRENCH_MOVE in french_text
    assert french["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/fr/notices/" in french["List-Unsubscribe"]
    assert french.get_body(("html",)).get_content().count("<li>") >= 1
    states = dict(NoticeMail.objects.values_list("subscription__email", "state"))
    assert states == {
        "en@ministry.test": "sent",
        "fr@ministry.test": "sent",
        "gone@ministry.test": "failed",
    }
    assert NoticeMail.objects.get(subscription__email="gone@ministry.test").tries == 1


@pytest.mark.django_db(transaction=True)
def test_publishing_waits_for_no_mail_server_and_the_notice_goes_once_it_is_back(
    edited, settings, tmp_path
):
    settings.TASKS = DATABASE_QUEUE
    # Were this process to send the mail itself, it would wait on a server that never answers.
    silent, silent_port = silent_server()
    settings.EMAIL_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", silent_port, 30
    down_port = free_port()  # the worker's mail server, down for now
    subscriber(edited, "one@ministry.test")
    process = notice_worker(tmp_path, down_port)
    server = None
    try:
        started = time.monotonic()
        published_transactionally(edited, "Opening moved to 11:30")
        assert time.monotonic() - started < 5
        mail = wait_for(
            lambda: NoticeMail.objects.filter(tries__gte=1, error__contains="Refused").first(),
            "a first try refused by the server being down",
        )
        assert mail.state == "pending"
        server = SMTPServer(port=down_port).start()
        wait_for(lambda: server.inbox.to("one@ministry.test"), "the mail once the server is up")
        wait_for(lambda: NoticeMail.objects.filter(state="sent").exists(), "the mail recorded")
    finally:
        kill(process)
        silent.close()
        if server is not None:
            server.stop()
    mail = NoticeMail.objects.get()
    assert mail.state == "sent" and 2 <= mail.tries <= 4 and mail.error == ""
    assert len(server.inbox.messages) == 1


# -- forgetting an address -----------------------------------------------------------------------


def test_forget_address_deletes_every_subscription_of_the_address_whatever_its_case(
    edited, meeting
):
    import factories
    from django.core.management import call_command

    other = factories.ProgrammeFactory(meeting=meeting, slug="other")
    subscriber(edited, "Delegate@Ministry.test")
    subscriber(other, "delegate@ministry.test", confirmed=False)
    kept = subscriber(edited, "colleague@ministry.test")
    out = io.StringIO()
    call_command("forget_address", " DELEGATE@ministry.TEST ", stdout=out)
    assert out.getvalue() == "2 subscription(s) of that address deleted, with their mails.\n"
    assert list(NoticeSubscription.objects.all()) == [kept]


def test_forget_address_refuses_what_is_not_an_address():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="is not an e-mail address; nothing was deleted"):
        call_command("forget_address", "nobody")
