"""gunicorn against granian, each serving the site with 2 worker processes: measured in one run.

    ./dev bench server_bench

For each server: a static file (WhiteNoise), the programme page from the page cache, and the
programme page rendered on every request (a second server with PAGE_CACHE_SECONDS=0), in
requests/s under wrk from another process. The README's production command uses the server
that serves the cached page faster.
"""

import urllib.request

from common import (
    PARALLEL,
    django_script,
    free_port,
    log,
    seed_site,
    server,
    throwaway_site,
    wrk,
)

STATIC = "/static/css/site.css"


def measure(env, kind, port, cache_seconds):
    with server({**env, "PAGE_CACHE_SECONDS": str(cache_seconds)}, kind, port=port) as base:
        assert urllib.request.urlopen(base + PARALLEL).status == 200
        wrk(base + STATIC, seconds=2)  # warm up
        wrk(base + PARALLEL, seconds=2)
        return wrk(base + STATIC), wrk(base + PARALLEL)


def main():
    results = {}
    with throwaway_site() as (work, env):
        log(f"Setting up in {work} ...")
        seed_site(env)
        django_script(env, "")
        port = free_port()
        for kind in ("gunicorn", "granian"):
            log(f"Measuring {kind} ...")
            static, cached = measure(env, kind, port, cache_seconds=3600)
            _, rendered = measure(env, kind, port, cache_seconds=0)
            results[kind] = (static, cached, rendered)

    log("")
    log("App servers, 2 workers each (requests/s; wrk from another process)")
    log(f"  {'server':10} {'static file':>12} {'cached page':>12} {'rendered page':>14}")
    for kind, (static, cached, rendered) in results.items():
        log(f"  {kind:10} {static:12.0f} {cached:12.0f} {rendered:14.0f}")
    (gs, gc, gr), (rs, rc, rr) = results["gunicorn"], results["granian"]
    log(f"  granian / gunicorn: static {rs / gs:.2f}, cached {rc / gc:.2f}, rendered {rr / gr:.2f}")


if __name__ == "__main__":
    main()
