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

4. Admin saves on the archive site, through its server (granian, as in production), by an
   editor signed in as a browser is (cookies and the CSRF token), BENCH_SAVES times each
   (default 15): an action's change form (an action of the archive serves about 3,000
   sessions), a session's (its presentations and questions inline), a programme's (its 20
   sessions inline); the change form read, then posted back unchanged but for its title, and
   the POST timed until its redirect answers. Target: p50 under 0.15 s.
"""

import datetime
import json
import os
import statistics
import urllib.request

from common import (
    Editor,
    archive_site,
    django_script,
    log,
    manage,
    seed_site,
    server,
    side_by_side,
    throwaway_site,
)

SAVES = int(os.environ.get("BENCH_SAVES", "15"))
ARCHIVE_YEARS = int(os.environ.get("BENCH_ARCHIVE_YEARS", "20"))
PAGE_SECONDS = int(os.environ.get("BENCH_PAGE_SECONDS", "3"))
# One editor per server worker: the latency is the page's own, not a queue's.
CONNECTIONS = 2
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
import json, secrets
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from meetings.models import Edition, Programme

editor, _ = get_user_model().objects.get_or_create(
    username="bench-editor", defaults={{"is_staff": True}}
)
editor.groups.add(Group.objects.get(name="ISU editor"))
password = secrets.token_urlsafe(16)  # for the saves, signed in as a browser is
editor.set_password(password)
editor.save()
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(editor)
programme = Programme.objects.get(
    meeting__slug="archive-{FIRST_YEAR}-01", slug="programme-2", edition=Edition.WORKING
)
print(json.dumps({{
    "cookie": f"{{settings.SESSION_COOKIE_NAME}}={{client.cookies[settings.SESSION_COOKIE_NAME].value}}",
    "programme": f"/admin/meetings/programme/{{programme.pk}}/change/",
    "sessions": programme.sessions.count(),
    "password": password,
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

FORMS = r"""
import json
from django.db.models import Count
from meetings.models import Action, Programme, Session

action = Action.objects.annotate(n=Count("sessions")).order_by("-n").first()
session = (
    Session.objects.filter(programme__meeting__slug__startswith="archive-", programme__edition="working")
    .annotate(n=Count("questions")).order_by("-n", "pk").first()
)
programme = (
    Programme.objects.filter(meeting__slug__startswith="archive-", edition="working")
    .annotate(n=Count("sessions")).order_by("-n", "pk").first()
)
print(json.dumps({
    name: (f"/admin/meetings/{name}/{row.pk}/change/", row.title.split(MARK)[0], row.n)
    for name, row in (("action", action), ("session", session), ("programme", programme))
}))
"""  # noqa: E501
MARK = " (admin_bench"  # what the saves add to a title, taken off again by the next run


def generate(env, *options):
    manage(env, "generate_archive", "-v0", "--first-year", str(FIRST_YEAR), *options)


def editor_session(env):
    """{cookie, programme, sessions}: an ISU editor's session cookie, and the address of the
    programme measured (the same rows on both sites)."""
    return json.loads(django_script(env, EDITOR).splitlines()[-1])


def query_counts(env):
    return json.loads(django_script(env, COUNT_QUERIES % json.dumps(PAGES)).splitlines()[-1])


def check_logged_in(base, url, headers):
    """The page answers the editor itself (200), not the login page."""
    request = urllib.request.Request(base + url, headers=dict(h.split(": ", 1) for h in headers))
    with urllib.request.urlopen(request) as response:
        assert response.status == 200 and response.url == base + url, (url, response.url)


def latencies(seed_env, archive_env, seed_cookie, archive_cookie):
    """{page: (seed p50, seed p99, archive p50, archive p99, p50 ratio)} in ms: each page loaded
    on both sites at the same time, ROUNDS times, each figure the median of its rounds."""
    results = {}
    with server(seed_env) as seed, server(archive_env) as archive:
        sites = {
            "seed": (seed, [f"Cookie: {seed_cookie}"]),
            "archive": (archive, [f"Cookie: {archive_cookie}"]),
        }
        for name, url in PAGES.items():
            for base, headers in sites.values():
                check_logged_in(base, url, headers)
            rounds = [
                (*found["seed"], *found["archive"], found["archive"][0] / found["seed"][0])
                for found in side_by_side(sites, url, CONNECTIONS, PAGE_SECONDS, ROUNDS)
            ]
            results[name] = tuple(statistics.median(column) for column in zip(*rounds, strict=True))
    return results


def saves(env, password):
    """{form: (p50, slowest, size)} in s: each form of FORMS read and posted back through the
    archive site's server, SAVES times, by an editor signed in as a browser is."""
    forms = json.loads(django_script(env, FORMS.replace("MARK", repr(MARK))).splitlines()[-1])
    results = {}
    with server(env) as base:
        editor = Editor(base)
        editor.sign_in("bench-editor", password)
        for name, (url, title, size) in forms.items():
            editor.titles[url] = title
            editor.saves.clear()
            for n in range(SAVES + 1):
                editor.save(url, f"{MARK.strip(' (')} {n}")
            assert not editor.errors, editor.errors
            seconds = editor.saves[1:]  # the first save also records the history's baseline
            results[name] = (statistics.median(seconds), max(seconds), size)
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
        saved = saves(archive_env, archive_editor["password"])
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
    log(f"Admin saves on the archive site (over HTTP, granian; {SAVES} saves each)")
    log(f"  {'form':10} {'p50':>8} {'slowest':>9} {'goal':>15}  what it holds")
    holds = {
        "action": "an action serving {} sessions",
        "session": "a session with {} questions, inline",
        "programme": "a programme with {} sessions, inline",
    }
    for name, (p50, slowest, size) in saved.items():
        goal = f"< {SAVE_GOAL} s  {verdict(p50 < SAVE_GOAL)}"
        log(f"  {name:10} {p50:7.3f}s {slowest:8.3f}s {goal:>15}  {holds[name].format(size)}")


if __name__ == "__main__":
    main()
