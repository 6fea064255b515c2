import logging
import sys

import pytest

from vapp.logs import RefusalsOnOneLine


def record(name, status_code=None):
    try:
        raise ValueError("why")
    except ValueError:
        made = logging.LogRecord(name, logging.ERROR, __file__, 1, "msg", None, sys.exc_info())
    if status_code is not None:
        made.status_code = status_code
    return made


@pytest.mark.parametrize(
    "name, status",
    [("django.security.DisallowedHost", None), ("django.request", 403), ("django.request", 413)],
)
def test_a_refused_request_is_logged_on_one_line(name, status):
    refused = record(name, status)
    assert RefusalsOnOneLine().filter(refused) is True
    assert refused.exc_info is None
    assert "Traceback" not in logging.Formatter().format(refused)


@pytest.mark.parametrize("name, status", [("django.request", 500), ("meetings", None)])
def test_an_error_keeps_its_traceback(name, status):
    failed = record(name, status)
    assert RefusalsOnOneLine().filter(failed) is True
    assert "Traceback" in logging.Formatter().format(failed)


def test_the_console_handler_uses_the_filter(settings):
    assert "refusals_on_one_line" in settings.LOGGING["handlers"]["console"]["filters"]
