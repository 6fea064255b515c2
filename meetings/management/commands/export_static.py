"""Write a static copy of the whole public site, in every language, with its search, into a
folder (or one zip file), with a progress bar.

    manage.py export_static OUT          the folder OUT, made or brought up to date
    manage.py export_static OUT --zip    one zip file OUT
    manage.py export_static OUT --jobs 4 rendered in 4 processes (default: one per core)

    manage.py export_static OUT --full   every page rendered again, changed or not

Exporting again into the same folder renders again only the pages whose content changed since
(the others are kept as they are), rewrites only the files whose bytes changed and removes
those no longer exported. How: meetings/public/static_export.py.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from tqdm import tqdm

from meetings.public import static_export

MOST_JOBS = 64


def parse_jobs(value):
    """--jobs as a number of processes; a clear error for anything but 1 to MOST_JOBS."""
    if value is None:
        return min(static_export.default_jobs(), MOST_JOBS)
    try:
        jobs = int(value)
    except ValueError:
        jobs = None
    if jobs is None or not 1 <= jobs <= MOST_JOBS:
        raise CommandError(
            f"--jobs must be a whole number from 1 to {MOST_JOBS} (processes), not {value!r}."
        )
    return jobs


class Command(BaseCommand):
    help = "Write a static copy of the public site (every language, with search) into a folder."

    def add_arguments(self, parser):
        parser.add_argument("out", help="the folder to write (empty, new, or an earlier export)")
        parser.add_argument(
            "--zip", action="store_true", help="write one zip file OUT instead of a folder"
        )
        parser.add_argument(
            "--jobs",
            type=str,
            default=None,
            help="processes rendering the pages at once (default: one per core); any number "
            "gives the same copy",
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="render every page again, even those unchanged since the export in OUT",
        )

    def handle(self, *args, out, zip=False, jobs=None, full=False, **options):
        started = time.monotonic()
        jobs = parse_jobs(jobs)
        with tqdm(
            unit="file",
            disable=options["verbosity"] == 0,
            file=self.stderr._out,  # the raw stream: tqdm redraws its line with \r
        ) as bar:

            def progress(done, total):
                bar.total = total
                bar.update(done - bar.n)

            try:
                if zip:
                    summary = static_export.export_zip(out, progress, jobs)
                else:
                    summary = static_export.export(out, progress, jobs, full=full)
            except static_export.ExportError as error:
                raise CommandError(str(error)) from None
        for address, status in sorted(summary.failed.items()):
            self.stderr.write(f"Not exported ({status}): {address}")
        for address, pages in sorted(summary.unexported.items()):
            self.stderr.write(
                f"Linked to the live site (not in the copy): {address}, from {len(pages)} page(s)"
            )
        if zip:
            what = f"{summary.files:,} files ({filesizeformat(summary.bytes)}) zipped into {out}"
        else:
            what = (
                f"{summary.files:,} files ({filesizeformat(summary.bytes)}) in {out}: "
                f"{summary.written:,} written, {summary.kept:,} kept, {summary.removed:,} removed"
            )
        rendered = summary.pages - summary.unchanged
        self.stdout.write(
            f"Exported {summary.pages:,} pages ({rendered:,} rendered, {summary.unchanged:,} "
            f"unchanged since the last export); {what}; {len(summary.failed)} address(es) not "
            f"exported, in {time.monotonic() - started:.0f} s by {summary.processes} "
            f"process{'es' if summary.processes > 1 else ''}."
        )
