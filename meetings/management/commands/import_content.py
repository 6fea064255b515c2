"""Restore a backup made by export_content into an empty installation, with a progress bar.

    manage.py migrate && manage.py import_content backup.zip

All or nothing: on any error nothing is saved and no file is left behind
(meetings/content/backup.py).
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from tqdm import tqdm

from meetings.content import backup


class Command(BaseCommand):
    help = "Restore a backup made by export_content into an empty installation."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the zip file written by export_content")

    def handle(self, *args, path, **options):
        started = time.monotonic()
        with tqdm(
            unit="object",
            disable=options["verbosity"] == 0,
            file=self.stderr._out,  # the raw stream: tqdm redraws its line with \r
        ) as bar:
            try:
                summary = backup.restore(path, progress=bar.update, total=bar.reset)
            except backup.BackupError as error:
                raise CommandError(f"Nothing was restored. {error}") from None
        kept = (
            f"; {summary.users_kept} accounts were already here and were left as they are"
            if summary.users_kept
            else ""
        )
        self.stdout.write(
            f"Restored {summary.total:,} objects of {summary.kinds} kinds (the edit history's "
            f"{summary.versions:,} versions among them) and {summary.files:,} files "
            f"({filesizeformat(summary.bytes)}) from {path} "
            f"in {time.monotonic() - started:.0f} s{kept}."
        )
