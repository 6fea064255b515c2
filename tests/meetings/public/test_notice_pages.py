"""The pages of the notices by e-mail (meetings/public/notices.py): the form a programme's page
links to, the neutral answer, confirming (a button, then a POST) and unsubscribing (a button,
or a mail program's one-click POST). The mails and the worker: tests/meetings/publishing/
test_notices.py."""

import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone

from meetings.models import NoticeMail, NoticeSubscription, Status

ADDRESS = "Delegate@Ministry.TEST"


@pytest.fixture
def notices_url(programme):
    return programme.get_absolute_url() + "notices/"


@pytest.fixture
def mails(mailoutbox, django_capture_on_commit_callbacks):
    """(The mails sent, and a function running an action as if its transactions committed: the
    test's queue then runs each task at once.)"""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return mailoutbox, run


def subscribe(client, url, address=ADDRESS, run=None):
    def post():
        return client.post(url, {"email": address})

    return run(post) if run else post()


def page(response):
    return BeautifulSoup(response.content, "html.parser")


def test_the_programme_page_links_to_the_form_and_holds_no_form(programme, client, notices_url):
    response = client.get(programme.get_absolute_url())
    assert notices_url.encode() in response.content
    assert b"Get an e-mail when this programme changes" in response.content
    # It stays the same for every visitor, so it is stored for the next (no CSRF token).
    assert b"csrfmiddlewaretoken" not in response.content and not response.cookies
    assert "public" in response["Cache-Control"]


def test_the_form_has_a_labelled_email_field_and_is_never_cached(client, notices_url):
    response = client.get(notices_url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    form = page(response).find("form", class_="notices")
    assert form["method"] == "post"
    field = form.find("input", attrs={"name": "email"})
    assert field["type"] == "email" and field["autocomplete"] == "email"
    assert form.find("label", attrs={"for": field["id"]}).get_text(strip=True)
    assert form.find("input", attrs={"name": "csrfmiddlewaretoken"})
    assert client.get(notices_url).status_code == 200  # and again: not served from a cache


def test_a_draft_programme_has_no_form(programme, client, notices_url):
    programme.status = Status.DRAFT
    programme.save()
    assert client.get(notices_url).status_code == 404
    assert client.post(notices_url, {"email": ADDRESS}).status_code == 404
    assert not NoticeSubscription.objects.exists()


def test_subscribing_answers_neutrally_and_sends_only_a_confirmation(
    programme, client, notices_url, mails
):
    outbox, run = mails
    response = subscribe(client, notices_url, run=run)
    assert response.status_code == 200
    assert b"If the address is valid and not subscribed yet" in response.content
    assert b"ministry.test" not in response.content.lower()
    (subscribed,) = NoticeSubscription.objects.all()
    assert subscribed.programme == programme and subscribed.email == "Delegate@ministry.test"
    assert subscribed.language == "en" and not subscribed.is_confirmed
    (mail,) = outbox
    assert mail.to == ["Delegate@ministry.test"]
    assert mail.subject == "Confirm notices of changes to Parallel Programme"
    assert f"/notices/{subscribed.token}/confirm/" in mail.body


def test_the_answer_is_the_same_for_an_address_already_subscribed(client, notices_url, mails):
    outbox, run = mails
    first = subscribe(client, notices_url, run=run)
    subscribed = NoticeSubscription.objects.get()
    client.post(f"/notices/{subscribed.token}/confirm/")
    later = subscribe(client, notices_url, address=ADDRESS.upper(), run=run)

    def main(response):
        return page(response).find("main").get_text(" ", strip=True)

    assert main(later) == main(first)
    assert NoticeSubscription.objects.count() == 1  # the same address, whatever its case
    assert len(outbox) == 1  # no second mail to an address already confirmed


def test_a_second_request_soon_after_sends_no_second_mail(client, notices_url, mails, settings):
    outbox, run = mails
    for _ in range(3):
        subscribe(client, notices_url, run=run)
    assert len(outbox) == 1 and NoticeSubscription.objects.count() == 1
    # Once the interval has passed, a new link may be asked for.
    NoticeSubscription.objects.update(
        confirmation_sent_at=timezone.now()
        - timedelta(minutes=settings.NOTICE_CONFIRMATION_INTERVAL_MINUTES + 1)
    )
    subscribe(client, notices_url, run=run)
    assert len(outbox) == 2


def test_one_address_gets_few_confirmations_across_programmes(meeting, client, mails):
    import factories

    outbox, run = mails
    programmes = [
        factories.ProgrammeFactory(meeting=meeting, title=f"P{n}", slug=f"p{n}") for n in range(5)
    ]
    for programme in programmes:
        subscribe(client, programme.get_absolute_url() + "notices/", run=run)
    assert len(outbox) == 3  # notices.CONFIRMATIONS_PER_ADDRESS


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("", "Enter your e-mail address."),
        ("not an address", "Enter an e-mail address such as name@example.org."),
        ("a@b", "Enter an e-mail address such as name@example.org."),
        ("x" * 250 + "@example.org", "An e-mail address has at most 254 characters."),
        ("a\x00b@example.org", "Enter an e-mail address such as name@example.org."),
    ],
)
def test_a_bad_address_gets_the_form_again_with_a_message_and_saves_nothing(
    client, notices_url, mails, address, message
):
    outbox, run = mails
    response = subscribe(client, notices_url, address=address, run=run)
    assert response.status_code == 200
    html = page(response)
    field = html.find("input", attrs={"name": "email"})
    assert field["aria-invalid"] == "true"
    error = html.find(id="n-email-error")
    assert error.get_text(strip=True) == message
    assert "n-email-error" in field["aria-describedby"]
    assert not NoticeSubscription.objects.exists() and outbox == []


