"""Absolute addresses, made from SITE_URL, the site's one configured address, and never from a
request's Host header: a visitor chooses that header, and the page cache would hand what one
request named to everyone."""

import base64
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.http.request import validate_host


def absolute(path):
    """The full address of a path of the site: "/news/" -> "https://va.example.org/news/"."""
    if not path.startswith("/"):
        raise ValueError(f"Not a path of the site: {path!r}")
    return settings.SITE_URL + path


def webcal(path):
    """The address a calendar application subscribes to: "webcal://va.example.org/...ics"."""
    return f"webcal://{urlsplit(absolute(path)).netloc}{path}"


@checks.register(checks.Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    """`manage.py check --deploy` (run by ./dev production) refuses a site without its address."""
    host = urlsplit(settings.SITE_URL).hostname
    if host == "testserver":
        return [
            checks.Error(
                "SITE_URL is not set.",
                hint="Set it to the site's public address, such as https://va.example.org: "
                "the feeds, sitemaps, calendars and links are written with it.",
                id="meetings.E001",
            )
        ]
    if not validate_host(host, settings.ALLOWED_HOSTS):
        return [
            checks.Error(
                f"SITE_URL names {host}, which ALLOWED_HOSTS does not allow.",
                hint="Every link the site writes would lead to a refusal (400).",
                id="meetings.E002",
            )
        ]
    return []


# A personal agenda's address names each chosen session by these first bytes of its uid
# (meetings/public/agenda.py), so that templates can write the name too.
AGENDA_NAME_BYTES = 6


def agenda_session_name(uid):
    """A session's name in a personal agenda's code: "kq3Xw8Zp"."""
    return base64.urlsafe_b64encode(uid.bytes[:AGENDA_NAME_BYTES]).decode("ascii")
