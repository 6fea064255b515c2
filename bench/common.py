"""What the benchmarks share: a throw-away site (database, media, collected static files), an
app server (granian as in production, or gunicorn to compare) on 127.0.0.1, and wrk as the load
generator in another process."""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "10"))
PARALLEL = "/meetings/intersessional-meetings-may-2012/parallel-programme-victim-assistance/"


def log(message):
    print(message, flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def seed_site(env):
    """The throw-away site's tables, the seed content and the collected static files."""
    manage(env, "migrate", "-v0")
    manage(env, "loaddata", "seeds", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")


def django_script(env, code):
    """Run `code` in a fresh Python process with Django set up; return its stdout."""
    prelude = "import django; django.setup()\n"
    result = subprocess.run([PYTHON, "-c", prelude + code], cwd=ROOT, env=env, capture_output=True)
    if result.returncode:
        sys.exit(f"A Django script failed:\n{result.stderr.decode()[-3000:]}")
    return result.stdout.decode()


@contextmanager
def throwaway_database():
    """The URL of an empty PostgreSQL database of its own on the server DATABASE_URL names
    (`./dev bench` starts the embedded one when it is not set); dropped afterwards."""
    import psycopg

    server = urlsplit(os.environ["DATABASE_URL"])
    prefix = os.environ.get("BENCH_DATABASE_PREFIX", "vapp_bench")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server._replace(path="/postgres").geturl(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield server._replace(path=f"/{name}").geturl()
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def throwaway_site():
    """A folder, a database and an environment for a site of its own. Yields (folder, env)."""
    work = Path(tempfile.mkdtemp(prefix="vapp-bench-"))
    with throwaway_database() as database_url:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "vapp.settings",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(work / "media"),
            "STATIC_ROOT": str(work / "static"),
            "SECRET_KEY": "benchmark-only",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": "http://127.0.0.1",
            "SECURE_COOKIES": "false",
            "SECURE_SSL_REDIRECT": "false",
            "LOG_LEVEL": "WARNING",
        }
        try:
            yield work, env
        finally:
            shutil.rmtree(work, ignore_errors=True)


SERVERS = {
    "gunicorn": lambda port, workers: [
        PYTHON, "-m", "gunicorn", "vapp.wsgi", f"--workers={workers}",
        f"--bind=127.0.0.1:{port}", "--log-level=warning",
    ],
    # The production command line (vapp/server.py), given HOST, PORT and WEB_WORKERS.
    "granian": lambda port, workers: [PYTHON, "-m", "vapp.server"],
}  # fmt: skip


@contextmanager
def server(env, kind="granian", workers=2, probe="/robots.txt", port=None):
    """The site served by `kind` (granian, the production server, or gunicorn) on `port`
    (default: a free one); yields its base URL."""
    port = port or free_port()
    env = {**env, "HOST": "127.0.0.1", "PORT": str(port), "WEB_WORKERS": str(workers)}
    process = subprocess.Popen(SERVERS[kind](port, workers), cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + probe, timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait()


def wrk_output(
    url, connections=16, seconds=None, latency=False, script=None, headers=(), timeout=None
):
    """What wrk printed after loading `url` (with a Lua `script`, the addresses it makes; each of
    `headers`, "Name: value", sent with every request; a request unanswered after `timeout`
    seconds, default 2, counted as a timeout)."""
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds or WRK_SECONDS}s"]
    if latency:
        command.append("--latency")
    if script:
        command += ["-s", script]
    for header in headers:
        command += ["-H", header]
    if timeout:
        command.append(f"--timeout={timeout}s")
    return subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout


def wrk(url, connections=16, seconds=None, latency=False, headers=(), timeout=None):
    """Requests per second (and, with latency=True, the p50 and p99 in ms) of `url` under load."""
    output = wrk_output(url, connections, seconds, latency, headers=headers, timeout=timeout)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        sys.exit(f"{url} answered errors under load:\n{output}")
    if re.search(r"Socket errors: .*timeout [1-9]", output):
        sys.exit(f"{url} timed out under load:\n{output}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    if not latency:
        return rps
    return rps, ms(output, "50%"), ms(output, "99%")


def ms(output, percentile):
    """The `percentile` latency of wrk --latency output, in ms."""
    value, unit = re.search(rf"^\s+{percentile}\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


@contextmanager
def task_worker(env):
    """The task queue's worker (programme PDF renders), as ./dev production runs it."""
    process = subprocess.Popen([PYTHON, "manage.py", "db_worker"], cwd=ROOT, env=env)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
