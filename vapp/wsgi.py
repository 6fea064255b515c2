"""WSGI entry point: `granian --interface wsgi vapp.wsgi:application` (./dev production) or any
WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vapp.settings")

application = get_wsgi_application()
