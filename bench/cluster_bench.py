"""Several machines, proved on one: two app servers behind nginx sharing one PostgreSQL, one
Redis and an S3-compatible object storage.

    ./dev bench cluster_bench

Everything runs on 127.0.0.1, in a throw-away folder and database with the seed data: moto's S3
server with a bucket for the media; Redis database 14 as the shared cache (BENCH_REDIS_URL; it
must be empty, and is emptied again at the end); two app servers, A and B, each granian as in
production with its own processes and their own in-process caches; one task worker
(manage.py db_worker); and Debian's nginx in front of A and B, keeping each page for as long as
its `s-maxage` says (proxy_cache reads Cache-Control; nothing overrides it). Then:

1. An editor signed in to the admin of A over HTTP (bench/common.py's Editor) renames a
   session and publishes its programme. Printed: when B, and the proxy, answered the new title,
   in seconds after the publish, against the site's own freshness: no old title from B once
   CONTENT_FRESHNESS_SECONDS have passed, nor from the proxy once the page's s-maxage has too.
2. The worker renders that revision's PDF: the one downloaded through B (it names the new
   title) and the one through the proxy are the same bytes as an object of the bucket.
3. wrk on a public page kept by the proxy, against wrk straight to app server A: both rates
   and their ratio.

Each line gives its figure beside its goal, PASS or FAIL; the run exits 1 on any FAIL. All it
started is stopped at the end, on an error or Ctrl-C too.
"""

import io
import os
import re
import shutil
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from urllib.parse import urlsplit

import boto3
import redis
from common import (
    PARALLEL,
    PYTHON,
    SESSION,
    Editor,
    django_script,
    editor_forms,
    free_port,
    log,
    seed_site,
    server,
    started,
    task_worker,
    throwaway_site,
    wrk,
)

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
BUCKET = "vapp-bench-media"
PDF = PARALLEL + "programme.pdf"
NEW = "(edit 1)"  # what the editor's save adds to the session's title (common.Editor.save)
SETTING = "from django.conf import settings; print(settings.%s)"
PDF_SECONDS = int(os.environ.get("BENCH_PDF_SECONDS", "180"))  # at most, for the render
NGINX_CONF = """\
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy_temp;
    fastcgi_temp_path {folder}/fastcgi_temp;
    uwsgi_temp_path {folder}/uwsgi_temp;
    scgi_temp_path {folder}/scgi_temp;
    proxy_cache_path {folder}/cache keys_zone=pages:10m max_size=256m inactive=10m;
    upstream app {{
        server 127.0.0.1:{port_a};
        server 127.0.0.1:{port_b};
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            # Kept as long as the answer's Cache-Control allows a shared cache (s-maxage); an
            # answer marked private or no-store (staff, a PDF still being prepared) is not kept.
            proxy_cache pages;
            proxy_cache_lock on;
            add_header X-Cache-Status $upstream_cache_status always;
        }}
    }}
}}
"""

failures = []
stopping = threading.Event()  # set: the polls below end at once


def result(name, figure, goal, passed):
    if not passed:
        failures.append(name)
    log(f"  {name:<34} {figure:<44} goal: {goal:<52} {'PASS' if passed else 'FAIL'}")


def get(url):
    """(status, headers, body) of a GET, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers, answer.read()


def poll(url, shown, until, pause=0.05):
    """Asks for `url` until an answer is `shown(status, headers, body)`, or the clock passes
    `until`. Returns when (time.monotonic()) that answer and the last other one were asked for,
    each None if there was none, and that answer's body."""
    last_other = None
    while time.monotonic() < until and not stopping.is_set():
        asked = time.monotonic()
        status, headers, body = get(url)
        if shown(status, headers, body):
            return asked, last_other, body
        last_other = asked
        time.sleep(pause)
    return None, last_other, b""


def with_title(status, headers, body):
    return NEW.encode() in body


def pdf_with_title(status, headers, body):
    return status == 200 and headers["X-PDF-Status"] == "current" and NEW in pdf_text(body)


def after(moment, since):
    return "never" if moment is None else f"{moment - since:.2f} s"


def pdf_text(data):
    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@contextmanager
def s3_server(work, env):
    """moto's S3 server on a free port (its log in `work`) with an empty bucket, where `env`
    puts the site's media; yields its address."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    command = [PYTHON, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    with (
        open(work / "moto.log", "wb") as output,
        started(command, env, probe=endpoint + "/", stdout=output, stderr=output),
    ):
        env.update(
            MEDIA_S3_BUCKET=BUCKET,
            MEDIA_S3_ENDPOINT_URL=endpoint,
            MEDIA_S3_REGION="us-east-1",
            AWS_ACCESS_KEY_ID="bench",
            AWS_SECRET_ACCESS_KEY="bench",
        )
        bucket_client(env).create_bucket(Bucket=BUCKET)
        yield endpoint


def bucket_client(env):
    return boto3.client(
        "s3",
        endpoint_url=env["MEDIA_S3_ENDPOINT_URL"],
        region_name=env["MEDIA_S3_REGION"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )


@contextmanager
def nginx(work, upstreams):
    """Debian's nginx in front of the app servers at `upstreams` (base URLs), a child of this
    process with its configuration, logs and cache in `work`; yields the proxy's address."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(binary):
        sys.exit("nginx is not installed: apt-get install -y nginx (./dev bench does it)")
    folder = work / "nginx"
    folder.mkdir()
    # Started by root, nginx's workers run as nobody: they must reach their folder.
    os.chmod(work, 0o711)
    port_a, port_b = (urlsplit(base).port for base in upstreams)
    port = free_port()
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF.format(folder=folder, port=port, port_a=port_a, port_b=port_b))
    base = f"http://127.0.0.1:{port}"
    command = [binary, "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")]
    with started(command, probe=base + "/robots.txt"):
        yield base


