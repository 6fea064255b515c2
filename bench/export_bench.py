"""The static copy (manage.py export_static): a full and an incremental export, timed, with their
sizes, on the seed site and on the generated archive; ratios measured in one run.

    ./dev bench export_bench

1. Each site is made in a throw-away database (bench/common.py); the archive's with
   `generate_archive` (default: 20 years, 200 meetings, 20,000 sessions; BENCH_ARCHIVE_YEARS
   shrinks it for a quicker run), or taken from BENCH_ARCHIVE_DATABASE_URL, a database where
   it was generated before (bench/common.py's archive_site).
2. The seed site's programme PDFs are rendered first (`render_programme_pdfs`, timed apart): the
   export takes PDFs as the site serves them, never rendering one itself. The archive's 1,000
   programmes are not rendered (BENCH_ARCHIVE_PDFS=1 renders them: hours): its PDFs are then
   counted among the addresses not exported.
3. A full export into an empty folder; one edit (a session of the newest published programme
   retitled and a revision published, as staff do on a meeting day); an incremental export into
   the same folder, which renders again only that meeting's pages and the pages about every
   meeting (lists, actions, feeds), and keeps the others unrendered (its manifest); a zip of
   the same site (the archive's only with BENCH_ARCHIVE_ZIP=1: another full render, as long as
   the first). Each export renders in as many processes as the machine has cores
   (export_static's --jobs default). An edit outside any meeting (a news post) changes the
   menus of every page and renders them all again: that export is as long as a full one.
   BENCH_EXPORT_KEEP=FOLDER keeps the archive's copy there at the end.

Printed: seconds, files, pages, bytes, the peak resident memory of export_static's process and
of its children (the rendering workers, Pagefind: bench/common.py's PeakMemory), what the
incremental export rendered, wrote, kept and removed, and the ratios incremental/full (time,
pages rendered, files written) and archive/seed (time per page).
"""

import os
import re
import shutil
import subprocess
import time

from common import (
    PYTHON,
    ROOT,
    PeakMemory,
    archive_site,
    django_script,
    log,
    manage,
    seed_site,
    throwaway_site,
)

ARCHIVE_YEARS = os.environ.get("BENCH_ARCHIVE_YEARS", "20")
ARCHIVE_PDFS = os.environ.get("BENCH_ARCHIVE_PDFS") == "1"
ARCHIVE_ZIP = os.environ.get("BENCH_ARCHIVE_ZIP") == "1"
# A folder to move the archive's copy into at the end (to look at it, or export into it again),
# rather than delete it with the rest of the bench's work.
KEEP = os.environ.get("BENCH_EXPORT_KEEP")
JOBS = os.cpu_count() or 1
SUMMARY = re.compile(
    r"Exported ([\d,]+) pages \(([\d,]+) rendered, [\d,]+ unchanged since the last export\); "
    r"([\d,]+) files \((.+?)\) "
    r"(?:in .+?: ([\d,]+) written, ([\d,]+) kept, ([\d,]+) removed|zipped into .+?); "
    r"(\d+) address"
)
EDIT = """
from django.contrib.auth import get_user_model
from meetings.models import Programme, Session
from meetings.publishing.revisions import publish
newest = Programme.objects.public().order_by("-meeting__start_date", "-pk").first()
session = Session.objects.filter(
    programme__meeting=newest.meeting, programme__slug=newest.slug, programme__edition="working"
).order_by("position").first()
session.title = session.title + " (retitled)"
session.save()
editor, _ = get_user_model().objects.get_or_create(username="export-bench", is_staff=True)
publish(session.programme, "A session retitled (export benchmark).", editor)
print(session.programme.meeting.slug)
"""


def number(text):
    return int(text.replace(",", "")) if text else 0