def test_the_form_refuses_a_post_without_its_csrf_token(notices_url):
    client = Client(enforce_csrf_checks=True)
    assert client.post(notices_url, {"email": ADDRESS}).status_code == 403
    assert not NoticeSubscription.objects.exists()


def test_subscribing_from_the_french_page_subscribes_in_french(
    programme, client, notices_url, mails
):
    outbox, run = mails
    response = subscribe(client, "/fr" + notices_url, run=run)
    assert response.status_code == 200 and response["Content-Language"] == "fr"
    assert NoticeSubscription.objects.get().language == "fr"
    (mail,) = outbox
    assert mail.extra_headers["Content-Language"] == "fr"
    assert "/fr/notices/" in mail.body


# -- confirming ----------------------------------------------------------------------------------


@pytest.fixture
def asked(client, notices_url, mails):
    subscribe(client, notices_url, run=mails[1])
    return NoticeSubscription.objects.get()


def test_the_confirmation_link_shows_a_button_and_confirms_only_when_posted(asked, client):
    url = f"/notices/{asked.token}/confirm/"
    for _ in range(2):  # a mail scanner opening the link confirms nothing
        response = client.get(url)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        assert page(response).find("form", class_="notices").find("button")
    asked.refresh_from_db()
    assert not asked.is_confirmed
    response = client.post(url)
    assert b"Subscription confirmed" in response.content
    asked.refresh_from_db()
    assert asked.is_confirmed
    # Opened again later: it says so, and confirms nothing anew.
    confirmed_at = asked.confirmed_at
    assert b"Subscription confirmed" in client.get(url).content
    asked.refresh_from_db()
    assert asked.confirmed_at == confirmed_at


def test_an_expired_or_made_up_link_confirms_nothing(asked, client, settings):
    NoticeSubscription.objects.update(
        confirmation_sent_at=timezone.now() - timedelta(days=settings.NOTICE_CONFIRMATION_DAYS + 1)
    )
    for token in (asked.token, "made-up", asked.token[:-1]):
        response = client.post(f"/notices/{token}/confirm/")
        assert response.status_code == 404
        assert b"This link no longer works" in response.content
    asked.refresh_from_db()
    assert not asked.is_confirmed


def test_an_expired_subscription_is_deleted_at_the_next_subscription(
    asked, client, settings, meeting, mails
):
    import factories

    NoticeSubscription.objects.update(
        confirmation_sent_at=timezone.now() - timedelta(days=settings.NOTICE_CONFIRMATION_DAYS + 1)
    )
    other = factories.ProgrammeFactory(meeting=meeting, slug="other")
    subscribe(client, other.get_absolute_url() + "notices/", address="other@example.org")
    assert list(NoticeSubscription.objects.values_list("email", flat=True)) == ["other@example.org"]


# -- unsubscribing -------------------------------------------------------------------------------


@pytest.fixture
def confirmed(asked, client):
    client.post(f"/notices/{asked.token}/confirm/")
    asked.refresh_from_db()
    return asked


def test_the_unsubscribe_link_shows_a_button_and_unsubscribes_when_posted(confirmed, client):
    url = f"/notices/{confirmed.token}/unsubscribe/"
    response = client.get(url)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert page(response).find("form", class_="notices").find("button")
    assert NoticeSubscription.objects.exists()  # opening the link unsubscribes nothing
    response = client.post(url)
    assert response.status_code == 200 and b"Unsubscribed" in response.content
    assert not NoticeSubscription.objects.exists() and not NoticeMail.objects.exists()


def test_a_mail_programs_one_click_post_unsubscribes_without_cookie_or_token(confirmed):
    """RFC 8058: the mail program posts List-Unsubscribe=One-Click, with no cookie."""
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/notices/{confirmed.token}/unsubscribe/", {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert not NoticeSubscription.objects.exists()
    # Posted again (a mail program retrying): the same answer.
    again = client.post(
        f"/notices/{confirmed.token}/unsubscribe/", {"List-Unsubscribe": "One-Click"}
    )
    assert again.status_code == 200


def test_a_made_up_unsubscribe_link_deletes_nothing(confirmed, client):
    response = client.get("/notices/made-up/unsubscribe/")
    assert response.status_code == 404
    client.post("/notices/made-up/unsubscribe/")
    assert NoticeSubscription.objects.count() == 1


# -- the address, nowhere ------------------------------------------------------------------------


def test_no_page_shows_the_address(confirmed, client, programme, editor_client):
    for url in (
        programme.get_absolute_url(),
        programme.get_absolute_url() + "notices/",
        f"/notices/{confirmed.token}/confirm/",
        f"/notices/{confirmed.token}/unsubscribe/",
        "/meetings/changes.atom",
        programme.get_absolute_url() + "schedule.json",
        programme.get_absolute_url() + "programme.ics",
        "/search/?q=delegate",
        "/sitemap.xml",
    ):
        response = client.get(url, follow=True)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"ministry.test" not in body.lower(), url
    change = editor_client.get(f"/admin/meetings/programme/{programme.pk}/change/")
    assert b"ministry.test" not in change.content.lower()
    text = re.sub(r"\s+", " ", page(change).get_text(" "))
    assert "Notices by e-mail: 1 subscriber(s)" in text
    assert str(confirmed) == f"Notice subscription {confirmed.pk} to {programme}"


def test_an_untranslated_title_in_a_french_sentence_is_marked_english(client, notices_url):
    html = page(client.get("/fr" + notices_url))
    title = html.find("h1").find("span", attrs={"lang": "en"})
    assert title.get_text() == "Parallel Programme"
    assert html.find(class_="untranslated-note")
