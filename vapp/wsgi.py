"""WSGI entry point: `granian --interface wsgi vapp.wsgi:application` (./dev production) or any
WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vapp.settings")

application = get_wsgi_application()

from django.conf import settings  # noqa: E402 - once Django is set up

from vapp.collector import freeze_after_warm_up  # noqa: E402

freeze_after_warm_up(settings.GC_FREEZE_AFTER_REQUESTS)
