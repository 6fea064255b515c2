"""The task queue's worker (`manage.py db_worker`) whose PDF renders wait while the file named by
RENDER_HOLD exists, after writing RENDER_STARTED: a render under way, for a test to kill the
worker in the middle of it (tests/faults/test_pdf_renders.py)."""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vapp.settings")

import django  # noqa: E402

django.setup()

from django.core.management import execute_from_command_line  # noqa: E402

from meetings.publishing import pdf  # noqa: E402

real_render = pdf.render_pdf


def held_render(html):
    Path(os.environ["RENDER_STARTED"]).write_text(str(os.getpid()))
    while Path(os.environ["RENDER_HOLD"]).exists():
        time.sleep(0.05)
    return real_render(html)


pdf.render_pdf = held_render
execute_from_command_line(["manage.py", *sys.argv[1:]])
