"""Fill the database with a generated archive of meetings, with a progress bar.

    manage.py generate_archive                  20 years x 10 meetings x 5 programmes x 20 sessions
    manage.py generate_archive --years 2 --meetings 3
    manage.py generate_archive --replace        remove a generated archive first

Everything generated is marked as such (meetings/content/archive.py); the seed content is left
alone.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from meetings.content import archive

LIMITS = {
    "years": (1, 100),
    "meetings": (1, 50),
    "programmes": (1, 20),
    "sessions": (1, 200),
    "questions": (0, 10),
    "presentations": (0, 10),
    "first_year": (1990, 2100),
}


class Command(BaseCommand):
    help = "Fill the database with a generated archive of meetings, to measure the site at scale."

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, default=20)
        parser.add_argument("--meetings", type=int, default=10, help="meetings per year")
        parser.add_argument("--programmes", type=int, default=5, help="programmes per meeting")
        parser.add_argument("--sessions", type=int, default=20, help="sessions per programme")
        parser.add_argument("--questions", type=int, default=3, help="questions per session")
        parser.add_argument(
            "--presentations", type=int, default=2, help="presentations per session"
        )
        parser.add_argument("--first-year", type=int, help="default: this year minus --years")
        parser.add_argument("--seed", type=int, default=2012, help="the same seed, the same data")
        parser.add_argument(
            "--replace", action="store_true", help="remove a generated archive first"
        )

    def handle(self, *args, **options):
        for name, (low, high) in LIMITS.items():
            value = options[name]
            if value is not None and not low <= value <= high:
                option = "--" + name.replace("_", "-")
                raise CommandError(f"{option} must be between {low} and {high}, not {value}.")
        sizes = {name: options[name] for name in LIMITS}
        started = time.monotonic()
        with tqdm(
            total=options["years"] * options["meetings"],
            unit="meeting",
            disable=options["verbosity"] == 0,
            file=self.stderr._out,  # the raw stream: tqdm redraws its line with \r
        ) as bar:
            try:
                counts = archive.generate(
                    **sizes, seed=options["seed"], replace=options["replace"], progress=bar.update
                )
            except archive.ArchiveExists as exists:
                raise CommandError(f"{exists} Pass --replace to generate it anew.") from None
        seconds = time.monotonic() - started
        self.stdout.write(f"Generated {counts.summary()} in {seconds:.0f} s.")
