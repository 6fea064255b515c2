"""Back up all content and the uploaded files into one zip file, with a progress bar.

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
    help = "Back up all content and the uploaded files into one zip file."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the zip file to write (replaced when it exists)")

    def handle(self, *args, path, **options):
        started = time.monotonic()
        total = sum(m.objects.count() for m in backup.content_models()) + backup.user_count()
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
            f"Backed up {summary.total:,} objects of {summary.kinds} kinds and "
            f"{summary.files:,} files ({filesizeformat(summary.bytes)}) to {path} "
            f"in {time.monotonic() - started:.0f} s."
        )
