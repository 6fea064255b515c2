"""Documents are served by the site (meetings.public.views.document_file): inline PDF under a
name the site makes, nosniff, a CSP that allows nothing, and drafts kept out."""

import re

import factories
import pytest
from django.test import Client

from meetings.models import Status


@pytest.mark.django_db
def test_a_document_is_served_inline_with_safe_headers(client, meeting):
    document = factories.DocumentFactory(
        title="Co-Chairs' paper", meeting=meeting, symbol="APLC/MSP.11/2011/WP.1"
    )
    url = document.get_absolute_url()
    assert url == f"/documents/{document.pk}/aplcmsp112011wp1-en.pdf"
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == factories.minimal_pdf("Co-Chairs' paper")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="aplcmsp112011wp1-en.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


HOSTILE_TITLES = [
    "../../etc/passwd",
    'quote" onload="x',
    "line\r\nSet-Cookie: a=b",
    "\u202egnp.exe",
    "تقرير الرئيس",  # Arabic only: no ASCII left, the name falls back to the number
]


@pytest.mark.django_db
@pytest.mark.parametrize("title", HOSTILE_TITLES, ids=range(len(HOSTILE_TITLES)))
def test_a_hostile_title_never_reaches_the_header(client, meeting, title):
    document = factories.DocumentFactory(title=title, meeting=meeting)
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    name = re.fullmatch(r'inline; filename="([a-z0-9-]+\.pdf)"', disposition).group(1)
    assert name == document.download_name
    assert not response.has_header("Set-Cookie")


@pytest.mark.django_db
def test_an_old_name_redirects_to_the_current_one(client, meeting):
    document = factories.DocumentFactory(title="Old title", meeting=meeting)
    old = document.get_absolute_url()
    document.title = "New title"
    document.save()
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == f"/documents/{document.pk}/new-title-en.pdf"


@pytest.mark.django_db
def test_a_document_of_a_draft_meeting_is_not_served_to_the_public(client, editor_client, meeting):
    draft = factories.MeetingFactory(convention=meeting.convention, status=Status.DRAFT)
    document = factories.DocumentFactory(title="Draft paper", meeting=draft)
    assert Client().get(document.get_absolute_url()).status_code == 404
    assert editor_client.get(document.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_a_missing_or_absent_file_is_a_404(client, meeting, media):
    document = factories.DocumentFactory(title="Gone", meeting=meeting)
    (media / document.file.name).unlink()
    assert client.get(document.get_absolute_url()).status_code == 404
    no_file = factories.DocumentFactory(title="Never uploaded", file=None)
    assert client.get(f"/documents/{no_file.pk}/never-uploaded-en.pdf").status_code == 404
    assert no_file.get_absolute_url() == "/documents/"


@pytest.mark.django_db
def test_pages_link_to_the_served_file(client):
    document = factories.DocumentFactory(title="Linked", symbol="X/1")
    html = client.get("/documents/").content.decode()
    assert f'href="{document.get_absolute_url()}"' in html
    assert "/media/documents/" not in html
