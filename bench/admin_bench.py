"""The back office on the generated archive: its pages against the same pages on a small site,
and its saves.

    ./dev bench admin_bench

Two sites side by side, each with its own database and server (granian, as in production),
both with the seed data (the small one throw-away, the archive one too unless it is reused):

- the small site ("seed") also holds the archive's first meeting only (100 sessions),
- the archive site holds the whole generated archive (200 meetings, 20,000 sessions;
  BENCH_ARCHIVE_YEARS shrinks it), whose first meeting is the same rows (same random seed, same
  first year). BENCH_ARCHIVE_DATABASE_URL names one generated before (bench/common.py's
  archive_site; the saves below edit it, as an editor would).

So the same programme of 20 sessions is on both, at the same address, and the ratio of a page's
two p50s is what the archive's size costs it (target: at most 1.5):

1. a programme's change page, 20 sessions inline (GET),
2. the session list, and the session list with a search (a term found in the seed's sessions,
   none of the archive's: the same rows listed on both sites),
3. the autocompletes editors type into: States (a person's State), actions (a session's) and
   people (a presentation's presenters).

Each page is loaded as an ISU editor (the "ISU editor" group, logged in with a session cookie)
by wrk from another process, with 2 connections (one editor per server worker: the latency is
the page's own, not a queue's), on both sites at the same time, each by a wrk of its own,
BENCH_ROUNDS times (default 4), BENCH_PAGE_SECONDS each (default 3; a slow page longer, for a
dozen requests at least): each figure is the median of its rounds, the ratio the median of the
rounds' ratios. Both halves of a ratio thus meet the same load on this shared machine (the two
sites' servers share its 2 cores, so the figures are higher than either site's alone); a ratio
is only comparable with ratios of the same run. The SQL queries of each page are counted on
both sites with the test client (target: the same number).

4. Admin saves on the archive site, in one Django process with the test client (no HTTP
   server: what is measured is the save itself), BENCH_SAVES times each (default 15): an
   action's change form (an action of the archive serves about 3,000 sessions), a session's
   (its presentations and questions inline), a programme's (its 20 sessions inline); the change
   form read, then posted back unchanged but for its title. Target: p50 under 0.15 s.
"""

import datetime
import json
import math
import os
import statistics
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from common import (
    archive_site,
    django_script,
    log,
    manage,
    seed_site,
    server,
    throwaway_site,
    wrk,
)

SAVES = int(os.environ.get("BENCH_SAVES", "15"))
ARCHIVE_YEARS = int(os.environ.get("BENCH_ARCHIVE_YEARS", "20"))
PAGE_SECONDS = int(os.environ.get("BENCH_PAGE_SECONDS", "3"))
# One editor per server worker: the latency is the page's own, not a queue's.
CONNECTIONS = 2
SAMPLES = 12  # a slow page is loaded longer than BENCH_PAGE_SECONDS: this many requests at least
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))
FIRST_YEAR = datetime.date.today().year - ARCHIVE_YEARS
RATIO_GOAL = 1.5
SAVE_GOAL = 0.15

AUTOCOMPLETE = "/admin/autocomplete/?app_label=meetings&model_name={}&field_name={}&term={}"
PAGES = {
    "programme form, 20 sessions": None,  # its address is read from the database
    "session list": "/admin/meetings/session/",
    "session list, search": "/admin/meetings/session/?q=monitoring",
    "States autocomplete": AUTOCOMPLETE.format("person", "state", "sud"),
    "actions autocomplete": AUTOCOMPLETE.format("session", "actions", "coordination"),
    "people autocomplete": AUTOCOMPLETE.format("presentation", "presenters", "person"),
}
GOALS = {  # the pages of the goal; the others are shown beside them
    "programme form, 20 sessions",
    "session list, search",
    "States autocomplete",
    "actions autocomplete",
    "people autocomplete",
}

EDITOR = f"""
import json
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from meetings.models import Edition, Programme

editor, _ = get_user_model().objects.get_or_create(
    username="bench-editor", defaults={{"is_staff": True}}
)
editor.groups.add(Group.objects.get(name="ISU editor"))
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(editor)
programme = Programme.objects.get(
    meeting__slug="archive-{FIRST_YEAR}-01", slug="programme-2", edition=Edition.WORKING
)
print(json.dumps({{
    "cookie": f"{{settings.SESSION_COOKIE_NAME}}={{client.cookies[settings.SESSION_COOKIE_NAME].value}}",
    "programme": f"/admin/meetings/programme/{{programme.pk}}/change/",
    "sessions": programme.sessions.count(),
}}))
"""  # noqa: E501

