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

import os
import statistics
import sys
import threading
import urllib.request

from common import (
    PARALLEL,
    SESSION,
    Editor,
    editor_forms,
    load_figures,
    log,
    manage,
    rotating_script,
    seed_site,
    server,
    task_worker,
    throwaway_site,
    wrk_output,
)

SECONDS = int(os.environ.get("BENCH_SOAK_SECONDS", "60"))
CONNECTIONS = int(os.environ.get("BENCH_SOAK_CONNECTIONS", "64"))
EDIT_EVERY = float(os.environ.get("BENCH_SOAK_EDIT_EVERY", "3"))
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


def keep_editing(editor, session_url, publish_url, stop):
    n = 0
    while not stop.wait(EDIT_EVERY):
        n += 1
        try:
            editor.save(session_url, f"soak {n}")
            if n % 2 == 0:
                editor.publish(publish_url, f"Soak revision {n}.")
        except Exception as error:  # noqa: BLE001 - counted and reported, never hidden
            editor.errors.append(f"round {n}: {error!r}")


def main():
    with throwaway_site() as (work, env):
        log(f"Setting up in {work} ...")
        seed_site(env)
        manage(env, "render_programme_pdfs", "-v0")
        session_url, publish_url = editor_forms(env, "soak", "soak-pass-1")
        script = rotating_script(work, ADDRESSES)

        with task_worker(env), server(env) as base:
            for address in ADDRESSES:  # every address answers before the load starts
                urllib.request.urlopen(base + address, timeout=60).read()
            editor = Editor(base)
            editor.sign_in("soak", "soak-pass-1")
            stop = threading.Event()
            thread = threading.Thread(
                target=keep_editing, args=(editor, session_url, publish_url, stop)
            )
            log(f"Soaking {SECONDS} s: {CONNECTIONS} connections, an edit every {EDIT_EVERY} s")
            thread.start()
            try:
                output = wrk_output(base + "/", CONNECTIONS, SECONDS, latency=True, script=script)
            finally:
                stop.set()
                thread.join()

    load = load_figures(output)
    load_errors = load.non_2xx + load.socket_errors
    log("")
    log(f"Soak: {SECONDS} s, {CONNECTIONS} connections, {len(ADDRESSES)} addresses in turn")
    log(f"  requests                 : {load.requests} ({load.rps:.0f}/s)")
    log(f"  latency p50 / p99        : {load.p50:.1f} ms / {load.p99:.1f} ms")
    log(
        f"  load errors              : {load_errors}"
        + (f"  ({load.socket_line})" if load.socket_line else "")
    )
    if editor.saves:
        log(
            f"  editor: {len(editor.saves)} saves, {len(editor.publishes)} publishes; save p50 "
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
