"""The learner's HTTP client: a ``requests.Session`` that remembers what it did.

``site.client()`` returns a :class:`DemoClient`. It behaves exactly like
``requests.Session`` (same cookie jar, same redirects), with two additions:
paths such as ``"/counter/"`` are relative to the demo site, and every
exchange, redirects included, is recorded in ``client.trace`` so that it can
be drawn as a sequence diagram.
"""

from __future__ import annotations

from typing import Any

import requests

from course_helpers.trace import Exchange, Trace

#: Seconds a request may take before requests gives up (a hung server must not hang a cell).
DEFAULT_TIMEOUT = 10


class DemoClient(requests.Session):
    """A ``requests.Session`` bound to one demo site, recording its traffic."""

    def __init__(self, base_url: str, *, trace_limit: int = 200):
        super().__init__()
        # The demo site is on loopback: no proxy from the environment applies,
        # and skipping the lookup halves requests' own cost per call.
        self.trust_env = False
        self.base_url = base_url.rstrip("/")
        self.trace = Trace(limit=trace_limit)
        self.hooks["response"].append(self._record)

    def request(self, method: str, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        """Send a request like ``requests.Session.request``; a path is taken relative to the site."""
        if isinstance(url, str) and url.startswith("/"):
            url = self.base_url + url
        kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
        return super().request(method, url, *args, **kwargs)

    def _record(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.trace.append(Exchange.from_response(response))

    def __repr__(self) -> str:
        return f"<DemoClient for {self.base_url} with {len(self.cookies)} cookie(s)>"
