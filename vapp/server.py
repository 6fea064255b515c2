"""The production web server: granian serving vapp.wsgi on HOST:PORT with WEB_WORKERS worker
processes (one per core by default). `./dev production` runs `python -m vapp.server`, and so
does tests/faults/test_web_workers.py, so the fault test runs the command production runs."""

import os
import sys


def command():
    """granian's command line, from the environment (a malformed value stops with its name)."""
    from vapp.settings import env_int

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    workers = env_int("WEB_WORKERS", cores or 2, minimum=1)
    # Threads per worker answering requests: while one renders a page, another can answer a copy
    # from the cache (bench/meeting_day_bench.py measures both).
    threads = env_int("WEB_THREADS", 1, minimum=1, maximum=64)
    port = env_int("PORT", 8000, minimum=1)
    host = os.environ.get("HOST", "").strip() or "127.0.0.1"
    # A worker that dies (killed, out of memory) is replaced while the others keep serving.
    # granian itself still exits when the same worker dies again within a few seconds of being
    # replaced (a crash loop), for the service manager to restart (docs/deploy.md).
    return [
        sys.executable, "-m", "granian", "--interface", "wsgi", "vapp.wsgi:application",
        "--host", host, "--port", str(port), "--workers", str(workers),
        "--blocking-threads", str(threads), "--respawn-failed-workers", "--no-access-log",
    ]  # fmt: skip


def refuse_without_database():
    """Production names its database: without DATABASE_URL the settings would look for the
    embedded server of ./dev, which production does not run."""
    if not os.environ.get("DATABASE_URL", "").strip():
        sys.exit(
            "DATABASE_URL is not set. Set it to the PostgreSQL server, postgres://user@host:5432/"
            "name, or run the site through ./dev, which starts an embedded PostgreSQL."
        )


if __name__ == "__main__":
    refuse_without_database()
    argv = command()
    os.execv(argv[0], argv)
