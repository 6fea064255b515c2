"""A web worker killed under load is replaced while the others keep serving: the production
server command (vapp/server.py, what `./dev production` runs) with 2 granian workers against
the test database, and `kill -9` of each of its workers in turn."""

import itertools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
# Responses that run the whole Django stack and read the database, with no static file names
# (the test does not run collectstatic, which production does first).
URLS = ["/robots.txt", "/action-plans.json", "/sitemap.xml", "/news/feed.atom"]
LOAD_THREADS = 3
# Requests that must all succeed after each replacement has appeared (a count, not a time).
AFTER_REPLACEMENT = 60
WAIT = 60  # seconds before the test gives up waiting for the server (a hang guard only)

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc; granian workers")


def children(pid):
    """The process ids whose parent is `pid`."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def listens(pid, port):
    """True when process `pid` holds a socket listening on TCP `port` (each granian worker
    listens on its own socket of the port, so a worker that listens is taking connections)."""
    sockets = set()
    for fd in Path(f"/proc/{pid}/fd").glob("*"):
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            sockets.add(target[len("socket:[") : -1])
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port and inode in sockets:
                return True
    return False


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, server, what):
    """Poll `condition` until it is true; fail with the server's log after WAIT seconds."""
    for _ in range(WAIT * 20):
        if server.process.poll() is not None:
            pytest.fail(f"The server exited ({server.process.returncode}):\n{server.log()}")
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"Still waiting for {what} after {WAIT} s:\n{server.log()}")


class Server:
    def __init__(self, process, port, log_path):
        self.process, self.port, self.log_path = process, port, log_path
        self.base = f"http://127.0.0.1:{port}"

    def log(self):
        return self.log_path.read_text()[-4000:]

    def workers(self):
        return children(self.process.pid)

    def listening_workers(self):
        return {pid for pid in self.workers() if listens(pid, self.port)}

    def answers(self, url="/robots.txt"):
        try:
            with urllib.request.urlopen(self.base + url, timeout=5) as response:
                return response.status == 200
        except OSError:
            return False


@pytest.fixture
def production_server(transactional_db, tmp_path):
    """`python -m vapp.server` as `./dev production` runs it, 2 workers, on the test database."""
    port = free_port()
    server_url = urlsplit(os.environ["DATABASE_URL"])
    test_database = server_url._replace(path=f"/{settings.DATABASES['default']['NAME']}")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vapp.settings",
        "DATABASE_URL": test_database.geturl(),
        "DEBUG": "false",
        "SECRET_KEY": "web-workers-fault-test",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "LOG_LEVEL": "WARNING",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "SITE_URL": f"http://127.0.0.1:{port}",
        "WEB_WORKERS": "2",
    }
    (tmp_path / "static").mkdir()
    log_path = tmp_path / "server.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "vapp.server"], cwd=ROOT, env=env, stdout=log, stderr=log
        )
    server = Server(process, port, log_path)
    try:
        wait_for(lambda: len(server.listening_workers()) == 2, server, "2 workers")
        yield server
    finally:
        workers = server.workers()
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for pid in workers:  # any worker the server left behind, if it is still ours
            try:
                if f"--port\0{port}\0" in Path(f"/proc/{pid}/cmdline").read_text():
                    os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


class Load:
    """Threads requesting URLS in turn until stopped; each request takes a ticket when it starts,
    so requests are ordered against events without reading a clock."""

    def __init__(self, base):
        self.base = base
        self.tickets = itertools.count()
        self.results = {}  # ticket -> (url, None or the error)
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(n,)) for n in range(LOAD_THREADS)]

    def run(self, n):
        for url in itertools.cycle(URLS[n % len(URLS) :] + URLS[: n % len(URLS)]):
            if self.stopping.is_set():
                return
            ticket = next(self.tickets)
            try:
                with urllib.request.urlopen(self.base + url, timeout=30) as response:
                    response.read()
                    error = None if response.status == 200 else f"status {response.status}"
            except Exception as exc:  # noqa: BLE001 - every failure counts, whatever its kind
                error = repr(exc)
            self.results[ticket] = (url, error)

    def mark(self):
        """A ticket that no request started before this call holds."""
        return next(self.tickets)

    def completed_after(self, mark):
        return sum(1 for ticket in list(self.results) if ticket > mark)

    def failures(self, after=-1):
        return {t: r for t, r in list(self.results.items()) if t > after and r[1] is not None}

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join()


def kill_and_wait_for_replacement(server, load, victim):
    """kill -9 `victim` under load; the ticket after which its replacement takes connections."""
    others = server.workers() - {victim}
    os.kill(victim, signal.SIGKILL)
    wait_for(
        lambda: victim not in server.workers() and len(server.listening_workers() - others) == 1,
        server,
        f"a worker to replace {victim}",
    )
    mark = load.mark()
    wait_for(lambda: load.completed_after(mark) >= AFTER_REPLACEMENT, server, "requests")
    return mark


def test_a_killed_worker_is_replaced_while_the_other_keeps_serving(production_server):
    server = production_server
    first, second = sorted(server.workers())
    with Load(server.base) as load:
        wait_for(lambda: load.completed_after(-1) >= AFTER_REPLACEMENT, server, "requests")
        assert load.failures() == {}

        after_first = kill_and_wait_for_replacement(server, load, first)
        assert load.failures(after=after_first) == {}
        # The second original worker too: from then on only replacements can answer.
        after_second = kill_and_wait_for_replacement(server, load, second)
        assert load.failures(after=after_second) == {}

    assert server.process.poll() is None, server.log()
    workers = server.workers()
    assert len(workers) == 2 and not workers & {first, second}
    assert server.answers("/action-plans.json")
    # Only requests started before the last replacement was up may have failed: those the
    # killed workers held.
    assert load.failures(after=after_second) == {}
