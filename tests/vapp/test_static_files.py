"""Static files in production: collectstatic writes hashed names with compressed copies, pages
link the hashed names, and WhiteNoise serves them compressed and cached for a year."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SERVE = """
import django, sys
django.setup()
from django.test import Client
from django.core.management import call_command
call_command("migrate", verbosity=0)
page = Client().get("/", secure=True).content.decode()
href = page.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
css = Client().get(href, secure=True, headers={"accept-encoding": "gzip, br"})
print(href)
print(css.status_code, css.headers.get("Content-Encoding"), css.headers.get("Cache-Control"))
"""


@pytest.mark.skipif(sys.platform != "linux", reason="production layout")
def test_collected_static_files_are_hashed_compressed_and_served_for_a_year(
    tmp_path, scratch_database_url
):
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "vapp.settings",
        "SECRET_KEY": "static-files-test-key",
        "ALLOWED_HOSTS": "testserver",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": scratch_database_url,
        "SECURE_SSL_REDIRECT": "false",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    collected = {p.name for p in (tmp_path / "static" / "css").iterdir()}
    hashed = [n for n in collected if re.fullmatch(r"site\.[0-9a-f]{12}\.css", n)]
    assert len(hashed) == 1
    assert hashed[0] + ".gz" in collected and hashed[0] + ".br" in collected

    out = subprocess.run(
        [sys.executable, "-c", SERVE], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout.splitlines()
    assert out[0] == f"/static/css/{hashed[0]}"
    status, encoding, cache = out[1].split(" ", 2)
    assert (status, encoding) == ("200", "br")
    assert "max-age=315360000" in cache and "immutable" in cache