def main():
    # A TERM ends the run as Ctrl-C does: through the `finally` that stops every process.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("Stopped (TERM)."))
    cache = redis.Redis.from_url(REDIS_URL)
    if cache.dbsize():
        sys.exit(f"{REDIS_URL} holds keys: set BENCH_REDIS_URL to an unused Redis database.")
    try:
        with throwaway_site() as (work, env), ExitStack() as running:
            env.update(CACHE_URL=REDIS_URL, GRANIAN_LOG_LEVEL="warning")
            s3 = running.enter_context(s3_server(work, env))
            log(f"Setting up in {work} (media in {s3}/{BUCKET}, cache {REDIS_URL}) ...")
            seed_site(env)
            session_url, publish_url = editor_forms(env, "editor", "editor-pass-1")
            running.enter_context(task_worker(env))
            a = running.enter_context(server(env))
            b = running.enter_context(server(env))
            proxy = running.enter_context(nginx(work, (a, b)))
            log(f"App servers A {a} and B {b}; nginx {proxy}; one task worker.")
            measure(work, env, a, b, proxy, session_url, publish_url)
    finally:
        cache.flushdb()
    log("Everything started was stopped; the Redis database emptied.")
    if failures:
        log(f"FAILED: {', '.join(failures)}.")
        sys.exit(1)


def measure(work, env, a, b, proxy, session_url, publish_url):
    freshness = float(django_script(env, SETTING % "CONTENT_FRESHNESS_SECONDS"))

    # The session's page, as B and the proxy have it before the edit: kept by each.
    get(b + SESSION)
    get(proxy + SESSION)
    _, headers, _ = get(proxy + SESSION)
    cache_control = headers["Cache-Control"]
    s_maxage = int(re.search(r"s-maxage=(\d+)", cache_control).group(1))
    log("")
    log(f"The session's page through the proxy: Cache-Control: {cache_control}")
    result(
        "proxy keeps the page",
        f"X-Cache-Status: {headers['X-Cache-Status']}",
        "HIT on the second request",
        headers["X-Cache-Status"] == "HIT",
    )

    # 1. An edit saved and published through A, while B and the proxy are asked for the page.
    editor = Editor(a)
    editor.sign_in("editor", "editor-pass-1")
    editor.save(session_url, "edit 1")
    limit = s_maxage + freshness
    with ExitStack() as polling:
        pool = polling.enter_context(ThreadPoolExecutor())
        polling.callback(stopping.set)  # first, on an error or Ctrl-C too: the polls end
        until = time.monotonic() + limit + 30
        on_b = pool.submit(poll, b + SESSION, with_title, until)
        on_proxy = pool.submit(poll, proxy + SESSION, with_title, until)
        editor.publish(publish_url, "Edit 1.")
        published = time.monotonic()
        # Asked for only now: before, B would have asked the worker for the old revision's.
        pdf_on_b = pool.submit(poll, b + PDF, pdf_with_title, published + PDF_SECONDS, 0.5)
        if editor.errors:
            sys.exit(f"The editor's save or publish failed on A: {editor.errors}")
        for name, polled, most, goal in (
            ("edit on A, seen on B", on_b, freshness, "CONTENT_FRESHNESS_SECONDS"),
            ("edit on A, seen through the proxy", on_proxy, limit, f"{s_maxage} + {freshness}"),
        ):
            first, last_old, _ = polled.result()
            result(
                name,
                f"new from {after(first, published)}, old last {after(last_old, published)}",
                f"no old title asked after {most} s ({goal})",
                first is not None and (last_old is None or last_old - published <= most),
            )
        pdf_shown, _, from_b = pdf_on_b.result()

    # 2. The PDF of that revision, rendered by the worker, downloaded through B and the proxy.
    result(
        "PDF of the edit, by the worker",
        f"served by B {after(pdf_shown, published)} after the publish",
        f"within {PDF_SECONDS} s (BENCH_PDF_SECONDS)",
        pdf_shown is not None,
    )
    from_proxy = get(proxy + PDF)[2]
    client = bucket_client(env)
    stored = [
        item["Key"]
        for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
        if client.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read() == from_b
    ]
    on_disk = list((work / "media").rglob("*.pdf"))
    result(
        "the same PDF on B, proxy, bucket",
        f"{len(from_b)} bytes, {'in' if stored else 'not in'} S3, {len(on_disk)} on disk",
        "same bytes, in S3, none on local disk",
        bool(from_b) and from_b == from_proxy and len(stored) == 1 and not on_disk,
    )
    if stored:
        log(f"  (the bucket's object: s3://{BUCKET}/{stored[0]})")

    # 3. A public page kept by the proxy, against the same page straight from one app server.
    for base in (a, proxy, proxy):
        get(base + PARALLEL)
    through_proxy = wrk(proxy + PARALLEL)
    straight = wrk(a + PARALLEL)
    result(
        "wrk, the programme page",
        f"proxy {through_proxy:.0f}/s, A alone {straight:.0f}/s: {through_proxy / straight:.1f}x",
        "proxy at least as fast as one server",
        through_proxy >= straight,
    )
    log("")


if __name__ == "__main__":
    main()
