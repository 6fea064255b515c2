"""What the benchmarks share: a throw-away site (database, media, collected static files), an
app server (granian as in production, or gunicorn to compare) on 127.0.0.1, and wrk as the load
generator in another process."""

import http.cookiejar
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext, suppress
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "10"))
MEETING = "/meetings/intersessional-meetings-may-2012/"
PARALLEL = MEETING + "parallel-programme-victim-assistance/"
# The seed session the editors of soak_bench and meeting_day_bench retitle.
EDITED_SESSION = "coordination-national-plans"
SESSION = PARALLEL + f"sessions/{EDITED_SESSION}/"  # the edited session's public page


def log(message):
    print(message, flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def seed_site(env):
    """The throw-away site's tables, the seed content, the planner's statistics of them and the
    collected static files. Analyzed, as the generated archive is: autovacuum analyzes a table
    only after 50 changes, so the seed site's were never analyzed, and its pages were planned
    as if over tables of unknown size against an archive planned from its statistics (the
    seed site's meeting page came out slower than the archive's, 21.6 ms against 14.7). The
    figures of runs before 2026-12-05 were measured on the seed site unanalyzed."""
    manage(env, "migrate", "-v0")
    manage(env, "loaddata", "seeds", "-v0")
    django_script(env, "from meetings.content import archive\narchive.refresh_statistics()")
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
    (`./dev bench` starts the embedded one when it is not set), named BENCH_DATABASE_PREFIX, or
    after the database that URL names (vapp_bench_... under ./dev), and a random suffix;
    dropped afterwards."""
    import psycopg

    server = urlsplit(os.environ["DATABASE_URL"])
    prefix = os.environ.get("BENCH_DATABASE_PREFIX") or f"{server.path.strip('/') or 'vapp'}_bench_"
    name = f"{prefix}{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server._replace(path="/postgres").geturl(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield server._replace(path=f"/{name}").geturl()
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def throwaway_site(database_url=None):
    """A folder, a database and an environment for a site of its own. Yields (folder, env).
    `database_url`: a database made before, used as it is and kept (the folder is new)."""
    work = Path(tempfile.mkdtemp(prefix="vapp-bench-"))
    database = nullcontext(database_url) if database_url else throwaway_database()
    with database as database_url:
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


@contextmanager
def archive_site(years):
    """(folder, env) of a site holding the generated archive (manage.py generate_archive, `years`
    of it). BENCH_ARCHIVE_DATABASE_URL names a database where one was generated before (after
    `migrate` and `loaddata seeds`): it is migrated, used and kept, so that generating the
    archive (a quarter of an hour on a quiet machine, an hour on a busy one) is not part of
    every run; a benchmark that edits the site edits it there. Otherwise the archive is
    generated now in a throw-away database."""
    given = os.environ.get("BENCH_ARCHIVE_DATABASE_URL")
    with throwaway_site(database_url=given) as (work, env):
        if given:
            manage(env, "migrate", "-v0")
            manage(env, "collectstatic", "--no-input", "-v0")
            log(f"  the archive made before, in {urlsplit(given).path.strip('/')}")
        else:
            seed_site(env)
            manage(env, "generate_archive", "-v0", "--years", str(years))
        yield work, env


SERVERS = {
    "gunicorn": lambda port, workers: [
        PYTHON, "-m", "gunicorn", "vapp.wsgi", f"--workers={workers}",
        f"--bind=127.0.0.1:{port}", "--log-level=warning",
    ],
    # The production command line (vapp/server.py), given HOST, PORT and WEB_WORKERS.
    "granian": lambda port, workers: [PYTHON, "-m", "vapp.server"],
}  # fmt: skip


@contextmanager
def started(command, env=None, probe=None, **popen):
    """`command` running in a process group of its own, waited for until the URL `probe` answers
    (any HTTP status); at the end, on an error or Ctrl-C too, the group is stopped: TERM, then
    KILL for whatever is left after 15 s, so nothing it started outlives the benchmark."""
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, **popen)
    try:
        for _ in range(300 if probe else 0):
            try:
                urllib.request.urlopen(probe, timeout=1)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if process.poll() is not None:
                    sys.exit(f"{command[0]} stopped (exit {process.returncode}) before answering.")
                time.sleep(0.1)
        yield process
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=15)
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def server(env, kind="granian", workers=2, probe="/robots.txt", port=None):
    """The site served by `kind` (granian, the production server, or gunicorn) on `port`
    (default: a free one); yields its base URL."""
    port = port or free_port()
    env = {**env, "HOST": "127.0.0.1", "PORT": str(port), "WEB_WORKERS": str(workers)}
    base = f"http://127.0.0.1:{port}"
    with started(SERVERS[kind](port, workers), env, probe=base + probe):
        yield base


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
    if timeout:
        command.append(f"--timeout={timeout}s")
    if script:
        command += ["-s", script]
    for header in headers:
        command += ["-H", header]
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


def side_by_side(sites, path, connections, seconds, rounds, samples=12, timeout=30):
    """`path` loaded on every site of `sites` ({name: (base URL, headers)}) at the same time,
    each by a wrk of its own, `rounds` times: [{name: (p50, p99)}, ...] in ms, one dict a
    round. Whatever else loads this shared machine meanwhile slows every site alike. (One
    after the other, a page of 10 ms measured 0.6 to 1.7 times as slow on one site as on the
    other in one run, for the same queries over the same rows: admin_bench, 2026-12-03.)
    A round lasts `seconds`, or longer for a slow page: long enough for `samples` answers of
    the slower site, as a warm-up under the same load found it (a request unanswered after
    `timeout` seconds is an error)."""

    def load(duration):
        with ThreadPoolExecutor(max_workers=len(sites)) as pool:
            loads = {
                name: pool.submit(
                    wrk, base + path, connections, duration, True, headers, timeout=timeout
                )
                for name, (base, headers) in sites.items()
            }
            return {name: load.result()[1:] for name, load in loads.items()}

    warm_seconds = 2
    # A site that answered nothing while warming up takes longer than the warm-up.
    slowest = max(p50 / 1000 or 2 * warm_seconds for p50, _p99 in load(warm_seconds).values())
    seconds = max(seconds, math.ceil(samples * slowest / connections))
    found = []
    for _round in range(rounds):
        answers = load(seconds)
        for name, (p50, _p99) in answers.items():
            assert p50 > 0, f"no request of {path} was answered by the {name} site"
        found.append(answers)
    return found


def ms(output, percentile):
    """The `percentile` latency of wrk --latency output, in ms."""
    value, unit = re.search(rf"^\s+{percentile}\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


ROTATE = """
paths = {%s}
i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
"""
# With count_renders: each answer's Cache-Status read, and the answers that were rendered and
# stored (meetings/caching/pages.py) counted over every wrk thread.
COUNT_RENDERS = """
threads = {}
setup = function(thread) table.insert(threads, thread) end
init = function(args) rendered = 0 end
response = function(status, headers, body)
  local said = headers["cache-status"] or headers["Cache-Status"]
  if said and string.find(said, "stored", 1, true) then rendered = rendered + 1 end
end
done = function(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("rendered") end
  io.write(string.format("Rendered and stored: %%d\\n", total))
end
"""


def rotating_script(folder, addresses, count_renders=False):
    """A wrk Lua script asking for `addresses` in turn, on each connection (and counting the
    answers rendered rather than served from the cache); its path."""
    script = Path(folder) / "rotate.lua"
    text = ROTATE % ", ".join(f'"{a}"' for a in addresses)
    script.write_text(text + (COUNT_RENDERS % () if count_renders else ""))
    return str(script)


def load_figures(output):
    """What wrk --latency printed, as numbers: requests, rps, p50 and p99 (ms), the non-2xx/3xx
    answers, and the socket errors (connect, read, write, timeout), with wrk's own line."""
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    rendered = re.search(r"Rendered and stored: (\d+)", output)
    return SimpleNamespace(
        requests=int(re.search(r"(\d+) requests in", output).group(1)),
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50=ms(output, "50%"),
        p99=ms(output, "99%"),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in socket.groups()) if socket else 0,
        socket_line=socket.group(0) if socket else "",
        rendered=int(rendered.group(1)) if rendered else None,
    )


def raise_open_files(needed):
    """Lifts this process's soft limit on open files (which wrk and the server inherit) to
    `needed` when it is lower and the hard limit allows: each connection is a file in both."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        ceiling = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (ceiling, hard))
        if ceiling < needed:
            sys.exit(f"{needed} open files are needed; the hard limit is {hard} (ulimit -Hn).")


class PeakMemory:
    """The peak resident memory of a process and of its descendants, sampled from /proc every
    `interval` seconds in a thread while it runs (Linux): `main` is the process's own peak, and
    `children` {command name: the largest peak of a process of that name}. Forked workers have
    their parent's name. A figure sampled, not exact: a peak shorter than `interval` is missed."""

    def __init__(self, pid, interval=0.2):
        self.pid, self.interval = pid, interval
        self.main, self.children = 0, {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    @staticmethod
    def _status(pid):
        """(name, parent, resident bytes) of a process, or None when it is gone."""
        fields = {}
        with suppress(OSError, ValueError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                key, _, value = line.partition(":")
                fields[key] = value.strip()
            return fields["Name"], int(fields["PPid"]), int(fields.get("VmRSS", "0 kB")[:-3]) * 1024
        return None

    def _sample(self):
        while not self._stop.wait(self.interval):
            table = {}
            for entry in Path("/proc").iterdir():
                if entry.name.isdigit():
                    status = self._status(entry.name)
                    if status is not None:
                        table[int(entry.name)] = status
            if self.pid not in table:
                continue
            self.main = max(self.main, table[self.pid][2])
            family = {self.pid}
            for pid in sorted(table):  # a child's id is usually above its parent's; else next time
                name, parent, resident = table[pid]
                if parent in family and pid != self.pid:
                    family.add(pid)
                    self.children[name] = max(self.children.get(name, 0), resident)

    def report(self):
        """The peaks in GB: main 1.20 GB; pagefind 0.40 GB, ..."""
        others = ", ".join(f"{name} {size / 1e9:.2f} GB" for name, size in self.children.items())
        return f"main {self.main / 1e9:.2f} GB" + (f"; {others}" if others else "")


def beside_goal(label, figure, goal=None, passed=True):
    """One line of a benchmark's summary: the figure, its goal, and whether it was met (a
    figure without a goal is only printed); gives `passed`."""
    if goal is None:
        log(f"  {label:<36} {figure:<24} (printed, no goal)")
    else:
        log(f"  {label:<36} {figure:<24} goal {goal!s:<10} {'PASS' if passed else 'FAIL'}")
    return passed


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Editor:
    """An ISU editor in the admin, over HTTP with cookies and the CSRF token, as a browser."""

    def __init__(self, base):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects
        )
        self.saves, self.publishes, self.errors = [], [], []
        self.titles = {}  # each form's title as first read

    def get(self, path):
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read()

    def post(self, path, data):
        """The status of a POST: 302 is a save that went through."""
        body = urllib.parse.urlencode(data, doseq=True).encode()
        request = urllib.request.Request(
            self.base + path, body, headers={"Referer": self.base + path}
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.read()

    def token(self, path):
        """The CSRF token of the form at `path`, as a browser sends it back."""
        page = self.get(path)
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()

    def sign_in(self, username, password):
        status, _ = self.post(
            "/admin/login/?next=/admin/",
            {
                "csrfmiddlewaretoken": self.token("/admin/login/"),
                "username": username,
                "password": password,
            },
        )
        if status != 302:
            sys.exit(f"The editor could not sign in (status {status}).")

    def save(self, url, mark):
        """Saves the session's form with `mark` after its first title; the title saved, or
        None when the save failed. Its time goes to `saves`."""
        sys.path.insert(0, str(ROOT / "tests"))
        from admin_forms import form_data  # the tests' reader of admin forms

        data = form_data(SimpleNamespace(content=self.get(url)))
        title = f"{self.titles.setdefault(url, data['title'][0])} ({mark})"
        data["title"] = [title]
        started = time.perf_counter()
        status, body = self.post(url, data)
        self.saves.append(time.perf_counter() - started)
        if status != 302:
            self.errors.append(f"save {mark}: status {status} {body[:200]!r}")
            return None
        return title

    def publish(self, url, note):
        """Publishes the programme as a new revision; whether it went through. Its time goes
        to `publishes`."""
        data = {"csrfmiddlewaretoken": self.token(url), "note": note}
        started = time.perf_counter()
        status, body = self.post(url, data)
        self.publishes.append(time.perf_counter() - started)
        if status != 302:
            self.errors.append(f"publish ({note}): status {status} {body[:200]!r}")
            return False
        return True


def editor_forms(env, username, password):
    """A superuser `username` on the throw-away site; the admin addresses of the edited
    session's form and of its programme's publish form."""
    return django_script(
        env,
        "from django.contrib.auth import get_user_model\n"
        "from meetings.models import Session\n"
        f"get_user_model().objects.create_superuser({username!r}, 'editor@example.org',"
        f" {password!r})\n"
        f"s = Session.objects.get(slug={EDITED_SESSION!r},"
        " programme__slug='parallel-programme-victim-assistance',"
        " programme__working=None)\n"  # the working copy, not a published one
        "print(f'/admin/meetings/session/{s.pk}/change/')\n"
        "print(f'/admin/meetings/programme/{s.programme_id}/publish/')\n",
    ).split()


@contextmanager
def task_worker(env):
    """The task queue's worker (programme PDF renders), as ./dev production runs it."""
    with started([PYTHON, "manage.py", "db_worker"], env) as process:
        yield process
