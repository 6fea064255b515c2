#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vapp.settings")
    # A bare checkout (neither DEBUG nor SECRET_KEY set) is a developer's: let commands such as
    # makemigrations run there. Production sets SECRET_KEY, so DEBUG keeps its strict default,
    # and the web server (vapp/wsgi.py) never takes this path.
    if "DEBUG" not in os.environ and "SECRET_KEY" not in os.environ:
        os.environ["DEBUG"] = "true"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
