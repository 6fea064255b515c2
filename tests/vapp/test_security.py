"""Production settings speak HTTPS only: plain HTTP is redirected, HSTS is sent, cookies are
secure; `check --deploy` finds nothing (also run by .ci/run)."""

import io

import pytest
from django.core.management import call_command
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
    out = io.StringIO()
    call_command("check", deploy=True, fail_level="WARNING", stdout=out)
    assert "no issues" in out.getvalue()
