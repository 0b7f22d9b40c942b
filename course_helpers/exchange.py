"""What went over the wire: one exchange (with its redirects) shown hop by hop, and raw HTTP.

``show_exchange(response)`` shows a ``requests`` response as the request
line and headers that were sent (the ``Cookie`` header included), the status
line and headers that came back, and each ``Set-Cookie`` parsed.
``raw_http(site, text)`` sends exactly the bytes you type to the demo site
over a socket and shows exactly what came back.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field

import requests

from course_helpers.cookies import explain_set_cookie
from course_helpers.display import Display, Sections, Table, shorten
from course_helpers.errors import CourseError
from course_helpers.trace import Exchange

#: How long raw_http waits for the server before giving up, in seconds.
RAW_TIMEOUT = 5.0


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


@dataclass(repr=False, eq=False)
class RawReply(Display):
    """The exact bytes sent and received by :func:`raw_http`."""

    sent: bytes
    received: bytes
    notes: list[str] = field(default_factory=list)

    @property
    def head(self) -> str:
        return self.received.partition(b"\r\n\r\n")[0].decode("latin-1")

    @property
    def status(self) -> int | None:
        """The status code of the reply, or ``None`` if the server sent no status line."""
        parts = self.head.split("\r\n", 1)[0].split(" ")
        return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None

    @property
    def headers(self) -> list[tuple[str, str]]:
        """The reply's headers in order, repeated ones kept apart."""
        lines = self.head.split("\r\n")[1:]
        return [(k.strip(), v.strip()) for k, _, v in (line.partition(":") for line in lines) if k]

    def header(self, name: str) -> list[str]:
        """Every value of the header ``name`` (case-insensitive)."""
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def body(self) -> bytes:
        return self.received.partition(b"\r\n\r\n")[2]

    def text(self) -> str:
        sent = self.sent.decode("latin-1").replace("\r\n", "\n").rstrip("\n")
        received = self.received.decode("utf-8", "replace").replace("\r\n", "\n")
        out = [">>> sent", sent, "", "<<< received", received.rstrip("\n") or "(nothing)"]
        out += self.notes
        return "\n".join(out)


def raw_http(site, text: str | bytes, *, timeout: float = RAW_TIMEOUT) -> RawReply:
    """Send ``text`` to the demo site over a plain socket and return exactly what it answers.

    ``bytes`` are sent as they are. A ``str`` is typed by a person: its
    ``\\n`` line ends become ``\\r\\n`` as HTTP requires, and a missing blank
    line after the headers is added (both are noted in the result). The
    reply is read until the server closes the connection or has sent the
    whole body (``Content-Length``).
    """
    notes: list[str] = []
    if isinstance(text, str):
        if not text.strip():
            raise CourseError(
                "raw_http() needs a request to send, e.g. 'GET / HTTP/1.1\\nHost: 127.0.0.1\\n\\n'."
            )
        normalised = text.replace("\r\n", "\n").lstrip("\n").replace("\n", "\r\n")
        if normalised != text:
            notes.append("(line ends were sent as \\r\\n, as HTTP requires)")
        if "\r\n\r\n" not in normalised:
            normalised = normalised.rstrip("\r\n") + "\r\n\r\n"
            notes.append("(a blank line was added after the headers: without it the server waits for more)")
        try:
            data = normalised.encode("latin-1")
        except UnicodeEncodeError as exc:
            raise CourseError(
                "HTTP headers are bytes in ISO-8859-1; this request has a character outside it "
                f"({normalised[exc.start]!r}). Send bytes, or percent-encode it."
            ) from exc
    elif isinstance(text, bytes):
        data = text
    else:
        raise TypeError(f"raw_http() sends a str or bytes, not {type(text).__name__}.")
    received = bytearray()
    try:
        with socket.create_connection(("127.0.0.1", site.port), timeout=timeout) as sock:
            sock.sendall(data)
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received += chunk
                if _complete(bytes(received)):
                    break
    except TimeoutError:
        notes.append(f"(the server sent nothing more for {timeout:g} s: the request may be incomplete)")
    except OSError as exc:
        raise CourseError(f"Could not talk to the demo site at {site.url}: {exc}") from exc
    return RawReply(data, bytes(received), notes)


def _complete(received: bytes) -> bool:
    head, sep, body = received.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and value.strip().isdigit():
            return len(body) >= int(value.strip())
    return False
