"""Absolute addresses, made from SITE_URL, the site's one configured address, and never from a
request's Host header: a visitor chooses that header, and the page cache would hand what one
request named to everyone."""

import base64
import functools
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.http.request import validate_host
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language


def absolute(path):
    """The full address of a path of the site: "/news/" -> "https://va.example.org/news/"."""
    if not path.startswith("/"):
        raise ValueError(f"Not a path of the site: {path!r}")
    return settings.SITE_URL + path


def path_template(url_name, arguments):
    """The path of `url_name` with {0}, {1}, ... where its `arguments` go, in the active
    language: one reverse() for every address of that name. The marks are digits, which every
    converter the site uses (slug, int) accepts, and ten digits long, which no fixed part of a
    path holds."""
    marks = [str(1_000_000_000 + i) for i in range(arguments)]
    path = reverse(url_name, args=marks).replace("{", "{{").replace("}", "}}")
    for i, mark in enumerate(marks):
        path = path.replace(mark, f"{{{i}}}")
    return path


# What the site's path converters (slug, int) accept and reverse() writes unquoted.
_PLAIN = re.compile(r"[-a-zA-Z0-9_]+")


def page_path(url_name, *args):
    """reverse(url_name, args=args), the same path, from a template kept per name, language and
    script prefix: reverse() matched the name's patterns again for each address (25 µs a link
    against 10-12 µs; the archive's list of 25 meetings 1.8 million instructions less).
    Arguments that are not plain slugs or numbers go to reverse() itself, which quotes them or
    refuses them as it always has."""
    if all(
        (type(arg) is int and arg >= 0) or (type(arg) is str and _PLAIN.fullmatch(arg))
        for arg in args
    ):
        return made_path(url_name, *args)
    return reverse(url_name, args=args)


def made_path(url_name, *args):
    """page_path() for arguments the site makes itself, each of which the name's converters take
    as it is and reverse() writes unquoted (a document's download name: slug characters and
    ".pdf", never "." or ".."): the template filled without checking them, where page_path()
    would hand a name with a dot to reverse() (50 µs a file in the documents list)."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    template = _kept_template(url_name, len(args), get_language(), get_script_prefix(), urlconf)
    return template.format(*args)


@functools.lru_cache(maxsize=512)
def _kept_template(url_name, arguments, _language, _prefix, _urlconf):
    """path_template() under the active language, script prefix and URLconf (the key, not read:
    a path differs with each)."""
    return path_template(url_name, arguments)


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
