"""manage.py in a bare checkout runs as development; with a SECRET_KEY it stays strict."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def debug_seen_by_manage_py(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c",
         "from django.conf import settings; print(settings.DEBUG)"],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout.strip()


@pytest.mark.parametrize(
    "env, expected",
    [
        ({}, "True"),
        ({"SECRET_KEY": "k"}, "False"),
        ({"DEBUG": "false", "SECRET_KEY": "k"}, "False"),
    ],
)
def test_manage_py_defaults_to_debug_only_in_a_bare_checkout(env, expected):
    assert debug_seen_by_manage_py(**env) == expected
