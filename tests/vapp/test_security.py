"""Production settings speak HTTPS only: plain HTTP is redirected, HSTS is sent, cookies are
secure; `check --deploy` finds nothing (also run by .ci/run); every page carries a Content
Security Policy that refuses inline script and style."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client


@pytest.fixture
def production(settings):
    settings.SECURE_SSL_REDIRECT = True  # what vapp/settings.py gives with DEBUG off


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(production):
    response = Client().get("/meetings/?convention=APMBC")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/meetings/?convention=APMBC"


@pytest.mark.django_db
def test_https_answers_with_hsts_nosniff_and_no_framing(production):
    response = Client().get("/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_deployment_checklist_finds_nothing(settings, monkeypatch):
    # The browser tests allow Django's ORM in Playwright's event loop; production never does.
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    settings.SECURE_SSL_REDIRECT = True
    settings.SECRET_KEY = "a-long-random-production-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    settings.SITE_URL = "https://va.example.org"
    settings.ALLOWED_HOSTS = ["va.example.org"]
    out = io.StringIO()
    call_command("check", deploy=True, fail_level="WARNING", stdout=out)
    assert "no issues" in out.getvalue()


@pytest.mark.parametrize(
    "site_url, hosts, message",
    [
        ("http://testserver", ["va.example.org"], "SITE_URL is not set"),
        ("https://va.example.org", ["other.example.org"], "which ALLOWED_HOSTS does not allow"),
    ],
)
def test_the_deployment_checklist_refuses_a_site_without_its_address(
    settings, site_url, hosts, message
):
    settings.SITE_URL, settings.ALLOWED_HOSTS = site_url, hosts
    with pytest.raises(SystemCheckError, match=message):
        call_command("check", deploy=True, fail_level="ERROR", stdout=io.StringIO())


CSP_PAGES = ["/", "/meetings/", "/search/?q=plan", "/admin/login/"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", CSP_PAGES)
def test_pages_forbid_inline_script_and_style_and_foreign_sources(url):
    policy = Client().get(url, secure=True)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


@pytest.mark.django_db
def test_a_page_served_from_the_page_cache_keeps_its_policy():
    first = Client().get("/meetings/", secure=True)
    second = Client().get("/meetings/", secure=True)
    assert second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_no_template_holds_inline_script_style_or_event_handler():
    """What the policy would refuse must not be written in the first place."""
    templates = Path(__file__).resolve().parents[2] / "templates"
    offending = []
    for path in templates.rglob("*.html"):
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\sstyle=", r"\son[a-z]+="):
            offending += [f"{path.name}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert offending == []
