"""Where a login may send the user next: back to a page of this very site, never elsewhere."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, candidate: str | None, fallback: str) -> str:
    """``candidate`` if it is a URL on this very site (same host, safe scheme), else ``fallback``.

    ``url_has_allowed_host_and_scheme`` is a host check (``urlsplit`` plus what
    browsers do with backslashes, control characters and extra slashes), not a
    sanitizer: the URL it accepts is only sent back in a ``Location`` header.
    """
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback
