"""Render the PDFs of all published programmes (or some), one per language, with a progress bar.

    manage.py render_programme_pdfs                 every published programme
    manage.py render_programme_pdfs --meeting SLUG  the programmes of one meeting

A PDF that is already current is not rendered again; one that failed before is retried.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from meetings import queries
from meetings.models import Edition, Meeting
from meetings.publishing import pdf


class Command(BaseCommand):
    help = "Render the PDFs of published programmes that are not current yet."

    def add_arguments(self, parser):
        parser.add_argument("--meeting", help="only the programmes of the meeting with this slug")

    def handle(self, *args, meeting=None, **options):
        # The published copies: a programme never published, or withdrawn, has no public PDF.
        programmes = queries.programmes_in_full().exclude(edition=Edition.SUPERSEDED)
        programmes = programmes.exclude(
            edition=Edition.WORKING, editions__edition=Edition.PUBLISHED
        )
        if meeting:
            if not Meeting.objects.filter(slug=meeting).exists():
                raise CommandError(f"No meeting has the slug {meeting!r}.")
            programmes = programmes.filter(meeting__slug=meeting)
        programmes = list(programmes)
        with tqdm(
            total=len(programmes),
            unit="programme",
            disable=options["verbosity"] == 0,
            file=self.stderr._out,  # the raw stream: tqdm redraws its line with \r
        ) as bar:

            def progress(programme):
                bar.set_postfix_str(programme.slug[:40])
                bar.update(1)

            result = pdf.render_all(programmes, progress=progress)
        for programme, problem in result.failed:
            self.stderr.write(f"{programme.meeting.slug}/{programme.slug}: {problem}")
        languages = len(settings.LANGUAGES)
        self.stdout.write(
            f"{len(programmes)} programmes in {languages} languages: {result.summary()}."
        )
        if result.failed:
            raise CommandError(f"{len(result.failed)} PDF(s) could not be rendered.")