COUNT_QUERIES = """
import json
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client, counts = Client(HTTP_HOST="127.0.0.1"), {}
client.force_login(get_user_model().objects.get(username="bench-editor"))
for name, url in json.loads(%r).items():
    client.get(url)  # what a first request reads once per process
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    assert status == 200, (url, status)
    counts[name] = len(queries)
print(json.dumps(counts))
"""

SAVE = r"""
import json, statistics, sys, time
sys.path.insert(0, "tests")
from admin_forms import form_data
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.test import Client
from meetings.models import Action, Programme, Session

client = Client(HTTP_HOST="127.0.0.1")
client.force_login(get_user_model().objects.get(username="bench-editor"))
action = Action.objects.annotate(n=Count("sessions")).order_by("-n").first()
session = (
    Session.objects.filter(programme__meeting__slug__startswith="archive-", programme__edition="working")
    .annotate(n=Count("questions")).order_by("-n", "pk").first()
)
programme = (
    Programme.objects.filter(meeting__slug__startswith="archive-", edition="working")
    .annotate(n=Count("sessions")).order_by("-n", "pk").first()
)
forms = {
    "action": (f"/admin/meetings/action/{action.pk}/change/", "title"),
    "session": (f"/admin/meetings/session/{session.pk}/change/", "title"),
    "programme": (f"/admin/meetings/programme/{programme.pk}/change/", "title"),
}
sizes = {"action": action.n, "session": session.n, "programme": programme.n}
results = {}
for name, (url, field) in forms.items():
    seconds = []
    for n in range(SAVES + 1):
        data = form_data(client.get(url))
        data[field] = [f"{data[field][0].split(' #bench')[0]} #bench {n}"]
        started = time.perf_counter()
        response = client.post(url, data)
        elapsed = time.perf_counter() - started
        assert response.status_code == 302, (name, response.status_code, response.content[:3000])
        if n:  # the first save also records the object's history baseline
            seconds.append(elapsed)
    results[name] = (statistics.median(seconds), max(seconds), sizes[name])
print(json.dumps(results))
"""  # noqa: E501


def generate(env, *options):
    manage(env, "generate_archive", "-v0", "--first-year", str(FIRST_YEAR), *options)


def editor_session(env):
    """{cookie, programme, sessions}: an ISU editor's session cookie, and the address of the
    programme measured (the same rows on both sites)."""
    return json.loads(django_script(env, EDITOR).splitlines()[-1])


def query_counts(env):
    return json.loads(django_script(env, COUNT_QUERIES % json.dumps(PAGES)).splitlines()[-1])


def check_logged_in(base, url, cookie):
    """The page answers the editor itself (200), not the login page."""
    request = urllib.request.Request(base + url, headers={"Cookie": cookie})
    with urllib.request.urlopen(request) as response:
        assert response.status == 200 and response.url == base + url, (url, response.url)


def latencies(seed_env, archive_env, seed_cookie, archive_cookie):
    """{page: (seed p50, seed p99, archive p50, archive p99, p50 ratio)} in ms: each page loaded
    on one site then the other, ROUNDS times, each figure the median of its rounds."""
    results = {}
    with server(seed_env) as seed, server(archive_env) as archive:
        sites = {"seed": (seed, seed_cookie), "archive": (archive, archive_cookie)}
        for name, url in PAGES.items():
            slowest = 0.0
            for base, cookie in sites.values():
                check_logged_in(base, url, cookie)
                warm = wrk(base + url, CONNECTIONS, 2, True, [f"Cookie: {cookie}"], timeout=30)
                slowest = max(slowest, warm[1] / 1000)
            # Long enough for SAMPLES requests of the slower site in each round.
            seconds = max(PAGE_SECONDS, math.ceil(SAMPLES * slowest / CONNECTIONS))
            rounds = []
            for _round in range(ROUNDS):
                # Both sites at once, each by its own wrk: whatever else loads this shared
                # machine meanwhile slows both halves of the ratio alike. (One after the other,
                # a page of 10 ms measured 0.6 to 1.7 times as slow on one site as on the other
                # in one run, for the same queries over the same rows.)
                with ThreadPoolExecutor(max_workers=2) as pool:
                    loads = {
                        which: pool.submit(
                            wrk,
                            base + url,
                            CONNECTIONS,
                            seconds,
                            latency=True,
                            headers=[f"Cookie: {cookie}"],
                            timeout=30,
                        )
                        for which, (base, cookie) in sites.items()
                    }
                    found = {which: load.result()[1:] for which, load in loads.items()}
                for which, (p50, _p99) in found.items():
                    assert p50 > 0, f"no request of {url} was answered by the {which} site"
                (s50, s99), (a50, a99) = found["seed"], found["archive"]
                rounds.append((s50, s99, a50, a99, a50 / s50))
            results[name] = tuple(statistics.median(column) for column in zip(*rounds, strict=True))
    return results


