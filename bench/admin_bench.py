"""Saves in the back office on the generated archive: the time of one admin save, as an editor
makes it (the change form read, then posted back unchanged but for one field).

    ./dev bench admin_bench

On a throw-away site with the seed data and the generated archive (200 meetings, 20,000
sessions; BENCH_ARCHIVE_YEARS shrinks it), in one Django process with the test client (no
HTTP server: what is measured is the save itself), BENCH_SAVES times each (default 15):

- an action's change form (an action of the archive serves about 3,000 sessions),
- a session's change form, with its presentations and questions inline,
- a programme's change form, with its 20 sessions inline.

Prints the p50 and the slowest of each (target: p50 under 0.15 s).
"""

import json
import os

from common import django_script, log, manage, seed_site, throwaway_site

SAVES = int(os.environ.get("BENCH_SAVES", "15"))
ARCHIVE_YEARS = os.environ.get("BENCH_ARCHIVE_YEARS", "20")

MEASURE = r"""
import json, statistics, sys, time
sys.path.insert(0, "tests")
from admin_forms import form_data
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.test import Client
from meetings.models import Action, Programme, Session

user = get_user_model().objects.create_superuser("bench", "bench@example.org", "bench-pass-1")
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(user)
action = Action.objects.annotate(n=Count("sessions")).order_by("-n").first()
session = (
    Session.objects.filter(programme__meeting__slug__startswith="archive-")
    .annotate(n=Count("questions")).order_by("-n", "pk").first()
)
programme = (
    Programme.objects.filter(meeting__slug__startswith="archive-")
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
"""


def main():
    with throwaway_site() as (work, env):
        log(f"Setting up in {work} ...")
        seed_site(env)
        log("Generating the archive ...")
        manage(env, "generate_archive", "-v0", "--years", ARCHIVE_YEARS)
        log(f"Saving each form {SAVES} times ...")
        code = MEASURE.replace("SAVES + 1", str(SAVES + 1))
        results = json.loads(django_script({**env, "DEBUG": "false"}, code).splitlines()[-1])

    log("")
    log("Admin saves on the generated archive (Django test client, in process)")
    log(f"  {'form':10} {'p50':>8} {'slowest':>9}  what it holds")
    holds = {
        "action": "an action serving {} sessions",
        "session": "a session with {} questions, inline",
        "programme": "a programme with {} sessions, inline",
    }
    for name, (p50, slowest, size) in results.items():
        flag = "" if p50 < 0.15 else "  > 0.15 s"
        log(f"  {name:10} {p50:7.3f}s {slowest:8.3f}s  {holds[name].format(size)}{flag}")


if __name__ == "__main__":
    main()
