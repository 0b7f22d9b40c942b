"""Traffic diagrams: what a client really sent and received, drawn as a sequence.

Every :class:`~course_helpers.client.DemoClient` records its exchanges in a
:class:`Trace`. Displayed in JupyterLab, a trace is a mermaid sequence
diagram (method, path, status, the ``Cookie`` sent, each ``Set-Cookie``
received, redirects as their own arrows); elsewhere it is the same story in
plain text.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests

from course_helpers.display import Display, Mermaid, shorten

#: How much of a header value a diagram shows.
DIAGRAM_VALUE = 60


@dataclass(frozen=True)
class Exchange:
    """One request and its response, as they went over the wire."""

    method: str
    url: str
    status: int
    reason: str
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    elapsed: dt.timedelta = dt.timedelta(0)

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


class Trace(Display):
    """The exchanges of one client, oldest first, at most ``limit`` of them.

    ``trace.clear()`` forgets them; ``trace.last(n)`` is a trace of the last ``n``.
    """

    def __init__(self, exchanges: list[Exchange] | None = None, *, limit: int = 200, title: str = ""):
        self._exchanges: deque[Exchange] = deque(exchanges or [], maxlen=limit)
        self.limit = limit
        self.title = title

    def append(self, exchange: Exchange) -> None:
        self._exchanges.append(exchange)

    def clear(self) -> None:
        """Forget every recorded exchange."""
        self._exchanges.clear()

    def last(self, n: int) -> Trace:
        """A trace of the last ``n`` exchanges."""
        return Trace(list(self._exchanges)[-n:] if n > 0 else [], limit=self.limit, title=self.title)

    def __iter__(self) -> Iterator[Exchange]:
        return iter(list(self._exchanges))

    def __len__(self) -> int:
        return len(self._exchanges)

    def __getitem__(self, index: int) -> Exchange:
        return list(self._exchanges)[index]

    def mermaid(self) -> str:
        """The trace as mermaid source (``sequenceDiagram``)."""
        lines = ["sequenceDiagram"]
        if self.title:
            lines.append(f"    title {_mermaid_lines([self.title])}")
        lines += ["    participant C as client", "    participant S as demo site"]
        if not self._exchanges:
            lines.append("    Note over C,S: no requests yet")
        for ex in self._exchanges:
            request = [f"{ex.method} {shorten(ex.path, DIAGRAM_VALUE)}"]
            if ex.cookie_sent:
                request += _cookie_lines(ex.cookie_sent)
            lines.append(f"    C->>S: {_mermaid_lines(request)}")
            reply = [f"{ex.status} {ex.reason}"]
            if ex.location:
                reply.append(f"Location: {shorten(ex.location, DIAGRAM_VALUE)}")
            reply += [f"Set-Cookie: {shorten(header, DIAGRAM_VALUE)}" for header in ex.set_cookies]
            lines.append(f"    S-->>C: {_mermaid_lines(reply)}")
        return "\n".join(lines)

    def text(self) -> str:
        lines = [self.title] if self.title else []
        if not self._exchanges:
            lines.append("(no requests yet)")
        for n, ex in enumerate(self._exchanges, 1):
            lines.append(f"{n}. client -> site: {ex.method} {shorten(ex.path, DIAGRAM_VALUE)}")
            if ex.cookie_sent:
                cookie_lines = _cookie_lines(ex.cookie_sent)
                lines.append(f"      {cookie_lines[0]}")
                lines += [f"              {more}" for more in cookie_lines[1:]]
            lines.append(f"   client <- site: {ex.status} {ex.reason}")
            if ex.location:
                lines.append(f"      Location: {shorten(ex.location, DIAGRAM_VALUE)}")
            for header in ex.set_cookies:
                lines.append(f"      Set-Cookie: {shorten(header, DIAGRAM_VALUE)}")
        return "\n".join(lines)

    def diagram(self) -> Mermaid:
        """The trace as a diagram display (what showing the trace itself gives)."""
        return Mermaid(self.mermaid(), self.text())

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        return self.diagram()._repr_mimebundle_(include, exclude)

    _repr_html_ = None


def trace(client, *, last: int | None = None, title: str = "") -> Trace:
    """The recorded traffic of ``client`` (a ``site.client()``), ready to display.

    ``last`` keeps only the most recent exchanges; ``title`` heads the diagram.
    """
    recorded = getattr(client, "trace", None)
    if not isinstance(recorded, Trace):
        raise TypeError(
            "trace() needs a client made by site.client(): a plain requests.Session "
            "does not record its traffic."
        )
    chosen = recorded.last(last) if last is not None else recorded.last(len(recorded))
    chosen.title = title
    return chosen


def _cookie_lines(header: str) -> list[str]:
    """A ``Cookie`` header for a diagram: whole if short, else one line per cookie.

    Shortening a long header as a whole would hide every cookie after the
    first; each cookie is shortened on its own instead, so all their names show.
    """
    if len(header) <= DIAGRAM_VALUE:
        return [f"Cookie: {header}"]
    pairs = [shorten(pair, DIAGRAM_VALUE) for pair in header.split("; ")]
    lines = [f"{pair};" for pair in pairs[:-1]] + pairs[-1:]
    lines[0] = f"Cookie: {lines[0]}"
    return lines


def _mermaid_lines(lines: list[str]) -> str:
    """One mermaid message of several lines, each escaped so that mermaid reads it as text.

    ``;`` and ``#`` are mermaid syntax, and ``<``/``>`` would let a value
    (a cookie holding ``<br/>``, say) break the line or inject markup; each
    becomes an entity code. Only the separators added here are ``<br/>``.
    """
    escapes = {"#": "#35;", ";": "#59;", "<": "#lt;", ">": "#gt;"}
    return "<br/>".join("".join(escapes.get(ch, ch) for ch in line) for line in lines)