def verdict(passed):
    return "PASS" if passed else "FAIL"


def main():
    log(f"The whole archive ({ARCHIVE_YEARS} years) in one site ...")
    with archive_site(ARCHIVE_YEARS) as (_, archive_env), throwaway_site() as (work, env):
        log(f"The seed and the archive's first meeting in the small site, in {work} ...")
        seed_site(env)
        generate(env, "--years", "1", "--meetings", "1")
        seed_editor, archive_editor = editor_session(env), editor_session(archive_env)
        assert seed_editor["programme"] == archive_editor["programme"], "not the same programme"
        PAGES["programme form, 20 sessions"] = seed_editor["programme"]
        seed_queries, archive_queries = query_counts(env), query_counts(archive_env)
        log(f"Every page on both sites, {ROUNDS} rounds ...")
        pages = latencies(env, archive_env, seed_editor["cookie"], archive_editor["cookie"])
        log(f"Saving each form {SAVES} times on the archive site ...")
        code = SAVE.replace("SAVES + 1", str(SAVES + 1))
        saves = json.loads(django_script(archive_env, code).splitlines()[-1])
        sizes = django_script(
            archive_env,
            "from meetings.models import Meeting, Session\n"
            "print(Meeting.objects.count(), Session.objects.count())\n",
        ).split()

    log("")
    log(
        f"Back office: a small site (seed + the archive's first meeting) and the archive site"
        f" ({sizes[0]} meetings, {sizes[1]} sessions, working and published copies), side by side"
    )
    log(
        f"  granian, 2 workers each; wrk --latency, {CONNECTIONS} connections, {PAGE_SECONDS} s,"
        " as an ISU"
        f" editor; medians of {ROUNDS} rounds, ratios of the same run"
    )
    log(
        f"  {'page':28} {'seed p50':>9} {'p99':>8} {'archive p50':>12} {'p99':>8}"
        f" {'ratio':>6} {'goal':>6}        {'queries':>8}"
    )
    for name in PAGES:
        s50, s99, a50, a99, ratio = pages[name]
        queries = f"{seed_queries[name]}/{archive_queries[name]}"
        goal = f"<= {RATIO_GOAL}  {verdict(ratio <= RATIO_GOAL)}" if name in GOALS else "(shown)"
        same = "" if seed_queries[name] == archive_queries[name] else "  queries grow"
        log(
            f"  {name:28} {s50:7.1f}ms {s99:6.1f}ms {a50:10.1f}ms {a99:6.1f}ms"
            f" {ratio:6.2f} {goal:>12} {queries:>8}{same}"
        )
    log(f"  addresses: {json.dumps(PAGES)}")
    log("")
    log(f"Admin saves on the archive site (test client, in process; {SAVES} saves each)")
    log(f"  {'form':10} {'p50':>8} {'slowest':>9} {'goal':>15}  what it holds")
    holds = {
        "action": "an action serving {} sessions",
        "session": "a session with {} questions, inline",
        "programme": "a programme with {} sessions, inline",
    }
    for name, (p50, slowest, size) in saves.items():
        goal = f"< {SAVE_GOAL} s  {verdict(p50 < SAVE_GOAL)}"
        log(f"  {name:10} {p50:7.3f}s {slowest:8.3f}s {goal:>15}  {holds[name].format(size)}")


if __name__ == "__main__":
    main()
