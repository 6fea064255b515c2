"""The pages of the notices by e-mail (meetings/publishing/notices.py): a programme's form to
subscribe, and the pages a mail's links open, to confirm and to unsubscribe.

The form is a page of its own, linked from the programme's page, which stays the same for every
visitor and so is cached (meetings/caching/pages.py): a form carries its visitor's CSRF token,
which no cached page may hold. None of these pages is cached anywhere (never_cache), and none
shows an address: a subscription is reached only by the random key in its links.
"""

import re

from django import forms
from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from meetings import languages, queries
from meetings.publishing import notices

CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Your e-mail address"),
        max_length=254,
        error_messages={
            "required": gettext_lazy("Enter your e-mail address."),
            "invalid": gettext_lazy("Enter an e-mail address such as name@example.org."),
            "max_length": gettext_lazy("An e-mail address has at most 254 characters."),
        },
    )


def _names(programme):
    """The programme, and its title in the page's language: as plain text (the page's <title>),
    and as HTML, the English standing in for a translation marked lang="en" (the sentences)."""
    return {
        "programme": programme,
        "meeting": programme.meeting,
        "programme_title": languages.text(programme, "title")[0],
        "programme_html": languages.html(programme, "title"),
    }


def _crumbs(programme, last):
    meeting = programme.meeting
    return [
        (languages.html(meeting, "title"), meeting.get_absolute_url()),
        (languages.html(programme, "title"), programme.get_absolute_url()),
        (last, None),
    ]


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def programme_notices(request, meeting, programme):
    """The form to subscribe; posted, the same neutral answer whatever the address was."""
    programme = queries.notices_programme(meeting, programme)
    form = SubscribeForm(request.POST if request.method == "POST" else None)
    context = {
        **_names(programme),
        "crumbs": _crumbs(programme, _("Notices by e-mail")),
        "confirmation_days": settings.NOTICE_CONFIRMATION_DAYS,
    }
    if form.is_valid():
        notices.subscribe(programme.working_id, form.cleaned_data["email"], languages.active())
        return render(request, "meetings/notices/asked.html", context)
    # What was typed, shown again to be corrected, without the control characters no address
    # holds (a NUL byte cannot even be written in a page).
    typed = CONTROL.sub("", form["email"].value() or "")
    return render(
        request, "meetings/notices/subscribe.html", {**context, "form": form, "typed": typed}
    )


def _subscribed(found):
    """The published programme of subscription `found`, for its pages: none where it is no
    longer public (its name is not shown then)."""
    copy = notices.published_copy(found.programme_id) if found is not None else None
    return _names(copy) if copy is not None else {}


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def notices_confirm(request, token):
    """A confirmation link: GET shows a button (mail scanners open links), POST confirms."""
    found = notices.subscription(token)
    if not notices.confirmable(found):
        return render(request, "meetings/notices/link_expired.html", status=404)
    context = _subscribed(found)
    if request.method == "POST" or found.is_confirmed:
        notices.confirm(found)
        return render(request, "meetings/notices/confirmed.html", {**context, "token": token})
    return render(request, "meetings/notices/confirm.html", {**context, "token": token})


@csrf_exempt  # RFC 8058: a mail program posts here, with no cookie; the key is the secret
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def notices_unsubscribe(request, token):
    """An unsubscribe link: GET shows a button, POST (the page's, or a mail program's
    `List-Unsubscribe=One-Click`) deletes the subscription, its address with it."""
    found = notices.subscription(token)
    context = _subscribed(found)
    if request.method == "POST":
        notices.unsubscribe(token)
        return render(request, "meetings/notices/unsubscribed.html", context)
    if found is None:
        return render(request, "meetings/notices/unsubscribed.html", context, status=404)
    return render(request, "meetings/notices/unsubscribe.html", {**context, "token": token})
