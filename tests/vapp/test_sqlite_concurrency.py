"""Two processes writing the embedded SQLite database at once (two editors saving, two server
workers) both succeed, one after the other: none sees "database is locked", none loses the
other's write."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Read a counter, think, write it back plus one: the read-then-write shape of a form save.
EDITOR = """
import os, sys, time
import django
django.setup()
from django.db import connection, transaction
if os.environ.get("DEFERRED"):
    connection.settings_dict["OPTIONS"]["transaction_mode"] = None
start = float(sys.argv[1])
time.sleep(max(0, start - time.time()))
try:
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT n FROM counter")
            (n,) = cursor.fetchone()
            time.sleep(0.5)
            cursor.execute("UPDATE counter SET n = %s", [n + 1])
except Exception as exc:
    print(type(exc).__name__, exc)
    sys.exit(1)
"""


def two_editors(tmp_path, **extra_env):
    database = tmp_path / "site.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vapp.settings",
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{database}",
        **extra_env,
    }
    setup = (
        "import django; django.setup(); from django.db import connection; "
        "connection.cursor().execute('CREATE TABLE counter (n integer)'); "
        "connection.cursor().execute('INSERT INTO counter VALUES (0)')"
    )
    subprocess.run([sys.executable, "-c", setup], cwd=ROOT, env=env, check=True)
    start = str(time.time() + 3)  # both begin at the same moment, once Django has loaded
    editors = [
        subprocess.Popen(
            [sys.executable, "-c", EDITOR, start],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [editor.communicate(timeout=60)[0] for editor in editors]
    codes = [editor.returncode for editor in editors]
    read = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.db import connection; "
            "c = connection.cursor(); c.execute('SELECT n FROM counter'); print(c.fetchone()[0])",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return codes, outputs, int(read.stdout)


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SQLite's own behaviour"
)
def test_two_concurrent_writers_both_succeed_in_turn(tmp_path):
    codes, outputs, counter = two_editors(tmp_path)
    assert codes == [0, 0], outputs
    assert counter == 2  # the second read the first one's write: nothing lost


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SQLite's own behaviour"
)
def test_control_deferred_transactions_do_lock_each_other_out(tmp_path):
    """Without immediate transactions the same two editors collide: the test above can fail."""
    codes, outputs, counter = two_editors(tmp_path, DEFERRED="1")
    assert sorted(codes) == [0, 1]
    assert "database is locked" in "".join(outputs)
    assert counter == 1
