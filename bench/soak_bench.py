"""Soak: the site under steady load while an editor saves and publishes.

    ./dev bench soak_bench

The site runs as in production (granian, 2 workers, with its task worker) on a throw-away
database with the seed data. For BENCH_SOAK_SECONDS (default 60), wrk keeps 64 connections
busy on the public addresses below, in turn; meanwhile an editor, signed in to the admin over
HTTP like a browser, saves a session of the seed programme every few seconds (a new title each
time) and publishes the programme as a new revision every other save, so cached pages, feeds and
the PDF keep changing under the load.

Prints requests/s, p50 and p99 latency, the errors (non-2xx/3xx answers and socket errors from
wrk, failed saves from the editor) and the editor's save times. Exits 1 on any error.
"""

import http.cookiejar
import os
import re
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from types import SimpleNamespace

from common import (
    PARALLEL,
    log,
    manage,
    ms,
    seed_site,
    server,
    task_worker,
    throwaway_site,
    wrk_output,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from admin_forms import form_data  # noqa: E402 - the tests' reader of admin forms

SECONDS = int(os.environ.get("BENCH_SOAK_SECONDS", "60"))
CONNECTIONS = int(os.environ.get("BENCH_SOAK_CONNECTIONS", "64"))
EDIT_EVERY = float(os.environ.get("BENCH_SOAK_EDIT_EVERY", "3"))
SESSION = PARALLEL + "sessions/coordination-national-plans/"
ADDRESSES = [
    "/",
    "/meetings/",
    PARALLEL,
    "/fr" + PARALLEL,
    SESSION,
    "/es" + SESSION,
    PARALLEL + "programme.pdf",
    PARALLEL + "programme.ics",
    PARALLEL + "schedule.json",
    PARALLEL + "changes/",
    "/action-plans/cartagena-action-plan/24/",
    "/news/feed.atom",
    "/sitemap-sessions.xml",
    "/search/?q=survivors",
    "/static/css/site.css",
]
SOCKET_ERRORS = r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"
ROTATE = """
paths = {%s}
i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
"""


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
        self.saves, self.publishes, self.errors = [], 0, []

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

    def sign_in(self, username, password):
        page = self.get("/admin/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, _ = self.post(
            "/admin/login/?next=/admin/",
            {"csrfmiddlewaretoken": token.decode(), "username": username, "password": password},
        )
        if status != 302:
            sys.exit(f"The editor could not sign in (status {status}).")

    def save(self, url, n):
        data = form_data(SimpleNamespace(content=self.get(url)))
        data["title"] = [f"{data['title'][0].split(' (soak')[0]} (soak {n})"]
        started = time.perf_counter()
        status, body = self.post(url, data)
        self.saves.append(time.perf_counter() - started)
        if status != 302:
            self.errors.append(f"save {n}: status {status} {body[:200]!r}")

    def publish(self, url, n):
        page = self.get(url)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = {"csrfmiddlewaretoken": token.decode(), "note": f"Soak revision {n}."}
        status, body = self.post(url, data)
        if status != 302:
            self.errors.append(f"publish {n}: status {status} {body[:200]!r}")
        self.publishes += 1

    def keep_editing(self, session_url, publish_url, stop):
        n = 0
        while not stop.wait(EDIT_EVERY):
            n += 1
            try:
                self.save(session_url, n)
                if n % 2 == 0:
                    self.publish(publish_url, n)
            except Exception as error:  # noqa: BLE001 - counted and reported, never hidden
                self.errors.append(f"round {n}: {error!r}")


def addresses_of_editor_forms(env):
    from common import django_script

    return django_script(
        env,
        "from django.contrib.auth import get_user_model\n"
        "from meetings.models import Edition, Session\n"
        "get_user_model().objects.create_superuser('soak', 'soak@example.org', 'soak-pass-1')\n"
        "s = Session.objects.get(slug='coordination-national-plans',"
        " programme__slug='parallel-programme-victim-assistance',"
        " programme__edition=Edition.WORKING)\n"
        "print(f'/admin/meetings/session/{s.pk}/change/')\n"
        "print(f'/admin/meetings/programme/{s.programme_id}/publish/')\n",
    ).split()


def main():
    with throwaway_site() as (work, env):
        log(f"Setting up in {work} ...")
        seed_site(env)
        manage(env, "render_programme_pdfs", "-v0")
        session_url, publish_url = addresses_of_editor_forms(env)
        script = work / "rotate.lua"
        script.write_text(ROTATE % ", ".join(f'"{a}"' for a in ADDRESSES))

        with task_worker(env), server(env) as base:
            for address in ADDRESSES:  # every address answers before the load starts
                urllib.request.urlopen(base + address, timeout=60).read()
            editor = Editor(base)
            editor.sign_in("soak", "soak-pass-1")
            stop = threading.Event()
            thread = threading.Thread(
                target=editor.keep_editing, args=(session_url, publish_url, stop)
            )
            log(f"Soaking {SECONDS} s: {CONNECTIONS} connections, an edit every {EDIT_EVERY} s")
            thread.start()
            try:
                output = wrk_output(
                    base + "/", CONNECTIONS, SECONDS, latency=True, script=str(script)
                )
            finally:
                stop.set()
                thread.join()

    requests = int(re.search(r"(\d+) requests in", output).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50, p99 = (ms(output, p) for p in ("50%", "99%"))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    load_errors = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(n) for n in socket.groups()) if socket else 0
    )
    log("")
    log(f"Soak: {SECONDS} s, {CONNECTIONS} connections, {len(ADDRESSES)} addresses in turn")
    log(f"  requests                 : {requests} ({rps:.0f}/s)")
    log(f"  latency p50 / p99        : {p50:.1f} ms / {p99:.1f} ms")
    log(
        f"  load errors              : {load_errors}" + (f"  ({socket.group(0)})" if socket else "")
    )
    if editor.saves:
        log(
            f"  editor: {len(editor.saves)} saves, {editor.publishes} publishes; save p50 "
            f"{statistics.median(editor.saves):.3f} s, slowest {max(editor.saves):.3f} s"
        )
    log(f"  editor errors            : {len(editor.errors)}")
    for error in editor.errors[:10]:
        log(f"    {error}")
    if load_errors or editor.errors or not editor.saves:
        log("FAILED: errors under load (or no save went through).")
        sys.exit(1)


if __name__ == "__main__":
    main()
