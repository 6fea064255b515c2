"""Load every ISO 3166-1 country as a State again, after an upgrade of pycountry, Babel or the
UN's names (meetings/content/un_names.py):

    manage.py load_states                 # adds the States missing, fills empty names
    manage.py load_states --update TR LA  # takes the dataset's values for these States

A value staff have given is never changed without --update: where the dataset says otherwise,
the difference is listed. Migration 0017 made the first load. What is loaded from where:
meetings/content/states.py.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from meetings.content import states
from meetings.models import State


class Command(BaseCommand):
    help = "Add the States missing and fill their empty names from pycountry, CLDR and the UN's."

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            nargs="+",
            default=[],
            metavar="CODE",
            help="ISO codes of States to set to the dataset's values, replacing staff's",
        )

    def handle(self, *args, update, **options):
        codes = {code.upper() for code in update}
        unknown = sorted(codes - states.dataset().keys())
        if unknown:
            raise CommandError(f"No ISO 3166-1 country has the code {', '.join(unknown)}.")
        try:
            with transaction.atomic():
                loaded = states.load(State, update=codes)
        except states.NameTaken as error:
            raise CommandError(f"Nothing was changed. {error}") from None
        for code, name, here, there in loaded.kept:
            self.stdout.write(f"{code} {name}: kept {here!r}; the dataset has {there!r}.")
        if loaded.kept:
            self.stdout.write("Take the dataset's values with --update CODE ...")
        self.stdout.write(
            f"{len(loaded.created)} States added, {len(loaded.updated)} updated, "
            f"{len(loaded.kept)} values kept as staff gave them; {State.objects.count()} States."
        )
