"""Raw HTTP: exactly the bytes you type, sent to the demo site over a socket, and exactly what came back.

``raw_http(site, text)`` is HTTP without a library in between: the request
line, the headers, the blank line. The :class:`RawReply` it returns shows
both sides and reads them apart (``reply.request_line``,
``reply.request_headers``, ``reply.status``, ``reply.header("Set-Cookie")``).
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field

from course_helpers.display import Display
from course_helpers.errors import CourseError

#: How long raw_http waits for the server before giving up, in seconds.
RAW_TIMEOUT = 5.0


@dataclass(repr=False, eq=False)
class RawReply(Display):
    """The exact bytes sent and received by :func:`raw_http`."""

    sent: bytes
    received: bytes
    notes: list[str] = field(default_factory=list)

    @property
    def request_line(self) -> str:
        """The first line that was sent: ``GET /counter/ HTTP/1.1``."""
        return self.sent.partition(b"\r\n")[0].decode("latin-1")

    @property
    def request_headers(self) -> list[tuple[str, str]]:
        """The headers that were sent, in order, as ``(name, value)`` pairs."""
        head = self.sent.partition(b"\r\n\r\n")[0].decode("latin-1")
        lines = head.split("\r\n")[1:]
        return [(k.strip(), v.strip()) for k, _, v in (line.partition(":") for line in lines) if k.strip()]

    def request_header(self, name: str) -> list[str]:
        """Every value of the request header ``name`` that was sent (case-insensitive)."""
        return [v for k, v in self.request_headers if k.lower() == name.lower()]

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
