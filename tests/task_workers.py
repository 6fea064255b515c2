"""Real task-queue workers (`manage.py db_worker`, django-tasks-db) for the tests that run the
database queue end to end: each a subprocess on the test's own database and media folder."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def worker_env(tmp_path, **extra):
    """The environment of a worker process: the test's database (its tables are committed by a
    transactional test), media folder and temporary folder."""
    database = connection.settings_dict
    temporary = tmp_path / "tmp"
    temporary.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        ),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "TMPDIR": str(temporary),
        "TASKS_BACKEND": "database",
        # Plain static names, as the tests use them (no collectstatic here).
        "DEBUG": "true",
        "SECRET_KEY": "insecure-key-for-tests-only",
    }
    env.update({name: str(value) for name, value in extra.items()})
    return env


def start_worker(env, script=None):
    """`manage.py db_worker` (or `script`, which runs it) in a process group of its own."""
    command = [str(script)] if script else ["manage.py"]
    return subprocess.Popen(
        [sys.executable, *command, "db_worker", "--no-reload", "--interval", "0.1"]
        + ["--no-startup-delay", "-v", "0"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
    )


def kill(worker):
    """SIGKILL to the worker and whatever it started (a render child), as a crash would."""
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()


def wait_for(condition, what, seconds=90):
    """Waits until `condition()` is true; fails, saying what it waited for, after `seconds` (a
    guard against a hang, never a measurement)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")
