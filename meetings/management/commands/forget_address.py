"""Delete every subscription of an e-mail address to the notices by e-mail, and their mails:
for its owner's request to be forgotten when they no longer have a mail's unsubscribe link.
The back office shows no address, so this is the staff's way to it:

    manage.py forget_address delegate@example.org

The address is matched whatever its letters' case; nothing is said of it but how many
subscriptions were deleted.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from meetings.publishing import notices


class Command(BaseCommand):
    help = "Delete every subscription of an e-mail address to the programmes' notices."

    def add_arguments(self, parser):
        parser.add_argument("address", help="the e-mail address to forget")

    def handle(self, *args, address, **options):
        address = notices.normalized(address)
        try:
            validate_email(address)
        except ValidationError:
            raise CommandError(
                f"{address!r} is not an e-mail address; nothing was deleted."
            ) from None
        deleted = notices.forget(address)
        self.stdout.write(f"{deleted} subscription(s) of that address deleted, with their mails.")
