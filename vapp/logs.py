"""Log records of requests the site refused on purpose (an unknown Host, a 403, a 413) on one
line each: they are the client's doing, and a traceback per try buries real errors."""

import logging

REFUSED = {400, 403, 404, 405, 413, 429, 431}


class RefusalsOnOneLine(logging.Filter):
    def filter(self, record):
        refused = record.name.startswith("django.security") or (
            record.name == "django.request" and getattr(record, "status_code", 500) in REFUSED
        )
        if refused:
            record.exc_info = record.exc_text = None
        return True
