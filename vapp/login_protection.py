"""Whom a failed sign-in counts against (django-axes, configured in settings): the client's
address as our proxies wrote it, and the user name, each locked separately."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(text):
    """`text` as an IP address in its one canonical spelling, or None. A port or brackets some
    proxies add are dropped; an IPv4 address written as IPv6 (::ffff:a.b.c.d) is the IPv4."""
    text = text.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return str(getattr(address, "ipv4_mapped", None) or address)


def client_address(request):
    """The address the client connected from. Behind TRUSTED_PROXY_COUNT proxies of ours, each
    appends to X-Forwarded-For the address it was connected from, so the client's is that many
    entries from the right; entries further left are whatever the client wrote, never read.
    Without trusted proxies, the connection's own address. None when that entry is missing or
    is not an address (the request did not come through our proxies as configured)."""
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return _address(request.META.get("REMOTE_ADDR", ""))
    entries = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    return _address(entries[-count]) if len(entries) >= count else None


def lockout_parameters(request_or_attempt, credentials=None):
    """Failures are counted per address and per user name. Requests without a usable address
    are counted per user name only: counted per address, they would all share one lock, and
    five of them would lock every such sign-in out."""
    if isinstance(request_or_attempt, HttpRequest):
        address = client_address(request_or_attempt)
    else:  # a stored attempt (axes.models.AccessAttempt)
        address = getattr(request_or_attempt, "ip_address", None)
    return ["ip_address", "username"] if address else ["username"]
