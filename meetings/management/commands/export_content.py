"""Back up all content, its edit history and the uploaded files into one zip file, with a
progress bar.

    manage.py export_content backup.zip

Restore it into an empty installation with `manage.py import_content backup.zip`. What the file
holds and leaves out: meetings/content/backup.py.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from tqdm import tqdm

from meetings.content import backup


class Command(BaseCommand):
    help = "Back up all content, its edit history and the uploaded files into one zip file."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the zip file to write (replaced when it exists)")

    def handle(self, *args, path, **options):
        started = time.monotonic()
        total = sum(m.objects.count() for m in backup.backed_up_models())
        with tqdm(
            total=total,
            unit="object",
            disable=options["verbosity"] == 0,
            file=self.stderr._out,  # the raw stream: tqdm redraws its line with \r
        ) as bar:
            try:
                summary = backup.export(path, progress=bar.update)
            except backup.BackupError as error:
                raise CommandError(str(error)) from None
        self.stdout.write(
            f"Backed up {summary.total:,} objects of {summary.kinds} kinds (the edit history's "
            f"{summary.versions:,} versions among them) and {summary.files:,} files "
            f"({filesizeformat(summary.bytes)}) to {path} in {time.monotonic() - started:.0f} s. "
            f"Left out: {'; '.join(backup.LEFT_OUT)}."
        )