def export(env, out, *extra):
    """(seconds, summary fields) of one export_static run."""
    started = time.monotonic()
    process = subprocess.Popen(
        [PYTHON, "manage.py", "export_static", str(out), "-v0", *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    with PeakMemory(process.pid) as memory:
        stdout, stderr = process.communicate()
    seconds = time.monotonic() - started
    if process.returncode:
        raise SystemExit(f"export_static failed:\n{stderr[-3000:]}")
    found = SUMMARY.search(stdout)
    pages, rendered, files, size, written, kept, removed, failed = found.groups()
    return seconds, {
        "pages": number(pages),
        "rendered": number(rendered),
        "files": number(files),
        "size": size,
        "written": number(written),
        "kept": number(kept),
        "removed": number(removed),
        "not exported": int(failed),
        "memory": memory.report(),
    }


def folder_bytes(folder):
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def measure(name, work, env, zipped=True):
    """Each export's time is printed as it ends: a long run that is stopped still tells some."""
    out = work / "copy"
    full_s, full = export(env, out)
    size = folder_bytes(out)
    log(
        f"  {name}: full export {full_s:.1f} s, {full['pages']:,} pages, {full['files']:,} files;"
        f" peak memory {full['memory']}"
    )
    django_script(env, EDIT)
    again_s, again = export(env, out)
    log(
        f"  {name}: after one edit {again_s:.1f} s, {again['rendered']:,} pages rendered, "
        f"{again['written']:,} files written; peak memory {again['memory']}"
    )
    zip_s = None
    if zipped:
        zip_s, _ = export(env, work / "copy.zip", "--zip")
        log(f"  {name}: zip {zip_s:.1f} s")
    return {
        "name": name,
        "full_s": full_s,
        "full": full,
        "bytes": size,
        "again_s": again_s,
        "again": again,
        "zip_s": zip_s,
        "zip_bytes": (work / "copy.zip").stat().st_size if zipped else None,
    }


def main():
    results = []
    with throwaway_site() as (work, env):
        env = {**env, "TASKS_BACKEND": "immediate"}
        log(f"Seed site in {work} ...")
        seed_site(env)
        started = time.monotonic()
        manage(env, "render_programme_pdfs", "-v0")
        pdf_s = time.monotonic() - started
        results.append(measure("seed", work, env))
    log(f"Archive site ({ARCHIVE_YEARS} years) ...")
    with archive_site(ARCHIVE_YEARS) as (work, env):
        env = {**env, "TASKS_BACKEND": "immediate" if ARCHIVE_PDFS else "database"}
        if ARCHIVE_PDFS:
            manage(env, "render_programme_pdfs", "-v0")
        results.append(measure(f"archive ({ARCHIVE_YEARS} years)", work, env, ARCHIVE_ZIP))
        if KEEP:
            shutil.move(work / "copy", KEEP)
            log(f"  the archive's copy kept in {KEEP}")

    log("")
    log(
        f"Static copy benchmark (manage.py export_static, rendered in {JOBS} processes: "
        "--jobs's default, one per core; this machine)"
    )
    log(f"  seed PDFs rendered first: {pdf_s:.0f} s (not counted below)")
    for r in results:
        full, again = r["full"], r["again"]
        log(f"  {r['name']}:")
        log(
            f"    full export       : {r['full_s']:8.1f} s, {full['pages']:,} pages, "
            f"{full['files']:,} files, {r['bytes'] / 1e6:.1f} MB on disk; "
            f"{full['pages'] / r['full_s']:.0f} pages/s; {full['not exported']} address(es) "
            "not exported"
        )
        log(f"      peak memory   : {full['memory']}")
        log(
            f"    after one edit    : {r['again_s']:8.1f} s, {again['rendered']:,} of "
            f"{again['pages']:,} pages rendered; files: {again['written']:,} written, "
            f"{again['kept']:,} kept, {again['removed']:,} removed"
        )
        log(f"      peak memory   : {again['memory']}")
        if r["zip_s"] is None:
            log("    zip               : not timed (BENCH_ARCHIVE_ZIP=1 times it)")
        else:
            log(f"    zip               : {r['zip_s']:8.1f} s, {r['zip_bytes'] / 1e6:.1f} MB")
        zip_ratio = (
            "" if r["zip_s"] is None else f"; zip/folder bytes {r['zip_bytes'] / r['bytes']:.2f}"
        )
        log(
            f"    ratios incremental/full: time {r['again_s'] / r['full_s']:.2f}, pages rendered "
            f"{again['rendered'] / max(full['rendered'], 1):.4f}, files written "
            f"{again['written'] / max(full['written'], 1):.4f}{zip_ratio}"
        )
    seed, archive = results
    per_page = (archive["full_s"] / archive["full"]["pages"]) / (
        seed["full_s"] / seed["full"]["pages"]
    )
    pages = archive["full"]["pages"] / seed["full"]["pages"]
    log(
        f"  archive/seed: pages {pages:.0f}x, full time {archive['full_s'] / seed['full_s']:.1f}x,"
        f" time per page {per_page:.2f}"
    )


if __name__ == "__main__":
    main()
