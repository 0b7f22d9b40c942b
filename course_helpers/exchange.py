"""One HTTP exchange as it went over the wire: the request sent, the response received.

An :class:`Exchange` is what a client's trace records for each hop.
``show_exchange(response)`` shows a ``requests`` response hop by hop (its
redirects first): the request line and headers that were sent (the
``Cookie`` header included), the status line and headers that came back,
and each ``Set-Cookie`` parsed. ``set_cookie_headers(response)`` lists the
``Set-Cookie`` headers of every hop, exactly as sent.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests

from course_helpers.cookies import explain_set_cookie
from course_helpers.display import Display, Sections, Table, shorten

#: Numbers exchanges in the order they were recorded, across every client of the kernel.
_recorded = itertools.count(1)


@dataclass(frozen=True)
class Exchange:
    """One request and its response, as they went over the wire.

    ``order`` numbers exchanges in the order they were recorded, across all
    clients (a check can tell which of two clients' requests came first).
    """

    method: str
    url: str
    status: int
    reason: str
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    elapsed: dt.timedelta = dt.timedelta(0)
    order: int = field(default_factory=lambda: next(_recorded), compare=False, repr=False)

    @classmethod
    def from_response(cls, response: requests.Response) -> Exchange:
        """Record ``response`` and the request that produced it."""
        request = response.request
        # A Host header set by hand (to play a named site on 127.0.0.1) is what was sent.
        request_headers = [("Host", request.headers.get("Host") or urlsplit(request.url).netloc)]
        request_headers += [(k, v) for k, v in request.headers.items() if k.lower() != "host"]
        return cls(
            method=request.method or "GET",
            url=request.url or "",
            status=response.status_code,
            reason=response.reason or "",
            request_headers=request_headers,
            response_headers=raw_response_headers(response),
            elapsed=response.elapsed,
        )

    @property
    def path(self) -> str:
        """The path and query string of the request, as in the request line."""
        parts = urlsplit(self.url)
        return parts.path + (f"?{parts.query}" if parts.query else "") or "/"

    @property
    def cookie_sent(self) -> str | None:
        """The ``Cookie`` header the client sent, or ``None``."""
        return _first(self.request_headers, "cookie")

    @property
    def set_cookies(self) -> list[str]:
        """Every ``Set-Cookie`` header of the response, one string each, in order."""
        return [v for k, v in self.response_headers if k.lower() == "set-cookie"]

    @property
    def location(self) -> str | None:
        return _first(self.response_headers, "location")


def raw_response_headers(response: requests.Response) -> list[tuple[str, str]]:
    """The response headers as received: repeated headers (``Set-Cookie``) kept apart.

    ``response.headers`` joins repeated headers with ``", "``, which mangles
    ``Set-Cookie`` (its ``Expires`` date contains a comma); the raw headers
    of urllib3 keep each one.
    """
    raw = getattr(response, "raw", None)
    headers = getattr(raw, "headers", None)
    if headers is not None and hasattr(headers, "iteritems"):
        return [(str(k), str(v)) for k, v in headers.iteritems()]
    return list(response.headers.items())


def _first(headers: list[tuple[str, str]], name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def set_cookie_headers(
    response: requests.Response | Exchange, name: str | None = None, *, redirects: bool = True
) -> list[str]:
    """The ``Set-Cookie`` headers a client received for ``response``, one string each, exactly as sent.

    With ``redirects=True`` (the default), those of the redirects it followed
    (``response.history``) come first: a cookie set on a 302 is set all the
    same. ``name`` keeps only the headers that set that cookie.
    ``response.headers["Set-Cookie"]`` cannot do this: it joins repeated
    headers with ``", "``, and an ``Expires`` date holds a comma.
    """
    if isinstance(response, Exchange):
        hops = [response]
    elif isinstance(response, requests.Response):
        hops = [
            Exchange.from_response(r) for r in ([*response.history, response] if redirects else [response])
        ]
    else:
        raise TypeError(f"set_cookie_headers() takes a requests Response, not {type(response).__name__}.")
    headers = [header for hop in hops for header in hop.set_cookies]
    if name is not None:
        headers = [h for h in headers if h.split("=", 1)[0].strip() == name]
    return headers


def _exchange_view(exchange: Exchange, heading: str) -> Sections:
    request_lines = [f"{exchange.method} {exchange.path} HTTP/1.1"]
    request_lines += [f"{k}: {shorten(v, 100)}" for k, v in exchange.request_headers]
    response_lines = [f"HTTP/1.1 {exchange.status} {exchange.reason}"]
    response_lines += [f"{k}: {shorten(v, 100)}" for k, v in exchange.response_headers]
    parts: list[tuple[str, Display | str]] = [
        ("request (sent by the client)", "\n".join(request_lines)),
        ("response (sent by the server)", "\n".join(response_lines)),
    ]
    if not exchange.cookie_sent:
        parts.insert(1, ("", "(no Cookie header was sent)"))
    if exchange.set_cookies:
        host = exchange.url.split("/")[2].rsplit(":", 1)[0] if "://" in exchange.url else "127.0.0.1"
        rows = []
        for header in exchange.set_cookies:
            parsed = explain_set_cookie(header, host=host)
            if parsed.ignored:
                rows.append((shorten(header, 40), "", "", "", "", "", "", f"ignored: {parsed.ignored}"))
                continue
            lifetime = (
                f"Max-Age={parsed.max_age}"
                if parsed.max_age is not None
                else ("Expires" if parsed.expires_at else "session")
            )
            rows.append(
                (
                    parsed.name,
                    shorten(parsed.value, 40),
                    lifetime,
                    parsed.path or "",
                    parsed.domain or "(host-only)",
                    parsed.secure,
                    parsed.httponly,
                    parsed.samesite or "-",
                )
            )
        parts.append(
            (
                "Set-Cookie, parsed",
                Table(
                    ["name", "value", "lifetime", "Path", "Domain", "Secure", "HttpOnly", "SameSite"], rows
                ),
            )
        )
    return Sections(parts, title=heading)


@dataclass(repr=False, eq=False)
class ExchangeView(Display):
    """One or more hops of an HTTP exchange, shown in order."""

    hops: list[Exchange] = field(default_factory=list)

    def _sections(self) -> list[Sections]:
        total = len(self.hops)
        return [
            _exchange_view(
                hop,
                f"{hop.method} {shorten(hop.path, 60)} → {hop.status}"
                + (f" (hop {n} of {total})" if total > 1 else ""),
            )
            for n, hop in enumerate(self.hops, 1)
        ]

    def text(self) -> str:
        return "\n\n".join(s.text() for s in self._sections())

    def html(self) -> str:
        return "<hr/>".join(s.html() for s in self._sections())


def show_exchange(response: requests.Response | Exchange) -> ExchangeView:
    """Show what went over the wire for ``response``, one hop per redirect.

    For a ``requests`` response, the redirects it followed
    (``response.history``) come first, then the final hop.
    """
    if isinstance(response, Exchange):
        return ExchangeView([response])
    if not isinstance(response, requests.Response):
        raise TypeError(f"show_exchange() takes a requests Response, not {type(response).__name__}.")
    return ExchangeView([Exchange.from_response(r) for r in [*response.history, response]])
